/**
 * TensorFlow.js on its WebAssembly backend, made fit for training language models in Deno.
 *
 * {@linkcode initTfjs} selects the WASM backend (about 30 times faster than the pure-JavaScript
 * `cpu` backend here) and registers two kernels the stock backend lacks or runs slowly:
 *
 * - `UnsortedSegmentSum`, the gradient of `gather`, which an `Embedding` layer needs to train. The
 *   WASM backend has none, so training an embedding throws; this is a plain scatter-add over the ids.
 * - `BatchMatMul` and `_FusedMatMul` with `transposeA`/`transposeB`: the WASM backend's transposed
 *   paths ran about 15 times slower than the plain one, and backprop uses them at every layer. The
 *   wrappers transpose first and call the fast path; results are identical.
 *
 * Both were measured in `../shared/deno-jupyter.md`; `tests/tfjs_test.ts` checks them against the
 * stock kernels.
 *
 * Introduced in notebook 07 (the first tfjs model of the course).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

// The parts of the WASM backend the kernels below use.
interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}
interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  disposeData(dataId: object): void;
}
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs: Record<string, unknown> };
type KernelFunc = (args: KernelArgs) => TensorInfo;

let ready: Promise<void> | undefined;

/**
 * Makes tfjs ready: WASM backend, the two kernel fixes, no "running in Node.js" banner. Safe to
 * call many times; every call after the first waits for the same setup.
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/tfjs.ts";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * assert.equal(tf.getBackend(), "wasm");
 * ```
 */
export function initTfjs(): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    if (!(await tf.setBackend("wasm"))) throw new Error("Cannot start tfjs: the WASM backend did not load");
    await tf.ready();
    registerUnsortedSegmentSum();
    wrapTransposedMatMul("BatchMatMul");
    wrapTransposedMatMul("_FusedMatMul");
  })();
  return ready;
}

/** Scatter-add: out[segmentIds[i]] += x[i], rows of x.shape.slice(1); ids outside [0, numSegments) are dropped. */
function registerUnsortedSegmentSum(): void {
  if (tf.getKernel("UnsortedSegmentSum", "wasm") !== undefined) return;
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs;
    const numSegments = attrs.numSegments as number;
    const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
    const values = backend.typedArrayFromHeap(x), ids = backend.typedArrayFromHeap(segmentIds);
    const sums = backend.typedArrayFromHeap(out);
    sums.fill(0); // WASM memory is not zeroed for us
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i];
      if (row < 0 || row >= numSegments) continue;
      const from = i * rowSize, to = row * rowSize;
      for (let k = 0; k < rowSize; k++) sums[to + k] += values[from + k];
    }
    return out;
  };
  tf.registerKernel({ kernelName: "UnsortedSegmentSum", backendName: "wasm", kernelFunc: kernelFunc as never });
}

/** Re-registers a matmul kernel so that transposed operands are transposed first (fast path). */
function wrapTransposedMatMul(kernelName: "BatchMatMul" | "_FusedMatMul"): void {
  const original = tf.getKernel(kernelName, "wasm");
  if (original === undefined || (original as { wrapped?: boolean }).wrapped) return;
  const transpose = tf.getKernel("Transpose", "wasm")!.kernelFunc as unknown as KernelFunc;
  const call = original.kernelFunc as unknown as KernelFunc;
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    if (!attrs.transposeA && !attrs.transposeB) return call({ inputs, backend, attrs });
    const temporary: TensorInfo[] = [];
    const swapLast = (t: TensorInfo) => {
      const perm = t.shape.map((_, k) => k);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      const out = transpose({ inputs: { x: t }, backend, attrs: { perm } });
      temporary.push(out);
      return out;
    };
    const a = attrs.transposeA ? swapLast(inputs.a) : inputs.a;
    const b = attrs.transposeB ? swapLast(inputs.b) : inputs.b;
    try {
      return call({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temporary) backend.disposeData(t.dataId);
    }
  };
  tf.unregisterKernel(kernelName, "wasm");
  const config = { ...original, kernelFunc: kernelFunc as never, wrapped: true };
  tf.registerKernel(config);
}
