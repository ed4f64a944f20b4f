/**
 * Small sequence tasks with known answers, for training and comparing recurrent networks.
 *
 * Introduced in notebook 01 (why an RNN forgets) and notebook 09 (training).
 *
 * @module
 */

import { type Rng, seededRng } from "./random.ts";
import { expectWhole } from "./tensor.ts";

/**
 * One training example: a sequence of input vectors and the class to predict after the last one, or
 * (with `targets`) a class to predict after each of several steps.
 */
export interface SequenceExample {
  /** The inputs x_1 … x_T, `[T][X]`. */
  readonly xs: readonly Float32Array[];
  /** The class to predict from h_T, in [0, classes). With `targets`, it must equal `targets[T - 1]`. */
  readonly target: number;
  /**
   * Optional per-step targets, `[T]`: `targets[t]` is the class to predict from h_t (the dense layer is
   * applied at that step), or `null` for a step with no loss. Without it, only the last step has a
   * target, `target`. The story task of notebooks 04–06 (`storyTask`) uses it; `train.ts` reads it.
   */
  readonly targets?: readonly (number | null)[];
}

/** A generated task: its examples and the sizes a model for it needs. */
export interface SequenceTask {
  readonly examples: readonly SequenceExample[];
  /** X, the length of each input vector. */
  readonly inputSize: number;
  /** The number of classes. */
  readonly classes: number;
  /** The accuracy of guessing: 1 / classes. */
  readonly chance: number;
}

/**
 * A one-hot vector: all zeros but a 1 at `index`, `[n]`.
 *
 * @example
 * ```ts
 * import { oneHot } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...oneHot(2, 4)], [0, 0, 1, 0]);
 * ```
 */
export function oneHot(index: number, n: number): Float32Array {
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new RangeError(`Cannot make one-hot vector: index is ${index}, expected a whole number in [0, ${n})`);
  }
  const v = new Float32Array(n);
  v[index] = 1;
  return v;
}

/** Options for {@linkcode recallTask}. */
export interface RecallTaskOptions {
  /** The number of distractor steps after the symbol; a sequence has distractors + 1 steps. */
  distractors: number;
  /** How many examples (default 1000). */
  count?: number;
  /** How many symbols to remember from, K (default 4; chance is 1/K). */
  symbols?: number;
  /** How many different distractor symbols (default 4). */
  noise?: number;
  /** Seed (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from. */
  rng?: Rng;
}

/**
 * The long-range memory task: see one of K symbols, then T random distractors, then name the symbol.
 *
 * Each sequence has T + 1 steps (T = `distractors`). x_1 is the one-hot code of the symbol s (one of the first K slots);
 * x_2 … x_{T+1} are one-hot codes of random distractors (the last `noise` slots), which carry no
 * information. The target is s. Nothing but memory helps: a model that forgot s can only guess,
 * with accuracy 1/K. Hochreiter & Schmidhuber (1997) used tasks of this kind to show the LSTM bridging
 * time lags a vanilla RNN cannot.
 *
 * @example
 * ```ts
 * import { recallTask } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const task = recallTask({ distractors: 5, count: 3, seed: 0 });
 * assert.equal(task.examples[0].xs.length, 6); // the symbol + 5 distractors
 * assert.equal(task.inputSize, 8); // 4 symbols + 4 distractors, one-hot
 * const { xs, target } = task.examples[0];
 * assert.equal(xs[0][target], 1); // the answer is the first input
 * ```
 */
export function recallTask(options: RecallTaskOptions): SequenceTask {
  const { distractors: T, count = 1000, symbols: K = 4, noise = 4 } = options;
  for (
    const [what, n, min] of [["distractors", T, 0], ["count", count, 1], ["symbols", K, 2], [
      "noise",
      noise,
      1,
    ]] as const
  ) {
    expectWhole(n, what, "make recall task", min);
  }
  const rng = options.rng ?? seededRng(options.seed ?? 0);
  const X = K + noise;
  const examples = Array.from({ length: count }, () => {
    const target = rng.int(K);
    const xs = [oneHot(target, X)];
    for (let t = 0; t < T; t++) xs.push(oneHot(K + rng.int(noise), X));
    return { xs, target };
  });
  return { examples, inputSize: X, classes: K, chance: 1 / K };
}
