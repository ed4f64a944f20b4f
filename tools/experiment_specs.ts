/**
 * The runs behind notebook 09's full-scale experiments, and which runs each experiment compares.
 * Every run changes one thing of BASE and trains for the same number of tokens.
 */

import type { TrainWordLMOptions, WordLMConfig } from "@course/lib/wordlm.ts";

/** One training run. */
export interface RunSpec {
  id: string;
  label: string;
  config: Omit<WordLMConfig, "vocabularySize">;
  options: TrainWordLMOptions;
  /** Train on the first this many tokens of the training split (default: all of it). */
  trainTokens?: number;
  budgetTokens: number;
  validEvery: number;
  /** Tokens of the validation split scored for the curve, and at the end. */
  curveValidTokens: number;
  finalValidTokens: number;
}

/** The base model: the lecture's architecture at a size that trains in minutes. */
export const BASE_CONFIG = { embeddingSize: 128, hiddenSize: 128 } as const;
export const BASE_OPTIONS: TrainWordLMOptions = {
  batchSize: 32,
  seqLength: 35,
  optimizer: "adam",
  learningRate: 0.002,
  clipNorm: 5,
  carryState: true,
  seed: 0,
};

const FULL = { budgetTokens: 250_000, validEvery: 50_000, curveValidTokens: 20_000, finalValidTokens: 50_000 };
/** Runs on a 100,000-token slice go round it 3 times: long enough to overfit. */
const SLICE = { ...FULL, trainTokens: 100_000, budgetTokens: 300_000 };

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

export const RUNS: RunSpec[] = [
  run("base", "base: E 128, H 128, Adam 0.002, clip 5, T 35"),
  run("data50k", "first 50,000 training tokens", {}, {}, { trainTokens: 50_000 }),
  run("data200k", "first 200,000 training tokens", {}, {}, { trainTokens: 200_000 }),
  run("slice", "100,000-token slice, no dropout", {}, {}, SLICE),
  run("sliceDrop3", "100,000-token slice, dropout 0.3", { dropout: 0.3 }, {}, SLICE),
  run("sliceDrop5", "100,000-token slice, dropout 0.5", { dropout: 0.5 }, {}, SLICE),
  run("sliceRec3", "100,000-token slice, recurrent dropout 0.3", { recurrentDropout: 0.3 }, {}, SLICE),
  run("emb32", "E 32", { embeddingSize: 32 }),
  run("emb256", "E 256", { embeddingSize: 256 }),
  run("hid64", "H 64", { hiddenSize: 64 }),
  run("hid256", "H 256", { hiddenSize: 256 }),
  run("layers2", "2 stacked LSTM layers", { layers: 2 }),
  run("forget0", "forget-gate bias 0", { forgetBias: 0 }),
  run("noclip", "no gradient clipping", {}, { clipNorm: Infinity }),
  run("lr0005", "Adam 0.0005", {}, { learningRate: 0.0005 }),
  run("lr01", "Adam 0.01", {}, { learningRate: 0.01 }),
  run("sgd", "SGD 1.0 (Zaremba et al. 2014)", {}, { optimizer: "sgd", learningRate: 1 }),
  run("bptt5", "T 5", {}, { seqLength: 5 }),
  run("bptt100", "T 100", {}, { seqLength: 100 }),
  run("nocarry", "T 35, state not carried (windows from zero)", {}, { carryState: false }),
  run("tied", "tied embeddings", { tied: true }),
  run("gru", "GRU instead of LSTM", { cell: "gru" }),
];

/** One experiment: a question and the runs that answer it. */
export interface ExperimentSpec {
  id: string;
  title: string;
  runs: string[];
}

export const EXPERIMENTS: ExperimentSpec[] = [
  { id: "data", title: "More data", runs: ["data50k", "data200k", "base"] },
  { id: "epochs", title: "More epochs and early stopping", runs: ["slice"] },
  { id: "embedding", title: "Embedding size E", runs: ["emb32", "base", "emb256"] },
  { id: "hidden", title: "Hidden size H", runs: ["hid64", "base", "hid256"] },
  { id: "layers", title: "Two stacked LSTM layers", runs: ["base", "layers2"] },
  { id: "dropout", title: "Dropout and recurrent dropout", runs: ["slice", "sliceDrop3", "sliceDrop5", "sliceRec3"] },
  { id: "forget", title: "Forget-gate bias", runs: ["forget0", "base"] },
  { id: "clip", title: "Gradient clipping", runs: ["noclip", "base"] },
  { id: "optimiser", title: "Learning rate and optimiser", runs: ["lr0005", "base", "lr01", "sgd"] },
  { id: "bptt", title: "Truncated-BPTT length T", runs: ["bptt5", "base", "bptt100", "nocarry"] },
  { id: "tied", title: "Tied input and output embeddings", runs: ["base", "tied"] },
  { id: "gru", title: "GRU in place of the LSTM", runs: ["base", "gru"] },
];
