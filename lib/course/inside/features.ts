/**
 * Features of a text that a reader can name, one number per token: what holds after reading it.
 *
 * @module
 */

import type { Vocabulary } from "../../text/corpus.ts";

/** Words that open a noun phrase (articles, demonstratives, possessives, quantifiers). */
export const DETERMINERS: readonly string[] = [
  "a",
  "an",
  "the",
  "this",
  "these",
  "those",
  "my",
  "your",
  "his",
  "its",
  "our",
  "their",
  "every",
  "each",
  "no",
  "some",
  "any",
  "another",
];

/**
 * Nameable facts about each token of a text (Brown corpus tokens: quotes are `` and '', sentences end
 * with `<eos>`), each `[T]`:
 *
 * - `sentencePosition`: how many words of the current sentence have been read: 1 after its first word,
 *   and 0 after the `<eos>` that ends it (the next sentence has not begun);
 * - `insideQuotes`: 1 from an opening `` up to (not including) its closing '', else 0. Only matched pairs
 *   count: a `` followed by another `` before any '' (a quotation running over several paragraphs, which
 *   the corpus reopens at each one, or an inscription never closed) marks nothing, since where it ends
 *   is not known;
 * - `afterDeterminer`: 1 if the token just read is one of {@linkcode DETERMINERS}.
 */
export function textFeatures(tokens: readonly string[]): {
  sentencePosition: Float64Array;
  insideQuotes: Float64Array;
  afterDeterminer: Float64Array;
} {
  const T = tokens.length;
  const sentencePosition = new Float64Array(T),
    insideQuotes = new Float64Array(T),
    afterDeterminer = new Float64Array(T);
  const determiners = new Set(DETERMINERS);
  let position = 0, opened = -1; // where the open quotation began, -1 if none
  for (let t = 0; t < T; t++) {
    const w = tokens[t];
    position = w === "<eos>" ? 0 : position + 1;
    sentencePosition[t] = position;
    if (w === "``") opened = t; // a second `` drops the first: it was never closed
    if (w === "''" && opened >= 0) {
      insideQuotes.fill(1, opened, t);
      opened = -1;
    }
    afterDeterminer[t] = determiners.has(w) ? 1 : 0;
  }
  return { sentencePosition, insideQuotes, afterDeterminer };
}

/** The words of `ids` (for labels). */
export function wordsOf(vocabulary: Vocabulary, ids: ArrayLike<number>): string[] {
  return Array.from(ids, (id) => vocabulary.words[id]);
}
