/**
 * Notebook 09's experiments: which runs each "how to improve performance?" idea compares, at two
 * scales, and the function that performs a run. Every run changes one thing of a base model and
 * trains for the same number of tokens, measuring validation perplexity as it goes.
 *
 * - Full scale ({@linkcode RUNS}): the whole Brown training split and vocabulary (V = 10,000), E = H = 128,
 *   one epoch ({@linkcode ONE_EPOCH} tokens) per run, three seeds: `deno task experiments` writes
 *   data/results/experiments.json (how long it took is in the README's results section).
 * - The full run's recipe where text repeats ({@linkcode RECIPE_RUNS}): `deno task experiments --recipe` writes
 *   data/results/recipe_regime.json.
 * - Small scale ({@linkcode smallRun}): the same runs shrunk about 10 times in every direction
 *   (V = 2,000, E = H = 32, 20,000 tokens), for the notebook's time budget.
 *
 * Needs {@linkcode initTfjs} first. Not re-exported by `mod.ts` (it loads tfjs).
 *
 * @module
 */

import { cpus } from "node:os";
import * as Plot from "@observablehq/plot";
import { type Chart, chartRow, plot, SERIES_COLORS } from "../charts/plot.ts";
import { type Table, table } from "../charts/display.ts";
import { tfjsEngine } from "../engine/tfjs.ts";
import {
  disposeWordLM,
  evaluateWordLM,
  initWordLM,
  trainWordLM,
  type TrainWordLMOptions,
  type WordLMConfig,
  wordLMParamCounts,
  type WordLMValidation,
} from "../engine/wordlm.ts";

/** One training run. */
export interface RunSpec {
  id: string;
  label: string;
  config: Omit<WordLMConfig, "vocabularySize">;
  options: TrainWordLMOptions;
  /** Train on this many tokens of the training split, spread over it ({@linkcode spreadSlice}; default: all of it). */
  trainTokens?: number;
  budgetTokens: number;
  validEvery: number;
  /** Tokens of the validation split scored for the curve, and at the end. */
  curveValidTokens: number;
  finalValidTokens: number;
}

/**
 * The base model: the lecture's architecture at a size that trains one epoch in about 3 minutes on
 * one core. Adam at 0.01 decayed linearly to 10 % over the run (the rate and schedule that trial
 * epochs found best: 0.002 constant ended at 158.5 on the validation split, 0.01 decayed at 129.0,
 * against the Kneser–Ney trigram's 141.6), every row restarted from zero every 100 windows (notebook
 * 09, why the first pass looks wrong).
 */
export const BASE_CONFIG = { embeddingSize: 128, hiddenSize: 128 } as const;
export const BASE_OPTIONS: TrainWordLMOptions = {
  batchSize: 32,
  seqLength: 35,
  optimizer: "adam",
  learningRate: 0.01,
  schedule: "linear",
  clipNorm: 5,
  carryState: true,
  resetEvery: 100,
  seed: 0,
};

/** The seeds every run is trained with: each sets the initial weights, the dropout masks and the rows' offsets. */
export const SEEDS = [0, 1, 2] as const;

/** One pass over Brown's training split with B = 32 (26,110 tokens per row; 835,523 ids). */
export const ONE_EPOCH = 835_520;

/**
 * Every full-data run trains one epoch, measured 8 times on a 32,000-token validation sample spread
 * over every genre ({@linkcode spreadSlice}: 32 stretches of 1,000, one per row), then scored on the
 * whole validation split (211,690 tokens).
 */
const FULL = {
  budgetTokens: ONE_EPOCH,
  validEvery: ONE_EPOCH / 8,
  curveValidTokens: 32_000,
  finalValidTokens: 211_690,
};
/** Runs on a 20,000-token slice go round it 8 times: long enough to overfit, measured once a pass. */
const SLICE = { ...FULL, trainTokens: 20_000, budgetTokens: 160_000, validEvery: 20_000 };

function run(
  id: string,
  label: string,
  config: Partial<WordLMConfig> = {},
  options: TrainWordLMOptions = {},
  scale: Partial<RunSpec> = FULL,
): RunSpec {
  return {
    id,
    label,
    config: { ...BASE_CONFIG, ...config },
    options: { ...BASE_OPTIONS, ...options },
    ...FULL,
    ...scale,
  };
}

/** Every run, the slowest first within a seed (so that two workers finish together). */
export const RUNS: RunSpec[] = [
  run("base", "base: E 128, H 128, Adam 0.01 decayed, clip 5, T 35"),
  run("hid256", "H 256", { hiddenSize: 256 }),
  run("gru", "GRU instead of LSTM", { cell: "gru" }),
  run("bptt5", "T 5", {}, { seqLength: 5 }),
  run("layers2", "2 stacked LSTM layers", { layers: 2 }),
  run("emb256", "E 256", { embeddingSize: 256 }),
  run("data50k", "50,000 training tokens", {}, {}, { trainTokens: 50_000 }),
  run("data200k", "200,000 training tokens", {}, {}, { trainTokens: 200_000 }),
  run("emb32", "E 32", { embeddingSize: 32 }),
  run("hid64", "H 64", { hiddenSize: 64 }),
  run("drop3", "dropout 0.3", { dropout: 0.3 }),
  run("forget0", "forget-gate bias 0", { forgetBias: 0 }),
  run("noclip", "no gradient clipping", {}, { clipNorm: Infinity }),
  run("lr002", "Adam 0.002", {}, { learningRate: 0.002 }),
  run("lr02", "Adam 0.02", {}, { learningRate: 0.02 }),
  run("constant", "Adam 0.01, not decayed", {}, { schedule: "constant" }),
  run("sgd", "SGD 1.0 (Zaremba et al. 2014)", {}, { optimizer: "sgd", learningRate: 1 }),
  run("bptt100", "T 100", {}, { seqLength: 100 }),
  run("nocarry", "T 35, state not carried (windows from zero)", {}, { carryState: false }),
  run("tied", "tied embeddings", { tied: true }),
  run("slice", "20,000-token slice, no dropout", {}, {}, SLICE),
  run("sliceDrop3", "20,000-token slice, dropout 0.3", { dropout: 0.3 }, {}, SLICE),
  run("sliceDrop5", "20,000-token slice, dropout 0.5", { dropout: 0.5 }, {}, SLICE),
  run("sliceRec3", "20,000-token slice, recurrent dropout 0.3", { recurrentDropout: 0.3 }, {}, SLICE),
];

/** One experiment: a question and the runs that answer it. */
export interface ExperimentSpec {
  id: string;
  /** Notebook 09's heading for it. */
  title: string;
  runs: string[];
  /** The run the others are compared with (default: the base run, or the first). */
  reference?: string;
  /** What the runs did not try, shown beside the title wherever the experiment appears (e.g. "not tuned"). */
  caveat?: string;
}

export const EXPERIMENTS: ExperimentSpec[] = [
  // More data is the base run against less: the reference is the 200,000-token run.
  { id: "data", title: "More data", runs: ["data50k", "data200k", "base"], reference: "data200k" },
  { id: "epochs", title: "More epochs, and early stopping", runs: ["slice"] },
  { id: "embedding", title: "Embedding size E", runs: ["emb32", "base", "emb256"] },
  { id: "hidden", title: "Hidden size H", runs: ["hid64", "base", "hid256"] },
  {
    id: "layers",
    title: "Two stacked LSTM layers",
    runs: ["base", "layers2"],
    caveat: "not tuned: the base model's learning rate, no warm-up",
  },
  { id: "dropout", title: "Dropout, on one epoch of all the text", runs: ["base", "drop3"] },
  {
    id: "dropoutSlice",
    title: "Dropout where the model overfits",
    runs: ["slice", "sliceDrop3", "sliceDrop5", "sliceRec3"],
  },
  { id: "forget", title: "The forget-gate bias", runs: ["forget0", "base"] },
  { id: "clip", title: "Gradient clipping", runs: ["noclip", "base"] },
  { id: "optimiser", title: "Learning rate and optimiser", runs: ["lr002", "base", "lr02", "sgd"] },
  { id: "schedule", title: "Decaying the learning rate", runs: ["constant", "base"] },
  { id: "bptt", title: "Truncated-BPTT length T", runs: ["bptt5", "base", "bptt100", "nocarry"] },
  { id: "tied", title: "Tied input and output embeddings", runs: ["base", "tied"] },
  { id: "gru", title: "A GRU in place of the LSTM", runs: ["base", "gru"] },
];

/**
 * The configuration of the full run (`deno task fullrun`): a larger state than the one-epoch runs tried
 * (H = 512; H = 256 was their largest gain per token), at the size an hour on 2 cores allows, with four choices
 * that one epoch over all the text goes against and the regime the hour trains in supports: tied embeddings
 * (Press & Wolf 2017; needs E = H), dropout 0.5 (Zaremba et al.'s 2014 rate for their medium model), Adam at
 * 0.01 rather than 0.02, and the forget bias 1 (Gers et al. 2000). {@linkcode RECIPE_RUNS} undo each of the four
 * where text repeats; notebook 09's last section reads them.
 */
export const BEST_CONFIG: Omit<WordLMConfig, "vocabularySize"> = {
  embeddingSize: 512,
  hiddenSize: 512,
  tied: true,
  dropout: 0.5,
  forgetBias: 1,
  seed: 0,
};

/** How the full run trains: for at most 60 minutes (`--minutes`), which ends training before `epochs`. */
export const BEST_TRAINING: TrainWordLMOptions = {
  batchSize: 32,
  seqLength: 35,
  optimizer: "adam",
  learningRate: 0.01,
  schedule: "linear",
  clipNorm: 5,
  carryState: true,
  resetEvery: 100,
  epochs: 30,
  seed: 0,
};

/**
 * The full run's recipe where text repeats: {@linkcode BEST_CONFIG} trained as {@linkcode BEST_TRAINING} does, at
 * the full run's size, on 200,000 tokens of the training split gone round 4.2 times (one epoch's worth of tokens),
 * then each of the four choices where the recipe differs from the one-epoch findings undone, one at a time. The
 * full run read its text 12.8 times; one epoch over all the text cannot judge choices that pay only once text
 * repeats, and this regime can, in a tenth of the hour. One seed each (`deno task experiments --recipe`).
 */
const REGIME = { ...FULL, trainTokens: 200_000 };

function recipeRun(id: string, label: string, config: Partial<WordLMConfig> = {}, options: TrainWordLMOptions = {}) {
  const { epochs: _epochs, ...training } = BEST_TRAINING;
  return run(id, label, { ...BEST_CONFIG, ...config }, { ...training, ...options }, REGIME);
}

/** The runs of {@linkcode REGIME}: the recipe, then each choice undone. */
export const RECIPE_RUNS: RunSpec[] = [
  recipeRun("recipe", "the full run's recipe: E 512, H 512, tied, dropout 0.5, forget bias 1, Adam 0.01"),
  recipeRun("recipeUntied", "untied embeddings", { tied: false }),
  recipeRun("recipeNoDropout", "no dropout", { dropout: 0 }),
  recipeRun("recipeLr02", "Adam 0.02", {}, { learningRate: 0.02 }),
  recipeRun("recipeForget0", "forget-gate bias 0", { forgetBias: 0 }),
];

/** The seeds {@linkcode RECIPE_RUNS} are trained with: one (each training takes about 8 minutes on one core). */
export const RECIPE_SEEDS = [0] as const;

/**
 * The earlier full run (data/results/first_pass.json replays it): E = H = 256, tied, dropout 0.25,
 * Adam 0.003 decayed over its 2,729,376 tokens, the state carried and never restarted. Its first
 * pass is the anomaly notebook 09 explains.
 */
export const EARLIER_FULL_RUN: {
  readonly config: Omit<WordLMConfig, "vocabularySize">;
  readonly training: TrainWordLMOptions;
  readonly tokens: number;
} = {
  config: { embeddingSize: 256, hiddenSize: 256, tied: true, dropout: 0.25, forgetBias: 1, seed: 0 },
  training: {
    batchSize: 32,
    seqLength: 35,
    optimizer: "adam",
    learningRate: 0.003,
    schedule: "linear",
    clipNorm: 5,
    carryState: true,
    epochs: 20,
    seed: 0,
  },
  tokens: 2_729_376,
};

/** The vocabulary of the small scale: the 2,000 most frequent ids (the vocabulary is in frequency order). */
export const SMALL_VOCABULARY = 2_000;

/**
 * A stream in the small scale's vocabulary: ids ≥ `SMALL_VOCABULARY` become `<unk>` (id 0), which
 * works because the course vocabulary numbers words by frequency.
 */
export function toSmallVocabulary(ids: Int32Array): Int32Array {
  return ids.map((id) => id < SMALL_VOCABULARY ? id : 0);
}

/**
 * The small-scale version of a run: sizes divided by 4 (E, H), training data and budget by about
 * 10 (the first 80,000 tokens stand for the whole split; 20,000 tokens per run; slices of 8,000
 * gone round 8 times), shorter windows and batches (B 16, T 20). Learning rates and dropout are kept.
 */
export function smallRun(spec: RunSpec): RunSpec {
  const c = spec.config;
  return {
    ...spec,
    config: { ...c, embeddingSize: c.embeddingSize / 4, hiddenSize: c.hiddenSize / 4 },
    options: {
      ...spec.options,
      batchSize: 16,
      seqLength: spec.options.seqLength === 35 ? 20 : Math.max(2, Math.round((spec.options.seqLength ?? 35) / 2)),
    },
    trainTokens: spec.trainTokens === undefined ? 80_000 : spec.trainTokens / 10,
    budgetTokens: spec.trainTokens === 20_000 ? 16_000 : 20_000,
    validEvery: spec.trainTokens === 20_000 ? 2_000 : 4_000,
    curveValidTokens: 5_000,
    finalValidTokens: 10_000,
  };
}

/**
 * `n` tokens of a stream taken as `parts` equal stretches spread evenly over it. The Brown corpus
 * is stored genre by genre (news first, fiction last), so the first n tokens would be news alone;
 * stretches from everywhere keep every genre in a smaller training set.
 *
 * @example
 * ```ts
 * import { spreadSlice } from "@course/lib/course/experiments.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = Int32Array.from({ length: 20 }, (_, t) => t);
 * assert.deepEqual([...spreadSlice(ids, 6, 3)], [0, 1, 6, 7, 13, 14]); // 3 stretches of 2, starting at 0, 20/3 and 40/3
 * ```
 */
export function spreadSlice(ids: Int32Array, n: number, parts = 32): Int32Array {
  if (!Number.isInteger(n) || n < parts || n > ids.length) {
    throw new RangeError(`Cannot take ${n} tokens in ${parts} stretches from a stream of ${ids.length}`);
  }
  const out = new Int32Array(n);
  let filled = 0;
  for (let k = 0; k < parts; k++) {
    const length = Math.floor((n * (k + 1)) / parts) - Math.floor((n * k) / parts);
    const start = Math.floor((ids.length * k) / parts);
    out.set(ids.subarray(start, start + length), filled);
    filled += length;
  }
  return out;
}

/** A point of a run's validation curve. */
export interface CurvePoint {
  readonly tokens: number;
  readonly seconds: number;
  /** Passes over the run's training data so far. */
  readonly epoch: number;
  readonly validPerplexity: number;
  readonly trainPerplexity: number;
}

/** What {@linkcode performRun} measures. */
export interface RunResult extends RunSpec {
  /** The seed of the initial weights, the dropout masks and the rows' offsets. */
  readonly seed: number;
  readonly parameters: number;
  readonly curve: CurvePoint[];
  readonly tokens: number;
  readonly seconds: number;
  readonly tokensPerSecond: number;
  readonly finalValidPerplexity: number;
  readonly finalValidTokens: number;
}

/**
 * Trains a fresh model as `spec` says, from `seed`, on `train` (its first `trainTokens`, spread over
 * it), measuring perplexity every `validEvery` tokens on `curveValidTokens` of `valid` spread over it
 * ({@linkcode spreadSlice}, one stretch per row: every genre in the sample) and, at the end, on its
 * first `finalValidTokens`.
 */
export async function performRun(
  spec: RunSpec,
  data: { train: Int32Array; valid: Int32Array; vocabularySize: number },
  onValidation?: (v: WordLMValidation) => void | Promise<void>,
  seed = 0,
): Promise<RunResult> {
  const train = spec.trainTokens ? spreadSlice(data.train, spec.trainTokens) : data.train;
  const config: WordLMConfig = { vocabularySize: data.vocabularySize, ...spec.config, seed };
  const model = initWordLM(config);
  const B = spec.options.batchSize ?? 32;
  const history = await trainWordLM(model, train, {
    epochs: 1000, // the token budget ends training
    ...spec.options,
    seed,
    maxTokens: spec.budgetTokens,
    validation: { ids: spreadSlice(data.valid, spec.curveValidTokens, B), every: spec.validEvery },
    onValidation,
  });
  const final = evaluateWordLM(model, data.valid, {
    maxTokens: Math.min(spec.finalValidTokens, data.valid.length - 1),
    batchSize: B,
    seqLength: spec.options.seqLength,
    carryState: spec.options.carryState,
  });
  disposeWordLM(model);
  return {
    ...spec,
    seed,
    parameters: wordLMParamCounts(config).total,
    curve: history.validations.map((v) => ({
      tokens: v.tokens,
      seconds: v.seconds,
      epoch: v.tokens / (train.length - 1),
      validPerplexity: v.perplexity,
      trainPerplexity: v.trainPerplexity,
    })),
    tokens: history.tokens,
    seconds: history.seconds,
    tokensPerSecond: history.tokens / history.seconds,
    finalValidPerplexity: final.perplexity,
    finalValidTokens: final.tokens,
  };
}

/**
 * A run over its seeds, as data/results/experiments.json holds it: every figure of
 * {@linkcode RunResult} but the seed is the mean over the seeds (the curve point by point), `seeds` holds each
 * seed's own result, and `finalRange` the lowest and highest final validation perplexity among them.
 */
export interface SeededRun extends Omit<RunResult, "seed"> {
  readonly seeds: readonly RunResult[];
  readonly finalRange: readonly [number, number];
  readonly curveRange: readonly { readonly low: number; readonly high: number }[];
}

/**
 * The mean of one run's results over its seeds ({@linkcode SeededRun}).
 *
 * @throws {RangeError} if `results` is empty, or mixes runs, or their curves differ in length
 */
export function combineSeeds(results: readonly RunResult[]): SeededRun {
  if (results.length === 0) throw new RangeError("Cannot combine seeds: no results");
  const [first] = results;
  for (const r of results) {
    if (r.id !== first.id || r.curve.length !== first.curve.length) {
      throw new RangeError(
        `Cannot combine seeds: expected results of ${first.id} with ${first.curve.length} curve points, got ${r.id} with ${r.curve.length}`,
      );
    }
  }
  const mean = (f: (r: RunResult) => number) => results.reduce((a, r) => a + f(r), 0) / results.length;
  const finals = results.map((r) => r.finalValidPerplexity);
  const { seed: _seed, ...spec } = first;
  return {
    ...spec,
    curve: first.curve.map((p, k) => ({
      tokens: p.tokens,
      epoch: p.epoch,
      seconds: mean((r) => r.curve[k].seconds),
      validPerplexity: mean((r) => r.curve[k].validPerplexity),
      trainPerplexity: mean((r) => r.curve[k].trainPerplexity),
    })),
    curveRange: first.curve.map((_, k) => {
      const v = results.map((r) => r.curve[k].validPerplexity);
      return { low: Math.min(...v), high: Math.max(...v) };
    }),
    tokens: mean((r) => r.tokens),
    seconds: mean((r) => r.seconds),
    tokensPerSecond: mean((r) => r.tokensPerSecond),
    finalValidPerplexity: mean((r) => r.finalValidPerplexity),
    finalRange: [Math.min(...finals), Math.max(...finals)],
    seeds: results,
  };
}

/**
 * Whether a run differs from its reference by more than the seeds do: "better" or "worse" when the
 * two ranges of final validation perplexity over the seeds do not overlap, "within the seed band"
 * when they do (the course calls only the first two a real difference).
 */
export function seedVerdict(run: SeededRun, reference: SeededRun): "better" | "worse" | "within the seed band" {
  if (run.finalRange[1] < reference.finalRange[0]) return "better";
  if (run.finalRange[0] > reference.finalRange[1]) return "worse";
  return "within the seed band";
}

/**
 * The machine a result was measured on, for the result files. Each field the process may not read
 * (Deno reads /proc/cpuinfo only with --allow-all; `node:os` needs --allow-sys=cpus) is "unknown".
 */
export function machineInfo(): {
  cpu: string;
  cores: number;
  memoryGiB: number | null;
  os: string;
  deno: string;
  engine: string;
} {
  const tryOr = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch {
      return fallback;
    }
  };
  return {
    cpu: tryOr(() => cpus()[0]?.model ?? "unknown", "unknown"),
    cores: navigator.hardwareConcurrency,
    memoryGiB: tryOr(() => Math.round(Deno.systemMemoryInfo().total / 2 ** 30), null),
    os: tryOr(() => `${Deno.build.os} ${Deno.osRelease()}`, Deno.build.os),
    deno: Deno.version.deno,
    engine: tfjsEngine(),
  };
}

/**
 * Reads a results file of data/results/ (written by `deno task experiments`, `deno task fullrun` or
 * `deno task nextword train --results`), wherever the notebook's kernel was started.
 *
 * @throws {Error} naming the command that writes the file, if it is missing
 */
export async function readResults<T = Record<string, unknown>>(name: string): Promise<T> {
  const url = new URL(`../../data/results/${name}`, import.meta.url);
  try {
    return JSON.parse(await Deno.readTextFile(url)) as T;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`Cannot read data/results/${name}: it does not exist yet (see the README's "Results")`);
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// What notebook 09 shows of each experiment: its validation curves and a table of its runs.

/** The colours of a row of curves: the same run has the same colour in every chart of the row. */
/** One colour a run (the recipe experiment has five runs): the course palette without its second red. */
const RUN_COLOURS = SERIES_COLORS.filter((c) => c !== "#ff725c"); // its red is too close to the orange

/** data/results/experiments.json as notebook 09 reads it: every run over its seeds. */
export interface ExperimentsFile {
  readonly command: string;
  readonly seeds: readonly number[];
  readonly runs: Readonly<Record<string, SeededRun>>;
}

/**
 * Validation perplexity (log scale) of some runs against epochs, training tokens or seconds: each run's
 * mean over its seeds as a line, the band from its lowest to its highest seed shaded (for
 * {@linkcode SeededRun}s), and a dashed yardstick (the Kneser–Ney trigram's perplexity on the same
 * validation tokens) when given and within the axis. The axis is fitted to where the runs end. `labels` fixes each run's colour across the charts of a row.
 */
export function experimentCurves(
  runs: readonly (RunResult | SeededRun)[],
  labels: readonly string[],
  x: "epoch" | "tokens" | "seconds",
  title: string,
  yardstick: number | null,
  subtitle = sampleSubtitle(runs[0]),
): Chart {
  const points = runs.flatMap((r) => r.curve.map((p) => ({ ...p, run: r.label })));
  const band = runs.flatMap((r) =>
    "curveRange" in r ? r.curve.map((p, k) => ({ ...p, ...r.curveRange[k], run: r.label })) : []
  );
  const label = {
    epoch: "epochs (passes over the run's training text)",
    tokens: "training tokens",
    seconds: "seconds of training",
  }[x];
  // The end is what the runs are compared on: the y axis runs from just under the lowest final value
  // to 1.6 times the highest, so that the seed bands there are visible; earlier points above it are
  // cut off at the top.
  const ends = runs.flatMap((r) => {
    const k = r.curve.length - 1;
    return "curveRange" in r ? [r.curveRange[k].low, r.curveRange[k].high] : [r.curve[k].validPerplexity];
  });
  const all = points.map((p) => p.validPerplexity);
  const domain = [0.95 * Math.min(...ends), Math.min(1.6 * Math.max(...ends), 1.02 * Math.max(...all))];
  return plot({
    title,
    subtitle,
    width: 330,
    height: 230,
    marginLeft: 46,
    x: { label, grid: true, ...(x === "tokens" ? { tickFormat: "s" } : {}) },
    // Round ticks inside the axis (Plot's own log ticks leave a narrow range unlabelled).
    y: { label: "valid perplexity", type: "log", grid: true, domain, ticks: roundTicks(domain), tickFormat: String },
    color: { domain: [...labels], range: RUN_COLOURS, legend: x !== "seconds" },
    marks: [
      ...(yardstick === null || yardstick < domain[0] || yardstick > domain[1] ? [] : [
        Plot.ruleY([yardstick], { stroke: "#999", strokeDasharray: "4 4" }),
        Plot.text([yardstick], {
          y: (d: number) => d,
          text: () => "KN trigram",
          frameAnchor: "left",
          dx: 4,
          dy: -6,
          fill: "#777",
        }),
      ]),
      Plot.areaY(band, { x, y1: "low", y2: "high", fill: "run", z: "run", fillOpacity: 0.25, clip: true }),
      Plot.line(points, { x, y: "validPerplexity", stroke: "run", z: "run", clip: true }),
      Plot.dot(points, { x, y: "validPerplexity", fill: "run", r: 2, clip: true }),
    ],
  });
}

/** The validation text a run's curve is measured on, as a chart's subtitle: "measured on a 32,000-token validation sample". */
export function sampleSubtitle(run: Pick<RunSpec, "curveValidTokens">): string {
  return `measured on a ${
    run.curveValidTokens.toLocaleString("en-US")
  }-token validation sample (dashed: the KN trigram on it)`;
}

/**
 * Round numbers inside [lo, hi] for a log axis whose range is too narrow for Plot's own ticks: equal
 * steps of 1, 2, 2.5 or 5 times a power of ten (at most 8 ticks) when hi is under 2.5 times lo, and
 * otherwise the round numbers a log axis spreads evenly (1, 1.5, 2, 3, 5, 7 times a power of ten,
 * fewer if more than 8 fall inside).
 *
 * @example
 * ```ts
 * import { roundTicks } from "@course/lib/course/experiments.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(roundTicks([122, 215]), [140, 160, 180, 200]);
 * assert.deepEqual(roundTicks([122, 720]), [150, 200, 300, 500, 700]);
 * ```
 */
export function roundTicks([lo, hi]: readonly number[]): number[] {
  if (hi < 2.5 * lo) {
    for (const magnitude of [0.1, 1, 10, 100, 1_000]) {
      for (const step of [1, 2, 2.5, 5].map((m) => m * magnitude)) {
        const ticks: number[] = [];
        for (let k = Math.ceil(lo / step); k * step <= hi; k++) ticks.push(Number((k * step).toPrecision(12)));
        if (ticks.length <= 8) return ticks;
      }
    }
  }
  for (const mantissas of [[1, 1.5, 2, 3, 5, 7], [1, 2, 5], [1]]) {
    const ticks: number[] = [];
    for (let p = Math.floor(Math.log10(lo)); 10 ** p <= hi; p++) {
      for (const m of mantissas) if (m * 10 ** p >= lo && m * 10 ** p <= hi) ticks.push(m * 10 ** p);
    }
    if (ticks.length <= 8) return ticks;
  }
  return [lo, hi];
}

/** A relative change as a signed percentage with one decimal: "−3.2 %" (better) or "+1.0 %" (worse). */
export function signedChange(change: number): string {
  return `${change < 0 ? "−" : "+"}${Math.abs(100 * change).toFixed(1)} %`;
}

/** A run's lowest and highest seed, "127.9–129.4". */
export function seedRange(run: SeededRun): string {
  return `${run.finalRange[0].toFixed(1)}–${run.finalRange[1].toFixed(1)}`;
}

/** The run an experiment's runs are compared with: its `reference`, or the base run, or its first. */
export function referenceOf(experiment: ExperimentSpec): string {
  return experiment.reference ?? (experiment.runs.includes("base") ? "base" : experiment.runs[0]);
}

/**
 * One experiment of notebook 09 as the notebook shows it: a row of curves (full scale against epochs,
 * or tokens for the data experiment, and against seconds, each with its seed bands; the live
 * small-scale runs when at least two of them ran) and a table of its runs, each against the
 * reference ({@linkcode referenceOf}) with its seed range and {@linkcode seedVerdict}.
 *
 * @param full the full-scale results (`data/results/experiments.json`)
 * @param live the small runs the notebook trained, by run id
 * @param knTrigram the Kneser–Ney trigram's validation perplexity on the curves' and on the final tokens
 * @throws {RangeError} if `id` is not one of {@linkcode EXPERIMENTS}, or a run is missing from `full`
 */
export function experimentView(
  full: Pick<ExperimentsFile, "runs">,
  live: Readonly<Record<string, RunResult>>,
  id: string,
  knTrigram: { curve: number; final: number },
): ExperimentView {
  const spec = EXPERIMENTS.find((e) => e.id === id);
  if (!spec) {
    throw new RangeError(`Cannot show experiment "${id}": expected one of ${EXPERIMENTS.map((e) => e.id).join(", ")}`);
  }
  return viewOf(spec, full, live, knTrigram);
}

/** The experiment of {@linkcode RECIPE_RUNS}: the full run's recipe, and each choice undone, where text repeats. */
export const RECIPE_EXPERIMENT: ExperimentSpec = {
  id: "recipe",
  title: "The full run's recipe at its size, on 200,000 tokens read 4.2 times",
  runs: RECIPE_RUNS.map((r) => r.id),
  reference: "recipe",
};

/**
 * {@linkcode RECIPE_EXPERIMENT} as notebook 09 shows it: the same view as {@linkcode experimentView}, from
 * data/results/recipe_regime.json (`deno task experiments --recipe`; one seed, so no seed columns).
 *
 * @throws {RangeError} if a run of {@linkcode RECIPE_RUNS} is missing from `regime`
 */
export function recipeRegimeView(
  regime: Pick<ExperimentsFile, "runs">,
  knTrigram: { curve: number; final: number },
): ExperimentView {
  return viewOf(RECIPE_EXPERIMENT, regime, {}, knTrigram, false);
}

function viewOf(
  spec: ExperimentSpec,
  full: Pick<ExperimentsFile, "runs">,
  live: Readonly<Record<string, RunResult>>,
  knTrigram: { curve: number; final: number },
  /** false when the runs shared the machine unevenly: no chart against seconds, no speeds. */
  timed = true,
): ExperimentView {
  const id = spec.id;
  const runs = spec.runs.map((r) => {
    const run = full.runs[r];
    if (!run) throw new RangeError(`Cannot show experiment "${id}": run "${r}" is not in the results`);
    return run;
  });
  const labels = runs.map((r) => r.label);
  const reference = full.runs[referenceOf(spec)];
  const smallRuns = spec.runs.filter((r) => live[r] !== undefined).map((r) => live[r]);
  // Runs on different amounts of text are compared by tokens: their epochs differ by design.
  const x = id === "data" ? "tokens" : "epoch";
  const charts = [
    experimentCurves(runs, labels, x, `Against ${x === "tokens" ? "training tokens" : "epochs"}`, knTrigram.curve),
    ...(timed ? [experimentCurves(runs, labels, "seconds", "Against seconds of training", knTrigram.curve)] : []),
  ];
  if (smallRuns.length >= 2) {
    charts.push(experimentCurves(smallRuns, labels, x, "Small scale, live (V = 2,000, E and H ÷ 4)", null));
  }
  const seeds = reference.seeds.length;
  const rows = runs.map((r) => ({
    run: r.label,
    parameters: r.parameters.toLocaleString("en-US"),
    [seeds > 1 ? `valid perplexity (mean of ${seeds})` : "valid perplexity"]: r.finalValidPerplexity,
    ...(seeds > 1 ? { "seeds: lowest–highest": seedRange(r) } : {}),
    change: r === reference ? "reference" : signedChange(r.finalValidPerplexity / reference.finalValidPerplexity - 1),
    ...(seeds > 1 ? { "beyond the seeds?": r === reference ? "" : seedVerdict(r, reference) } : {}),
    ...(timed ? { "tokens/s": Math.round(r.tokensPerSecond).toLocaleString("en-US") } : {}),
    ...(smallRuns.length >= 2 ? { "small scale, V = 2,000": live[r.id]?.finalValidPerplexity ?? "not run" } : {}),
  }));
  return new ExperimentView(
    chartRow(charts),
    table(rows, {
      caption: `${titleOf(spec)}: validation perplexity on the whole validation split (${
        reference.finalValidTokens.toLocaleString("en-US")
      } tokens) after ${reference.budgetTokens.toLocaleString("en-US")} training tokens, ${
        seeds > 1 ? `${seeds} seeds each` : "one seed"
      }${timed ? "" : " (the runs shared the machine unevenly, so no speeds are shown)"}; Kneser–Ney trigram: ${
        knTrigram.final.toFixed(1)
      }`,
      digits: 1,
    }),
  );
}

/**
 * A run's validation perplexity on its curve's sample where `key` (training tokens, seconds, or updates, that is
 * tokens ÷ (B·T)) reaches `at`: log-linear between the two measured points around it, `undefined` outside the
 * measured range (before the first point or after the last).
 */
export function curveAt(
  run: RunResult | SeededRun,
  key: "tokens" | "seconds" | "updates",
  at: number,
): number | undefined {
  const perUpdate = run.options.batchSize! * run.options.seqLength!;
  const x = (p: CurvePoint) => key === "updates" ? p.tokens / perUpdate : p[key];
  const c = run.curve;
  const k = c.findIndex((p) => x(p) >= at - 1e-9);
  if (k < 0 || (k === 0 && x(c[0]) > at + 1e-9)) return undefined;
  if (k === 0 || x(c[k]) <= at + 1e-9) return c[k].validPerplexity;
  const [a, b] = [c[k - 1], c[k]], f = (at - x(a)) / (x(b) - x(a));
  return Math.exp((1 - f) * Math.log(a.validPerplexity) + f * Math.log(b.validPerplexity));
}

/**
 * The truncated-BPTT runs on three axes: at equal training tokens (the experiment's own axis), at equal updates
 * (a window of T tokens in each of B rows is one update, so a fixed token budget gives T = 5 seven times as many
 * updates as T = 35) and at equal seconds (the shortest run's time). Every value is the seeds' mean on the curve's
 * validation sample ({@linkcode curveAt}); "—" where a run has no measurement there.
 *
 * @throws {RangeError} if a BPTT run is missing from `full`
 */
export function bpttAxesTable(full: Pick<ExperimentsFile, "runs">): Table {
  const spec = EXPERIMENTS.find((e) => e.id === "bptt")!;
  const runs = spec.runs.map((id) => {
    const run = full.runs[id];
    if (!run) throw new RangeError(`Cannot compare the BPTT runs: run "${id}" is not in the results`);
    return run;
  });
  const updates = (r: SeededRun) => r.curve.at(-1)!.tokens / (r.options.batchSize! * r.options.seqLength!);
  const checkpoints = [...new Set(runs.map(updates))].sort((a, b) => a - b).filter((u) =>
    u < Math.max(...runs.map(updates))
  );
  const seconds = Math.min(...runs.map((r) => r.curve.at(-1)!.seconds));
  const cell = (x: number | undefined) => x === undefined ? "—" : x.toFixed(0);
  const tokens = runs[0].curve.at(-1)!.tokens;
  return table(
    runs.map((r) => ({
      run: r.label,
      "updates in the run": Math.ceil(updates(r) - 1e-9).toLocaleString("en-US"),
      "tokens/s": Math.round(r.tokensPerSecond).toLocaleString("en-US"),
      [`after ${tokens.toLocaleString("en-US")} tokens`]: cell(r.curve.at(-1)!.validPerplexity),
      ...Object.fromEntries(
        checkpoints.map((
          u,
        ) => [`after ${Math.ceil(u - 1e-9).toLocaleString("en-US")} updates`, cell(curveAt(r, "updates", u))]),
      ),
      [`after ${seconds.toFixed(0)} s`]: cell(curveAt(r, "seconds", seconds)),
    })),
    {
      caption:
        `Truncated-BPTT length T on three axes: validation perplexity on the ${
          runs[0].curveValidTokens.toLocaleString("en-US")
        }-token validation sample (mean of ${
          runs[0].seeds.length
        } seeds) at equal tokens, at equal updates and at equal ` +
        `seconds (the shortest run's time); log-linear between measured points; "—" where a run has no measurement ` +
        `there (before its first point or after its last)`,
    },
  );
}

/**
 * The small runs a notebook trained live beside their full-scale versions: each run's validation perplexity and its
 * rank among the runs at each scale (1 = best). Where the ranks differ, the small scale cannot judge the idea.
 *
 * @throws {RangeError} if a live run has no full-scale result in `full`
 */
export function smallVersusFullTable(
  full: Pick<ExperimentsFile, "runs">,
  live: Readonly<Record<string, RunResult>>,
): Table {
  const ids = Object.keys(live);
  for (const id of ids) {
    if (!full.runs[id]) throw new RangeError(`Cannot compare scales: run "${id}" has no full-scale result`);
  }
  const rank = (value: (id: string) => number) => {
    const order = [...ids].sort((a, b) => value(a) - value(b));
    return (id: string) => order.indexOf(id) + 1;
  };
  const small = (id: string) => live[id].finalValidPerplexity,
    large = (id: string) => full.runs[id].finalValidPerplexity;
  const smallRank = rank(small), largeRank = rank(large);
  return table(
    ids.map((id) => ({
      run: full.runs[id].label,
      "small scale, V = 2,000: valid perplexity": small(id),
      "rank at small scale": smallRank(id),
      "full scale, V = 10,000: valid perplexity": large(id),
      "rank at full scale": largeRank(id),
      "same rank?": smallRank(id) === largeRank(id) ? "yes" : "no",
    })),
    {
      caption: "The live small runs beside the full-scale runs they shrink: perplexities over different vocabularies " +
        "cannot be compared, their ranks can (1 = best)",
      digits: 1,
    },
  );
}

/** An experiment's title with its caveat, if any: "Two stacked LSTM layers (not tuned: …)". */
export function titleOf(spec: ExperimentSpec): string {
  return spec.caveat ? `${spec.title} (${spec.caveat})` : spec.title;
}

/** An experiment's row of curves and its table of runs; Jupyter shows the two, one under the other. */
export class ExperimentView {
  constructor(readonly charts: Chart, readonly table: Table) {}

  /** The charts, then the table, as HTML. */
  get html(): string {
    return `${this.charts.html}${this.table.html}`;
  }

  /** What Jupyter shows: the charts, then the table. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.html, "text/plain": `${this.charts}\n${this.table}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Notebook 09's full run: what data/results/full_run.json holds, and how the notebook shows it.

/** Scores of the models on one split, as `deno task fullrun` writes them. */
export interface SplitScores {
  readonly tokens: number;
  readonly unigram: number;
  readonly knTrigram: number;
  readonly lstm: { readonly perplexity: number; readonly top1: number; readonly top5: number };
  readonly lstmPlusKn: number;
  readonly lstmPlusKnPlusCache: number;
}

/** The full run's writing at one point of its training: for each prompt, the 20 words each picking rule wrote (seed 1). */
export interface SampleCheckpoint {
  readonly tokens: number;
  readonly epochs: number;
  readonly seconds: number;
  /** prompt → rule ("greedy", "top-p 0.9") → the words, space-separated, `<eos>` as is. */
  readonly samples: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** `data/results/full_run.json` (and `full_run_earlier.json`, the earlier full run's record). */
export interface FullRunFile {
  readonly command: string;
  readonly training: {
    readonly config: Record<string, unknown>;
    readonly options: Record<string, unknown>;
    readonly parameters: { readonly total: number };
    readonly seconds: number;
    readonly tokens: number;
    readonly epochs: number;
    readonly tokensPerSecond: number;
    /** The curve's validation tokens: the first N of the split (the earlier full run) … */
    readonly validationSlice?: number;
    /** … or a sample of `tokens` spread over the split in `parts` stretches ({@linkcode spreadSlice}), read every `every` training tokens. */
    readonly validationSample?: { readonly tokens: number; readonly parts: number; readonly every: number };
    readonly curve: readonly {
      readonly tokens: number;
      readonly seconds: number;
      readonly validPerplexity: number;
      readonly trainPerplexity: number;
    }[];
    readonly machine: { cpu: string; cores: number; memoryGiB: number; deno: string; engine: string };
    readonly date: string;
    /** Sample continuations recorded along training (absent from the earlier full run's record). */
    readonly samples?: readonly SampleCheckpoint[];
  };
  readonly mixtures: {
    readonly lstmPlusKn: { readonly weights: number[] };
    readonly lstmPlusKnPlusCache: { readonly weights: number[]; readonly cacheWindow: number };
  };
  /** Perplexity with dropout off on a spread training sample and on the curve's validation sample, after training. */
  readonly fit?: { readonly train: number; readonly valid: number };
  readonly scores: { readonly valid: SplitScores; readonly test: SplitScores };
}

/** `data/results/first_pass.json` (`deno task firstpass`): the full run's first passes again, scored at checkpoints. */
export interface FirstPassFile {
  readonly options: { readonly until: number; readonly every: number; readonly resetEvery?: number | null };
  readonly checkpoints: readonly {
    readonly tokens: number;
    readonly epochs: number;
    /** The mean training loss since the last checkpoint, as exp, with dropout on: what the full run's curve reports. */
    readonly trainPerplexityWithDropout: number | null;
    /** The last 50,000 training tokens the rows had read (first pass only), 32 rows each from a zero state, dropout off. */
    readonly lastTrainedWithoutDropout: number | null;
    /** The curve's slice as the curve reads it: 32 rows of 1,562 tokens, each from a zero state. */
    readonly validation: number;
    /** Its first 20,000 tokens as one row, the state carried through them. */
    readonly validationOneRow: number;
    readonly unseenWords: { readonly share: number; readonly perplexity: number };
    readonly seenWords: { readonly share: number; readonly perplexity: number };
    /** The one-row reading's perplexity by tokens read since the zero state. */
    readonly validationOneRowByPosition: readonly {
      readonly from: number;
      readonly to: number;
      readonly perplexity: number;
    }[];
    readonly independent: { readonly library: number; readonly tfjs: number; readonly relativeDifference: number };
    /** The slice row by row (`deno task firstpass --rows`). */
    readonly validationRows?: {
      readonly perplexity: number;
      readonly withoutStuck: number;
      /** Every row's perplexity, row 0 first. */
      readonly rows: readonly number[];
      readonly stuck: readonly {
        readonly row: number;
        readonly perplexity: number;
        readonly firstWord: string;
        readonly firstWordReadAsInput: number;
      }[];
    };
  }[];
}

/** Where the first pass over Brown's training split ends, in tokens with `<eos>` (835,523 ids, less one). */
const FIRST_PASS_END = 835_522;

/**
 * Notebook 09's picture of the first-pass anomaly: the curve's validation slice read as the curve read
 * it (32 rows, each from a zero state), the same without its stuck rows, its first 20,000 tokens as one
 * row, and the training perplexity with dropout, along the replay of the earlier full run's first
 * passes; that run's own curve (`earlier`: data/results/full_run_earlier.json) as rings; a rule where
 * the second pass begins. Log scale.
 */
export function firstPassChart(fp: FirstPassFile, earlier: FullRunFile): Chart {
  const points = fp.checkpoints.filter((c) => c.tokens > 0);
  const series = [
    ["as the curve reads it: 32 rows, each from a zero state", (c: typeof points[number]) => c.validation],
    ["the same 32 rows without the stuck ones", (c: typeof points[number]) => c.validationRows?.withoutStuck ?? NaN],
    ["its first 20,000 tokens as one row", (c: typeof points[number]) => c.validationOneRow],
    [
      "training, with dropout: the last 100,000 tokens",
      (c: typeof points[number]) => c.trainPerplexityWithDropout ?? NaN,
    ],
  ] as const;
  const rows = series.flatMap(([name, get]) =>
    points.map((c) => ({ series: name, millions: c.tokens / 1e6, perplexity: get(c) }))
      .filter((r) => Number.isFinite(r.perplexity))
  );
  const full = earlier.training.curve.filter((c) => c.tokens <= fp.options.until)
    .map((c) => ({ millions: c.tokens / 1e6, perplexity: c.validPerplexity }));
  return plot({
    title: "The earlier full run's first pass again: the validation slice read three ways, and training",
    subtitle:
      "Replay of the earlier full run (deno task firstpass). Black rings: that run's own validation curve. Dashed: " +
      "the second pass begins; from there no row is stuck and the blue line coincides with the yellow one",
    width: 820,
    height: 320,
    // The label under the ticks, centred: at the right end it ran into the last ticks in the Notebook UI.
    x: { label: "training tokens (millions)", grid: true, domain: [0, fp.options.until / 1e6], labelAnchor: "center" },
    marginBottom: 40,
    // From below the lowest point to above the highest, so that no line runs off the frame.
    y: {
      label: "perplexity",
      type: "log",
      grid: true,
      domain: [0.9 * Math.min(...rows.map((r) => r.perplexity)), 1.1 * Math.max(...rows.map((r) => r.perplexity))],
      ticks: [150, 200, 300, 500, 700, 1000],
      tickFormat: (v: number) => String(v),
    },
    color: { legend: true, domain: series.map(([name]) => name) },
    marks: [
      Plot.ruleX([FIRST_PASS_END / 1e6], { stroke: "#999", strokeDasharray: "4 4" }),
      Plot.line(rows, { x: "millions", y: "perplexity", stroke: "series" }),
      Plot.dot(rows, { x: "millions", y: "perplexity", fill: "series", r: 2.5 }),
      Plot.dot(full, { x: "millions", y: "perplexity", stroke: "#111", strokeWidth: 1.5, r: 6 }),
    ],
  });
}

/** The stuck rows of the validation slice at one checkpoint: where each starts, on which word, how often training had read it. */
export function stuckRowsTable(fp: FirstPassFile, tokens: number): Table {
  const point = fp.checkpoints.find((c) => c.tokens === tokens);
  if (point?.validationRows === undefined) {
    throw new RangeError(`No row scores at ${tokens} tokens in first_pass.json: run deno task firstpass --rows`);
  }
  return table(
    point.validationRows.stuck.map((r) => ({
      row: r.row,
      "starts at validation token": (r.row * 1_562).toLocaleString("en-US"),
      "first word": r.firstWord,
      "read as an input so far": `${r.firstWordReadAsInput}×`,
      "the row's perplexity": r.perplexity.toExponential(1),
    })),
    { caption: `The stuck rows after ${tokens.toLocaleString("en-US")} training tokens (32 rows of 1,562 tokens)` },
  );
}

/**
 * The evidence of notebook 09's first-pass section in one table: the same checkpoints read six ways,
 * trained as the full run was (`first_pass.json`) and with every row restarted from zero every 100
 * windows (`first_pass_resets.json`), at the checkpoints `at` (by default the two the notebook quotes).
 *
 * @throws {RangeError} if a file has no checkpoint at one of `at`
 */
export function firstPassReadingsTable(
  fp: FirstPassFile,
  resets: FirstPassFile,
  at: readonly number[] = [400_960, 800_800],
): Table {
  const shared = fp.checkpoints.filter((c) =>
    at.includes(c.tokens) && resets.checkpoints.some((r) => r.tokens === c.tokens)
  );
  if (shared.length !== at.length) {
    throw new RangeError(`Cannot compare the first passes: both files need checkpoints at ${at.join(", ")} tokens`);
  }
  type Point = FirstPassFile["checkpoints"][number];
  const readings: [string, (c: Point) => number | null | undefined][] = [
    ["the curve's validation slice: 32 rows, each from a zero state", (c) => c.validation],
    ["the same, without its stuck rows (above 5,000)", (c) => c.validationRows?.withoutStuck],
    ["its first 20,000 tokens as one row, the state carried", (c) => c.validationOneRow],
    [
      "tokens 5,000 to 20,000 of that row",
      (c) => c.validationOneRowByPosition.find((b) => b.from === 5_000)?.perplexity,
    ],
    ["the last 50,000 training tokens read, 32 rows from zero, dropout off", (c) => c.lastTrainedWithoutDropout],
    ["training itself, dropout on (since the last checkpoint)", (c) => c.trainPerplexityWithDropout],
  ];
  const n = (x: number) => x.toLocaleString("en-US");
  return table(
    readings.map(([reading, get]) => ({
      reading,
      ...Object.fromEntries(shared.flatMap((c) => {
        const r = resets.checkpoints.find((p) => p.tokens === c.tokens)!;
        return [
          [`as the full run trained, ${n(c.tokens)} tokens`, get(c) ?? "–"],
          [`rows restarted every 100 windows, ${n(c.tokens)}`, get(r) ?? "–"],
        ];
      })),
    })),
    {
      caption:
        "Perplexity of the first pass's checkpoints read six ways (deno task firstpass; the right-hand columns: --reset-every 100)",
      digits: 0,
    },
  );
}

/** `data/results/one_epoch.json`: the one-epoch model, notebook 08's LONG_RUN setting (E 64, H 128) trained one pass. */
export interface OneEpochFile {
  readonly parameters: number;
  readonly seconds: number;
  readonly tokens: number;
  readonly config: { readonly embeddingSize: number; readonly hiddenSize: number };
  readonly test: { readonly perplexity: number };
}

/**
 * Each of the full run's choices beside the experiment that speaks to it: the variant's change in
 * validation perplexity against its reference (negative is better).
 */
export function fullRunEvidence(full: Pick<ExperimentsFile, "runs">): Table {
  const choices: [string, string, string][] = [
    ["H = 512 (the experiments tried H = 256, with E = 128)", "hid256", "base"],
    ["E = H = 512, tied (tying needs E = H; the experiments tied at 128)", "tied", "base"],
    ["dropout 0.5, since an hour reads the text many times over", "sliceDrop5", "slice"],
    ["… which costs where text is read once", "drop3", "base"],
    ["Adam at 0.01 (0.02 won at H = 128; kept at 0.01 for a 4× larger H)", "lr02", "base"],
    ["Adam, not SGD", "sgd", "base"],
    ["decayed linearly to a tenth", "constant", "base"],
    ["state carried, rows restarted every 100 windows", "nocarry", "base"],
    ["forget bias 1", "forget0", "base"],
    ["clipping at 5", "noclip", "base"],
  ];
  const v = (id: string) => full.runs[id].finalValidPerplexity;
  return table(
    choices.map(([choice, variant, reference]) => ({
      choice,
      "what the experiments say": `${full.runs[variant].label}: ${
        signedChange(v(variant) / v(reference) - 1)
      } against ${full.runs[reference].label.split(":")[0]}`,
      "beyond the seeds?": seedVerdict(full.runs[variant], full.runs[reference]),
    })),
    {
      caption:
        "Each choice and the experiment that speaks to it (perplexity change of the variant against the reference, mean of 3 seeds: negative is better)",
    },
  );
}

/** Which validation tokens a full run's curve reads, in words: "The 32,000-token validation sample…" or "First 50,000 validation tokens". */
export function fullRunCurveTokens(fr: FullRunFile): string {
  const { validationSample: sample, validationSlice: slice } = fr.training;
  if (sample) {
    return `The ${
      sample.tokens.toLocaleString("en-US")
    }-token validation sample (${sample.parts} stretches over the whole split)`;
  }
  if (slice) return `First ${slice.toLocaleString("en-US")} validation tokens`;
  throw new RangeError("Cannot tell the full run's validation tokens: expected validationSample or validationSlice");
}

/**
 * The full run's curves in one chart, against epochs: validation perplexity (dropout off), training
 * perplexity between measurements (dropout on, in training order) and the Kneser–Ney trigram on the
 * same validation tokens (dashed). Log scale.
 */
export function fullRunCharts(fr: FullRunFile, knOnCurve: number): Chart {
  const perEpoch = fr.training.tokens / fr.training.epochs;
  const series = [
    ["validation (dropout off)", "validPerplexity"],
    ["training since the last measurement (dropout on)", "trainPerplexity"],
  ] as const;
  const rows = series.flatMap(([name, key]) =>
    fr.training.curve.map((p) => ({ series: name, epochs: p.tokens / perEpoch, perplexity: p[key] }))
  );
  const values = [...rows.map((r) => r.perplexity), knOnCurve];
  const domain = [0.95 * Math.min(...values), 1.05 * Math.max(...values)];
  return plot({
    title: `The full run: ${(fr.training.seconds / 60).toFixed(0)} minutes, ${fr.training.epochs.toFixed(1)} epochs`,
    subtitle: `${fullRunCurveTokens(fr)}; dashed: the Kneser–Ney trigram on the same tokens`,
    width: 820,
    height: 300,
    x: { label: "epochs (passes over the training split)", grid: true, labelAnchor: "center" },
    marginBottom: 40,
    y: {
      label: "perplexity",
      type: "log",
      grid: true,
      domain,
      ticks: roundTicks(domain),
      tickFormat: (v: number) => String(v),
    },
    color: { legend: true, domain: series.map(([name]) => name), range: ["#e8590c", "#4269d0"] },
    marks: [
      Plot.ruleY([knOnCurve], { stroke: "#999", strokeDasharray: "4 4" }),
      Plot.line(rows, { x: "epochs", y: "perplexity", stroke: "series" }),
      Plot.dot(rows, { x: "epochs", y: "perplexity", fill: "series", r: 2.5 }),
    ],
  });
}

/**
 * The test table of notebook 09: the unigram, the trigram, notebook 08's model, the full run's LSTM
 * and its two mixtures, each with its perplexity, its ratio to the trigram, its size and training time.
 *
 * @param knSeconds how long counting the trigram took here
 */
export function testScoreTable(fr: FullRunFile, oneEpoch: OneEpochFile, knSeconds: number): Table {
  const t = fr.scores.test;
  const time = (s: number) => (s < 60 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);
  const row = (model: string, perplexity: number, parameters: string, training: string) => ({
    model,
    "test perplexity": perplexity,
    "÷ KN trigram": (perplexity / t.knTrigram).toFixed(2),
    parameters,
    training,
  });
  const n = (x: number) => x.toLocaleString("en-US");
  const { embeddingSize: E, hiddenSize: H } = oneEpoch.config;
  return table([
    row("unigram", t.unigram, "10,000 counts", "counting"),
    row("Kneser–Ney trigram", t.knTrigram, "n-gram counts", time(knSeconds)),
    row(
      `the one-epoch model (notebook 08's LONG_RUN: E ${E}, H ${H})`,
      oneEpoch.test.perplexity,
      n(oneEpoch.parameters),
      time(oneEpoch.seconds),
    ),
    row(
      `the course's best model (full run, ${fr.training.epochs.toFixed(1)} epochs)`,
      t.lstm.perplexity,
      n(fr.training.parameters.total),
      time(fr.training.seconds),
    ),
    row("best model + KN trigram", t.lstmPlusKn, "both", "as above + weights fitted on validation"),
    row("best model + KN trigram + cache", t.lstmPlusKnPlusCache, "all three", "as above"),
  ], {
    caption: `Test split, V = 10,000: the trigram, the course's best model and its mixtures on the same ${
      n(t.tokens)
    } tokens; the unigram from the third token on, the one-epoch model on its own rows`,
    digits: 1,
  });
}

/**
 * A run's training and validation perplexity after each pass (log scale), the lowest validation
 * point ringed: notebook 09's picture of overfitting on a slice.
 */
export function passesChart(run: RunResult | SeededRun, title: string): Chart {
  const points = run.curve.flatMap((p) => [
    { epoch: p.epoch, perplexity: p.validPerplexity, kind: "validation" },
    { epoch: p.epoch, perplexity: p.trainPerplexity, kind: "training (since the last point)" },
  ]);
  const band = "curveRange" in run ? run.curve.map((p, k) => ({ epoch: p.epoch, ...run.curveRange[k] })) : [];
  const best = run.curve.reduce((a, b) => (b.validPerplexity < a.validPerplexity ? b : a));
  return plot({
    title,
    subtitle:
      `Perplexity after each pass over the slice, mean of the seeds (shaded: lowest to highest seed); validation ` +
      `on a ${run.curveValidTokens.toLocaleString("en-US")}-token sample; the ringed dot is its lowest`,
    width: 560,
    height: 280,
    x: { label: "epochs (passes over the slice)", grid: true },
    y: { label: "perplexity", type: "log", grid: true },
    color: { legend: true, domain: ["validation", "training (since the last point)"], range: ["#e8590c", "#97bbf5"] },
    marks: [
      Plot.areaY(band, { x: "epoch", y1: "low", y2: "high", fill: "#e8590c", fillOpacity: 0.2 }),
      Plot.line(points, { x: "epoch", y: "perplexity", stroke: "kind", z: "kind" }),
      Plot.dot([best], { x: "epoch", y: "validPerplexity", r: 6, stroke: "black" }),
    ],
  });
}

/**
 * Each experiment's best variant (lowest mean over the seeds) against its reference
 * ({@linkcode referenceOf}), with {@linkcode seedVerdict}, largest gain first: notebook 09's summary.
 */
export function bestVariants(full: Pick<ExperimentsFile, "runs">): {
  experiment: ExperimentSpec;
  reference: string;
  best: string;
  change: number;
  verdict: ReturnType<typeof seedVerdict>;
}[] {
  const v = (id: string) => full.runs[id].finalValidPerplexity;
  return EXPERIMENTS.filter((e) => e.runs.length > 1).map((experiment) => {
    const reference = referenceOf(experiment);
    const best = experiment.runs.filter((r) => r !== reference).reduce((a, b) => (v(a) <= v(b) ? a : b));
    return {
      experiment,
      reference,
      best,
      change: v(best) / v(reference) - 1,
      verdict: seedVerdict(full.runs[best], full.runs[reference]),
    };
  }).sort((a, b) => a.change - b.change);
}

/** A run's name as a variant in an experiment: the base run is "all the training text" in the data experiment. */
export function variantLabel(experiment: ExperimentSpec, run: SeededRun): string {
  return experiment.id === "data" && run.id === "base" ? "all the training text (the base run)" : run.label;
}

/** {@linkcode bestVariants} as a table, with each best variant's seed range and speed against its reference. */
export function summaryTable(full: Pick<ExperimentsFile, "runs">): Table {
  return table(
    bestVariants(full).map(({ experiment, reference, best, change, verdict }) => ({
      idea: titleOf(experiment),
      "best variant": variantLabel(experiment, full.runs[best]),
      reference: full.runs[reference].label.split(":")[0],
      "valid perplexity": full.runs[best].finalValidPerplexity,
      "its seeds": seedRange(full.runs[best]),
      "change vs reference": signedChange(change),
      "reference's seeds": seedRange(full.runs[reference]),
      "beyond the seeds?": verdict,
      "tokens/s vs reference": `${
        (full.runs[best].tokensPerSecond / full.runs[reference].tokensPerSecond).toFixed(2)
      } ×`,
    })),
    {
      caption:
        "Each experiment's best variant against its reference, largest gain first (full scale, mean of 3 seeds on the whole validation split; negative change is better; a difference is real only beyond the seeds)",
      digits: 1,
    },
  );
}
