/**
 * The exercise key of notebook 04, the forget gate: fₜ ⊗ cₜ₋₁ by hand, an untrained gate, a memory's
 * half-life, and which of the notebook's two networks writes more on ordinary words.
 *
 * @module
 */

import { mul, sigmoid } from "../../core/pointwise.ts";
import type { StoryGateStats } from "../story_gates.ts";
import { formatVector } from "../../core/tensor.ts";
import { type ExerciseKey, numbersField } from "./_key.ts";

/** The learner's answers to notebook 04's exercises; `undefined` is not answered yet. */
export interface ForgetGateAnswers {
  /** Exercise 1: fₜ ⊗ cₜ₋₁ for fₜ = [0.9 0.1 0.5], cₜ₋₁ = [10 10 10], `[3]`. */
  kept?: number[];
  /** Exercise 2: an untrained forget gate, all weights zero and b_f = 1. */
  untrained?: number;
  /** Exercise 3: the fewest words after which a gate at 0.9 has lost more than half. */
  halfLife?: number;
  /** Exercise 4: the network that writes more into its name units on ordinary words. */
  writesMore?: "with" | "without";
}

/** What notebook 04's key reads from the notebook: section 4's two networks (seed 0). */
export interface ForgetGateContext {
  /** Seed 0 trained with the recurrent weight decay: `stats[0]`. */
  readonly withDecay: Pick<StoryGateStats, "writeElsewhere">;
  /** Seed 0 trained without it: `plain`. */
  readonly withoutDecay: Pick<StoryGateStats, "writeElsewhere">;
}

const halfLife = Math.ceil(Math.log(0.5) / Math.log(0.9)); // the smallest n with 0.9ⁿ < 0.5
const writesMore = (c: ForgetGateContext) =>
  c.withoutDecay.writeElsewhere > c.withDecay.writeElsewhere ? "without" : "with";

/** Notebook 04's exercises. */
export const forgetGateKey: ExerciseKey<ForgetGateAnswers, ForgetGateContext> = {
  notebook: "04",
  context: {
    withDecay: numbersField("storyGateStats of seed 0 with the decay, stats[0]", ["writeElsewhere"]),
    withoutDecay: numbersField("storyGateStats of seed 0 without the decay, plain", ["writeElsewhere"]),
  },
  exercises: [
    {
      answer: "kept",
      expected: () => Array.from(mul([0.9, 0.1, 0.5], [10, 10, 10])),
      tolerance: 1e-4,
      why: () => `${formatVector(mul([0.9, 0.1, 0.5], [10, 10, 10]))}: entry by entry.`,
    },
    {
      answer: "untrained",
      expected: () => sigmoid([1])[0],
      tolerance: 6e-4,
      why: () => `σ(0 + 1) = 1/(1 + e⁻¹) = ${sigmoid([1])[0].toFixed(4)}.`,
    },
    {
      answer: "halfLife",
      expected: () => halfLife,
      why: () =>
        `${halfLife}: 0.9^${halfLife - 1} = ${
          (0.9 ** (halfLife - 1)).toFixed(3)
        } is still above 0.5, 0.9^${halfLife} = ${(0.9 ** halfLife).toFixed(3)} is below.`,
    },
    {
      answer: "writesMore",
      expected: writesMore,
      why: (c) => {
        const [without, withIt] = [c.withoutDecay.writeElsewhere.toFixed(3), c.withDecay.writeElsewhere.toFixed(3)];
        return writesMore(c) === "without"
          ? `without: ${without} against ${withIt}; it keeps the hero by writing it again at every word.`
          : `with: ${withIt} against ${without} without the decay.`;
      },
    },
  ],
};
