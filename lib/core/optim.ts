/**
 * Optimizers and gradient clipping over named tensors.
 *
 * A model hands its tensors over as a record of flat arrays (`lstmTensors(params)`, `{ "cell.Wf": …,
 * "out.W": … }`), and the gradients as a record with the same names and lengths; an optimizer
 * updates the model's arrays in place. Pairing by name means a mismatch is an error that says
 * which tensor, not a silent mix-up of two arrays that happen to have the same length.
 *
 * Introduced in notebook 09 (training and improving the model).
 *
 * @module
 */

import { expectFinite, type FloatArray } from "./tensor.ts";

/** Tensors by name, as flat arrays: a model's parameters, or their gradients. */
export type Tensors = Readonly<Record<string, FloatArray>>;

/**
 * The same tensors with `prefix.` in front of each name, to combine a model's parts into one record.
 *
 * @example
 * ```ts
 * import { prefixTensors } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(Object.keys(prefixTensors("out", { W: new Float32Array(1) })), ["out.W"]);
 * ```
 */
export function prefixTensors(prefix: string, tensors: Tensors): Tensors {
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [`${prefix}.${name}`, t]));
}

/** Something that updates parameters from their gradients. */
export interface Optimizer {
  /** Updates every tensor of `params` in place from the tensor of the same name in `grads`. */
  step(params: Tensors, grads: Tensors): void;
}

/**
 * The global L2 norm of all gradients together, `√(Σ g²)` over every entry of every tensor.
 *
 * @example
 * ```ts
 * import { gradNorm } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(gradNorm({ a: new Float32Array([3]), b: new Float32Array([4]) }), 5);
 * ```
 */
export function gradNorm(grads: Tensors): number {
  let sum = 0;
  for (const g of Object.values(grads)) for (let k = 0; k < g.length; k++) sum += g[k] * g[k];
  return Math.sqrt(sum);
}

/**
 * Scales all gradients down together so that their global norm is at most `maxNorm`, and returns
 * the norm before clipping. Exploding gradients in recurrent networks are rare steps with huge norms;
 * rescaling keeps their direction and bounds the step (Pascanu, Mikolov & Bengio 2013, "On the
 * difficulty of training recurrent neural networks"). The same as PyTorch's `clip_grad_norm_`.
 *
 * @example
 * ```ts
 * import { clipGradNorm, gradNorm } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const grads = { W: new Float32Array([30, 40]) }; // norm 50
 * assert.equal(clipGradNorm(grads, 5), 50); // the norm before clipping
 * assert.deepEqual([...grads.W], [3, 4]); // same direction, norm 5
 * ```
 */
export function clipGradNorm(grads: Tensors, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`Cannot clip gradients: maxNorm must be > 0, got ${maxNorm}`);
  const norm = gradNorm(grads);
  if (!Number.isFinite(norm)) {
    throw new RangeError(`Cannot clip gradients: their norm is ${norm}, expected a finite number`);
  }
  if (norm > maxNorm) {
    const scale = maxNorm / norm;
    for (const g of Object.values(grads)) for (let k = 0; k < g.length; k++) g[k] *= scale;
  }
  return norm;
}

/** Options for {@linkcode SGD}. */
export interface SGDOptions {
  /** The learning rate η (default 0.1). */
  lr?: number;
  /** Momentum μ (default 0: plain gradient descent); 0.9 is common. */
  momentum?: number;
}

/**
 * Stochastic gradient descent, `w ← w - η·g`, with optional momentum
 * (`v ← μ·v + g`, `w ← w - η·v`, as PyTorch's `SGD`).
 *
 * @example
 * ```ts
 * import { SGD } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const w = new Float32Array([1]);
 * new SGD({ lr: 0.5 }).step({ w }, { w: new Float32Array([2]) });
 * assert.equal(w[0], 0); // 1 - 0.5·2
 * ```
 */
export class SGD implements Optimizer {
  readonly lr: number;
  readonly momentum: number;
  #velocity = new Map<string, Float64Array>();

  constructor(options: SGDOptions = {}) {
    this.lr = positive(options.lr ?? 0.1, "lr", "make SGD");
    this.momentum = options.momentum ?? 0;
    if (!(this.momentum >= 0 && this.momentum < 1)) {
      throw new RangeError(`Cannot make SGD: momentum must be in [0, 1), got ${this.momentum}`);
    }
  }

  step(params: Tensors, grads: Tensors): void {
    for (const [name, w, g] of pairs(params, grads, "take SGD step")) {
      if (this.momentum === 0) {
        for (let k = 0; k < w.length; k++) w[k] -= this.lr * g[k];
        continue;
      }
      const v = state(this.#velocity, name, w.length);
      for (let k = 0; k < w.length; k++) {
        v[k] = this.momentum * v[k] + g[k];
        w[k] -= this.lr * v[k];
      }
    }
  }
}

/** Options for {@linkcode Adam}; the defaults are the paper's. */
export interface AdamOptions {
  /** The step size α (default 0.001). */
  lr?: number;
  /** Decay of the running mean of gradients, β₁ (default 0.9). */
  beta1?: number;
  /** Decay of the running mean of squared gradients, β₂ (default 0.999). */
  beta2?: number;
  /** Added to √v̂ to avoid dividing by zero, ε (default 1e-8). */
  eps?: number;
}

/**
 * Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization"): each weight gets its own step
 * size from running means of its gradient (m) and squared gradient (v), with bias correction for the
 * first steps, where m and v are still near their initial zeros. It keeps state per tensor name, so use
 * one `Adam` per model.
 *
 * ```text
 * m ← β₁m + (1-β₁)g     v ← β₂v + (1-β₂)g²     m̂ = m/(1-β₁ᵗ)     v̂ = v/(1-β₂ᵗ)     w ← w - α·m̂/(√v̂ + ε)
 * ```
 *
 * @example
 * ```ts
 * import { Adam } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const w = new Float64Array([1]);
 * new Adam({ lr: 0.1 }).step({ w }, { w: new Float64Array([123]) });
 * assert.ok(Math.abs(w[0] - 0.9) < 1e-9); // the first step is ±α whatever the gradient's size (float64: 1e-9)
 * ```
 */
export class Adam implements Optimizer {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** How many steps have been taken (t in the paper). */
  steps = 0;
  /** Per tensor: running means m and v, and its own step count (a tensor seen later starts at t = 1). */
  #state = new Map<string, { m: Float64Array; v: Float64Array; t: number }>();

  constructor(options: AdamOptions = {}) {
    this.lr = positive(options.lr ?? 0.001, "lr", "make Adam");
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = positive(options.eps ?? 1e-8, "eps", "make Adam");
    for (const [what, beta] of [["beta1", this.beta1], ["beta2", this.beta2]] as const) {
      if (!(beta >= 0 && beta < 1)) throw new RangeError(`Cannot make Adam: ${what} must be in [0, 1), got ${beta}`);
    }
  }

  step(params: Tensors, grads: Tensors): void {
    this.steps++;
    const { lr, beta1, beta2, eps } = this;
    for (const [name, w, g] of pairs(params, grads, "take Adam step")) {
      let s = this.#state.get(name);
      if (s === undefined) {
        this.#state.set(name, s = { m: new Float64Array(w.length), v: new Float64Array(w.length), t: 0 });
      }
      if (s.m.length !== w.length) {
        throw new RangeError(
          `Cannot take Adam step: ${name} has length ${w.length}, but this optimizer has been updating a ${name} ` +
            `of length ${s.m.length}; use one optimizer per model`,
        );
      }
      const { m, v } = s;
      s.t++;
      const correction1 = 1 - beta1 ** s.t, correction2 = 1 - beta2 ** s.t;
      for (let k = 0; k < w.length; k++) {
        m[k] = beta1 * m[k] + (1 - beta1) * g[k];
        v[k] = beta2 * v[k] + (1 - beta2) * g[k] * g[k];
        w[k] -= lr * (m[k] / correction1) / (Math.sqrt(v[k] / correction2) + eps);
      }
    }
  }
}

function pairs(params: Tensors, grads: Tensors, context: string): [string, FloatArray, FloatArray][] {
  const out: [string, FloatArray, FloatArray][] = [];
  for (const [name, w] of Object.entries(params)) {
    const g = grads[name];
    if (g === undefined) throw new RangeError(`Cannot ${context}: no gradient for ${name}`);
    if (g.length !== w.length) {
      throw new RangeError(`Cannot ${context}: the gradient of ${name} has length ${g.length}, expected ${w.length}`);
    }
    expectFinite(g, `the gradient of ${name}`, context); // one NaN would silently turn every weight into NaN
    out.push([name, w, g]);
  }
  for (const name of Object.keys(grads)) {
    if (!(name in params)) {
      throw new RangeError(`Cannot ${context}: got a gradient for ${name}, which is not a parameter`);
    }
  }
  return out;
}

function state(store: Map<string, Float64Array>, name: string, n: number): Float64Array {
  let s = store.get(name);
  if (s === undefined) store.set(name, s = new Float64Array(n));
  if (s.length !== n) {
    throw new RangeError(
      `Cannot take SGD step: ${name} has length ${n}, but this optimizer has been updating a ${name} of length ${s.length}; ` +
        `use one optimizer per model`,
    );
  }
  return s;
}

function positive(value: number, what: string, context: string): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`Cannot ${context}: ${what} must be a finite number > 0, got ${value}`);
  }
  return value;
}
