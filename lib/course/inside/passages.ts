/**
 * Stretches of text to read closely (notebook 10): a passage with a quotation across a sentence end, its
 * shortest quoted sentence, and what the model expected after each of its tokens.
 *
 * @module
 */

import type { LSTMTrace } from "../../core/lstm.ts";
import type { Vocabulary } from "../../text/corpus.ts";
import { topWords } from "../../text/sampling.ts";
import { nextWordProbabilities, type WordLSTM } from "../../engine/word_lstm.ts";

/** A stretch of tokens, `[from, to)`. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** Where each sentence starts: 0, and the token after each `<eos>`. */
export function sentenceStarts(words: readonly string[]): number[] {
  return [0, ...words.flatMap((w, t) => (w === "<eos>" && t + 1 < words.length ? [t + 1] : []))];
}

/**
 * The passage notebook 10 reads closely: the first run of whole sentences starting at or after token
 * `after`, `minTokens` to `maxTokens` long, with at most `maxUnknown` `<unk>`, that holds a quotation
 * (`` … '') running on past the end of a sentence.
 *
 * @throws {RangeError} if no stretch of the text fits
 */
export function findPassage(
  words: readonly string[],
  options: { after?: number; minTokens?: number; maxTokens?: number; maxUnknown?: number } = {},
): Span {
  const { after = 1_000, minTokens = 45, maxTokens = 70, maxUnknown = 2 } = options;
  const starts = sentenceStarts(words).filter((s) => s >= after);
  for (let a = 0; a < starts.length; a++) {
    for (let b = a + 1; b < starts.length && starts[b] - starts[a] <= maxTokens; b++) {
      const span = words.slice(starts[a], starts[b]);
      const open = span.indexOf("``"), close = span.indexOf("''", open);
      const crossesEnd = open >= 0 && close > open && span.slice(open, close).includes("<eos>");
      const unknown = span.filter((w) => w === "<unk>").length;
      if (span.length >= minTokens && unknown <= maxUnknown && crossesEnd) return { from: starts[a], to: starts[b] };
    }
  }
  throw new RangeError(
    `Cannot find a passage: no ${minTokens} to ${maxTokens} tokens of whole sentences after token ${after} hold a quotation across a sentence end`,
  );
}

/** The shortest sentence inside `span` that opens and closes a quotation. */
export function shortestQuotedSentence(words: readonly string[], span: Span): Span {
  const starts = [...sentenceStarts(words).filter((s) => s >= span.from && s < span.to), span.to];
  const quoted = starts.slice(1).map((to, k) => ({ from: starts[k], to })).filter(({ from, to }) => {
    const sentence = words.slice(from, to);
    return sentence.includes("``") && sentence.includes("''");
  });
  if (quoted.length === 0) {
    throw new RangeError(`Cannot pick a sentence: no sentence in tokens [${span.from}, ${span.to}) holds a quotation`);
  }
  return quoted.reduce((a, b) => (b.to - b.from < a.to - a.from ? b : a));
}

/** What the model expected after one token of a passage (notebook 10, section 6). */
export interface TokenPrediction {
  /** The token's position in the passage. */
  readonly t: number;
  readonly word: string;
  /** The word that really came next. */
  readonly next: string;
  /** P(the word that came next). */
  readonly pNext: number;
  /** The five most probable next words. */
  readonly top: readonly { readonly word: string; readonly p: number }[];
  /** Entropy of the distribution, bits. */
  readonly bits: number;
}

/**
 * After each token of `span`, the next-word distribution read off the traced h_t: the probability of
 * the word that really came next, the top five and the entropy. `ids` must extend one token past the span.
 *
 * @param trace the trace of `ids` from its start
 */
export function passagePredictions(
  net: WordLSTM,
  vocabulary: Vocabulary,
  trace: Pick<LSTMTrace, "h">,
  ids: ArrayLike<number>,
  span: Span,
): TokenPrediction[] {
  if (!(0 <= span.from && span.from < span.to && span.to < ids.length && span.to <= trace.h.length)) {
    throw new RangeError(
      `Cannot read predictions: tokens [${span.from}, ${span.to}) need ids up to ${span.to} (got ${ids.length}) and a trace as long`,
    );
  }
  return Array.from({ length: span.to - span.from }, (_, t) => {
    const probs = nextWordProbabilities(net, trace.h[span.from + t]);
    const nextId = ids[span.from + t + 1];
    return {
      t,
      word: vocabulary.words[ids[span.from + t]],
      next: vocabulary.words[nextId],
      pNext: probs[nextId],
      top: topWords(probs, 5).map(({ id, p }) => ({ word: vocabulary.words[id], p })),
      bits: entropyBits(probs),
    };
  });
}

/** Entropy of a distribution in bits: log₂ of how many equally likely words it is as unsure as. */
export function entropyBits(probs: ArrayLike<number>): number {
  let e = 0;
  for (let w = 0; w < probs.length; w++) if (probs[w] > 0) e -= probs[w] * Math.log2(probs[w]);
  return e;
}
