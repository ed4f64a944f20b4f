/**
 * The lecture's next-word predictor, the teaching device of notebook 07: every prefix of every
 * sentence is an example, padded in front to the longest, and Embedding → LSTM → Dense reads the
 * whole padded prefix and predicts the one word after it.
 *
 * ```text
 * padded prefix [B, L] ──Embedding(V → E)──▶ [B, L, E] ──LSTM(H), last step──▶ [B, H] ──Dense(H → V)──▶ scores [B, V]
 * ```
 *
 * A {@linkcode PrefixModel} carries what prediction must repeat exactly as training did it: the
 * vocabulary, the padding id and the padded width; with `maskZero` its LSTM skips the padding
 * ({@linkcode paddingEffect} measures what that changes). The course's real next-word model, which
 * reads running text and predicts at every position (the streaming strategy), is `lib/engine/wordlm.ts`;
 * both pick words with `lib/text/sampling.ts`. `lib/course/next_word_strategies.ts` compares the two strategies,
 * and `lib/course/lecture_text.ts` is the lecture's pipeline on its small text.
 *
 * Everything here needs {@linkcode initTfjs} first (the WASM backend cannot train an embedding
 * without it). Not re-exported by `mod.ts`, so that notebooks without tfjs do not load it: import
 * `@course/lib/engine/prefix_model.ts`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { clippedStep, trainBatches } from "./train_loop.ts";
import { checkIds, checkTokens, normalizeWord, tokenize, UNK } from "../text/corpus.ts";
import { lstmParamCount } from "../core/lstm_cell.ts";
import { seededRng, shuffle } from "../core/random.ts";
import { batchesOf } from "../core/train_loop.ts";
import { topWords, type WordProbability } from "../text/sampling.ts";
import { expectWhole } from "../core/tensor.ts";

/** The sizes of a next-word model. */
export interface NextWordConfig {
  /** V, the number of words. */
  vocabularySize: number;
  /** E, the length of a word vector. */
  embeddingSize: number;
  /** H, the LSTM's number of units. */
  hiddenSize: number;
  /**
   * Treat id 0 as "nothing here" (default false, as the lecture's Keras code): the embedding marks
   * every 0 in a mask and the LSTM leaves its state unchanged at those steps, so a prefix gives the
   * same prediction however much padding is in front of it. Needs the padding to be id 0.
   */
  maskZero?: boolean;
  /** Seed for the initial weights (default 0). */
  seed?: number;
}

/** The initial weights of the three layers: tfjs's own initialisers, seeded. */
function seededInitializers(seed: number) {
  return {
    embedding: { embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }) },
    lstm: {
      unitForgetBias: true, // the forget gate's bias starts at 1
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
    },
    dense: { kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) },
  };
}

/**
 * Embedding → LSTM → Dense, the LSTM returning only its last step. The LSTM uses the logistic σ as
 * its gate function (tfjs's default is a hard sigmoid), starts its forget-gate bias at 1
 * (`unitForgetBias`, Jozefowicz et al. 2015) and initialises its recurrent weights with Glorot
 * instead of an orthogonal matrix, which tfjs builds slowly for large H. Notebook 07 shows the
 * region below as the lecture's model.
 */
export function buildModel(config: NextWordConfig, context: string): tf.Sequential {
  const { vocabularySize: V, embeddingSize: E, hiddenSize: H, maskZero = false, seed = 0 } = config;
  for (const [what, n] of [["vocabularySize", V], ["embeddingSize", E], ["hiddenSize", H]] as const) {
    expectWhole(n, what, context, 1);
  }
  if (typeof maskZero !== "boolean") {
    throw new TypeError(`Cannot ${context}: maskZero must be true or false, got ${maskZero}`);
  }
  // tfjs's bias initialiser for unitForgetBias leaves 4 tensors behind: build in a scope that frees them
  // (tidy never frees variables, so the weights stay).
  let model!: tf.Sequential;
  tf.tidy(() => {
    model = lectureLayers(V, E, H, maskZero, seededInitializers(seed));
  });
  return model;
}

/** The layers of {@linkcode buildModel}, as notebook 07 shows them. */
function lectureLayers(
  V: number,
  E: number,
  H: number,
  maskZero: boolean,
  init: ReturnType<typeof seededInitializers>,
): tf.Sequential {
  // deno-fmt-ignore: notebook 07 shows this region, its lines kept short enough for the page by hand
  {
    // #region the lecture's model
    const model = tf.sequential();
    // ids [B, L] → word vectors [B, L, E], for any length L;
    // with maskZero, id 0 (the padding) means "nothing here"
    model.add(tf.layers.embedding({ inputDim: V, outputDim: E, maskZero,
      inputShape: [null], ...init.embedding }));
    // reads the L vectors in order (skipping masked steps) → last hidden state [B, H]
    model.add(tf.layers.lstm({ units: H, recurrentActivation: "sigmoid",
      ...init.lstm }));
    // [B, H] → one score per word [B, V]; the loss applies the softmax
    model.add(tf.layers.dense({ units: V, ...init.dense }));
    // #endregion
    return model;
  }
}

/**
 * The parameter count of each layer by the formulas of notebook 02: V·E, 4·(H·(H+E) + H), H·V + V.
 *
 * @example
 * ```ts
 * import { nextWordParamCounts } from "@course/lib/engine/prefix_model.ts";
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
  /** One input per example, each of the same length `width`, padded at the front. */
  readonly inputs: readonly Int32Array[];
  /** The next word of each example. */
  readonly labels: Int32Array;
  /** The id every input is padded with. */
  readonly pad: number;
  /** The length of every input: the longest prefix, one less than the longest sentence. */
  readonly width: number;
}

/**
 * The classic strategy for a next-word predictor: for a sentence w₁ … wₙ, the examples are
 * (w₁ → w₂), (w₁ w₂ → w₃), …, (w₁ … wₙ₋₁ → wₙ); every input is padded at the front with `pad` to
 * the length of the longest one, so that they stack into one matrix.
 *
 * @param sentences sentences as ids
 * @param pad the id to pad with (notebook 07 uses 0, kept free for padding, as Keras does)
 * @param width pad to this many ids instead (to score new text on a model trained at that width);
 *   at least the longest prefix
 *
 * @example
 * ```ts
 * import { prefixExamples } from "@course/lib/engine/prefix_model.ts";
 * import assert from "node:assert/strict";
 *
 * const { inputs, labels, width } = prefixExamples([[5, 6, 7], [8, 9]], 1);
 * assert.deepEqual(inputs.map((x) => [...x]), [[1, 5], [5, 6], [1, 8]]);
 * assert.deepEqual([...labels], [6, 7, 9]);
 * assert.equal(width, 2);
 * ```
 */
export function prefixExamples(
  sentences: readonly ArrayLike<number>[],
  pad: number,
  width?: number,
): PrefixExamples {
  const context = "make prefix examples";
  if (!Number.isInteger(pad) || pad < 0) throw new RangeError(`Cannot ${context}: pad must be an id >= 0, got ${pad}`);
  if (!Array.isArray(sentences)) throw new TypeError(`Cannot ${context}: expected a list of sentences of ids`);
  sentences.forEach((sentence, k) => {
    if (typeof sentence?.length !== "number") {
      throw new TypeError(`Cannot ${context}: sentence ${k} is not a list of ids`);
    }
    for (let t = 0; t < sentence.length; t++) {
      if (!Number.isInteger(sentence[t]) || sentence[t] < 0) {
        throw new RangeError(
          `Cannot ${context}: sentence ${k}, token ${t} is ${JSON.stringify(sentence[t])}, expected an id >= 0`,
        );
      }
    }
  });
  const longest = Math.max(0, ...sentences.map((s) => s.length));
  if (longest < 2) throw new RangeError(`Cannot ${context}: no sentence has two words (one to read, one to predict)`);
  if (width !== undefined && !(Number.isInteger(width) && width >= longest - 1)) {
    throw new RangeError(`Cannot ${context}: width ${width} is shorter than the longest prefix, ${longest - 1}`);
  }
  width ??= longest - 1; // the longest input: all but the last word
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
  return { inputs, labels: Int32Array.from(labels), pad, width };
}

/**
 * What a prefix model needs of its vocabulary: the words by id, and a word's id. The Brown corpus's
 * {@linkcode Vocabulary} (`lib/text/corpus.ts`) is one; the lecture's {@linkcode WordIndex}, with id 0
 * kept for padding, is the other.
 */
export interface WordTable {
  /** The tokens, by id. */
  readonly words: readonly string[];
  /** V, the number of ids. */
  readonly size: number;
  /** The id of a word (a table without `<unk>` throws for a word it does not hold). */
  id(word: string): number;
  /** Whether the table holds the word. */
  has(word: string): boolean;
  /** How a prompt is cut into the table's tokens (default: the corpus's `tokenize`). */
  tokens?(text: string): string[];
}

/** The lecture's model with what it needs to read a prompt exactly as it read its training examples. */
export interface PrefixModel {
  /** Embedding → LSTM (last step) → Dense: scores `[B, V]` for padded prefixes `[B, width]`. */
  readonly net: tf.Sequential;
  /** The words, by id. */
  readonly vocabulary: WordTable;
  /** The id inputs are padded with in front. */
  readonly pad: number;
  /** How long every input is. */
  readonly width: number;
}

/**
 * The lecture's model: `Embedding(V, E)`, `LSTM(H)` returning only its last hidden state, `Dense(V)`:
 * one prediction per prefix, padded in front with `pad` to `width` ids (take both from the
 * {@linkcode PrefixExamples} it will learn from).
 */
export function lectureModel(
  config: NextWordConfig,
  vocabulary: WordTable,
  layout: { readonly pad: number; readonly width: number },
): PrefixModel {
  const context = "make the lecture's model";
  if (config.vocabularySize !== vocabulary.size) {
    throw new RangeError(
      `Cannot ${context}: vocabularySize is ${config.vocabularySize}, the vocabulary has ${vocabulary.size}`,
    );
  }
  expectWhole(layout.width, "width", context, 1);
  if (!Number.isInteger(layout.pad) || layout.pad < 0 || layout.pad >= vocabulary.size) {
    throw new RangeError(`Cannot ${context}: pad must be an id of the vocabulary, got ${layout.pad}`);
  }
  if (config.maskZero && layout.pad !== 0) {
    throw new RangeError(`Cannot ${context}: maskZero masks id 0, but the inputs are padded with ${layout.pad}`);
  }
  return { net: buildModel(config, context), vocabulary, pad: layout.pad, width: layout.width };
}

/** Every input and label must be an id of the vocabulary (else tfjs fails deep inside, or learns nothing). */
function checkExampleIds(examples: PrefixExamples, V: number, context: string): void {
  checkIds(examples.labels, V, context);
  examples.inputs.forEach((x) => checkIds(x, V, context));
}

function checkLayout(model: PrefixModel, examples: PrefixExamples, context: string): void {
  if (examples.width !== model.width || examples.pad !== model.pad) {
    throw new RangeError(
      `Cannot ${context}: the examples are padded with ${examples.pad} to ${examples.width}, the model reads ${model.pad} to ${model.width}`,
    );
  }
}

/**
 * Trains the lecture's model on prefix examples (Adam, shuffled each epoch, clipped at norm 5, through the
 * engine's loop `trainBatches`, `train_loop.ts`) and returns the mean loss and accuracy of every epoch,
 * measured on the batches as they were trained.
 *
 * @throws {RangeError} (as a rejected promise) for bad options, or examples padded unlike the model
 * @throws {DivergenceError} (`train_loop.ts`) at the first batch whose loss or gradient is not finite
 */
export async function trainPrefixModel(
  model: PrefixModel,
  examples: PrefixExamples,
  options: {
    epochs?: number;
    batchSize?: number;
    learningRate?: number;
    seed?: number;
    /** Called after every epoch; awaited, so a notebook can redraw a live chart in it. */
    onEpoch?: (e: { epoch: number; loss: number; accuracy: number }) => void | Promise<void>;
  } = {},
): Promise<{ epoch: number; loss: number; accuracy: number }[]> {
  const { epochs = 10, batchSize = 64, learningRate = 0.01, seed = 0 } = options;
  for (const [name, v] of [["epochs", epochs], ["batchSize", batchSize]] as const) expectWhole(v, name, "train", 1);
  if (!(learningRate > 0)) throw new RangeError(`Cannot train: learningRate must be > 0, got ${learningRate}`);
  checkLayout(model, examples, "train");
  const V = model.vocabulary.size;
  checkExampleIds(examples, V, "train");
  const n = examples.inputs.length;
  if (n === 0) throw new RangeError("Cannot train: there are no examples");
  const width = model.width;
  const optimizer = tf.train.adam(learningRate);
  const variables = model.net.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = seededRng(seed);
  const history: { epoch: number; loss: number; accuracy: number }[] = [];
  let steps = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = shuffle(Array.from({ length: n }, (_, k) => k), rng);
      let loss = 0, correct = 0, seen = 0;
      const run = await trainBatches(batchesOf(order, batchSize), {
        epoch,
        clipNorm: PREFIX_CLIP_NORM,
        stepsBefore: steps,
        step: (batch) => {
          const x = new Int32Array(batch.length * width);
          batch.forEach((k, b) => x.set(examples.inputs[k], b * width));
          const y = Int32Array.from(batch, (k) => examples.labels[k]);
          return { ...prefixStep(model.net, variables, optimizer, x, y, V), learningRate };
        },
        progress: (batch, step) => {
          loss += step.loss * batch.length;
          correct += step.hits;
          seen += batch.length;
        },
        done: () => `in epoch ${epoch} of ${epochs}, after ${seen} of ${n} examples`,
      });
      steps = run.steps;
      const stats = { epoch, loss: loss / n, accuracy: correct / n };
      history.push(stats);
      await options.onEpoch?.(stats);
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}

/** The global norm a prefix model's gradients are clipped to. */
export const PREFIX_CLIP_NORM = 5;

/**
 * One Adam step (gradients clipped at norm {@linkcode PREFIX_CLIP_NORM}, nothing applied when the loss
 * or the norm is not finite: `clippedStep`) on a batch of inputs `x` (`[b, width]`, flat) and their
 * labels `y` (`[b]`): the batch's mean loss (nats), the gradients' norm, and how many labels were the
 * most probable word.
 */
export function prefixStep(
  net: tf.Sequential,
  variables: tf.Variable[],
  optimizer: tf.Optimizer,
  x: Int32Array,
  y: Int32Array,
  V: number,
): { loss: number; norm: number; hits: number } {
  return tf.tidy(() => {
    const b = y.length;
    const inputs = tf.tensor2d(x, [b, x.length / b], "int32");
    const labels = tf.tensor1d(y, "int32");
    let hits = 0;
    const { loss, norm } = clippedStep(optimizer, variables, PREFIX_CLIP_NORM, () => {
      const logits = net.apply(inputs, { training: true }) as tf.Tensor2D; // [b, V]
      hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), "float32")).dataSync()[0];
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, V), logits) as tf.Scalar;
    });
    return { loss, norm, hits };
  });
}

/** How often the model's most probable word is the label, over prefix examples. */
export function prefixAccuracy(model: PrefixModel, examples: PrefixExamples, batchSize = 256): number {
  checkLayout(model, examples, "measure accuracy");
  checkExampleIds(examples, model.vocabulary.size, "measure accuracy");
  const n = examples.inputs.length;
  if (n === 0) throw new RangeError("Cannot measure accuracy: there are no examples");
  const width = model.width;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    correct += tf.tidy(() => {
      const xData = new Int32Array((end - start) * width);
      for (let k = start; k < end; k++) xData.set(examples.inputs[k], (k - start) * width);
      const logits = model.net.apply(tf.tensor2d(xData, [end - start, width], "int32")) as tf.Tensor2D;
      const y = tf.tensor1d(examples.labels.subarray(start, end), "int32");
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32")).dataSync()[0];
    });
  }
  return correct / n;
}

/** What the padding in front does to a prefix model's predictions ({@linkcode paddingEffect}). */
export interface PaddingEffect {
  /** Accuracy on the examples as trained: padded in front to the model's width. */
  readonly accuracyPadded: number;
  /** Accuracy on the same prefixes with no padding at all. */
  readonly accuracyUnpadded: number;
  /** Total variation between the two next-word distributions (½ Σ |p − q|), mean and largest over the examples. */
  readonly meanTV: number;
  readonly maxTV: number;
  /** Examples whose most probable word changes when the padding is taken away. */
  readonly topChanged: number;
}

/**
 * Reads every example twice, padded to the model's width (as trained) and with its padding taken
 * away, and compares the next-word distributions: with `maskZero` the LSTM skips the padded steps, so
 * the two are the same; without it, the padding is read like any word and the state at the first
 * real word depends on how much of it came first.
 */
export function paddingEffect(model: PrefixModel, examples: PrefixExamples): PaddingEffect {
  checkLayout(model, examples, "measure what padding does");
  checkExampleIds(examples, model.vocabulary.size, "measure what padding does");
  const n = examples.inputs.length;
  if (n === 0) throw new RangeError("Cannot measure what padding does: there are no examples");
  const probs = (x: Int32Array, rows: number) =>
    tf.tidy(() => {
      const logits = model.net.apply(tf.tensor2d(x, [rows, x.length / rows], "int32")) as tf.Tensor2D;
      return tf.softmax(logits).dataSync() as Float32Array;
    });
  const V = model.vocabulary.size;
  const byLength = new Map<number, number[]>(); // unpadded length → examples
  examples.inputs.forEach((x, k) => {
    const length = x.length - x.findIndex((id) => id !== examples.pad);
    if (byLength.has(length)) byLength.get(length)!.push(k);
    else byLength.set(length, [k]);
  });
  let rightPadded = 0, rightUnpadded = 0, totalTV = 0, maxTV = 0, topChanged = 0;
  const argMax = (p: Float32Array, at: number) => {
    let best = 0;
    for (let v = 1; v < V; v++) if (p[at + v] > p[at + best]) best = v;
    return best;
  };
  for (const [length, ks] of byLength) {
    const padded = new Int32Array(ks.length * model.width), unpadded = new Int32Array(ks.length * length);
    ks.forEach((k, b) => {
      padded.set(examples.inputs[k], b * model.width);
      unpadded.set(examples.inputs[k].subarray(model.width - length), b * length);
    });
    const p = probs(padded, ks.length), q = probs(unpadded, ks.length);
    ks.forEach((k, b) => {
      let tv = 0;
      for (let v = 0; v < V; v++) tv += Math.abs(p[b * V + v] - q[b * V + v]);
      tv /= 2;
      totalTV += tv;
      maxTV = Math.max(maxTV, tv);
      const [bestP, bestQ] = [argMax(p, b * V), argMax(q, b * V)];
      if (bestP !== bestQ) topChanged++;
      if (bestP === examples.labels[k]) rightPadded++;
      if (bestQ === examples.labels[k]) rightUnpadded++;
    });
  }
  return {
    accuracyPadded: rightPadded / n,
    accuracyUnpadded: rightUnpadded / n,
    meanTV: totalTV / n,
    maxTV,
    topChanged,
  };
}

/** A prompt as the model's tokens: a text cut by its table's rule (the corpus's `tokenize` by default), or tokens checked. */
export function promptTokens(model: PrefixModel, prompt: string | readonly string[]): string[] {
  const table = model.vocabulary;
  if (typeof prompt !== "string") return checkTokens(prompt).map(normalizeWord);
  return table.tokens ? table.tokens(prompt) : tokenize(prompt, table);
}

/**
 * The input the model reads for a prompt: its ids, padded in front with the model's `pad` to its
 * `width`, exactly as every training example was (a prompt longer than `width` keeps its last
 * `width` words, all the model ever saw). A string is cut into tokens like the corpus (`tokenize`).
 *
 * @throws {RangeError} if the prompt has no words
 */
export function prefixInput(model: PrefixModel, prompt: string | readonly string[]): Int32Array {
  const words = promptTokens(model, prompt);
  if (words.length === 0) throw new RangeError("Cannot predict the next word: the prompt has no words");
  const ids = words.map((w) => model.vocabulary.id(w)).slice(-model.width);
  const input = new Int32Array(model.width).fill(model.pad);
  input.set(ids, model.width - ids.length);
  return input;
}

/**
 * The `k` most probable next words after `prompt`, most probable first, with the model's
 * probabilities; the prompt is padded as training padded ({@linkcode prefixInput}). `<unk>` is not
 * ranked unless `unknown` (the course's one rule, `lib/text/sampling.ts`).
 *
 * @throws {RangeError} if the prompt has no words or `k` is not a whole number from 1 to the words that can be ranked
 */
export function predictNextPrefix(
  model: PrefixModel,
  prompt: string | readonly string[],
  options: { k?: number; unknown?: boolean } = {},
): WordProbability[] {
  const { k = 5, unknown = false } = options;
  const input = prefixInput(model, prompt);
  const probs = tf.tidy(() => {
    const logits = model.net.apply(tf.tensor2d(input, [1, model.width], "int32")) as tf.Tensor2D; // [1, V]
    return tf.softmax(logits).dataSync() as Float32Array;
  });
  const table = model.vocabulary;
  // Never rank the padding id when it is a reserved slot, not a word (the lecture's id 0).
  const excluded = [
    ...(unknown || !table.has(UNK) ? [] : [table.id(UNK)]),
    ...(table.words[model.pad] === PAD ? [model.pad] : []),
  ];
  return topWords(probs, k, excluded).map(({ id, p }) => ({ word: table.words[id], p }));
}

/** The name shown for id 0, which the lecture keeps for padding: never a word of the text. */
export const PAD = "<pad>";
