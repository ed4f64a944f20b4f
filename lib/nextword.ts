/**
 * The next-word predictor in tfjs: Embedding → LSTM → Dense, trained on a stream of word ids.
 *
 * ```text
 * ids [B, T] ──Embedding(V → E)──▶ [B, T, E] ──LSTM(H)──▶ [B, T, H] ──Dense(H → V)──▶ scores [B, T, V]
 * ```
 *
 * At every position the model scores all V words as the next one; softmax turns the scores into
 * probabilities, and training minimises the cross-entropy of the word that really came next. The
 * text is cut into windows of T + 1 tokens (inputs: the first T, targets: the last T), each read
 * from a zero state: the streaming strategy of notebook 07.
 *
 * Everything here needs {@linkcode initTfjs} first (the WASM backend cannot train an embedding without it).
 * Not re-exported by `mod.ts`, so that notebooks without tfjs do not load it: import
 * `@course/lib/nextword.ts`.
 *
 * Introduced in notebooks 07 (strategy) and 08 (the model on the Brown corpus); used by `deno task nextword`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { modelFolder } from "./_modelfiles.ts";
import { applyClipped } from "./tfjs.ts";
import { checkIds, EOS, UNK, Vocabulary } from "./corpus.ts";
import { lstmParamCount } from "./lstm_cell.ts";
import { type Rng, seededRng, shuffle } from "./random.ts";

/** The sizes of a next-word model. */
export interface NextWordConfig {
  /** V, the number of words. */
  vocabularySize: number;
  /** E, the length of a word vector. */
  embeddingSize: number;
  /** H, the LSTM's number of units. */
  hiddenSize: number;
  /** Seed for the initial weights (default 0). */
  seed?: number;
}

/**
 * A fresh next-word model: `Embedding(V, E)`, `LSTM(H)` returning every step, `Dense(V)` giving
 * scores (logits; the softmax is in the loss). The LSTM uses the logistic σ as its gate function
 * (tfjs's default is a hard sigmoid), starts its forget-gate bias at 1 (`unitForgetBias`, Jozefowicz
 * et al. 2015) and initialises its recurrent weights with Glorot instead of an orthogonal matrix, which
 * tfjs builds slowly for large H.
 */
export function nextWordModel(config: NextWordConfig): tf.Sequential {
  return buildModel(config, true, "make next-word model");
}

/** Embedding → LSTM → Dense, the LSTM returning every step (`returnSequences`) or only its last. */
function buildModel(config: NextWordConfig, returnSequences: boolean, context: string): tf.Sequential {
  const { vocabularySize: V, embeddingSize: E, hiddenSize: H, seed = 0 } = config;
  for (const [what, n] of [["vocabularySize", V], ["embeddingSize", E], ["hiddenSize", H]] as const) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Cannot ${context}: ${what} must be a whole number >= 1, got ${n}`);
    }
  }
  return tf.sequential({
    layers: [
      tf.layers.embedding({
        inputDim: V,
        outputDim: E,
        inputShape: [null] as unknown as number[], // any sequence length
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
      }),
      tf.layers.lstm({
        units: H,
        returnSequences,
        recurrentActivation: "sigmoid",
        unitForgetBias: true,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
        recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
      }),
      tf.layers.dense({ units: V, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) }),
    ],
  });
}

/**
 * The parameter count of each layer by the formulas of notebook 02: V·E, 4·(H·(H+E) + H), H·V + V.
 *
 * @example
 * ```ts
 * import { nextWordParamCounts } from "@course/lib/nextword.ts";
 * import assert from "node:assert/strict";
 *
 * const counts = nextWordParamCounts({ vocabularySize: 283, embeddingSize: 100, hiddenSize: 150 });
 * assert.deepEqual(counts, { embedding: 28_300, lstm: 150_600, dense: 42_733, total: 221_633 });
 * ```
 */
export function nextWordParamCounts(config: NextWordConfig) {
  const { vocabularySize: V, embeddingSize: E, hiddenSize: H } = config;
  const embedding = V * E, lstm = lstmParamCount(E, H), dense = H * V + V;
  return { embedding, lstm, dense, total: embedding + lstm + dense };
}

// ---------------------------------------------------------------------------------------------
// The lecture's strategy: every prefix of every sentence is an example, padded in front.

/** Training examples in the lecture's form: padded prefixes and the word that follows each. */
export interface PrefixExamples {
  /** One input per example, each of the same length L − 1, padded at the front. */
  readonly inputs: readonly Int32Array[];
  /** The next word of each example. */
  readonly labels: Int32Array;
}

/**
 * The classic strategy for a next-word predictor: for a sentence w₁ … wₙ, the examples are
 * (w₁ → w₂), (w₁ w₂ → w₃), …, (w₁ … wₙ₋₁ → wₙ); every input is padded at the front with `pad` to
 * the length of the longest one, so that they stack into one matrix.
 *
 * @param sentences sentences as ids
 * @param pad the id to pad with (notebook 07 uses `<eos>`, which is also what comes before a
 *   sentence in the running text)
 *
 * @example
 * ```ts
 * import { prefixExamples } from "@course/lib/nextword.ts";
 * import assert from "node:assert/strict";
 *
 * const { inputs, labels } = prefixExamples([[5, 6, 7], [8, 9]], 1);
 * assert.deepEqual(inputs.map((x) => [...x]), [[1, 5], [5, 6], [1, 8]]);
 * assert.deepEqual([...labels], [6, 7, 9]);
 * ```
 */
export function prefixExamples(sentences: readonly ArrayLike<number>[], pad: number): PrefixExamples {
  const longest = Math.max(0, ...sentences.map((s) => s.length));
  const width = longest - 1; // the longest input: all but the last word
  const inputs: Int32Array[] = [];
  const labels: number[] = [];
  for (const sentence of sentences) {
    for (let end = 1; end < sentence.length; end++) {
      const input = new Int32Array(width).fill(pad);
      for (let k = 0; k < end; k++) input[width - end + k] = sentence[k];
      inputs.push(input);
      labels.push(sentence[end]);
    }
  }
  return { inputs, labels: Int32Array.from(labels) };
}

/**
 * The lecture's model: `Embedding(V, E)`, `LSTM(H)` returning only its last hidden state, `Dense(V)`:
 * one prediction per (padded) prefix. Same initialisation as {@linkcode nextWordModel}.
 */
export function lectureModel(config: NextWordConfig): tf.Sequential {
  return buildModel(config, false, "make the lecture's model");
}

/**
 * Trains the lecture's model on prefix examples (Adam, shuffled each epoch, clipped) and returns the
 * mean loss and accuracy of every epoch, measured on the batches as they were trained.
 */
export function trainPrefixModel(
  model: tf.LayersModel,
  examples: PrefixExamples,
  options: {
    epochs?: number;
    batchSize?: number;
    learningRate?: number;
    seed?: number;
    onEpoch?: (e: { epoch: number; loss: number; accuracy: number }) => void;
  } = {},
): { epoch: number; loss: number; accuracy: number }[] {
  const { epochs = 10, batchSize = 64, learningRate = 0.01, seed = 0 } = options;
  const V = outputSize(model);
  const n = examples.inputs.length;
  if (n === 0) throw new RangeError("Cannot train: there are no examples");
  const width = examples.inputs[0].length;
  const optimizer = tf.train.adam(learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = seededRng(seed);
  const history: { epoch: number; loss: number; accuracy: number }[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = shuffle(Array.from({ length: n }, (_, k) => k), rng);
    let loss = 0, correct = 0;
    for (let start = 0; start < n; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const [l, c] = tf.tidy(() => {
        const xData = new Int32Array(batch.length * width);
        batch.forEach((k, b) => xData.set(examples.inputs[k], b * width));
        const x = tf.tensor2d(xData, [batch.length, width], "int32");
        const y = tf.tensor1d(Int32Array.from(batch, (k) => examples.labels[k]), "int32");
        let hits = 0;
        const { value, grads } = tf.variableGrads(() => {
          const logits = model.apply(x, { training: true }) as tf.Tensor2D; // [B, V]
          hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32")).dataSync()[0];
          return tf.losses.softmaxCrossEntropy(tf.oneHot(y, V), logits) as tf.Scalar;
        }, variables);
        applyClipped(optimizer, grads, 5);
        return [value.dataSync()[0] * batch.length, hits];
      });
      loss += l;
      correct += c;
    }
    const stats = { epoch, loss: loss / n, accuracy: correct / n };
    history.push(stats);
    options.onEpoch?.(stats);
  }
  optimizer.dispose();
  return history;
}

/** How often the model's most probable word is the label, over prefix examples. */
export function prefixAccuracy(model: tf.LayersModel, examples: PrefixExamples, batchSize = 256): number {
  const n = examples.inputs.length;
  if (n === 0) throw new RangeError("Cannot measure accuracy: there are no examples");
  const width = examples.inputs[0].length;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    correct += tf.tidy(() => {
      const xData = new Int32Array((end - start) * width);
      for (let k = start; k < end; k++) xData.set(examples.inputs[k], (k - start) * width);
      const logits = model.apply(tf.tensor2d(xData, [end - start, width], "int32")) as tf.Tensor2D;
      const y = tf.tensor1d(examples.labels.subarray(start, end), "int32");
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32")).dataSync()[0];
    });
  }
  return correct / n;
}

/** Windows of T + 1 consecutive tokens, each starting T after the previous (so neighbours share one token): `[count][T + 1]`. */
export function windows(ids: Int32Array, seqLength: number): Int32Array[] {
  if (!Number.isInteger(seqLength) || seqLength < 1) {
    throw new RangeError(`Cannot cut windows: seqLength must be a whole number >= 1, got ${seqLength}`);
  }
  const count = Math.floor((ids.length - 1) / seqLength);
  return Array.from({ length: count }, (_, k) => ids.subarray(k * seqLength, k * seqLength + seqLength + 1));
}

/** Inputs `[B, T]` and targets `[B, T]` (the inputs shifted by one) from windows of T + 1 tokens. */
function batchTensors(batch: readonly Int32Array[]): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const T = batch[0].length - 1;
  const x = new Int32Array(batch.length * T), y = new Int32Array(batch.length * T);
  batch.forEach((w, b) => {
    x.set(w.subarray(0, T), b * T);
    y.set(w.subarray(1), b * T);
  });
  return { x: tf.tensor2d(x, [batch.length, T], "int32"), y: tf.tensor2d(y, [batch.length, T], "int32") };
}

/** Mean cross-entropy (nats per token) of the model's scores for `x` against the targets `y`. */
function lossOf(model: tf.LayersModel, x: tf.Tensor2D, y: tf.Tensor2D, training: boolean): tf.Scalar {
  const V = outputSize(model);
  const logits = (model.apply(x, { training }) as tf.Tensor3D).reshape([-1, V]); // [N = B·T, V]
  // A one-pass cross-entropy in TypeScript (no [N, V] one-hot) measured no faster on WASM than this.
  return tf.losses.softmaxCrossEntropy(tf.oneHot(y.flatten(), V), logits) as tf.Scalar;
}

/** Options for {@linkcode trainNextWord}. */
export interface TrainNextWordOptions {
  /** Windows per batch, B (default 32). */
  batchSize?: number;
  /** Steps per window, T (default 35). */
  seqLength?: number;
  /** Adam's step size (default 0.003). */
  learningRate?: number;
  /** Clip the gradients' global norm to this (default 5). */
  clipNorm?: number;
  /** Passes over the training stream (default 1). */
  epochs?: number;
  /** Stop after this many seconds of training, at the end of a batch (default: no limit). */
  maxSeconds?: number;
  /**
   * Stop after this many batches (default: no limit). Unlike `maxSeconds`, the result does not depend
   * on the machine's speed: notebooks use it, so that they show the same numbers on every run.
   */
  maxSteps?: number;
  /** Seed for the order of windows (default 0). */
  seed?: number;
  /**
   * Called after every batch. If it returns a promise, training waits for it: that gives a notebook
   * the chance to redraw a live chart between batches.
   */
  onBatch?: (progress: TrainProgress) => void | Promise<void>;
}

/** Where training stands after a batch. */
export interface TrainProgress {
  readonly epoch: number;
  /** Batches done so far, over all epochs. */
  readonly step: number;
  /** Batches in one epoch. */
  readonly stepsPerEpoch: number;
  /** Training tokens seen so far. */
  readonly tokens: number;
  /** This batch's mean cross-entropy, nats per token. */
  readonly loss: number;
  readonly seconds: number;
  readonly tokensPerSecond: number;
}

/**
 * Trains the model in place with Adam on windows of the id stream, shuffled every epoch, gradients
 * clipped by global norm. Returns the progress after every batch.
 */
export async function trainNextWord(
  model: tf.LayersModel,
  ids: Int32Array,
  options: TrainNextWordOptions = {},
): Promise<TrainProgress[]> {
  const { batchSize = 32, seqLength = 35, learningRate = 0.003, clipNorm = 5, epochs = 1, seed = 0 } = options;
  const maxSeconds = options.maxSeconds ?? Infinity, maxSteps = options.maxSteps ?? Infinity;
  checkIds(ids, outputSize(model), "train next-word model");
  const all = windows(ids, seqLength);
  if (all.length === 0) {
    throw new RangeError(`Cannot train next-word model: ${ids.length} tokens make no window of ${seqLength + 1}`);
  }
  const optimizer = tf.train.adam(learningRate);
  const rng = seededRng(seed);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const stepsPerEpoch = Math.ceil(all.length / batchSize);
  const history: TrainProgress[] = [];
  const started = performance.now();
  let tokens = 0, step = 0;
  training: for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = shuffle(all, rng);
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const loss = tf.tidy(() => {
        const { x, y } = batchTensors(batch);
        const { value, grads } = tf.variableGrads(() => lossOf(model, x, y, true), variables);
        applyClipped(optimizer, grads, clipNorm);
        return value.dataSync()[0];
      });
      step++;
      tokens += batch.length * seqLength;
      const seconds = (performance.now() - started) / 1000;
      const progress = { epoch, step, stepsPerEpoch, tokens, loss, seconds, tokensPerSecond: tokens / seconds };
      history.push(progress);
      await options.onBatch?.(progress);
      if (seconds >= maxSeconds || step >= maxSteps) break training;
    }
  }
  optimizer.dispose();
  return history;
}

/** What {@linkcode evaluateNextWord} measures. */
export interface NextWordScore {
  /** exp(mean cross-entropy): as unsure as a fair choice among this many words. */
  readonly perplexity: number;
  /** Mean cross-entropy, nats per token. */
  readonly meanLoss: number;
  /** How often the most probable word was the right one. */
  readonly top1: number;
  /** How often the right word was among the 5 most probable. */
  readonly top5: number;
  /** How many tokens were scored. */
  readonly tokens: number;
}

/**
 * Perplexity and top-1/top-5 accuracy on a stream, read in windows of T + 1 tokens from a zero
 * state (as in training). `maxTokens` scores only the start of the stream, for quick checks.
 */
export function evaluateNextWord(
  model: tf.LayersModel,
  ids: Int32Array,
  options: { seqLength?: number; batchSize?: number; maxTokens?: number } = {},
): NextWordScore {
  const { seqLength = 35, batchSize = 32 } = options;
  const V = outputSize(model);
  checkIds(ids, V, "evaluate next-word model");
  let all = windows(ids, seqLength);
  if (options.maxTokens !== undefined) all = all.slice(0, Math.max(1, Math.floor(options.maxTokens / seqLength)));
  if (all.length === 0) throw new RangeError(`Cannot evaluate next-word model: ${ids.length} tokens make no window`);
  let loss = 0, top1 = 0, top5 = 0, tokens = 0;
  for (let start = 0; start < all.length; start += batchSize) {
    const batch = all.slice(start, start + batchSize);
    const [l, t1, t5] = tf.tidy(() => {
      const { x, y } = batchTensors(batch);
      const logits = (model.apply(x) as tf.Tensor3D).reshape([-1, V]); // [N, V]
      const targets = y.flatten();
      const logp = tf.logSoftmax(logits);
      const picked = tf.sum(tf.mul(logp, tf.oneHot(targets, V)), 1); // ln P(target), [N]
      const { indices } = tf.topk(logits, 5); // [N, 5]
      const hits = tf.equal(indices, targets.expandDims(1)); // [N, 5]
      const first = hits.slice([0, 0], [-1, 1]);
      return [
        tf.neg(tf.sum(picked)).dataSync()[0],
        tf.sum(tf.cast(first, "float32")).dataSync()[0],
        tf.sum(tf.cast(hits, "float32")).dataSync()[0],
      ];
    });
    loss += l;
    top1 += t1;
    top5 += t5;
    tokens += batch.length * seqLength;
  }
  return {
    perplexity: Math.exp(loss / tokens),
    meanLoss: loss / tokens,
    top1: top1 / tokens,
    top5: top5 / tokens,
    tokens,
  };
}

/** One predicted word and its probability. */
export interface WordProbability {
  readonly word: string;
  readonly p: number;
}

/**
 * The `k` most probable next words after `words` (which are lowercased; unknown ones read as `<unk>`).
 *
 * @throws {RangeError} if `words` is empty
 */
export function predictNext(
  model: tf.LayersModel,
  vocabulary: Vocabulary,
  words: readonly string[],
  k = 5,
): WordProbability[] {
  if (words.length === 0) throw new RangeError("Cannot predict the next word: the prompt has no words");
  const probs = nextProbabilities(model, vocabulary, words.map((w) => vocabulary.id(w)));
  return topK(probs, k).map((id) => ({ word: vocabulary.words[id], p: probs[id] }));
}

/** How to pick each next word when generating text. */
export type Sampling =
  | { kind: "greedy" }
  | { kind: "temperature"; temperature: number }
  | { kind: "topK"; k: number };

/**
 * Continues `prompt` by `count` words, one at a time, each picked from the model's next-word
 * distribution: greedy (the most probable), with a temperature (τ < 1 sharper, τ > 1 flatter), or
 * among the k most probable. Seeded. `<unk>` is never picked; `<eos>` shows as a line break.
 */
export function generateText(
  model: tf.LayersModel,
  vocabulary: Vocabulary,
  prompt: readonly string[],
  count: number,
  sampling: Sampling,
  options: { seed?: number; context?: number } = {},
): string[] {
  const { seed = 0, context = 35 } = options;
  const rng = seededRng(seed);
  const ids = prompt.map((w) => vocabulary.id(w));
  if (ids.length === 0) ids.push(vocabulary.id(EOS));
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const probs = nextProbabilities(model, vocabulary, ids.slice(-context));
    probs[vocabulary.id(UNK)] = 0;
    const next = pick(probs, sampling, rng);
    ids.push(next);
    out.push(vocabulary.words[next]);
  }
  return out;
}

/** The next-word distribution after `ids`, `[V]`. */
function nextProbabilities(model: tf.LayersModel, vocabulary: Vocabulary, ids: readonly number[]): Float32Array {
  const V = outputSize(model);
  if (V !== vocabulary.size) {
    throw new RangeError(`Cannot predict: the model scores ${V} words but the vocabulary has ${vocabulary.size}`);
  }
  return tf.tidy(() => {
    const out = model.apply(tf.tensor2d(Int32Array.from(ids), [1, ids.length], "int32")) as tf.Tensor;
    // [1, T, V] from a model that predicts at every step, [1, V] from the lecture's model
    const last = out.rank === 3 ? out.slice([0, ids.length - 1, 0], [1, 1, V]) : out;
    return tf.softmax(last.reshape([V])).dataSync() as Float32Array;
  });
}

function pick(probs: Float32Array, sampling: Sampling, rng: Rng): number {
  if (sampling.kind === "greedy") return topK(probs, 1)[0];
  let weights: Float64Array;
  if (sampling.kind === "temperature") {
    if (!(sampling.temperature > 0)) {
      throw new RangeError(`Cannot sample: temperature must be > 0, got ${sampling.temperature}`);
    }
    weights = Float64Array.from(probs, (p) => p > 0 ? Math.exp(Math.log(p) / sampling.temperature) : 0); // p^(1/τ)
  } else {
    weights = new Float64Array(probs.length);
    for (const id of topK(probs, sampling.k)) weights[id] = probs[id];
  }
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let id = 0; id < weights.length; id++) {
    r -= weights[id];
    if (r <= 0 && weights[id] > 0) return id;
  }
  return topK(probs, 1)[0];
}

/** The ids of the k largest entries, largest first (ties: smaller id first). */
function topK(values: ArrayLike<number>, k: number): number[] {
  const ids = Array.from({ length: values.length }, (_, i) => i);
  return ids.sort((a, b) => values[b] - values[a] || a - b).slice(0, k);
}

function outputSize(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  return shape[shape.length - 1] as number;
}

// ---------------------------------------------------------------------------------------------
// Saving and loading: a folder with model.json, weights.bin and vocab.json.

/**
 * Saves the model and its vocabulary to `dir` (created if needed): `model.json` (tfjs's layers-model
 * format, the topology and a weights manifest), `weights.bin`, and `vocab.json`. Written with Deno's
 * file API through `tf.io.withSaveHandler`, since tfjs's own `file://` handler is Node-only.
 */
export async function saveNextWord(model: tf.LayersModel, vocabulary: Vocabulary, dir: string): Promise<void> {
  if (outputSize(model) !== vocabulary.size) {
    throw new RangeError(
      `Cannot save: the model scores ${outputSize(model)} words but the vocabulary has ${vocabulary.size}`,
    );
  }
  await Deno.mkdir(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const json = {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
    };
    await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(json));
    await Deno.writeFile(`${dir}/weights.bin`, new Uint8Array(weights));
    return {
      modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.byteLength },
    };
  }));
  await Deno.writeTextFile(`${dir}/vocab.json`, JSON.stringify({ size: vocabulary.size, words: vocabulary.words }));
}

/**
 * Loads what {@linkcode saveNextWord} saved, checking that the pieces fit together.
 *
 * @throws {Error} with a one-line message naming the file, if the folder or a file is missing, not
 *   valid JSON, or the weights or vocabulary do not match the model
 */
export async function loadNextWord(dir: string): Promise<{ model: tf.LayersModel; vocabulary: Vocabulary }> {
  const folder = modelFolder(dir);

  const json = await folder.json("model.json");
  const weights = await folder.bytes("weights.bin");
  const vocab = await folder.json("vocab.json");
  const specs = json?.weightsManifest?.[0]?.weights;
  if (json?.modelTopology === undefined || !Array.isArray(specs)) {
    throw new Error(`Cannot load model: ${dir}/model.json has no model topology or weights manifest`);
  }
  const expectedBytes = specs.reduce(
    (n: number, s: { shape: number[] }) => n + 4 * s.shape.reduce((a, b) => a * b, 1),
    0,
  );
  if (weights.byteLength !== expectedBytes) {
    throw new Error(
      `Cannot load model: ${dir}/weights.bin has ${weights.byteLength} bytes, the manifest expects ${expectedBytes}`,
    );
  }
  if (!Array.isArray(vocab?.words)) throw new Error(`Cannot load model: ${dir}/vocab.json has no word list`);
  const vocabulary = new Vocabulary(vocab.words);
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
  }));
  if (outputSize(model) !== vocabulary.size) {
    throw new Error(
      `Cannot load model: the model scores ${outputSize(model)} words but ${dir}/vocab.json has ${vocabulary.size}`,
    );
  }
  return { model, vocabulary };
}
