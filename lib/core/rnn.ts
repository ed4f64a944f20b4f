/**
 * The vanilla RNN: one state, one weight matrix, one squashing function.
 *
 * ```text
 * h_t = tanh(W·[h_{t-1}, x_t] + b)        W [H, H+X], b [H], h_t [H]
 * ```
 *
 * It is the LSTM's baseline: the same reading of `[h_{t-1}, x_t]`, but no separate long-term memory,
 * so whatever must be remembered has to survive being squashed through tanh and multiplied by W at
 * every step. Backwards, each step multiplies the gradient by `W_hᵀ · diag(1 - h_t²)`, where `W_h = W[:, :H]`
 * is the block of W that reads h_{t-1}; over many steps
 * that product shrinks (or explodes) geometrically, which is why a vanilla RNN cannot learn to use
 * what it saw 50 steps ago (Bengio, Simard & Frasconi 1994, "Learning long-term dependencies with
 * gradient descent is difficult").
 *
 * The API mirrors `lstm.ts`: {@linkcode runRNN} returns a trace, {@linkcode backpropRNN} returns
 * gradients shaped like the parameters plus `dxs` and `dh0`.
 *
 * Introduced in notebook 01 (the core idea: an RNN keeps one state, an LSTM two).
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
  type VectorLike,
} from "./tensor.ts";
import { readInputs, readState, views } from "./_sequence.ts";

/** The weights of a vanilla RNN with input size X and hidden size H. */
export interface RNNParams<F extends FloatArray = Float32Array> {
  /** X: the length of each input x_t. */
  readonly inputSize: number;
  /** H: the number of units, the length of h_t. */
  readonly hiddenSize: number;
  /** The weights, `[H, H+X]`, acting on `[h_{t-1}, x_t]`. */
  readonly W: Matrix<F>;
  /** The bias, `[H]`. */
  readonly b: F;
}

/** Everything {@linkcode runRNN} computed: `trace.h[t]` is h after step t (from 0), `[H]`. */
export interface RNNTrace<F extends FloatArray = Float32Array> {
  /** T, the number of steps. */
  readonly steps: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** The inputs x_t, `[T][X]`. */
  readonly xs: readonly F[];
  /** The initial hidden state h_0, `[H]`. */
  readonly h0: F;
  /** `[h_{t-1}, x_t]`, `[T][H+X]`. */
  readonly hx: readonly F[];
  /** The hidden states h_t, `[T][H]`. */
  readonly h: readonly F[];
}

/** Gradients of a loss for a vanilla RNN: `W` and `b` shaped like the parameters, plus `dxs` and `dh0`. */
export interface RNNGrads<F extends FloatArray = Float32Array> extends RNNParams<F> {
  /** dL/dx_t, `[T][X]`. */
  readonly dxs: readonly F[];
  /** dL/dh_0, `[H]`. */
  readonly dh0: F;
}

/** Options for {@linkcode initRNNParams}. */
export interface InitRNNOptions {
  /** Seed for the weights (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from. */
  rng?: Rng;
  /** The float type (default `"float32"`). */
  dtype?: DType;
}

/**
 * The number of trainable parameters of a vanilla RNN: `H·(H+X) + H`, a quarter of an LSTM's.
 *
 * @example
 * ```ts
 * import { lstmParamCount, rnnParamCount } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rnnParamCount(4, 3), 24);
 * assert.equal(lstmParamCount(4, 3), 4 * rnnParamCount(4, 3)); // four gates, four times the weights
 * ```
 */
export function rnnParamCount(inputSize: number, hiddenSize: number): number {
  for (const [what, n] of [["inputSize", inputSize], ["hiddenSize", hiddenSize]] as const) {
    expectWhole(n, what, "count RNN parameters", 1);
  }
  return hiddenSize * (hiddenSize + inputSize) + hiddenSize;
}

/**
 * Fresh RNN parameters: weights uniform in ±1/√H (PyTorch's `nn.RNN` default), bias 0.
 *
 * @example
 * ```ts
 * import { initRNNParams } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const p = initRNNParams(4, 3, { seed: 0 }); // X = 4, H = 3
 * assert.equal(p.W.cols, 7); // [H, H+X]
 * ```
 */
export function initRNNParams(
  inputSize: number,
  hiddenSize: number,
  options?: InitRNNOptions & { dtype?: "float32" },
): RNNParams;
export function initRNNParams(
  inputSize: number,
  hiddenSize: number,
  options: InitRNNOptions & { dtype: "float64" },
): RNNParams<Float64Array>;
export function initRNNParams(inputSize: number, hiddenSize: number, options?: InitRNNOptions): RNNParams<FloatArray>;
export function initRNNParams(
  inputSize: number,
  hiddenSize: number,
  options: InitRNNOptions = {},
): RNNParams<FloatArray> {
  rnnParamCount(inputSize, hiddenSize); // validates the sizes
  const rng = options.rng ?? seededRng(options.seed ?? 0);
  const H = hiddenSize, X = inputSize;
  const W = uniformMatrix(H, H + X, 1 / Math.sqrt(H), rng); // [H, H+X]
  const like = floatArray(options.dtype ?? "float32", 0);
  return {
    inputSize: X,
    hiddenSize: H,
    W: { rows: H, cols: H + X, data: copyOf(like, W.data) },
    b: emptyLike(like, H),
  };
}

/**
 * The RNN's two tensors by name (the parameters' own arrays): what optimizers update.
 *
 * @example
 * ```ts
 * import { initRNNParams, rnnTensors } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const p = initRNNParams(4, 3);
 * assert.equal(rnnTensors(p).W, p.W.data);
 * ```
 */
export function rnnTensors<F extends FloatArray>(params: RNNParams<F>): Record<"W" | "b", F> {
  return { W: params.W.data, b: params.b };
}

/**
 * Throws unless `params` is a well-formed RNN: W `[H, H+X]`, b `[H]`, one float type, all finite.
 *
 * @throws {RangeError} naming the wrong shape or the first non-finite entry
 */
function checkRNNParams(params: RNNParams<FloatArray>, context = "use RNN parameters"): void {
  const { W, b, hiddenSize: H, inputSize: X } = params;
  if (W.rows !== H || W.cols !== H + X || W.data.length !== H * (H + X)) {
    throw new RangeError(
      `Cannot ${context}: W is ${W.rows}×${W.cols}, expected ${H}×${H + X} ([H, H+X] with H = ${H}, X = ${X})`,
    );
  }
  expectLength(b, H, "b", context);
  if (W.data.constructor !== b.constructor) {
    throw new TypeError(`Cannot ${context}: W is a ${W.data.constructor.name} but b is a ${b.constructor.name}`);
  }
  expectFinite(W.data, "W", context);
  expectFinite(b, "b", context);
}

/**
 * Runs a vanilla RNN over x_1 … x_T.
 *
 * @param params `W` `[H, H+X]`, `b` `[H]`
 * @param xs the inputs, T vectors `[X]`
 * @param options the initial state `h0` (`[H]`, zeros by default)
 * @returns the trace; `trace.h[t]` is h after step t
 * @throws {RangeError} if `xs` is empty, a vector has the wrong length or a number is not finite
 *
 * @example
 * ```ts
 * import { initRNNParams, runRNN } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const trace = runRNN(initRNNParams(2, 3, { seed: 0 }), [[1, 0], [0, 1]]);
 * assert.equal(trace.h.length, 2);
 * assert.ok(trace.h[1].every((h) => Math.abs(h) < 1)); // tanh keeps h in (-1, 1)
 * ```
 */
export function runRNN<F extends FloatArray>(
  params: RNNParams<F>,
  xs: readonly VectorLike[],
  options: { h0?: VectorLike } = {},
): RNNTrace<F> {
  const context = "run RNN";
  checkRNNParams(params, context);
  const { hiddenSize: H, inputSize: X } = params;
  const like = params.b;
  const inputs = readInputs(xs, like, X, context);
  const h0 = readState(options.h0, like, H, "h0", context);
  const T = inputs.length, N = H + X;
  const trace: RNNTrace<F> = {
    steps: T,
    inputSize: X,
    hiddenSize: H,
    xs: inputs,
    h0,
    hx: views(like, T, N),
    h: views(like, T, H),
  };
  const W = params.W.data, b = params.b; // [H, H+X], [H]
  for (let t = 0; t < T; t++) {
    const hx = trace.hx[t], h = trace.h[t];
    hx.set(t === 0 ? h0 : trace.h[t - 1], 0); // [h_{t-1}, x_t]  [H+X]
    hx.set(inputs[t], H);
    for (let r = 0; r < H; r++) {
      let z = b[r];
      for (let k = 0; k < N; k++) z += W[r * N + k] * hx[k];
      h[r] = Math.tanh(z); // h_t = tanh(W·[h_{t-1}, x_t] + b)
    }
  }
  return trace;
}

/**
 * Backpropagation through time for the vanilla RNN. Each step back multiplies the gradient by
 * `diag(1 - h_t²)` (tanh' from the saved output) and then by `W_hᵀ`, the transpose of W's first H columns.
 *
 * @param params the parameters the trace was computed with
 * @param trace what {@linkcode runRNN} returned
 * @param dh upstream gradients dL/dh_t, T vectors `[H]` (`null` where a step has none)
 * @returns `W`, `b` (shaped like the parameters), `dxs`, `dh0`
 *
 * @example
 * ```ts
 * import { backpropRNN, initRNNParams, runRNN } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const params = initRNNParams(2, 3, { seed: 0 });
 * const trace = runRNN(params, [[1, 0], [0, 1]]);
 * const grads = backpropRNN(params, trace, [null, [1, 0, 0]]);
 * assert.equal(grads.W.data.length, 3 * 5);
 * ```
 */
export function backpropRNN<F extends FloatArray>(
  params: RNNParams<F>,
  trace: RNNTrace<F>,
  dh: readonly (VectorLike | null | undefined)[],
): RNNGrads<F> {
  const context = "backpropagate RNN";
  checkRNNParams(params, context);
  const { hiddenSize: H, inputSize: X } = params;
  if (trace?.hiddenSize !== H || trace.inputSize !== X) {
    throw new RangeError(
      `Cannot ${context}: the trace is of an RNN with H = ${trace?.hiddenSize}, X = ${trace?.inputSize}, ` +
        `but the parameters have H = ${H}, X = ${X}`,
    );
  }
  const T = trace.steps, N = H + X, like = params.b;
  if (!Array.isArray(dh)) throw new TypeError(`Cannot ${context}: dh must be a list of ${T} vectors`);
  expectLength(dh, T, "dh", context);
  const upstream = dh.map((d, t) => d == null ? null : readState(d, like, H, `dh[${t}]`, context));
  const grads: RNNGrads<F> = {
    inputSize: X,
    hiddenSize: H,
    W: { rows: H, cols: N, data: emptyLike(like, H * N) },
    b: emptyLike(like, H),
    dxs: views(like, T, X),
    dh0: emptyLike(like, H),
  };
  const W = params.W.data, gW = grads.W.data;
  const dhNext = emptyLike(like, H); // dL/dh_t from step t+1
  const dz = emptyLike(like, H); // dL/dz_t, z_t = W·[h_{t-1}, x_t] + b
  const dhx = emptyLike(like, N); // dL/d[h_{t-1}, x_t]
  for (let t = T - 1; t >= 0; t--) {
    const h = trace.h[t], hx = trace.hx[t], up = upstream[t];
    for (let r = 0; r < H; r++) {
      const dhr = dhNext[r] + (up === null ? 0 : up[r]);
      dz[r] = dhr * (1 - h[r] * h[r]); // tanh' = 1 - h²
    }
    dhx.fill(0);
    for (let r = 0; r < H; r++) {
      const row = r * N, d = dz[r];
      for (let k = 0; k < N; k++) {
        gW[row + k] += d * hx[k]; // dW = dz · [h_{t-1}, x_t]ᵀ
        dhx[k] += W[row + k] * d; // Wᵀ·dz
      }
      grads.b[r] += d;
    }
    dhNext.set(dhx.subarray(0, H));
    (grads.dxs[t] as F).set(dhx.subarray(H));
  }
  grads.dh0.set(dhNext);
  return grads;
}

/**
 * The Jacobian of one RNN step, ∂hₜ/∂hₜ₋₁ = diag(1 − hₜ²) · W_h, `[H, H]`: W_h is the part of W
 * acting on hₜ₋₁ (its first H columns), and 1 − hₜ² is tanh's slope at the step. Backpropagation
 * through time multiplies the gradient by one of these per step back (Pascanu, Mikolov & Bengio 2013,
 * "On the difficulty of training recurrent neural networks").
 *
 * @param h the hidden state after the step, hₜ, `[H]`
 * @throws {RangeError} if `h` does not have length H
 *
 * @example
 * ```ts
 * import { initRNNParams, rnnJacobian } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const params = initRNNParams(2, 3, { seed: 1 });
 * const J = rnnJacobian(params, [0, 0.5, 1]);
 * assert.equal(J.data[0], params.W.data[0]); // slope 1 at h = 0
 * assert.equal(J.data[6], 0); // slope 0 at h = ±1: nothing flows back
 * ```
 */
export function rnnJacobian(params: RNNParams, h: VectorLike): Matrix {
  const H = params.hiddenSize, cols = params.W.cols;
  expectLength(h, H, "h", "compute the RNN step's Jacobian");
  const data = new Float32Array(H * H);
  for (let r = 0; r < H; r++) {
    const slope = 1 - h[r] * h[r];
    for (let k = 0; k < H; k++) data[r * H + k] = slope * params.W.data[r * cols + k];
  }
  return { rows: H, cols: H, data };
}
