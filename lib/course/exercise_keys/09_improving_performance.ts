/**
 * The exercise key of notebook 09, improving performance: what tying the embeddings saves, updates
 * per pass, a mixture's probability, and the change that needs `returnSequences: true`.
 *
 * @module
 */

import type { ExerciseKey, NoContext } from "./_key.ts";

/** The learner's answers to notebook 09's exercises; `undefined` is not answered yet. */
export interface ImprovingPerformanceAnswers {
  /** Exercise 1: parameters saved by tying the embeddings, H = E = 512, V = 10,000. */
  tyingSaves?: number;
  /** Exercise 2: updates in one pass, B = 32, T = 35, 835,520 tokens trained. */
  updatesPerEpoch?: number;
  /** Exercise 3: the mixture's probability, 0.7 · 0.02 + 0.3 · 0.01. */
  mixed?: number;
  /** Exercise 4: the change that needs `returnSequences: true`. */
  needsSequences?: "dropout" | "tied" | "stacked";
}

/** Notebook 09's exercises (they need nothing from the notebook: pass `{}`). */
export const improvingPerformanceKey: ExerciseKey<ImprovingPerformanceAnswers, NoContext> = {
  notebook: "09",
  context: {},
  exercises: [
    {
      answer: "tyingSaves",
      expected: () => 512 * 10_000,
      why: () =>
        "5,120,000: the output layer's H × V weight matrix is replaced by the embedding matrix (the V biases stay).",
    },
    {
      answer: "updatesPerEpoch",
      expected: () => 835_520 / (32 * 35),
      why: () => "746: each update reads B × T = 1,120 tokens, and 835,520 / 1,120 = 746.",
    },
    {
      answer: "mixed",
      expected: () => 0.7 * 0.02 + 0.3 * 0.01,
      tolerance: 1e-9,
      why: () => "0.7 · 0.02 + 0.3 · 0.01 = 0.017: a mixture averages the probabilities, weighted.",
    },
    {
      answer: "needsSequences",
      expected: () => "stacked",
      why: () =>
        "stacked: of the three, only stacking feeds one LSTM into another, and the second LSTM reads a sequence, so the first must hand on h_t for every step, [B, T, H], not only its last [B, H].",
    },
  ],
};
