/**
 * Choosing the next word from a next-word distribution: the top k words, and the four ways of
 * picking one when generating text (greedy, temperature, top-k, top-p). Pure functions over a
 * probability vector `[V]`, shared by every word model of the course (the lecture's prefix model of
 * notebook 07 and the streaming model of notebooks 08–10 and the CLI).
 *
 * One rule for `<unk>`, the token that stands for every rare word: it is not a word, so by default
 * it is neither ranked among the top words nor picked when generating (`unknown: true` allows both).
 * Probabilities are always the model's own, not renormalised.
 *
 * @module
 */

import type { Rng } from "../core/random.ts";

/** One predicted word and its probability (the model's own, not renormalised). */
export interface WordProbability {
  readonly word: string;
  readonly p: number;
}

/** How to pick each next word when generating text. */
export type Sampling =
  /** always the most probable word */
  | { kind: "greedy" }
  /** from p^(1/τ), renormalised: τ < 1 sharper, τ > 1 flatter (Ackley, Hinton & Sejnowski 1985) */
  | { kind: "temperature"; temperature: number }
  /** from the k most probable words only (Fan, Lewis & Dauphin 2018), optionally with a temperature */
  | { kind: "topK"; k: number; temperature?: number }
  /** from the smallest set of most probable words whose probabilities sum to at least p: nucleus sampling (Holtzman et al. 2020) */
  | { kind: "topP"; p: number; temperature?: number };

/**
 * Checks a {@linkcode Sampling} for a vocabulary of `V` words.
 *
 * @throws {RangeError} naming the option, what was expected and what came
 */
export function checkSampling(sampling: Sampling, V: number, context = "sample the next word"): void {
  if (typeof sampling !== "object" || sampling === null) {
    throw new TypeError(
      `Cannot ${context}: sampling must be an object such as { kind: "greedy" } or { kind: "topP", p: 0.9 }, got ${
        JSON.stringify(sampling)
      }`,
    );
  }
  const kind = (sampling as { kind?: unknown }).kind;
  const temperature = (sampling as { temperature?: unknown }).temperature;
  if (
    kind !== "greedy" && temperature !== undefined &&
    !(typeof temperature === "number" && temperature > 0 && Number.isFinite(temperature))
  ) {
    throw new RangeError(`Cannot ${context}: temperature must be a number > 0, got ${show(temperature)}`);
  }
  if (kind === "greedy") return;
  if (kind === "temperature") {
    if (temperature === undefined) throw new RangeError(`Cannot ${context}: temperature sampling needs a temperature`);
    return;
  }
  if (kind === "topK") {
    checkK((sampling as { k: number }).k, V, context);
    return;
  }
  if (kind === "topP") {
    const p = (sampling as { p: unknown }).p;
    if (!(typeof p === "number" && p > 0 && p <= 1)) {
      throw new RangeError(`Cannot ${context}: top-p needs a number 0 < p <= 1, got ${show(p)}`);
    }
    return;
  }
  throw new RangeError(
    `Cannot ${context}: sampling kind must be "greedy", "temperature", "topK" or "topP", got ${JSON.stringify(kind)}`,
  );
}

function checkK(k: number, V: number, context: string, what = ""): void {
  if (V < 1) throw new RangeError(`Cannot ${context}: every word is excluded, there is nothing to choose from`);
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1 || k > V) {
    throw new RangeError(`Cannot ${context}: k must be a whole number from 1 to ${V}${what}, got ${show(k)}`);
  }
}

/** A value as an error message shows it: numbers as they are, anything else as JSON ("3" in quotes). */
function show(value: unknown): string {
  return typeof value === "number" ? String(value) : JSON.stringify(value) ?? String(value);
}

/** Probabilities must be numbers: finite and >= 0 (not necessarily summing to 1). */
function checkProbs(probs: ArrayLike<number>, context: string): void {
  if (probs === null || typeof probs !== "object" || typeof probs.length !== "number") {
    throw new TypeError(`Cannot ${context}: expected an array of probabilities, got ${show(probs)}`);
  }
  for (let id = 0; id < probs.length; id++) {
    const p = probs[id];
    if (typeof p !== "number" || !(p >= 0) || p === Infinity) {
      throw new RangeError(`Cannot ${context}: probabilities must be finite numbers >= 0; entry ${id} is ${show(p)}`);
    }
  }
}

/**
 * The `k` most probable entries of a distribution, most probable first (ties: the smaller id first),
 * leaving out `excluded` ids (by default none). One pass with a sorted list of k, O(V·k), which for
 * k ≪ V is faster than sorting all V.
 *
 * @throws {RangeError} if `k` is not a whole number from 1 to the number of candidates
 *
 * @example
 * ```ts
 * import { topWords } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(topWords([0.1, 0.5, 0.2, 0.2], 2), [{ id: 1, p: 0.5 }, { id: 2, p: 0.2 }]);
 * assert.deepEqual(topWords([0.6, 0.3, 0.1], 1, [0]), [{ id: 1, p: 0.3 }]); // id 0 (<unk>) left out
 * ```
 */
export function topWords(
  probs: ArrayLike<number>,
  k: number,
  excluded: readonly number[] = [],
): { id: number; p: number }[] {
  checkProbs(probs, "rank the next words");
  const skip = new Set(excluded.filter((id) => id >= 0 && id < probs.length));
  checkK(k, probs.length - skip.size, "rank the next words", skip.size > 0 ? " (the words not excluded)" : "");
  const best: { id: number; p: number }[] = [];
  for (let id = 0; id < probs.length; id++) {
    if (skip.has(id)) continue;
    const p = probs[id];
    if (best.length === k && !(p > best[k - 1].p)) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].p < p) at--;
    best.splice(at, 0, { id, p });
    if (best.length > k) best.pop();
  }
  return best;
}

/**
 * The ids of the `k` largest probabilities, largest first: {@linkcode topWords} without the probabilities.
 *
 * @example
 * ```ts
 * import { topK } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(topK([0.1, 0.5, 0.2, 0.2], 3), [1, 2, 3]);
 * assert.deepEqual(topK([0.6, 0.3, 0.1], 2, [0]), [1, 2]); // id 0 (<unk>) left out
 * ```
 */
export function topK(probs: ArrayLike<number>, k: number, excluded: readonly number[] = []): number[] {
  return topWords(probs, k, excluded).map((w) => w.id);
}

/**
 * Picks the next word's id from `probs` `[V]` as `sampling` says, never an `excluded` id (unless
 * nothing else has probability). Greedy needs no `rng`; the others draw one uniform number from it.
 *
 * @throws {RangeError} if `sampling` is not valid for V = probs.length (see {@linkcode checkSampling})
 *
 * @example
 * ```ts
 * import { pickNext, seededRng } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const probs = Float32Array.from([0.5, 0.3, 0.15, 0.05]);
 * assert.equal(pickNext(probs, { kind: "greedy" }, seededRng(0)), 0);
 * assert.equal(pickNext(probs, { kind: "greedy" }, seededRng(0), [0]), 1); // <unk> (id 0) left out
 * // top-p 0.8: only ids 0 and 1 (0.5 + 0.3 reaches 0.8) can come out
 * const rng = seededRng(1);
 * for (let k = 0; k < 50; k++) assert.ok(pickNext(probs, { kind: "topP", p: 0.8 }, rng) <= 1);
 * ```
 */
export function pickNext(
  probs: ArrayLike<number>,
  sampling: Sampling,
  rng: Rng,
  excluded: readonly number[] = [],
): number {
  checkProbs(probs, "pick the next word");
  const V = probs.length;
  const skip = new Set(excluded.filter((id) => id >= 0 && id < V));
  if (V - skip.size < 1) {
    throw new RangeError("Cannot pick the next word: every word is excluded, there is nothing to choose from");
  }
  checkSampling(sampling, V - skip.size);
  if (sampling.kind === "greedy") return topK(probs, 1, excluded)[0];
  // Candidates, most probable first.
  let candidates: number[];
  if (sampling.kind === "topK") candidates = topK(probs, Math.min(sampling.k, V - skip.size), excluded);
  else if (sampling.kind === "topP") {
    const ranked: number[] = [];
    for (let id = 0; id < V; id++) if (!skip.has(id)) ranked.push(id);
    ranked.sort((a, b) => probs[b] - probs[a] || a - b);
    let total = 0;
    for (const id of ranked) total += probs[id];
    candidates = [];
    let mass = 0;
    for (const id of ranked) {
      candidates.push(id);
      mass += probs[id];
      // p of what is left once excluded ids are out; a relative 1e-6 absorbs float32 rounding
      if (mass >= sampling.p * total * (1 - 1e-6)) break;
    }
  } else {
    candidates = [];
    for (let id = 0; id < V; id++) if (!skip.has(id)) candidates.push(id);
  }
  const tau = sampling.kind === "temperature" ? sampling.temperature : sampling.temperature ?? 1;
  const weights = candidates.map((id) => probs[id] > 0 ? Math.exp(Math.log(probs[id]) / tau) : 0); // p^(1/τ)
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return topK(probs, 1, excluded)[0];
  let r = rng.next() * total;
  for (let k = 0; k < candidates.length; k++) {
    r -= weights[k];
    if (r < 0) return candidates[k];
  }
  return candidates[candidates.length - 1];
}
