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
 * - asking it: `predictNext`, and `generateText` with the sampling rules of `lib/text/sampling.ts`.
 *
 * Weights follow the Keras layout (kernel `[X, 4H]`, recurrent kernel `[H, 4H]`, bias `[4H]`, gate
 * order i, f, c̃, o), so `fromKerasLSTM` brings a trained layer into the library's `runLSTM`.
 *
 * Needs {@linkcode initTfjs} first. Not re-exported by `mod.ts` (it loads tfjs): import
 * `@course/lib/engine/wordlm.ts`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { fusedLSTMAvailable, lstmWindow } from "./fused_lstm.ts";
import { timed } from "./_phases.ts";
import { FusedAdam } from "./fused_adam.ts";
import { checkModelChecksums, modelChecksums, modelFolder, writeModelFiles } from "./_modelfiles.ts";
import { targetLosses } from "./_wordlm_loss.ts";
import { firstNonFinite, type Float16Report, toFloat16 } from "./_float16.ts";
import {
  checkConfig,
  checkInputs,
  checkModel,
  checkState,
  checkTargets,
  checkWhole,
  DivergenceError,
  evaluateOptions,
  trainOptions,
} from "./_wordlm_checks.ts";
import { applyClipped, globalNorm, softmaxCrossEntropyGrad } from "./tfjs.ts";
import { checkIds, checkTokens, EOS, normalizeWord, UNK, Vocabulary } from "../text/corpus.ts";
import { corpusTokens } from "../text/corpus_text.ts";
import { type Rng, seededRng, shuffle } from "../core/random.ts";
import { stopRequested, throwIfStopRequested } from "../core/stop.ts";
import { checkSampling, pickNext, type Sampling, topWords, type WordProbability } from "../text/sampling.ts";

export { DivergenceError } from "./_wordlm_checks.ts";
export type { Float16Report } from "./_float16.ts";

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

/**
 * The config with its defaults, every field checked.
 *
 * @throws {RangeError} naming the field, if a size is not a whole number >= 1, a rate not in [0, 1),
 *   forgetBias not finite, the seed not a whole number >= 0, or a tied model's E differs from its H
 */
function fill(config: WordLMConfig): Required<WordLMConfig> {
  if (typeof config !== "object" || config === null) {
    throw new TypeError(`Cannot make word language model: expected a config object, got ${config}`);
  }
  const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)); // undefined: the default
  const full = {
    layers: 1,
    cell: "lstm" as const,
    tied: false,
    dropout: 0,
    recurrentDropout: 0,
    forgetBias: 1,
    seed: 0,
    ...given,
  } as Required<WordLMConfig>;
  checkConfig(full);
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

/**
 * Starts the output layer where counting starts: its bias becomes the log of each word's frequency in
 * `ids`, add-one smoothed, ln((count + 1) / (n + V)). A fresh model's scores from h are near 0, so it then
 * predicts about as the unigram model does (perplexity near the unigram's, not near V), and training
 * spends its first steps on the context instead of on how frequent each word is ("initialise well":
 * Karpathy 2019, "A Recipe for Training Neural Networks"; notebook 08's one-minute model).
 *
 * @param ids the training text's word ids
 * @throws {RangeError} if an id is not a whole number in [0, V), or `ids` is empty
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/engine/tfjs.ts";
 * import { disposeWordLM, initWordLM, setUnigramBias } from "@course/lib/engine/wordlm.ts";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * const model = initWordLM({ vocabularySize: 4, embeddingSize: 2, hiddenSize: 2 });
 * setUnigramBias(model, Int32Array.from([0, 0, 0, 1])); // counts 3, 1, 0, 0 of n = 4
 * const b = model.variables.outputBias.dataSync();
 * assert.ok(Math.abs(b[0] - Math.log(4 / 8)) < 1e-6 && Math.abs(b[3] - Math.log(1 / 8)) < 1e-6); // float32: 1e-6
 * disposeWordLM(model);
 * ```
 */
export function setUnigramBias(model: WordLM, ids: Int32Array): void {
  checkModel(model, "set the output bias");
  const V = model.config.vocabularySize;
  if (!(ids?.length > 0)) throw new RangeError("Cannot set the output bias: ids is empty, expected the training text");
  checkIds(ids, V, "set the output bias");
  const counts = new Float64Array(V);
  for (const id of ids) counts[id]++;
  const logs = Float32Array.from(counts, (c) => Math.log((c + 1) / (ids.length + V)));
  tf.tidy(() => model.variables.outputBias.assign(tf.tensor1d(logs)));
}

/**
 * A zero state for a batch of B: `h[l]`, `c[l]` `[B, H]`.
 *
 * @throws {RangeError} if `batchSize` is not a whole number >= 1
 */
export function zeroState(model: WordLM, batchSize: number): WordLMState {
  checkModel(model, "make a zero state");
  checkWhole(batchSize, "batchSize", 1, "make a zero state");
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

/**
 * Whether LSTM layers run as one fused operation per window (`lib/engine/fused_lstm.ts`): by default when
 * native BLAS is loaded, unless the environment sets `COURSE_FUSED_LSTM=0`. `on` switches it for the
 * rest of the process (true only where BLAS is loaded), so that a test or benchmark can run both
 * paths; the step-by-step path is what differentiates with recurrent dropout, and GRUs always.
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/engine/tfjs.ts";
 * import { useFusedLSTM } from "@course/lib/engine/wordlm.ts";
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

/** `tf.tidy` for a result holding tensors among other values (tidy keeps every tensor it finds in it). */
function tidy<T>(f: () => T): T {
  return tf.tidy(f as unknown as () => tf.TensorContainer) as unknown as T;
}

/**
 * The stream cut into B rows read side by side (Zaremba et al. 2014's batching): row b holds tokens
 * [b·L, (b + 1)·L] of the stream, L = ⌊(n − 1)/B⌋, so that window k of every row continues window
 * k − 1 and a carried state makes sense.
 *
 * @throws {RangeError} if `batchSize` is not a whole number >= 1 or the stream has fewer than B + 1 tokens
 */
export function streamRows(ids: Int32Array, batchSize: number): { rows: Int32Array[]; length: number } {
  if (!(ids instanceof Int32Array)) throw new TypeError(`Cannot cut a stream into rows: ids must be an Int32Array`);
  checkWhole(batchSize, "batchSize", 1, "cut a stream into rows");
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

/**
 * Trains the model in place on a stream of ids (each in [0, V)), B rows side by side in windows of T
 * (see {@linkcode TrainWordLMOptions} for every option and its default).
 *
 * Training stops at the first batch whose loss or gradient is NaN or ±Infinity, before applying it
 * (as Keras's `TerminateOnNaN`): on every engine, fused or step by step, it throws a
 * {@linkcode DivergenceError} naming the batch and what to try.
 *
 * @throws {RangeError} or {TypeError} naming the option, before training, if an option is not valid or
 *   the stream (or validation's) has an id outside [0, V) or fewer than B + 1 tokens
 * @throws {DivergenceError} (a RangeError) at the first non-finite loss or gradient
 */
export async function trainWordLM(
  model: WordLM,
  ids: Int32Array,
  options: TrainWordLMOptions = {},
): Promise<WordLMHistory> {
  checkModel(model, "train");
  const o = trainOptions(model, ids, options);
  const { batchSize: B, seqLength: T, carryState, epochs, maxTokens, maxSeconds, resetEvery, validation } = o;
  const { optimizer, setRate } = makeOptimizer(o.optimizer, o.learningRate);
  const vars = Object.values(model.variables);
  const rng = seededRng(o.seed);
  const seeds: DropoutSeeds = { next: () => Math.floor(rng.next() * 2 ** 31) };
  const plannedTokens = Math.min(maxTokens, epochs * (ids.length - 1));
  const batches: WordLMProgress[] = [], validations: WordLMValidation[] = [];
  let tokens = 0, step = 0, seconds = 0, stopped = "epochs";
  let sinceLoss = 0, sinceTokens = 0, nextValidation = validation?.every ?? Infinity;
  let best: { v: WordLMValidation; weights: tf.Tensor[] } | undefined;
  let state: WordLMState | undefined;
  const evaluation = { maxTokens: validation?.maxTokens, batchSize: B, seqLength: T, carryState };
  const validate = async (epoch: number) => {
    const { perplexity } = evaluateWordLM(model, validation!.ids, evaluation);
    const v = { tokens, seconds, epoch, perplexity, trainPerplexity: Math.exp(sinceLoss / Math.max(1, sinceTokens)) };
    sinceLoss = 0;
    sinceTokens = 0;
    validations.push(v);
    await options.onValidation?.(v);
    if (!o.earlyStopping) return false;
    const { stop, kept } = earlyStoppingPoint(validations.map((x) => x.perplexity), o.earlyStopping.patience);
    if (kept === validations.length - 1) {
      best?.weights.forEach((w) => w.dispose());
      best = { v, weights: vars.map((w) => w.clone()) };
    }
    return stop >= 0;
  };
  try {
    let started = performance.now();
    training: for (let epoch = 1; epoch <= epochs; epoch++) {
      const { rows, length, order } = epochWindows(ids, B, T, carryState, epoch, rng);
      state = zeroState(model, B);
      for (const [w, s] of order.entries()) {
        const n = Math.min(T, length - s);
        if (w > 0 && w % resetEvery === 0) {
          disposeState(state);
          state = zeroState(model, B);
        }
        const fraction = Math.max(tokens / plannedTokens, seconds / maxSeconds);
        const lr = o.schedule === "linear" ? o.learningRate * (1 - 0.9 * Math.min(1, fraction)) : o.learningRate;
        setRate(lr);
        const start = carryState ? state : undefined;
        const { loss, norm, next } = trainBatch(model, vars, optimizer, { rows, s, n }, start, seeds, o.clipNorm);
        disposeState(state);
        state = next;
        step++;
        if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
          throw new DivergenceError(step, epoch, loss, norm, lr, o.clipNorm);
        }
        tokens += B * n;
        sinceLoss += loss * B * n;
        sinceTokens += B * n;
        seconds += (performance.now() - started) / 1000;
        started = performance.now();
        const p = { epoch, step, tokens, loss, seconds, learningRate: lr };
        batches.push(p);
        await options.onBatch?.(p);
        // The Stop button (stop.ts): end here, keeping what the finished batches taught
        if (stopRequested()) throwIfStopRequested(`after batch ${step} (${tokens.toLocaleString("en-US")} tokens)`);
        const last = tokens >= maxTokens || seconds >= maxSeconds;
        if (validation && (tokens >= nextValidation || last)) {
          nextValidation += validation.every;
          const stop = await validate(epoch);
          started = performance.now(); // validation time is not training time
          if (stop) {
            stopped = "earlyStopping";
            break training;
          }
        }
        if (last) {
          stopped = tokens >= maxTokens ? "maxTokens" : "maxSeconds";
          break training;
        }
      }
      disposeState(state);
      if (validation && epoch === epochs && validations.at(-1)?.tokens !== tokens) await validate(epoch);
    }
  } catch (e) {
    best?.weights.forEach((w) => w.dispose());
    throw e;
  } finally {
    if (state) disposeState(state);
    optimizer.dispose();
  }
  if (best !== undefined) {
    const b = best as { v: WordLMValidation; weights: tf.Tensor[] };
    vars.forEach((w, k) => w.assign(b.weights[k]));
    b.weights.forEach((w) => w.dispose());
  }
  return { batches, validations, tokens, seconds, stopped, best: best?.v };
}

/** Adam or plain SGD at `learningRate`, and how to change its rate between batches (the schedule). */
function makeOptimizer(kind: "adam" | "sgd", learningRate: number) {
  if (kind === "adam") {
    const optimizer = new FusedAdam(learningRate); // tf.train.adam's weights bit for bit, in one pass per variable
    return { optimizer, setRate: (lr: number) => (optimizer.learningRate = lr) };
  }
  const optimizer = tf.train.sgd(learningRate);
  return { optimizer, setRate: (lr: number) => optimizer.setLearningRate(lr) };
}

/**
 * An epoch's windows: with a carried state, in order along B rows (a random offset each epoch after the
 * first varies where windows begin, never so far that a row is left empty); without, shuffled windows
 * of T + 1 tokens each starting from zero. `order` lists each window's first position in its row.
 */
function epochWindows(ids: Int32Array, B: number, T: number, carryState: boolean, epoch: number, rng: Rng) {
  const offset = carryState && epoch > 1 ? Math.min(Math.floor(rng.next() * T), ids.length - 1 - B) : 0;
  const { rows, length } = streamRows(ids.subarray(offset), B);
  const starts: number[] = [];
  for (let s = 0; s + 1 <= length; s += T) starts.push(s);
  return { rows, length, order: carryState ? starts : shuffle(starts, rng) };
}

/**
 * One training step on window [s, s + n) of every row: the loss (nats per token), the gradients' global
 * norm and the state after the window (from zero when `start` is undefined). The optimizer step
 * (clipped) is applied only when the loss and the norm are finite; the caller stops training when not.
 */
function trainBatch(
  model: WordLM,
  vars: tf.Variable[],
  optimizer: tf.Optimizer | { applyGradients(grads: tf.NamedTensorMap): void },
  window: { rows: Int32Array[]; s: number; n: number },
  start: WordLMState | undefined,
  seeds: DropoutSeeds,
  clipNorm: number,
): { loss: number; norm: number; next: WordLMState } {
  return tidy(() => {
    const { x, y } = rowWindow(window.rows, window.s, window.n);
    const B = window.rows.length;
    let after: WordLMState | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = wordLMLoss(model, x, y, start ?? zeroState(model, B), seeds);
      // variableGrads disposes everything its function made except the loss: keep the state.
      after = keepState(out.state);
      return out.loss;
    }, vars);
    const loss = value.dataSync()[0], norm = globalNorm(grads);
    if (Number.isFinite(loss) && Number.isFinite(norm)) applyClipped(optimizer, grads, clipNorm, norm);
    return { loss, norm, next: after! };
  });
}

/** The state's tensors kept past the tidy they were made in. */
function keepState(state: WordLMState): WordLMState {
  return { h: state.h.map((t) => tf.keep(t)), c: state.c.map((t) => tf.keep(t)) };
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

/** Options for {@linkcode evaluateWordLM}. */
export interface EvaluateWordLMOptions {
  /** B, rows read side by side (default 32); the stream needs at least B + 1 tokens. */
  batchSize?: number;
  /** T, steps per window (default 35). */
  seqLength?: number;
  /** Score only the first `maxTokens` predictions of the stream (a whole number >= 1; default all). */
  maxTokens?: number;
  /** Also measure top-1 and top-5 accuracy. */
  accuracy?: boolean;
  /** Also return every token's log-probability. */
  perToken?: boolean;
  /** Carry the state across windows (default true); false: every window starts from zero, as notebook 08 scores. */
  carryState?: boolean;
}

/**
 * Perplexity on a stream read as B rows side by side with the state carried across windows (as in
 * training), without dropout. `maxTokens` reads only the start of the stream. Every path (the total
 * alone, with `accuracy` or `perToken`) scores a token with the same loss as training,
 * LSE(scores) − the target's score (`targetLosses`), so they agree to float32 rounding.
 *
 * @throws {RangeError} or {TypeError} naming the option if an option is not valid, an id is outside
 *   [0, V) or the stream has fewer than B + 1 tokens; {RangeError} if the model's loss is NaN or
 *   ±Infinity on a window (its weights hold NaN or ±Infinity, or its scores overflow float32)
 */
export function evaluateWordLM(model: WordLM, ids: Int32Array, options: EvaluateWordLMOptions = {}): WordLMScore {
  checkModel(model, "evaluate");
  const { batchSize: B, seqLength: T, stream } = evaluateOptions(model, ids, options);
  const { rows, length: L } = streamRows(stream, B);
  const logProbs = options.perToken ? new Float64Array(stream.length).fill(NaN) : undefined;
  let state = zeroState(model, B);
  let loss = 0, top1 = 0, top5 = 0;
  try {
    for (let s = 0; s < L; s += T) {
      const n = Math.min(T, L - s);
      const start = options.carryState === false ? undefined : state;
      const window = scoreWindow(model, rows, s, n, start, options.accuracy === true, logProbs && { at: logProbs, L });
      disposeState(state);
      state = window.state;
      if (!Number.isFinite(window.loss)) {
        throw new RangeError(
          `Cannot evaluate: the model's loss is ${window.loss} on tokens ${s + 1}–${s + n} of its rows: ` +
            `its weights hold NaN or ±Infinity, or its scores overflow float32 (trained with too high a learning rate?)`,
        );
      }
      loss += window.loss;
      top1 += window.hits[0];
      top5 += window.hits[1];
    }
  } finally {
    disposeState(state);
  }
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
 * One window [s, s + n) of every row, from `start` (zero when undefined): its summed loss (nats), its
 * top-1/top-5 hits with `accuracy`, each token's log-probability written into `perToken.at` (row b's
 * token s + t + 1 at b·L + s + t + 1), and the state after it.
 */
function scoreWindow(
  model: WordLM,
  rows: Int32Array[],
  s: number,
  n: number,
  start: WordLMState | undefined,
  accuracy: boolean,
  perToken: { at: Float64Array; L: number } | undefined,
): { loss: number; hits: [number, number]; state: WordLMState } {
  const B = rows.length;
  return tidy(() => {
    const { x, y } = rowWindow(rows, s, n);
    const from = start ?? zeroState(model, B);
    if (!accuracy && !perToken) {
      // Only the total is needed: the training step's fused output layer and cross-entropy, forward
      // only, in place of [B·n, V] probabilities (3–4 times faster on the whole validation split).
      const { loss, state } = wordLMLoss(model, x, y, from);
      return { loss: loss.dataSync()[0] * B * n, hits: [0, 0] as [number, number], state: keepState(state) };
    }
    const out = wordLMForward(model, x, from);
    const losses = targetLosses(out.logits, tf.softmax(out.logits), y.dataSync() as Int32Array); // [B·n]
    let loss = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < n; t++) {
        loss += losses[b * n + t];
        if (perToken) perToken.at[b * perToken.L + s + t + 1] = -losses[b * n + t];
      }
    }
    let hits: [number, number] = [0, 0];
    if (accuracy) {
      const { indices } = tf.topk(out.logits, Math.min(5, model.config.vocabularySize));
      const eq = tf.cast(tf.equal(indices, y.expandDims(1)), "float32"); // [B·n, 5]
      hits = [tf.sum(eq.slice([0, 0], [-1, 1])).dataSync()[0], tf.sum(eq).dataSync()[0]];
    }
    return { loss, hits, state: keepState(out.state) };
  });
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
 * import { earlyStoppingPoint } from "@course/lib/engine/wordlm.ts";
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
   * How the weights are stored: "float32" (default, exact) or "float16" (half the bytes). In float16
   * a weight from 2⁻¹⁴ ≈ 6.1e-5 (float16's smallest normal value) to 65504 in size is rounded to 11
   * significant bits, a relative error of at most 2⁻¹¹ ≈ 0.05 %; a smaller one is kept to within 2⁻²⁵
   * ≈ 3.0e-8 (so one under 3.0e-8 becomes 0; they are counted in the result); a larger one is refused,
   * or clamped with `clampFloat16`. The course commits its trained model in float16
   * (data/models/brown-lstm, 6 MB instead of 12).
   */
  dtype?: "float32" | "float16";
  /** In float16, set weights beyond ±65504 to ±65504 and count them in the result instead of refusing to save (default false). */
  clampFloat16?: boolean;
  /** Extra facts kept in config.json under "notes" (where the model came from, what it scores). */
  notes?: Record<string, unknown>;
}

/** What {@linkcode saveWordLM} wrote: the dtype, weights.bin's bytes, and what float16 rounding did (all 0 in float32). */
export interface SavedWordLM extends Float16Report {
  readonly dtype: "float32" | "float16";
  readonly bytes: number;
}

/**
 * Saves the model and its vocabulary to `dir` (created if needed): config.json, weights.bin (little-endian,
 * in config order) and vocab.json. The three files are written under temporary names and renamed into
 * place only once all are written, config.json last, and config.json records the others' checksums
 * (`checksums`: FNV-1a of weights.bin's bytes and of vocab.json's words, one per line), so that a save
 * that fails leaves the folder as it was, and {@linkcode loadWordLM} refuses a folder that mixes two saves.
 *
 * @throws {RangeError} before writing anything if the vocabulary's size is not the model's V, a weight is
 *   NaN or ±Infinity, or (in float16, without `clampFloat16`) beyond ±65504; {TypeError} for a bad dtype
 */
export async function saveWordLM(
  model: WordLM,
  vocabulary: Vocabulary,
  dir: string,
  options: SaveWordLMOptions = {},
): Promise<SavedWordLM> {
  checkModel(model, "save");
  if (vocabulary?.size !== model.config.vocabularySize) {
    throw new RangeError(
      `Cannot save: the model scores ${model.config.vocabularySize} words but the vocabulary has ${vocabulary?.size}`,
    );
  }
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float16") {
    throw new TypeError(`Cannot save: dtype is ${JSON.stringify(dtype)}, expected "float32" or "float16"`);
  }
  const names = Object.keys(model.variables);
  const report = { clamped: 0, belowNormal: 0, zeroed: 0 };
  const arrays = names.map((name) => {
    const a = model.variables[name].dataSync() as Float32Array;
    const bad = firstNonFinite(a);
    if (bad >= 0) {
      throw new RangeError(
        `Cannot save: ${name}[${bad}] is ${
          a[bad]
        }; a model with NaN or ±Infinity weights scores nothing (did training diverge?)`,
      );
    }
    if (dtype === "float32") return a;
    const { half, report: r } = toFloat16(a, name, options.clampFloat16 === true);
    for (const key of ["clamped", "belowNormal", "zeroed"] as const) report[key] += r[key];
    return half;
  });
  const bytes = new Uint8Array(arrays.reduce((s, a) => s + a.byteLength, 0));
  let offset = 0;
  for (const a of arrays) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  const weights = names.map((name) => ({ name, shape: model.variables[name].shape }));
  const checksums = modelChecksums(bytes, vocabulary.words);
  const json = {
    format: "wordlm-1",
    dtype,
    config: model.config,
    weights,
    checksums,
    ...(options.notes ? { notes: options.notes } : {}),
  };
  const text = (x: string) => new TextEncoder().encode(x);
  await writeModelFiles(dir, [
    ["weights.bin", bytes],
    ["vocab.json", text(JSON.stringify({ size: vocabulary.size, words: vocabulary.words }))],
    ["config.json", text(JSON.stringify(json, null, 1) + "\n")], // last: it names the others' checksums
  ]);
  return { dtype, bytes: bytes.byteLength, ...report };
}

/**
 * Loads what {@linkcode saveWordLM} saved.
 *
 * @throws {Error} with a one-line message naming the file if a file is missing or does not fit: a size
 *   that disagrees with config.json, a checksum that is not the one config.json recorded (a folder mixing
 *   two saves), or a weight that is NaN or ±Infinity
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
 * A config.json without `checksums` (saved before they were kept) is read without that check.
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
  const V = json.config.vocabularySize;
  if (!Array.isArray(vocab?.words) || vocab.words.length !== V) {
    throw new Error(`Cannot load model: ${dir}/vocab.json does not have ${V} words`);
  }
  checkModelChecksums(json.checksums, bytes, vocab.words as string[], dir);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const floats = dtype === "float16" ? Float32Array.from(new Float16Array(buffer)) : new Float32Array(buffer);
  const model = initWordLM(json.config);
  const expected = Object.keys(model.variables).map((n) => ({ name: n, shape: model.variables[n].shape }));
  if (JSON.stringify(expected) !== JSON.stringify(json.weights)) {
    disposeWordLM(model);
    throw new Error(`Cannot load model: ${dir}/config.json lists weights that do not fit its config`);
  }
  assignWeights(model, floats, `${dir}/weights.bin`);
  return { model, vocabulary: vocabularyOf(vocab.words as string[], dir, model), notes: json.notes ?? {} };
}

/** Copies `floats` into the model's variables in config order, refusing NaN or ±Infinity (naming the weight). */
function assignWeights(model: WordLM, floats: Float32Array, file: string): void {
  let offset = 0;
  for (const [name, v] of Object.entries(model.variables)) {
    const values = floats.subarray(offset, offset + v.size);
    const bad = firstNonFinite(values);
    if (bad >= 0) {
      disposeWordLM(model);
      throw new Error(`Cannot load model: ${file} holds ${values[bad]} at ${name}[${bad}]; the model was saved broken`);
    }
    const value = tf.tensor(values, v.shape);
    v.assign(value);
    value.dispose(); // assign copies it
    offset += v.size;
  }
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
  if (!Array.isArray(vocab?.words) || vocab.words.length !== V) {
    throw new Error(`Cannot load model: ${dir}/vocab.json does not have ${V} words`);
  }
  // The same weights in the same order as an untied one-layer WordLM's: embedding, kernel_0, recurrent_0, bias_0, outputKernel, outputBias.
  const model = initWordLM({ vocabularySize: V, embeddingSize: E, hiddenSize: H });
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  assignWeights(model, floats, `${dir}/weights.bin`);
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
  /** The prompt's tokens as the corpus writes them (`corpusTokens`): `<eos>` after every sentence end. */
  readonly tokens: readonly string[];
  /** What the model is fed: `<eos>` (every sentence of the training stream follows one), then the tokens' ids. */
  readonly ids: readonly number[];
  /** The tokens that are not in the vocabulary (read as `<unk>`), each once, in order. */
  readonly unknown: readonly string[];
}

/**
 * Reads a prompt as the training text was written: cut into tokens by the corpus's conventions
 * (`corpusTokens`: lowercase, punctuation split off, a closing quote before the sentence's mark,
 * `? ! ;` doubled, `<eos>` after every sentence end, typed Unicode punctuation mapped), looked up in
 * the vocabulary, and started as a sentence, after `<eos>`. A prompt given as tokens is read as given
 * (lowercased). So "The jury met. It" reads `<eos> the jury met . <eos> it`, as the corpus would have it.
 *
 * @throws {RangeError} if the prompt has no tokens
 */
export function readPrompt(vocabulary: Vocabulary, prompt: string | readonly string[]): Prompt {
  const tokens = typeof prompt === "string" ? corpusTokens(prompt, vocabulary) : checkTokens(prompt).map(normalizeWord);
  if (tokens.length === 0) throw new RangeError("Cannot read the prompt: the prompt has no words");
  const unknown = [...new Set(tokens.filter((t) => t !== EOS && !vocabulary.has(t)))];
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

/**
 * The next-word distribution `[V]` after a prompt read by {@linkcode readPrompt}.
 *
 * @throws {RangeError} if the prompt has no ids or an id outside [0, V)
 */
export function nextWordDistribution(model: WordLM, prompt: Prompt): Float32Array {
  checkModel(model, "predict the next word");
  if (!(prompt?.ids?.length > 0)) throw new RangeError("Cannot predict the next word: the prompt has no ids");
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
 * distribution as `sampling` says (greedy, temperature, top-k or top-p; `lib/text/sampling.ts`), the
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
  checkModel(model, "ask the model");
  if (vocabulary?.size !== model.config.vocabularySize) {
    throw new RangeError(
      `Cannot ask the model: it scores ${model.config.vocabularySize} words but the vocabulary has ${vocabulary.size}`,
    );
  }
}
