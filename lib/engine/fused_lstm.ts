/**
 * One LSTM layer over a whole window of T steps, forward and backward written out, for training the
 * course's word model faster (`lib/engine/wordlm.ts`). tfjs differentiates an LSTM written step by step as
 * some thirty small operations per step, each with its own overhead; here the window is one
 * operation whose gradient is the lecture's equations run backwards, on typed arrays, with every
 * matrix product through native BLAS (`lib/engine/_blas.ts`).
 *
 * Forward, for each step t (gates in Keras's order i, f, c̃, o, as the word model stores them):
 *
 * ```text
 * z = xw_t + hPrev·R                       [B, 4H]   (xw_t = x_t·W + b, computed outside for all t at once)
 * i = σ(z_i)   f = σ(z_f)   cTilde = tanh(z_c)   o = σ(z_o)
 * c = f ⊗ cPrev + i ⊗ cTilde               [B, H]
 * h = o ⊗ tanh(c)                          [B, H]
 * ```
 *
 * Backward (backpropagation through time), from t = T − 1 down to 0, with dh = ∂L/∂h_t from the
 * layer above plus what step t + 1 sent back, and dc what step t + 1 sent back along the cell state:
 *
 * ```text
 * dc += dh ⊗ o ⊗ (1 − tanh²(c))           (the cell path: step t + 1 multiplied it by f_{t+1})
 * dz_o = dh ⊗ tanh(c) ⊗ o(1 − o)   dz_i = dc ⊗ cTilde ⊗ i(1 − i)
 * dz_c = dc ⊗ i ⊗ (1 − cTilde²)    dz_f = dc ⊗ cPrev ⊗ f(1 − f)
 * dcPrev = dc ⊗ f                          ∂c_t/∂c_{t−1} = diag(f_t), notebook 01
 * dhPrev = dz·Rᵀ                           [B, H]
 * ```
 *
 * and, once for the whole window, ∂L/∂R = Σ_t hPrev_tᵀ·dz_t as one product [H, B·T] × [B·T, 4H].
 * `tests/fused_lstm_test.ts` checks both directions against tfjs's own step-by-step differentiation.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { loadBlas, type Sgemm } from "./_blas.ts";
import { timed } from "./_phases.ts";
import { gatesRow } from "./_lstm_gates.ts";

/** Whether the fused layer can run here: it needs native BLAS for its products. */
export function fusedLSTMAvailable(): boolean {
  return loadBlas() !== null;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** tanh(z) = 2σ(2z) − 1: one exp, about twice as fast as `Math.tanh` in V8; exact to float32. */
const tanh = (z: number) => 2 / (1 + Math.exp(-2 * z)) - 1;

/**
 * The LSTM layer over a window: `xw` `[B, T, 4H]` (the input projections, bias included), `R`
 * `[H, 4H]`, the states before the window `h0`, `c0` `[B, H]`. Returns `[B, T + 1, H]`: the hidden
 * states of the T steps, then the cell state after the last step (slice them apart; the last row
 * carries no gradient back). Differentiable in all four inputs.
 *
 * @throws {Error} if no BLAS library is loaded (check {@linkcode fusedLSTMAvailable} first)
 * @throws {RangeError} if the shapes do not fit together (naming both), before anything is read
 */
export const lstmWindow = tf.customGrad(
  ((xw: tf.Tensor, R: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, save: tf.GradSaveFunc) => {
    const blas = loadBlas();
    if (blas === null) throw new Error("Cannot run the fused LSTM layer: no BLAS library is loaded");
    const { B, T, H } = windowShape(xw, R, h0, c0);
    const G = 4 * H;
    const run = timed("LSTM element-wise", () =>
      forward(
        blas.sgemm,
        B,
        T,
        H,
        xw.dataSync() as Float32Array,
        R.dataSync() as Float32Array,
        h0.dataSync() as Float32Array,
        c0.dataSync() as Float32Array,
      ));
    const value = tf.tensor3d(run.out, [B, T + 1, H]);
    // Keep the step-by-step record as tensors so that tfjs holds it for the backward pass.
    save([R, tf.tensor1d(run.gates), tf.tensor1d(run.cs), tf.tensor1d(run.tanhCs), tf.tensor1d(run.hPrevs), c0]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [Rs, gates, cs, tanhCs, hPrevs, c0s] = saved;
        const grads = timed(
          "LSTM element-wise",
          () =>
            backward(blas.sgemm, B, T, H, dy.dataSync() as Float32Array, Rs.dataSync() as Float32Array, {
              gates: gates.dataSync() as Float32Array,
              cs: cs.dataSync() as Float32Array,
              tanhCs: tanhCs.dataSync() as Float32Array,
              hPrevs: hPrevs.dataSync() as Float32Array,
              c0: c0s.dataSync() as Float32Array,
            }),
        );
        return [
          tf.tensor3d(grads.dz, [B, T, G]),
          tf.tensor2d(grads.dR, [H, G]),
          tf.tensor2d(grads.dh0, [B, H]),
          tf.tensor2d(grads.dc0, [B, H]),
        ];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0],
) as unknown as (xw: tf.Tensor3D, R: tf.Tensor2D, h0: tf.Tensor2D, c0: tf.Tensor2D) => tf.Tensor3D;

/** B, T and H of a window, once `xw` `[B, T, 4H]`, `R` `[H, 4H]`, `h0` and `c0` `[B, H]` are checked to fit. */
function windowShape(xw: tf.Tensor, R: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor): { B: number; T: number; H: number } {
  const context = "Cannot run the fused LSTM layer";
  if (xw.rank !== 3 || (xw.shape[2] as number) % 4 !== 0) {
    throw new RangeError(`${context}: xw must be [B, T, 4H], got [${xw.shape.join(", ")}]`);
  }
  const [B, T, G] = xw.shape as [number, number, number];
  const H = G / 4;
  if (R.rank !== 2 || R.shape[0] !== H || R.shape[1] !== G) {
    throw new RangeError(
      `${context}: R is [${R.shape.join(", ")}], expected [${H}, ${G}] for xw [${xw.shape.join(", ")}]`,
    );
  }
  for (const [name, t] of [["h0", h0], ["c0", c0]] as const) {
    if (t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== H) {
      throw new RangeError(
        `${context}: ${name} is [${t.shape.join(", ")}], expected [${B}, ${H}] for xw [${xw.shape.join(", ")}]`,
      );
    }
  }
  for (const [name, t] of [["xw", xw], ["R", R], ["h0", h0], ["c0", c0]] as const) {
    if (t.dtype !== "float32") throw new TypeError(`${context}: ${name} must be float32, got ${t.dtype}`);
  }
  return { B, T, H };
}

/** Refuses typed arrays shorter or longer than the sizes say, so that no loop reads past one. */
function checkLengths(what: string, B: number, T: number, H: number, arrays: [string, Float32Array, number][]): void {
  for (const [name, n] of [["B", B], ["T", T], ["H", H]] as const) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Cannot run the fused LSTM ${what}: ${name} must be a whole number >= 1, got ${n}`);
    }
  }
  for (const [name, array, length] of arrays) {
    if (array.length !== length) {
      throw new RangeError(
        `Cannot run the fused LSTM ${what}: ${name} holds ${array.length} floats, expected ${length} for B = ${B}, T = ${T}, H = ${H}`,
      );
    }
  }
}

/**
 * The forward pass on typed arrays. Layouts: `xw` and `gates` `[B, T, 4H]` (gates hold i, f, c̃, o
 * after their squashing), `cs` and `hPrevs` `[B, T, H]` (c_t, and the h_{t−1} step t read), `out`
 * `[B, T + 1, H]`.
 *
 * @throws {RangeError} if an array's length does not fit B, T and H
 */
export function forward(
  sgemm: Sgemm,
  B: number,
  T: number,
  H: number,
  xw: Float32Array,
  R: Float32Array,
  h0: Float32Array,
  c0: Float32Array,
  simd = H % 4 === 0,
): { out: Float32Array; gates: Float32Array; cs: Float32Array; tanhCs: Float32Array; hPrevs: Float32Array } {
  const G = 4 * H;
  checkLengths("forward pass", B, T, H, [["xw", xw, B * T * G], ["R", R, H * G], ["h0", h0, B * H], ["c0", c0, B * H]]);
  if (simd) return forwardSimd(sgemm, B, T, H, xw, R, h0, c0);
  const out = new Float32Array(B * (T + 1) * H);
  const gates = new Float32Array(B * T * G), cs = new Float32Array(B * T * H), hPrevs = new Float32Array(B * T * H);
  const tanhCs = new Float32Array(B * T * H);
  const hPrev = Float32Array.from(h0), cPrev = Float32Array.from(c0);
  const hR = new Float32Array(B * G);
  for (let t = 0; t < T; t++) {
    sgemm(false, false, B, G, H, hPrev, R, hR); // hPrev·R, [B, 4H]
    for (let b = 0; b < B; b++) {
      const zRow = (b * T + t) * G, hRow = b * G, sRow = (b * T + t) * H;
      hPrevs.set(hPrev.subarray(b * H, (b + 1) * H), sRow);
      for (let k = 0; k < H; k++) {
        const i = sigmoid(xw[zRow + k] + hR[hRow + k]);
        const f = sigmoid(xw[zRow + H + k] + hR[hRow + H + k]);
        const cTilde = tanh(xw[zRow + 2 * H + k] + hR[hRow + 2 * H + k]);
        const o = sigmoid(xw[zRow + 3 * H + k] + hR[hRow + 3 * H + k]);
        const c = f * cPrev[b * H + k] + i * cTilde;
        const tc = tanh(c);
        const h = o * tc;
        gates[zRow + k] = i;
        gates[zRow + H + k] = f;
        gates[zRow + 2 * H + k] = cTilde;
        gates[zRow + 3 * H + k] = o;
        cs[sRow + k] = c;
        tanhCs[sRow + k] = tc;
        out[(b * (T + 1) + t) * H + k] = h;
        cPrev[b * H + k] = c;
        hPrev[b * H + k] = h;
      }
    }
  }
  for (let b = 0; b < B; b++) out.set(cPrev.subarray(b * H, (b + 1) * H), (b * (T + 1) + T) * H);
  return { out, gates, cs, tanhCs, hPrevs };
}

/** Float32 scratch in a WebAssembly memory, for {@linkcode forwardSimd}: grown as needed, reused. */
let arena: WebAssembly.Memory | undefined;

function arenaFloats(floats: number): Float32Array {
  const bytes = 4 * floats, page = 65536;
  arena ??= new WebAssembly.Memory({ initial: Math.ceil(bytes / page) });
  if (arena.buffer.byteLength < bytes) arena.grow(Math.ceil((bytes - arena.buffer.byteLength) / page));
  return new Float32Array(arena.buffer, 0, floats);
}

/**
 * {@linkcode forward} with the element-wise work of each row in WebAssembly SIMD (`lib/engine/_lstm_gates.ts`),
 * H a multiple of 4; the results are copied out of the scratch memory.
 */
function forwardSimd(
  sgemm: Sgemm,
  B: number,
  T: number,
  H: number,
  xw: Float32Array,
  R: Float32Array,
  h0: Float32Array,
  c0: Float32Array,
) {
  const G = 4 * H;
  // Layout in floats: xw [B,T,G] | hR [B,G] | hPrev [B,H] | cPrev [B,H] | gates [B,T,G] | cs, tanhCs [B,T,H] | out [B,T+1,H]
  const at = { xw: 0, hR: B * T * G, hPrev: B * T * G + B * G };
  const cPrevAt = at.hPrev + B * H, gatesAt = cPrevAt + B * H, csAt = gatesAt + B * T * G;
  const tanhAt = csAt + B * T * H, outAt = tanhAt + B * T * H, end = outAt + B * (T + 1) * H;
  const mem = arenaFloats(end);
  const row = gatesRow(arena!);
  mem.set(xw, at.xw);
  mem.set(h0, at.hPrev);
  mem.set(c0, cPrevAt);
  const hPrev = mem.subarray(at.hPrev, at.hPrev + B * H), hR = mem.subarray(at.hR, at.hR + B * G);
  const hPrevs = new Float32Array(B * T * H);
  for (let t = 0; t < T; t++) {
    sgemm(false, false, B, G, H, hPrev, R, hR); // hPrev·R, [B, 4H]
    for (let b = 0; b < B; b++) {
      hPrevs.set(hPrev.subarray(b * H, (b + 1) * H), (b * T + t) * H);
      const z = (b * T + t) * G, s = (b * T + t) * H;
      row(
        4 * (at.xw + z),
        4 * (at.hR + b * G),
        4 * (cPrevAt + b * H),
        4 * (at.hPrev + b * H),
        4 * (gatesAt + z),
        4 * (csAt + s),
        4 * (tanhAt + s),
        4 * (outAt + (b * (T + 1) + t) * H),
        4 * H,
      );
    }
  }
  for (let b = 0; b < B; b++) mem.copyWithin(outAt + (b * (T + 1) + T) * H, cPrevAt + b * H, cPrevAt + (b + 1) * H);
  return {
    out: mem.slice(outAt, end),
    gates: mem.slice(gatesAt, csAt),
    cs: mem.slice(csAt, tanhAt),
    tanhCs: mem.slice(tanhAt, outAt),
    hPrevs,
  };
}

/**
 * The backward pass on typed arrays: `dy` `[B, T + 1, H]` (the last row, for c_T, is ignored), `saved`
 * as {@linkcode forward} returned it, with `c0` `[B, H]`.
 *
 * @throws {RangeError} if an array's length does not fit B, T and H
 */
export function backward(
  sgemm: Sgemm,
  B: number,
  T: number,
  H: number,
  dy: Float32Array,
  R: Float32Array,
  saved: { gates: Float32Array; cs: Float32Array; tanhCs: Float32Array; hPrevs: Float32Array; c0: Float32Array },
): { dz: Float32Array; dR: Float32Array; dh0: Float32Array; dc0: Float32Array } {
  const G = 4 * H;
  const { gates, cs, tanhCs, hPrevs, c0 } = saved;
  checkLengths("backward pass", B, T, H, [
    ["dy", dy, B * (T + 1) * H],
    ["R", R, H * G],
    ["gates", gates, B * T * G],
    ["cs", cs, B * T * H],
    ["tanhCs", tanhCs, B * T * H],
    ["hPrevs", hPrevs, B * T * H],
    ["c0", c0, B * H],
  ]);
  const dz = new Float32Array(B * T * G);
  const dh = new Float32Array(B * H), dc = new Float32Array(B * H);
  const dzStep = new Float32Array(B * G);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const zRow = (b * T + t) * G, sRow = (b * T + t) * H;
      for (let k = 0; k < H; k++) {
        const i = gates[zRow + k],
          f = gates[zRow + H + k],
          cTilde = gates[zRow + 2 * H + k],
          o = gates[zRow + 3 * H + k];
        const tc = tanhCs[sRow + k];
        const cPrev = t > 0 ? cs[sRow - H + k] : c0[b * H + k];
        const dhk = dy[(b * (T + 1) + t) * H + k] + dh[b * H + k];
        const dck = dhk * o * (1 - tc * tc) + dc[b * H + k];
        const dzi = dck * cTilde * i * (1 - i);
        const dzf = dck * cPrev * f * (1 - f);
        const dzc = dck * i * (1 - cTilde * cTilde);
        const dzo = dhk * tc * o * (1 - o);
        dz[zRow + k] = dzStep[b * G + k] = dzi;
        dz[zRow + H + k] = dzStep[b * G + H + k] = dzf;
        dz[zRow + 2 * H + k] = dzStep[b * G + 2 * H + k] = dzc;
        dz[zRow + 3 * H + k] = dzStep[b * G + 3 * H + k] = dzo;
        dc[b * H + k] = dck * f; // dcPrev = dc ⊗ f
      }
    }
    sgemm(false, true, B, H, G, dzStep, R, dh); // dhPrev = dz·Rᵀ, [B, H]
  }
  const dR = new Float32Array(H * G);
  sgemm(true, false, H, G, B * T, hPrevs, dz, dR); // Σ_t hPrev_tᵀ·dz_t, one product
  return { dz, dR, dh0: dh, dc0: dc };
}
