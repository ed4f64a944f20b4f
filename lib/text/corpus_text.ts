/**
 * Written text and the Brown corpus's tokens, both ways: {@linkcode corpusTokens} reads what a person
 * types as the corpus writes it, so that a prompt meets the model as its training text did, and
 * {@linkcode detokenize} shows the model's tokens as text a person would write.
 *
 * The corpus's conventions, as `readBrown` reads it (counts over its 57,340 sentences, computed by
 * `tests/corpus_text_test.ts`):
 * - a sentence ends at `.`, `?`, `!` or `;`, and the stream puts `<eos>` after it; `?`, `!` and `;`
 *   end a sentence doubled (`? ?`: 2,346 sentences, never one `?` alone at the end), `.` once;
 * - a closing double quote comes before the sentence's punctuation and before a comma (`'' .`
 *   3,331 times, `. ''` never; `'' ,` 2,032 times, `, ''` 11);
 * - single quotes are `'` on both sides (`` ` `` never occurs), double quotes ``` `` ``` and `''`;
 * - no ellipsis: a `.` never occurs inside a sentence.
 *
 * Introduced in notebook 08 (reading a prompt) and used by the CLI and the model explorer.
 *
 * @module
 */

import { EOS, tokenize, type Vocabulary } from "./corpus.ts";

/** Where the corpus ends a sentence. */
const SENTENCE_ENDS = new Set([".", "?", "!", ";"]);
/** The ends the corpus writes twice (`? ?`). */
const DOUBLED_ENDS = new Set(["?", "!", ";"]);
/** What a closing double quote comes before, in the corpus. */
const AFTER_CLOSING_QUOTE = new Set([".", "?", "!", ";", ","]);

/**
 * Typed punctuation the corpus writes otherwise: the ellipsis, dashes, guillemets, low and prime
 * quotes, and spaces that are not plain spaces. Applied before `tokenize` (which already maps curly
 * quotes and the em dash).
 */
function plainPunctuation(text: string): string {
  return text
    .replace(/\u2026/g, "...") // … (the corpus has no ellipsis: read as the end of a sentence)
    .replace(/(\d)\u2013(\d)/g, "$1-$2") // 1961–62: a hyphen, as the corpus writes ranges (8-4)
    .replace(/[\u2013\u2012\u2015]/g, " -- ") // – ‒ ―: the corpus's dash
    .replace(/[\u00ab\u201e]/g, "\u201c") // « „ open a quotation
    .replace(/\u00bb/g, "\u201d") // » closes one
    .replace(/[\u201a\u2032\u00b4]/g, "'") // ‚ ′ ´
    .replace(/\u2033/g, '"') // ″
    .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000]/g, " "); // no-break and other spaces
}

/**
 * Cuts text into the corpus's tokens, with `<eos>` after every sentence that ends in it: `tokenize`
 * (lowercase, punctuation split off, quotes as the corpus writes them), then the corpus's sentence
 * conventions (module docs): a closing double quote moved before the punctuation it follows, an
 * ellipsis or a run of the same mark read as one, `?` `!` `;` written twice, and `<eos>` after each
 * sentence end. No `<eos>` comes first: a reader adds it (every sentence of the training stream
 * follows one).
 *
 * @param vocabulary the words the tokens will be looked up in (for `tokenize`'s abbreviations)
 * @throws {TypeError} if `text` is not a string
 *
 * @example
 * ```ts
 * import { corpusTokens } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(corpusTokens("The jury met. It"), ["the", "jury", "met", ".", "<eos>", "it"]);
 * assert.deepEqual(corpusTokens('He said, "I will go."'),
 *   ["he", "said", ",", "``", "i", "will", "go", "''", ".", "<eos>"]);
 * assert.deepEqual(corpusTokens("Why? No"), ["why", "?", "?", "<eos>", "no"]);
 * ```
 */
export function corpusTokens(text: string, vocabulary?: Pick<Vocabulary, "has">): string[] {
  if (typeof text !== "string") throw new TypeError(`Cannot read text: expected a string, got ${typeof text}`);
  const tokens = tokenize(plainPunctuation(text), vocabulary);
  // A run of one sentence end (an ellipsis, "??", "?!") is one end, the first.
  const merged = tokens.filter((t, k) => !(SENTENCE_ENDS.has(t) && SENTENCE_ENDS.has(tokens[k - 1])));
  // A closing double quote before the punctuation it follows: go . '' → go '' .
  for (let k = merged.length - 1; k > 0; k--) {
    if (merged[k] === "''" && AFTER_CLOSING_QUOTE.has(merged[k - 1])) {
      [merged[k - 1], merged[k]] = [merged[k], merged[k - 1]];
    }
  }
  const out: string[] = [];
  for (const t of merged) {
    out.push(t);
    if (!SENTENCE_ENDS.has(t)) continue;
    if (DOUBLED_ENDS.has(t)) out.push(t);
    out.push(EOS);
  }
  return out;
}

/**
 * Shows corpus tokens as text: sentences (split at `<eos>`) and quotations with a capital first letter, `I` for
 * `i`, no space before punctuation or after an opening bracket or quote, the sentence end written
 * once (`? ?` → `?`) and inside a closing quote (`'' .` → `."`), curly double quotes for ``` `` ```
 * and `''`. The corpus is lowercased, so names stay lowercase. `<unk>` stays as it is: it stands
 * for a word the model does not know. {@linkcode corpusTokens} reads the text back to the same
 * tokens for most sentences (`tests/corpus_text_test.ts` counts them on the test split).
 *
 * @param tokens corpus tokens, `<eos>` between sentences
 *
 * @example
 * ```ts
 * import { detokenize } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(detokenize(["he", "said", ",", "``", "i", "will", "go", "''", ".", "<eos>", "why", "?", "?"]),
 *   "He said, \u201cI will go.\u201d Why?");
 * ```
 */
export function detokenize(tokens: readonly string[]): string {
  const sentences: string[][] = [[]];
  for (const t of tokens) {
    if (t === EOS) sentences.push([]);
    else sentences.at(-1)!.push(t);
  }
  return sentences.filter((s) => s.length > 0).map(sentenceText).join(" ");
}

/** One sentence's tokens as text (see {@linkcode detokenize}). */
function sentenceText(sentence: readonly string[]): string {
  const words = [...sentence];
  // The end written once, and back inside a closing quote: '' ? ? → ?''.
  if (words.length >= 2 && DOUBLED_ENDS.has(words.at(-1)!) && words.at(-2) === words.at(-1)) words.pop();
  for (let k = 0; k + 1 < words.length; k++) {
    if (words[k] === "''" && AFTER_CLOSING_QUOTE.has(words[k + 1])) [words[k], words[k + 1]] = [words[k + 1], words[k]];
  }
  let text = "", capital = true, singleOpen = false, glued = true; // glued: no space before the next word
  for (const token of words) {
    let word = token === "``" ? "\u201c" : token === "''" ? "\u201d" : token;
    let opens = token === "``" || token === "(";
    let closes = /^[,.;:?!)]$/.test(token) || token === "''";
    if (token === "'") { // the corpus's single quote, on both sides: they alternate
      singleOpen = !singleOpen;
      [word, opens, closes] = singleOpen ? ["\u2018", true, false] : ["\u2019", false, true];
    }
    if (/^i('|$)/.test(word)) word = "I" + word.slice(1); // i, i'm, i'll
    if (capital && /^[a-z]/.test(word)) word = word[0].toUpperCase() + word.slice(1);
    if (/^[\p{L}\p{N}<]/u.test(word)) capital = false; // the first word (or <unk>) took the capital
    if (token === "``") capital = true; // a quotation opens with a capital: She asked, “Why …”
    text += (glued || closes ? "" : " ") + word;
    glued = opens;
  }
  return text;
}

/**
 * The text that continues a prompt: `words` shown as {@linkcode detokenize} shows them after the
 * prompt's tokens (spaces, capitals and quotes as in the whole), to append to what the person typed.
 *
 * @param prompt the prompt's tokens as read (`readPrompt`'s `tokens`)
 * @param words the tokens written after it
 *
 * @example
 * ```ts
 * import { continuationText } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(continuationText(["he", "said"], ["that", "it", "was", "late", ".", "<eos>", "then"]),
 *   " that it was late. Then");
 * ```
 */
export function continuationText(prompt: readonly string[], words: readonly string[]): string {
  const head = detokenize(prompt), full = detokenize([...prompt, ...words]);
  return full.startsWith(head) ? full.slice(head.length) : ` ${detokenize(words)}`;
}
