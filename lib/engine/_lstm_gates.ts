// The element-wise forward step of the fused LSTM layer (fused_lstm.ts) in WebAssembly SIMD, four
// units at a time: from the pre-activations to the gates, the cell state and the hidden state of one
// row. σ and tanh need exp, which WebAssembly lacks: it is computed as 2ⁿ·p(r) with n = round(x/ln 2),
// r = x − n·ln 2 in two parts (Cody & Waite 1980) and p the degree-7 polynomial of Cephes' expf
// (Moshier), within about 2 float32 ulps of Math.exp; `tests/fused_lstm_test.ts` compares the layer
// with and without it.

import { I32, instantiate, op, V128, wasmModule } from "./_wasm.ts";

const { get, set, i32, i32Add, i32GeU, block, loop, br, brIf, end, load, store, splat, add, sub, mul, div } = op;
const { f32, min, max, neg, nearest, truncSat, i32x4Splat, i32x4Add, i32x4Shl } = op;
const splatConst = (x: number) => [...f32(x), ...splat];

// Locals: parameters 0–8 (below), 9 the byte index; v128 scratch from 10.
const X = 10, N = 11, R = 12, P = 13; // exp's scratch
const ZI = 14, ZF = 15, ZC = 16, ZO = 17, C = 18, TC = 19;

/** exp of the v128 on the stack, left on the stack. */
function exp(): number[] {
  const coefficients = [
    1.9875691500e-4,
    1.3981999507e-3,
    8.3334519073e-3,
    4.1665795894e-2,
    1.6666665459e-1,
    5.0000001201e-1,
  ];
  // deno-fmt-ignore
  return [
    ...splatConst(88), ...min, ...splatConst(-87), ...max, ...set(X), // keep 2ⁿ a normal float
    ...get(X), ...splatConst(Math.LOG2E), ...mul, ...nearest, ...set(N),
    ...get(X), ...get(N), ...splatConst(0.693359375), ...mul, ...sub, ...get(N), ...splatConst(-2.12194440e-4), ...mul, ...sub, ...set(R),
    // p = ((((c₀r + c₁)r + c₂)r + c₃)r + c₄)r + c₅, then p·r² + r + 1
    ...splatConst(coefficients[0]),
    ...coefficients.slice(1).flatMap((c) => [...get(R), ...mul, ...splatConst(c), ...add]),
    ...get(R), ...mul, ...get(R), ...mul, ...get(R), ...add, ...splatConst(1), ...add, ...set(P),
    // 2ⁿ from its bits: (n + 127) << 23
    ...get(N), ...truncSat, ...i32(127), ...i32x4Splat, ...i32x4Add, ...i32(23), ...i32x4Shl,
    ...get(P), ...mul,
  ];
}
/** σ(z) = 1 / (1 + e⁻ᶻ) of the v128 on the stack. */
const sigmoid = () => [...neg, ...exp(), ...splatConst(1), ...add, ...set(X), ...splatConst(1), ...get(X), ...div];
/** tanh(z) = 2σ(2z) − 1, as fused_lstm.ts computes it in JavaScript. */
const tanh = () => [...splatConst(2), ...mul, ...sigmoid(), ...splatConst(2), ...mul, ...splatConst(1), ...sub];

/**
 * gatesRow(z, hR, cPrev, hPrev, gates, c, tanhC, out, bytes): one row of H units, `bytes` = 4H (a
 * multiple of 16). `z` and `hR` hold the pre-activations' two parts `[4H]` (i, f, c̃, o), added here;
 * writes the gates `[4H]`, c, tanh(c) and h `[H]` into gates, c, tanhC and out, and c and h into
 * cPrev and hPrev for the next step.
 */
function gatesModule(): Uint8Array {
  const at = (array: number) => [...get(array), ...get(9), ...i32Add]; // the current 4 floats of an [H] array
  const gateAt = (array: number, gate: number) => [...at(array), ...Array(gate).fill([...get(8), ...i32Add]).flat()];
  const pre = (gate: number) => [...gateAt(0, gate), ...load, ...gateAt(1, gate), ...load, ...add];
  // deno-fmt-ignore
  const body = [
    ...block, ...loop,
    ...get(9), ...get(8), ...i32GeU, ...brIf(1),
    ...pre(0), ...sigmoid(), ...set(ZI),
    ...pre(1), ...sigmoid(), ...set(ZF),
    ...pre(2), ...tanh(), ...set(ZC),
    ...pre(3), ...sigmoid(), ...set(ZO),
    ...get(ZF), ...at(2), ...load, ...mul, ...get(ZI), ...get(ZC), ...mul, ...add, ...set(C), // c = f·cPrev + i·c̃
    ...get(C), ...tanh(), ...set(TC),
    ...gateAt(4, 0), ...get(ZI), ...store, ...gateAt(4, 1), ...get(ZF), ...store,
    ...gateAt(4, 2), ...get(ZC), ...store, ...gateAt(4, 3), ...get(ZO), ...store,
    ...at(5), ...get(C), ...store, ...at(6), ...get(TC), ...store,
    ...at(7), ...get(ZO), ...get(TC), ...mul, ...store, // h = o·tanh(c)
    ...at(2), ...get(C), ...store, ...at(3), ...at(7), ...load, ...store,
    ...get(9), ...i32(16), ...i32Add, ...set(9),
    ...br(0), ...end, ...end,
  ];
  return wasmModule([{ name: "gatesRow", params: Array(9).fill(I32), locals: [[1, I32], [10, V128]], body }]);
}

const instances = new WeakMap<WebAssembly.Memory, (...args: number[]) => void>();

/** The SIMD row function working in `memory` (compiled once per memory). */
export function gatesRow(memory: WebAssembly.Memory): (...offsets: number[]) => void {
  let f = instances.get(memory);
  if (f === undefined) {
    f = instantiate(gatesModule(), memory).gatesRow;
    instances.set(memory, f);
  }
  return f;
}
