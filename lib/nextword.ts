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
 * vocabulary, the padding id and the padded width. The course's real next-word model, which reads
 * running text and predicts at every position (the streaming strategy), is `lib/wordlm.ts`; both pick
 * words with `lib/sampling.ts`.
 *
 * Everything here needs {@linkcode initTfjs} first (the WASM backend cannot train an embedding
 * without it). Not re-exported by `mod.ts`, so that notebooks without tfjs do not load it: import
 * `@course/lib/nextword.ts`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { applyClipped } from "./tfjs.ts";
import { checkIds, checkTokens, normalizeWord, tokenize, UNK } from "./corpus.ts";
import { lstmParamCount } from "./lstm_cell.ts";
import { seededRng, shuffle } from "./random.ts";
import { stopRequested, throwIfStopRequested } from "./stop.ts";
import { topWords, type WordProbability } from "./sampling.ts";

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
 * Embedding → LSTM → Dense, the LSTM returning only its last step. The LSTM uses the logistic σ as
 * its gate function (tfjs's default is a hard sigmoid), starts its forget-gate bias at 1
 * (`unitForgetBias`, Jozefowicz et al. 2015) and initialises its recurrent weights with Glorot
 * instead of an orthogonal matrix, which tfjs builds slowly for large H.
 */
function buildModel(config: NextWordConfig, context: string): tf.Sequential {
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
        returnSequences: false,
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
 * import { prefixExamples } from "@course/lib/nextword.ts";
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
 * {@linkcode Vocabulary} (`lib/corpus.ts`) is one; the lecture's {@linkcode WordIndex}, with id 0
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
  if (!Number.isInteger(layout.width) || layout.width < 1) {
    throw new RangeError(`Cannot ${context}: width must be a whole number >= 1, got ${layout.width}`);
  }
  if (!Number.isInteger(layout.pad) || layout.pad < 0 || layout.pad >= vocabulary.size) {
    throw new RangeError(`Cannot ${context}: pad must be an id of the vocabulary, got ${layout.pad}`);
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
 * Trains the lecture's model on prefix examples (Adam, shuffled each epoch, clipped at norm 5) and
 * returns the mean loss and accuracy of every epoch, measured on the batches as they were trained.
 *
 * @throws {RangeError} (as a rejected promise) for bad options, or examples padded unlike the model
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
  for (const [name, v] of [["epochs", epochs], ["batchSize", batchSize]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`Cannot train: ${name} must be a whole number >= 1, got ${v}`);
    }
  }
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
          const logits = model.net.apply(x, { training: true }) as tf.Tensor2D; // [B, V]
          hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32")).dataSync()[0];
          return tf.losses.softmaxCrossEntropy(tf.oneHot(y, V), logits) as tf.Scalar;
        }, variables);
        applyClipped(optimizer, grads, 5);
        return [value.dataSync()[0] * batch.length, hits];
      });
      loss += l;
      correct += c;
      if (stopRequested()) { // the Stop button (stop.ts)
        optimizer.dispose();
        throwIfStopRequested(
          `in epoch ${epoch} of ${epochs}, after ${Math.min(start + batchSize, n)} of ${n} examples`,
        );
      }
    }
    const stats = { epoch, loss: loss / n, accuracy: correct / n };
    history.push(stats);
    await options.onEpoch?.(stats);
  }
  optimizer.dispose();
  return history;
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

/** A prompt as the model's tokens: a text cut by its table's rule (the corpus's `tokenize` by default), or tokens checked. */
function promptTokens(model: PrefixModel, prompt: string | readonly string[]): string[] {
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
 * ranked unless `unknown` (the course's one rule, `lib/sampling.ts`).
 *
 * @throws {RangeError} if the prompt has no words or `k` is not a whole number from 1 to the words that can be ranked
 */
export function predictNext(
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

/** Windows of T + 1 consecutive tokens, each starting T after the previous (so neighbours share one token): `[count][T + 1]`. */
export function windows(ids: Int32Array, seqLength: number): Int32Array[] {
  if (!Number.isInteger(seqLength) || seqLength < 1) {
    throw new RangeError(`Cannot cut windows: seqLength must be a whole number >= 1, got ${seqLength}`);
  }
  const count = Math.floor((ids.length - 1) / seqLength);
  return Array.from({ length: count }, (_, k) => ids.subarray(k * seqLength, k * seqLength + seqLength + 1));
}

// ---------------------------------------------------------------------------------------------
// The lecture's pipeline on a small text (notebook 07): Keras's Tokenizer, prefixes, padding with 0.

/** The name shown for id 0, which the lecture keeps for padding: never a word of the text. */
export const PAD = "<pad>";

/**
 * The characters Keras's `Tokenizer` drops by default (`filters` of `text_to_word_sequence`): all
 * punctuation but the apostrophe, and tabs and newlines.
 */
const KERAS_FILTERS = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~\t\n]/g;

/**
 * A line cut into words as Keras's `Tokenizer` does by default (`lower=True`, the default filters,
 * `split=" "`): lower case, punctuation dropped, split on spaces. "Ravi's horse, fast." →
 * `["ravi's", "horse", "fast"]`.
 */
export function lectureTokens(line: string): string[] {
  if (typeof line !== "string") {
    throw new TypeError(`Cannot cut a line into words: expected a string, got ${typeof line}`);
  }
  return line.toLowerCase().replace(KERAS_FILTERS, " ").split(" ").filter((w) => w !== "");
}

/**
 * The lecture's word → id table, Keras's `Tokenizer.word_index`: id 0 is kept for padding, and the
 * words of the text get ids 1, 2, … by how often they occur, most frequent first (ties in the order
 * they first appear, as Keras's stable sort leaves them). It knows only the text's words.
 */
export class WordIndex implements WordTable {
  /** `words[0]` is {@linkcode PAD}; then the text's words by id. */
  readonly words: readonly string[];
  /** How often each word occurs in the text, by id (0 for the padding). */
  readonly counts: readonly number[];
  readonly #ids: Map<string, number>;

  constructor(words: readonly string[], counts: readonly number[]) {
    if (words[0] !== PAD || counts.length !== words.length) {
      throw new RangeError(`Cannot make a word index: words must start with ${PAD} and have one count each`);
    }
    this.words = words;
    this.counts = counts;
    this.#ids = new Map(words.map((w, id) => [w, id]));
  }

  get size(): number {
    return this.words.length;
  }

  /** @throws {RangeError} for a word the text never used: the model cannot read it */
  id(word: string): number {
    const id = word === PAD ? undefined : this.#ids.get(word.toLowerCase());
    if (id === undefined) {
      throw new RangeError(
        `Cannot read "${word}": the text's ${this.size - 1} words do not include it (this small model knows only them)`,
      );
    }
    return id;
  }

  has(word: string): boolean {
    return word !== PAD && this.#ids.has(word.toLowerCase());
  }

  tokens(text: string): string[] {
    return lectureTokens(text);
  }
}

/**
 * Fits a {@linkcode WordIndex} to lines of text, as `Tokenizer.fit_on_texts` does.
 *
 * @example
 * ```ts
 * import { fitWordIndex } from "@course/lib/nextword.ts";
 * import assert from "node:assert/strict";
 *
 * const index = fitWordIndex(["The king ruled.", "The queen ruled the land."]);
 * assert.deepEqual(index.words, ["<pad>", "the", "ruled", "king", "queen", "land"]);
 * assert.deepEqual(index.counts, [0, 3, 2, 1, 1, 1]);
 * ```
 */
export function fitWordIndex(lines: readonly string[]): WordIndex {
  if (!Array.isArray(lines) || lines.length === 0) {
    throw new RangeError("Cannot fit a word index: expected a non-empty list of lines");
  }
  const counts = new Map<string, number>();
  for (const line of lines) for (const w of lectureTokens(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
  if (counts.size === 0) throw new RangeError("Cannot fit a word index: the lines hold no words");
  const ranked = [...counts].sort((a, b) => b[1] - a[1]); // stable: ties keep their first appearance
  return new WordIndex([PAD, ...ranked.map(([w]) => w)], [0, ...ranked.map(([, n]) => n)]);
}

/**
 * The lecture's training examples from lines of text: every prefix of every line with the word after
 * it, the inputs padded in front with id 0 to the longest ({@linkcode prefixExamples}), and, for
 * display, which line each came from and its words.
 */
export function lectureExamples(index: WordIndex, lines: readonly string[], width?: number): PrefixExamples & {
  readonly rows: readonly { readonly line: number; readonly prefix: readonly string[]; readonly next: string }[];
} {
  const sentences = lines.map((line) => lectureTokens(line).map((w) => index.id(w)));
  const rows = sentences.flatMap((ids, line) =>
    ids.slice(1).map((id, k) => ({
      line,
      prefix: ids.slice(0, k + 1).map((i) => index.words[i]),
      next: index.words[id],
    }))
  );
  return { ...prefixExamples(sentences, 0, width), rows };
}

/**
 * The best training accuracy any model can reach on prefix examples: where the same input is followed
 * by different words (every line that starts with "the" gives the input "the"), at most the most
 * frequent of them can be right.
 *
 * @example
 * ```ts
 * import { bestPossibleAccuracy, prefixExamples } from "@course/lib/nextword.ts";
 * import assert from "node:assert/strict";
 *
 * // "a b", "a c", "a b": the input [a] is followed by b twice and c once.
 * assert.equal(bestPossibleAccuracy(prefixExamples([[1, 2], [1, 3], [1, 2]], 0)), 2 / 3);
 * ```
 */
export function bestPossibleAccuracy(examples: PrefixExamples): number {
  return nextWordsByInput(examples).reduce((n, { next }) => n + Math.max(...next.values()), 0) /
    examples.inputs.length;
}

/** For each distinct input of the examples, how often each word follows it. */
function nextWordsByInput(examples: PrefixExamples): { input: Int32Array; next: Map<number, number> }[] {
  const byInput = new Map<string, { input: Int32Array; next: Map<number, number> }>();
  examples.inputs.forEach((x, k) => {
    const key = x.join(",");
    const entry = byInput.get(key) ?? { input: x, next: new Map<number, number>() };
    entry.next.set(examples.labels[k], (entry.next.get(examples.labels[k]) ?? 0) + 1);
    byInput.set(key, entry);
  });
  return [...byInput.values()];
}

/**
 * The lowest mean cross-entropy (nats) any model can reach on the examples: where an input is
 * followed by different words, the best a model can do is give each its share, and the loss of
 * those examples is the entropy of the shares.
 *
 * @example
 * ```ts
 * import { bestPossibleLoss, prefixExamples } from "@course/lib/nextword.ts";
 * import assert from "node:assert/strict";
 *
 * // [a] → b twice, c once: −(2 ln(2/3) + ln(1/3)) / 3.
 * const loss = bestPossibleLoss(prefixExamples([[1, 2], [1, 3], [1, 2]], 0));
 * assert.ok(Math.abs(loss - -(2 * Math.log(2 / 3) + Math.log(1 / 3)) / 3) < 1e-12);
 * ```
 */
export function bestPossibleLoss(examples: PrefixExamples): number {
  let total = 0;
  for (const { next } of nextWordsByInput(examples)) {
    const n = [...next.values()].reduce((a, b) => a + b, 0);
    for (const c of next.values()) total -= c * Math.log(c / n);
  }
  return total / examples.inputs.length;
}

/**
 * The inputs of the examples that are followed by more than one word, with the words and their
 * counts: why {@linkcode bestPossibleAccuracy} is below 1.
 */
export function repeatedInputs(
  examples: PrefixExamples,
  table: Pick<WordTable, "words">,
): { input: string; next: string; examples: number; bestRight: number }[] {
  return nextWordsByInput(examples).filter(({ next }) => next.size > 1).map(({ input, next }) => ({
    input: [...input].filter((id) => id !== examples.pad).map((id) => table.words[id]).join(" "),
    next: [...next].map(([id, n]) => `${table.words[id]} ×${n}`).join(", "),
    examples: [...next.values()].reduce((a, b) => a + b, 0),
    bestRight: Math.max(...next.values()),
  }));
}

/**
 * Continues a prompt word by word, always taking the most probable word (greedy): each step pads the
 * words so far in front, exactly as training padded ({@linkcode prefixInput}), and appends the guess.
 *
 * @returns every step: the padded input the model read, the word it chose and its probability
 */
export function continuePrompt(
  model: PrefixModel,
  prompt: string,
  words: number,
): { input: Int32Array; word: string; p: number }[] {
  if (!Number.isInteger(words) || words < 1) {
    throw new RangeError(`Cannot continue the prompt: words must be a whole number >= 1, got ${words}`);
  }
  const text = promptTokens(model, prompt);
  const steps: { input: Int32Array; word: string; p: number }[] = [];
  for (let k = 0; k < words; k++) {
    const input = prefixInput(model, text);
    const [best] = predictNext(model, text, { k: 1 });
    steps.push({ input, word: best.word, p: best.p });
    text.push(best.word);
  }
  return steps;
}

/**
 * The lines of the lecture's small text, `data/lecture/vikram.txt` (written for the course; see
 * `data/lecture/README.md`): 15 lines of one story, read from the repository whatever the working
 * directory.
 */
export async function lectureText(): Promise<string[]> {
  const text = await Deno.readTextFile(new URL("../data/lecture/vikram.txt", import.meta.url));
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}
