/**
 * Seeded randomness: the same seed gives the same numbers on every run and every machine,
 * so a notebook draws the same pictures every time it is run.
 *
 * The generator is xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", 2021), seeded through splitmix32 so that nearby seeds give unrelated streams.
 * It uses only 32-bit integer arithmetic (`Math.imul`), so every JavaScript engine gives the
 * same stream.
 *
 * @module
 */

import { expectWhole, type Matrix } from "./tensor.ts";

/** A seeded source of random numbers. Pass one around instead of calling `Math.random()`. */
export interface Rng {
  /** The seed this generator was made from. */
  readonly seed: number;
  /** A uniform number in [0, 1), with 32 random bits. */
  next(): number;
  /** A uniform number in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** A whole number in [0, n). */
  int(n: number): number;
  /** A standard normal number (mean 0, standard deviation 1), by the Box–Muller transform. */
  normal(): number;
}

/**
 * A random number generator seeded with the whole number `seed`.
 *
 * @throws {TypeError} if `seed` is not a whole number
 *
 * @example
 * ```ts
 * import { seededRng } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const a = seededRng(42);
 * const b = seededRng(42);
 * assert.equal(a.next(), b.next()); // same seed, same numbers
 * assert.notEqual(seededRng(1).next(), seededRng(2).next());
 * ```
 */
export function seededRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new TypeError(`Cannot seed random generator: seed must be a whole number, got ${seed}`);
  }
  // A SplitMix-style counter (Steele, Lea & Flood, 2014) hashed by the MurmurHash3 finaliser expands
  // one seed into the 128-bit state, so that seeds 1, 2, 3 give unrelated streams.
  let sm = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
  const splitmix = () => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const nextUint32 = xoshiro128ss([splitmix(), splitmix(), splitmix(), splitmix()]);
  const next = () => nextUint32() / 2 ** 32;
  return {
    seed,
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => {
      expectWhole(n, "n", "draw random integer", 1);
      return Math.floor(next() * n);
    },
    normal: () => {
      // Box–Muller; 1 - next() lies in (0, 1], so the logarithm is finite.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/**
 * The raw xoshiro128** generator (Blackman & Vigna): from a 128-bit state of four 32-bit words,
 * a function returning the next 32-bit unsigned integer. {@linkcode seededRng} builds on it.
 *
 * @example
 * ```ts
 * import { xoshiro128ss } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * // The reference implementation (prng.di.unimi.it, xoshiro128starstar.c) gives these from state 1, 2, 3, 4.
 * const next = xoshiro128ss([1, 2, 3, 4]);
 * assert.deepEqual([next(), next(), next(), next()], [11520, 0, 5927040, 70819200]);
 * ```
 */
export function xoshiro128ss(state: readonly [number, number, number, number]): () => number {
  let [s0, s1, s2, s3] = state.map((w) => w >>> 0);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state would only ever give zeros
  return () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A `[rows, cols]` matrix with entries drawn uniformly from [-limit, limit).
 *
 * @example
 * ```ts
 * import { seededRng, uniformMatrix } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const W = uniformMatrix(3, 7, 0.5, seededRng(0)); // [3, 7]
 * assert.equal(W.data.length, 21);
 * assert.ok(W.data.every((w) => Math.abs(w) <= 0.5));
 * ```
 */
export function uniformMatrix(rows: number, cols: number, limit: number, rng: Rng): Matrix {
  if (!(limit >= 0)) throw new RangeError(`Cannot make uniform matrix: limit must be >= 0, got ${limit}`);
  const data = new Float32Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = rng.uniform(-limit, limit);
  return { rows, cols, data };
}

/**
 * Glorot/Xavier uniform initialisation (Glorot & Bengio, 2010): a `[rows, cols]` matrix with
 * entries uniform in ±√(6 / (fanIn + fanOut)), where fanIn = cols (inputs per unit) and
 * fanOut = rows. It keeps the variance of activations roughly constant from layer to layer.
 *
 * @example
 * ```ts
 * import { glorotUniform, seededRng } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const W = glorotUniform(3, 7, seededRng(0)); // limit √(6/10) ≈ 0.775
 * assert.ok(W.data.every((w) => Math.abs(w) <= Math.sqrt(0.6)));
 * ```
 */
export function glorotUniform(rows: number, cols: number, rng: Rng): Matrix {
  return uniformMatrix(rows, cols, Math.sqrt(6 / (rows + cols)), rng);
}

/**
 * Fisher–Yates shuffle into a new array, driven by `rng`.
 *
 * @example
 * ```ts
 * import { seededRng, shuffle } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const items = [1, 2, 3, 4, 5];
 * assert.deepEqual(shuffle(items, seededRng(3)), shuffle(items, seededRng(3)));
 * assert.deepEqual(shuffle(items, seededRng(3)).toSorted(), items);
 * ```
 */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let k = out.length - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    [out[k], out[j]] = [out[j], out[k]];
  }
  return out;
}
