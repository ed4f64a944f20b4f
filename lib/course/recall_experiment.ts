/**
 * Notebook 01's experiment: does the LSTM remember across a gap where a vanilla RNN forgets?
 *
 * Both networks are trained the same way on the recall task (`recallTask`: one of K = 8 symbols,
 * then distractors, name the symbol) with the gap drawn at random per sequence, and are then scored
 * on held-out sequences at fixed gaps, for several weight seeds. `deno task memory` runs it too.
 *
 * @module
 */

import { Adam } from "../core/optim.ts";
import { seededRng } from "../core/random.ts";
import { runLSTM } from "../core/lstm.ts";
import { runRNN } from "../core/rnn.ts";
import { oneHot, recallTask, type SequenceExample } from "../core/tasks.ts";
import { cached, type CacheMode } from "../core/disk_cache.ts";
import {
  classifierCodec,
  type EpochStats,
  evaluateClassifier,
  initSequenceClassifier,
  type SequenceClassifier,
  trainSequenceClassifier,
} from "../core/train.ts";
import { describe, expectWhole, type VectorLike } from "../core/tensor.ts";

/** The networks notebook 01 compares on the recall task. */
export const RECALL_CONTENDERS = {
  rnn: "vanilla RNN",
  lstm: "LSTM, forget bias 1",
  chrono: "LSTM, chrono initialisation",
} as const;

/** One of {@linkcode RECALL_CONTENDERS}. */
export type RecallContender = keyof typeof RECALL_CONTENDERS;

/** Options for {@linkcode recallExperiment}; every one has a default (notebook 01's run). */
export interface RecallExperimentOptions {
  /**
   * The shortest and longest gap of a training sequence, `[min, max]` distractors (default `[4, 50]`):
   * each sequence's gap is drawn uniformly from min … max, both included.
   */
  trainGaps?: readonly [number, number];
  /** The gaps (distractors) to score at, each on its own held-out sequences (default 5, 10, 20, 30, 40, 50). */
  testGaps?: readonly number[];
  /** The networks, in this order for every seed (default `["rnn", "lstm"]`; `"chrono"` is told `trainGaps[1]`). */
  contenders?: readonly RecallContender[];
  /** Weight seeds: every contender is trained once per seed (default 0, 1, 2). */
  seeds?: readonly number[];
  /** H, units of the recurrent layer (default 16). */
  hiddenSize?: number;
  /** The most epochs per network (default 20). */
  epochs?: number;
  /** Adam's learning rate (default 0.01). */
  learningRate?: number;
  /** Fresh training sequences per epoch (default 1000). */
  perEpoch?: number;
  /** Validation sequences, gaps drawn like the training ones (default 300). */
  validationCount?: number;
  /** Held-out sequences per test gap (default 500). */
  testCount?: number;
  /** Stop a network early once its validation accuracy reaches this fraction (default 0.99). */
  stopAtAccuracy?: number;
  /** Called after every epoch of every network (for progress lines; for a network loaded from the cache, once per epoch it trained then). */
  onEpoch?: (contender: RecallContender, seed: number, stats: EpochStats) => void;
  /**
   * Whether each trained network is kept in `build/cache/` and loaded when the same one is asked for
   * again (default `"use"`; see `lib/core/disk_cache.ts`). The test scores are always computed afresh.
   */
  cache?: CacheMode;
}

/** One trained network of {@linkcode recallExperiment}. */
export interface RecallRun {
  readonly contender: RecallContender;
  /** Its weight seed (also the seed of the order of its training examples). */
  readonly seed: number;
  /** Epochs trained (fewer than the limit when validation accuracy reached `stopAtAccuracy`). */
  readonly epochs: number;
  /** Training time, seconds (without the scoring). */
  readonly seconds: number;
  /** Accuracy (a fraction) on `testCount` held-out sequences at each of `testGaps`, in that order. */
  readonly accuracy: readonly number[];
  /** Mean cross-entropy on them, nats, at each of `testGaps`. */
  readonly loss: readonly number[];
  /** The figures of every epoch trained. */
  readonly history: readonly EpochStats[];
  /** The trained network (`kind` "rnn" for the RNN, "lstm" for both LSTMs). */
  readonly model: SequenceClassifier;
}

/** What {@linkcode recallExperiment} returns. */
export interface RecallExperiment {
  readonly trainGaps: readonly [number, number];
  readonly testGaps: readonly number[];
  readonly contenders: readonly RecallContender[];
  readonly seeds: readonly number[];
  /** One per contender per seed, seed by seed: `runs[s * contenders.length + c]`. */
  readonly runs: readonly RecallRun[];
  /** Wall-clock seconds for everything. */
  readonly seconds: number;
}

/**
 * Trains each contender once per seed on the recall task with a random gap per sequence, and scores
 * every trained network on held-out sequences at each fixed test gap.
 *
 * The task (`recallTask`): x_1 is one of K = 8 symbols, x_2 … x_{g+1} are g random distractors
 * (8 more one-hot slots, so X = 16), and the target is the symbol; chance is 1/8. Training
 * sequences have a gap g drawn uniformly from `trainGaps` per sequence: short stories teach what to
 * remember, long ones that the memory must last. The recipe is the same for every network: H units,
 * one dense layer on the last h, softmax cross-entropy, Adam, batches of 32, clipping at norm 1,
 * `perEpoch` fresh sequences per epoch, early stop at `stopAtAccuracy` on validation sequences drawn
 * like the training ones.
 *
 * The contenders: a vanilla RNN; an LSTM with the library's default forget bias 1 (Gers, Schmidhuber
 * & Cummins 2000; Jozefowicz et al. 2015), which is not told the gap; and, optionally, an LSTM with
 * chrono initialisation for lags up to the longest training gap (Tallec & Ollivier 2018), which
 * shows what knowing the gap buys. Why gaps from 4: the shortest gap decides who learns. From 1, short
 * sequences let the RNN learn too; from 6 or more, the default LSTM struggles as well; with one fixed gap
 * of 50, both fail. `deno task memory` prints the figures, and the README's "Learning" line gives them.
 *
 * Data are the same for every network and seed (validation seed 1, test seed 2 + gap, epoch e:
 * 100 + e); `seed` sets the weights and the order of the examples. With the defaults it trains 6
 * networks in about 20 s (one core).
 *
 * @throws {RangeError} if a gap, seed, count or contender is not valid (the message names it)
 *
 * @example
 * ```ts
 * import { recallExperiment, summariseRecall } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const run = recallExperiment({ trainGaps: [1, 3], testGaps: [2], seeds: [0], epochs: 1, perEpoch: 64, testCount: 50 });
 * assert.deepEqual(run.runs.map((r) => r.contender), ["rnn", "lstm"]);
 * assert.equal(summariseRecall(run).length, 2); // one row per gap and network
 * ```
 */
export function recallExperiment(options: RecallExperimentOptions = {}): RecallExperiment {
  const settings = recallSettings(options);
  const { trainGaps: [minGap, maxGap], testGaps, contenders, seeds, validationCount, perEpoch, testCount } = settings;
  const mixed = (count: number, seed: number): SequenceExample[] => {
    const rng = seededRng(seed);
    return Array.from({ length: count }, () => {
      const distractors = minGap + rng.int(maxGap - minGap + 1);
      return recallTask({ distractors, count: 1, symbols: 8, noise: 8, rng }).examples[0];
    });
  };
  const data: RecallData = {
    validation: mixed(validationCount, 1),
    tests: testGaps.map((gap) =>
      recallTask({ distractors: gap, count: testCount, symbols: 8, noise: 8, seed: 2 + gap }).examples
    ),
    trainingSet: (() => {
      const epochData = new Map<number, SequenceExample[]>(); // the same sequences for every network
      return (epoch: number) => {
        if (!epochData.has(epoch)) epochData.set(epoch, mixed(perEpoch, 100 + epoch));
        return epochData.get(epoch)!;
      };
    })(),
  };
  const started = performance.now();
  const runs: RecallRun[] = [];
  for (const seed of seeds) {
    for (const contender of contenders) runs.push(recallRun(contender, seed, settings, data, options));
  }
  return {
    trainGaps: [minGap, maxGap],
    testGaps: [...testGaps],
    contenders: [...contenders],
    seeds: [...seeds],
    runs,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The experiment's options with their defaults, checked. */
type RecallSettings = Required<Omit<RecallExperimentOptions, "onEpoch" | "cache">>;

/** The examples every network of one experiment sees. */
interface RecallData {
  validation: SequenceExample[];
  tests: (readonly SequenceExample[])[];
  trainingSet: (epoch: number) => SequenceExample[];
}

function recallSettings(options: RecallExperimentOptions): RecallSettings {
  const {
    trainGaps = [4, 50],
    testGaps = [5, 10, 20, 30, 40, 50],
    contenders = ["rnn", "lstm"],
    seeds = [0, 1, 2],
    hiddenSize = 16,
    epochs = 20,
    learningRate = 0.01,
    perEpoch = 1000,
    validationCount = 300,
    testCount = 500,
    stopAtAccuracy = 0.99,
  } = options;
  const context = "run recall experiment";
  const fail = (what: string) => new RangeError(`Cannot ${context}: ${what}`);
  const whole = (n: unknown, min: number) => Number.isInteger(n) && (n as number) >= min;
  if (
    !Array.isArray(trainGaps) || trainGaps.length !== 2 || !trainGaps.every((g) => whole(g, 1)) ||
    trainGaps[0] > trainGaps[1]
  ) {
    throw fail(`trainGaps must be [min, max], whole numbers with 1 <= min <= max, got ${describe(trainGaps)}`);
  }
  if (!Array.isArray(testGaps) || testGaps.length === 0 || !testGaps.every((g) => whole(g, 1))) {
    throw fail(`testGaps must be one or more whole numbers >= 1, got ${describe(testGaps)}`);
  }
  if (
    !Array.isArray(seeds) || seeds.length === 0 || !seeds.every(Number.isInteger) || new Set(seeds).size < seeds.length
  ) {
    throw fail(`seeds must be one or more different whole numbers, got ${describe(seeds)}`);
  }
  if (!Array.isArray(contenders) || contenders.length === 0) {
    throw fail(`contenders must name one or more networks, got ${describe(contenders)}`);
  }
  for (const c of contenders) {
    if (!Object.hasOwn(RECALL_CONTENDERS, c)) {
      throw fail(`contender ${JSON.stringify(c)}, expected one of ${Object.keys(RECALL_CONTENDERS).join(", ")}`);
    }
  }
  for (const [what, n] of [["perEpoch", perEpoch], ["validationCount", validationCount], ["testCount", testCount]]) {
    expectWhole(n, what as string, context, 1);
  }
  return {
    trainGaps,
    testGaps,
    contenders,
    seeds,
    hiddenSize,
    epochs,
    learningRate,
    perEpoch,
    validationCount,
    testCount,
    stopAtAccuracy,
  };
}

/** Trains (or reads from the disk cache) one network with one seed, and scores it at every test gap. */
function recallRun(
  contender: RecallContender,
  seed: number,
  settings: RecallSettings,
  data: RecallData,
  options: RecallExperimentOptions,
): RecallRun {
  const { trainGaps, hiddenSize, epochs, learningRate, perEpoch, validationCount, stopAtAccuracy } = settings;
  const init = () =>
    initSequenceClassifier({
      kind: contender === "rnn" ? "rnn" : "lstm",
      inputSize: 16,
      hiddenSize,
      classes: 8,
      chrono: contender === "chrono" ? trainGaps[1] + 1 : undefined,
      seed,
    });
  let trainedNow = false;
  const train = () => {
    const model = init(), trainStarted = performance.now();
    const history = trainSequenceClassifier(model, data.trainingSet, {
      epochs,
      optimizer: new Adam({ lr: learningRate }),
      seed,
      validation: data.validation,
      stopAtAccuracy,
      onEpoch: (stats) => options.onEpoch?.(contender, seed, stats),
    });
    trainedNow = true;
    return { model, history, seconds: (performance.now() - trainStarted) / 1000 };
  };
  const inputs = { contender, seed, trainGaps, hiddenSize, epochs, learningRate, perEpoch, validationCount };
  const { model, history, seconds } = cached(
    "recall-network",
    { ...inputs, stopAtAccuracy },
    train,
    classifierCodec(init),
    { mode: options.cache },
  );
  if (!trainedNow) history.forEach((stats) => options.onEpoch?.(contender, seed, stats));
  const scores = data.tests.map((examples) => evaluateClassifier(model, examples));
  return {
    contender,
    seed,
    epochs: history.length,
    seconds,
    accuracy: scores.map((s) => s.accuracy),
    loss: scores.map((s) => s.loss),
    history,
    model,
  };
}

/** One row of {@linkcode summariseRecall}: one network at one test gap, over the seeds. */
export interface RecallSummaryRow {
  readonly gap: number;
  readonly contender: RecallContender;
  /** Mean accuracy over the seeds, a fraction. */
  readonly mean: number;
  /** The lowest and highest accuracy over the seeds. */
  readonly min: number;
  readonly max: number;
  /** Accuracy per seed, in the order of `experiment.seeds`. */
  readonly perSeed: readonly number[];
}

/**
 * Accuracy per test gap and network over the seeds of a {@linkcode recallExperiment}: mean, min and
 * max, gap by gap, the networks in the experiment's order.
 *
 * @example
 * ```ts
 * import { recallExperiment, summariseRecall } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const run = recallExperiment({ trainGaps: [2, 2], testGaps: [2, 4], contenders: ["lstm"], seeds: [0, 1], epochs: 1, perEpoch: 32, testCount: 20 });
 * const [row] = summariseRecall(run);
 * assert.equal(row.gap, 2);
 * assert.ok(row.min <= row.mean && row.mean <= row.max && row.perSeed.length === 2);
 * ```
 */
export function summariseRecall(experiment: RecallExperiment): RecallSummaryRow[] {
  return experiment.testGaps.flatMap((gap, g) =>
    experiment.contenders.map((contender) => {
      const perSeed = experiment.seeds.map((seed) =>
        experiment.runs.find((r) => r.contender === contender && r.seed === seed)!.accuracy[g]
      );
      return {
        gap,
        contender,
        mean: perSeed.reduce((a, b) => a + b, 0) / perSeed.length,
        min: Math.min(...perSeed),
        max: Math.max(...perSeed),
        perSeed,
      };
    })
  );
}

/** What {@linkcode memoryTrace} returns: one unit's state while the network reads each symbol and the same distractors. */
export interface MemoryTrace {
  /** The state followed: the LSTM's cell state c, the RNN's hidden state h. */
  readonly state: "c" | "h";
  /** The unit followed: the one whose last value differs most between the symbols. */
  readonly unit: number;
  /** Its value after each step, one series per symbol: `[K][1 + distractors]`. */
  readonly series: readonly Float32Array[];
  /** The largest minus the smallest last value over the symbols. */
  readonly spread: number;
  /**
   * How many groups the symbols' last values fall into: sorted, a step of more than 5 % of `spread`
   * starts a new group. 8 means the unit alone tells every symbol apart; 2, that it keeps one bit.
   */
  readonly groups: number;
  /** The symbols (0 … K−1) in each of those groups, the lowest last values first: `[groups][]`. */
  readonly levels: readonly (readonly number[])[];
}

/**
 * Follows a trained recall network's memory: runs it on K sequences that differ only in their first
 * step (symbol 0 … K−1, then the same `distractors`), and returns the unit of its long-term state (the
 * LSTM's c, the RNN's h) whose last value differs most between the symbols, step by step. Notebook 01
 * draws it: the LSTM's unit keeps the symbols apart across the gap; the RNN's lines merge.
 *
 * @param model a network from {@linkcode recallExperiment}
 * @param distractors the inputs after the symbol, each `[X]` (X = 16: 8 symbols, 8 distractors)
 * @param symbols K, how many symbols to try (default 8)
 * @throws {RangeError} if `distractors` is empty or `symbols` is not a whole number in 1 … X
 *
 * @example
 * ```ts
 * import { initSequenceClassifier, memoryTrace, oneHot } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const model = initSequenceClassifier({ kind: "lstm", inputSize: 16, hiddenSize: 4, classes: 8 });
 * const trace = memoryTrace(model, [oneHot(8, 16), oneHot(9, 16)]);
 * assert.equal(trace.series.length, 8); // one series per symbol
 * assert.equal(trace.series[0].length, 3); // the symbol and two distractors
 * ```
 */
export function memoryTrace(
  model: SequenceClassifier,
  distractors: readonly VectorLike[],
  symbols = 8,
): MemoryTrace {
  const X = model.cell.inputSize;
  if (distractors.length === 0) throw new RangeError("Cannot trace memory: got 0 distractors, expected at least 1");
  expectWhole(symbols, "symbols", "trace memory", 1, X);
  const states = Array.from({ length: symbols }, (_, s) => {
    const xs = [oneHot(s, X), ...distractors];
    return model.kind === "lstm" ? runLSTM(model.cell, xs).c : runRNN(model.cell, xs).h;
  });
  const last = distractors.length;
  const spreadOf = (unit: number) => {
    const values = states.map((st) => st[last][unit]);
    return Math.max(...values) - Math.min(...values);
  };
  let unit = 0;
  for (let u = 1; u < model.cell.hiddenSize; u++) if (spreadOf(u) > spreadOf(unit)) unit = u;
  const order = states.map((st, s) => ({ s, v: st[last][unit] })).sort((a, b) => a.v - b.v);
  const spread = spreadOf(unit);
  const levels: number[][] = [];
  order.forEach(({ s, v }, k) => {
    if (k === 0 || v - order[k - 1].v > 0.05 * spread) levels.push([s]);
    else levels[levels.length - 1].push(s);
  });
  return {
    state: model.kind === "lstm" ? "c" : "h",
    unit,
    series: states.map((st) => Float32Array.from(st, (v) => v[unit])),
    spread,
    groups: levels.length,
    levels,
  };
}
