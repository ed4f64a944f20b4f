/**
 * The word model's output layer (`lib/engine/wordlm.ts` is its public entry): scores h·W + b, and the
 * output layer, softmax and cross-entropy fused into one operation with its gradient written out.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { timed } from "../_phases.ts";
import { softmaxCrossEntropyGrad } from "../tfjs.ts";
import { checkTargets } from "./checks.ts";
import { targetLosses } from "./loss.ts";
import type { WordLM } from "./model.ts";

/**
 * The output layer: scores `[N, V]` from hidden states `[N, H]`, h·W + b, where a tied model's W is
 * its embedding `[V, H]` read transposed. For fewer rows than H (reading a prompt) a tied model's
 * scores are computed as (E·hᵀ)ᵀ instead, which reads E as stored: without native BLAS (in a browser)
 * a transposed operand costs tfjs a copy of all V·H weights per call, 2.56 million for the course's model.
 */
export function outputLogits(model: WordLM, h: tf.Tensor2D): tf.Tensor2D {
  const v = model.variables, tied = model.config.tied;
  if (tied && h.shape[0] < model.config.hiddenSize) {
    return tf.add(tf.transpose(tf.matMul(v.embedding, h, false, true)), v.outputBias) as tf.Tensor2D; // [V, N]ᵀ + b
  }
  // [N, H] × [H, V] + b
  const logits = tf.fused.matMul({
    a: h,
    b: tied ? v.embedding : v.outputKernel,
    transposeB: tied,
    bias: v.outputBias,
  });
  return logits as tf.Tensor2D;
}

/**
 * The output layer, its softmax and the mean cross-entropy as one differentiable operation:
 *
 * ```text
 * logits = h·W + b          [N, V]   (h [N, H]; W [H, V], or the embedding [V, H] read as Wᵀ when tied)
 * p = softmax(logits)       [N, V]
 * loss = mean_n (LSE(logits[n]) − logits[n, targets[n]])     LSE(z) = log Σ_k exp(z_k), = −mean_n log p[n, targets[n]]
 * ```
 *
 * with the gradient written out: dLogits = (p − onehot)/N, then ∂/∂h = dLogits·Wᵀ, ∂/∂W = hᵀ·dLogits
 * (dLogitsᵀ·h when tied), ∂/∂b = the column sums of dLogits. The forward pass is one product with
 * the bias (native BLAS, `lib/engine/tfjs.ts`) and the WASM backend's one-pass softmax; the backward pass
 * one kernel over p ({@linkcode softmaxCrossEntropyGrad}) and two products. tfjs's own
 * softmaxCrossEntropy over `h·W + b` takes two passes of exp over the [N, V] scores and some eight
 * more (the README's speed section has what each fusion bought; `deno task bench` today's figures).
 * The loss is {@linkcode targetLosses}', the same on every path of the engine (evaluation too), exact
 * to float32 rounding however far below the row's best the target's score lies.
 *
 * @param h `[N, H]`; `W` `[H, V]` (`[V, H]` when `tied`); `b` `[V]`; `targets` `[N]` int32 ids in [0, V)
 * @returns the mean loss, nats per row
 * @throws {RangeError} naming both sizes if the shapes do not fit or a target is outside [0, V), before any
 *   kernel runs; {TypeError} if the targets are not int32
 */
export function outputCrossEntropy(
  h: tf.Tensor2D,
  W: tf.Tensor,
  b: tf.Tensor1D,
  targets: tf.Tensor1D,
  tied = false,
): tf.Scalar {
  const context = "compute the output layer's loss";
  if (h?.rank !== 2 || b?.rank !== 1) {
    throw new RangeError(
      `Cannot ${context}: expected h [N, H] and b [V], got [${h?.shape.join(", ")}] and [${b?.shape.join(", ")}]`,
    );
  }
  const V = b.shape[0], expected = tied ? [V, h.shape[1]] : [h.shape[1], V];
  if (W?.rank !== 2 || W.shape[0] !== expected[0] || W.shape[1] !== expected[1]) {
    throw new RangeError(
      `Cannot ${context}: expected output weights of shape [${expected.join(", ")}] for h [${h.shape.join(", ")}]${
        tied ? " (tied: the embedding [V, H])" : ""
      }, got [${W?.shape.join(", ")}]`,
    );
  }
  checkTargets(targets, h.shape[0], V, context, "targets");
  return (tied ? tiedOutputCrossEntropy : untiedOutputCrossEntropy)(h, W as tf.Tensor2D, b, targets);
}

function outputCrossEntropyOp(tied: boolean) {
  return tf.customGrad(
    ((h: tf.Tensor, W: tf.Tensor, b: tf.Tensor, targets: tf.Tensor, save: tf.GradSaveFunc) => {
      const N = h.shape[0] as number;
      const logits = tf.fused.matMul({ a: h as tf.Tensor2D, b: W as tf.Tensor2D, transposeB: tied, bias: b });
      const [p, losses] = timed("softmax and cross-entropy", () => {
        const p = tf.softmax(logits); // [N, V]: the WASM backend's own one-pass softmax kernel
        return [p, targetLosses(logits as tf.Tensor2D, p as tf.Tensor2D, targets.dataSync() as Int32Array)] as const;
      });
      const value = tf.scalar(losses.reduce((sum, l) => sum + l, 0) / N);
      save([h, W, p, targets]);
      return {
        value,
        gradFunc: (dy: tf.Tensor, [hs, Ws, probs, t]: tf.Tensor[]) => {
          const scale = (dy.dataSync() as Float32Array)[0] / N;
          const { dLogits, dBias } = softmaxCrossEntropyGrad(probs as tf.Tensor2D, t as tf.Tensor1D, scale);
          const dh = tf.matMul(dLogits, Ws as tf.Tensor2D, false, !tied); // [N, V] × [V, H]
          const dW = tied
            ? tf.matMul(dLogits, hs as tf.Tensor2D, true, false)
            : tf.matMul(hs as tf.Tensor2D, dLogits, true);
          return [dh, dW, dBias, tf.zerosLike(t)];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0],
  ) as unknown as (h: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D, targets: tf.Tensor1D) => tf.Scalar;
}
const untiedOutputCrossEntropy = outputCrossEntropyOp(false), tiedOutputCrossEntropy = outputCrossEntropyOp(true);
