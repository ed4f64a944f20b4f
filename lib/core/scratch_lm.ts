/**
 * A next-word model trained by the course library alone (no tfjs): an embedding table, the LSTM of
 * `lstm.ts`, and a dense layer with softmax at every step, with gradients from `backpropLSTM`.
 *
 * ```text
 * ids ─table lookup─▶ x_t [E] ─runLSTM─▶ h_t [H] ─dense─▶ z_t [V] ─softmax─▶ P(next word)
 * ```
 *
 * It is the same model as the tfjs one in `wordlm.ts` (untied, one layer), written out so that every gradient can be
 * read, and it is slow: plain TypeScript loops, one window at a time. `deno task bench` measures it on
 * the `small` configuration beside tfjs.
 *
 * @module
 */

import { dense, denseBackward, denseGradsLike, type DenseParams, denseTensors, initDense } from "./dense.ts";
import { softmaxCrossEntropy } from "./loss.ts";
import { backpropLSTM, runLSTM } from "./lstm.ts";
import { initLSTMParams, type LSTMParams, lstmTensors } from "./lstm_cell.ts";
import { Adam, type Optimizer, prefixTensors, type Tensors } from "./optim.ts";
import { seededRng } from "./random.ts";
import { minibatches } from "./train_loop.ts";
import type { Matrix } from "./tensor.ts";
import { expectWhole } from "./tensor.ts";

/** The from-scratch next-word model. */
export interface ScratchLM {
  /** One row of E numbers per word, `[V, E]`. */
  readonly embedding: Matrix;
  /** The LSTM cell, X = E. */
  readonly cell: LSTMParams;
  /** The output layer, `[V, H]`. */
  readonly out: DenseParams;
}

/**
 * A fresh model: embedding rows uniform in ±0.05, the LSTM as `initLSTMParams`, Glorot output layer.
 *
 * @example
 * ```ts
 * import { initScratchLM } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const lm = initScratchLM({ vocabularySize: 50, embeddingSize: 8, hiddenSize: 16 });
 * assert.equal(lm.embedding.rows, 50);
 * assert.equal(lm.out.outputSize, 50);
 * ```
 */
export function initScratchLM(
  config: { vocabularySize: number; embeddingSize: number; hiddenSize: number; seed?: number },
): ScratchLM {
  const { vocabularySize: V, embeddingSize: E, hiddenSize: H, seed = 0 } = config;
  const rng = seededRng(seed);
  const table = new Float32Array(V * E);
  for (let k = 0; k < table.length; k++) table[k] = rng.uniform(-0.05, 0.05);
  return {
    embedding: { rows: V, cols: E, data: table },
    cell: initLSTMParams(E, H, { rng }),
    out: initDense(H, V, { rng }),
  };
}

/** The model's tensors by name (its own arrays), for an optimizer. */
export function scratchLMTensors(model: ScratchLM): Tensors {
  return {
    embedding: model.embedding.data,
    ...prefixTensors("cell", lstmTensors(model.cell)),
    ...prefixTensors("out", denseTensors(model.out)),
  };
}

/**
 * Mean loss and summed gradients over a batch of windows of T + 1 ids (inputs: the first T, targets:
 * the last T). Gradients are named as in {@linkcode scratchLMTensors} and averaged over all tokens.
 */
export function scratchLMGradients(model: ScratchLM, windows: readonly Int32Array[]): { loss: number; grads: Tensors } {
  const E = model.embedding.cols, table = model.embedding.data;
  const embeddingGrad = new Float32Array(table.length);
  const cellGrads: Record<string, Float32Array> = {};
  const outGrads = denseGradsLike(model.out);
  let loss = 0, tokens = 0;
  for (const w of windows) {
    const T = w.length - 1;
    const xs = Array.from({ length: T }, (_, t) => table.subarray(w[t] * E, w[t] * E + E)); // lookups
    const trace = runLSTM(model.cell, xs);
    const dh = trace.h.map((h, t) => {
      const { loss: l, dLogits } = softmaxCrossEntropy(dense(model.out, h), w[t + 1]);
      loss += l;
      return denseBackward(model.out, h, dLogits, outGrads); // dL/dh_t
    });
    tokens += T;
    const g = backpropLSTM(model.cell, trace, dh);
    for (const [name, t] of Object.entries(lstmTensors(g))) {
      const sum = cellGrads[name] ??= new Float32Array(t.length);
      for (let k = 0; k < t.length; k++) sum[k] += t[k];
    }
    g.dxs.forEach((dx, t) => { // an embedding row's gradient is the gradient of the input it became
      const row = w[t] * E;
      for (let k = 0; k < E; k++) embeddingGrad[row + k] += dx[k];
    });
  }
  const grads: Record<string, Float32Array> = { embedding: embeddingGrad };
  for (const [name, t] of Object.entries(cellGrads)) grads[`cell.${name}`] = t;
  for (const [name, t] of Object.entries(denseTensors(outGrads))) grads[`out.${name}`] = t;
  for (const t of Object.values(grads)) for (let k = 0; k < t.length; k++) t[k] /= tokens;
  return { loss: loss / tokens, grads };
}

/**
 * Trains the model in place: windows of T + 1 ids, one pass of the engine's loop `minibatches`
 * (`train_loop.ts`: shuffled, batches of B windows, clipped, the Stop button after every batch), Adam.
 * `onBatch` gets the batch's mean loss and the seconds since the start; training waits for it.
 */
export async function trainScratchLM(
  model: ScratchLM,
  ids: Int32Array,
  options: {
    batchSize?: number;
    seqLength?: number;
    optimizer?: Optimizer;
    clipNorm?: number;
    maxSteps?: number;
    seed?: number;
    onBatch?: (p: { step: number; loss: number; seconds: number }) => void | Promise<void>;
  } = {},
): Promise<void> {
  const { batchSize = 32, seqLength = 35, clipNorm = 5, maxSteps = Infinity, seed = 0 } = options;
  const optimizer = options.optimizer ?? new Adam({ lr: 0.003 });
  const params = scratchLMTensors(model);
  const gradients = (batch: readonly Int32Array[]) => scratchLMGradients(model, batch);
  const rng = seededRng(seed);
  const batches = minibatches(windows(ids, seqLength), {
    params,
    optimizer,
    rng,
    batchSize,
    clipNorm,
    gradients,
    maxSteps,
  });
  const started = performance.now();
  for (const { step, result } of batches) {
    await options.onBatch?.({ step, loss: result.loss, seconds: (performance.now() - started) / 1000 });
  }
}

/**
 * The text cut into windows of T + 1 consecutive ids, each starting T after the previous, so that
 * neighbours share one id (the last target of one is the first input of the next): `[count][T + 1]`,
 * count = ⌊(n − 1)/T⌋, views into `ids`. Inputs are a window's first T ids, targets its last T.
 *
 * @throws {RangeError} if `seqLength` is not a whole number >= 1
 *
 * @example
 * ```ts
 * import { windows } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const ws = windows(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), 3); // the 7 left over after two windows is dropped
 * assert.deepEqual(ws.map((w) => [...w]), [[0, 1, 2, 3], [3, 4, 5, 6]]);
 * ```
 */
export function windows(ids: Int32Array, seqLength: number): Int32Array[] {
  expectWhole(seqLength, "seqLength", "cut windows", 1);
  const count = Math.floor((ids.length - 1) / seqLength);
  return Array.from({ length: count }, (_, k) => ids.subarray(k * seqLength, k * seqLength + seqLength + 1));
}
