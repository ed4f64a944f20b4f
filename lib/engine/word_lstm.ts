/**
 * A trained tfjs word model as the library's own LSTM: its weights moved into plain typed arrays, so that
 * {@linkcode runLSTM}'s trace records every gate at every token, and the next-word distribution read off
 * each hidden state.
 *
 * ```text
 * ids ─embedding rows─▶ x_t [E] ─runLSTM (every f, i, c̃, o, c, h)─▶ h_t [H] ─W h_t + b─▶ scores [V] ─softmax─▶ P(next word)
 * ```
 *
 * Everything after the import is plain typed arrays: no tfjs, so every number can be checked by hand.
 *
 * @module
 */

import { fromKerasLSTM } from "../core/weight_formats.ts";
import type { LSTMParams } from "../core/lstm_cell.ts";
import { type LSTMTrace, runLSTM, type RunLSTMOptions } from "../core/lstm.ts";
import { type Matrix, matrix, type VectorLike } from "../core/tensor.ts";
import { checkIds } from "../text/corpus.ts";
import type { WordLM } from "./wordlm.ts";
import { loadBlas, type Sgemm } from "./_blas.ts";
import { forward as fusedForward } from "./fused_lstm.ts";
import { softmax } from "../core/loss.ts";

/**
 * A one-layer word-level LSTM language model as plain arrays: what {@linkcode wordLSTM} makes from a
 * tfjs {@linkcode WordLM}.
 */
export interface WordLSTM {
  /** The cell, in the library's layout: `W_f` … `W_o` `[H, H+E]`, `b_*` `[H]`. */
  readonly params: LSTMParams;
  /** Word vectors, row `id` is the input x_t for that word, `[V, E]`. */
  readonly embedding: Matrix;
  /** Output weights, row `id` scores that word, `[V, H]` (the embedding itself when tied). */
  readonly output: Matrix;
  /** Output biases, `[V]`. */
  readonly outputBias: Float32Array;
}

/**
 * Moves a trained tfjs word model into the library: its LSTM kernels (Keras layout, gates i, f, c̃, o)
 * go through {@linkcode fromKerasLSTM}, the weight interop of notebook 02, and come out as the
 * `W_f`, `W_i`, `W_c`, `W_o` of every other notebook.
 *
 * @throws {RangeError} for a GRU or a model of more than one layer (the trace is of one LSTM layer)
 */
export function wordLSTM(model: WordLM): WordLSTM {
  const context = "look inside word model";
  const c = model.config;
  if (c.cell !== "lstm" || c.layers !== 1) {
    throw new RangeError(
      `Cannot ${context}: it is a ${c.layers}-layer ${c.cell.toUpperCase()}, expected a 1-layer LSTM`,
    );
  }
  const v = model.variables;
  const V = c.vocabularySize, E = c.embeddingSize, H = c.hiddenSize;
  const params = fromKerasLSTM([v.kernel_0.arraySync(), v.recurrent_0.arraySync(), v.bias_0.arraySync()]);
  const embedding = matrix(V, E, v.embedding.dataSync() as Float32Array);
  let output = embedding;
  if (!c.tied) {
    // outputKernel is [H, V]; the library keeps one row per word, [V, H].
    const k = v.outputKernel.dataSync();
    const rows = new Float32Array(V * H);
    for (let h = 0; h < H; h++) for (let w = 0; w < V; w++) rows[w * H + h] = k[h * V + w];
    output = matrix(V, H, rows);
  }
  return { params, embedding, output, outputBias: Float32Array.from(v.outputBias.dataSync()) };
}

/**
 * Runs the LSTM over word ids and keeps everything: `trace.f[t]` is the forget gate after reading
 * `ids[t]`, `[H]`, and so on for i, c̃, o, c, tanh(c), h.
 *
 * Where a BLAS library is loaded (`lib/engine/_blas.ts`), the products go through it: one product for every
 * input projection, then the fused layer's forward pass (`lib/engine/fused_lstm.ts`), which computes the same
 * equations; the gates and states agree with {@linkcode runLSTM}'s to float32 rounding
 * (`tests/inside_test.ts` checks 1e-5). Without BLAS it is `runLSTM` itself.
 *
 * @param ids word ids, `[T]`
 * @param options the initial states (zeros by default)
 * @throws {RangeError} if an id is not a whole number in [0, V), or a state does not have length H
 */
export function traceWords(net: WordLSTM, ids: ArrayLike<number>, options: RunLSTMOptions = {}): LSTMTrace {
  const V = net.embedding.rows, E = net.embedding.cols;
  const idArray = Int32Array.from(ids);
  checkIds(idArray, V, "trace word model");
  const xs = Array.from(idArray, (id) => net.embedding.data.subarray(id * E, (id + 1) * E)); // T × [E]
  const blas = loadBlas();
  if (blas === null || xs.length === 0) return runLSTM(net.params, xs, options);
  // runLSTM over the first step only checks the states and hands them over in the parameters' type.
  const trace = runLSTM(net.params, xs.slice(0, 1), options);
  return traceWithBlas(blas.sgemm, net, xs, trace);
}

/** The Keras-layout weights of a {@linkcode WordLSTM}, made once per network: `W` `[E, 4H]`, `R` `[H, 4H]`, `b` `[4H]`. */
const kerasLayouts = new WeakMap<WordLSTM, { W: Float32Array; R: Float32Array; b: Float32Array }>();

function kerasLayout(net: WordLSTM): { W: Float32Array; R: Float32Array; b: Float32Array } {
  const known = kerasLayouts.get(net);
  if (known) return known;
  const p = net.params, H = p.hiddenSize, E = p.inputSize, N = H + E, G = 4 * H;
  const W = new Float32Array(E * G), R = new Float32Array(H * G), b = new Float32Array(G);
  // Keras's gate order i, f, c̃, o; each library matrix [H, H+E] acts on [h_{t-1}, x_t].
  [[p.Wi, p.bi], [p.Wf, p.bf], [p.Wc, p.bc], [p.Wo, p.bo]].forEach(([Wg, bg], g) => {
    const data = (Wg as Matrix).data;
    for (let r = 0; r < H; r++) {
      const col = g * H + r;
      for (let k = 0; k < H; k++) R[k * G + col] = data[r * N + k];
      for (let e = 0; e < E; e++) W[e * G + col] = data[r * N + H + e];
      b[col] = (bg as Float32Array)[r];
    }
  });
  const layout = { W, R, b };
  kerasLayouts.set(net, layout);
  return layout;
}

/** {@linkcode traceWords} with BLAS: `first` is runLSTM's trace of step 0, whose states start the window. */
function traceWithBlas(sgemm: Sgemm, net: WordLSTM, xs: Float32Array[], first: LSTMTrace): LSTMTrace {
  const T = xs.length, H = first.hiddenSize, E = first.inputSize, G = 4 * H;
  const { W, R, b } = kerasLayout(net);
  const x = new Float32Array(T * E); // [T, E]
  xs.forEach((row, t) => x.set(row, t * E));
  const xw = new Float32Array(T * G); // x·W + b, [T, 4H]
  sgemm(false, false, T, G, E, x, W, xw);
  for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) xw[t * G + g] += b[g];
  const run = fusedForward(sgemm, 1, T, H, xw, R, first.h0, first.c0);
  const rows = (buffer: Float32Array, n: number, offset = 0, stride = n) =>
    Array.from({ length: T }, (_, t) => buffer.subarray(t * stride + offset, t * stride + offset + n));
  const hx = new Float32Array(T * (H + E)); // [h_{t-1}, x_t], [T, H+E]
  for (let t = 0; t < T; t++) {
    hx.set(run.hPrevs.subarray(t * H, (t + 1) * H), t * (H + E));
    hx.set(xs[t], t * (H + E) + H);
  }
  return {
    steps: T,
    inputSize: E,
    hiddenSize: H,
    xs: rows(x, E),
    h0: first.h0,
    c0: first.c0,
    hx: rows(hx, H + E),
    i: rows(run.gates, H, 0, G),
    f: rows(run.gates, H, H, G),
    cTilde: rows(run.gates, H, 2 * H, G),
    o: rows(run.gates, H, 3 * H, G),
    c: rows(run.cs, H),
    tanhC: rows(run.tanhCs, H),
    h: rows(run.out, H), // out is [T + 1, H]: h_0 … h_{T-1}, then c_T
  };
}

/**
 * P(next word | everything read so far) from a hidden state: softmax(W h + b), `[V]`.
 *
 * @param h a hidden state h_t, `[H]`
 * @throws {RangeError} if `h` does not have length H
 */
export function nextWordProbabilities(net: WordLSTM, h: VectorLike): Float32Array {
  const { rows: V, cols: H, data: W } = net.output;
  if (h.length !== H) {
    throw new RangeError(`Cannot score next words: h has length ${h.length}, expected ${H}`);
  }
  const scores = new Float64Array(V); // [V], in float64 as the library's own softmax computes
  for (let w = 0; w < V; w++) {
    let s = net.outputBias[w];
    const row = w * H;
    for (let k = 0; k < H; k++) s += W[row + k] * h[k];
    scores[w] = s;
  }
  return Float32Array.from(softmax(scores));
}
