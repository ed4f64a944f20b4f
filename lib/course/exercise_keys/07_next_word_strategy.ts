/**
 * The exercise key of notebook 07, the next-word strategy: the padded row the lecture's model reads
 * for a prompt (from the notebook's own word index), prefixes per line, the width of X, and the best
 * training accuracy any model can reach on the lecture's text.
 *
 * @module
 */

import type { ExerciseKey } from "./_key.ts";

/** The learner's answers to notebook 07's exercises; `undefined` is not answered yet. */
export interface NextWordStrategyAnswers {
  /** Exercise 1: the padded input row for "ravi was young", `[width]` ids. */
  paddedRow?: number[];
  /** Exercise 2: prefix examples a line of 8 words gives. */
  prefixes?: number;
  /** Exercise 3: the width of X after adding a line of 12 words. */
  newWidth?: number;
  /** Exercise 4: the best training accuracy any model can reach, a fraction. */
  ceiling?: number;
}

/**
 * What notebook 07's key reads from the notebook (the parts of its objects it uses; the notebook's
 * `PrefixModel` and `PrefixExamples` from `lib/engine/prefix_model.ts` are ones).
 */
export interface NextWordStrategyContext {
  /** The lecture's model, `model`: its word index, pad id and width. */
  readonly model: {
    readonly vocabulary: { id(word: string): number };
    readonly pad: number;
    readonly width: number;
  };
  /** The lecture's examples, `examples`: one padded input per prefix. */
  readonly examples: { readonly inputs: readonly unknown[] };
  /** The best accuracy any model can reach on them, `ceiling` (`bestPossibleAccuracy(examples)`), a fraction. */
  readonly ceiling: number;
}

/** The prompt of exercise 1 as the lecture's tokenizer cuts it. */
const PROMPT = ["ravi", "was", "young"];

/** The prompt's ids, padded in front to the model's width, as `prefixInput(model, "ravi was young")` makes them. */
const paddedRow = ({ model }: NextWordStrategyContext): number[] => {
  const ids = PROMPT.map((w) => model.vocabulary.id(w)).slice(-model.width);
  return [...Array(model.width - ids.length).fill(model.pad), ...ids];
};

/** Notebook 07's exercises. */
export const nextWordStrategyKey: ExerciseKey<NextWordStrategyAnswers, NextWordStrategyContext> = {
  notebook: "07",
  context: {
    model: {
      expected: "the lecture's model, model (lectureModel), with its vocabulary, pad and width",
      is: (v) => {
        const m = v as NextWordStrategyContext["model"] | null;
        return typeof m === "object" && m !== null && typeof m.vocabulary?.id === "function" &&
          Number.isInteger(m.pad) && Number.isInteger(m.width) && m.width >= PROMPT.length;
      },
    },
    examples: {
      expected: "the lecture's examples, examples (lectureExamples), with their inputs",
      is: (v) => Array.isArray((v as NextWordStrategyContext["examples"] | null)?.inputs),
    },
    ceiling: {
      expected: "a fraction from 0 to 1, ceiling (bestPossibleAccuracy(examples))",
      is: (v) => typeof v === "number" && v >= 0 && v <= 1,
    },
  },
  exercises: [
    {
      answer: "paddedRow",
      expected: paddedRow,
      why: (c) =>
        `[${
          paddedRow(c).join(" ")
        }]: the ids of ravi, was and young from the word index, with seven 0s in front to make the width of 10.`,
    },
    {
      answer: "prefixes",
      expected: () => 7,
      why: () => "7: w₁ → w₂, w₁w₂ → w₃, …, w₁…w₇ → w₈; the last word is only ever a label.",
    },
    {
      answer: "newWidth",
      expected: () => 11,
      why: () =>
        "11: the width is the longest line minus its last word, and 12 words beat the longest line so far (11 words, width 10).",
    },
    {
      answer: "ceiling",
      expected: (c) => c.ceiling,
      tolerance: 0.0005,
      why: ({ ceiling, examples }) =>
        `${ceiling.toFixed(3)} (${Math.round(ceiling * examples.inputs.length)} of ${examples.inputs.length}): ` +
        `where the same padded input is followed by different words (the lines that start with "the", "he" or "vikram"), ` +
        "at most the most frequent can be guessed right. bestPossibleAccuracy counts it.",
    },
  ],
};
