/**
 * The tfjs engine's one training loop: {@linkcode clippedStep} (the gradients of a loss, their global
 * norm, one clipped optimizer step, applied only when loss and norm are finite) and
 * {@linkcode trainBatches} (a run of batches: a step each, training stopped with a
 * {@linkcode DivergenceError} at the first non-finite one, the progress reported, the Stop button, and
 * whether training ends there). The word model (`wordlm/train.ts`), the lecture's prefix model
 * (`prefix_model.ts`) and notebook 07's every-prefix trainer (`lib/course/next_word_strategies.ts`)
 * all train through it; the from-scratch engine's counterpart is `lib/core/train_loop.ts`.
 *
 * ```text
 * for each batch:  step (clippedStep inside) ─▶ finite? else DivergenceError ─▶ progress ─▶ Stop? ─▶ until?
 * ```
 *
 * Needs {@linkcode initTfjs} first. Not re-exported by `mod.ts` (it loads tfjs).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { applyClipped, globalNorm } from "./tfjs.ts";
import { stopRequested, throwIfStopRequested } from "../core/stop.ts";

/** What one training step reports: the batch's loss and gradient norm, and the rate it was taken at. */
export interface StepResult {
  /** The batch's mean loss, nats (NaN or ±Infinity: the step was not applied). */
  readonly loss: number;
  /** The gradients' global norm before clipping (not finite: the step was not applied). */
  readonly norm: number;
  /** The learning rate of the step (for the {@linkcode DivergenceError}'s advice). */
  readonly learningRate: number;
}

/**
 * One training step: the gradients of the scalar loss `f` builds with respect to `variables`
 * (`tf.variableGrads`), their global norm, and one optimizer step with them clipped to `clipNorm`
 * ({@linkcode applyClipped}) — applied only when the loss and the norm are finite, so that a
 * diverging batch leaves the weights as they were. Tensors the step makes are freed; what `f` keeps
 * (`tf.keep`) stays.
 *
 * @returns the loss (a number, read back) and the norm before clipping
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/engine/tfjs.ts";
 * import { clippedStep } from "@course/lib/engine/train_loop.ts";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * const w = tf.variable(tf.tensor1d([3, 4]));
 * const optimizer = tf.train.sgd(1);
 * const { loss, norm } = clippedStep(optimizer, [w], 1, () => tf.sum(tf.square(w)).mul(0.5) as tf.Scalar);
 * assert.equal(loss, 12.5); // ½‖w‖², gradient w, norm 5
 * assert.equal(norm, 5);
 * assert.deepEqual([...w.dataSync()].map((x) => Math.round(x * 100) / 100), [2.4, 3.2]); // a step of length 1
 * ```
 */
export function clippedStep(
  optimizer: tf.Optimizer | { applyGradients(grads: tf.NamedTensorMap): void },
  variables: tf.Variable[],
  clipNorm: number,
  f: () => tf.Scalar,
): { loss: number; norm: number } {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(f, variables);
    const loss = value.dataSync()[0], norm = globalNorm(grads);
    if (Number.isFinite(loss) && Number.isFinite(norm)) applyClipped(optimizer, grads, clipNorm, norm);
    return { loss, norm };
  });
}

/** How {@linkcode trainBatches} trains a run of batches of type `B`. */
export interface BatchLoop<B, R extends StepResult = StepResult> {
  /** The epoch (or pass) these batches belong to, for the error's message. */
  readonly epoch: number;
  /** The clip norm the steps use, for the error's advice. */
  readonly clipNorm: number;
  /** Steps taken before these batches: a run counts its batches over all its epochs (default 0). */
  readonly stepsBefore?: number;
  /** One training step on a batch, {@linkcode clippedStep} inside. */
  step(batch: B): R;
  /** After a step was applied: record it, report it (awaited). `step` counts from `stepsBefore` + 1. */
  progress?(batch: B, result: R, step: number): void | Promise<void>;
  /** What the Stop button's message says was done, e.g. `"after batch 3 (96 tokens)"`. */
  done(batch: B, step: number): string;
  /** After the Stop check: whether training ends here (a budget spent, early stopping; awaited). */
  until?(batch: B, step: number): boolean | Promise<boolean>;
}

/**
 * Trains on `batches` in order, each with `loop.step`; after each step: a {@linkcode DivergenceError}
 * if its loss or norm is not finite (nothing of it was applied), else `progress`, the Stop button
 * (`lib/core/stop.ts`), then `until`, which may end training there.
 *
 * @returns the steps counted so far (from `stepsBefore`), and whether `until` ended training
 * @throws {DivergenceError} at the first batch whose loss or gradient norm is NaN or ±Infinity
 * @throws {Interrupted} when the Stop button was pressed
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/engine/tfjs.ts";
 * import { clippedStep, trainBatches } from "@course/lib/engine/train_loop.ts";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * const w = tf.variable(tf.scalar(0));
 * const optimizer = tf.train.sgd(0.5);
 * const learningRate = 0.5;
 * const losses: number[] = []; // fit w to each x in turn: L = ½ (w − x)²
 * const { steps, ended } = await trainBatches([4, 4, 4, 4], {
 *   epoch: 1,
 *   clipNorm: Infinity,
 *   step: (x) => ({ ...clippedStep(optimizer, [w], Infinity, () => tf.square(w.sub(x)).mul(0.5) as tf.Scalar), learningRate }),
 *   progress: (_x, { loss }) => void losses.push(loss),
 *   done: (_x, step) => `after batch ${step}`,
 *   until: () => losses.at(-1)! < 1,
 * });
 * assert.deepEqual(losses, [8, 2, 0.5]); // w: 0, 2, 3, then 3.5
 * assert.deepEqual([steps, ended], [3, true]); // the fourth batch never trained
 * w.dispose();
 * ```
 */
export async function trainBatches<B, R extends StepResult>(
  batches: Iterable<B>,
  loop: BatchLoop<B, R>,
): Promise<{ steps: number; ended: boolean }> {
  let step = loop.stepsBefore ?? 0;
  for (const batch of batches) {
    const result = loop.step(batch);
    step++;
    if (!Number.isFinite(result.loss) || !Number.isFinite(result.norm)) {
      throw new DivergenceError(step, loop.epoch, result.loss, result.norm, result.learningRate, loop.clipNorm);
    }
    await loop.progress?.(batch, result, step);
    if (stopRequested()) throwIfStopRequested(loop.done(batch, step)); // the Stop button (stop.ts)
    if (await loop.until?.(batch, step)) return { steps: step, ended: true };
  }
  return { steps: step, ended: false };
}

/**
 * Training stopped because a batch's loss or gradient was NaN or ±Infinity: the weights are as the
 * batch before left them (nothing of this batch was applied). `batch` counts from 1 over the whole run.
 */
export class DivergenceError extends RangeError {
  override name = "DivergenceError";
  constructor(
    readonly batch: number,
    readonly epoch: number,
    readonly loss: number,
    readonly gradientNorm: number,
    learningRate: number,
    clipNorm: number,
  ) {
    const what = Number.isFinite(loss) ? `a gradient of norm ${gradientNorm}` : `a loss of ${loss}`;
    const clip = Number.isFinite(clipNorm) ? "" : " or clip the gradients (clipNorm: 5)";
    const weights = batch === 1 ? "the weights it started with" : `the weights as batch ${batch - 1} left them`;
    super(
      `Cannot train: batch ${batch} (epoch ${epoch}) gave ${what}, so training stopped with ${weights}; ` +
        `try a lower learningRate (it was ${learningRate})${clip}`,
    );
  }
}
