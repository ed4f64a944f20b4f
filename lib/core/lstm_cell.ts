/**
 * One step of an LSTM cell, written exactly as the lectures write it.
 *
 * Every gate reads the same vector, the previous hidden state stacked on the input,
 * `[h_{t-1}, x_t]` of length H + X, through its own weight matrix of shape `[H, H+X]`:
 *
 * ```text
 * f_t = σ(W_f·[h_{t-1}, x_t] + b_f)        forget gate       [H]
 * i_t = σ(W_i·[h_{t-1}, x_t] + b_i)        input gate        [H]
 * c̃_t = tanh(W_c·[h_{t-1}, x_t] + b_c)     candidate memory  [H]
 * c_t = f_t ⊗ c_{t-1} + i_t ⊗ c̃_t           new cell state    [H]
 * o_t = σ(W_o·[h_{t-1}, x_t] + b_o)        output gate       [H]
 * h_t = o_t ⊗ tanh(c_t)                    new hidden state  [H]
 * ```
 *
 * Taught in notebooks 02 (architecture), 03 (pointwise operations) and 04–06 (the gates).
 *
 * Layouts elsewhere: tfjs/Keras keep one kernel `[X, 4H]` and one recurrent kernel `[H, 4H]`
 * with gate order i, f, c, o, and PyTorch keeps `weight_ih [4H, X]` and `weight_hh [4H, H]` with
 * gate order i, f, g, o. Our `W_f` is PyTorch's forget-gate rows of `weight_hh` `[H, H]` and of
 * `weight_ih` `[H, X]` side by side, hidden part first: `W_f = [W_hh_f | W_ih_f]` (see `weight_formats.ts`).
 *
 * @module
 */

import { add, mul, sigmoid, tanh } from "./pointwise.ts";
import { type Rng, seededRng, uniformMatrix } from "./random.ts";
import {
  type ArrayOf,
  concat,
  copyOf,
  type DType,
  expectFinite,
  expectLength,
  expectWhole,
  type FloatArray,
  floatArray,
  type Matrix,
  matrixFromRows,
  matVec,
  toVector,
  type VectorLike,
  zeros,
} from "./tensor.ts";

/**
 * The weights and biases of one LSTM cell with input size X and hidden size H.
 * Float32 unless `F` says otherwise (float64 for gradient checks: {@linkcode castLSTMParams}).
 */
export interface LSTMParams<F extends FloatArray = Float32Array> {
  /** X: the length of each input vector x_t. */
  readonly inputSize: number;
  /** H: the number of units, the length of h_t, c_t and of every gate vector. */
  readonly hiddenSize: number;
  /** Forget-gate weights, `[H, H+X]`. */
  readonly Wf: Matrix<F>;
  /** Input-gate weights, `[H, H+X]`. */
  readonly Wi: Matrix<F>;
  /** Candidate-memory weights, `[H, H+X]`. */
  readonly Wc: Matrix<F>;
  /** Output-gate weights, `[H, H+X]`. */
  readonly Wo: Matrix<F>;
  /** Forget-gate bias, `[H]`. */
  readonly bf: F;
  /** Input-gate bias, `[H]`. */
  readonly bi: F;
  /** Candidate-memory bias, `[H]`. */
  readonly bc: F;
  /** Output-gate bias, `[H]`. */
  readonly bo: F;
}

/** Every intermediate of one step, for plots and for the backward pass. All vectors are `[H]` but `hx`. */
export interface LSTMStepResult {
  /** `[h_{t-1}, x_t]`, `[H+X]`: what every gate reads. */
  readonly hx: Float32Array;
  /** Forget gate f_t in (0, 1): how much of each unit of c_{t-1} to keep. */
  readonly f: Float32Array;
  /** Input gate i_t in (0, 1): how much of the candidate to write. */
  readonly i: Float32Array;
  /** Candidate memory c̃_t in (-1, 1): what could be written. */
  readonly cTilde: Float32Array;
  /** Output gate o_t in (0, 1): how much of tanh(c_t) to show as h_t. */
  readonly o: Float32Array;
  /** New cell state (long-term memory) c_t. */
  readonly c: Float32Array;
  /** tanh(c_t), kept because h_t and the backward pass both need it. */
  readonly tanhC: Float32Array;
  /** New hidden state (short-term memory, the output) h_t. */
  readonly h: Float32Array;
}

/** Weights as the lectures write them: matrices as lists of rows (or `Matrix`), biases as vectors. */
export interface LSTMWeights {
  Wf: Matrix<FloatArray> | readonly VectorLike[];
  Wi: Matrix<FloatArray> | readonly VectorLike[];
  Wc: Matrix<FloatArray> | readonly VectorLike[];
  Wo: Matrix<FloatArray> | readonly VectorLike[];
  bf: VectorLike;
  bi: VectorLike;
  bc: VectorLike;
  bo: VectorLike;
}

/**
 * The number of trainable parameters of one LSTM cell: four gates, each with a `[H, H+X]`
 * weight matrix and an `[H]` bias, so `4·(H·(H+X) + H)`.
 *
 * @param inputSize X, the length of x_t
 * @param hiddenSize H, the number of units
 *
 * @example
 * ```ts
 * import { lstmParamCount } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(lstmParamCount(4, 3), 96); // the lecture's H = 3, X = 4
 * assert.equal(lstmParamCount(100, 150), 150_600); // the lecture's next-word model: LSTM(150) on 100-d embeddings
 * ```
 */
export function lstmParamCount(inputSize: number, hiddenSize: number): number {
  for (const [what, n] of [["inputSize", inputSize], ["hiddenSize", hiddenSize]] as const) {
    expectWhole(n, what, "count LSTM parameters", 1);
  }
  const H = hiddenSize, X = inputSize;
  return 4 * (H * (H + X) + H);
}

/**
 * Builds checked LSTM parameters from weights written out by hand (or loaded from elsewhere).
 * H is read from the bias length and X from the matrix width.
 *
 * @throws {RangeError} if any shape disagrees with the others, naming the weight, its shape and the expected one
 *
 * @example
 * ```ts
 * import { lstmParams } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * // H = 1, X = 1: every W is [1, 2] and acts on [hPrev, x].
 * const params = lstmParams({
 *   Wf: [[0, 0]], Wi: [[0, 1]], Wc: [[0, 1]], Wo: [[0, 0]],
 *   bf: [0], bi: [0], bc: [0], bo: [0],
 * });
 * assert.equal(params.hiddenSize, 1);
 * assert.equal(params.inputSize, 1);
 * ```
 */
export function lstmParams(weights: LSTMWeights): LSTMParams {
  const context = "build LSTM parameters";
  const bf = toVector(weights.bf, "bf", context);
  const H = bf.length;
  if (H === 0) throw new RangeError(`Cannot ${context}: bf has length 0, expected at least 1 unit`);
  const Wf = asMatrix(weights.Wf, "Wf");
  const X = Wf.cols - H;
  if (X < 1) {
    throw new RangeError(
      `Cannot ${context}: Wf is ${Wf.rows}×${Wf.cols}, expected ${H}×(${H}+X) with X >= 1 (H = ${H} from bf)`,
    );
  }
  const params: LSTMParams = {
    inputSize: X,
    hiddenSize: H,
    Wf,
    Wi: asMatrix(weights.Wi, "Wi"),
    Wc: asMatrix(weights.Wc, "Wc"),
    Wo: asMatrix(weights.Wo, "Wo"),
    bf: Float32Array.from(bf),
    bi: Float32Array.from(toVector(weights.bi, "bi", context)),
    bc: Float32Array.from(toVector(weights.bc, "bc", context)),
    bo: Float32Array.from(toVector(weights.bo, "bo", context)),
  };
  checkLSTMParams(params, context);
  return params;
}

/** Options for {@linkcode initLSTMParams}. */
export interface InitLSTMOptions {
  /** Seed for the weights (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from, to share one stream across several layers. */
  rng?: Rng;
  /**
   * Initial forget-gate bias (default 1). A bias of 1 starts every f_t near σ(1) ≈ 0.73, so the
   * cell remembers by default and gradients flow through c from the first step; Jozefowicz,
   * Zaremba & Sutskever (2015), "An Empirical Exploration of Recurrent Network Architectures",
   * found it closes most of the gap between the LSTM and the best architectures they searched.
   * Keras's `unitForgetBias` does the same.
   */
  forgetBias?: number;
  /**
   * Chrono initialisation for dependencies up to about `chrono` steps long (Tallec & Ollivier 2018,
   * "Can recurrent neural networks warp time?"): each unit's forget bias is drawn as
   * `b_f = log(u)`, u uniform in [1, chrono - 1], and its input bias is `b_i = -b_f`. A unit with
   * forget bias b keeps a fraction σ(b) = u/(1+u) of its memory per step, so it forgets over about
   * u steps: the units cover time scales from 1 to `chrono` steps instead of all forgetting within a
   * few. The negative input bias keeps every step from writing noise into the memory. Overrides
   * `forgetBias`. Use it when the lags to learn are long (notebook 09 shows the difference at 50 steps).
   */
  chrono?: number;
  /** The float type of the weights (default `"float32"`). */
  dtype?: DType;
}

/**
 * Fresh LSTM parameters: every weight uniform in ±1/√H (PyTorch's `nn.LSTM` default), every bias 0
 * except the forget-gate bias (see {@linkcode InitLSTMOptions.forgetBias}), and with `chrono` the
 * input-gate bias too.
 *
 * @example
 * ```ts
 * import { initLSTMParams } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const p = initLSTMParams(4, 3, { seed: 1 }); // X = 4, H = 3
 * assert.equal(p.Wf.rows, 3);
 * assert.equal(p.Wf.cols, 7); // [H, H+X]
 * assert.deepEqual([...p.bf], [1, 1, 1]);
 * assert.deepEqual(p.Wc.data, initLSTMParams(4, 3, { seed: 1 }).Wc.data); // seeded
 * ```
 */
export function initLSTMParams(
  inputSize: number,
  hiddenSize: number,
  options?: InitLSTMOptions & { dtype?: "float32" },
): LSTMParams;
export function initLSTMParams(
  inputSize: number,
  hiddenSize: number,
  options: InitLSTMOptions & { dtype: "float64" },
): LSTMParams<Float64Array>;
export function initLSTMParams(
  inputSize: number,
  hiddenSize: number,
  options?: InitLSTMOptions,
): LSTMParams<FloatArray>;
export function initLSTMParams(
  inputSize: number,
  hiddenSize: number,
  options: InitLSTMOptions = {},
): LSTMParams<FloatArray> {
  lstmParamCount(inputSize, hiddenSize); // validates the sizes
  const { forgetBias = 1, dtype = "float32", chrono } = options;
  if (chrono !== undefined && !(chrono > 2)) {
    throw new RangeError(`Cannot initialise LSTM: chrono must be a number of steps > 2, got ${chrono}`);
  }
  const rng = options.rng ?? seededRng(options.seed ?? 0);
  const H = hiddenSize, X = inputSize;
  const k = 1 / Math.sqrt(H);
  const W = () => uniformMatrix(H, H + X, k, rng); // [H, H+X]
  const params: LSTMParams = {
    inputSize: X,
    hiddenSize: H,
    Wf: W(),
    Wi: W(),
    Wc: W(),
    Wo: W(),
    bf: new Float32Array(H).fill(forgetBias),
    bi: zeros(H),
    bc: zeros(H),
    bo: zeros(H),
  };
  if (chrono !== undefined) {
    for (let r = 0; r < H; r++) {
      params.bf[r] = Math.log(rng.uniform(1, chrono - 1));
      params.bi[r] = -params.bf[r];
    }
  }
  // Draw in float32 and widen, so that a float64 cell holds exactly the float32 cell's weights.
  return dtype === "float32" ? params : castLSTMParams(params, dtype);
}

/**
 * A copy of `params` in another float type. Widening float32 to float64 is exact, so a gradient
 * check in float64 tests the very cell the float32 code runs.
 *
 * @example
 * ```ts
 * import { castLSTMParams, initLSTMParams } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const p64 = castLSTMParams(initLSTMParams(2, 3), "float64");
 * assert.ok(p64.Wf.data instanceof Float64Array);
 * ```
 */
export function castLSTMParams<D extends DType>(params: LSTMParams<FloatArray>, dtype: D): LSTMParams<ArrayOf<D>> {
  const like = floatArray(dtype, 0);
  const W = (m: Matrix<FloatArray>): Matrix<ArrayOf<D>> => ({ rows: m.rows, cols: m.cols, data: copyOf(like, m.data) });
  return {
    inputSize: params.inputSize,
    hiddenSize: params.hiddenSize,
    Wf: W(params.Wf),
    Wi: W(params.Wi),
    Wc: W(params.Wc),
    Wo: W(params.Wo),
    bf: copyOf(like, params.bf),
    bi: copyOf(like, params.bi),
    bc: copyOf(like, params.bc),
    bo: copyOf(like, params.bo),
  };
}

/** The eight tensors of an LSTM cell by name, in a fixed order: what optimizers update. */
export type LSTMTensorName = "Wf" | "Wi" | "Wc" | "Wo" | "bf" | "bi" | "bc" | "bo";

/**
 * The cell's eight tensors as flat arrays by name (`Wf` is `Wf.data`, row-major `[H, H+X]`).
 * The arrays are the parameters' own, so an optimizer that writes into them trains the cell.
 * Works on gradients too, which have the same shape.
 *
 * @example
 * ```ts
 * import { initLSTMParams, lstmTensors } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const p = initLSTMParams(4, 3);
 * const tensors = lstmTensors(p);
 * assert.equal(tensors.Wf, p.Wf.data); // the same array, not a copy
 * assert.equal(Object.values(tensors).reduce((n, t) => n + t.length, 0), 96);
 * ```
 */
export function lstmTensors<F extends FloatArray>(params: LSTMParams<F>): Record<LSTMTensorName, F> {
  const { Wf, Wi, Wc, Wo, bf, bi, bc, bo } = params;
  return { Wf: Wf.data, Wi: Wi.data, Wc: Wc.data, Wo: Wo.data, bf, bi, bc, bo };
}

/**
 * Throws unless `params` is a well-formed LSTM cell: four `[H, H+X]` matrices, four `[H]` biases,
 * one float type, and no NaN or ±Infinity anywhere.
 *
 * @param context what was being attempted, for the message (`"run LSTM"` gives `Cannot run LSTM: …`)
 * @throws {RangeError} naming the tensor whose shape is wrong or the first non-finite entry
 * @throws {TypeError} if the tensors mix float types
 *
 * @example
 * ```ts
 * import { checkLSTMParams, initLSTMParams } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const params = initLSTMParams(4, 3);
 * params.Wi.data[2] = Infinity;
 * assert.throws(() => checkLSTMParams(params, "run LSTM"), { message: "Cannot run LSTM: Wi[2] is Infinity, expected a finite number" });
 * ```
 */
export function checkLSTMParams(params: LSTMParams<FloatArray>, context = "use LSTM parameters"): void {
  checkParams(params, context);
  const Float = params.bf.constructor;
  for (const [name, t] of Object.entries(lstmTensors(params))) {
    if (t.constructor !== Float) {
      throw new TypeError(`Cannot ${context}: ${name} is a ${t.constructor.name} but bf is a ${Float.name}`);
    }
    expectFinite(t, name, context);
  }
}

/**
 * Runs one LSTM step: from the input x_t and the previous states (h_{t-1}, c_{t-1}) to the new
 * states (h_t, c_t), returning every intermediate so that notebooks can print and plot the gates.
 *
 * @param params the cell's weights (`W_*` `[H, H+X]`, `b_*` `[H]`)
 * @param x the input x_t, `[X]`
 * @param hPrev the previous hidden state h_{t-1}, `[H]` (zeros if omitted)
 * @param cPrev the previous cell state c_{t-1}, `[H]` (zeros if omitted)
 * @throws {RangeError} if a vector has the wrong length, e.g. `Cannot run LSTM step: x has length 6, expected 4`
 *
 * @example
 * ```ts
 * import { initLSTMParams, lstmStep } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const params = initLSTMParams(4, 3, { seed: 0 }); // X = 4, H = 3
 * const step = lstmStep(params, [1, 0, 0, 0]); // x_1 = the first word, one-hot
 * assert.equal(step.h.length, 3);
 * assert.ok(step.f.every((f) => f > 0 && f < 1)); // gates are fractions
 * assert.throws(() => lstmStep(params, [1, 0, 0, 0, 0, 0]), {
 *   message: "Cannot run LSTM step: x has length 6, expected 4",
 * });
 * ```
 */
export function lstmStep(
  params: LSTMParams,
  x: VectorLike,
  hPrev?: VectorLike,
  cPrev?: VectorLike,
): LSTMStepResult {
  const context = "run LSTM step";
  const { hiddenSize: H, inputSize: X } = params;
  const xt = toVector(x, "x", context);
  expectLength(xt, X, "x", context);
  const h0 = hPrev === undefined ? zeros(H) : toVector(hPrev, "hPrev", context);
  expectLength(h0, H, "hPrev", context);
  const c0 = cPrev === undefined ? zeros(H) : toVector(cPrev, "cPrev", context);
  expectLength(c0, H, "cPrev", context);

  for (const [what, v] of [["x", xt], ["hPrev", h0], ["cPrev", c0]] as const) expectFinite(v, what, context);
  return stepEquations(params, xt, h0, c0);
}

/** The six equations of one step, on checked vectors: x `[X]`, hPrev and cPrev `[H]`. */
function stepEquations(params: LSTMParams, x: Float32Array, hPrev: Float32Array, cPrev: Float32Array): LSTMStepResult {
  // #region the six equations
  const hx = concat([hPrev, x]); // [H+X]
  const f = sigmoid(add(matVec(params.Wf, hx), params.bf)); // [H]
  const i = sigmoid(add(matVec(params.Wi, hx), params.bi)); // [H]
  const cTilde = tanh(add(matVec(params.Wc, hx), params.bc)); // [H]
  const c = add(mul(f, cPrev), mul(i, cTilde)); // [H]: forget some old memory, write some new
  const o = sigmoid(add(matVec(params.Wo, hx), params.bo)); // [H]
  const tanhC = tanh(c); // [H]
  const h = mul(o, tanhC); // [H]
  // #endregion
  return { hx, f, i, cTilde, o, c, tanhC, h };
}

function asMatrix(m: Matrix<FloatArray> | readonly VectorLike[], what: string): Matrix {
  if (Array.isArray(m)) return matrixFromRows(m as readonly VectorLike[]);
  const W = m as Matrix<FloatArray>;
  if (!ArrayBuffer.isView(W.data) || W.data.length !== W.rows * W.cols) {
    throw new TypeError(`Cannot build LSTM parameters: ${what} must be a list of rows or a Matrix`);
  }
  return { rows: W.rows, cols: W.cols, data: Float32Array.from(W.data) };
}

function checkParams(p: LSTMParams<FloatArray>, context: string): void {
  const H = p.hiddenSize, X = p.inputSize;
  for (const name of ["Wf", "Wi", "Wc", "Wo"] as const) {
    const W = p[name];
    if (W.rows !== H || W.cols !== H + X) {
      throw new RangeError(
        `Cannot ${context}: ${name} is ${W.rows}×${W.cols}, expected ${H}×${H + X} ([H, H+X] with H = ${H}, X = ${X})`,
      );
    }
    expectLength(W.data ?? [], H * (H + X), `${name}.data`, context); // a ${H}×${H + X} matrix holds H·(H+X) numbers
  }
  for (const name of ["bf", "bi", "bc", "bo"] as const) expectLength(p[name], H, name, context);
}
