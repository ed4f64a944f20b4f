/**
 * Gradient checks: the backward pass against central finite differences, in float64.
 *
 * For every number w the model depends on, `(L(w + ε) - L(w - ε)) / 2ε` approximates dL/dw with a
 * truncation error of order ε² (the ε¹ terms cancel) plus a rounding error of about u·|L|/ε, where u is
 * the float type's precision. In float64 (u ≈ 1e-16) with ε = 1e-6 both are about 1e-10 or below, far
 * below any bug. In float32 (u ≈ 6e-8) the rounding term alone is about 0.06·|L|: dividing a difference
 * of two nearly equal losses by 2ε loses most of float32's 7 digits. So the check runs the library in
 * float64 ({@linkcode castLSTMParams}) on the very weights the float32 code uses.
 *
 * The error reported for each tensor is `‖a - n‖ / (‖a‖ + ‖n‖)` (a: analytic, n: numerical), the
 * relative error of the whole gradient, which stays meaningful where single entries are near zero.
 * A correct backward pass gives about 1e-10; a wrong sign or a missing term gives 1e-2 to 1.
 *
 * Introduced in notebook 09, which shows the check failing on a deliberately broken gradient.
 *
 * @module
 */

import { backpropLSTM, runLSTM } from "./lstm.ts";
import { type LSTMParams, lstmTensors } from "./lstm_cell.ts";
import { type Rng, seededRng } from "./random.ts";
import { backpropRNN, type RNNParams, rnnTensors, runRNN } from "./rnn.ts";
import { describe, type FloatArray } from "./tensor.ts";

/** How one tensor's analytic gradient compares with its finite-difference estimate. */
export interface TensorCheck {
  /** The tensor, e.g. `"Wf"` or `"xs[2]"`. */
  readonly name: string;
  /** ‖analytic - numerical‖ / (‖analytic‖ + ‖numerical‖); 0 when both are zero. */
  readonly relativeError: number;
  /** The largest |analytic - numerical| over the tensor's entries. */
  readonly maxAbsError: number;
  /** How many entries were compared. */
  readonly size: number;
}

/** The result of a gradient check: one row per tensor and the worst relative error. */
export interface GradCheckResult {
  readonly tensors: readonly TensorCheck[];
  /** The largest relative error over all tensors. */
  readonly worst: number;
}

/**
 * Central finite differences of `loss` with respect to every entry of `values`, which `loss` must read.
 * Each entry is nudged in place and restored, so `values` is unchanged afterwards.
 *
 * @param loss computes the scalar loss from the current contents of `values`
 * @param values the numbers to differentiate against (float64, so the nudges are not rounded away)
 * @param eps the step ε (default 1e-6)
 *
 * @example
 * ```ts
 * import { numericalGradient } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const w = new Float64Array([3, -1]);
 * const g = numericalGradient(() => w[0] * w[0] + 5 * w[1], w); // L = w0² + 5·w1
 * assert.ok(Math.abs(g[0] - 6) < 1e-8 && Math.abs(g[1] - 5) < 1e-8); // float64: 1e-8
 * ```
 */
export function numericalGradient(loss: () => number, values: Float64Array, eps = 1e-6): Float64Array {
  const grad = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const saved = values[k];
    values[k] = saved + eps;
    const up = loss();
    values[k] = saved - eps;
    const down = loss();
    values[k] = saved;
    grad[k] = (up - down) / (2 * eps);
  }
  return grad;
}

/**
 * Compares analytic gradients with finite differences, tensor by tensor.
 *
 * @param loss computes the loss from the current contents of the tensors
 * @param tensors for each name, the float64 values `loss` reads and the analytic gradient to check
 * @param eps the finite-difference step (default 1e-6)
 *
 * @example
 * ```ts
 * import { gradCheck } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const w = new Float64Array([1, 2]);
 * const loss = () => w[0] * w[1]; // dL/dw = [w1, w0] = [2, 1]
 * assert.ok(gradCheck(loss, { w: { values: w, grad: [2, 1] } }).worst < 1e-9);
 * assert.ok(gradCheck(loss, { w: { values: w, grad: [2, -1] } }).worst > 0.1); // a sign error shows
 * ```
 */
export function gradCheck(
  loss: () => number,
  tensors: Record<string, { values: Float64Array; grad: ArrayLike<number> }>,
  eps = 1e-6,
): GradCheckResult {
  const rows: TensorCheck[] = [];
  for (const [name, { values, grad }] of Object.entries(tensors)) {
    if (!(values instanceof Float64Array)) {
      throw new TypeError(
        `Cannot check gradients: ${name} must be a Float64Array, got ${describe(values)}; ` +
          `run the model in float64 (castLSTMParams(params, "float64"))`,
      );
    }
    if (grad.length !== values.length) {
      throw new RangeError(
        `Cannot check gradients: the gradient of ${name} has length ${grad.length}, ` +
          `expected ${values.length}`,
      );
    }
    const numerical = numericalGradient(loss, values, eps);
    let diff = 0, normA = 0, normN = 0, maxAbs = 0;
    for (let k = 0; k < values.length; k++) {
      const d = grad[k] - numerical[k];
      diff += d * d;
      normA += grad[k] * grad[k];
      normN += numerical[k] * numerical[k];
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
    const denominator = Math.sqrt(normA) + Math.sqrt(normN);
    rows.push({
      name,
      relativeError: denominator === 0 ? 0 : Math.sqrt(diff) / denominator,
      maxAbsError: maxAbs,
      size: values.length,
    });
  }
  return { tensors: rows, worst: Math.max(0, ...rows.map((r) => r.relativeError)) };
}

/** Options for {@linkcode gradCheckLSTM} and {@linkcode gradCheckRNN}. */
export interface GradCheckOptions {
  /** Seed for the random inputs and the random loss (default 0). */
  seed?: number;
  /** The number of steps T (default 4). */
  steps?: number;
  /** The finite-difference step (default 1e-6). */
  eps?: number;
}

/**
 * Checks {@linkcode backpropLSTM} on a float64 cell: random inputs x_1 … x_T, random initial
 * states, and the loss `L = Σ_t a_t · h_t + b · c_T` with random a_t and b, so that every output
 * (and the optional dL/dc_T) carries a gradient. Checks all eight weight tensors, every x_t, h_0 and c_0.
 *
 * @example
 * ```ts
 * import { gradCheckLSTM, initLSTMParams } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const params = initLSTMParams(3, 2, { seed: 1, dtype: "float64" }); // X = 3, H = 2
 * const { worst } = gradCheckLSTM(params, { steps: 3 });
 * assert.ok(worst < 1e-6);
 * ```
 */
export function gradCheckLSTM(params: LSTMParams<Float64Array>, options: GradCheckOptions = {}): GradCheckResult {
  const { seed = 0, steps: T = 4, eps = 1e-6 } = options;
  const rng = seededRng(seed);
  const H = params.hiddenSize, X = params.inputSize;
  const xs = Array.from({ length: T }, () => randomVector(X, rng));
  const h0 = randomVector(H, rng), c0 = randomVector(H, rng);
  const a = Array.from({ length: T }, () => randomVector(H, rng)); // dL/dh_t
  const b = randomVector(H, rng); // dL/dc_T
  const loss = () => {
    const trace = runLSTM(params, xs, { h0, c0 });
    return trace.h.reduce((sum, h, t) => sum + dot(a[t], h), 0) + dot(b, trace.c[T - 1]);
  };
  const grads = backpropLSTM(params, runLSTM(params, xs, { h0, c0 }), a, { dcT: b });
  const tensors: Record<string, { values: Float64Array; grad: ArrayLike<number> }> = {};
  const values = lstmTensors(params), analytic = lstmTensors(grads);
  for (const name of Object.keys(values) as (keyof typeof values)[]) {
    tensors[name] = { values: values[name], grad: analytic[name] };
  }
  xs.forEach((x, t) => tensors[`xs[${t}]`] = { values: x, grad: grads.dxs[t] });
  tensors.h0 = { values: h0, grad: grads.dh0 };
  tensors.c0 = { values: c0, grad: grads.dc0 };
  return gradCheck(loss, tensors, eps);
}

/**
 * Checks {@linkcode backpropRNN} on a float64 vanilla RNN, as {@linkcode gradCheckLSTM} does for the LSTM,
 * with the loss `L = Σ_t a_t · h_t`.
 *
 * @example
 * ```ts
 * import { gradCheckRNN, initRNNParams } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const { worst } = gradCheckRNN(initRNNParams(3, 2, { seed: 1, dtype: "float64" }));
 * assert.ok(worst < 1e-6);
 * ```
 */
export function gradCheckRNN(params: RNNParams<Float64Array>, options: GradCheckOptions = {}): GradCheckResult {
  const { seed = 0, steps: T = 4, eps = 1e-6 } = options;
  const rng = seededRng(seed);
  const H = params.hiddenSize, X = params.inputSize;
  const xs = Array.from({ length: T }, () => randomVector(X, rng));
  const h0 = randomVector(H, rng);
  const a = Array.from({ length: T }, () => randomVector(H, rng));
  const loss = () => runRNN(params, xs, { h0 }).h.reduce((sum, h, t) => sum + dot(a[t], h), 0);
  const grads = backpropRNN(params, runRNN(params, xs, { h0 }), a);
  const values = rnnTensors(params), analytic = rnnTensors(grads);
  const tensors: Record<string, { values: Float64Array; grad: ArrayLike<number> }> = {
    W: { values: values.W, grad: analytic.W },
    b: { values: values.b, grad: analytic.b },
    h0: { values: h0, grad: grads.dh0 },
  };
  xs.forEach((x, t) => tensors[`xs[${t}]`] = { values: x, grad: grads.dxs[t] });
  return gradCheck(loss, tensors, eps);
}

function randomVector(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
}

function dot(a: FloatArray, b: FloatArray): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k] * b[k];
  return sum;
}
