/**
 * Training a recurrent classifier from scratch: LSTM (or vanilla RNN) → dense → softmax, with the
 * loss on the last step, or on every step that has a target (`SequenceExample.targets`). Everything is
 * this library's own code; no tfjs is involved.
 *
 * ```text
 * x_1 … x_T ──LSTM──▶ h_T [H] ──dense──▶ z [K] ──softmax──▶ p [K]      L = -log p_target
 *
 * with per-step targets y_t (null: no loss at step t), the same dense layer at each such step:
 * h_t [H] ──dense──▶ z_t [K] ──softmax──▶ p_t [K]      L = mean over the steps with a target of -log p_t[y_t]
 * ```
 *
 * One training step: for each example of a mini-batch run forwards, take dL/dz_t = (p_t - onehot) / n
 * at each of its n steps with a target, back through the dense layer to dL/dh_t, back through time to
 * every weight; average the batch's gradients, clip their global norm, and let the optimizer update
 * the weights. Two optional regularisers shape what training prefers: `recurrentDecay` (a weight
 * decay on the weights that read hₜ₋₁) and `activationPenalty` (a cost on hₜ itself).
 *
 * Introduced in notebook 01 (the RNN forgets, the LSTM remembers) and notebook 09 (training); the
 * per-step targets serve the story task of notebooks 04–06 (`story.ts`).
 *
 * @module
 */

import {
  checkDenseParams,
  dense,
  denseBackward,
  denseGradsLike,
  type DenseParams,
  denseTensors,
  initDense,
} from "./dense.ts";
import { argmax, softmaxCrossEntropy } from "./loss.ts";
import { backpropLSTM, runLSTM } from "./lstm.ts";
import { initLSTMParams, type LSTMParams, lstmTensors } from "./lstm_cell.ts";
import { Adam, type Optimizer, prefixTensors, type Tensors } from "./optim.ts";
import { seededRng } from "./random.ts";
import { minibatches } from "./train_loop.ts";
import { backpropRNN, initRNNParams, type RNNParams, rnnTensors, runRNN } from "./rnn.ts";
import type { SequenceExample } from "./tasks.ts";
import type { CacheCodec } from "./disk_cache.ts";
import { describe, expectWhole, type VectorLike } from "./tensor.ts";

/** A recurrent layer and a dense layer on its last hidden state. */
export type SequenceClassifier =
  | { readonly kind: "lstm"; readonly cell: LSTMParams; readonly out: DenseParams }
  | { readonly kind: "rnn"; readonly cell: RNNParams; readonly out: DenseParams };

/** Options for {@linkcode initSequenceClassifier}. */
export interface InitClassifierOptions {
  /** `"lstm"` or `"rnn"` (a vanilla RNN). */
  kind: "lstm" | "rnn";
  /** X, the length of each input vector. */
  inputSize: number;
  /** H, the recurrent layer's number of units. */
  hiddenSize: number;
  /** K, the number of classes. */
  classes: number;
  /** Seed for every weight (default 0). */
  seed?: number;
  /** The LSTM's initial forget-gate bias (default 1; see `initLSTMParams`). */
  forgetBias?: number;
  /** Chrono initialisation of the LSTM for lags up to this many steps (see `initLSTMParams`). */
  chrono?: number;
}

/**
 * A fresh classifier.
 *
 * @example
 * ```ts
 * import { initSequenceClassifier } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const model = initSequenceClassifier({ kind: "lstm", inputSize: 8, hiddenSize: 16, classes: 4 });
 * assert.equal(model.cell.hiddenSize, 16);
 * assert.equal(model.out.outputSize, 4);
 * ```
 */
export function initSequenceClassifier(options: InitClassifierOptions): SequenceClassifier {
  const { kind, inputSize, hiddenSize, classes, seed = 0 } = options;
  const rng = seededRng(seed);
  if (kind === "lstm") {
    const cell = initLSTMParams(inputSize, hiddenSize, { rng, forgetBias: options.forgetBias, chrono: options.chrono });
    return { kind, cell, out: initDense(hiddenSize, classes, { rng }) };
  }
  if (kind === "rnn") {
    return { kind, cell: initRNNParams(inputSize, hiddenSize, { rng }), out: initDense(hiddenSize, classes, { rng }) };
  }
  throw new TypeError(`Cannot make sequence classifier: kind must be "lstm" or "rnn", got ${JSON.stringify(kind)}`);
}

/**
 * The model's tensors by name (`"cell.Wf"`, `"out.W"`, …): its own arrays, for an optimizer.
 *
 * @example
 * ```ts
 * import { classifierTensors, initSequenceClassifier } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const model = initSequenceClassifier({ kind: "rnn", inputSize: 8, hiddenSize: 16, classes: 4 });
 * assert.deepEqual(Object.keys(classifierTensors(model)), ["cell.W", "cell.b", "out.W", "out.b"]);
 * ```
 */
export function classifierTensors(model: SequenceClassifier): Tensors {
  const cell = model.kind === "lstm" ? lstmTensors(model.cell) : rnnTensors(model.cell);
  return { ...prefixTensors("cell", cell), ...prefixTensors("out", denseTensors(model.out)) };
}

/** What {@linkcode exampleGradients} returns. */
export interface ExampleGradients {
  /** The cross-entropy loss, in nats: its mean over the steps with a target (just the last step without `targets`). */
  readonly loss: number;
  /** Whether the most probable class was the target at every step with a target. */
  readonly correct: boolean;
  /** The fraction of the steps with a target where the most probable class was the target (1 or 0 without `targets`). */
  readonly accuracy: number;
  /** How many steps had a target (1 without `targets`). */
  readonly steps: number;
  /** dL/d(every tensor), named as in {@linkcode classifierTensors}. */
  readonly grads: Tensors;
  /**
   * dL/dx_t for every step, `[T][X]`: how strongly the loss at the end reaches back to each input.
   * For a vanilla RNN it shrinks geometrically with the distance from the end (notebook 01).
   */
  readonly dxs: readonly Float32Array[];
}

/**
 * Loss and gradients for one example: forwards through time, softmax cross-entropy on the last
 * step (or, with `example.targets`, the mean cross-entropy over the steps with a target), and back.
 * The gradients are named like {@linkcode classifierTensors}, ready for an optimizer.
 *
 * @param model the classifier (K = `model.out.outputSize` classes)
 * @param example `xs` `[T][X]`, `target` in [0, K), optional `targets` `[T]` (class or null per step)
 * @param options `activationPenalty` α ≥ 0 (default 0): the gradients also carry α · mean over t and u
 *   of hₜ[u]² (see {@linkcode TrainOptions.activationPenalty}); `loss` stays the cross-entropy alone
 * @throws {RangeError} if a target is not a whole number in [0, K), `targets` does not have T entries,
 *   or `targets[T - 1]` is not `target` (see {@linkcode checkStepTargets}); if `activationPenalty` is
 *   negative or not finite; or as `runLSTM` for bad inputs
 *
 * @example
 * ```ts
 * import { exampleGradients, initSequenceClassifier, recallTask } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const task = recallTask({ distractors: 2, count: 1 });
 * const model = initSequenceClassifier({ kind: "lstm", inputSize: task.inputSize, hiddenSize: 4, classes: task.classes });
 * const { loss, grads } = exampleGradients(model, task.examples[0]);
 * assert.ok(loss > 0);
 * assert.equal(grads["cell.Wf"].length, 4 * (4 + 8)); // like the parameter: [H, H+X]
 * ```
 */
export function exampleGradients(
  model: SequenceClassifier,
  example: SequenceExample,
  options: { activationPenalty?: number } = {},
): ExampleGradients {
  const context = "train sequence classifier";
  const { activationPenalty = 0 } = options;
  checkActivationPenalty(activationPenalty, context);
  checkDenseParams(model.out, context);
  const { xs } = example;
  let cellGrads: (dh: (Float32Array | Float64Array | null)[]) => { tensors: Tensors; dxs: readonly Float32Array[] };
  let hs: readonly Float32Array[]; // [T][H]
  if (model.kind === "lstm") {
    const trace = runLSTM(model.cell, xs);
    hs = trace.h;
    cellGrads = (dh) => {
      const g = backpropLSTM(model.cell, trace, dh);
      return { tensors: lstmTensors(g), dxs: g.dxs };
    };
  } else {
    const trace = runRNN(model.cell, xs);
    hs = trace.h;
    cellGrads = (dh) => {
      const g = backpropRNN(model.cell, trace, dh);
      return { tensors: rnnTensors(g), dxs: g.dxs };
    };
  }
  const targets = checkStepTargets(example, model.out.outputSize, context); // [T], null: no loss
  const n = targets.reduce((count: number, y) => y === null ? count : count + 1, 0);
  const outGrads = denseGradsLike(model.out);
  const dh: (Float32Array | Float64Array | null)[] = Array(xs.length).fill(null);
  let loss = 0, right = 0;
  for (let t = 0; t < targets.length; t++) {
    const y = targets[t];
    if (y === null) continue;
    const z = dense(model.out, hs[t]); // [K]
    const ce = softmaxCrossEntropy(z, y);
    if (n > 1) { for (let k = 0; k < ce.dLogits.length; k++) ce.dLogits[k] /= n; // the loss is the mean over n steps
     }
    dh[t] = denseBackward(model.out, hs[t], ce.dLogits, outGrads); // dL/dh_t = Wᵀ·(p_t - onehot) / n
    loss += ce.loss;
    if (argmax(z) === y) right++;
  }
  if (activationPenalty > 0) {
    // α · mean over t and u of h_t[u]² (not part of the reported loss): dL/dh_t[u] += 2α·h_t[u] / (T·H)
    const H = hs[0].length, scale = (2 * activationPenalty) / (hs.length * H);
    hs.forEach((h, t) => {
      const g = dh[t] ?? (dh[t] = new Float64Array(H)); // float64 holds float32 and float64 models alike
      for (let u = 0; u < H; u++) g[u] += scale * h[u];
    });
  }
  const cell = cellGrads(dh);
  return {
    loss: loss / n,
    correct: right === n,
    accuracy: right / n,
    steps: n,
    grads: { ...prefixTensors("cell", cell.tensors), ...prefixTensors("out", denseTensors(outGrads)) },
    dxs: cell.dxs,
  };
}

/**
 * How much of the error at the end reaches each step: the mean over `examples` of ‖∂L/∂xₜ‖, the size
 * of the gradient of each example's loss with respect to its input at step t, `[T]`. Where it is tiny,
 * training can hardly learn from that step (notebook 11, "why the gradient survives").
 *
 * @param examples sequences of one length T, each with its `target` (and optional `targets`)
 * @throws {RangeError} if `examples` is empty or their lengths differ; or as {@linkcode exampleGradients}
 *
 * @example
 * ```ts
 * import { gradientReach, initSequenceClassifier, recallTask } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const task = recallTask({ distractors: 3, count: 10 });
 * const model = initSequenceClassifier({ kind: "rnn", inputSize: task.inputSize, hiddenSize: 4, classes: task.classes });
 * const reach = gradientReach(model, task.examples);
 * assert.equal(reach.length, 4); // the symbol, then 3 distractors
 * ```
 */
export function gradientReach(model: SequenceClassifier, examples: readonly SequenceExample[]): Float64Array {
  if (examples.length === 0) throw new RangeError("Cannot measure gradient reach: got 0 examples, expected at least 1");
  const T = examples[0].xs.length;
  const mean = new Float64Array(T);
  examples.forEach((example, k) => {
    if (example.xs.length !== T) {
      throw new RangeError(
        `Cannot measure gradient reach: examples must all have ${T} steps, example ${k} has ${example.xs.length}`,
      );
    }
    exampleGradients(model, example).dxs.forEach((dx, t) => mean[t] += Math.hypot(...dx) / examples.length);
  });
  return mean;
}

/**
 * The target of every step of an example, `[T]`: `example.targets` checked, or (without it) `null`
 * everywhere but `target` at the last step. Used by {@linkcode exampleGradients} and
 * {@linkcode evaluateClassifier}; the story task of notebooks 04–06 makes examples with `targets`.
 *
 * @param example `xs` `[T][X]`, `target`, optional `targets` `[T]`
 * @param classes K, the number of classes
 * @param context what the caller was doing, for the error message ("Cannot <context>: …")
 * @throws {RangeError} if `targets` is not a list of T entries, an entry is neither null nor a whole
 *   number in [0, K), or `targets[T - 1]` is not `target`
 */
function checkStepTargets(
  example: SequenceExample,
  classes: number,
  context = "check step targets",
): readonly (number | null)[] {
  const T = example.xs.length;
  const { target, targets } = example;
  if (targets === undefined) {
    const last: (number | null)[] = Array(T).fill(null);
    if (T > 0) last[T - 1] = target; // softmaxCrossEntropy checks its range, as it always has
    return last;
  }
  if (!Array.isArray(targets) || targets.length !== T) {
    throw new RangeError(
      `Cannot ${context}: targets has length ${
        Array.isArray(targets) ? targets.length : describe(targets)
      }, expected ${T} (one class or null per step of xs)`,
    );
  }
  targets.forEach((y, t) => {
    if (y !== null && !(Number.isInteger(y) && y >= 0 && y < classes)) {
      throw new RangeError(
        `Cannot ${context}: targets[${t}] is ${
          typeof y === "number" ? y : describe(y)
        }, expected null or a whole number in [0, ${classes})`,
      );
    }
  });
  if (targets[T - 1] !== target) {
    throw new RangeError(
      `Cannot ${context}: targets[${T - 1}] is ${
        targets[T - 1]
      } but target is ${target}; the last step's target must be target`,
    );
  }
  return targets;
}

/**
 * Mean loss and accuracy over `examples`. For an example with `targets`, its loss is the mean
 * cross-entropy and its accuracy the fraction right over its steps with a target; the figures
 * returned are the means of these over the examples (for last-step examples: the plain mean loss and
 * the fraction of examples right, as before).
 *
 * @throws {RangeError} if `examples` is empty, or as {@linkcode checkStepTargets} for bad targets
 *
 * @example
 * ```ts
 * import { evaluateClassifier, initSequenceClassifier, recallTask } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const task = recallTask({ distractors: 3, count: 50 });
 * const model = initSequenceClassifier({ kind: "lstm", inputSize: task.inputSize, hiddenSize: 8, classes: task.classes });
 * const { loss } = evaluateClassifier(model, task.examples);
 * assert.ok(Math.abs(loss - Math.log(4)) < 0.3); // untrained: about ln 4, a uniform guess
 * ```
 */
export function evaluateClassifier(
  model: SequenceClassifier,
  examples: readonly SequenceExample[],
): { loss: number; accuracy: number } {
  if (examples.length === 0) throw new RangeError("Cannot evaluate classifier: got 0 examples, expected at least 1");
  let loss = 0, correct = 0;
  for (const example of examples) {
    const { xs, target } = example;
    if (example.targets === undefined) {
      const z = logits(model, xs);
      loss += softmaxCrossEntropy(z, target).loss;
      if (argmax(z) === target) correct++;
      continue;
    }
    const context = "evaluate classifier";
    checkDenseParams(model.out, context);
    const targets = checkStepTargets(example, model.out.outputSize, context);
    const trace = model.kind === "lstm" ? runLSTM(model.cell, xs) : runRNN(model.cell, xs);
    let sum = 0, right = 0, n = 0;
    targets.forEach((y, t) => {
      if (y === null) return;
      const z = dense(model.out, trace.h[t]);
      sum += softmaxCrossEntropy(z, y).loss;
      if (argmax(z) === y) right++;
      n++;
    });
    loss += sum / n;
    correct += right / n;
  }
  return { loss: loss / examples.length, accuracy: correct / examples.length };
}

/** Options for {@linkcode trainSequenceClassifier}. */
export interface TrainOptions {
  /** Passes over the training examples (default 10). */
  epochs?: number;
  /** Examples per update (default 32). */
  batchSize?: number;
  /** The optimizer (default `new Adam({ lr: 0.01 })`). */
  optimizer?: Optimizer;
  /** Clip the gradients' global norm to this (default 1; `Infinity` for none). See `clipGradNorm`. */
  clipNorm?: number;
  /** Seed for the order of examples in each epoch (default 0). */
  seed?: number;
  /** Held-out examples, evaluated after every epoch. */
  validation?: readonly SequenceExample[];
  /** Called after every epoch with its figures (to print or plot progress). */
  onEpoch?: (stats: EpochStats) => void;
  /** Stop early once the validation accuracy (else the training accuracy) reaches this. */
  stopAtAccuracy?: number;
  /**
   * Weight decay λ on the recurrent weights only (default 0: none): after every update, the columns of
   * each W `[H, H+X]` that read hₜ₋₁ (the first H) shrink by the factor 1 − η·λ, η the optimizer's
   * learning rate (decoupled weight decay, Loshchilov & Hutter 2019, applied to the recurrent part
   * alone). Biases and the input columns are not decayed. It makes a memory carried by hₜ₋₁ from step
   * to step cost something, and one carried by the cell state's forget gate, which a bias can open,
   * cost nothing: notebook 04 shows what that does to the trained forget gate.
   */
  recurrentDecay?: number;
  /**
   * Activation regularisation α (default 0: none): adds α · mean over steps t and units u of hₜ[u]² to
   * each example's loss (Merity, Keskar & Socher 2018, "Regularizing and Optimizing LSTM Language
   * Models", §4.6, whose code takes the same mean). Every number the cell shows in hₜ costs a little,
   * at every step, so the output gate learns to show a memory only where the loss needs it: notebook
   * 06 shows what that does to the trained output gate. The reported loss stays the cross-entropy alone.
   */
  activationPenalty?: number;
}

/** The figures of one epoch. */
export interface EpochStats {
  /** 1 for the first epoch. */
  readonly epoch: number;
  /** Mean training loss over the epoch (measured while the weights were changing). */
  readonly loss: number;
  /** Training accuracy over the epoch (for examples with `targets`: the mean over examples of the fraction of steps right). */
  readonly accuracy: number;
  /** Validation loss after the epoch, if `validation` was given. */
  readonly valLoss?: number;
  /** Validation accuracy after the epoch, if `validation` was given. */
  readonly valAccuracy?: number;
  /** Mean gradient norm before clipping. */
  readonly gradNorm: number;
  /** Wall-clock seconds the epoch took. */
  readonly seconds: number;
}

/**
 * Trains `model` in place with mini-batch gradient descent and returns one {@linkcode EpochStats} per epoch.
 * Each epoch is one pass of the engine's loop, `minibatches` (`train_loop.ts`): shuffled, clipped, Stop
 * checked after every batch.
 *
 * `examples` is a fixed training set, or a function giving each epoch (from 1) its own fresh examples:
 * for generated tasks, fresh data every epoch means the model cannot pass by memorising the training set.
 *
 * @example
 * ```ts
 * import { initSequenceClassifier, recallTask, trainSequenceClassifier } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const task = recallTask({ distractors: 2, count: 200, seed: 1 });
 * const model = initSequenceClassifier({ kind: "lstm", inputSize: task.inputSize, hiddenSize: 8, classes: task.classes });
 * const history = trainSequenceClassifier(model, task.examples, { epochs: 5 });
 * assert.ok(history[4].accuracy > 0.9); // remembers over 2 steps after 5 epochs
 * ```
 */
export function trainSequenceClassifier(
  model: SequenceClassifier,
  examples: readonly SequenceExample[] | ((epoch: number) => readonly SequenceExample[]),
  options: TrainOptions = {},
): EpochStats[] {
  const { epochs = 10, batchSize = 32, clipNorm = 1, seed = 0 } = options;
  for (const [what, n] of [["epochs", epochs], ["batchSize", batchSize]] as const) {
    expectWhole(n, what, "train classifier", 1);
  }
  if (!(clipNorm > 0)) {
    throw new RangeError(`Cannot train classifier: clipNorm must be > 0 (Infinity for no clipping), got ${clipNorm}`);
  }
  const { stopAtAccuracy } = options;
  if (stopAtAccuracy !== undefined && !(stopAtAccuracy > 0 && stopAtAccuracy <= 1)) {
    throw new RangeError(`Cannot train classifier: stopAtAccuracy is a fraction in (0, 1], got ${stopAtAccuracy}`);
  }
  const optimizer = options.optimizer ?? new Adam({ lr: 0.01 });
  const { recurrentDecay = 0 } = options;
  const lr = (optimizer as { lr?: unknown }).lr;
  if (!(recurrentDecay >= 0 && Number.isFinite(recurrentDecay))) {
    throw new RangeError(`Cannot train classifier: recurrentDecay must be a number >= 0, got ${recurrentDecay}`);
  }
  if (recurrentDecay > 0 && typeof lr !== "number") {
    throw new TypeError("Cannot train classifier: recurrentDecay needs an optimizer with a numeric lr (SGD or Adam)");
  }
  const shrink = recurrentDecay > 0 ? 1 - (lr as number) * recurrentDecay : 1;
  if (!(shrink > 0)) {
    throw new RangeError(
      `Cannot train classifier: recurrentDecay × lr must be below 1, got ${recurrentDecay} × ${lr as number}`,
    );
  }
  const { activationPenalty = 0 } = options;
  checkActivationPenalty(activationPenalty, "train classifier");
  const rng = seededRng(seed);
  const params = classifierTensors(model);
  const sum: Record<string, Float32Array> = {}; // the batch's mean gradients, one buffer reused
  for (const [name, w] of Object.entries(params)) sum[name] = new Float32Array(w.length);
  const tally = { loss: 0, correct: 0 }; // over the epoch, one example at a time
  const gradients = (batch: readonly SequenceExample[]) => batchGradients(model, batch, sum, tally, activationPenalty);
  const history: EpochStats[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    const data = typeof examples === "function" ? examples(epoch) : examples;
    if (data.length === 0) throw new RangeError("Cannot train classifier: got 0 examples, expected at least 1");
    Object.assign(tally, { loss: 0, correct: 0 });
    let norms = 0, batches = 0;
    const pass = `epoch ${epoch} of ${epochs}`;
    for (const { norm } of minibatches(data, { params, optimizer, rng, batchSize, clipNorm, gradients, pass })) {
      norms += norm;
      batches++;
      if (shrink !== 1) decayRecurrent(model, shrink);
    }
    const stats: EpochStats = {
      epoch,
      loss: tally.loss / data.length,
      accuracy: tally.correct / data.length,
      ...(options.validation ? validationStats(model, options.validation) : {}),
      gradNorm: norms / batches,
      seconds: (performance.now() - started) / 1000,
    };
    history.push(stats);
    options.onEpoch?.(stats);
    const watched = stats.valAccuracy ?? stats.accuracy;
    if (stopAtAccuracy !== undefined && watched >= stopAtAccuracy) break;
  }
  return history;
}

/**
 * The mean gradients of a batch, into `sum` (zeroed first); each example's loss and accuracy added to
 * `tally` as it is computed (1 or 0 for a last-step example).
 */
function batchGradients(
  model: SequenceClassifier,
  batch: readonly SequenceExample[],
  sum: Record<string, Float32Array>,
  tally: { loss: number; correct: number },
  activationPenalty: number,
): { grads: Tensors } {
  for (const g of Object.values(sum)) g.fill(0);
  for (const example of batch) {
    const result = exampleGradients(model, example, { activationPenalty });
    tally.loss += result.loss;
    tally.correct += result.accuracy;
    for (const [name, g] of Object.entries(result.grads)) {
      const s = sum[name];
      for (let k = 0; k < s.length; k++) s[k] += g[k];
    }
  }
  for (const g of Object.values(sum)) for (let k = 0; k < g.length; k++) g[k] /= batch.length; // mean over the batch
  return { grads: sum };
}

function checkActivationPenalty(alpha: number, context: string): void {
  if (!(typeof alpha === "number" && alpha >= 0 && Number.isFinite(alpha))) {
    throw new RangeError(
      `Cannot ${context}: activationPenalty must be a number >= 0, got ${
        typeof alpha === "number" ? alpha : describe(alpha)
      }`,
    );
  }
}

function validationStats(model: SequenceClassifier, examples: readonly SequenceExample[]) {
  const { loss, accuracy } = evaluateClassifier(model, examples);
  return { valLoss: loss, valAccuracy: accuracy };
}

/** The scores z = W·h_T + b after the last step, `[K]`. */
function logits(model: SequenceClassifier, xs: readonly VectorLike[]): Float32Array {
  checkDenseParams(model.out, "run sequence classifier");
  const trace = model.kind === "lstm" ? runLSTM(model.cell, xs) : runRNN(model.cell, xs);
  return dense(model.out, trace.h[trace.steps - 1]);
}

/** Shrinks the recurrent columns (the first H of each W `[H, H+X]`) by `factor`, in place. */
function decayRecurrent(model: SequenceClassifier, factor: number): void {
  const { hiddenSize: H, inputSize: X } = model.cell;
  const matrices = model.kind === "lstm"
    ? [model.cell.Wf, model.cell.Wi, model.cell.Wc, model.cell.Wo]
    : [model.cell.W];
  for (const W of matrices) {
    for (let r = 0; r < H; r++) for (let c = 0; c < H; c++) W.data[r * (H + X) + c] *= factor;
  }
}

/** A classifier, the figures of every epoch it trained and how many seconds that took: what {@linkcode classifierCodec} keeps. */
export interface TrainedClassifier {
  readonly model: SequenceClassifier;
  readonly history: readonly EpochStats[];
  readonly seconds: number;
}

/**
 * A trained classifier with its history as JSON and back, for {@linkcode cached}: the weights exactly
 * (float32 values print as the shortest decimal that reads back to them), into a network `init` makes.
 */
export function classifierCodec(
  init: () => SequenceClassifier,
): CacheCodec<TrainedClassifier> {
  return {
    encode: ({ model, history, seconds }) => ({
      tensors: Object.fromEntries(Object.entries(classifierTensors(model)).map(([name, t]) => [name, Array.from(t)])),
      history,
      seconds,
    }),
    decode: (json) => {
      const { tensors, history, seconds } = json as {
        tensors: Record<string, number[]>;
        history: EpochStats[];
        seconds: number;
      };
      const model = init();
      for (const [name, t] of Object.entries(classifierTensors(model))) {
        if (tensors[name]?.length !== t.length) throw new RangeError(`kept tensor ${name} does not fit the network`);
        t.set(tensors[name]);
      }
      if (!Array.isArray(history) || typeof seconds !== "number") throw new RangeError("kept history is malformed");
      return { model, history, seconds };
    },
  };
}
