/**
 * Asking the word model (`lib/engine/wordlm.ts` is its public entry): a prompt read as the corpus writes
 * text, the next words after it, every step of reading it, and text written word by word.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { checkModel } from "./checks.ts";
import { disposeState, keepState, tidy, type WordLM, type WordLMState, zeroState } from "./model.ts";
import { hiddenStates } from "./forward.ts";
import { outputLogits } from "./output_layer.ts";
import { checkIds, checkTokens, EOS, normalizeWord, UNK, type Vocabulary } from "../../text/corpus.ts";
import { corpusTokens } from "../../text/corpus_text.ts";
import { seededRng } from "../../core/random.ts";
import { checkSampling, pickNext, type Sampling, topWords, type WordProbability } from "../../text/sampling.ts";
import { expectWhole } from "../../core/tensor.ts";

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
      return { p, state: keepState(out.state) };
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
  expectWhole(count, "words", "generate text", 0);
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
