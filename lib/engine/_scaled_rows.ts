// The inner loop of the softmax cross-entropy gradient kernel (tfjs.ts) in WebAssembly SIMD: for one
// row of N·V probabilities, d = scale·p, written out, and added into a column sum, four floats at a
// time, in place in the memory of tfjs's WASM backend. The same float32 operations as the row's
// JavaScript loop, except that the product is rounded to float32 before it is added to the sum.

import { F32, I32, instantiate, op, V128, wasmModule } from "./_wasm.ts";

/**
 * scaledRow(p, d, sum, bytes: i32; scale: f32): `d[k] = scale · p[k]`, `sum[k] += d[k]` over `bytes`
 * bytes (a multiple of 16) from the byte offsets p, d and sum. Locals: 5 the byte index, 6 scale
 * splatted, 7 the current four products.
 */
function scaledRowModule(): Uint8Array {
  const { get, set, i32, i32Add, i32GeU, block, loop, br, brIf, end, load, store, splat, add, mul } = op;
  const at = (array: number) => [...get(array), ...get(5), ...i32Add];
  // deno-fmt-ignore
  const body = [
    ...get(4), ...splat, ...set(6),
    ...block, ...loop,
    ...get(5), ...get(3), ...i32GeU, ...brIf(1),
    ...at(0), ...load, ...get(6), ...mul, ...set(7), // scale · p
    ...at(1), ...get(7), ...store, // d
    ...at(2), ...at(2), ...load, ...get(7), ...add, ...store, // sum += d
    ...get(5), ...i32(16), ...i32Add, ...set(5),
    ...br(0), ...end, ...end,
  ];
  return wasmModule([{ name: "scaledRow", params: [I32, I32, I32, I32, F32], locals: [[1, I32], [2, V128]], body }]);
}

const instances = new WeakMap<WebAssembly.Memory, (...args: number[]) => void>();

/** The SIMD row function working in `memory` (compiled once per memory). */
export function scaledRow(
  memory: WebAssembly.Memory,
): (p: number, d: number, sum: number, bytes: number, scale: number) => void {
  let f = instances.get(memory);
  if (f === undefined) {
    f = instantiate(scaledRowModule(), memory).scaledRow;
    instances.set(memory, f);
  }
  return f;
}
