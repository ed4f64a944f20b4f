/**
 * The exercise key of notebook 06, the output gate: hₜ by hand, why |hₜ| stays below 1, and the
 * running example's hₜ[0] when it reads *he*.
 *
 * @module
 */

import { lstmStep } from "../../core/lstm_cell.ts";
import { tanh } from "../../core/pointwise.ts";
import { runningExample } from "../../core/running_example.ts";
import { oneHot } from "../../core/tasks.ts";
import type { ExerciseKey, NoContext } from "./_key.ts";

/** The learner's answers to notebook 06's exercises; `undefined` is not answered yet. */
export interface OutputGateAnswers {
  /** Exercise 1: hₜ for cₜ = [2 −1], oₜ = [0.99 0.01], `[2]`. */
  h?: number[];
  /** Exercise 2: whether |hₜ| can exceed 1. */
  above1?: boolean;
  /** Exercise 3: hₜ[0] of the running example reading *he*. */
  heH0?: number;
}

/** The running example's step (notebook 02's states) reading *he*, word 1 of 4. */
const he = () => {
  const { params, hPrev, cPrev } = runningExample();
  return lstmStep(params, oneHot(1, 4), hPrev, cPrev);
};

/** Notebook 06's exercises (they need nothing from the notebook: pass `{}`). */
export const outputGateKey: ExerciseKey<OutputGateAnswers, NoContext> = {
  notebook: "06",
  context: {},
  exercises: [
    {
      answer: "h",
      expected: () => [0.99 * tanh([2])[0], 0.01 * tanh([-1])[0]],
      tolerance: 6e-4,
      why: () =>
        `[${(0.99 * tanh([2])[0]).toFixed(3)} ${(0.01 * tanh([-1])[0]).toFixed(3)}]: ` +
        "tanh(2) shown almost fully, tanh(−1) almost hidden. The memory still holds −1.",
    },
    {
      answer: "above1",
      expected: () => false,
      why: () => "false: oₜ is in (0, 1) and tanh(cₜ) in (−1, 1), so their product is too.",
    },
    {
      answer: "heH0",
      expected: () => he().h[0],
      tolerance: 6e-4,
      why: () => {
        const { h, o, tanhC } = he();
        return `${h[0].toFixed(3)} = ${o[0].toFixed(3)} × ${tanhC[0].toFixed(3)}.`;
      },
    },
  ],
};
