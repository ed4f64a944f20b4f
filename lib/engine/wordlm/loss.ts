// The word model's one loss (lib/engine/wordlm.ts is its public entry): each row's cross-entropy LSE(z) − z_target, the same on every
// path, training and evaluation, fused or not.

import * as tf from "@tensorflow/tfjs";

/** float32's smallest normal number, 2⁻¹²⁶: below it a probability has lost its relative precision. */
const FLOAT32_MIN_NORMAL = 2 ** -126;

/**
 * Each row's cross-entropy, LSE(z) − z_t in nats (z = the row's scores `logits` `[N, V]`, t its target,
 * LSE(z) = log Σ_k exp(z_k)), given the softmax `p` `[N, V]` already computed: read off it as −log p_t
 * where p_t is a normal float32 (then p_t = exp(z_t − LSE(z)) to a few float32 roundings, so this is
 * LSE − z_t to about 1e-7 nats), and from the scores themselves where p_t underflowed (z_t some 87 nats
 * or more below the row's best, a rare row): LSE of those rows (tfjs's `logSumExp`, which subtracts the
 * row's largest score first) minus z_t. The one loss of the engine: training, the fused evaluation and
 * the per-token evaluation all take it from here. NaN or ±Infinity scores give a NaN or infinite loss,
 * never a finite wrong one.
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/engine/tfjs.ts";
 * import { targetLosses } from "@course/lib/engine/wordlm/loss.ts";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * const z = tf.tensor2d([[0, 0], [-300, 0]]); // the second row's target lies 300 nats below its best
 * const [even, far] = targetLosses(z, tf.softmax(z), Int32Array.of(1, 0));
 * assert.ok(Math.abs(even - Math.LN2) < 1e-7 && Math.abs(far - 300) < 1e-4);
 * ```
 */
export function targetLosses(logits: tf.Tensor2D, p: tf.Tensor2D, targets: Int32Array): Float64Array {
  const [N, V] = p.shape;
  const flat = Int32Array.from(targets, (t, n) => n * V + t); // each row's target in the flattened [N·V]
  const picked = read(() => tf.gather(p.reshape([N * V]), tf.tensor1d(flat, "int32")));
  const losses = new Float64Array(N), under: number[] = [];
  for (let n = 0; n < N; n++) {
    if (picked[n] >= FLOAT32_MIN_NORMAL) losses[n] = -Math.log(picked[n]);
    else under.push(n);
  }
  if (under.length > 0) {
    const lse = read(() => tf.logSumExp(tf.gather(logits, tf.tensor1d(under, "int32")), 1)); // [k]
    const z = read(() => tf.gather(logits.reshape([N * V]), tf.tensor1d(under.map((n) => flat[n]), "int32")));
    under.forEach((n, k) => losses[n] = lse[k] - z[k]);
  }
  return losses;
}

/** The values of a tensor made by `f`, which is disposed with everything else `f` made. */
function read(f: () => tf.Tensor): Float32Array {
  const t = tf.tidy(f);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}
