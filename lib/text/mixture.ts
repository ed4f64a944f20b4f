/**
 * Mixing language models: P(w | context) = Σ_k λ_k P_k(w | context), with weights λ_k ≥ 0 summing to 1
 * fitted on validation text. Linear interpolation of a neural model with an n-gram model is as old as
 * neural language models (Bengio et al. 2003 mixed theirs with a trigram); a unigram **cache**
 * (Kuhn & De Mori 1990) adds what the last few hundred words said: names and topics recur.
 *
 * Everything works on per-token probability arrays: `components[k][j]` is model k's probability of
 * the j-th scored token, all models scored on the same tokens.
 *
 * Introduced in notebook 09 (the last row of the final table).
 *
 * @module
 */

import type { NgramModel } from "./ngram.ts";
import { expectWhole } from "../core/tensor.ts";

/** An n-gram model's probability of `ids[t]` after the tokens before it, for each t in `positions`. */
export function ngramProbabilities(model: NgramModel, ids: Int32Array, positions: readonly number[]): Float64Array {
  const n = Math.max(0, model.order - 1);
  return Float64Array.from(positions, (t) => model.prob(ids.subarray(Math.max(0, t - n), t), ids[t]));
}

/**
 * A unigram cache: P(ids[t]) = (how often ids[t] occurs among the `window` tokens before t) / window
 * (fewer at the start). Zero for a word not seen recently: only useful inside a mixture.
 */
export function cacheProbabilities(
  ids: Int32Array,
  positions: readonly number[],
  vocabularySize: number,
  window = 500,
): Float64Array {
  expectWhole(window, "window", "build cache", 1);
  const counts = new Int32Array(vocabularySize);
  const out = new Float64Array(positions.length);
  let lo = 0, hi = 0; // counts hold ids[lo, hi)
  positions.forEach((t, j) => {
    if (t < hi) throw new RangeError(`Cannot build cache: positions must increase, got ${t} after ${hi}`);
    for (; hi < t; hi++) counts[ids[hi]]++;
    for (; lo < t - window; lo++) counts[ids[lo]]--;
    const seen = hi - lo;
    out[j] = seen === 0 ? 0 : counts[ids[t]] / seen;
  });
  return out;
}

function check(components: readonly Float64Array[], weights: readonly number[] | null, context: string): number {
  if (components.length === 0) throw new RangeError(`Cannot ${context}: no components`);
  const n = components[0].length;
  components.forEach((c, k) => {
    if (c.length !== n) {
      throw new RangeError(`Cannot ${context}: component ${k} has ${c.length} tokens, component 0 has ${n}`);
    }
  });
  if (weights !== null) {
    if (weights.length !== components.length) {
      throw new RangeError(`Cannot ${context}: ${weights.length} weights for ${components.length} components`);
    }
    const sum = weights.reduce((a, b) => a + b, 0);
    if (weights.some((w) => !(w >= 0)) || Math.abs(sum - 1) > 1e-9) {
      throw new RangeError(`Cannot ${context}: weights must be >= 0 and sum to 1 (within 1e-9), got ${weights}`);
    }
  }
  return n;
}

/** exp(−mean ln Σ_k λ_k p_k) over the scored tokens. */
export function mixturePerplexity(components: readonly Float64Array[], weights: readonly number[]): number {
  const n = check(components, weights, "compute mixture perplexity");
  let loss = 0;
  for (let j = 0; j < n; j++) {
    let p = 0;
    for (let k = 0; k < components.length; k++) p += weights[k] * components[k][j];
    if (!(p > 0)) throw new RangeError(`Cannot compute mixture perplexity: token ${j} has probability ${p}`);
    loss -= Math.log(p);
  }
  return Math.exp(loss / n);
}

/**
 * The weights that maximise the likelihood of the tokens, by expectation–maximisation (Dempster,
 * Laird & Rubin 1977): λ_k ← mean_j λ_k p_kj / Σ_i λ_i p_ij, which never lowers the likelihood.
 * Fit on validation text, then use on test text.
 */
export function bestMixture(components: readonly Float64Array[], iterations = 100): number[] {
  const n = check(components, null, "fit mixture");
  const K = components.length;
  let w = Array<number>(K).fill(1 / K);
  for (let it = 0; it < iterations; it++) {
    const next = Array<number>(K).fill(0);
    for (let j = 0; j < n; j++) {
      let p = 0;
      for (let k = 0; k < K; k++) p += w[k] * components[k][j];
      if (p > 0) { for (let k = 0; k < K; k++) next[k] += w[k] * components[k][j] / p; }
    }
    w = next.map((x) => x / n);
  }
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}
