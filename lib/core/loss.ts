/**
 * Softmax and cross-entropy: from scores to probabilities to a loss, and the gradient back.
 *
 * ```text
 * p_k = e^{z_k} / Σ_j e^{z_j}          softmax: scores z [K] -> probabilities p [K]
 * L   = -log p_target                 cross-entropy of the right answer
 * dL/dz = p - onehot(target)          the gradient is "what we said minus what was true"
 * ```
 *
 * Introduced in notebook 07 (the next-word predictor); perplexity, e to the power of the mean loss per
 * word, in notebook 08.
 *
 * @module
 */

import { emptyLike, expectFinite, type FloatArray, toFloats, type VectorLike } from "./tensor.ts";

/** What {@linkcode softmaxCrossEntropy} returns. */
export interface CrossEntropy<F extends FloatArray> {
  /** -log p_target, in nats (natural log). */
  readonly loss: number;
  /** The softmax probabilities, `[K]`, summing to 1. */
  readonly probs: F;
  /** dL/dz = p - onehot(target), `[K]`. */
  readonly dLogits: F;
}

/**
 * Softmax of a score vector, `[K] -> [K]`. Subtracts the largest score first, which changes nothing
 * mathematically but keeps `e^z` from overflowing.
 *
 * @example
 * ```ts
 * import { softmax } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const p = softmax([1000, 1000]); // would overflow without the shift
 * assert.deepEqual([...p], [0.5, 0.5]);
 * ```
 */
export function softmax<F extends FloatArray = Float32Array>(logits: F | readonly number[]): F {
  const z = toFloats(
    logits,
    (ArrayBuffer.isView(logits) ? logits : new Float32Array(0)) as F,
    "logits",
    "apply softmax",
  );
  if (z.length === 0) throw new RangeError("Cannot apply softmax: logits has length 0, expected at least 1");
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) max = Math.max(max, z[k]);
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += Math.exp(z[k] - max);
  const p = emptyLike(z);
  for (let k = 0; k < z.length; k++) p[k] = Math.exp(z[k] - max) / sum;
  return p;
}

/**
 * Softmax cross-entropy of scores `logits` `[K]` against the class `target`, with its gradient.
 * The loss is computed as `logΣe^z - z_target` (log-sum-exp), exact even when p_target underflows.
 *
 * @throws {RangeError} if `target` is not a whole number in [0, K) or a score is not finite
 *
 * @example
 * ```ts
 * import { softmaxCrossEntropy } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const { loss, probs, dLogits } = softmaxCrossEntropy(new Float64Array([0, 0, 0, 0]), 2);
 * assert.ok(Math.abs(loss - Math.log(4)) < 1e-12); // uniform over 4: loss ln 4 (float64: 1e-12)
 * assert.equal(probs[2], 0.25);
 * assert.deepEqual([...dLogits], [0.25, 0.25, -0.75, 0.25]); // p - onehot
 * ```
 */
export function softmaxCrossEntropy<F extends FloatArray>(logits: F, target: number): CrossEntropy<F> {
  const context = "compute cross-entropy";
  const K = logits.length;
  if (!Number.isInteger(target) || target < 0 || target >= K) {
    throw new RangeError(`Cannot ${context}: target is ${target}, expected a whole number in [0, ${K})`);
  }
  expectFinite(logits, "logits", context);
  let max = -Infinity;
  for (let k = 0; k < K; k++) max = Math.max(max, logits[k]);
  let sum = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(logits[k] - max);
  const logSumExp = max + Math.log(sum);
  const probs = emptyLike(logits), dLogits = emptyLike(logits);
  for (let k = 0; k < K; k++) {
    const p = Math.exp(logits[k] - logSumExp);
    probs[k] = p;
    dLogits[k] = k === target ? p - 1 : p;
  }
  return { loss: logSumExp - logits[target], probs, dLogits };
}

/**
 * The index of the largest entry (the first one on ties): the predicted class.
 *
 * @example
 * ```ts
 * import { argmax } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(argmax([0.1, 0.7, 0.2]), 1);
 * ```
 */
export function argmax(v: VectorLike): number {
  if (v.length === 0) throw new RangeError("Cannot take argmax: the vector has length 0, expected at least 1");
  expectFinite(v, "v", "take argmax");
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
  return best;
}
