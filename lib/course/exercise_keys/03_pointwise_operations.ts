/**
 * The exercise key of notebook 03, the pointwise operations: ⊗ by hand, σ(0) and tanh(0), which
 * function makes a gate, a memory after 50 steps of a gate at 0.9, and which state can grow past 1.
 *
 * @module
 */

import { mul, sigmoid, tanh } from "../../core/pointwise.ts";
import type { ExerciseKey, NoContext } from "./_key.ts";

/** The learner's answers to notebook 03's exercises; `undefined` is not answered yet. */
export interface PointwiseAnswers {
  /** Exercise 1: fₜ ⊗ cₜ₋₁ for fₜ = [1 0.5 0], cₜ₋₁ = [8 8 8], `[3]`. */
  forgetProduct?: number[];
  /** Exercise 2: `[σ(0), tanh(0)]`. */
  atZero?: number[];
  /** Exercise 3: the function that makes a gate. */
  gateFunction?: "sigmoid" | "tanh";
  /** Exercise 4: the fraction of a memory left after 50 steps of a forget gate at 0.9. */
  fractionLeft?: number;
  /** Exercise 5: the state that can grow beyond 1 in size. */
  grows?: "c" | "h";
}

/** Notebook 03's exercises (they need nothing from the notebook: pass `{}`). */
export const pointwiseKey: ExerciseKey<PointwiseAnswers, NoContext> = {
  notebook: "03",
  context: {},
  exercises: [
    {
      answer: "forgetProduct",
      expected: () => Array.from(mul([1, 0.5, 0], [8, 8, 8])),
      tolerance: 1e-6,
      why: () => "[8 4 0]: unit 0 is kept, unit 1 halved, unit 2 cleared.",
    },
    {
      answer: "atZero",
      expected: () => [sigmoid([0])[0], tanh([0])[0]],
      tolerance: 1e-6,
      why: () => "σ(0) = 1/(1 + e⁰) = 0.5 and tanh(0) = 0.",
    },
    {
      answer: "gateFunction",
      expected: () => "sigmoid",
      why: () =>
        "sigmoid: its output is a fraction in (0, 1). tanh can be negative, and a negative share makes no sense.",
    },
    {
      answer: "fractionLeft",
      expected: () => 0.9 ** 50,
      tolerance: 0.002 * 0.9 ** 50, // three significant digits
      why: () => `0.9⁵⁰ ≈ ${(0.9 ** 50).toPrecision(3)}: even 0.9 loses almost everything over 50 steps.`,
    },
    {
      answer: "grows",
      expected: () => "c",
      why: () =>
        "c: it is a sum, kept memory plus what is written, and can pass 1 (section 4: 4 and 3.1). h = o ⊗ tanh(c) stays in (−1, 1).",
    },
  ],
};
