/**
 * The word model itself (`lib/engine/wordlm.ts` is its public entry): its config and defaults, parameter
 * counts, fresh weights, the output bias started at the unigram, and the recurrent state `h`, `c` of every layer.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { checkConfig, checkModel, checkWhole } from "./checks.ts";
import { checkIds } from "../../text/corpus.ts";
import { gatesOf, type WeightSpec, wordLMLayout } from "./layout.ts";
import { lstmParamCount } from "../../core/lstm_cell.ts";

/** The architecture of a {@linkcode WordLM}. */
export interface WordLMConfig {
  /** V, the number of words. */
  vocabularySize: number;
  /** E, the length of a word vector. */
  embeddingSize: number;
  /** H, the number of units of each recurrent layer. */
  hiddenSize: number;
  /** L, recurrent layers stacked (default 1). */
  layers?: number;
  /** The recurrent cell (default "lstm"). */
  cell?: "lstm" | "gru";
  /** Output layer = the embedding matrix transposed (default false); needs E = H. */
  tied?: boolean;
  /** Dropout rate on the embedding output, between layers and before the output layer (default 0). */
  dropout?: number;
  /** Dropout rate on h_{t−1} where it enters the recurrence, one mask per window (default 0). */
  recurrentDropout?: number;
  /** Initial forget-gate bias of an LSTM (default 1, Jozefowicz et al. 2015). */
  forgetBias?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/** A model: its config (defaults filled in) and its variables, by name. */
export interface WordLM {
  readonly config: Readonly<Required<WordLMConfig>>;
  /** `embedding` [V, E]; per layer l: `kernel_l` [X, gH], `recurrent_l` [H, gH], `bias_l` [gH] (g = 4 for an LSTM, 3 for a GRU); `outputKernel` [H, V] unless tied; `outputBias` [V] (`wordLMLayout`, `layout.ts`). */
  readonly variables: Readonly<Record<string, tf.Variable>>;
}

/** The recurrent state of every layer: `h[l]`, `c[l]` are `[B, H]` (`c` is empty for a GRU). */
export interface WordLMState {
  readonly h: tf.Tensor2D[];
  readonly c: tf.Tensor2D[];
}

/**
 * The config with its defaults, every field checked.
 *
 * @throws {RangeError} naming the field, if a size is not a whole number >= 1, a rate not in [0, 1),
 *   forgetBias not finite, the seed not a whole number >= 0, or a tied model's E differs from its H
 */
function fill(config: WordLMConfig): Required<WordLMConfig> {
  if (typeof config !== "object" || config === null) {
    throw new TypeError(`Cannot make word language model: expected a config object, got ${config}`);
  }
  const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)); // undefined: the default
  const full = {
    layers: 1,
    cell: "lstm" as const,
    tied: false,
    dropout: 0,
    recurrentDropout: 0,
    forgetBias: 1,
    seed: 0,
    ...given,
  } as Required<WordLMConfig>;
  checkConfig(full);
  return full;
}

/**
 * Parameter counts: embedding V·E; each recurrent layer an LSTM's `lstmParamCount(X, H)` = 4·(H·(X + H) + H)
 * (`lib/core/lstm_cell.ts`; X = E for the first layer, H above it), or for a GRU three of those four gate
 * blocks (z, r, n), 3·(H·(X + H) + H); output H·V + V, or only the V biases when tied.
 *
 * @throws {RangeError} naming the field, as {@linkcode initWordLM}
 *
 * @example
 * ```ts
 * import { wordLMParamCounts } from "@course/lib/engine/wordlm.ts";
 * import assert from "node:assert/strict";
 *
 * const lstm = wordLMParamCounts({ vocabularySize: 10, embeddingSize: 4, hiddenSize: 3 });
 * assert.deepEqual(lstm, { embedding: 40, recurrent: 96, output: 40, total: 176 }); // 96: the lecture's cell, X = 4, H = 3
 * const gru = wordLMParamCounts({ vocabularySize: 10, embeddingSize: 4, hiddenSize: 3, cell: "gru", tied: false });
 * assert.equal(gru.recurrent, 72);
 * ```
 */
export function wordLMParamCounts(config: WordLMConfig) {
  const c = fill(config);
  const H = c.hiddenSize;
  const embedding = c.vocabularySize * c.embeddingSize;
  let recurrent = 0;
  for (let l = 0; l < c.layers; l++) {
    const block = lstmParamCount(l === 0 ? c.embeddingSize : H, H) / 4; // one gate's weights and bias, H·(X + H) + H
    recurrent += gatesOf(c.cell) * block;
  }
  const output = (c.tied ? 0 : H * c.vocabularySize) + c.vocabularySize;
  return { embedding, recurrent, output, total: embedding + recurrent + output };
}

/**
 * A fresh model, its variables as `wordLMLayout` (`layout.ts`) lists them. Weights are uniform in ±1/√H
 * (PyTorch's default for recurrent layers), the embedding in ±0.1; an LSTM's forget-gate biases start at
 * `forgetBias`, all other biases at 0.
 */
export function initWordLM(config: WordLMConfig): WordLM {
  const c = fill(config);
  const k = 1 / Math.sqrt(c.hiddenSize);
  let seed = c.seed * 1000;
  const uniform = (shape: number[], limit: number) => tf.randomUniform(shape, -limit, limit, "float32", seed++);
  const initial = ({ shape, role }: WeightSpec): tf.Tensor => {
    if (role === "embedding") return uniform([...shape], 0.1);
    if (role === "weights") return uniform([...shape], k);
    if (role === "outputBias") return tf.zeros([...shape]);
    const bias = new Float32Array(shape[0]); // [gH]
    if (c.cell === "lstm") bias.fill(c.forgetBias, c.hiddenSize, 2 * c.hiddenSize); // gate order i, f, c̃, o
    return tf.tensor1d(bias);
  };
  const uniqueId = nextModelId++;
  const variables: Record<string, tf.Variable> = {};
  for (const spec of wordLMLayout(c)) { // in the layout's order: the seeds follow it
    const value = initial(spec);
    variables[spec.name] = tf.variable(value, true, `wordlm_${uniqueId}_${spec.name}`);
    value.dispose();
  }
  return { config: c, variables };
}

let nextModelId = 0;

/**
 * Starts the output layer where counting starts: its bias becomes the log of each word's frequency in
 * `ids`, add-one smoothed, ln((count + 1) / (n + V)). A fresh model's scores from h are near 0, so it then
 * predicts about as the unigram model does (perplexity near the unigram's, not near V), and training
 * spends its first steps on the context instead of on how frequent each word is ("initialise well":
 * Karpathy 2019, "A Recipe for Training Neural Networks"; notebook 08's one-minute model).
 *
 * @param ids the training text's word ids
 * @throws {RangeError} if an id is not a whole number in [0, V), or `ids` is empty
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/engine/tfjs.ts";
 * import { disposeWordLM, initWordLM, setUnigramBias } from "@course/lib/engine/wordlm.ts";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * const model = initWordLM({ vocabularySize: 4, embeddingSize: 2, hiddenSize: 2 });
 * setUnigramBias(model, Int32Array.from([0, 0, 0, 1])); // counts 3, 1, 0, 0 of n = 4
 * const b = model.variables.outputBias.dataSync();
 * assert.ok(Math.abs(b[0] - Math.log(4 / 8)) < 1e-6 && Math.abs(b[3] - Math.log(1 / 8)) < 1e-6); // float32: 1e-6
 * disposeWordLM(model);
 * ```
 */
export function setUnigramBias(model: WordLM, ids: Int32Array): void {
  checkModel(model, "set the output bias");
  const V = model.config.vocabularySize;
  if (!(ids?.length > 0)) throw new RangeError("Cannot set the output bias: ids is empty, expected the training text");
  checkIds(ids, V, "set the output bias");
  const counts = new Float64Array(V);
  for (const id of ids) counts[id]++;
  const logs = Float32Array.from(counts, (c) => Math.log((c + 1) / (ids.length + V)));
  tf.tidy(() => model.variables.outputBias.assign(tf.tensor1d(logs)));
}

/**
 * A zero state for a batch of B: `h[l]`, `c[l]` `[B, H]`.
 *
 * @throws {RangeError} if `batchSize` is not a whole number >= 1
 */
export function zeroState(model: WordLM, batchSize: number): WordLMState {
  checkModel(model, "make a zero state");
  checkWhole(batchSize, "batchSize", 1, "make a zero state");
  const { layers, hiddenSize: H, cell } = model.config;
  return {
    h: Array.from({ length: layers }, () => tf.zeros([batchSize, H]) as tf.Tensor2D),
    c: cell === "lstm" ? Array.from({ length: layers }, () => tf.zeros([batchSize, H]) as tf.Tensor2D) : [],
  };
}

/** Disposes every tensor of a state. */
export function disposeState(state: WordLMState): void {
  for (const t of [...state.h, ...state.c]) t.dispose();
}

/** Frees the model's variables. */
export function disposeWordLM(model: WordLM): void {
  for (const v of Object.values(model.variables)) v.dispose();
}

/** The state's tensors kept past the tidy they were made in. */
export function keepState(state: WordLMState): WordLMState {
  return { h: state.h.map((t) => tf.keep(t)), c: state.c.map((t) => tf.keep(t)) };
}

/** `tf.tidy` for a result holding tensors among other values (tidy keeps every tensor it finds in it). */
export function tidy<T>(f: () => T): T {
  return tf.tidy(f as unknown as () => tf.TensorContainer) as unknown as T;
}
