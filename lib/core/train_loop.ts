/**
 * The from-scratch engine's one mini-batch loop: a pass over the items in a seeded random order, cut
 * into batches; for each batch the caller's gradients, clipped, one optimizer step, then the Stop
 * button. `trainSequenceClassifier` (`train.ts`, one pass an epoch) and `trainScratchLM` (`scratch_lm.ts`) both
 * train through it. The tfjs engine's counterpart is `lib/engine/train_loop.ts`.
 *
 * ```text
 * items ─shuffle(rng)─▶ batches of B ─gradients─▶ g ─clip to clipNorm─▶ optimizer.step ─▶ yield ─▶ Stop?
 * ```
 *
 * It is a generator so that one loop serves a caller that trains synchronously (the classifier, whose
 * notebooks call it without `await`) and one that awaits between batches (the language model's
 * `onBatch`): the caller's loop body runs after each step, before the Stop check.
 *
 * @module
 */

import { clipGradNorm, gradNorm, type Optimizer, type Tensors } from "./optim.ts";
import { type Rng, shuffle } from "./random.ts";
import { throwIfStopRequested } from "./stop.ts";
import { expectWhole } from "./tensor.ts";

/** What a caller's gradient function returns for a batch: at least the gradients, named as the parameters. */
export interface BatchGradients {
  /** dL/d(every parameter), averaged over the batch; the loop clips them in place. */
  readonly grads: Tensors;
}

/** Options for {@linkcode minibatches}. */
export interface MinibatchOptions<T, G extends BatchGradients> {
  /** The tensors the optimizer updates, by name (the model's own arrays). */
  readonly params: Tensors;
  readonly optimizer: Optimizer;
  /** Draws the order of the items (one shuffle per pass). */
  readonly rng: Rng;
  /** B, items per batch (the last batch may be smaller). */
  readonly batchSize: number;
  /** Clip the gradients' global norm to this (`Infinity`: measure it only). See `clipGradNorm`. */
  readonly clipNorm: number;
  /** The loss and gradients of one batch. */
  readonly gradients: (batch: readonly T[]) => G;
  /** Stop after this many batches (default: the whole pass). */
  readonly maxSteps?: number;
  /** Which pass of the run this is, for messages, e.g. `"epoch 2 of 5"` (default: none named). */
  readonly pass?: string;
}

/** One batch trained: what {@linkcode minibatches} yields. */
export interface Minibatch<G> {
  /** 1 for the pass's first batch. */
  readonly step: number;
  /** The batch's items. */
  readonly size: number;
  /** The gradients' global norm before clipping. */
  readonly norm: number;
  /** What the gradient function returned (its `grads` now clipped and applied). */
  readonly result: G;
}

/**
 * One pass of mini-batch training over `items`: shuffled with `rng`, cut into batches of B; for each,
 * `gradients`, the global norm clipped to `clipNorm`, one `optimizer.step`, then it yields the batch.
 * When the caller asks for the next batch, the Stop button is checked first (`stop.ts`), so that
 * whatever the caller does with a batch (record it, decay weights, await a chart) comes before it.
 *
 * @throws {RangeError} if `batchSize` is not a whole number >= 1 (see {@linkcode batchesOf}), or a batch's gradients have a norm
 *   that is NaN or ±Infinity (nothing of that batch is applied)
 * @throws {Interrupted} when the Stop button was pressed (`stop.ts`)
 *
 * @example
 * ```ts
 * import { minibatches, SGD, seededRng } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const w = new Float32Array([0]); // fit w to the mean of the items: L = ½ (w − x)², dL/dw = w − x
 * const gradients = (batch: readonly number[]) => {
 *   const g = batch.reduce((sum, x) => sum + (w[0] - x), 0) / batch.length;
 *   return { grads: { w: new Float32Array([g]) } };
 * };
 * const options = { params: { w }, optimizer: new SGD({ lr: 0.5 }), batchSize: 2, clipNorm: Infinity, gradients };
 * for (let pass = 0; pass < 20; pass++) {
 *   for (const { norm } of minibatches([1, 2, 3, 4], { ...options, rng: seededRng(pass) })) assert.ok(norm >= 0);
 * }
 * assert.ok(Math.abs(w[0] - 2.5) < 0.5);
 * ```
 */
export function* minibatches<T, G extends BatchGradients>(
  items: readonly T[],
  options: MinibatchOptions<T, G>,
): Generator<Minibatch<G>, void, void> {
  const { params, optimizer, rng, batchSize, clipNorm, gradients, maxSteps = Infinity } = options;
  const batches = batchesOf(shuffle(items, rng), batchSize);
  for (let step = 1; step <= Math.min(batches.length, maxSteps); step++) {
    const batch = batches[step - 1];
    const result = gradients(batch);
    const norm = clipped(result.grads, clipNorm, step, options.pass);
    optimizer.step(params, result.grads);
    yield { step, size: batch.length, norm, result };
    // The Stop button (stop.ts), after the caller has had the batch
    throwIfStopRequested(options.pass ? `in ${options.pass}, after batch ${step}` : `after batch ${step}`);
  }
}

/** The gradients' global norm, checked finite, then the gradients clipped to `clipNorm` in place. */
function clipped(grads: Tensors, clipNorm: number, step: number, pass?: string): number {
  const norm = gradNorm(grads);
  if (!Number.isFinite(norm)) {
    throw new RangeError(
      `Cannot train: batch ${step}${
        pass ? ` (${pass})` : ""
      } gave gradients of norm ${norm}, so training stopped with the weights as the batch ` +
        `before left them; try a lower learning rate`,
    );
  }
  if (Number.isFinite(clipNorm)) clipGradNorm(grads, clipNorm);
  return norm;
}

/**
 * `items` cut into consecutive batches of `size`, in order; the last batch holds what is left over.
 *
 * @throws {RangeError} if `size` is not a whole number >= 1
 *
 * @example
 * ```ts
 * import { batchesOf } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(batchesOf([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
 * ```
 */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  expectWhole(size, "batchSize", "cut batches", 1);
  return Array.from({ length: Math.ceil(items.length / size) }, (_, k) => items.slice(k * size, k * size + size));
}
