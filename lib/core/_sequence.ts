// Helpers shared by the recurrent layers (lstm.ts, rnn.ts): checking a sequence's inputs and
// states, and allocating a trace as views into one buffer per quantity.

import { emptyLike, expectLength, type FloatArray, toFloats, type VectorLike } from "./tensor.ts";

/** T views of length n into one new buffer of the same float type as `like`: `[T][n]`. */
export function views<F extends FloatArray>(like: F, T: number, n: number): F[] {
  const buffer = emptyLike(like, T * n);
  return Array.from({ length: T }, (_, t) => buffer.subarray(t * n, (t + 1) * n) as F);
}

/** Checks a list of T ≥ 1 input vectors of length X and returns them in the parameters' float type. */
export function readInputs<F extends FloatArray>(
  xs: readonly VectorLike[],
  like: F,
  X: number,
  context: string,
): F[] {
  if (!Array.isArray(xs)) throw new TypeError(`Cannot ${context}: xs must be a list of input vectors`);
  if (xs.length === 0) throw new RangeError(`Cannot ${context}: xs has length 0, expected at least 1 step`);
  // Always copied: the trace keeps the inputs, and must not change if the caller reuses its arrays.
  const out = views(like, xs.length, X);
  xs.forEach((x, t) => {
    const v = toFloats(x, like, `xs[${t}]`, context);
    expectLength(v, X, `xs[${t}]`, context);
    out[t].set(v);
  });
  return out;
}

/** A state vector `[H]` in the parameters' float type: a copy of `v`, or zeros when `v` is undefined. */
export function readState<F extends FloatArray>(
  v: VectorLike | undefined,
  like: F,
  H: number,
  what: string,
  context: string,
): F {
  if (v === undefined) return emptyLike(like, H);
  const out = emptyLike(like, H);
  const values = toFloats(v, like, what, context);
  expectLength(values, H, what, context);
  out.set(values);
  return out;
}
