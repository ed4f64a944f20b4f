/**
 * A dense (fully connected) layer, `y = W·x + b`: the layer that turns an LSTM's h_t into one score
 * per class (per word, for the next-word predictor).
 *
 * Introduced in notebook 07 (the next-word predictor's architecture: embedding, LSTM, dense, softmax).
 *
 * @module
 */

import { type Rng, seededRng, uniformMatrix } from "./random.ts";
import {
  copyOf,
  type DType,
  emptyLike,
  expectFinite,
  expectLength,
  expectWhole,
  type FloatArray,
  floatArray,
  type Matrix,
  toFloats,
  type VectorLike,
} from "./tensor.ts";

/** A dense layer from X inputs to Y outputs. */
export interface DenseParams<F extends FloatArray = Float32Array> {
  /** X, the length of the input. */
  readonly inputSize: number;
  /** Y, the length of the output. */
  readonly outputSize: number;
  /** The weights, `[Y, X]`: row r scores output r. */
  readonly W: Matrix<F>;
  /** The bias, `[Y]`. */
  readonly b: F;
}

/** Options for {@linkcode initDense}. */
export interface InitDenseOptions {
  /** Seed (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from. */
  rng?: Rng;
  /** The float type (default `"float32"`). */
  dtype?: DType;
}

/**
 * A fresh dense layer: Glorot-uniform weights (Keras's default for `Dense`; Glorot & Bengio 2010), zero bias.
 *
 * @example
 * ```ts
 * import { initDense } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const out = initDense(3, 5, { seed: 0 }); // X = 3, Y = 5
 * assert.equal(out.W.rows, 5);
 * assert.equal(out.W.cols, 3); // [Y, X]
 * ```
 */
export function initDense(
  inputSize: number,
  outputSize: number,
  options?: InitDenseOptions & { dtype?: "float32" },
): DenseParams;
export function initDense(
  inputSize: number,
  outputSize: number,
  options: InitDenseOptions & { dtype: "float64" },
): DenseParams<Float64Array>;
export function initDense(inputSize: number, outputSize: number, options?: InitDenseOptions): DenseParams<FloatArray>;
export function initDense(
  inputSize: number,
  outputSize: number,
  options: InitDenseOptions = {},
): DenseParams<FloatArray> {
  for (const [what, n] of [["inputSize", inputSize], ["outputSize", outputSize]] as const) {
    expectWhole(n, what, "make dense layer", 1);
  }
  const rng = options.rng ?? seededRng(options.seed ?? 0);
  const W = uniformMatrix(outputSize, inputSize, Math.sqrt(6 / (inputSize + outputSize)), rng); // [Y, X]
  const like = floatArray(options.dtype ?? "float32", 0);
  return {
    inputSize,
    outputSize,
    W: { rows: outputSize, cols: inputSize, data: copyOf(like, W.data) },
    b: emptyLike(like, outputSize),
  };
}

/**
 * The layer's output `y = W·x + b`, `[Y, X]·[X] + [Y] -> [Y]`.
 *
 * @throws {RangeError} if `x` does not have length X or holds a non-finite number
 *
 * @example
 * ```ts
 * import { dense } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const layer = { inputSize: 2, outputSize: 1, W: { rows: 1, cols: 2, data: new Float32Array([1, 2]) }, b: new Float32Array([3]) };
 * assert.deepEqual([...dense(layer, [10, 100])], [213]); // 1·10 + 2·100 + 3
 * ```
 */
export function dense<F extends FloatArray>(params: DenseParams<F>, x: VectorLike): F {
  const context = "apply dense layer";
  checkDenseParams(params, context);
  const { inputSize: X, outputSize: Y } = params;
  const v = toFloats(x, params.b, "x", context);
  expectLength(v, X, "x", context);
  const W = params.W.data;
  const y = emptyLike(params.b, Y); // [Y]
  for (let r = 0; r < Y; r++) {
    let sum = params.b[r];
    for (let k = 0; k < X; k++) sum += W[r * X + k] * v[k];
    y[r] = sum;
  }
  return y;
}

/**
 * The backward pass of {@linkcode dense}: adds `dy · xᵀ` to `grads.W` and `dy` to `grads.b`, and
 * returns `dL/dx = Wᵀ · dy`, `[X]`.
 *
 * @param params the layer
 * @param x the input the layer saw, `[X]`
 * @param dy the upstream gradient dL/dy, `[Y]`
 * @param grads where to add the weight gradients (from {@linkcode denseGradsLike}); adding lets one
 *   call per step or per example accumulate a whole batch
 *
 * @example
 * ```ts
 * import { dense, denseBackward, denseGradsLike, initDense } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const layer = initDense(2, 3, { seed: 0 });
 * const grads = denseGradsLike(layer);
 * const dx = denseBackward(layer, [1, 2], [0, 1, 0], grads); // L = y[1]
 * assert.deepEqual([...grads.W.data.subarray(2, 4)], [1, 2]); // dL/dW row 1 = x
 * assert.equal(dx.length, 2);
 * ```
 */
export function denseBackward<F extends FloatArray>(
  params: DenseParams<F>,
  x: VectorLike,
  dy: VectorLike,
  grads: DenseParams<F>,
): F {
  const context = "backpropagate dense layer";
  checkDenseParams(params, context);
  const { inputSize: X, outputSize: Y } = params;
  if (grads?.W?.rows !== Y || grads.W.cols !== X || grads.W.data.length !== X * Y || grads.b?.length !== Y) {
    throw new RangeError(
      `Cannot ${context}: grads must be shaped like the layer, W ${Y}×${X} and b [${Y}] (make them with denseGradsLike)`,
    );
  }
  const v = toFloats(x, params.b, "x", context);
  expectLength(v, X, "x", context);
  const d = toFloats(dy, params.b, "dy", context);
  expectLength(d, Y, "dy", context);
  const W = params.W.data, gW = grads.W.data; // [Y, X]
  const dx = emptyLike(params.b, X); // [X]
  for (let r = 0; r < Y; r++) {
    const dr = d[r];
    if (dr === 0) continue;
    for (let k = 0; k < X; k++) {
      gW[r * X + k] += dr * v[k];
      dx[k] += W[r * X + k] * dr;
    }
    grads.b[r] += dr;
  }
  return dx;
}

/**
 * A zero-filled dense layer of the same shape and float type as `params`, to collect gradients in.
 *
 * @example
 * ```ts
 * import { denseGradsLike, initDense } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const grads = denseGradsLike(initDense(3, 2));
 * assert.ok(grads.W.data.every((g) => g === 0));
 * assert.equal(grads.W.rows, 2); // [Y, X]
 * ```
 */
export function denseGradsLike<F extends FloatArray>(params: DenseParams<F>): DenseParams<F> {
  const { inputSize, outputSize } = params;
  return {
    inputSize,
    outputSize,
    W: { rows: outputSize, cols: inputSize, data: emptyLike(params.W.data) },
    b: emptyLike(params.b),
  };
}

/**
 * The layer's two tensors by name (its own arrays, so an optimizer writing into them trains the layer).
 *
 * @example
 * ```ts
 * import { denseTensors, initDense } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const layer = initDense(3, 2);
 * assert.equal(denseTensors(layer).W, layer.W.data);
 * ```
 */
export function denseTensors<F extends FloatArray>(params: DenseParams<F>): Record<"W" | "b", F> {
  return { W: params.W.data, b: params.b };
}

/**
 * Throws unless `params` is a well-formed dense layer with finite numbers.
 *
 * @example
 * ```ts
 * import { checkDenseParams, initDense } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const layer = initDense(3, 2);
 * layer.b[1] = NaN;
 * assert.throws(() => checkDenseParams(layer), { message: "Cannot use dense layer: b[1] is NaN, expected a finite number" });
 * ```
 */
export function checkDenseParams(params: DenseParams<FloatArray>, context = "use dense layer"): void {
  const { W, b, inputSize: X, outputSize: Y } = params;
  if (W.rows !== Y || W.cols !== X || W.data.length !== X * Y) {
    throw new RangeError(`Cannot ${context}: W is ${W.rows}×${W.cols}, expected ${Y}×${X} ([Y, X])`);
  }
  expectLength(b, Y, "b", context);
  expectFinite(W.data, "W", context);
  expectFinite(b, "b", context);
}
