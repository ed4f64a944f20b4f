/**
 * TensorFlow.js on its WebAssembly backend, made fit for training language models in Deno.
 *
 * {@linkcode initTfjs} selects the WASM backend (about 30 times faster than the pure-JavaScript
 * `cpu` backend here) and registers kernels the stock backend lacks, runs slowly or gets wrong:
 *
 * - `UnsortedSegmentSum`, the gradient of `gather`, which an `Embedding` layer needs to train. The
 *   WASM backend has none, so training an embedding throws; this is a plain scatter-add over the ids.
 * - `BatchMatMul` and `_FusedMatMul` with `transposeA`/`transposeB`: the WASM backend's transposed
 *   paths ran about 15 times slower than the plain one, and backprop uses them at every layer. The
 *   wrappers transpose first and call the fast path. They also fix a wrong result: the stock fused
 *   product with `transposeB` and a bias, at the course model's output layer ([3, 256]·[10000, 256]ᵀ),
 *   is off by up to 19 (`tests/tfjs_test.ts` checks the course's kernel there).
 * - `GatherV2` along axis 0, the embedding lookup, as row copies (the stock kernel is 5 to 10 times
 *   slower than copying the rows).
 * - `CourseSoftmaxCrossEntropyGrad`, the gradient of a mean cross-entropy through its softmax in one
 *   pass ({@linkcode softmaxCrossEntropyGrad}, used by the word model's training loss).
 *
 * They were measured on the course's 2-core machine (README, "Training speed"). On top of them, when the machine has a native
 * BLAS (OpenBLAS, Accelerate) and FFI is allowed, large matrix products go to its `cblas_sgemm`, which
 * uses every core: see {@linkcode tfjsEngine} for what is in use. `tests/tfjs_test.ts` checks every
 * replaced kernel against the stock one.
 *
 * Introduced in notebook 07 (the first tfjs model of the course).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { type Blas, loadBlas } from "./_blas.ts";
import { timed } from "./_phases.ts";
import { registerFusedAdam } from "./fused_adam.ts";
import { scaledRow } from "./_scaled_rows.ts";
import { envValue } from "../core/platform.ts";

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
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { asm: { memory: WebAssembly.Memory } };
}
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs: Record<string, unknown> };
type KernelFunc = (args: KernelArgs) => TensorInfo;

let ready: Promise<void> | undefined;
let blasInUse: Blas | null = null;

/** Options for {@linkcode initTfjs}. */
export interface InitTfjsOptions {
  /** Use a native BLAS for large matrix products when one is found (default true). */
  blas?: boolean;
}

/**
 * Makes tfjs ready: WASM backend, the two kernel fixes, no "running in Node.js" banner. Safe to
 * call many times; every call after the first waits for the same setup.
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/engine/tfjs.ts";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * assert.equal(tf.getBackend(), "wasm");
 * ```
 */
export function initTfjs(options: InitTfjsOptions = {}): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    if (!(await tf.setBackend("wasm"))) throw new Error("Cannot start tfjs: the WASM backend did not load");
    await tf.ready();
    registerUnsortedSegmentSum();
    registerSoftmaxCrossEntropyGrad();
    registerFusedAdam();
    registerRowGather();
    registerUnpackGradient();
    // COURSE_STOCK_MATMUL=1 keeps tfjs's own transposed products: only for measuring what the fix buys.
    if (!envFlag("COURSE_STOCK_MATMUL")) {
      wrapTransposedMatMul("BatchMatMul");
      wrapTransposedMatMul("_FusedMatMul");
    }
    const blas = options.blas === false ? null : loadBlas();
    if (blas !== null) {
      useBlas(blas, "BatchMatMul");
      useBlas(blas, "_FusedMatMul");
      blasInUse = blas;
    }
  })();
  return ready;
}

/**
 * tfjs 4.22 cannot take the gradient of an LSTM over a sequence of one step: the engine hands a kernel
 * with a single output one `dy` instead of a list, and `Unpack`'s gradient (`stack(dy)`) then throws
 * "Argument tensors passed to stack must be a `Tensor[]`". The prefix strategy trains on prefixes of one
 * token (a sentence's first word is predicted from the `<eos>` before it, notebook 07), so the
 * gradient is registered again, taking either form.
 */
function registerUnpackGradient(): void {
  tf.registerGradient({
    kernelName: tf.Unpack,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], _saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const { axis } = attrs as unknown as tf.UnpackAttrs;
      return { value: () => tf.stack(Array.isArray(dy) ? dy : [dy], axis) };
    },
  });
}

/**
 * What tfjs computes with, for progress lines and benchmarks: `"tfjs-wasm"`, or
 * `"tfjs-wasm + OpenBLAS (libopenblas.so.0)"` when large products go to a native BLAS.
 *
 * @example
 * ```ts
 * import { initTfjs, tfjsEngine } from "@course/lib/engine/tfjs.ts";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * assert.match(tfjsEngine(), /^tfjs-wasm/);
 * ```
 */
export function tfjsEngine(): string {
  return blasInUse === null ? "tfjs-wasm" : `tfjs-wasm + BLAS (${blasInUse.library})`;
}

/** Whether an environment variable is "1" (false without env permission, and in a browser). */
function envFlag(name: string): boolean {
  return envValue(name) === "1";
}

/** Below this many multiply-adds a product stays in WASM: the FFI call costs more than it saves. */
const BLAS_MIN_WORK = 64 * 64 * 64;

/**
 * Re-registers a matmul kernel to call cblas_sgemm for large float32 products (transposes are passed
 * to BLAS, not copied). Anything it does not handle (small products, batch broadcasting other than
 * 1-to-many, fused activations other than linear and relu, PReLU) goes to the previous kernel.
 */
function useBlas(blas: Blas, kernelName: "BatchMatMul" | "_FusedMatMul"): void {
  const previous = tf.getKernel(kernelName, "wasm")!;
  const fallback = previous.kernelFunc as unknown as KernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs;
    const bias = inputs.bias, activation = (attrs.activation as string | undefined) ?? "linear";
    const ra = a.shape.length, rb = b.shape.length;
    if (a.dtype !== "float32" || b.dtype !== "float32" || ra < 2 || rb < 2) return fallback(args);
    if (inputs.preluActivationWeights != null || (activation !== "linear" && activation !== "relu")) {
      return fallback(args);
    }
    const transA = Boolean(attrs.transposeA), transB = Boolean(attrs.transposeB);
    const M = transA ? a.shape[ra - 1] : a.shape[ra - 2], K = transA ? a.shape[ra - 2] : a.shape[ra - 1];
    const N = transB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (M * N * K < BLAS_MIN_WORK) return fallback(args);
    const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1),
      batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    if (batchA !== batchB && batchA !== 1 && batchB !== 1) return fallback(args);
    if (bias != null && (bias.shape.length !== 1 || bias.shape[0] !== N)) return fallback(args);
    const batchShape = (batchA >= batchB ? a : b).shape.slice(0, -2);
    const out = backend.makeOutput([...batchShape, M, N], "float32");
    // Views are taken after makeOutput: allocating may grow the WASM memory and detach older views.
    const A = backend.typedArrayFromHeap(a) as Float32Array, B = backend.typedArrayFromHeap(b) as Float32Array;
    const C = backend.typedArrayFromHeap(out) as Float32Array;
    const batches = Math.max(batchA, batchB);
    // A bias is written into every row of C first and the product added to it (beta = 1): one copy
    // per row instead of a second pass of additions over C.
    const beta = bias == null ? null : backend.typedArrayFromHeap(bias) as Float32Array;
    if (beta !== null) { for (let r = 0; r < batches * M; r++) C.set(beta, r * N); }
    for (let i = 0; i < batches; i++) {
      const offA = (batchA === 1 ? 0 : i) * M * K, offB = (batchB === 1 ? 0 : i) * K * N, offC = i * M * N;
      blas.sgemm(
        transA,
        transB,
        M,
        N,
        K,
        A.subarray(offA, offA + M * K),
        B.subarray(offB, offB + K * N),
        C.subarray(offC, offC + M * N),
        beta === null ? 0 : 1,
      );
    }
    if (activation === "relu") { for (let k = 0; k < C.length; k++) if (C[k] < 0) C[k] = 0; }
    return out;
  };
  tf.unregisterKernel(kernelName, "wasm");
  const timedKernel: KernelFunc = (args) => timed("matrix products", () => kernelFunc(args));
  tf.registerKernel({ ...previous, kernelFunc: timedKernel as never });
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

/**
 * `GatherV2` along axis 0 (an embedding lookup: whole rows of a float32 table by int32 ids) as row
 * copies; everything else goes to the stock kernel, which is several times slower at an embedding's sizes
 * (`deno task bench` times both under "gathers and scatters").
 *
 * @throws {RangeError} for an id outside the table, as tfjs's CPU backend does
 */
function registerRowGather(): void {
  const previous = tf.getKernel("GatherV2", "wasm");
  if (previous === undefined || (previous as { rows?: boolean }).rows) return;
  const fallback = previous.kernelFunc as unknown as KernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { inputs: { x, indices }, backend, attrs } = args;
    const axis = Number(attrs.axis ?? 0), batchDims = Number(attrs.batchDims ?? 0);
    if (axis !== 0 || batchDims !== 0 || x.dtype !== "float32" || indices.dtype !== "int32") return fallback(args);
    const rows = x.shape[0], width = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const ids = backend.typedArrayFromHeap(indices) as Int32Array;
    for (let k = 0; k < ids.length; k++) {
      if (!(ids[k] >= 0 && ids[k] < rows)) {
        throw new RangeError(`GatherV2: index ${ids[k]} at position ${k} is not in [0, ${rows})`);
      }
    }
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], "float32");
    // Views after makeOutput: allocating may grow the WASM memory and detach older views.
    const table = backend.typedArrayFromHeap(x) as Float32Array,
      result = backend.typedArrayFromHeap(out) as Float32Array;
    const at = backend.typedArrayFromHeap(indices) as Int32Array;
    for (let k = 0; k < at.length; k++) result.set(table.subarray(at[k] * width, (at[k] + 1) * width), k * width);
    return out;
  };
  tf.unregisterKernel("GatherV2", "wasm");
  tf.registerKernel({ ...previous, kernelFunc: kernelFunc as never, rows: true } as never);
}

/** The kernel behind {@linkcode softmaxCrossEntropyGrad}, registered by {@linkcode initTfjs}. */
const SOFTMAX_CROSS_ENTROPY_GRAD = "CourseSoftmaxCrossEntropyGrad";

/**
 * The gradient of a mean cross-entropy through its softmax, in one pass over the probabilities:
 * given p `[N, V]` (softmax of the logits), the targets `[N]` and `scale` = ∂L/∂loss ÷ N,
 *
 * ```text
 * dLogits = scale · (p − onehot(targets))     [N, V]
 * dBias   = Σ over the N rows of dLogits       [V]   (the gradient of a bias added to every row)
 * ```
 *
 * On the WASM backend after {@linkcode initTfjs} this is one kernel written over the backend's own
 * memory: tfjs's ops need oneHot, cast, sub, mul and a column sum, five passes over N·V values
 * (`deno task bench` times this one under "softmax and cross-entropy").
 * Elsewhere, those ops.
 *
 * @throws {RangeError} if there is not one target per row, or a target is outside [0, V)
 * @throws {TypeError} if the targets are not int32
 */
export function softmaxCrossEntropyGrad(
  probs: tf.Tensor2D,
  targets: tf.Tensor1D,
  scale: number,
): { dLogits: tf.Tensor2D; dBias: tf.Tensor1D } {
  if (probs.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== probs.shape[0]) {
    throw new RangeError(
      `Cannot take the cross-entropy's gradient: expected probabilities [N, V] and N targets, got [${
        probs.shape.join(", ")
      }] and [${targets.shape.join(", ")}]`,
    );
  }
  if (targets.dtype !== "int32") {
    throw new TypeError(`Cannot take the cross-entropy's gradient: targets must be int32, got ${targets.dtype}`);
  }
  if (tf.getBackend() === "wasm" && tf.getKernel(SOFTMAX_CROSS_ENTROPY_GRAD, "wasm") !== undefined) {
    const [dLogits, dBias] = timed(
      "softmax and cross-entropy",
      () => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { probs, targets }, { scale }),
    ) as [tf.Tensor2D, tf.Tensor1D];
    return { dLogits, dBias };
  }
  return tf.tidy(() => {
    const V = probs.shape[1];
    const dLogits = tf.mul(tf.sub(probs, tf.cast(tf.oneHot(targets, V), "float32")), scale) as tf.Tensor2D;
    return { dLogits, dBias: tf.sum(dLogits, 0) as tf.Tensor1D };
  });
}

function registerSoftmaxCrossEntropyGrad(): void {
  if (tf.getKernel(SOFTMAX_CROSS_ENTROPY_GRAD, "wasm") !== undefined) return;
  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): TensorInfo[] => {
    const { probs, targets } = inputs;
    const scale = attrs.scale as number;
    const [N, V] = probs.shape;
    const ids = backend.typedArrayFromHeap(targets);
    for (let r = 0; r < N; r++) {
      if (!(ids[r] >= 0 && ids[r] < V)) throw new RangeError(`Target ${ids[r]} at row ${r} is outside [0, ${V})`);
    }
    const dLogits = backend.makeOutput([N, V], "float32"), dBias = backend.makeOutput([V], "float32");
    // Views after both outputs are made: allocating may grow the WASM memory and detach older views.
    const p = backend.typedArrayFromHeap(probs) as Float32Array, t = backend.typedArrayFromHeap(targets);
    const d = backend.typedArrayFromHeap(dLogits) as Float32Array;
    const sum = backend.typedArrayFromHeap(dBias) as Float32Array;
    sum.fill(0); // WASM memory is not zeroed for us
    // Four columns at a time in WebAssembly SIMD (lib/engine/_scaled_rows.ts), the last V mod 4 here.
    const simdRow = scaledRow(backend.wasm.asm.memory), simdColumns = V - (V % 4);
    const offset = (x: TensorInfo) => backend.dataIdMap.get(x.dataId).memoryOffset;
    const [pAt, dAt, sumAt] = [probs, dLogits, dBias].map(offset);
    const f = Math.fround, scale32 = f(scale);
    for (let r = 0; r < N; r++) {
      const row = r * V;
      simdRow(pAt + 4 * row, dAt + 4 * row, sumAt, 4 * simdColumns, scale32);
      for (let k = simdColumns; k < V; k++) {
        const g = f(p[row + k] * scale32);
        d[row + k] = g;
        sum[k] += g;
      }
      const target = t[r];
      d[row + target] -= scale32;
      sum[target] -= scale32;
    }
    return [dLogits, dBias];
  };
  tf.registerKernel({ kernelName: SOFTMAX_CROSS_ENTROPY_GRAD, backendName: "wasm", kernelFunc: kernelFunc as never });
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

/**
 * The gradients' global norm, √(Σ g²) over every entry of every tensor, summed in float32 and read
 * back as a number: what {@linkcode applyClipped} clips, and what a training loop checks is finite
 * before it applies anything. A norm above float32's largest, about 1.8e19, reads as Infinity.
 *
 * @example
 * ```ts
 * import { globalNorm, initTfjs } from "@course/lib/engine/tfjs.ts";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * assert.equal(globalNorm({ a: tf.tensor1d([3]), b: tf.tensor1d([0, 4]) }), 5);
 * assert.ok(Number.isNaN(globalNorm({ a: tf.tensor1d([1, NaN]) })));
 * ```
 */
export function globalNorm(grads: tf.NamedTensorMap): number {
  const names = Object.keys(grads);
  if (names.length === 0) return 0;
  return timed("Adam and clipping", () => {
    const norm = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]))))));
    const value = norm.dataSync()[0];
    norm.dispose();
    return value;
  });
}

/**
 * One optimizer step with the gradients scaled down to a global norm of at most `clipNorm`
 * (Pascanu et al. 2013), by clipNorm / (norm + 1e-6) in float32; `Infinity` applies them as they
 * are. Used by every tfjs training loop. `norm` is {@linkcode globalNorm}`(grads)` when the caller
 * has measured it already (to check it is finite first); it is measured here otherwise.
 *
 * @returns the gradients' global norm before clipping
 */
export function applyClipped(
  optimizer: tf.Optimizer | { applyGradients(grads: tf.NamedTensorMap): void },
  grads: tf.NamedTensorMap,
  clipNorm: number,
  norm: number = globalNorm(grads),
): number {
  // The scale as tfjs's float32 ops computed it (each step rounded to float32), so that results do not move.
  const f = Math.fround;
  const scale = Number.isFinite(clipNorm) ? Math.min(1, f(f(clipNorm) / f(norm + f(1e-6)))) : 1;
  timed("Adam and clipping", () => {
    if (scale === 1) optimizer.applyGradients(grads); // within the norm: multiplying by 1 would change nothing
    else optimizer.applyGradients(Object.fromEntries(Object.keys(grads).map((n) => [n, tf.mul(grads[n], scale)])));
  });
  return norm;
}
