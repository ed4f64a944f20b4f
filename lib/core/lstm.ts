/**
 * An LSTM over a whole sequence, forwards and backwards (backpropagation through time).
 *
 * {@linkcode runLSTM} applies the cell of `lstm_cell.ts` to x_1 … x_T and keeps a trace of every gate
 * at every step; {@linkcode backpropLSTM} walks that trace backwards and returns the gradient of every
 * weight, every input and both initial states. The two sit side by side because each line of the
 * backward pass undoes one line of the forward pass:
 *
 * ```text
 * forward, step t                        backward, step t (read bottom to top on the left, top to bottom here)
 * z_g = W_g·[h_{t-1}, x_t] + b_g         dh = dL/dh_t (from the loss at t, plus from step t+1)
 * f = σ(z_f), i = σ(z_i), o = σ(z_o)     dc = dL/dc_t from step t+1  +  dh ⊗ o ⊗ (1 - tanh²(c_t))
 * c̃ = tanh(z_c)                          dz_o = dh ⊗ tanh(c_t) ⊗ o(1 - o)           σ' = s(1 - s)
 * c_t = f ⊗ c_{t-1} + i ⊗ c̃              dz_f = dc ⊗ c_{t-1} ⊗ f(1 - f)
 * h_t = o ⊗ tanh(c_t)                    dz_i = dc ⊗ c̃ ⊗ i(1 - i)
 *                                        dz_c = dc ⊗ i ⊗ (1 - c̃²)                  tanh' = 1 - t²
 *                                        dL/dc_{t-1} = dc ⊗ f
 *                                        dW_g += dz_g · [h_{t-1}, x_t]ᵀ,  db_g += dz_g
 *                                        dL/d[h_{t-1}, x_t] = Σ_g W_gᵀ · dz_g
 * ```
 *
 * Every derivative is computed from outputs the forward pass saved (σ' = s(1 - s), tanh' = 1 - t²),
 * never by re-running an activation. The path `dc_{t-1} = dc ⊗ f` has no squashing function on it:
 * that is why the LSTM's gradient survives many steps where a vanilla RNN's vanishes (Hochreiter &
 * Schmidhuber 1997, "Long Short-Term Memory", the constant error carousel; the forget gate is from
 * Gers, Schmidhuber & Cummins 2000).
 *
 * Both passes write into arrays allocated once per sequence, so nothing is allocated inside the
 * per-step loops. They run in float32, or in float64 when the parameters are float64
 * (for the gradient check in `gradcheck.ts`).
 *
 * Introduced in notebooks 05 (the gates over a sentence) and 09 (training); used by `train.ts`.
 *
 * @module
 */

import { checkLSTMParams, type LSTMParams } from "./lstm_cell.ts";
import { sigmoidScalar } from "./pointwise.ts";
import { emptyLike, expectLength, type FloatArray, type Matrix, type VectorLike } from "./tensor.ts";
import { readInputs, readState, views } from "./_sequence.ts";

/** Options for {@linkcode runLSTM}. */
export interface RunLSTMOptions {
  /** The initial hidden state h_0, `[H]` (default zeros). */
  h0?: VectorLike;
  /** The initial cell state c_0, `[H]` (default zeros). */
  c0?: VectorLike;
}

/**
 * Everything {@linkcode runLSTM} computed, step by step: `trace.f[t]` is the forget gate at step t
 * (`t` from 0), `[H]`. The plots read it, and so does {@linkcode backpropLSTM}.
 *
 * Each list holds T vectors; the vectors of one list are views into one contiguous buffer.
 */
export interface LSTMTrace<F extends FloatArray = Float32Array> {
  /** T, the number of steps. */
  readonly steps: number;
  /** X, the length of each input. */
  readonly inputSize: number;
  /** H, the number of units. */
  readonly hiddenSize: number;
  /** The inputs x_t, `[T][X]`. */
  readonly xs: readonly F[];
  /** The initial hidden state h_0, `[H]`. */
  readonly h0: F;
  /** The initial cell state c_0, `[H]`. */
  readonly c0: F;
  /** `[h_{t-1}, x_t]`, what every gate reads, `[T][H+X]`. */
  readonly hx: readonly F[];
  /** Forget gates f_t, `[T][H]`, in (0, 1). */
  readonly f: readonly F[];
  /** Input gates i_t, `[T][H]`, in (0, 1). */
  readonly i: readonly F[];
  /** Candidate memories c̃_t, `[T][H]`, in (-1, 1). */
  readonly cTilde: readonly F[];
  /** Output gates o_t, `[T][H]`, in (0, 1). */
  readonly o: readonly F[];
  /** Cell states c_t, `[T][H]`. */
  readonly c: readonly F[];
  /** tanh(c_t), `[T][H]`, saved for h_t and for the backward pass. */
  readonly tanhC: readonly F[];
  /** Hidden states h_t, `[T][H]`: the LSTM's outputs. */
  readonly h: readonly F[];
}

/**
 * Gradients of a loss with respect to everything an LSTM sequence depends on. The weight and bias
 * gradients have exactly the parameters' shapes and names (`grads.Wf` is dL/dW_f, `[H, H+X]`), so
 * they can go wherever parameters go ({@linkcode lstmTensors}, `toTorchLSTM`, `toKerasLSTM`).
 */
export interface LSTMGrads<F extends FloatArray = Float32Array> extends LSTMParams<F> {
  /** dL/dx_t for every step, `[T][X]`. */
  readonly dxs: readonly F[];
  /** dL/dh_0, `[H]`. */
  readonly dh0: F;
  /** dL/dc_0, `[H]`. */
  readonly dc0: F;
}

/** Options for {@linkcode backpropLSTM}. */
export interface BackpropLSTMOptions {
  /** An upstream gradient on the last cell state, dL/dc_T, `[H]` (default zeros). */
  dcT?: VectorLike;
}

/**
 * Runs an LSTM cell over a sequence: x_1 … x_T in, h_1 … h_T (and every gate) out.
 * The same equations as {@linkcode lstmStep}, fused into one pass over the units per step.
 *
 * @param params the cell (`W_*` `[H, H+X]`, `b_*` `[H]`); float32 or float64
 * @param xs the inputs x_1 … x_T, a list of T vectors `[X]`
 * @param options the initial states `h0`, `c0` (`[H]`, zeros by default)
 * @returns the trace: `trace.h[t]` and `trace.c[t]` are h and c after step t, `[H]`, and so on for every gate
 * @throws {RangeError} if `xs` is empty, a vector has the wrong length, or a weight or input is not finite
 *
 * @example
 * ```ts
 * import { initLSTMParams, lstmStep, runLSTM } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const params = initLSTMParams(2, 3, { seed: 0 }); // X = 2, H = 3
 * const trace = runLSTM(params, [[1, 0], [0, 1], [1, 1]]); // T = 3
 * assert.equal(trace.h.length, 3);
 * assert.equal(trace.h[2].length, 3); // [H]
 *
 * // Step by step with lstmStep gives the same states (float32: tolerance 1e-6).
 * const s1 = lstmStep(params, [1, 0]);
 * const s2 = lstmStep(params, [0, 1], s1.h, s1.c);
 * trace.c[1].forEach((c, k) => assert.ok(Math.abs(c - s2.c[k]) < 1e-6));
 * ```
 */
export function runLSTM<F extends FloatArray>(
  params: LSTMParams<F>,
  xs: readonly VectorLike[],
  options: RunLSTMOptions = {},
): LSTMTrace<F> {
  const context = "run LSTM";
  checkLSTMParams(params, context);
  const { hiddenSize: H, inputSize: X } = params;
  const like = params.bf;
  const inputs = readInputs(xs, like, X, context);
  const h0 = readState(options.h0, like, H, "h0", context);
  const c0 = readState(options.c0, like, H, "c0", context);
  const T = inputs.length;

  const trace: LSTMTrace<F> = {
    steps: T,
    inputSize: X,
    hiddenSize: H,
    xs: inputs,
    h0,
    c0,
    hx: views(like, T, H + X),
    f: views(like, T, H),
    i: views(like, T, H),
    cTilde: views(like, T, H),
    o: views(like, T, H),
    c: views(like, T, H),
    tanhC: views(like, T, H),
    h: views(like, T, H),
  };
  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? h0 : trace.h[t - 1];
    const cPrev = t === 0 ? c0 : trace.c[t - 1];
    forwardStep(params, inputs[t], hPrev, cPrev, trace, t);
  }
  return trace;
}

/**
 * Backpropagation through time: from upstream gradients dL/dh_t (and optionally dL/dc_T) to the
 * gradient of every weight and bias, every input x_t and both initial states.
 *
 * The loss is whatever produced `dh`: for a classifier on the last step, `dh` is zero (or `null`)
 * everywhere but at T - 1; for a language model, every step has one.
 *
 * @param params the parameters the trace was computed with
 * @param trace what {@linkcode runLSTM} returned
 * @param dh the upstream gradients dL/dh_t, a list of T vectors `[H]`; `null` for a step with none
 * @param options `dcT`, an upstream gradient on the last cell state
 * @returns the gradients, shaped and named like the parameters, plus `dxs`, `dh0`, `dc0`
 * @throws {RangeError} if `dh` does not have T entries of length H, or the trace is not of these parameters
 *
 * @example
 * ```ts
 * import { backpropLSTM, initLSTMParams, runLSTM } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const params = initLSTMParams(2, 3, { seed: 0 }); // X = 2, H = 3
 * const trace = runLSTM(params, [[1, 0], [0, 1]]); // T = 2
 * // L = h_2[0]: only the first unit of the last hidden state.
 * const grads = backpropLSTM(params, trace, [null, [1, 0, 0]]);
 * assert.equal(grads.Wf.rows, 3);
 * assert.equal(grads.Wf.cols, 5); // [H, H+X], like params.Wf
 * assert.equal(grads.dxs.length, 2); // dL/dx_t for both steps
 * ```
 */
export function backpropLSTM<F extends FloatArray>(
  params: LSTMParams<F>,
  trace: LSTMTrace<F>,
  dh: readonly (VectorLike | null | undefined)[],
  options: BackpropLSTMOptions = {},
): LSTMGrads<F> {
  const context = "backpropagate LSTM";
  checkLSTMParams(params, context);
  const { hiddenSize: H, inputSize: X } = params;
  checkTrace(trace, params.bf, H, X, context);
  const T = trace.steps;
  if (!Array.isArray(dh)) throw new TypeError(`Cannot ${context}: dh must be a list of ${T} vectors`);
  expectLength(dh, T, "dh", context);
  const like = params.bf;
  const upstream = dh.map((d, t) => d == null ? null : readState(d, like, H, `dh[${t}]`, context));

  const grads = zeroGrads(params, T);
  const dhNext = emptyLike(like, H); // dL/dh_t arriving from step t+1
  const dc = readState(options.dcT, like, H, "dcT", context); // dL/dc_t, carried backwards
  const work: BackwardWork<F> = {
    dhTotal: emptyLike(like, H),
    dzf: emptyLike(like, H),
    dzi: emptyLike(like, H),
    dzc: emptyLike(like, H),
    dzo: emptyLike(like, H),
    dhx: emptyLike(like, H + X),
  };
  for (let t = T - 1; t >= 0; t--) {
    const up = upstream[t];
    for (let r = 0; r < H; r++) work.dhTotal[r] = dhNext[r] + (up === null ? 0 : up[r]);
    const cPrev = t === 0 ? trace.c0 : trace.c[t - 1];
    backwardStep(params, trace, t, cPrev, dc, work, grads);
    dhNext.set(work.dhx.subarray(0, H));
    (grads.dxs[t] as F).set(work.dhx.subarray(H));
  }
  grads.dh0.set(dhNext);
  grads.dc0.set(dc);
  return grads;
}

// ---------------------------------------------------------------------------------------------
// One step forwards and one step backwards. Each writes into preallocated arrays.

/** Step t forwards: reads x_t, h_{t-1}, c_{t-1}; writes every gate and state of step t into the trace. */
function forwardStep<F extends FloatArray>(
  p: LSTMParams<F>,
  x: F, // [X]
  hPrev: F, // [H]
  cPrev: F, // [H]
  trace: LSTMTrace<F>,
  t: number,
): void {
  const H = p.hiddenSize, N = p.hiddenSize + p.inputSize;
  const hx = trace.hx[t], f = trace.f[t], i = trace.i[t], cTilde = trace.cTilde[t];
  const o = trace.o[t], c = trace.c[t], tanhC = trace.tanhC[t], h = trace.h[t];
  hx.set(hPrev, 0); // [h_{t-1}, x_t]  [H+X]
  hx.set(x, H);
  const Wf = p.Wf.data, Wi = p.Wi.data, Wc = p.Wc.data, Wo = p.Wo.data; // [H, H+X]
  for (let r = 0; r < H; r++) {
    // Row r of all four gates at once: one read of hx serves four dot products.
    const row = r * N;
    let zf = p.bf[r], zi = p.bi[r], zc = p.bc[r], zo = p.bo[r];
    for (let k = 0; k < N; k++) {
      const v = hx[k];
      zf += Wf[row + k] * v;
      zi += Wi[row + k] * v;
      zc += Wc[row + k] * v;
      zo += Wo[row + k] * v;
    }
    f[r] = sigmoidScalar(zf);
    i[r] = sigmoidScalar(zi);
    cTilde[r] = Math.tanh(zc);
    o[r] = sigmoidScalar(zo);
    c[r] = f[r] * cPrev[r] + i[r] * cTilde[r]; // c_t = f ⊗ c_{t-1} + i ⊗ c̃
    tanhC[r] = Math.tanh(c[r]);
    h[r] = o[r] * tanhC[r]; // h_t = o ⊗ tanh(c_t)
  }
}

interface BackwardWork<F extends FloatArray> {
  /** dL/dh_t: from the loss at step t plus from step t+1, `[H]`. */
  dhTotal: F;
  /** dL/dz for each gate's pre-activation z = W·[h_{t-1}, x_t] + b, `[H]`. */
  dzf: F;
  dzi: F;
  dzc: F;
  dzo: F;
  /** dL/d[h_{t-1}, x_t], `[H+X]`. */
  dhx: F;
}

/**
 * Step t backwards. On entry `dc` holds dL/dc_t from the steps after t; on exit it holds dL/dc_{t-1}.
 * Adds this step's share to every weight gradient and leaves dL/d[h_{t-1}, x_t] in `work.dhx`.
 */
function backwardStep<F extends FloatArray>(
  p: LSTMParams<F>,
  trace: LSTMTrace<F>,
  t: number,
  cPrev: F, // [H]
  dc: F, // [H], updated in place
  work: BackwardWork<F>,
  g: LSTMGrads<F>,
): void {
  const H = p.hiddenSize, N = p.hiddenSize + p.inputSize;
  const hx = trace.hx[t], f = trace.f[t], i = trace.i[t], cTilde = trace.cTilde[t];
  const o = trace.o[t], tanhC = trace.tanhC[t];
  const { dhTotal: dh, dzf, dzi, dzc, dzo, dhx } = work;
  for (let r = 0; r < H; r++) {
    // h_t = o ⊗ tanh(c_t): to o, and through tanh (tanh' = 1 - tanh²) into c_t.
    const dct = dc[r] + dh[r] * o[r] * (1 - tanhC[r] * tanhC[r]); // all of dL/dc_t, unit r
    dzo[r] = dh[r] * tanhC[r] * o[r] * (1 - o[r]); // σ' = o(1 - o)
    // c_t = f ⊗ c_{t-1} + i ⊗ c̃: to each factor, then through its σ or tanh.
    dzf[r] = dct * cPrev[r] * f[r] * (1 - f[r]);
    dzi[r] = dct * cTilde[r] * i[r] * (1 - i[r]);
    dzc[r] = dct * i[r] * (1 - cTilde[r] * cTilde[r]);
    dc[r] = dct * f[r]; // dL/dc_{t-1}: the constant error carousel, scaled only by f
  }
  dhx.fill(0);
  const Wf = p.Wf.data, Wi = p.Wi.data, Wc = p.Wc.data, Wo = p.Wo.data; // [H, H+X]
  const gWf = g.Wf.data, gWi = g.Wi.data, gWc = g.Wc.data, gWo = g.Wo.data; // [H, H+X]
  for (let r = 0; r < H; r++) {
    const row = r * N;
    const zf = dzf[r], zi = dzi[r], zc = dzc[r], zo = dzo[r]; // dL/dz of each gate, unit r
    for (let k = 0; k < N; k++) {
      const v = hx[k];
      gWf[row + k] += zf * v; // dW = dz · [h_{t-1}, x_t]ᵀ
      gWi[row + k] += zi * v;
      gWc[row + k] += zc * v;
      gWo[row + k] += zo * v;
      dhx[k] += Wf[row + k] * zf + Wi[row + k] * zi + Wc[row + k] * zc + Wo[row + k] * zo; // Σ Wᵀ·dz
    }
    g.bf[r] += zf;
    g.bi[r] += zi;
    g.bc[r] += zc;
    g.bo[r] += zo;
  }
}

// ---------------------------------------------------------------------------------------------

function checkTrace(trace: LSTMTrace<FloatArray>, like: FloatArray, H: number, X: number, context: string): void {
  if (trace === null || typeof trace !== "object" || !Array.isArray(trace.h)) {
    throw new TypeError(`Cannot ${context}: trace must be what runLSTM returned`);
  }
  for (const name of ["hx", "f", "i", "cTilde", "o", "c", "tanhC", "h", "xs"] as const) {
    if (trace[name]?.length !== trace.steps) {
      throw new RangeError(
        `Cannot ${context}: trace.${name} has length ${trace[name]?.length}, expected ${trace.steps} steps`,
      );
    }
  }
  if (trace.h[0].constructor !== like.constructor) {
    throw new TypeError(
      `Cannot ${context}: the trace holds ${
        trace.h[0].constructor.name
      }s but the parameters are ${like.constructor.name}s`,
    );
  }
  if (trace.hiddenSize !== H || trace.inputSize !== X) {
    throw new RangeError(
      `Cannot ${context}: the trace is of a cell with H = ${trace.hiddenSize}, X = ${trace.inputSize}, ` +
        `but the parameters have H = ${H}, X = ${X}`,
    );
  }
}

function zeroGrads<F extends FloatArray>(p: LSTMParams<F>, T: number): LSTMGrads<F> {
  const like = p.bf, H = p.hiddenSize, X = p.inputSize;
  const W = (): Matrix<F> => ({ rows: H, cols: H + X, data: emptyLike(like, H * (H + X)) });
  return {
    inputSize: X,
    hiddenSize: H,
    Wf: W(),
    Wi: W(),
    Wc: W(),
    Wo: W(),
    bf: emptyLike(like, H),
    bi: emptyLike(like, H),
    bc: emptyLike(like, H),
    bo: emptyLike(like, H),
    dxs: views(like, T, X),
    dh0: emptyLike(like, H),
    dc0: emptyLike(like, H),
  };
}
