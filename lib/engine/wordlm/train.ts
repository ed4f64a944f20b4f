/**
 * Training the word model (`lib/engine/wordlm.ts` is its public entry): the options, the run split into
 * epochs and batches, validation with early stopping, and the progress reported.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { FusedAdam } from "../fused_adam.ts";
import { clippedStep, type StepResult, trainBatches } from "../train_loop.ts";
import { checkModel, trainOptions } from "./checks.ts";
import { disposeState, keepState, tidy, type WordLM, type WordLMState, zeroState } from "./model.ts";
import { type DropoutSeeds, wordLMLoss } from "./forward.ts";
import { epochWindows, rowWindow } from "./batches.ts";
import { earlyStoppingPoint, evaluateWordLM } from "./evaluate.ts";
import { type Rng, seededRng } from "../../core/random.ts";

/** Options for {@linkcode trainWordLM}. */
export interface TrainWordLMOptions {
  /** B, rows read side by side (default 32). */
  batchSize?: number;
  /** T, steps per window: how far back gradients flow (truncated BPTT, default 35). */
  seqLength?: number;
  /** Carry the state from one window to the next (default true); false: every window starts at zero, in shuffled order. */
  carryState?: boolean;
  /**
   * With a carried state, start every row from a zero state again every this many windows (default:
   * only at each epoch's start), so that the model also learns to start from nothing (notebook 09, why
   * the first pass looks wrong).
   */
  resetEvery?: number;
  /** "adam" (default) or plain "sgd". */
  optimizer?: "adam" | "sgd";
  /** Step size (default 0.002 for Adam, 1 for SGD). */
  learningRate?: number;
  /** "constant" (default) or "linear": decays to 10 % of the rate over the planned tokens (or seconds, whichever ends first). */
  schedule?: "constant" | "linear";
  /** Clip the gradients' global norm to this (default 5; Infinity: no clipping). */
  clipNorm?: number;
  /** Passes over the training stream (default 1). */
  epochs?: number;
  /** Stop after this many training tokens (default: no limit). Deterministic, unlike maxSeconds. */
  maxTokens?: number;
  /** Stop after this many seconds, at the end of a batch (default: no limit). */
  maxSeconds?: number;
  /** Seed for dropout masks, the window order (without carried state) and the rows' offset each epoch (default 0). */
  seed?: number;
  /** Measure validation perplexity every `every` training tokens (and at the end) on `ids` (its first `maxTokens`). */
  validation?: { ids: Int32Array; every: number; maxTokens?: number };
  /** With validation: stop when validation perplexity has not improved `patience` times in a row, and keep the best weights. */
  earlyStopping?: { patience: number };
  /** Called after every batch; training waits if it returns a promise. */
  onBatch?: (p: WordLMProgress) => void | Promise<void>;
  /** Called after every validation. */
  onValidation?: (v: WordLMValidation) => void | Promise<void>;
}

/** Where training stands after a batch. */
export interface WordLMProgress {
  readonly epoch: number;
  readonly step: number;
  readonly tokens: number;
  /** This batch's mean cross-entropy, nats per token. */
  readonly loss: number;
  readonly seconds: number;
  readonly learningRate: number;
}

/** A validation measurement during training. */
export interface WordLMValidation {
  readonly tokens: number;
  /** Training seconds so far (validation time not counted). */
  readonly seconds: number;
  readonly epoch: number;
  readonly perplexity: number;
  /** Mean training loss since the previous validation, as a perplexity. */
  readonly trainPerplexity: number;
}

/** What {@linkcode trainWordLM} returns. */
export interface WordLMHistory {
  readonly batches: WordLMProgress[];
  readonly validations: WordLMValidation[];
  /** Training tokens and seconds at the end (validation time not counted). */
  readonly tokens: number;
  readonly seconds: number;
  /** Why training ended: "epochs", "maxTokens", "maxSeconds" or "earlyStopping". */
  readonly stopped: string;
  /** With early stopping: the validation whose weights were kept. */
  readonly best?: WordLMValidation;
}

/**
 * Trains the model in place on a stream of ids (each in [0, V)), B rows side by side in windows of T
 * (see {@linkcode TrainWordLMOptions} for every option and its default).
 *
 * Training stops at the first batch whose loss or gradient is NaN or ±Infinity, before applying it
 * (as Keras's `TerminateOnNaN`): on every engine, fused or step by step, it throws a
 * `DivergenceError` (`lib/engine/train_loop.ts`) naming the batch and what to try.
 *
 * @throws {RangeError} or {TypeError} naming the option, before training, if an option is not valid or
 *   the stream (or validation's) has an id outside [0, V) or fewer than B + 1 tokens
 * @throws {DivergenceError} (a RangeError) at the first non-finite loss or gradient
 */
export async function trainWordLM(
  model: WordLM,
  ids: Int32Array,
  options: TrainWordLMOptions = {},
): Promise<WordLMHistory> {
  checkModel(model, "train");
  const run = startRun(model, ids, trainOptions(model, ids, options));
  try {
    for (let epoch = 1; epoch <= run.o.epochs; epoch++) {
      if (await trainEpoch(run, ids, epoch)) break;
    }
  } catch (e) {
    run.best?.weights.forEach((w) => w.dispose());
    throw e;
  } finally {
    if (run.state) disposeState(run.state);
    run.optimizer.dispose();
  }
  keepBest(run);
  const { batches, validations, tokens, seconds, stopped, best } = run;
  return { batches, validations, tokens, seconds, stopped, best: best?.v };
}

/** A training run as it goes: its settings, its optimizer and random numbers, and what it has done so far. */
interface Run {
  readonly model: WordLM;
  /** The options, defaults filled in and checked. */
  readonly o: ReturnType<typeof trainOptions>;
  readonly vars: tf.Variable[];
  readonly optimizer: ReturnType<typeof makeOptimizer>["optimizer"];
  readonly setRate: (lr: number) => void;
  /** The window order and the rows' offset each epoch; `seeds` draws the dropout masks' seeds from it too. */
  readonly rng: Rng;
  readonly seeds: DropoutSeeds;
  /** The tokens the run is planned to train on (the linear schedule decays over them). */
  readonly plannedTokens: number;
  readonly batches: WordLMProgress[];
  readonly validations: WordLMValidation[];
  tokens: number;
  step: number;
  /** Training seconds (validation time not counted), and when the current stretch of training started. */
  seconds: number;
  started: number;
  stopped: string;
  /** The training loss summed over the tokens since the last validation. */
  sinceLoss: number;
  sinceTokens: number;
  nextValidation: number;
  /** With early stopping: the best validation so far and a copy of its weights. */
  best?: { v: WordLMValidation; weights: tf.Tensor[] };
  /** The state carried from window to window (undefined between epochs). */
  state?: WordLMState;
}

/** A run about to start: its optimizer, its random numbers seeded, nothing trained yet. */
function startRun(model: WordLM, ids: Int32Array, o: ReturnType<typeof trainOptions>): Run {
  const { optimizer, setRate } = makeOptimizer(o.optimizer, o.learningRate);
  const rng = seededRng(o.seed);
  return {
    model,
    o,
    vars: Object.values(model.variables),
    optimizer,
    setRate,
    rng,
    seeds: { next: () => Math.floor(rng.next() * 2 ** 31) },
    plannedTokens: Math.min(o.maxTokens, o.epochs * (ids.length - 1)),
    batches: [],
    validations: [],
    ...{ tokens: 0, step: 0, seconds: 0, started: performance.now(), stopped: "epochs" },
    ...{ sinceLoss: 0, sinceTokens: 0, nextValidation: o.validation?.every ?? Infinity },
  };
}

/**
 * One pass over the stream: its windows in order (or shuffled, without a carried state), every row
 * restarted from zero every `resetEvery` windows, and a last validation after the last epoch.
 *
 * @returns true when training ends before the pass does (`run.stopped` says why)
 */
async function trainEpoch(run: Run, ids: Int32Array, epoch: number): Promise<boolean> {
  const { batchSize: B, seqLength: T, carryState, clipNorm } = run.o;
  const { rows, length, order } = epochWindows(ids, B, T, carryState, epoch, run.rng);
  run.state = zeroState(run.model, B);
  const windows = order.map((s, w) => ({ w, rows, s, n: Math.min(T, length - s) }));
  const { ended } = await trainBatches(windows, {
    epoch,
    clipNorm,
    stepsBefore: run.step,
    step: (window) => trainStep(run, window),
    progress: (window, result, step) => recordBatch(run, epoch, window.n, result, step),
    done: () => `after batch ${run.step} (${run.tokens.toLocaleString("en-US")} tokens)`,
    until: () => checkpoint(run, epoch),
  });
  if (ended) return true;
  disposeState(run.state);
  run.state = undefined;
  const unvalidated = run.validations.at(-1)?.tokens !== run.tokens;
  if (run.o.validation && epoch === run.o.epochs && unvalidated) await validate(run, epoch);
  return false;
}

/** The learning rate for the next batch: constant, or decayed linearly to 10 % over the planned tokens or seconds. */
function learningRate(run: Run): number {
  const { o } = run;
  if (o.schedule !== "linear") return o.learningRate;
  const fraction = Math.max(run.tokens / run.plannedTokens, run.seconds / o.maxSeconds);
  return o.learningRate * (1 - 0.9 * Math.min(1, fraction));
}

/**
 * One batch, window [s, s + n) of every row (window `w` of the epoch): every row restarted from zero
 * first when `resetEvery` says so, the learning rate of the schedule, the step, the state carried on.
 * Nothing is applied when the loss or the gradient is not finite (`trainBatches` then stops training).
 */
function trainStep(run: Run, window: { w: number; rows: Int32Array[]; s: number; n: number }): StepResult {
  const { o } = run;
  if (window.w > 0 && window.w % o.resetEvery === 0) {
    disposeState(run.state!);
    run.state = zeroState(run.model, o.batchSize);
  }
  const lr = learningRate(run);
  run.setRate(lr);
  const { loss, norm, next } = trainBatch(run, window, o.carryState ? run.state : undefined);
  disposeState(run.state!);
  run.state = next;
  return { loss, norm, learningRate: lr };
}

/** A batch trained: the run's counts and clock moved on, its progress recorded and reported (`onBatch`, awaited). */
function recordBatch(run: Run, epoch: number, n: number, result: StepResult, step: number): void | Promise<void> {
  const tokens = run.o.batchSize * n;
  run.step = step;
  run.tokens += tokens;
  run.sinceLoss += result.loss * tokens;
  run.sinceTokens += tokens;
  run.seconds += (performance.now() - run.started) / 1000;
  run.started = performance.now();
  const { loss, learningRate } = result;
  const p = { epoch, step, tokens: run.tokens, loss, seconds: run.seconds, learningRate };
  run.batches.push(p);
  return run.o.onBatch?.(p);
}

/**
 * After a batch: validation every `validation.every` tokens and at the last batch, and whether training
 * ends here (early stopping, maxTokens or maxSeconds reached), recorded in `run.stopped`.
 */
async function checkpoint(run: Run, epoch: number): Promise<boolean> {
  const { maxTokens, maxSeconds, validation } = run.o;
  const last = run.tokens >= maxTokens || run.seconds >= maxSeconds;
  if (validation && (run.tokens >= run.nextValidation || last)) {
    run.nextValidation += validation.every;
    const stop = await validate(run, epoch);
    run.started = performance.now(); // validation time is not training time
    if (stop) {
      run.stopped = "earlyStopping";
      return true;
    }
  }
  if (last) {
    run.stopped = run.tokens >= maxTokens ? "maxTokens" : "maxSeconds";
    return true;
  }
  return false;
}

/**
 * Validation perplexity now, reported (`onValidation`) and recorded; with early stopping, a copy of the
 * weights when they are the best so far.
 *
 * @returns true when early stopping says to stop here
 */
async function validate(run: Run, epoch: number): Promise<boolean> {
  const { o, validations } = run;
  const evaluation = { maxTokens: o.validation!.maxTokens, batchSize: o.batchSize, seqLength: o.seqLength };
  const { perplexity } = evaluateWordLM(run.model, o.validation!.ids, { ...evaluation, carryState: o.carryState });
  const trainPerplexity = Math.exp(run.sinceLoss / Math.max(1, run.sinceTokens));
  const v = { tokens: run.tokens, seconds: run.seconds, epoch, perplexity, trainPerplexity };
  run.sinceLoss = 0;
  run.sinceTokens = 0;
  validations.push(v);
  await o.onValidation?.(v);
  if (!o.earlyStopping) return false;
  const { stop, kept } = earlyStoppingPoint(validations.map((x) => x.perplexity), o.earlyStopping.patience);
  if (kept === validations.length - 1) {
    run.best?.weights.forEach((w) => w.dispose());
    run.best = { v, weights: run.vars.map((w) => w.clone()) };
  }
  return stop >= 0;
}

/** With early stopping: the best validation's weights put back into the model, their copy freed. */
function keepBest(run: Run): void {
  if (run.best === undefined) return;
  const weights = run.best.weights;
  run.vars.forEach((w, k) => w.assign(weights[k]));
  weights.forEach((w) => w.dispose());
}

/** Adam or plain SGD at `learningRate`, and how to change its rate between batches (the schedule). */
function makeOptimizer(kind: "adam" | "sgd", learningRate: number) {
  if (kind === "adam") {
    const optimizer = new FusedAdam(learningRate); // tf.train.adam's weights bit for bit, in one pass per variable
    return { optimizer, setRate: (lr: number) => (optimizer.learningRate = lr) };
  }
  const optimizer = tf.train.sgd(learningRate);
  return { optimizer, setRate: (lr: number) => optimizer.setLearningRate(lr) };
}

/**
 * One training step on window [s, s + n) of every row: the loss (nats per token), the gradients' global
 * norm and the state after the window (from zero when `start` is undefined). The optimizer step
 * (clipped) is applied only when the loss and the norm are finite ({@linkcode clippedStep}).
 */
function trainBatch(
  run: Run,
  window: { rows: Int32Array[]; s: number; n: number },
  start: WordLMState | undefined,
): { loss: number; norm: number; next: WordLMState } {
  const { model, vars, optimizer, seeds } = run;
  return tidy(() => {
    const { x, y } = rowWindow(window.rows, window.s, window.n);
    const B = window.rows.length;
    let after: WordLMState | undefined;
    const { loss, norm } = clippedStep(optimizer, vars, run.o.clipNorm, () => {
      const out = wordLMLoss(model, x, y, start ?? zeroState(model, B), seeds);
      // variableGrads disposes everything its function made except the loss: keep the state.
      after = keepState(out.state);
      return out.loss;
    });
    return { loss, norm, next: after! };
  });
}
