/**
 * The pointwise operations of the LSTM diagram (its pink circles): element-wise
 * product ⊗, sum +, and the two squashing functions tanh and σ, with their derivatives.
 *
 * Each takes `number[]` or `Float32Array` and returns a new `Float32Array` of the same
 * length; nothing broadcasts. Taught in notebook 03 (pointwise operations).
 *
 * Derivatives come in two forms: of the input (`sigmoidDerivative(x)`, for plotting the
 * curves) and of the saved output (`sigmoidDerivativeFromOutput(s) = s(1 - s)`,
 * `tanhDerivativeFromOutput(t) = 1 - t²`), which is what backprop uses, because the forward
 * pass has already computed `s` and `t`.
 *
 * @module
 */

import { toVector, type VectorLike } from "./tensor.ts";

/**
 * Element-wise product `a ⊗ b` (the Hadamard product): `[n] ⊗ [n] -> [n]`.
 *
 * @throws {RangeError} if the lengths differ (nothing is broadcast)
 *
 * @example
 * ```ts
 * import { mul } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...mul([4, 5, 6], [1, 2, 3])], [4, 10, 18]);
 * ```
 */
export function mul(a: VectorLike, b: VectorLike): Float32Array {
  const [u, v] = pair(a, b, "multiply element-wise (⊗)");
  const out = new Float32Array(u.length);
  for (let k = 0; k < u.length; k++) out[k] = u[k] * v[k];
  return out;
}

/**
 * Element-wise sum `a + b`: `[n] + [n] -> [n]`.
 *
 * @throws {RangeError} if the lengths differ (nothing is broadcast)
 *
 * @example
 * ```ts
 * import { add } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...add([4, 5, 6], [1, 2, 3])], [5, 7, 9]);
 * ```
 */
export function add(a: VectorLike, b: VectorLike): Float32Array {
  const [u, v] = pair(a, b, "add element-wise (+)");
  const out = new Float32Array(u.length);
  for (let k = 0; k < u.length; k++) out[k] = u[k] + v[k];
  return out;
}

/**
 * Hyperbolic tangent of each entry, `tanh(x) = (e^x - e^-x) / (e^x + e^-x)`, squashing into (-1, 1).
 *
 * @example
 * ```ts
 * import { tanh } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const t = tanh([-1, 0, 1]);
 * assert.equal(t[1], 0);
 * assert.ok(Math.abs(t[2] - 0.7615942) < 1e-6); // float32: tolerance 1e-6
 * assert.equal(t[0], -t[2]); // tanh is odd
 * ```
 */
export function tanh(x: VectorLike): Float32Array {
  return map(x, Math.tanh, "apply tanh");
}

/**
 * The logistic sigmoid of each entry, `σ(x) = 1 / (1 + e^-x)`, squashing into (0, 1).
 *
 * Computed as `e^x / (1 + e^x)` for negative x so that `e^-x` never overflows.
 *
 * @example
 * ```ts
 * import { sigmoid } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const s = sigmoid([-1000, 0, 1000]);
 * assert.deepEqual([...s], [0, 0.5, 1]);
 * ```
 */
export function sigmoid(x: VectorLike): Float32Array {
  return map(x, sigmoidScalar, "apply sigmoid");
}

/**
 * The derivative of σ at each entry of `x`: `σ'(x) = σ(x)(1 - σ(x))`, largest (0.25) at x = 0.
 *
 * @example
 * ```ts
 * import { sigmoidDerivative } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sigmoidDerivative([0])[0], 0.25);
 * ```
 */
export function sigmoidDerivative(x: VectorLike): Float32Array {
  return map(x, (v) => {
    const s = sigmoidScalar(v);
    return s * (1 - s);
  }, "apply sigmoid derivative");
}

/**
 * The derivative of tanh at each entry of `x`: `tanh'(x) = 1 - tanh(x)²`, largest (1) at x = 0.
 *
 * @example
 * ```ts
 * import { tanhDerivative } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(tanhDerivative([0])[0], 1);
 * ```
 */
export function tanhDerivative(x: VectorLike): Float32Array {
  return map(x, (v) => {
    const t = Math.tanh(v);
    return 1 - t * t;
  }, "apply tanh derivative");
}

/**
 * σ' from σ's saved output `s = σ(x)`: `s(1 - s)`. Backprop uses this form: the forward pass kept `s`.
 *
 * @example
 * ```ts
 * import { sigmoid, sigmoidDerivative, sigmoidDerivativeFromOutput } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const x = [-2, 0, 3];
 * const fromOutput = sigmoidDerivativeFromOutput(sigmoid(x));
 * sigmoidDerivative(x).forEach((d, k) => assert.ok(Math.abs(d - fromOutput[k]) < 1e-7)); // float32: 1e-7
 * ```
 */
export function sigmoidDerivativeFromOutput(s: VectorLike): Float32Array {
  return map(s, (v) => v * (1 - v), "apply sigmoid derivative from output");
}

/**
 * tanh' from tanh's saved output `t = tanh(x)`: `1 - t²`.
 *
 * @example
 * ```ts
 * import { tanh, tanhDerivativeFromOutput } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(tanhDerivativeFromOutput(tanh([0]))[0], 1);
 * ```
 */
export function tanhDerivativeFromOutput(t: VectorLike): Float32Array {
  return map(t, (v) => 1 - v * v, "apply tanh derivative from output");
}

/**
 * σ of one number; stable for large |x| (never computes e^x for large positive x).
 *
 * @example
 * ```ts
 * import { sigmoidScalar } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sigmoidScalar(0), 0.5);
 * assert.equal(sigmoidScalar(-1000), 0); // e^1000 would be Infinity
 * ```
 */
export function sigmoidScalar(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function map(x: VectorLike, fn: (value: number) => number, context: string): Float32Array {
  const v = toVector(x, "x", context);
  const out = new Float32Array(v.length);
  for (let k = 0; k < v.length; k++) out[k] = fn(v[k]);
  return out;
}

function pair(a: VectorLike, b: VectorLike, context: string): [Float32Array, Float32Array] {
  const u = toVector(a, "a", context);
  const v = toVector(b, "b", context);
  if (u.length !== v.length) {
    throw new RangeError(
      `Cannot ${context}: a has length ${u.length} but b has length ${v.length}; both must have the same length`,
    );
  }
  return [u, v];
}
