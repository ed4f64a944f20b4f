/**
 * The exercise key of notebook 08, the next-word model: perplexity from a probability and from a
 * cross-entropy, the output layer's parameters, and the notebook's own test perplexity turned back
 * into nats.
 *
 * @module
 */

import { type ExerciseKey, numberField } from "./_key.ts";

/** The learner's answers to notebook 08's exercises; `undefined` is not answered yet. */
export interface NextWordModelAnswers {
  /** Exercise 1: the perplexity of a model that gives the next word 1/50 at every step. */
  uniform?: number;
  /** Exercise 2: the perplexity at a mean cross-entropy of 5 nats per token. */
  fromLoss?: number;
  /** Exercise 3: the parameters of Dense(H → V), H = 64, V = 10,000. */
  denseParams?: number;
  /** Exercise 4: section 4's test perplexity as a mean cross-entropy, nats per token. */
  testNats?: number;
}

/** What notebook 08's key reads from the notebook. */
export interface NextWordModelContext {
  /** The one-minute model's test perplexity in section 4, `rows[1]["LSTM perplexity"]`. */
  readonly testPerplexity: number;
}

/** Notebook 08's exercises. */
export const nextWordModelKey: ExerciseKey<NextWordModelAnswers, NextWordModelContext> = {
  notebook: "08",
  context: {
    testPerplexity: numberField(`a perplexity >= 1, section 4's rows[1]["LSTM perplexity"]`, 1),
  },
  exercises: [
    {
      answer: "uniform",
      expected: () => 50,
      tolerance: 1e-9,
      why: () =>
        "50: the cross-entropy is −ln(1/50) = ln 50 for every token, and exp(ln 50) = 50. Perplexity is the size of an equally uncertain fair choice.",
    },
    {
      answer: "fromLoss",
      expected: () => Math.exp(5),
      tolerance: 0.05,
      why: () => `e⁵ ≈ ${Math.exp(5).toFixed(1)}.`,
    },
    {
      answer: "denseParams",
      expected: () => 64 * 10_000 + 10_000,
      why: () =>
        `H·V + V = 64 · 10,000 + 10,000 = ${
          (64 * 10_000 + 10_000).toLocaleString("en-US")
        }: one weight per (unit, word) and one bias per word.`,
    },
    {
      answer: "testNats",
      expected: ({ testPerplexity }) => Math.log(testPerplexity),
      tolerance: 0.0005,
      why: ({ testPerplexity }) =>
        `ln ${testPerplexity.toFixed(1)} ≈ ${
          Math.log(testPerplexity).toFixed(3)
        }: perplexity is exp of the mean cross-entropy, so the cross-entropy is its logarithm.`,
    },
  ],
};
