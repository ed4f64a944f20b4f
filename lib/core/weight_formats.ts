/**
 * Weights in and out: PyTorch's `nn.LSTM` and Keras/tfjs's `LSTM` layer, both ways.
 *
 * All three keep the same four gates; they differ in how they pack them:
 *
 * ```text
 * this library   W_f, W_i, W_c, W_o   each [H, H+X], acting on [h_{t-1}, x_t]  (hidden part first)
 *                b_f, b_i, b_c, b_o   each [H]
 * PyTorch        weight_ih_l0 [4H, X]   weight_hh_l0 [4H, H]   rows in gate order i, f, g, o
 *                bias_ih_l0 [4H] + bias_hh_l0 [4H]           (two biases that are always added)
 * Keras / tfjs   kernel [X, 4H]   recurrentKernel [H, 4H]   columns in gate order i, f, c, o
 *                bias [4H]
 * ```
 *
 * So our `W_f` row r is PyTorch's `weight_hh_l0[H + r]` followed by `weight_ih_l0[H + r]`, and Keras's
 * column `H + r` of `recurrentKernel` followed by the same column of `kernel`. PyTorch's g is our c̃.
 * Both frameworks compute exactly the cell of `lstm_cell.ts` when the recurrent activation is the
 * logistic σ (tfjs's default recurrent activation is `hardSigmoid`: pass `recurrentActivation: "sigmoid"`).
 *
 * Introduced in notebook 02 (the architecture: where the 4·(H·(H+X)+H) parameters live).
 *
 * @module
 */

import type { LSTMParams } from "./lstm_cell.ts";
import { checkLSTMParams } from "./lstm_cell.ts";
import {
  type ArrayOf,
  describe,
  type DType,
  expectFinite,
  type FloatArray,
  floatArray,
  type Matrix,
} from "./tensor.ts";

/** A one-layer PyTorch `nn.LSTM` state dict as plain JSON (`{k: v.tolist() for k, v in lstm.state_dict().items()}`). */
export interface TorchLSTMState {
  /** Input weights, `[4H, X]`, row blocks in gate order i, f, g, o. */
  weight_ih_l0: number[][];
  /** Recurrent weights, `[4H, H]`, same order. */
  weight_hh_l0: number[][];
  /** Input bias, `[4H]`. */
  bias_ih_l0: number[];
  /** Recurrent bias, `[4H]`; PyTorch adds it to `bias_ih_l0`. */
  bias_hh_l0: number[];
}

/**
 * The weights of a Keras or tfjs `LSTM` layer as plain arrays: in tfjs
 * `layer.getWeights().map((w) => w.arraySync())`, in Keras `[w.tolist() for w in layer.get_weights()]`
 * (both give the list `[kernel, recurrentKernel, bias]`, which {@linkcode fromKerasLSTM} also takes).
 */
export interface KerasLSTMWeights {
  /** Input weights, `[X, 4H]`, column blocks in gate order i, f, c, o. */
  kernel: number[][];
  /** Recurrent weights, `[H, 4H]`, same order. */
  recurrentKernel: number[][];
  /** Bias, `[4H]`. */
  bias: number[];
}

/** Options for {@linkcode fromTorchLSTM} and {@linkcode fromKerasLSTM}. */
export interface ImportOptions {
  /** The float type of the parameters (default `"float32"`). */
  dtype?: DType;
}

/** Our gates in the order both frameworks pack them: i, f, c (PyTorch's g), o. */
const GATES = [["Wi", "bi"], ["Wf", "bf"], ["Wc", "bc"], ["Wo", "bo"]] as const;

/**
 * Parameters from a PyTorch `nn.LSTM` (one layer, one direction). The two biases are added.
 *
 * @throws {RangeError} if a shape is inconsistent (naming the tensor, its shape and the expected one) or a number is not finite
 * @throws {TypeError} if a tensor is missing, or the state is of a multi-layer or bidirectional LSTM
 *
 * @example
 * ```ts
 * import { fromTorchLSTM, toTorchLSTM } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * // H = 1, X = 2: rows i, f, g, o.
 * const state = {
 *   weight_ih_l0: [[1, 2], [3, 4], [5, 6], [7, 8]],
 *   weight_hh_l0: [[0.1], [0.2], [0.3], [0.4]],
 *   bias_ih_l0: [1, 1, 1, 1],
 *   bias_hh_l0: [0.5, 0.5, 0.5, 0.5],
 * };
 * const params = fromTorchLSTM(state);
 * assert.deepEqual([...params.Wf.data], [...new Float32Array([0.2, 3, 4])]); // [h part | x part]
 * assert.deepEqual([...params.bf], [1.5]); // the two biases added
 * assert.deepEqual(toTorchLSTM(params).bias_hh_l0, [0, 0, 0, 0]); // back: the whole bias in bias_ih_l0
 * ```
 */
export function fromTorchLSTM(state: TorchLSTMState, options?: ImportOptions & { dtype?: "float32" }): LSTMParams;
export function fromTorchLSTM(
  state: TorchLSTMState,
  options: ImportOptions & { dtype: "float64" },
): LSTMParams<Float64Array>;
export function fromTorchLSTM(state: TorchLSTMState, options?: ImportOptions): LSTMParams<FloatArray>;
export function fromTorchLSTM(state: TorchLSTMState, options: ImportOptions = {}): LSTMParams<FloatArray> {
  const context = "import PyTorch LSTM";
  if (state === null || typeof state !== "object") throw new TypeError(`Cannot ${context}: state must be an object`);
  for (const key of Object.keys(state)) {
    if (/_l[1-9]|_reverse|_hr_/.test(key)) {
      throw new TypeError(
        `Cannot ${context}: found ${key}; only a one-layer, one-direction nn.LSTM without proj_size is supported`,
      );
    }
  }
  const bih = vector(state.bias_ih_l0, "bias_ih_l0", context);
  const bhh = vector(state.bias_hh_l0, "bias_hh_l0", context);
  if (bih.length % 4 !== 0 || bih.length === 0) {
    throw new RangeError(`Cannot ${context}: bias_ih_l0 has length ${bih.length}, expected 4H for some H >= 1`);
  }
  const H = bih.length / 4;
  if (bhh.length !== 4 * H) {
    throw new RangeError(`Cannot ${context}: bias_hh_l0 has length ${bhh.length}, expected ${4 * H} (4H)`);
  }
  const wih = rows(state.weight_ih_l0, "weight_ih_l0", context);
  shape(wih, 4 * H, null, "weight_ih_l0", "[4H, X]", H, context);
  const X = wih[0].length;
  const whh = rows(state.weight_hh_l0, "weight_hh_l0", context);
  shape(whh, 4 * H, H, "weight_hh_l0", "[4H, H]", H, context);

  const params = emptyParams(options.dtype ?? "float32", X, H);
  GATES.forEach(([W, b], gate) => {
    for (let r = 0; r < H; r++) {
      const row = gate * H + r, out = params[W].data;
      for (let k = 0; k < H; k++) out[r * (H + X) + k] = whh[row][k];
      for (let k = 0; k < X; k++) out[r * (H + X) + H + k] = wih[row][k];
      params[b][r] = bih[row] + bhh[row];
    }
  });
  checkLSTMParams(params, context);
  return params;
}

/**
 * The parameters in PyTorch's layout, ready for `lstm.load_state_dict({k: torch.tensor(v) for k, v in state.items()})`.
 * The whole bias goes into `bias_ih_l0` and `bias_hh_l0` is zeros: only their sum matters, and a split
 * cannot be recovered from it. Also takes the gradients from `backpropLSTM`, which then come out in
 * the layout of PyTorch's `.grad` fields: there both biases get the same gradient, since only their sum matters.
 *
 * @example
 * ```ts
 * import { fromTorchLSTM, initLSTMParams, toTorchLSTM } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const params = initLSTMParams(3, 2, { seed: 0 }); // X = 3, H = 2
 * const state = toTorchLSTM(params);
 * assert.equal(state.weight_ih_l0.length, 8); // [4H, X]
 * assert.equal(state.weight_ih_l0[0].length, 3);
 * assert.deepEqual(fromTorchLSTM(state), params); // a round trip loses nothing
 * ```
 */
export function toTorchLSTM(params: LSTMParams<FloatArray>): TorchLSTMState {
  checkLSTMParams(params, "export PyTorch LSTM");
  const H = params.hiddenSize, X = params.inputSize;
  // Gradients (they carry dxs) go to both biases, as PyTorch's .grad does: b_ih and b_hh enter only as b_ih + b_hh.
  const isGradient = "dxs" in params;
  const state: TorchLSTMState = { weight_ih_l0: [], weight_hh_l0: [], bias_ih_l0: [], bias_hh_l0: [] };
  for (const [W, b] of GATES) {
    for (let r = 0; r < H; r++) {
      const row = params[W].data.subarray(r * (H + X), (r + 1) * (H + X)); // [h part | x part]
      state.weight_hh_l0.push(Array.from(row.subarray(0, H)));
      state.weight_ih_l0.push(Array.from(row.subarray(H)));
      state.bias_ih_l0.push(params[b][r]);
      state.bias_hh_l0.push(isGradient ? params[b][r] : 0);
    }
  }
  return state;
}

/**
 * Parameters from a Keras or tfjs `LSTM` layer's weights: `{ kernel, recurrentKernel, bias }`, or the
 * list `[kernel, recurrentKernel, bias]` that `layer.getWeights().map((w) => w.arraySync())` gives.
 *
 * @throws {RangeError} if a shape is inconsistent or a number is not finite
 *
 * @example
 * ```ts
 * import { fromKerasLSTM } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * // X = 1, H = 1: one column per gate, i, f, c, o.
 * const params = fromKerasLSTM({ kernel: [[1, 2, 3, 4]], recurrentKernel: [[5, 6, 7, 8]], bias: [0, 1, 0, 0] });
 * assert.deepEqual([...params.Wf.data], [6, 2]); // [h part | x part]
 * assert.deepEqual([...params.bf], [1]);
 * ```
 */
export function fromKerasLSTM(
  weights: KerasLSTMWeights | readonly unknown[],
  options?: ImportOptions & { dtype?: "float32" },
): LSTMParams;
export function fromKerasLSTM(
  weights: KerasLSTMWeights | readonly unknown[],
  options: ImportOptions & { dtype: "float64" },
): LSTMParams<Float64Array>;
export function fromKerasLSTM(
  weights: KerasLSTMWeights | readonly unknown[],
  options?: ImportOptions,
): LSTMParams<FloatArray>;
export function fromKerasLSTM(
  weights: KerasLSTMWeights | readonly unknown[],
  options: ImportOptions = {},
): LSTMParams<FloatArray> {
  const context = "import Keras LSTM";
  let w: KerasLSTMWeights;
  if (Array.isArray(weights)) {
    if (weights.length !== 3) {
      throw new RangeError(
        `Cannot ${context}: got ${weights.length} weight arrays, expected 3 (kernel, recurrentKernel, bias)`,
      );
    }
    w = { kernel: weights[0], recurrentKernel: weights[1], bias: weights[2] } as KerasLSTMWeights;
  } else {
    w = weights as KerasLSTMWeights;
  }
  const bias = vector(w.bias, "bias", context);
  if (bias.length % 4 !== 0 || bias.length === 0) {
    throw new RangeError(`Cannot ${context}: bias has length ${bias.length}, expected 4H for some H >= 1`);
  }
  const H = bias.length / 4;
  const kernel = rows(w.kernel, "kernel", context);
  shape(kernel, null, 4 * H, "kernel", "[X, 4H]", H, context);
  const X = kernel.length;
  const recurrent = rows(w.recurrentKernel, "recurrentKernel", context);
  shape(recurrent, H, 4 * H, "recurrentKernel", "[H, 4H]", H, context);

  const params = emptyParams(options.dtype ?? "float32", X, H);
  GATES.forEach(([W, b], gate) => {
    for (let r = 0; r < H; r++) {
      const col = gate * H + r, out = params[W].data;
      for (let k = 0; k < H; k++) out[r * (H + X) + k] = recurrent[k][col];
      for (let k = 0; k < X; k++) out[r * (H + X) + H + k] = kernel[k][col];
      params[b][r] = bias[col];
    }
  });
  checkLSTMParams(params, context);
  return params;
}

/**
 * The parameters in Keras/tfjs layout. For a tfjs layer built with the same sizes:
 * `layer.setWeights([tf.tensor2d(w.kernel), tf.tensor2d(w.recurrentKernel), tf.tensor1d(w.bias)])`.
 * Also takes the gradients from `backpropLSTM` (giving what `tf.variableGrads` returns for the layer).
 *
 * @example
 * ```ts
 * import { fromKerasLSTM, initLSTMParams, toKerasLSTM } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const params = initLSTMParams(3, 2, { seed: 0 }); // X = 3, H = 2
 * const w = toKerasLSTM(params);
 * assert.equal(w.kernel.length, 3); // [X, 4H]
 * assert.equal(w.kernel[0].length, 8);
 * assert.deepEqual(fromKerasLSTM(w), params);
 * ```
 */
export function toKerasLSTM(params: LSTMParams<FloatArray>): KerasLSTMWeights {
  checkLSTMParams(params, "export Keras LSTM");
  const H = params.hiddenSize, X = params.inputSize;
  const kernel = Array.from({ length: X }, () => new Array<number>(4 * H));
  const recurrentKernel = Array.from({ length: H }, () => new Array<number>(4 * H));
  const bias = new Array<number>(4 * H);
  GATES.forEach(([W, b], gate) => {
    for (let r = 0; r < H; r++) {
      const col = gate * H + r, data = params[W].data;
      for (let k = 0; k < H; k++) recurrentKernel[k][col] = data[r * (H + X) + k];
      for (let k = 0; k < X; k++) kernel[k][col] = data[r * (H + X) + H + k];
      bias[col] = params[b][r];
    }
  });
  return { kernel, recurrentKernel, bias };
}

// ---------------------------------------------------------------------------------------------

type Writable<F extends FloatArray> = {
  -readonly [K in keyof LSTMParams<F>]: LSTMParams<F>[K];
};

function emptyParams<D extends DType>(dtype: D, X: number, H: number): Writable<ArrayOf<D>> {
  const W = (): Matrix<ArrayOf<D>> => ({ rows: H, cols: H + X, data: floatArray(dtype, H * (H + X)) });
  const b = () => floatArray(dtype, H);
  return { inputSize: X, hiddenSize: H, Wf: W(), Wi: W(), Wc: W(), Wo: W(), bf: b(), bi: b(), bc: b(), bo: b() };
}

function vector(v: unknown, what: string, context: string): ArrayLike<number> {
  if (v === undefined) throw new TypeError(`Cannot ${context}: ${what} is missing`);
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    throw new TypeError(`Cannot ${context}: ${what} must be an array of numbers, got ${describe(v)}`);
  }
  const values = v as ArrayLike<number>;
  for (let k = 0; k < values.length; k++) {
    if (typeof values[k] !== "number") {
      throw new TypeError(`Cannot ${context}: ${what}[${k}] must be a number, got ${describe(values[k])}`);
    }
  }
  expectFinite(values, what, context);
  return values;
}

function rows(m: unknown, what: string, context: string): ArrayLike<number>[] {
  if (m === undefined) throw new TypeError(`Cannot ${context}: ${what} is missing`);
  if (!Array.isArray(m)) throw new TypeError(`Cannot ${context}: ${what} must be a list of rows, got ${describe(m)}`);
  return m.map((row, r) => vector(row, `${what}[${r}]`, context));
}

/**
 * Checks a matrix's shape; `null` for a size still unknown (X, read from this very matrix).
 * H always comes from the bias, so the message says so.
 */
function shape(
  m: ArrayLike<number>[],
  rows: number | null,
  cols: number | null,
  what: string,
  layout: string,
  H: number,
  context: string,
): void {
  const width = m[0]?.length ?? 0;
  const ragged = m.findIndex((row) => row.length !== width);
  if (ragged !== -1) {
    throw new RangeError(
      `Cannot ${context}: ${what}[${ragged}] has length ${m[ragged].length}, expected ${width} like ${what}[0]`,
    );
  }
  const fits = (r: number, c: number) => (rows === null || r === rows) && (cols === null || c === cols) && r * c > 0;
  if (!fits(m.length, width)) {
    const hint = fits(width, m.length) ? "; it looks transposed" : "";
    throw new RangeError(
      `Cannot ${context}: ${what} is ${m.length}×${width}, expected ${rows ?? "X"}×${cols ?? "X"} ` +
        `(${layout} with H = ${H} from the bias)${hint}`,
    );
  }
}
