/**
 * The exercise key of notebook 05, the input gate: cₜ by hand, how much more the trained network
 * writes at names (from the notebook's own table), and what the running example writes into unit 0.
 *
 * @module
 */

import { lstmStep } from "../../core/lstm_cell.ts";
import { runningExample } from "../../core/running_example.ts";
import type { StoryGateStats } from "../story_gates.ts";
import { type ExerciseKey, numbersField } from "./_key.ts";

/** The learner's answers to notebook 05's exercises; `undefined` is not answered yet. */
export interface InputGateAnswers {
  /** Exercise 1: cₜ for cₜ₋₁ = [2 2], fₜ = [1 0], iₜ = [0 1], c̃ₜ = [0.5 −0.5], `[2]`. */
  c?: number[];
  /** Exercise 2: seed 0's write at names over its write elsewhere, as section 2's table rounds them. */
  ratio0?: number;
  /** Exercise 3: iₜ ⊗ c̃ₜ in unit 0 of the running example's step. */
  written0?: number;
}

/** What notebook 05's key reads from the notebook. */
export interface InputGateContext {
  /** Seed 0's figures in section 2's table: `stats[0]`. */
  readonly seed0: Pick<StoryGateStats, "writeAtNames" | "writeElsewhere">;
}

/** The ratio of the two figures as the table shows them (three decimals). */
const shownRatio = ({ seed0 }: InputGateContext) =>
  Number(seed0.writeAtNames.toFixed(3)) / Number(seed0.writeElsewhere.toFixed(3));

/** The running example's step (notebook 02), reading Ravi. */
const step = () => {
  const { params, x, hPrev, cPrev } = runningExample();
  return lstmStep(params, x, hPrev, cPrev);
};

/** Notebook 05's exercises. */
export const inputGateKey: ExerciseKey<InputGateAnswers, InputGateContext> = {
  notebook: "05",
  context: {
    seed0: numbersField("storyGateStats of seed 0, stats[0]", ["writeAtNames", "writeElsewhere"]),
  },
  exercises: [
    {
      answer: "c",
      expected: () => [2, -0.5],
      tolerance: 1e-6,
      why: () => "[2 −0.5]: unit 0 keeps 2 and writes nothing; unit 1 forgets and writes −0.5.",
    },
    {
      answer: "ratio0",
      expected: shownRatio,
      tolerance: (c) => 0.06 * shownRatio(c), // the table's rounding
      why: (c) =>
        `About ${Math.round(shownRatio(c))}: ${c.seed0.writeAtNames.toFixed(3)} / ${
          c.seed0.writeElsewhere.toFixed(3)
        }.`,
    },
    {
      answer: "written0",
      expected: () => step().i[0] * step().cTilde[0],
      tolerance: 6e-4,
      why: () => {
        const { i, cTilde } = step();
        return `${(i[0] * cTilde[0]).toFixed(3)} = ${i[0].toFixed(3)} × ${
          cTilde[0].toFixed(3)
        }: Ravi, written as a negative number.`;
      },
    },
  ],
};
