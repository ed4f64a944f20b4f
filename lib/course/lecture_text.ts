/**
 * The lecture's pipeline on its own small text (notebook 07): Keras's `Tokenizer` (lower case,
 * punctuation dropped, ids by frequency from 1), every prefix of every line padded in front with 0,
 * the best accuracy and loss any model can reach on them, and greedy continuation of a prompt.
 *
 * Needs `initTfjs` first for the model parts, like `lib/engine/prefix_model.ts`; import
 * `@course/lib/course/lecture_text.ts`.
 *
 * @module
 */

import {
  PAD,
  predictNextPrefix,
  type PrefixExamples,
  prefixExamples,
  prefixInput,
  type PrefixModel,
  promptTokens,
  type WordTable,
} from "../engine/prefix_model.ts";
import { expectWhole } from "../core/tensor.ts";
import { readText, repoUrl } from "../core/platform.ts";

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
 * import { fitWordIndex } from "@course/lib/course/lecture_text.ts";
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
 * import { bestPossibleAccuracy } from "@course/lib/course/lecture_text.ts";
 * import { prefixExamples } from "@course/lib/engine/prefix_model.ts";
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
 * import { bestPossibleLoss } from "@course/lib/course/lecture_text.ts";
 * import { prefixExamples } from "@course/lib/engine/prefix_model.ts";
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
  expectWhole(words, "words", "continue the prompt", 1);
  const text = promptTokens(model, prompt);
  const steps: { input: Int32Array; word: string; p: number }[] = [];
  for (let k = 0; k < words; k++) {
    const input = prefixInput(model, text);
    const [best] = predictNextPrefix(model, text, { k: 1 });
    steps.push({ input, word: best.word, p: best.p });
    text.push(best.word);
  }
  return steps;
}

/**
 * The lines of the lecture's small text, `data/lecture/vikram.txt` (written for the course; see
 * `data/lecture/README.md`): 15 lines of one story, read from the repository whatever the working
 * directory (in a browser: the site's copy).
 */
export async function lectureText(): Promise<string[]> {
  const text = await readText(repoUrl("data/lecture/vikram.txt"));
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}
