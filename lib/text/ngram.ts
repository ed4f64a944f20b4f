/**
 * Count-based baselines for next-word prediction: a unigram model and an interpolated Kneser–Ney
 * trigram, trained on the same id stream and vocabulary as the LSTM, so every LSTM perplexity has an
 * honest number beside it.
 *
 * Both read a stream of token ids (`Vocabulary.encode`: sentences joined, `<eos>` after each) and give
 * P(w | the words before it). Contexts run across sentence ends, as the LSTM's do.
 *
 * Interpolated Kneser–Ney (Kneser & Ney 1995; in the interpolated form of Chen & Goodman 1999,
 * "An empirical study of smoothing techniques for language modeling", eq. 17), one absolute discount
 * D per order, estimated as D = n₁ / (n₁ + 2n₂) from how many n-grams were seen once (n₁) and twice
 * (n₂) (Ney, Essen & Kneser 1994):
 *
 * ```text
 * P₃(w | u v) = max(c(uvw) − D₃, 0) / c(uv·)  +  D₃ · N₁₊(uv·) / c(uv·) · P₂(w | v)      (P₂ if c(uv·) = 0)
 * P₂(w | v)   = max(N₁₊(·vw) − D₂, 0) / N₁₊(·v·)  +  D₂ · N₁₊(v·)ᶜ / N₁₊(·v·) · P₁(w)  (P₁ if N₁₊(·v·) = 0)
 * P₁(w)       = max(N₁₊(·w) − D₁, 0) / N₁₊(··)  +  D₁ · N₁₊(·)ᶜ / N₁₊(··) · 1/V
 * ```
 *
 * c counts occurrences; N₁₊(·vw) counts the distinct words u seen before "v w" (a *continuation*
 * count: how many contexts a word completes, not how often it occurs), N₁₊(uv·) the distinct words
 * seen after "u v", and the ᶜ marks the same counts taken over the continuation counts. Each level
 * gives away exactly the probability it discounts, so every distribution sums to 1.
 *
 * Introduced in notebook 08 (the next-word model), as the baselines.
 *
 * @module
 */

import { checkIds } from "./corpus.ts";

/** A model that gives the probability of the next token from the tokens before it. */
export interface NgramModel {
  /** n: how many tokens the model looks at, the predicted one included (1 for a unigram). */
  readonly order: number;
  /** V, the vocabulary size. */
  readonly vocabularySize: number;
  /**
   * P(w | context), where `context` holds the `order − 1` tokens before w, oldest first
   * (longer contexts are cut to their last `order − 1` tokens).
   */
  prob(context: ArrayLike<number>, w: number): number;
}

/** The result of {@linkcode ngramPerplexity}. */
export interface PerplexityResult {
  /** exp(mean loss): the model is as unsure as a fair choice among this many words. */
  readonly perplexity: number;
  /** Mean −ln P per token, in nats. */
  readonly meanLoss: number;
  /** How many tokens were scored. */
  readonly tokens: number;
}

/**
 * The unigram model: P(w) = c(w) / N, ignoring the context. Every vocabulary word occurs in the
 * training stream (that is how the vocabulary was chosen), so no probability is zero.
 *
 * @example
 * ```ts
 * import { unigramModel } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const model = unigramModel(Int32Array.from([2, 3, 2, 1]), 4); // V = 4
 * assert.equal(model.prob([], 2), 0.5); // 2 of 4 tokens
 * assert.equal(model.prob([], 0), 0); // never seen
 * ```
 */
export function unigramModel(train: Int32Array, vocabularySize: number): NgramModel {
  checkIds(train, vocabularySize, "train unigram model");
  const counts = new Float64Array(vocabularySize);
  for (const id of train) counts[id]++;
  const n = train.length;
  return {
    order: 1,
    vocabularySize,
    prob: (_context, w) => counts[w] / n,
  };
}

/** The counts of an interpolated Kneser–Ney trigram model, and its discounts. */
export interface KneserNeyTrigram extends NgramModel {
  /** The absolute discounts D₁, D₂, D₃ of the unigram, bigram and trigram levels. */
  readonly discounts: readonly [number, number, number];
}

/**
 * Trains an interpolated Kneser–Ney trigram model on a stream of ids (see the module doc for the
 * equations). About 2 s for the 835,523 tokens of the Brown training stream.
 *
 * @example
 * ```ts
 * import { kneserNeyTrigram } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const stream = Int32Array.from([0, 1, 2, 0, 1, 3, 0, 1, 2, 1, 2]); // V = 4
 * const model = kneserNeyTrigram(stream, 4);
 * let sum = 0;
 * for (let w = 0; w < 4; w++) sum += model.prob([0, 1], w);
 * assert.ok(Math.abs(sum - 1) < 1e-12); // a distribution (float64: 1e-12)
 * assert.ok(model.prob([0, 1], 2) > model.prob([0, 1], 3)); // "0 1 2" was seen twice, "0 1 3" once
 * ```
 */
export function kneserNeyTrigram(train: Int32Array, vocabularySize: number): KneserNeyTrigram {
  checkIds(train, vocabularySize, "train Kneser-Ney trigram");
  if (train.length < 3) {
    throw new RangeError(`Cannot train Kneser-Ney trigram: the stream has ${train.length} tokens, expected at least 3`);
  }
  const V = vocabularySize;
  // Keys: a bigram (v, w) is v·V + w; a trigram (u, v, w) is (u·V + v)·V + w, exact below 2⁵³ for V < 2¹⁷.
  if (V >= 2 ** 17) {
    throw new RangeError(`Cannot train Kneser-Ney trigram: V = ${V} is too large (at most ${2 ** 17 - 1})`);
  }

  // Trigram counts c(uvw), and per context (u v): c(uv·) and N₁₊(uv·).
  const tri = new Map<number, number>();
  for (let t = 2; t < train.length; t++) {
    const key = (train[t - 2] * V + train[t - 1]) * V + train[t];
    tri.set(key, (tri.get(key) ?? 0) + 1);
  }
  const triContext = new Map<number, { total: number; types: number }>();
  const continuationBigram = new Map<number, number>(); // N₁₊(·vw)
  for (const [key, count] of tri) {
    const uv = Math.floor(key / V), vw = key % (V * V);
    const c = triContext.get(uv) ?? { total: 0, types: 0 };
    c.total += count;
    c.types++;
    triContext.set(uv, c);
    continuationBigram.set(vw, (continuationBigram.get(vw) ?? 0) + 1);
  }
  // Bigram level, over continuation counts: per v, N₁₊(·v·) = Σ_w N₁₊(·vw) and the number of such w.
  const biContext = new Map<number, { total: number; types: number }>();
  for (const [vw, n] of continuationBigram) {
    const v = Math.floor(vw / V);
    const c = biContext.get(v) ?? { total: 0, types: 0 };
    c.total += n;
    c.types++;
    biContext.set(v, c);
  }
  // Unigram level: N₁₊(·w), the distinct words seen before w, over all bigram types of the stream.
  const bigramTypes = new Set<number>();
  for (let t = 1; t < train.length; t++) bigramTypes.add(train[t - 1] * V + train[t]);
  const continuationUnigram = new Float64Array(V);
  for (const vw of bigramTypes) continuationUnigram[vw % V]++;
  const unigramTotal = bigramTypes.size; // N₁₊(··)
  const unigramTypes = continuationUnigram.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);

  const D3 = discount(tri.values());
  const D2 = discount(continuationBigram.values());
  const D1 = discount(continuationUnigram.values());

  const p1 = (w: number) =>
    Math.max(continuationUnigram[w] - D1, 0) / unigramTotal + (D1 * unigramTypes / unigramTotal) / V;
  const p2 = (v: number, w: number) => {
    const c = biContext.get(v);
    if (c === undefined) return p1(w);
    const n = continuationBigram.get(v * V + w) ?? 0;
    return Math.max(n - D2, 0) / c.total + (D2 * c.types / c.total) * p1(w);
  };
  const p3 = (u: number, v: number, w: number) => {
    const c = triContext.get(u * V + v);
    if (c === undefined) return p2(v, w);
    const n = tri.get((u * V + v) * V + w) ?? 0;
    return Math.max(n - D3, 0) / c.total + (D3 * c.types / c.total) * p2(v, w);
  };
  return {
    order: 3,
    vocabularySize: V,
    discounts: [D1, D2, D3],
    prob(context, w) {
      checkWord(w, V, "take a Kneser-Ney probability");
      for (const id of Array.from(context).slice(-2)) checkWord(id, V, "take a Kneser-Ney probability"); // the ones used
      const k = context.length;
      if (k >= 2) return p3(context[k - 2], context[k - 1], w);
      if (k === 1) return p2(context[0], w);
      return p1(w);
    },
  };
}

/**
 * Perplexity of a model on a stream: exp of the mean of −ln P(w_t | the tokens before it) over
 * t = `from` … end. The default `from = 2` scores every token that has two tokens of context, so a
 * unigram, a trigram and an LSTM evaluated from the same position are scored on the same tokens.
 *
 * @throws {RangeError} if the model gives some token probability 0 (its perplexity would be infinite)
 *
 * @example
 * ```ts
 * import { ngramPerplexity, unigramModel } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const ids = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]);
 * const { perplexity } = ngramPerplexity(unigramModel(ids, 4), ids);
 * assert.ok(Math.abs(perplexity - 4) < 1e-12); // uniform over 4 words: as unsure as a 4-way choice
 * ```
 */
export function ngramPerplexity(model: NgramModel, ids: Int32Array, from = 2): PerplexityResult {
  checkIds(ids, model.vocabularySize, "compute perplexity");
  const context = Math.max(0, model.order - 1);
  let loss = 0;
  for (let t = from; t < ids.length; t++) {
    const p = model.prob(ids.subarray(Math.max(0, t - context), t), ids[t]);
    if (!(p > 0)) {
      throw new RangeError(`Cannot compute perplexity: the model gives token ${t} (id ${ids[t]}) probability ${p}`);
    }
    loss -= Math.log(p);
  }
  const tokens = ids.length - from;
  if (tokens < 1) throw new RangeError(`Cannot compute perplexity: no tokens after position ${from}`);
  return { perplexity: Math.exp(loss / tokens), meanLoss: loss / tokens, tokens };
}

/**
 * D = n₁ / (n₁ + 2n₂) from the counts of a level (Ney, Essen & Kneser 1994). That estimate is 0 when
 * no n-gram of the level occurs exactly once (n₁ = 0), and a discount of 0 leaves no probability for
 * the lower levels, so unseen words would get probability 0; KenLM refuses such a corpus. Here D
 * falls back to 0.5 whenever the estimate is undefined or not in (0, 1], so that every word of the
 * vocabulary keeps a positive probability on any corpus.
 */
function discount(counts: Iterable<number>): number {
  let n1 = 0, n2 = 0;
  for (const c of counts) {
    if (c === 1) n1++;
    else if (c === 2) n2++;
  }
  const d = n1 / (n1 + 2 * n2);
  return d > 0 && d <= 1 ? d : 0.5;
}

function checkWord(id: number, V: number, context: string): void {
  if (!Number.isInteger(id) || id < 0 || id >= V) {
    throw new RangeError(`Cannot ${context}: word ids must be whole numbers in [0, ${V}), got ${id}`);
  }
}
