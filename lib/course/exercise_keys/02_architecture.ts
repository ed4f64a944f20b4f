/**
 * The exercise key of notebook 02, the architecture: a gate matrix's shape, a parameter count, the
 * one vector of the four that can be negative, and the running example's step with nothing forgotten
 * and nothing written.
 *
 * @module
 */

import { initLSTMParams, lstmParamCount } from "../../core/lstm_cell.ts";
import { runningExample } from "../../core/running_example.ts";
import { formatVector } from "../../core/tensor.ts";
import type { ExerciseKey, NoContext } from "./_key.ts";

/** The learner's answers to notebook 02's exercises; `undefined` is not answered yet. */
export interface ArchitectureAnswers {
  /** Exercise 1: the shape of W_i for H = 5, X = 2, `[rows, columns]`. */
  shapeWi?: [number, number];
  /** Exercise 2: the parameters of an LSTM layer, H = 64 on X = 32. */
  params64?: number;
  /** Exercise 3: the vector that can be negative, by its name in the library. */
  canBeNegative?: "f" | "i" | "cTilde" | "o";
  /** Exercise 4: cₜ of the running example's step with fₜ = [1 1 1] and iₜ = [0 0 0], `[H]`. */
  keepAll?: number[];
}

const shapeWi = (): [number, number] => {
  const W = initLSTMParams(2, 5).Wi;
  return [W.rows, W.cols];
};

/** Notebook 02's exercises (they need nothing from the notebook: pass `{}`). */
export const architectureKey: ExerciseKey<ArchitectureAnswers, NoContext> = {
  notebook: "02",
  context: {},
  exercises: [
    {
      answer: "shapeWi",
      expected: shapeWi,
      why: () =>
        `[${shapeWi().join(", ")}]: H rows (one per unit), H + X = 5 + 2 columns (one per entry of [hₜ₋₁, xₜ]).`,
    },
    {
      answer: "params64",
      expected: () => lstmParamCount(32, 64),
      why: () => `4·(64·(64 + 32) + 64) = ${lstmParamCount(32, 64).toLocaleString("en-US")}.`,
    },
    {
      answer: "canBeNegative",
      expected: () => "cTilde",
      why: () =>
        "cTilde (c̃ₜ): it comes from tanh, in (−1, 1), so it can push a memory down. The gates come from σ, in (0, 1).",
    },
    {
      answer: "keepAll",
      expected: () => Array.from(runningExample().cPrev),
      tolerance: 1e-6,
      why: () => `${formatVector(runningExample().cPrev)}: keep everything, write nothing, so cₜ = cₜ₋₁.`,
    },
  ],
};
