/**
 * Adam (Kingma & Ba 2015) exactly as tfjs's `tf.train.adam` computes it, in one SIMD pass over each
 * variable instead of about a dozen kernels (two multiplies and an add per moment, a square, two bias
 * corrections, a square root, an add, a divide, a multiply and an add for the weights), each of which
 * reads and writes the whole variable. Each operation is the same IEEE float32 operation in the same
 * order, so the weights are bit for bit those of `tf.train.adam` (`tests/fused_adam_test.ts` checks 50
 * steps); only the passes over memory change. For each variable w with gradient g, moments m and v
 * (zero at first), and the running powers β₁ᵗ, β₂ᵗ:
 *
 * ```text
 * m ← β₁·m + (1 − β₁)·g        v ← β₂·v + (1 − β₂)·g²
 * w ← w − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * ```
 *
 * The pass is a small WebAssembly function with 128-bit SIMD (four floats at a time), written out
 * below instruction by instruction (`adamModule`, with `lib/engine/_wasm.ts`), that works in place in the
 * memory of tfjs's WASM backend. A one-pass loop in JavaScript was slower than tfjs's dozen SIMD kernels
 * (the README's speed section); `deno task bench` lists this one under "Adam and clipping".
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, TensorInfo } from "@tensorflow/tfjs";
import { timed } from "./_phases.ts";
import { F32, I32, instantiate, op, V128, wasmModule } from "./_wasm.ts";

/** The kernel's name on the WASM backend. */
const FUSED_ADAM = "CourseFusedAdam";

// ---------------------------------------------------------------------------------------------
// The WebAssembly function

/**
 * adam(w0, g, m0, v0, w1, m1, v1, bytes: i32; β₁, 1 − β₁, β₂, 1 − β₂, 1 − β₁ᵗ, 1 − β₂ᵗ, ε, −lr: f32):
 * byte offsets of seven float32 arrays in the imported memory and the byte count to process (a
 * multiple of 16). Locals: 16 the byte index, 17–24 the eight scalars splatted, 25 g, 26 m, 27 v.
 */
function adamModule(): Uint8Array {
  const { get, set, i32, i32Add, i32GeU, block, loop, br, brIf, end, load, store, splat, sqrt, add, mul, div } = op;
  const at = (array: number) => [...get(array), ...get(16), ...i32Add]; // the address of the current 4 floats
  // deno-fmt-ignore
  const body = [
    ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((k) => [...get(8 + k), ...splat, ...set(17 + k)]),
    ...block, ...loop,
    ...get(16), ...get(7), ...i32GeU, ...brIf(1), // done: leave the block
    ...at(1), ...load, ...set(25), // g
    ...at(2), ...load, ...get(17), ...mul, ...get(25), ...get(18), ...mul, ...add, ...set(26), // m = β₁m + (1−β₁)g
    ...at(3), ...load, ...get(19), ...mul, ...get(25), ...get(25), ...mul, ...get(20), ...mul, ...add, ...set(27), // v
    ...at(4), // w1 = ((m / c₁) / (√(v / c₂) + ε)) · (−lr) + w0
    ...get(26), ...get(21), ...div, ...get(27), ...get(22), ...div, ...sqrt, ...get(23), ...add, ...div,
    ...get(24), ...mul, ...at(0), ...load, ...add, ...store,
    ...at(5), ...get(26), ...store, // m1
    ...at(6), ...get(27), ...store, // v1
    ...get(16), ...i32(16), ...i32Add, ...set(16), // the next 16 bytes
    ...br(0), ...end, ...end,
  ];
  return wasmModule([{
    name: "adam",
    params: [...Array(8).fill(I32), ...Array(8).fill(F32)],
    locals: [[1, I32], [11, V128]],
    body,
  }]);
}

// ---------------------------------------------------------------------------------------------
// The kernel

type WasmBackend = {
  wasm: { asm: { memory: WebAssembly.Memory } };
  dataIdMap: { get(dataId: unknown): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
};

/** Registers the kernel on the WASM backend (once; `initTfjs` calls it). Needs WebAssembly SIMD. */
export function registerFusedAdam(): void {
  if (tf.getKernel(FUSED_ADAM, "wasm") !== undefined) return;
  let adam: ((...args: number[]) => void) | undefined;
  const kernelFunc = ({ inputs, backend, attrs }: {
    inputs: Record<string, TensorInfo>;
    backend: unknown;
    attrs: Record<string, number>;
  }) => {
    const wasm = backend as WasmBackend;
    adam ??= instantiate(adamModule(), wasm.wasm.asm.memory).adam;
    const { value, gradient, m, v } = inputs;
    const outputs = [value, m, v].map((t) => wasm.makeOutput(t.shape, "float32"));
    const offset = (t: TensorInfo) => wasm.dataIdMap.get(t.dataId).memoryOffset;
    const n = tf.util.sizeFromShape(value.shape), simdFloats = n - (n % 4);
    const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, c1, c2, epsilon, minusLr } = attrs;
    adam(
      ...[value, gradient, m, v, ...outputs].map(offset),
      4 * simdFloats,
      beta1,
      oneMinusBeta1,
      beta2,
      oneMinusBeta2,
      c1,
      c2,
      epsilon,
      minusLr,
    );
    // The last n mod 4 floats, the same operations rounded to float32 one by one.
    const [w0, g, m0, v0] = [value, gradient, m, v].map((t) => wasm.typedArrayFromHeap(t));
    const [w1, m1, v1] = outputs.map((t) => wasm.typedArrayFromHeap(t));
    const f = Math.fround;
    for (let k = simdFloats; k < n; k++) {
      m1[k] = f(f(m0[k] * beta1) + f(g[k] * oneMinusBeta1));
      v1[k] = f(f(v0[k] * beta2) + f(f(g[k] * g[k]) * oneMinusBeta2));
      const step = f(f(m1[k] / c1) / f(f(Math.sqrt(f(v1[k] / c2))) + epsilon));
      w1[k] = f(f(step * minusLr) + w0[k]);
    }
    return outputs;
  };
  tf.registerKernel({ kernelName: FUSED_ADAM, backendName: "wasm", kernelFunc } as unknown as KernelConfig);
}

/**
 * An Adam optimizer for tfjs variables with the interface the course's training loops use
 * (`applyGradients`, a settable `learningRate`, `dispose`): {@linkcode FUSED_ADAM} on the WASM backend
 * once {@linkcode registerFusedAdam} has run (`initTfjs` does), `tf.train.adam` itself anywhere else.
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/engine/tfjs.ts";
 * import { FusedAdam } from "@course/lib/engine/fused_adam.ts";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * const w = tf.variable(tf.tensor1d([1, -1]), true, "w-example");
 * const adam = new FusedAdam(0.1);
 * adam.applyGradients({ "w-example": tf.tensor1d([0.5, -0.5]) });
 * assert.deepEqual([...w.dataSync()].map((x) => x.toFixed(3)), ["0.900", "-0.900"]); // the first step moves lr
 * adam.dispose();
 * w.dispose();
 * ```
 */
export class FusedAdam {
  /** The step size; a schedule may change it between steps. */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  #moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();
  #powers: [number, number];
  #stock: tf.Optimizer | null = null;

  /**
   * @param epsilon default: the backend's, as `tf.train.adam` takes it (1e-7 in float32)
   * @throws {RangeError} if the learning rate or ε is not finite, or a β is outside [0, 1)
   */
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon = tf.backend().epsilon()) {
    for (const [what, x] of [["beta1", beta1], ["beta2", beta2]] as const) {
      if (!(x >= 0 && x < 1)) throw new RangeError(`Cannot make Adam: ${what} must be in [0, 1), got ${x}`);
    }
    if (!Number.isFinite(learningRate) || !Number.isFinite(epsilon)) {
      throw new RangeError(
        `Cannot make Adam: learning rate and epsilon must be finite, got ${learningRate}, ${epsilon}`,
      );
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.#powers = [Math.fround(beta1), Math.fround(beta2)];
  }

  /**
   * One Adam step for each named variable (`tf.engine().registeredVariables`) from its gradient.
   *
   * @throws {RangeError} if a name is not a variable's
   */
  applyGradients(grads: tf.NamedTensorMap): void {
    if (tf.getBackend() !== "wasm" || tf.getKernel(FUSED_ADAM, "wasm") === undefined) {
      this.#stock ??= tf.train.adam(this.learningRate, this.beta1, this.beta2, this.epsilon);
      (this.#stock as unknown as { learningRate: number }).learningRate = this.learningRate;
      this.#stock.applyGradients(grads);
      return;
    }
    const f = Math.fround;
    const [p1, p2] = this.#powers;
    const attrs = {
      beta1: f(this.beta1),
      oneMinusBeta1: f(1 - this.beta1),
      beta2: f(this.beta2),
      oneMinusBeta2: f(1 - this.beta2),
      c1: f(1 - p1), // 1 − β₁ᵗ, as tfjs's sub(1, accBeta1) rounds it
      c2: f(1 - p2),
      epsilon: f(this.epsilon),
      minusLr: f(-this.learningRate),
    };
    timed("Adam and clipping", () => {
      for (const [name, gradient] of Object.entries(grads)) {
        const value = tf.engine().registeredVariables[name];
        if (value === undefined) throw new RangeError(`Cannot apply Adam: no variable named ${JSON.stringify(name)}`);
        let moments = this.#moments.get(name);
        if (moments === undefined) {
          moments = { m: tf.variable(tf.zerosLike(value), false), v: tf.variable(tf.zerosLike(value), false) };
          this.#moments.set(name, moments);
        }
        const [w, m, v] = tf.engine().runKernel(
          FUSED_ADAM,
          { value, gradient, m: moments.m, v: moments.v },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
        value.assign(w);
        moments.m.assign(m);
        moments.v.assign(v);
        tf.dispose([w, m, v]);
      }
    });
    this.#powers = [f(p1 * f(this.beta1)), f(p2 * f(this.beta2))];
  }

  /** Frees the moments. */
  dispose(): void {
    for (const { m, v } of this.#moments.values()) tf.dispose([m, v]);
    this.#moments.clear();
    this.#stock?.dispose();
  }
}
