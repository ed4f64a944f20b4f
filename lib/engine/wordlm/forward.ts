/**
 * The word model's forward pass (`lib/engine/wordlm.ts` is its public entry): embedding, dropout, the
 * stacked LSTM or GRU layers (fused per window when `useFusedLSTM` says so), and the scores or the loss.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { lstmWindow } from "../fused_lstm.ts";
import { checkInputs, checkModel, checkState, checkTargets } from "./checks.ts";
import type { WordLM, WordLMState } from "./model.ts";
import { gatesOf } from "./layout.ts";
import { useFusedLSTM } from "./fused_switch.ts";
import { outputCrossEntropy, outputLogits } from "./output_layer.ts";

/** Where dropout masks come from during training; absent at evaluation (no dropout). */
export interface DropoutSeeds {
  /** A fresh seed for each mask. */
  next(): number;
}

/** Inverted dropout: keep each entry with probability 1 − rate and scale kept ones by 1/(1 − rate). */
function dropoutMask(shape: number[], rate: number, seeds: DropoutSeeds): tf.Tensor {
  const keep = tf.step(tf.sub(tf.randomUniform(shape, 0, 1, "float32", seeds.next()), rate)); // 1 where u > rate
  return tf.mul(keep, 1 / (1 - rate));
}

/**
 * The last layer's hidden states for a batch of windows, `[B·T, H]` (row b·T + t after reading
 * x[b, t]), and the state after the last step: what the output layer reads. Dropout on with `seeds`.
 */
export function hiddenStates(
  model: WordLM,
  x: tf.Tensor2D,
  state: WordLMState,
  seeds?: DropoutSeeds,
): { out: tf.Tensor2D; state: WordLMState } {
  const { config: c, variables: v } = model;
  const [B, T] = x.shape;
  const H = c.hiddenSize, g = gatesOf(c.cell);
  const drop = (t: tf.Tensor, rate: number) => seeds && rate > 0 ? tf.mul(t, dropoutMask(t.shape, rate, seeds)) : t;
  let input: tf.Tensor = drop(tf.gather(v.embedding, x), c.dropout); // [B, T, E]
  const h: tf.Tensor2D[] = [], cs: tf.Tensor2D[] = [];
  for (let l = 0; l < c.layers; l++) {
    const X = input.shape[2] as number;
    // All T input projections in one product: [B·T, X] × [X, gH]
    const xw = tf.add(tf.matMul(input.reshape([B * T, X]), v[`kernel_${l}`]), v[`bias_${l}`]).reshape([B, T, g * H]);
    const R = v[`recurrent_${l}`]; // [H, gH]
    const mask = seeds && c.recurrentDropout > 0 ? dropoutMask([B, H], c.recurrentDropout, seeds) : null;
    if (c.cell === "lstm" && mask === null && useFusedLSTM()) {
      // The whole window as one operation, its gradient written out (lib/engine/fused_lstm.ts).
      const out = lstmWindow(xw as tf.Tensor3D, R as tf.Tensor2D, state.h[l], state.c[l]); // [B, T + 1, H]
      const hs = tf.slice(out, [0, 0, 0], [B, T, H]);
      h.push(tf.slice(hs, [0, T - 1, 0], [B, 1, H]).reshape([B, H]) as tf.Tensor2D);
      cs.push(tf.slice(out, [0, T, 0], [B, 1, H]).reshape([B, H]) as tf.Tensor2D);
      input = drop(hs, c.dropout);
      continue;
    }
    // T × [B, gH]; one step by reshape, as the gradient of a one-piece unstack fails in tfjs 4.22
    const steps = T === 1 ? [xw.reshape([B, g * H]) as tf.Tensor2D] : tf.unstack(xw, 1) as tf.Tensor2D[];
    let hPrev = state.h[l], cPrev = state.c[l];
    const hs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const hIn = mask ? tf.mul(hPrev, mask) : hPrev;
      if (c.cell === "lstm") {
        const z = tf.add(steps[t], tf.matMul(hIn, R)); // [B, 4H]
        const [zi, zf, zc, zo] = tf.split(z, 4, 1);
        const i = tf.sigmoid(zi), f = tf.sigmoid(zf), cTilde = tf.tanh(zc), o = tf.sigmoid(zo);
        const cNew = tf.add(tf.mul(f, cPrev), tf.mul(i, cTilde)) as tf.Tensor2D;
        hPrev = tf.mul(o, tf.tanh(cNew)) as tf.Tensor2D;
        cPrev = cNew;
      } else {
        // GRU (Cho et al. 2014), reset applied after the product as in cuDNN and Keras' reset_after:
        // z = σ(x Wz + h Uz + bz), r = σ(x Wr + h Ur + br), n = tanh(x Wn + bn + r ⊙ (h Un)),
        // h = (1 − z) ⊙ n + z ⊙ h_{t−1}
        const [xz, xr, xn] = tf.split(steps[t], 3, 1);
        const [hz, hr, hn] = tf.split(tf.matMul(hIn, R), 3, 1);
        const z = tf.sigmoid(tf.add(xz, hz)), r = tf.sigmoid(tf.add(xr, hr));
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        hPrev = tf.add(n, tf.mul(z, tf.sub(hPrev, n))) as tf.Tensor2D; // (1 − z)·n + z·h
      }
      hs.push(hPrev);
    }
    h.push(hPrev);
    if (c.cell === "lstm") cs.push(cPrev);
    input = drop(T === 1 ? tf.expandDims(hs[0], 1) : tf.stack(hs, 1), c.dropout); // [B, T, H]
  }
  return { out: input.reshape([B * T, H]) as tf.Tensor2D, state: { h, c: cs } };
}

/**
 * Runs the model over a batch of windows: scores for every position, and the state after the last
 * step. With `seeds` (training) dropout is on; without, off. Training reads the loss from
 * {@linkcode wordLMLoss} instead, which never keeps the scores.
 *
 * @param x ids, `[B, T]` int32, each in [0, V)
 * @param state `h[l]`, `c[l]` `[B, H]` for each of the L layers (no `c` for a GRU), as {@linkcode zeroState}
 * @returns `logits` `[B·T, V]` (row b·T + t scores the word after x[b, t]) and the final state
 * @throws {RangeError} naming both sizes if x, the state and the model do not fit together (checked
 *   before any kernel runs); {TypeError} if x is not int32 or a tensor was disposed
 */
export function wordLMForward(
  model: WordLM,
  x: tf.Tensor2D,
  state: WordLMState,
  seeds?: DropoutSeeds,
): { logits: tf.Tensor2D; state: WordLMState } {
  checkBatch(model, x, state, "run the word model");
  const { out, state: after } = hiddenStates(model, x, state, seeds);
  return { logits: outputLogits(model, out), state: after };
}

/**
 * The mean cross-entropy of the next words `y` `[B·T]` after the windows `x` `[B, T]` (row order as
 * {@linkcode wordLMForward}'s), and the state after them: the training loss, its output layer and
 * softmax fused with their gradient ({@linkcode outputCrossEntropy}), in nats per token.
 *
 * @throws {RangeError} or {TypeError} as {@linkcode wordLMForward}, and if y is not `[B·T]` int32 ids in [0, V)
 */
export function wordLMLoss(
  model: WordLM,
  x: tf.Tensor2D,
  y: tf.Tensor1D,
  state: WordLMState,
  seeds?: DropoutSeeds,
): { loss: tf.Scalar; state: WordLMState } {
  const { B, T } = checkBatch(model, x, state, "compute the word model's loss");
  checkTargets(y, B * T, model.config.vocabularySize, "compute the word model's loss");
  const { out, state: after } = hiddenStates(model, x, state, seeds);
  const v = model.variables, tied = model.config.tied;
  const loss = outputCrossEntropy(out, tied ? v.embedding : v.outputKernel, v.outputBias as tf.Tensor1D, y, tied);
  return { loss, state: after };
}

/** The checks every public entry to the model makes first: the model, x `[B, T]` and the state `[B, H]` fit. */
function checkBatch(model: WordLM, x: tf.Tensor, state: WordLMState, context: string): { B: number; T: number } {
  checkModel(model, context);
  const { B, T } = checkInputs(x, model.config.vocabularySize, context);
  checkState(model, state, B, context);
  return { B, T };
}
