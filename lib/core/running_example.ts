/**
 * The course's running example, shared by notebooks 02 to 06: the lecture's cell with H = 3 units
 * and inputs of X = 4 entries, and weights chosen by hand so that a learner can follow every number.
 *
 * The story is notebook 01's: **Vikram** was the hero, and the cell's long-term memory holds him.
 * Then a new name arrives, **Ravi**, the story's second hero. The input xₜ is one word of a 4-word
 * vocabulary, one-hot; each unit has a job a reader can name:
 *
 * | unit | job | in cₜ₋₁ = [0.55 0.6 1.5] |
 * | --- | --- | --- |
 * | 0 | who the story is about: positive for Vikram, negative for Ravi | 0.55: Vikram |
 * | 1 | a name comes next (after "asked to see") | 0.6: yes |
 * | 2 | a sentence is under way | 1.5: yes |
 *
 * Reading "Ravi", the forget gate of unit 0 shuts (σ(−2) ≈ 0.12: Vikram is wiped), its input gate
 * opens (σ(2) ≈ 0.88) and its candidate is tanh(−2) ≈ −0.96 (Ravi), so c₀ goes from +0.55 to about
 * −0.78. Every weight is a small whole number, every bias too, so each z = W·[hₜ₋₁, xₜ] + b can be
 * added up by hand. The weights are made up to teach; a trained cell's are not this tidy (notebook 10).
 *
 * @module
 */

import type { LSTMParams } from "./lstm_cell.ts";
import { tanh } from "./pointwise.ts";
import { matrix } from "./tensor.ts";

/** The four words of the example's vocabulary; xₜ is one-hot over them. */
export const EXAMPLE_WORDS = ["Ravi", "he", "the", "asked"] as const;

/** What each of the three units stands for. */
export const EXAMPLE_UNITS = ["who the story is about", "a name comes next", "a sentence is under way"] as const;

/** The labels of the seven columns of every W: the entries of `[hₜ₋₁, xₜ]`. */
export const EXAMPLE_COLUMNS: readonly string[] = ["h₀", "h₁", "h₂", ...EXAMPLE_WORDS];

/** The running example: the cell, its states before the step, and its input. */
export interface RunningExample {
  /** X = 4. */
  readonly X: number;
  /** H = 3. */
  readonly H: number;
  /** Hand-chosen weights, each W `[3, 7]` acting on `[hₜ₋₁, xₜ]`, each b `[3]`. */
  readonly params: LSTMParams;
  /** hₜ₋₁ = [0.1 0.3 0.9], `[H]`. */
  readonly hPrev: Float32Array;
  /**
   * cₜ₋₁ = [0.55 0.6 1.5]: Vikram, a name is expected, a sentence is under way, `[H]`. It fits hₜ₋₁:
   * |hₜ₋₁| ≤ |tanh(cₜ₋₁)| = [0.50 0.54 0.91], as hₜ₋₁ = oₜ₋₁ ⊗ tanh(cₜ₋₁) requires.
   */
  readonly cPrev: Float32Array;
  /** xₜ: the one-hot word "Ravi", [1 0 0 0], `[X]`. */
  readonly x: Float32Array;
}

//                 h₀  h₁  h₂  Ravi he the asked
const WEIGHTS = {
  Wf: [
    [0, 0, 0, -4, 0, 0, 0], // unit 0 keeps the hero, unless a name arrives
    [0, 0, 0, -2, 0, 0, 2], // unit 1: the expected name has come (or "asked": one will)
    [0, 0, 1, 0, 0, 0, 0], // unit 2 keeps what h₂ says is under way
  ],
  Wi: [
    [0, 0, 0, 4, 0, 0, 0], // write unit 0 when a name arrives
    [0, 0, 0, 0, 0, 0, 4], // write unit 1 after "asked"
    [0, 1, 0, 0, 0, 0, 0],
  ],
  Wc: [
    [0, 0, 0, -2, 0, 0, 0], // the new hero, Ravi, is written as a negative number
    [0, 0, 0, 0, 0, 0, 2],
    [1, 0, 0, 0, 1, 1, 1],
  ],
  Wo: [
    [0, 0, 0, 0, 2, 0, 0], // show the hero when "he" asks for him
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, -1, 0, 0, 0, 0],
  ],
  bf: [2, 0, 1],
  bi: [-2, -2, 0],
  bc: [0, 0, 0],
  bo: [0, 1, 0],
} as const;

/**
 * A fresh copy of the running example (so that a notebook can change it without changing it for the
 * next cell): the hand-chosen cell, hₜ₋₁ = [0.1 0.3 0.9], cₜ₋₁ = [0.55 0.6 1.5] and xₜ = "Ravi".
 *
 * @example
 * ```ts
 * import { lstmStep, runningExample } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const { params, x, hPrev, cPrev } = runningExample();
 * const { f, c } = lstmStep(params, x, hPrev, cPrev);
 * assert.ok(Math.abs(f[0] - 1 / (1 + Math.exp(2))) < 1e-6); // σ(−4 + 2): Vikram is wiped
 * assert.ok(c[0] < -0.7); // and Ravi written
 * ```
 */
export function runningExample(): RunningExample {
  const H = 3, X = 4;
  const W = (rows: readonly (readonly number[])[]) => matrix(H, H + X, rows.flat());
  const params: LSTMParams = {
    inputSize: X,
    hiddenSize: H,
    Wf: W(WEIGHTS.Wf),
    Wi: W(WEIGHTS.Wi),
    Wc: W(WEIGHTS.Wc),
    Wo: W(WEIGHTS.Wo),
    bf: Float32Array.from(WEIGHTS.bf),
    bi: Float32Array.from(WEIGHTS.bi),
    bc: Float32Array.from(WEIGHTS.bc),
    bo: Float32Array.from(WEIGHTS.bo),
  };
  return {
    X,
    H,
    params,
    hPrev: Float32Array.from([0.1, 0.3, 0.9]),
    cPrev: Float32Array.from([0.55, 0.6, 1.5]),
    x: Float32Array.from([1, 0, 0, 0]),
  };
}

/** One figure of the lecture's notes set beside what the library computes (see {@linkcode lectureErrata}). */
export interface LectureErratum {
  /** What the figure is about, e.g. "tanh([4 5 6])". */
  readonly what: string;
  /** What the notes write. */
  readonly notes: string;
  /** What the library computes, or what the shapes require. */
  readonly computed: string;
  /** What the course does about it. */
  readonly course: string;
}

/** The notes' figures, as the lecture writes them. */
export const LECTURE_NOTES = {
  /** The notes squash the memory [4 5 6] with tanh and write this. */
  tanhOf456: [0.1, 0.3, 0.9],
  /** The notes' input x_t: three entries. */
  x: [1, 0, 0],
  /** The notes' weight matrices: 3 × 7, for H = 3 units reading [h_{t-1}, x_t]. */
  weightShape: [3, 7],
} as const;

/**
 * The figures of the lecture's notes that do not hold, each beside what the library computes:
 * tanh([4 5 6]) (the notes write [0.1 0.3 0.9]; it is about [0.9993 0.9999 1.0000], and the course
 * keeps [0.1 0.3 0.9] only as the running example's hₜ₋₁, which its cₜ₋₁ allows), and the size of xₜ
 * (a 3 × 7 matrix on [hₜ₋₁, xₜ] with H = 3 needs X = 7 − 3 = 4 entries, not the notes' 3).
 * Notebooks 02 and 03 show them where a learner meets the figures.
 *
 * @example
 * ```ts
 * import { lectureErrata } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const [tanhRow, xRow] = lectureErrata();
 * assert.match(tanhRow.computed, /0\.9993/);
 * assert.match(xRow.computed, /X = 4/);
 * ```
 */
export function lectureErrata(): LectureErratum[] {
  const squashed = tanh([4, 5, 6]);
  const { hPrev, cPrev, H } = runningExample();
  const tanhC = tanh(cPrev);
  const oPrev = Array.from(hPrev, (h, k) => h / tanhC[k]); // hₜ₋₁ = oₜ₋₁ ⊗ tanh(cₜ₋₁), solved for oₜ₋₁
  const [rows, cols] = LECTURE_NOTES.weightShape;
  const fmt = (v: ArrayLike<number>, digits: number) => `[${Array.from(v, (x) => x.toFixed(digits)).join(" ")}]`;
  return [
    {
      what: "tanh([4 5 6])",
      notes: fmt(LECTURE_NOTES.tanhOf456, 1),
      computed: fmt(squashed, 4),
      course: `[0.1 0.3 0.9] is kept only as the running example's hₜ₋₁: with cₜ₋₁ = ${
        fmt(cPrev, 2)
      } it is what an output gate oₜ₋₁ = ${fmt(oPrev, 2)} gives (hₜ₋₁ = oₜ₋₁ ⊗ tanh(cₜ₋₁))`,
    },
    {
      what: "the size of xₜ",
      notes: `xₜ = [${LECTURE_NOTES.x.join(" ")}] (X = ${LECTURE_NOTES.x.length}) with W of shape ${rows} × ${cols}`,
      computed: `W is H × (H + X); with H = ${rows}, ${cols} columns need X = ${cols - rows}`,
      course: `xₜ = [1 0 0 0] (X = ${cols - H}): one entry per word of a 4-word vocabulary`,
    },
  ];
}
