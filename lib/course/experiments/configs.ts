/**
 * Notebook 09's runs: the base model, every run that changes one thing of it, the experiments that compare
 * them, the full run's configuration and the runs of its recipe where text repeats, the earlier full run, and
 * the small scale the notebook trains live.
 *
 * @module
 */

import type { TrainWordLMOptions, WordLMConfig } from "../../engine/wordlm.ts";

/** One training run. */
export interface RunSpec {
  id: string;
  label: string;
  config: Omit<WordLMConfig, "vocabularySize">;
  options: TrainWordLMOptions;
  /** Train on this many tokens of the training split, spread over it (`spreadSlice`; default: all of it). */
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
 * over every genre (`spreadSlice`: 32 stretches of 1,000, one per row), then scored on the
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

/** The run an experiment's runs are compared with: its `reference`, or the base run, or its first. */
export function referenceOf(experiment: ExperimentSpec): string {
  return experiment.reference ?? (experiment.runs.includes("base") ? "base" : experiment.runs[0]);
}

/** An experiment's title with its caveat, if any: "Two stacked LSTM layers (not tuned: …)". */
export function titleOf(spec: ExperimentSpec): string {
  return spec.caveat ? `${spec.title} (${spec.caveat})` : spec.title;
}

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

/**
 * How the full run trains: as the base run does ({@linkcode BASE_OPTIONS}), for up to 30 epochs; at most 60 minutes
 * (`--minutes`) end training before them.
 */
export const BEST_TRAINING: TrainWordLMOptions = { ...BASE_OPTIONS, epochs: 30 };

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

/** The experiment of {@linkcode RECIPE_RUNS}: the full run's recipe, and each choice undone, where text repeats. */
export const RECIPE_EXPERIMENT: ExperimentSpec = {
  id: "recipe",
  title: "The full run's recipe at its size, on 200,000 tokens read 4.2 times",
  runs: RECIPE_RUNS.map((r) => r.id),
  reference: "recipe",
};

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
