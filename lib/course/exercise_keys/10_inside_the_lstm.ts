/**
 * The exercise key of notebook 10, inside the LSTM: the size of the trained model's W_f, what a gate
 * at 0.99 keeps over 100 tokens, and the gate with the most units nearly shut (from the notebook's
 * own saturation figures).
 *
 * @module
 */

import type { ExerciseKey } from "./_key.ts";

/** The learner's answers to notebook 10's exercises; `undefined` is not answered yet. */
export interface InsideTheLstmAnswers {
  /** Exercise 1: the numbers in the model's W_f, `[H, H + E]`. */
  wfSize?: number;
  /** Exercise 2: the fraction of c left after 100 tokens of f = 0.99, i = 0. */
  left?: number;
  /** Exercise 3: the gate with the most units left-saturated more than half the time. */
  mostShut?: "f" | "i" | "o";
}

/** What notebook 10's key reads from the notebook. */
export interface InsideTheLstmContext {
  /** The model's hidden size, `H`. */
  readonly H: number;
  /** Its embedding size, `E`. */
  readonly E: number;
  /**
   * Section 5's `saturations`, one per gate: `trained.left[u]` is the fraction of tokens on which
   * unit u's gate is below 0.1 (`saturation(trace[key])`).
   */
  readonly saturations: readonly {
    readonly key: "f" | "i" | "o";
    readonly trained: { readonly left: ArrayLike<number> };
  }[];
}

/** The gate with the most units left-saturated on more than half the tokens (the first, on a tie). */
const mostShut = ({ saturations }: InsideTheLstmContext) => {
  const shut = (s: InsideTheLstmContext["saturations"][number]) =>
    Array.from(s.trained.left).filter((x) => x > 0.5).length;
  return saturations.reduce((a, b) => shut(b) > shut(a) ? b : a).key;
};

const whole = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;

/** Notebook 10's exercises. */
export const insideTheLstmKey: ExerciseKey<InsideTheLstmAnswers, InsideTheLstmContext> = {
  notebook: "10",
  context: {
    H: { expected: "a whole number >= 1, the model's hidden size H", is: whole },
    E: { expected: "a whole number >= 1, the model's embedding size E", is: whole },
    saturations: {
      expected: "section 5's saturations: one or more { key, trained: saturation(...) }",
      is: (v) =>
        Array.isArray(v) && v.length > 0 &&
        v.every((s) => ["f", "i", "o"].includes(s?.key) && typeof s?.trained?.left?.length === "number"),
    },
  },
  exercises: [
    {
      answer: "wfSize",
      expected: ({ H, E }) => H * (H + E),
      why: ({ H, E }) =>
        `${(H * (H + E)).toLocaleString("en-US")}: W_f is [H, H+E] = [${H}, ${H + E}], acting on [hₜ₋₁, xₜ].`,
    },
    {
      answer: "left",
      expected: () => 0.99 ** 100,
      tolerance: 0.01,
      why: () =>
        `0.99¹⁰⁰ ≈ ${
          (0.99 ** 100).toFixed(3)
        }: cₜ = f ⊗ cₜ₋₁ when i = 0, so 100 steps multiply c by 0.99 a hundred times. Even a gate at 0.99 forgets about two thirds in 100 steps; long memories need f very close to 1.`,
    },
    {
      answer: "mostShut",
      expected: mostShut,
      why: (c) => `"${mostShut(c)}": see the saturation charts in section 5 and the sentence under them.`,
    },
  ],
};
