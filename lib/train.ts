/**
 * Training a recurrent classifier from scratch: LSTM (or vanilla RNN) → dense → softmax, with the
 * loss on the last step. Everything is this library's own code; no tfjs is involved.
 *
 * ```text
 * x_1 … x_T ──LSTM──▶ h_T [H] ──dense──▶ z [K] ──softmax──▶ p [K]      L = -log p_target
 * ```
 *
 * One training step: for each example of a mini-batch run forwards, take dL/dz = p - onehot, back
 * through the dense layer to dL/dh_T, back through time to every weight; average the batch's
 * gradients, clip their global norm, and let the optimizer update the weights.
 *
 * Introduced in notebook 01 (the RNN forgets, the LSTM remembers) and notebook 09 (training).
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
import { argmax, softmax, softmaxCrossEntropy } from "./loss.ts";
import { backpropLSTM, runLSTM } from "./lstm.ts";
import { initLSTMParams, type LSTMParams, lstmTensors } from "./lstm_cell.ts";
import { Adam, clipGradNorm, gradNorm, type Optimizer, prefixTensors, type Tensors } from "./optim.ts";
import { seededRng, shuffle } from "./random.ts";
import { backpropRNN, initRNNParams, type RNNParams, rnnTensors, runRNN } from "./rnn.ts";
import { recallTask, type SequenceExample } from "./tasks.ts";
import { describe, type VectorLike } from "./tensor.ts";

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

/**
 * The class probabilities after the last step, `[K]`.
 *
 * @example
 * ```ts
 * import { initSequenceClassifier, predictSequence } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const model = initSequenceClassifier({ kind: "lstm", inputSize: 2, hiddenSize: 3, classes: 4 });
 * const p = predictSequence(model, [[1, 0], [0, 1]]);
 * assert.ok(Math.abs(p.reduce((a, b) => a + b) - 1) < 1e-6); // probabilities (float32: 1e-6)
 * ```
 */
export function predictSequence(model: SequenceClassifier, xs: readonly VectorLike[]): Float32Array {
  return softmax(logits(model, xs));
}

/** What {@linkcode exampleGradients} returns. */
export interface ExampleGradients {
  /** The cross-entropy loss, in nats. */
  readonly loss: number;
  /** Whether the most probable class was the target. */
  readonly correct: boolean;
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
 * step, and back. The gradients are named like {@linkcode classifierTensors}, ready for an optimizer.
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
export function exampleGradients(model: SequenceClassifier, example: SequenceExample): ExampleGradients {
  const { xs, target } = example;
  checkDenseParams(model.out, "train sequence classifier");
  let cellGrads: (dh: (Float32Array | null)[]) => { tensors: Tensors; dxs: readonly Float32Array[] };
  let hT: Float32Array; // [H]
  if (model.kind === "lstm") {
    const trace = runLSTM(model.cell, xs);
    hT = trace.h[trace.steps - 1];
    cellGrads = (dh) => {
      const g = backpropLSTM(model.cell, trace, dh);
      return { tensors: lstmTensors(g), dxs: g.dxs };
    };
  } else {
    const trace = runRNN(model.cell, xs);
    hT = trace.h[trace.steps - 1];
    cellGrads = (dh) => {
      const g = backpropRNN(model.cell, trace, dh);
      return { tensors: rnnTensors(g), dxs: g.dxs };
    };
  }
  const z = dense(model.out, hT); // [K]
  const { loss, dLogits } = softmaxCrossEntropy(z, target);
  const outGrads = denseGradsLike(model.out);
  const dhT = denseBackward(model.out, hT, dLogits, outGrads); // dL/dh_T = Wᵀ·(p - onehot)
  const dh: (Float32Array | null)[] = Array(xs.length).fill(null);
  dh[xs.length - 1] = dhT; // the loss reads only the last hidden state
  const cell = cellGrads(dh);
  return {
    loss,
    correct: argmax(z) === target,
    grads: { ...prefixTensors("cell", cell.tensors), ...prefixTensors("out", denseTensors(outGrads)) },
    dxs: cell.dxs,
  };
}

/**
 * Mean loss and accuracy over `examples`.
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
  for (const { xs, target } of examples) {
    const z = logits(model, xs);
    loss += softmaxCrossEntropy(z, target).loss;
    if (argmax(z) === target) correct++;
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
}

/** The figures of one epoch. */
export interface EpochStats {
  /** 1 for the first epoch. */
  readonly epoch: number;
  /** Mean training loss over the epoch (measured while the weights were changing). */
  readonly loss: number;
  /** Training accuracy over the epoch. */
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
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Cannot train classifier: ${what} must be a whole number >= 1, got ${n}`);
    }
  }
  if (!(clipNorm > 0)) {
    throw new RangeError(`Cannot train classifier: clipNorm must be > 0 (Infinity for no clipping), got ${clipNorm}`);
  }
  const { stopAtAccuracy } = options;
  if (stopAtAccuracy !== undefined && !(stopAtAccuracy > 0 && stopAtAccuracy <= 1)) {
    throw new RangeError(`Cannot train classifier: stopAtAccuracy is a fraction in (0, 1], got ${stopAtAccuracy}`);
  }
  const optimizer = options.optimizer ?? new Adam({ lr: 0.01 });
  const rng = seededRng(seed);
  const params = classifierTensors(model);
  const sum: Record<string, Float32Array> = {};
  for (const [name, w] of Object.entries(params)) sum[name] = new Float32Array(w.length);
  const history: EpochStats[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    const data = typeof examples === "function" ? examples(epoch) : examples;
    if (data.length === 0) throw new RangeError("Cannot train classifier: got 0 examples, expected at least 1");
    const order = shuffle(data, rng);
    let loss = 0, correct = 0, norms = 0, batches = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      for (const g of Object.values(sum)) g.fill(0);
      for (const example of batch) {
        const result = exampleGradients(model, example);
        loss += result.loss;
        if (result.correct) correct++;
        for (const [name, g] of Object.entries(result.grads)) {
          const s = sum[name];
          for (let k = 0; k < s.length; k++) s[k] += g[k];
        }
      }
      for (const g of Object.values(sum)) for (let k = 0; k < g.length; k++) g[k] /= batch.length; // mean over the batch
      norms += Number.isFinite(clipNorm) ? clipGradNorm(sum, clipNorm) : gradNorm(sum);
      batches++;
      optimizer.step(params, sum);
    }
    const stats: EpochStats = {
      epoch,
      loss: loss / order.length,
      accuracy: correct / order.length,
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

// ---------------------------------------------------------------------------------------------
// Notebook 01's experiment: who remembers the first symbol across a gap?

/** The networks notebook 01 compares on the recall task. */
export const RECALL_CONTENDERS = {
  rnn: "vanilla RNN",
  lstm: "LSTM, forget bias 1",
  chrono: "LSTM, chrono initialisation",
} as const;

/** One of {@linkcode RECALL_CONTENDERS}. */
export type RecallContender = keyof typeof RECALL_CONTENDERS;

/** One trained network of {@linkcode recallComparison}. */
export interface RecallResult {
  readonly gap: number;
  readonly contender: RecallContender;
  /** Epochs trained (fewer than the limit when validation accuracy reached `stopAtAccuracy`). */
  readonly epochs: number;
  /** Training time, seconds. */
  readonly seconds: number;
  /** Accuracy on `testCount` new sequences. */
  readonly accuracy: number;
  /** Mean cross-entropy on them, nats. */
  readonly loss: number;
  readonly model: SequenceClassifier;
}

/**
 * Trains each contender on the recall task (remember the first of K = 8 symbols across `gap`
 * distractors; `recallTask`) for each gap, with the same everything but the network: H units, one
 * dense layer on the last h, Adam, batches of 32, clipping at norm 1, `perEpoch` fresh sequences per
 * epoch, early stop at `stopAtAccuracy` on a validation set, then scored on new sequences.
 *
 * The contenders: a vanilla RNN; an LSTM with the library's forget bias 1 (Gers, Schmidhuber &
 * Cummins 2000; Jozefowicz et al. 2015); and an LSTM with chrono initialisation for lags up to the
 * gap (Tallec & Ollivier 2018), which sets its forget biases for exactly this task. The first two
 * are the fair comparison; the third shows what knowing the gap in advance buys.
 *
 * Data seeds are fixed (validation 1, test 2, epoch e: 100 + e); weights use `seed` (default 0).
 * Notebook 01 and `deno task memory` both run it.
 */
export function recallComparison(options: {
  gaps: readonly number[];
  contenders?: readonly RecallContender[];
  hiddenSize?: number;
  epochs?: number;
  learningRate?: number;
  perEpoch?: number;
  validationCount?: number;
  testCount?: number;
  stopAtAccuracy?: number;
  /** Seed for every network's weights. */
  seed?: number;
  /** Called after every epoch of every network (for progress lines). */
  onEpoch?: (contender: RecallContender, gap: number, stats: EpochStats) => void;
}): RecallResult[] {
  const {
    gaps,
    contenders = ["rnn", "lstm", "chrono"],
    hiddenSize = 16,
    epochs = 10,
    learningRate = 0.01,
    perEpoch = 1000,
    validationCount = 300,
    testCount = 1000,
    stopAtAccuracy = 0.99,
    seed = 0,
  } = options;
  if (!(gaps?.length > 0) || !gaps.every((g) => Number.isInteger(g) && g >= 1)) {
    throw new RangeError(`Cannot compare on recall: gaps must be whole numbers >= 1, got ${describe(gaps)}`);
  }
  for (const c of contenders) {
    if (!(c in RECALL_CONTENDERS)) {
      throw new RangeError(
        `Cannot compare on recall: contender ${JSON.stringify(c)}, expected one of ${
          Object.keys(RECALL_CONTENDERS).join(", ")
        }`,
      );
    }
  }
  const results: RecallResult[] = [];
  for (const gap of gaps) {
    const task = (count: number, seed: number) => recallTask({ distractors: gap, count, symbols: 8, noise: 8, seed });
    const validation = task(validationCount, 1).examples;
    const test = task(testCount, 2).examples;
    for (const contender of contenders) {
      const model = initSequenceClassifier({
        kind: contender === "rnn" ? "rnn" : "lstm",
        inputSize: 16,
        hiddenSize,
        classes: 8,
        chrono: contender === "chrono" ? gap + 1 : undefined,
        seed,
      });
      const started = performance.now();
      const history = trainSequenceClassifier(model, (epoch) => task(perEpoch, 100 + epoch).examples, {
        epochs,
        optimizer: new Adam({ lr: learningRate }),
        validation,
        stopAtAccuracy,
        onEpoch: (stats) => options.onEpoch?.(contender, gap, stats),
      });
      const { accuracy, loss } = evaluateClassifier(model, test);
      results.push({
        gap,
        contender,
        epochs: history.length,
        seconds: (performance.now() - started) / 1000,
        accuracy,
        loss,
        model,
      });
    }
  }
  return results;
}
