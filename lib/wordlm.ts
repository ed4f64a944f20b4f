/**
 * The course's next-word model, written in tfjs operations: notebooks 08–10, `deno task nextword`,
 * `deno task experiments` and `deno task fullrun` all use it, and every knob the lecture's "how to
 * improve performance?" names can be turned here.
 *
 * ```text
 * ids [B, T] ─Embedding(V → E)─▶ dropout ─▶ LSTM or GRU (H) ×L ─▶ dropout ─▶ output (H → V) ─▶ scores [B·T, V]
 *                                            state (h, c) carried from one window to the next
 * ```
 *
 * - **the streaming strategy** of notebook 07: the model predicts the next word at every position of
 *   the running text, and a prompt is read the same way, after `<eos>` (`readPrompt`);
 * - **tied embeddings**: the output layer reuses the embedding matrix, scores = h · Embᵀ + b
 *   (Press & Wolf 2017; Inan et al. 2017), which needs E = H;
 * - **state carried between windows**: the text is cut into B long streams read side by side, and
 *   the state at the end of one window starts the next (Zaremba et al. 2014), so a word can be
 *   predicted from more than T words of context while gradients still stop after T steps;
 * - **dropout on the non-recurrent connections** (Zaremba et al. 2014) and **variational recurrent
 *   dropout**, one mask on h_{t−1} for a whole window (Gal & Ghahramani 2016);
 * - asking it: `predictNext`, and `generateText` with the sampling rules of `lib/sampling.ts`.
 *
 * Weights follow the Keras layout (kernel `[X, 4H]`, recurrent kernel `[H, 4H]`, bias `[4H]`, gate
 * order i, f, c̃, o), so `fromKerasLSTM` brings a trained layer into the library's `runLSTM`.
 *
 * Needs {@linkcode initTfjs} first. Not re-exported by `mod.ts` (it loads tfjs): import
 * `@course/lib/wordlm.ts`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { fusedLSTMAvailable, lstmWindow } from "./fused_lstm.ts";
import { modelFolder } from "./_modelfiles.ts";
import { applyClipped, softmaxCrossEntropyGrad } from "./tfjs.ts";
import { checkIds, checkTokens, EOS, normalizeWord, tokenize, UNK, Vocabulary } from "./corpus.ts";
import { seededRng, shuffle } from "./random.ts";
import { stopRequested, throwIfStopRequested } from "./stop.ts";
import { checkSampling, pickNext, type Sampling, topWords, type WordProbability } from "./sampling.ts";

/** The architecture of a {@linkcode WordLM}. */
export interface WordLMConfig {
  /** V, the number of words. */
  vocabularySize: number;
  /** E, the length of a word vector. */
  embeddingSize: number;
  /** H, the number of units of each recurrent layer. */
  hiddenSize: number;
  /** L, recurrent layers stacked (default 1). */
  layers?: number;
  /** The recurrent cell (default "lstm"). */
  cell?: "lstm" | "gru";
  /** Output layer = the embedding matrix transposed (default false); needs E = H. */
  tied?: boolean;
  /** Dropout rate on the embedding output, between layers and before the output layer (default 0). */
  dropout?: number;
  /** Dropout rate on h_{t−1} where it enters the recurrence, one mask per window (default 0). */
  recurrentDropout?: number;
  /** Initial forget-gate bias of an LSTM (default 1, Jozefowicz et al. 2015). */
  forgetBias?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/** A model: its config (defaults filled in) and its variables, by name. */
export interface WordLM {
  readonly config: Readonly<Required<WordLMConfig>>;
  /** `embedding` [V, E]; per layer l: `kernel_l` [X, gH], `recurrent_l` [H, gH], `bias_l` [gH] (g = 4 for an LSTM, 3 for a GRU); `outputKernel` [H, V] unless tied; `outputBias` [V]. */
  readonly variables: Readonly<Record<string, tf.Variable>>;
}

/** The recurrent state of every layer: `h[l]`, `c[l]` are `[B, H]` (`c` is empty for a GRU). */
export interface WordLMState {
  readonly h: tf.Tensor2D[];
  readonly c: tf.Tensor2D[];
}

function fill(config: WordLMConfig): Required<WordLMConfig> {
  const full = {
    layers: 1,
    cell: "lstm" as const,
    tied: false,
    dropout: 0,
    recurrentDropout: 0,
    forgetBias: 1,
    seed: 0,
    ...config,
  };
  const context = "make word language model";
  for (const key of ["vocabularySize", "embeddingSize", "hiddenSize", "layers"] as const) {
    const n = full[key];
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Cannot ${context}: ${key} must be a whole number >= 1, got ${n}`);
    }
  }
  for (const key of ["dropout", "recurrentDropout"] as const) {
    const r = full[key];
    if (!(r >= 0 && r < 1)) throw new RangeError(`Cannot ${context}: ${key} must be in [0, 1), got ${r}`);
  }
  if (full.cell !== "lstm" && full.cell !== "gru") {
    throw new RangeError(`Cannot ${context}: cell must be "lstm" or "gru", got ${JSON.stringify(full.cell)}`);
  }
  if (full.tied && full.embeddingSize !== full.hiddenSize) {
    throw new RangeError(
      `Cannot ${context}: tied embeddings need embeddingSize = hiddenSize, got E = ${full.embeddingSize}, H = ${full.hiddenSize}`,
    );
  }
  return full;
}

/** Gates per cell: an LSTM has 4 (i, f, c̃, o), a GRU 3 (z, r, n). */
function gatesOf(cell: "lstm" | "gru"): number {
  return cell === "lstm" ? 4 : 3;
}

/**
 * Parameter counts: embedding V·E; each recurrent layer g·(H·(X + H) + H) with g = 4 gates for an
 * LSTM, 3 for a GRU; output H·V + V, or only the V biases when tied.
 */
export function wordLMParamCounts(config: WordLMConfig) {
  const c = fill(config);
  const g = gatesOf(c.cell), H = c.hiddenSize;
  const embedding = c.vocabularySize * c.embeddingSize;
  let recurrent = 0;
  for (let l = 0; l < c.layers; l++) {
    const X = l === 0 ? c.embeddingSize : H;
    recurrent += g * (H * (X + H) + H);
  }
  const output = (c.tied ? 0 : H * c.vocabularySize) + c.vocabularySize;
  return { embedding, recurrent, output, total: embedding + recurrent + output };
}

/**
 * A fresh model. Weights are uniform in ±1/√H (PyTorch's default for recurrent layers), the
 * embedding in ±0.1; an LSTM's forget-gate biases start at `forgetBias`, all other biases at 0.
 */
export function initWordLM(config: WordLMConfig): WordLM {
  const c = fill(config);
  const { vocabularySize: V, embeddingSize: E, hiddenSize: H } = c;
  const g = gatesOf(c.cell), k = 1 / Math.sqrt(H);
  let seed = c.seed * 1000;
  const uniform = (shape: number[], limit: number) => tf.randomUniform(shape, -limit, limit, "float32", seed++);
  const variables: Record<string, tf.Variable> = {};
  const add = (name: string, value: tf.Tensor) => {
    variables[name] = tf.variable(value, true, `wordlm_${uniqueId}_${name}`);
    value.dispose();
  };
  const uniqueId = nextModelId++;
  add("embedding", uniform([V, E], 0.1));
  for (let l = 0; l < c.layers; l++) {
    const X = l === 0 ? E : H;
    add(`kernel_${l}`, uniform([X, g * H], k));
    add(`recurrent_${l}`, uniform([H, g * H], k));
    const bias = new Float32Array(g * H);
    if (c.cell === "lstm") bias.fill(c.forgetBias, H, 2 * H); // gate order i, f, c̃, o
    add(`bias_${l}`, tf.tensor1d(bias));
  }
  if (!c.tied) add("outputKernel", uniform([H, V], k));
  add("outputBias", tf.zeros([V]));
  return { config: c, variables };
}

let nextModelId = 0;

/** A zero state for a batch of B. */
export function zeroState(model: WordLM, batchSize: number): WordLMState {
  const { layers, hiddenSize: H, cell } = model.config;
  return {
    h: Array.from({ length: layers }, () => tf.zeros([batchSize, H]) as tf.Tensor2D),
    c: cell === "lstm" ? Array.from({ length: layers }, () => tf.zeros([batchSize, H]) as tf.Tensor2D) : [],
  };
}

/** Disposes every tensor of a state. */
export function disposeState(state: WordLMState): void {
  for (const t of [...state.h, ...state.c]) t.dispose();
}

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
function hiddenStates(
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
      // The whole window as one operation, its gradient written out (lib/fused_lstm.ts).
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
 * @param x ids, `[B, T]` int32
 * @returns `logits` `[B·T, V]` (row b·T + t scores the word after x[b, t]) and the final state
 */
export function wordLMForward(
  model: WordLM,
  x: tf.Tensor2D,
  state: WordLMState,
  seeds?: DropoutSeeds,
): { logits: tf.Tensor2D; state: WordLMState } {
  const { out, state: after } = hiddenStates(model, x, state, seeds);
  return { logits: outputLogits(model, out), state: after };
}

/**
 * The output layer: scores `[N, V]` from hidden states `[N, H]`, h·W + b, where a tied model's W is
 * its embedding `[V, H]` read transposed. For fewer rows than H (reading a prompt) a tied model's
 * scores are computed as (E·hᵀ)ᵀ instead, which reads E as stored: without native BLAS (in a browser)
 * a transposed operand costs tfjs a copy of all V·H weights per call, 2.56 million for the course's model.
 */
function outputLogits(model: WordLM, h: tf.Tensor2D): tf.Tensor2D {
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
 * The mean cross-entropy of the next words `y` `[B·T]` after the windows `x` `[B, T]` (row order as
 * {@linkcode wordLMForward}'s), and the state after them: the training loss, its output layer and
 * softmax fused with their gradient ({@linkcode outputCrossEntropy}).
 */
export function wordLMLoss(
  model: WordLM,
  x: tf.Tensor2D,
  y: tf.Tensor1D,
  state: WordLMState,
  seeds?: DropoutSeeds,
): { loss: tf.Scalar; state: WordLMState } {
  const { out, state: after } = hiddenStates(model, x, state, seeds);
  const v = model.variables, tied = model.config.tied;
  const loss = outputCrossEntropy(out, tied ? v.embedding : v.outputKernel, v.outputBias as tf.Tensor1D, y, tied);
  return { loss, state: after };
}

/**
 * Whether LSTM layers run as one fused operation per window (`lib/fused_lstm.ts`): by default when
 * native BLAS is loaded, unless the environment sets `COURSE_FUSED_LSTM=0`. `on` switches it for the
 * rest of the process (true only where BLAS is loaded), so that a test or benchmark can run both
 * paths; the step-by-step path is what differentiates with recurrent dropout, and GRUs always.
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/tfjs.ts";
 * import { useFusedLSTM } from "@course/lib/wordlm.ts";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * const before = useFusedLSTM();
 * assert.equal(useFusedLSTM(false), false);
 * useFusedLSTM(before);
 * ```
 */
export function useFusedLSTM(on?: boolean): boolean {
  if (on !== undefined) fusedSetting = on && fusedLSTMAvailable();
  if (fusedSetting === undefined) {
    let off = false;
    try {
      off = Deno.env.get("COURSE_FUSED_LSTM") === "0";
    } catch {
      off = false; // no env permission: the default
    }
    fusedSetting = !off && fusedLSTMAvailable();
  }
  return fusedSetting;
}
let fusedSetting: boolean | undefined;

/**
 * The output layer, its softmax and the mean cross-entropy as one differentiable operation:
 *
 * ```text
 * logits = h·W + b          [N, V]   (h [N, H]; W [H, V], or the embedding [V, H] read as Wᵀ when tied)
 * p = softmax(logits)       [N, V]
 * loss = −mean_n log p[n, targets[n]]
 * ```
 *
 * with the gradient written out: dLogits = (p − onehot)/N, then ∂/∂h = dLogits·Wᵀ, ∂/∂W = hᵀ·dLogits
 * (dLogitsᵀ·h when tied), ∂/∂b = the column sums of dLogits. The forward pass is one product with
 * the bias (native BLAS, `lib/tfjs.ts`) and the WASM backend's one-pass softmax; the backward pass
 * one kernel over p ({@linkcode softmaxCrossEntropyGrad}) and two products. tfjs's own
 * softmaxCrossEntropy over `h·W + b` takes two passes of exp over the [N, V] scores and some eight
 * more; this took a brown-base step from 745 to about 500 ms before the fused LSTM layer (profiled
 * 2026-12-01); after it, the kernels it replaces took about 28 ms of a 260 ms step and its own take 12 to
 * 17, a gain inside the machine's step-to-step noise (2026-12-02; `deno task bench` for today's figures).
 * A target probability that underflows to 0 in float32 (a score some 87 nats below the row's best)
 * costs the smallest normal float32, 87.3 nats, instead of ∞; the gradient is exact either way.
 *
 * @throws {RangeError} if a target is outside [0, V) (on the WASM backend, when the gradient is taken)
 */
export function outputCrossEntropy(
  h: tf.Tensor2D,
  W: tf.Tensor,
  b: tf.Tensor1D,
  targets: tf.Tensor1D,
  tied = false,
): tf.Scalar {
  const V = b.shape[0], expected = tied ? [V, h.shape[1]] : [h.shape[1], V];
  if (W.shape.length !== 2 || W.shape[0] !== expected[0] || W.shape[1] !== expected[1]) {
    throw new RangeError(`Expected output weights of shape [${expected}] for h [${h.shape}], got [${W.shape}]`);
  }
  if (targets.shape[0] !== h.shape[0]) {
    throw new RangeError(`Expected ${h.shape[0]} targets, one per row of h, got ${targets.shape[0]}`);
  }
  return (tied ? tiedOutputCrossEntropy : untiedOutputCrossEntropy)(h, W as tf.Tensor2D, b, targets);
}

function outputCrossEntropyOp(tied: boolean) {
  return tf.customGrad(
    ((h: tf.Tensor, W: tf.Tensor, b: tf.Tensor, targets: tf.Tensor, save: tf.GradSaveFunc) => {
      const N = h.shape[0] as number, V = b.shape[0] as number;
      const logits = tf.fused.matMul({ a: h as tf.Tensor2D, b: W as tf.Tensor2D, transposeB: tied, bias: b });
      const p = tf.softmax(logits); // [N, V]: the WASM backend's own one-pass softmax kernel
      // The probability of each row's target: one gather over the flattened softmax.
      const flat = tf.add(tf.mul(tf.range(0, N, 1, "int32"), tf.scalar(V, "int32")), targets as tf.Tensor1D);
      // At least the smallest normal float32, so that a target the softmax underflowed for costs 87.3 nats, not ∞.
      const value = tf.neg(tf.mean(tf.log(tf.maximum(tf.gather(p.reshape([N * V]), flat), 1.1754944e-38))));
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

/** `tf.tidy` for a result holding tensors among other values (tidy keeps every tensor it finds in it). */
function tidy<T>(f: () => T): T {
  return tf.tidy(f as unknown as () => tf.TensorContainer) as unknown as T;
}

/**
 * The stream cut into B rows read side by side (Zaremba et al. 2014's batching): row b holds tokens
 * [b·L, (b + 1)·L] of the stream, L = ⌊(n − 1)/B⌋, so that window k of every row continues window
 * k − 1 and a carried state makes sense.
 */
export function streamRows(ids: Int32Array, batchSize: number): { rows: Int32Array[]; length: number } {
  const L = Math.floor((ids.length - 1) / batchSize);
  if (L < 1) {
    throw new RangeError(`Cannot cut ${ids.length} tokens into ${batchSize} rows: need at least ${batchSize + 1}`);
  }
  return { rows: Array.from({ length: batchSize }, (_, b) => ids.subarray(b * L, b * L + L + 1)), length: L };
}

/** Inputs and targets of window [s, s + n) of every row: `x` [B, n], `y` [B·n]. */
function rowWindow(rows: Int32Array[], s: number, n: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const B = rows.length;
  const x = new Int32Array(B * n), y = new Int32Array(B * n);
  rows.forEach((r, b) => {
    x.set(r.subarray(s, s + n), b * n);
    y.set(r.subarray(s + 1, s + n + 1), b * n);
  });
  return { x: tf.tensor2d(x, [B, n], "int32"), y: tf.tensor1d(y, "int32") };
}

/** Options for {@linkcode trainWordLM}. */
export interface TrainWordLMOptions {
  /** B, rows read side by side (default 32). */
  batchSize?: number;
  /** T, steps per window: how far back gradients flow (truncated BPTT, default 35). */
  seqLength?: number;
  /** Carry the state from one window to the next (default true); false: every window starts at zero, in shuffled order. */
  carryState?: boolean;
  /**
   * With a carried state, start every row from a zero state again every this many windows (default:
   * only at each epoch's start), so that the model also learns to start from nothing (notebook 09, why
   * the first pass looks wrong).
   */
  resetEvery?: number;
  /** "adam" (default) or plain "sgd". */
  optimizer?: "adam" | "sgd";
  /** Step size (default 0.002 for Adam, 1 for SGD). */
  learningRate?: number;
  /** "constant" (default) or "linear": decays to 10 % of the rate over the planned tokens (or seconds, whichever ends first). */
  schedule?: "constant" | "linear";
  /** Clip the gradients' global norm to this (default 5; Infinity: no clipping). */
  clipNorm?: number;
  /** Passes over the training stream (default 1). */
  epochs?: number;
  /** Stop after this many training tokens (default: no limit). Deterministic, unlike maxSeconds. */
  maxTokens?: number;
  /** Stop after this many seconds, at the end of a batch (default: no limit). */
  maxSeconds?: number;
  /** Seed for dropout masks, the window order (without carried state) and the rows' offset each epoch (default 0). */
  seed?: number;
  /** Measure validation perplexity every `every` training tokens (and at the end) on `ids` (its first `maxTokens`). */
  validation?: { ids: Int32Array; every: number; maxTokens?: number };
  /** With validation: stop when validation perplexity has not improved `patience` times in a row, and keep the best weights. */
  earlyStopping?: { patience: number };
  /** Called after every batch; training waits if it returns a promise. */
  onBatch?: (p: WordLMProgress) => void | Promise<void>;
  /** Called after every validation. */
  onValidation?: (v: WordLMValidation) => void | Promise<void>;
}

/** Where training stands after a batch. */
export interface WordLMProgress {
  readonly epoch: number;
  readonly step: number;
  readonly tokens: number;
  /** This batch's mean cross-entropy, nats per token. */
  readonly loss: number;
  readonly seconds: number;
  readonly learningRate: number;
}

/** A validation measurement during training. */
export interface WordLMValidation {
  readonly tokens: number;
  /** Training seconds so far (validation time not counted). */
  readonly seconds: number;
  readonly epoch: number;
  readonly perplexity: number;
  /** Mean training loss since the previous validation, as a perplexity. */
  readonly trainPerplexity: number;
}

/** What {@linkcode trainWordLM} returns. */
export interface WordLMHistory {
  readonly batches: WordLMProgress[];
  readonly validations: WordLMValidation[];
  /** Training tokens and seconds at the end (validation time not counted). */
  readonly tokens: number;
  readonly seconds: number;
  /** Why training ended: "epochs", "maxTokens", "maxSeconds" or "earlyStopping". */
  readonly stopped: string;
  /** With early stopping: the validation whose weights were kept. */
  readonly best?: WordLMValidation;
}

/** Trains the model in place on a stream of ids. */
export async function trainWordLM(
  model: WordLM,
  ids: Int32Array,
  options: TrainWordLMOptions = {},
): Promise<WordLMHistory> {
  const {
    batchSize: B = 32,
    seqLength: T = 35,
    carryState = true,
    optimizer: kind = "adam",
    schedule = "constant",
    clipNorm = 5,
    epochs = 1,
    seed = 0,
  } = options;
  const lr0 = options.learningRate ?? (kind === "adam" ? 0.002 : 1);
  const maxTokens = options.maxTokens ?? Infinity, maxSeconds = options.maxSeconds ?? Infinity;
  checkIds(ids, model.config.vocabularySize, "train word language model");
  const resetEvery = options.resetEvery ?? Infinity;
  if (!(resetEvery === Infinity || (Number.isInteger(resetEvery) && resetEvery >= 1))) {
    throw new RangeError(`Cannot train: resetEvery must be a whole number >= 1, got ${resetEvery}`);
  }
  const whole = { batchSize: B, seqLength: T, epochs, seed };
  for (const [name, v] of Object.entries(whole)) {
    if (!Number.isInteger(v) || v < (name === "seed" ? 0 : 1)) {
      throw new RangeError(`Cannot train: ${name} must be a whole number >= ${name === "seed" ? 0 : 1}, got ${v}`);
    }
  }
  const positive = { learningRate: lr0, clipNorm, maxTokens, maxSeconds };
  for (const [name, v] of Object.entries(positive)) {
    if (!(v > 0)) throw new RangeError(`Cannot train: ${name} must be a number > 0, got ${v}`);
  }
  if (kind !== "adam" && kind !== "sgd") {
    throw new RangeError(`Cannot train: optimizer must be "adam" or "sgd", got ${JSON.stringify(kind)}`);
  }
  if (schedule !== "constant" && schedule !== "linear") {
    throw new RangeError(`Cannot train: schedule must be "constant" or "linear", got ${JSON.stringify(schedule)}`);
  }
  if (options.validation && !(options.validation.every > 0)) {
    throw new RangeError(
      `Cannot train: validation.every must be a number of tokens > 0, got ${options.validation.every}`,
    );
  }
  if (options.earlyStopping) {
    if (!options.validation) throw new RangeError("Cannot train: earlyStopping needs validation");
    const patience = options.earlyStopping.patience;
    if (!Number.isInteger(patience) || patience < 1) {
      throw new RangeError(`Cannot train: earlyStopping.patience must be a whole number >= 1, got ${patience}`);
    }
  }
  const optimizer = kind === "adam" ? tf.train.adam(lr0) : tf.train.sgd(lr0);
  const setRate = (lr: number) => {
    if (kind === "sgd") (optimizer as tf.SGDOptimizer).setLearningRate(lr);
    else (optimizer as unknown as { learningRate: number }).learningRate = lr;
  };
  const names = Object.keys(model.variables), vars = names.map((n) => model.variables[n]);
  const rng = seededRng(seed);
  const seeds: DropoutSeeds = { next: () => Math.floor(rng.next() * 2 ** 31) };
  const plannedTokens = Math.min(maxTokens, epochs * (ids.length - 1));
  const batches: WordLMProgress[] = [], validations: WordLMValidation[] = [];
  let tokens = 0, step = 0, seconds = 0, stopped = "epochs";
  let sinceLoss = 0, sinceTokens = 0, nextValidation = options.validation?.every ?? Infinity;
  let best: { v: WordLMValidation; weights: tf.Tensor[] } | undefined;
  const validate = async (epoch: number) => {
    const val = options.validation!;
    const score = evaluateWordLM(model, val.ids, { maxTokens: val.maxTokens, batchSize: B, seqLength: T, carryState });
    const v = {
      tokens,
      seconds,
      epoch,
      perplexity: score.perplexity,
      trainPerplexity: Math.exp(sinceLoss / Math.max(1, sinceTokens)),
    };
    sinceLoss = 0;
    sinceTokens = 0;
    validations.push(v);
    await options.onValidation?.(v);
    if (options.earlyStopping) {
      const { stop, kept } = earlyStoppingPoint(validations.map((x) => x.perplexity), options.earlyStopping.patience);
      if (kept === validations.length - 1) {
        best?.weights.forEach((w) => w.dispose());
        best = { v, weights: vars.map((w) => w.clone()) };
      }
      return stop >= 0;
    }
    return false;
  };
  let started = performance.now();
  training: for (let epoch = 1; epoch <= epochs; epoch++) {
    // Windows: with a carried state, in order along B rows (a random offset each epoch varies where
    // windows begin); without, shuffled windows of T + 1 tokens each starting from zero.
    const offset = carryState && epoch > 1 ? Math.floor(rng.next() * T) : 0;
    const { rows, length } = streamRows(ids.subarray(offset), B);
    const starts: number[] = [];
    for (let s = 0; s + 1 <= length; s += T) starts.push(s);
    const order = carryState ? starts : shuffle(starts, rng);
    let state = zeroState(model, B);
    for (const [w, s] of order.entries()) {
      const n = Math.min(T, length - s);
      if (w > 0 && w % resetEvery === 0) {
        disposeState(state);
        state = zeroState(model, B);
      }
      const fraction = Math.max(tokens / plannedTokens, seconds / maxSeconds);
      const lr = schedule === "linear" ? lr0 * (1 - 0.9 * Math.min(1, fraction)) : lr0;
      setRate(lr);
      const [loss, next] = tidy(() => {
        const { x, y } = rowWindow(rows, s, n);
        const start = carryState ? state : zeroState(model, B);
        let after: WordLMState | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const out = wordLMLoss(model, x, y, start, seeds);
          // variableGrads disposes everything its function made except the loss: keep the state.
          after = { h: out.state.h.map((t) => tf.keep(t)), c: out.state.c.map((t) => tf.keep(t)) };
          return out.loss;
        }, vars);
        applyClipped(optimizer, grads, clipNorm);
        return [value.dataSync()[0], after!] as const;
      });
      disposeState(state);
      state = next;
      step++;
      tokens += B * n;
      sinceLoss += loss * B * n;
      sinceTokens += B * n;
      seconds += (performance.now() - started) / 1000;
      started = performance.now();
      const p = { epoch, step, tokens, loss, seconds, learningRate: lr };
      batches.push(p);
      await options.onBatch?.(p);
      if (stopRequested()) { // the Stop button (stop.ts): end here, keeping what the finished batches taught
        disposeState(state);
        optimizer.dispose();
        best?.weights.forEach((w) => w.dispose());
        throwIfStopRequested(`after batch ${step} (${tokens.toLocaleString("en-US")} tokens)`);
      }
      const last = tokens >= maxTokens || seconds >= maxSeconds;
      if (options.validation && (tokens >= nextValidation || last)) {
        nextValidation += options.validation.every;
        const stop = await validate(epoch);
        started = performance.now(); // validation time is not training time
        if (stop) {
          stopped = "earlyStopping";
          disposeState(state);
          break training;
        }
      }
      if (last) {
        stopped = tokens >= maxTokens ? "maxTokens" : "maxSeconds";
        disposeState(state);
        break training;
      }
    }
    disposeState(state);
    if (options.validation && epoch === epochs && validations.at(-1)?.tokens !== tokens) await validate(epoch);
  }
  optimizer.dispose();
  let bestValidation: WordLMValidation | undefined;
  if (best !== undefined) {
    const b = best as { v: WordLMValidation; weights: tf.Tensor[] };
    vars.forEach((w, k) => w.assign(b.weights[k]));
    b.weights.forEach((w) => w.dispose());
    bestValidation = b.v;
  }
  return { batches, validations, tokens, seconds, stopped, best: bestValidation };
}

/** What {@linkcode evaluateWordLM} measures. */
export interface WordLMScore {
  /** exp(mean cross-entropy). */
  readonly perplexity: number;
  readonly meanLoss: number;
  /** How many tokens were scored. */
  readonly tokens: number;
  /** With `accuracy`: how often the most probable word was right, and how often it was among the 5 most probable. */
  readonly top1?: number;
  readonly top5?: number;
  /**
   * With `perToken`: ln P(ids[t] | ids[0..t)) at position t, NaN where not scored (position 0 and the
   * few tokens after the last full row).
   */
  readonly logProbs?: Float64Array;
}

/**
 * Perplexity on a stream read as B rows side by side with the state carried across windows (as in
 * training), without dropout. `maxTokens` reads only the start of the stream.
 */
export function evaluateWordLM(
  model: WordLM,
  ids: Int32Array,
  options: {
    batchSize?: number;
    seqLength?: number;
    maxTokens?: number;
    accuracy?: boolean;
    perToken?: boolean;
    /** Carry the state across windows (default true); false: every window starts from zero, as notebook 08 scores. */
    carryState?: boolean;
  } = {},
): WordLMScore {
  const { batchSize: B = 32, seqLength: T = 35 } = options;
  checkIds(ids, model.config.vocabularySize, "evaluate word language model");
  for (const [name, v] of Object.entries({ batchSize: B, seqLength: T, maxTokens: options.maxTokens ?? 1 })) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`Cannot evaluate: ${name} must be a whole number >= 1, got ${v}`);
    }
  }
  const stream = options.maxTokens === undefined ? ids : ids.subarray(0, options.maxTokens + 1);
  const { rows, length: L } = streamRows(stream, B);
  const logProbs = options.perToken ? new Float64Array(stream.length).fill(NaN) : undefined;
  let state = zeroState(model, B);
  let loss = 0, top1 = 0, top5 = 0;
  for (let s = 0; s < L; s += T) {
    const n = Math.min(T, L - s);
    // Each window gives its summed loss (−Σ log p of the right words), its top-1/top-5 hits and the state after it.
    const [windowLoss, hits, next] = tidy(() => {
      const { x, y } = rowWindow(rows, s, n);
      const start = options.carryState === false ? zeroState(model, B) : state;
      if (!options.accuracy && !logProbs) {
        // Only the total is needed: the training step's fused output layer and cross-entropy, forward
        // only, in place of [B·n, V] log-probabilities (3–4 times faster on the whole validation split).
        const { loss, state: after } = wordLMLoss(model, x, y, start);
        const kept = { h: after.h.map((t) => tf.keep(t)), c: after.c.map((t) => tf.keep(t)) };
        return [loss.dataSync()[0] * B * n, [0, 0] as [number, number], kept] as const;
      }
      const out = wordLMForward(model, x, start);
      const logp = tf.logSoftmax(out.logits);
      const V = out.logits.shape[1];
      const picked = tf.sum(tf.mul(logp, tf.oneHot(y, V)), 1).dataSync() as Float32Array; // [B·n]
      let total = 0;
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < n; t++) {
          total -= picked[b * n + t];
          if (logProbs) logProbs[b * L + s + t + 1] = picked[b * n + t];
        }
      }
      let hits: [number, number] = [0, 0];
      if (options.accuracy) {
        const { indices } = tf.topk(out.logits, 5);
        const eq = tf.cast(tf.equal(indices, y.expandDims(1)), "float32"); // [B·n, 5]
        hits = [tf.sum(eq.slice([0, 0], [-1, 1])).dataSync()[0], tf.sum(eq).dataSync()[0]];
      }
      const kept = { h: out.state.h.map((t) => tf.keep(t)), c: out.state.c.map((t) => tf.keep(t)) };
      return [total, hits, kept] as const;
    });
    disposeState(state);
    state = next;
    loss += windowLoss;
    top1 += hits[0];
    top5 += hits[1];
  }
  disposeState(state);
  const tokens = B * L;
  return {
    perplexity: Math.exp(loss / tokens),
    meanLoss: loss / tokens,
    tokens,
    ...(options.accuracy ? { top1: top1 / tokens, top5: top5 / tokens } : {}),
    ...(logProbs ? { logProbs } : {}),
  };
}

/**
 * Where early stopping stops on validation perplexities measured in order: at the first measurement
 * that makes `patience` in a row without beating the best so far; the weights kept are that best's
 * (the rule {@linkcode trainWordLM} follows with `earlyStopping`; Prechelt 1998, "Early Stopping —
 * But When?").
 *
 * @returns `stop`, the index of the measurement that ends training (−1 if none does), and `kept`, the
 *   index of the weights kept: the best up to `stop`, or the best of all when training runs to the end
 * @throws {RangeError} if `patience` is not a whole number ≥ 1
 *
 * @example
 * ```ts
 * import { earlyStoppingPoint } from "@course/lib/wordlm.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(earlyStoppingPoint([5, 4, 4.5, 4.2, 3], 2), { stop: 3, kept: 1 });
 * assert.deepEqual(earlyStoppingPoint([5, 4, 4.5, 4.2, 3], 3), { stop: -1, kept: 4 });
 * ```
 */
export function earlyStoppingPoint(perplexities: readonly number[], patience: number): { stop: number; kept: number } {
  if (!Number.isInteger(patience) || patience < 1) {
    throw new RangeError(
      `Cannot find where early stopping stops: patience must be a whole number >= 1, got ${patience}`,
    );
  }
  let kept = 0, worse = 0;
  for (let k = 1; k < perplexities.length; k++) {
    if (perplexities[k] < perplexities[kept]) {
      kept = k;
      worse = 0;
    } else if (++worse >= patience) {
      return { stop: k, kept };
    }
  }
  return { stop: -1, kept };
}

/** Frees the model's variables. */
export function disposeWordLM(model: WordLM): void {
  for (const v of Object.values(model.variables)) v.dispose();
}

// ---------------------------------------------------------------------------------------------
// Saving and loading: config.json, weights.bin (little-endian, in config order), vocab.json.

/** Options for {@linkcode saveWordLM}. */
export interface SaveWordLMOptions {
  /**
   * How the weights are stored: "float32" (default, exact) or "float16" (half the bytes; each weight
   * rounded to 11 significant bits, a relative error below 2⁻¹¹ ≈ 0.05 %). The course commits its
   * trained model in float16 (data/models/brown-lstm, 6 MB instead of 12).
   */
  dtype?: "float32" | "float16";
  /** Extra facts kept in config.json under "notes" (where the model came from, what it scores). */
  notes?: Record<string, unknown>;
}

/** Saves the model and its vocabulary to `dir` (created if needed). */
export async function saveWordLM(
  model: WordLM,
  vocabulary: Vocabulary,
  dir: string,
  options: SaveWordLMOptions = {},
): Promise<void> {
  if (vocabulary.size !== model.config.vocabularySize) {
    throw new RangeError(
      `Cannot save: the model scores ${model.config.vocabularySize} words but the vocabulary has ${vocabulary.size}`,
    );
  }
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float16") {
    throw new TypeError(`Cannot save: dtype is ${JSON.stringify(dtype)}, expected "float32" or "float16"`);
  }
  await Deno.mkdir(dir, { recursive: true });
  const names = Object.keys(model.variables);
  const arrays = names.map((n) => {
    const a = model.variables[n].dataSync() as Float32Array;
    return dtype === "float16" ? Float16Array.from(a) : a;
  });
  const bytes = new Uint8Array(arrays.reduce((s, a) => s + a.byteLength, 0));
  let offset = 0;
  for (const a of arrays) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  const weights = names.map((name) => ({ name, shape: model.variables[name].shape }));
  const json = {
    format: "wordlm-1",
    dtype,
    config: model.config,
    weights,
    ...(options.notes ? { notes: options.notes } : {}),
  };
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(json, null, 1) + "\n");
  await Deno.writeFile(`${dir}/weights.bin`, bytes);
  await Deno.writeTextFile(`${dir}/vocab.json`, JSON.stringify({ size: vocabulary.size, words: vocabulary.words }));
}

/**
 * Loads what {@linkcode saveWordLM} saved.
 *
 * @throws {Error} with a one-line message naming the file if a file is missing or does not fit
 */
export async function loadWordLM(
  dir: string,
): Promise<{ model: WordLM; vocabulary: Vocabulary; notes: Record<string, unknown> }> {
  const folder = modelFolder(dir);
  if (!await exists(`${dir}/config.json`) && await exists(`${dir}/model.json`)) return await loadLayersFolder(dir);

  const config = await folder.json("config.json");
  const vocab = await folder.json("vocab.json");
  const weights = await folder.bytes("weights.bin");
  return wordLMFromFiles({ config, vocab, weights }, dir);
}

/**
 * A model from the three files of a model folder, already read: `config.json` and `vocab.json`
 * parsed, `weights.bin` as bytes. What {@linkcode loadWordLM} does once it has read the folder, and
 * what the model explorer does in a browser page with the same files. `dir` names the folder in errors.
 *
 * @throws {Error} naming the file and what is wrong with it, as {@linkcode loadWordLM}
 */
export function wordLMFromFiles(
  files: { config: unknown; vocab: unknown; weights: Uint8Array },
  dir = "model",
): { model: WordLM; vocabulary: Vocabulary; notes: Record<string, unknown> } {
  // deno-lint-ignore no-explicit-any
  const json = files.config as any, vocab = files.vocab as { words?: unknown } | null, bytes = files.weights;
  if (json?.format !== "wordlm-1" || !Array.isArray(json.weights)) {
    throw new Error(`Cannot load model: ${dir}/config.json is not a wordlm-1 model`);
  }
  // The config's size, checked against weights.bin before any tensor is made (a wrong config could ask for gigabytes).
  let counts;
  try {
    counts = wordLMParamCounts(json.config);
  } catch (e) {
    throw new Error(`Cannot load model: ${dir}/config.json: ${(e as Error).message}`);
  }
  // Models saved before the dtype field existed are float32.
  const dtype = json.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float16") {
    throw new Error(`Cannot load model: ${dir}/config.json has dtype ${JSON.stringify(dtype)}`);
  }
  const width = dtype === "float16" ? 2 : 4;
  if (bytes.byteLength !== width * counts.total) {
    throw new Error(
      `Cannot load model: ${dir}/weights.bin has ${bytes.byteLength} bytes, expected ${width * counts.total} ` +
        `(${counts.total.toLocaleString("en-US")} weights in ${dtype} for its config.json)`,
    );
  }
  const model = initWordLM(json.config);
  const expected = Object.keys(model.variables).map((n) => ({ name: n, shape: model.variables[n].shape }));
  if (JSON.stringify(expected) !== JSON.stringify(json.weights)) {
    disposeWordLM(model);
    throw new Error(`Cannot load model: ${dir}/config.json lists weights that do not fit its config`);
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const floats = dtype === "float16" ? Float32Array.from(new Float16Array(buffer)) : new Float32Array(buffer);
  let offset = 0;
  for (const { name, shape } of expected) {
    const size = shape.reduce((a, b) => a * b, 1);
    const value = tf.tensor(floats.subarray(offset, offset + size), shape);
    model.variables[name].assign(value);
    value.dispose(); // assign copies it

    offset += size;
  }
  if (!Array.isArray(vocab?.words) || vocab.words.length !== model.config.vocabularySize) {
    disposeWordLM(model);
    throw new Error(`Cannot load model: ${dir}/vocab.json does not have ${model.config.vocabularySize} words`);
  }
  return { model, vocabulary: vocabularyOf(vocab.words as string[], dir, model), notes: json.notes ?? {} };
}

function vocabularyOf(words: string[], dir: string, model: WordLM): Vocabulary {
  try {
    return new Vocabulary(words);
  } catch (e) {
    disposeWordLM(model);
    throw new Error(`Cannot load model: ${dir}/vocab.json: ${(e as Error).message}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Reads a folder in the course's older format (tfjs layers: model.json, weights.bin, vocab.json, written
 * by `deno task nextword train` before the two word models became one): Embedding [V, E], LSTM kernel
 * [E, 4H], recurrent kernel [H, 4H] and bias [4H] (Keras gate order i, f, c̃, o, the same as here),
 * Dense kernel [H, V] and bias [V] become an untied one-layer WordLM with the same function.
 */
async function loadLayersFolder(
  dir: string,
): Promise<{ model: WordLM; vocabulary: Vocabulary; notes: Record<string, unknown> }> {
  const folder = modelFolder(dir);
  const json = await folder.json("model.json");
  const vocab = await folder.json("vocab.json");
  const bytes = await folder.bytes("weights.bin");
  const specs: { name: string; shape: number[] }[] | undefined = json?.weightsManifest?.[0]?.weights;
  const shapes = specs?.map((w) => w.shape);
  const fits = Array.isArray(shapes) && shapes.length === 6 && shapes.every((sh) => Array.isArray(sh));
  if (!fits) throw new Error(`Cannot load model: ${dir}/model.json is not an Embedding → LSTM → Dense model`);
  const [[V, E], [X, G], [H]] = shapes as number[][];
  const expected = [[V, E], [E, 4 * H], [H, 4 * H], [4 * H], [H, V], [V]];
  if (X !== E || G !== 4 * H || JSON.stringify(shapes) !== JSON.stringify(expected)) {
    throw new Error(`Cannot load model: ${dir}/model.json has weights of shapes ${JSON.stringify(shapes)}`);
  }
  const total = expected.reduce((n, sh) => n + sh.reduce((a, b) => a * b, 1), 0);
  if (bytes.byteLength !== 4 * total) {
    throw new Error(`Cannot load model: ${dir}/weights.bin has ${bytes.byteLength} bytes, expected ${4 * total}`);
  }
  const model = initWordLM({ vocabularySize: V, embeddingSize: E, hiddenSize: H });
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  for (const [k, name] of ["embedding", "kernel_0", "recurrent_0", "bias_0", "outputKernel", "outputBias"].entries()) {
    const size = expected[k].reduce((a, b) => a * b, 1);
    const value = tf.tensor(floats.subarray(offset, offset + size), expected[k]);
    model.variables[name].assign(value);
    value.dispose();
    offset += size;
  }
  if (!Array.isArray(vocab?.words) || vocab.words.length !== V) {
    disposeWordLM(model);
    throw new Error(`Cannot load model: ${dir}/vocab.json does not have ${V} words`);
  }
  return {
    model,
    vocabulary: vocabularyOf(vocab.words, dir, model),
    notes: { format: "tfjs layers (older nextword)" },
  };
}

// ---------------------------------------------------------------------------------------------
// Asking the model: the next words after a prompt, and text written word by word.

/** A prompt as the model reads it. */
export interface Prompt {
  /** The prompt's tokens, as `tokenize` cut them. */
  readonly tokens: readonly string[];
  /** What the model is fed: `<eos>` (every sentence of the training stream follows one), then the tokens' ids. */
  readonly ids: readonly number[];
  /** The tokens that are not in the vocabulary (read as `<unk>`), each once, in order. */
  readonly unknown: readonly string[];
}

/**
 * Reads a prompt exactly as the training text was read: cut into tokens like the corpus
 * (`tokenize`), normalised, looked up in the vocabulary, and started as a sentence, after `<eos>`.
 *
 * @throws {RangeError} if the prompt has no tokens
 */
export function readPrompt(vocabulary: Vocabulary, prompt: string | readonly string[]): Prompt {
  const tokens = typeof prompt === "string" ? tokenize(prompt, vocabulary) : checkTokens(prompt).map(normalizeWord);
  if (tokens.length === 0) throw new RangeError("Cannot read the prompt: the prompt has no words");
  const unknown = [...new Set(tokens.filter((t) => !vocabulary.has(t)))];
  return { tokens, ids: [vocabulary.id(EOS), ...tokens.map((t) => vocabulary.id(t))], unknown };
}

/** Options for {@linkcode predictNext} and {@linkcode generateText}. */
export interface AskOptions {
  /** Let `<unk>` be ranked and picked (default false: it stands for every rare word, it is not one). */
  unknown?: boolean;
}

/**
 * Feeds `ids` to the model from a zero state (no dropout): the next-word distribution `[V]` after the
 * last id and the state after it; with `every`, also the distribution after each id (`all[t]`).
 */
function readIds(
  model: WordLM,
  ids: readonly number[],
  state?: WordLMState,
  every = false,
): { probs: Float32Array; all: Float32Array[]; state: WordLMState } {
  // In windows of READ_WINDOW ids with the state carried, as training read the text: time and memory
  // grow with the prompt's length, not with its square (one window of thousands of steps does).
  const V = model.config.vocabularySize;
  let current = state;
  let probs: Float32Array = new Float32Array(0);
  const all: Float32Array[] = [];
  for (let s = 0; s < ids.length; s += READ_WINDOW) {
    const chunk = ids.slice(s, s + READ_WINDOW);
    const last = s + READ_WINDOW >= ids.length;
    const step = tidy(() => {
      const x = tf.tensor2d(Int32Array.from(chunk), [1, chunk.length], "int32");
      const out = hiddenStates(model, x, current ?? zeroState(model, 1));
      // Scores only where a distribution is wanted: every row, or the last one.
      const rows = every ? out.out : last ? out.out.slice([chunk.length - 1, 0], [1, -1]) : undefined;
      const p = rows && tf.softmax(outputLogits(model, rows as tf.Tensor2D)).dataSync() as Float32Array; // [n or 1, V]
      return { p, state: { h: out.state.h.map((t) => tf.keep(t)), c: out.state.c.map((t) => tf.keep(t)) } };
    });
    if (current !== undefined && current !== state) disposeState(current);
    current = step.state;
    if (step.p && every) { for (let t = 0; t < chunk.length; t++) all.push(step.p.subarray(t * V, (t + 1) * V)); }
    if (step.p && last) probs = every ? all.at(-1)! : step.p;
  }
  return { probs, all, state: current! };
}

/** How many ids a prompt is read in at a time: the training window, T = 35. */
const READ_WINDOW = 35;

/** The next-word distribution `[V]` after a prompt read by {@linkcode readPrompt}. */
export function nextWordDistribution(model: WordLM, prompt: Prompt): Float32Array {
  checkIds(Int32Array.from(prompt.ids), model.config.vocabularySize, "predict the next word");
  const { probs, state } = readIds(model, prompt.ids);
  disposeState(state);
  return probs;
}

/**
 * The `k` most probable next words after `prompt` (a text, read by {@linkcode readPrompt}, or tokens),
 * most probable first, with the model's probabilities. `<unk>` is left out unless `unknown`.
 *
 * @throws {RangeError} if the prompt is empty, or `k` is not a whole number from 1 to the words that can be ranked
 */
export function predictNext(
  model: WordLM,
  vocabulary: Vocabulary,
  prompt: string | readonly string[],
  options: AskOptions & { k?: number } = {},
): { prompt: Prompt; words: WordProbability[] } {
  const { k = 5, unknown = false } = options ?? {};
  checkVocabulary(model, vocabulary);
  const read = readPrompt(vocabulary, prompt);
  const probs = nextWordDistribution(model, read);
  const words = topWords(probs, k, unknown ? [] : [vocabulary.id(UNK)]);
  return { prompt: read, words: words.map(({ id, p }) => ({ word: vocabulary.words[id], p })) };
}

/** One token of {@linkcode readAlong}: the word read, how likely the model found it, what it expects after it. */
export interface ReadAlongStep {
  /** The token as read (`<eos>` for the sentence start the model is fed first). */
  readonly word: string;
  /** P(this token | the tokens before it); null for the `<eos>` in front, which is given, not predicted. */
  readonly p: number | null;
  /** The `k` most probable next words after this token, most probable first (`<unk>` left out unless `unknown`). */
  readonly next: readonly WordProbability[];
}

/**
 * Reads `prompt` the way {@linkcode predictNext} does and reports every step: for each token, the
 * probability the model gave it before seeing it, and its top `k` guesses for the word after it.
 * The last step's guesses are `predictNext`'s. What the model explorer shows under each word.
 *
 * @throws {RangeError} as {@linkcode predictNext}
 */
export function readAlong(
  model: WordLM,
  vocabulary: Vocabulary,
  prompt: string | readonly string[],
  options: AskOptions & { k?: number } = {},
): { prompt: Prompt; steps: ReadAlongStep[] } {
  const { k = 5, unknown = false } = options ?? {};
  checkVocabulary(model, vocabulary);
  const read = readPrompt(vocabulary, prompt);
  checkIds(Int32Array.from(read.ids), model.config.vocabularySize, "read the prompt");
  const { all, state } = readIds(model, read.ids, undefined, true);
  disposeState(state);
  const exclude = unknown ? [] : [vocabulary.id(UNK)];
  const steps = read.ids.map((id, t) => ({
    word: t === 0 ? EOS : read.tokens[t - 1],
    p: t === 0 ? null : all[t - 1][id],
    next: topWords(all[t], k, exclude).map(({ id: w, p }) => ({ word: vocabulary.words[w], p })),
  }));
  return { prompt: read, steps };
}

/**
 * Continues `prompt` by `words` tokens, one at a time, each picked from the model's next-word
 * distribution as `sampling` says (greedy, temperature, top-k or top-p; `lib/sampling.ts`), the
 * state carried from word to word as in training. Seeded: the same seed gives the same text.
 * `<unk>` is never picked unless `unknown`; `<eos>` (the end of a sentence) is a token like any other.
 *
 * @throws {RangeError} if the prompt is empty, `words` is not a whole number >= 0, or the sampling options are not valid
 */
export function generateText(
  model: WordLM,
  vocabulary: Vocabulary,
  prompt: string | readonly string[],
  options: AskOptions & { words: number; sampling: Sampling; seed?: number },
): { prompt: Prompt; words: string[] } {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      'Cannot generate text: expected options { words, sampling }, e.g. { words: 20, sampling: { kind: "greedy" } }',
    );
  }
  const { words: count, sampling, seed = 0, unknown = false } = options;
  if (sampling === undefined) {
    throw new TypeError('Cannot generate text: the options need a sampling, e.g. { kind: "topP", p: 0.9 }');
  }
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`Cannot generate text: words must be a whole number >= 0, got ${count}`);
  }
  checkVocabulary(model, vocabulary);
  checkSampling(
    sampling,
    vocabulary.size - (unknown ? 0 : 1),
    `generate text${unknown ? "" : " (<unk> is never picked)"}`,
  );
  const read = readPrompt(vocabulary, prompt);
  const rng = seededRng(seed);
  const excluded = unknown ? [] : [vocabulary.id(UNK)];
  let { probs, state } = readIds(model, read.ids);
  const out: string[] = [];
  try {
    for (let n = 0; n < count; n++) {
      const next = pickNext(probs, sampling, rng, excluded);
      out.push(vocabulary.words[next]);
      if (n + 1 === count) break;
      const step = readIds(model, [next], state);
      disposeState(state);
      ({ probs, state } = step);
    }
  } finally {
    disposeState(state);
  }
  return { prompt: read, words: out };
}

function checkVocabulary(model: WordLM, vocabulary: Vocabulary): void {
  if (vocabulary.size !== model.config.vocabularySize) {
    throw new RangeError(
      `Cannot ask the model: it scores ${model.config.vocabularySize} words but the vocabulary has ${vocabulary.size}`,
    );
  }
}
