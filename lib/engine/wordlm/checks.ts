// The word model's checks (lib/engine/wordlm.ts is its public entry): its config, a model's weights against
// its config, a batch against the model and the state, every option of training and evaluation, and training
// that has gone wrong.
// Each throws one line, `Cannot <what>: <what was expected>, got <what came>`, before any kernel runs.

import type * as tf from "@tensorflow/tfjs";
import { checkIds } from "../../text/corpus.ts";
import { expectWhole } from "../../core/tensor.ts";
import type { WordLM, WordLMConfig, WordLMState } from "./model.ts";
import { wordLMLayout } from "./layout.ts";
import type { TrainWordLMOptions } from "./train.ts";

/** A whole number >= `min` (Infinity only where `infinite`). */
export function checkWhole(value: unknown, name: string, min: number, context: string, infinite = false): void {
  if (!(infinite && value === Infinity)) expectWhole(value, name, context, min);
}

/** A number > 0 (Infinity only where `infinite`). */
function checkPositive(value: unknown, name: string, context: string, infinite = false): void {
  const ok = typeof value === "number" && value > 0 && (infinite || value < Infinity);
  if (!ok) {
    const what = infinite ? "a number > 0" : "a finite number > 0";
    throw new RangeError(`Cannot ${context}: ${name} must be ${what}, got ${String(value)}`);
  }
}

/** Every field of a config with its defaults filled in (`fill` in model.ts). */
export function checkConfig(c: Required<WordLMConfig>): void {
  const context = "make word language model";
  for (const key of ["vocabularySize", "embeddingSize", "hiddenSize", "layers"] as const) {
    checkWhole(c[key], key, 1, context);
  }
  for (const key of ["dropout", "recurrentDropout"] as const) {
    const r = c[key];
    if (!(typeof r === "number" && r >= 0 && r < 1)) {
      throw new RangeError(`Cannot ${context}: ${key} must be in [0, 1), got ${String(r)}`);
    }
  }
  if (!(typeof c.forgetBias === "number" && Number.isFinite(c.forgetBias))) {
    throw new RangeError(`Cannot ${context}: forgetBias must be a finite number, got ${String(c.forgetBias)}`);
  }
  checkWhole(c.seed, "seed", 0, context);
  if (c.cell !== "lstm" && c.cell !== "gru") {
    throw new RangeError(`Cannot ${context}: cell must be "lstm" or "gru", got ${JSON.stringify(c.cell)}`);
  }
  if (typeof c.tied !== "boolean") throw new TypeError(`Cannot ${context}: tied must be true or false, got ${c.tied}`);
  if (c.tied && c.embeddingSize !== c.hiddenSize) {
    throw new RangeError(
      `Cannot ${context}: tied embeddings need embeddingSize = hiddenSize, got E = ${c.embeddingSize}, H = ${c.hiddenSize}`,
    );
  }
}

/** The model's variables are there, alive, and of the shapes its config says (a tied model has no outputKernel). */
export function checkModel(model: WordLM, context: string): void {
  if (typeof model?.config !== "object" || typeof model?.variables !== "object") {
    throw new TypeError(`Cannot ${context}: expected a WordLM (initWordLM, loadWordLM), got ${typeof model}`);
  }
  const shapes = Object.fromEntries(wordLMLayout(model.config).map((v) => [v.name, v.shape]));
  const { vocabularySize: V, embeddingSize: E, hiddenSize: H, tied } = model.config;
  const of = `for its config (V = ${V}, E = ${E}, H = ${H}${tied ? ", tied" : ""})`;
  for (const [name, shape] of Object.entries(shapes)) {
    const v = model.variables[name];
    if (v === undefined) {
      throw new RangeError(`Cannot ${context}: the model has no ${name}, expected [${shape.join(", ")}] ${of}`);
    }
    if (v.isDisposed) throw new TypeError(`Cannot ${context}: the model's ${name} was disposed (disposeWordLM)`);
    if (v.shape.length !== shape.length || v.shape.some((n, k) => n !== shape[k])) {
      throw new RangeError(
        `Cannot ${context}: ${name} is [${v.shape.join(", ")}], expected [${shape.join(", ")}] ${of}`,
      );
    }
  }
  for (const name of Object.keys(model.variables)) {
    if (!(name in shapes)) throw new RangeError(`Cannot ${context}: the model has a ${name} its config does not ${of}`);
  }
}

/** `x` is `[B, T]` int32 ids in [0, V) with B, T >= 1 (read back to check); returns B and T. */
export function checkInputs(x: tf.Tensor, V: number, context: string): { B: number; T: number } {
  const [B, T] = (x?.shape ?? []) as number[];
  if (x?.rank !== 2 || !(B >= 1 && T >= 1)) {
    throw new RangeError(`Cannot ${context}: x must be ids [B, T] with B, T >= 1, got [${x?.shape.join(", ")}]`);
  }
  if (x.dtype !== "int32") throw new TypeError(`Cannot ${context}: x must be int32 ids, got ${x.dtype}`);
  checkIds(x.dataSync() as Int32Array, V, context);
  return { B, T };
}

/** `y` is `[n]` int32 ids in [0, V) (read back to check). */
export function checkTargets(y: tf.Tensor, n: number, V: number, context: string, what = "y"): void {
  if (y?.rank !== 1 || y.shape[0] !== n) {
    throw new RangeError(`Cannot ${context}: ${what} must be [${n}], one target per row, got [${y?.shape.join(", ")}]`);
  }
  if (y.dtype !== "int32") throw new TypeError(`Cannot ${context}: ${what} must be int32 ids, got ${y.dtype}`);
  const ids = y.dataSync() as Int32Array;
  for (let k = 0; k < n; k++) {
    if (!(ids[k] >= 0 && ids[k] < V)) {
      throw new RangeError(`Cannot ${context}: ${what}[${k}] is ${ids[k]}, expected an id in [0, ${V})`);
    }
  }
}

/** `state` holds, for every layer, `h` (and an LSTM's `c`) `[B, H]`, alive and float32. */
export function checkState(model: WordLM, state: WordLMState, B: number, context: string): void {
  const { layers: L, hiddenSize: H, cell } = model.config;
  if (!Array.isArray(state?.h) || !Array.isArray(state?.c)) {
    throw new TypeError(`Cannot ${context}: expected a state { h, c } (zeroState), got ${typeof state}`);
  }
  const cs = cell === "lstm" ? L : 0;
  if (state.h.length !== L || state.c.length !== cs) {
    throw new RangeError(
      `Cannot ${context}: the state has ${state.h.length} h and ${state.c.length} c, expected ${L} and ${cs} for ${L} ${cell} layer(s)`,
    );
  }
  for (const [name, list] of [["h", state.h], ["c", state.c]] as const) {
    list.forEach((t, l) => {
      if (t?.isDisposed !== false) throw new TypeError(`Cannot ${context}: state.${name}[${l}] is disposed or missing`);
      if (t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== H) {
        throw new RangeError(
          `Cannot ${context}: state.${name}[${l}] is [${
            t.shape.join(", ")
          }], expected [${B}, ${H}] (the input's batch is ${B})`,
        );
      }
      if (t.dtype !== "float32") throw new TypeError(`Cannot ${context}: state.${name}[${l}] must be float32`);
    });
  }
}

/** A stream read as B rows needs B + 1 tokens: every row one input and one target at least. */
function checkStream(ids: Int32Array, B: number, context: string, name = "the stream"): void {
  if (ids.length < B + 1) {
    throw new RangeError(
      `Cannot ${context}: ${name} has ${ids.length} token(s), too few for ${B} row(s) side by side; ` +
        `need at least batchSize + 1 = ${B + 1} (or a smaller batchSize)`,
    );
  }
}

/** {@linkcode TrainWordLMOptions} with the defaults filled in, every option checked. */
export function trainOptions(model: WordLM, ids: Int32Array, options: TrainWordLMOptions) {
  const context = "train";
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Cannot train: options must be an object, got ${options}`);
  }
  const { batchSize = 32, seqLength = 35, carryState = true, optimizer = "adam", schedule = "constant" } = options;
  const { clipNorm = 5, epochs = 1, seed = 0, maxTokens = Infinity, maxSeconds = Infinity } = options;
  const learningRate = options.learningRate ?? (optimizer === "sgd" ? 1 : 0.002);
  const resetEvery = options.resetEvery ?? Infinity;
  checkIds(ids, model.config.vocabularySize, "train word language model");
  checkWhole(batchSize, "batchSize", 1, context);
  checkWhole(seqLength, "seqLength", 1, context);
  checkWhole(epochs, "epochs", 1, context);
  checkWhole(seed, "seed", 0, context);
  checkWhole(resetEvery, "resetEvery", 1, context, true);
  checkPositive(learningRate, "learningRate", context);
  checkPositive(clipNorm, "clipNorm", context, true);
  checkPositive(maxTokens, "maxTokens", context, true);
  checkPositive(maxSeconds, "maxSeconds", context, true);
  if (typeof carryState !== "boolean") throw new TypeError(`Cannot train: carryState must be true or false`);
  if (optimizer !== "adam" && optimizer !== "sgd") {
    throw new RangeError(`Cannot train: optimizer must be "adam" or "sgd", got ${JSON.stringify(optimizer)}`);
  }
  if (schedule !== "constant" && schedule !== "linear") {
    throw new RangeError(`Cannot train: schedule must be "constant" or "linear", got ${JSON.stringify(schedule)}`);
  }
  checkStream(ids, batchSize, context);
  const { validation, earlyStopping } = options;
  if (validation !== undefined) {
    if (!(typeof validation.every === "number" && validation.every > 0)) {
      throw new RangeError(`Cannot train: validation.every must be a number of tokens > 0, got ${validation.every}`);
    }
    const evaluation = { batchSize, seqLength, maxTokens: validation.maxTokens };
    evaluateOptions(model, validation.ids, evaluation, "train", "validation.");
  }
  if (earlyStopping !== undefined) {
    if (!validation) throw new RangeError("Cannot train: earlyStopping needs validation");
    checkWhole(earlyStopping.patience, "earlyStopping.patience", 1, context);
  }
  return {
    ...options,
    ...{ batchSize, seqLength, carryState, optimizer, schedule, clipNorm, epochs, seed, learningRate },
    ...{ maxTokens, maxSeconds, resetEvery },
  };
}

/**
 * The options of `evaluateWordLM` checked against the model and the stream; `maxTokens` cuts the stream.
 * `prefix` names where the options sit in errors (training's `validation.`).
 */
export function evaluateOptions(
  model: WordLM,
  ids: Int32Array,
  options: { batchSize?: number; seqLength?: number; maxTokens?: number },
  context = "evaluate",
  prefix = "",
): { batchSize: number; seqLength: number; stream: Int32Array } {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Cannot ${context}: options must be an object, got ${options}`);
  }
  const { batchSize = 32, seqLength = 35, maxTokens } = options;
  const V = model.config.vocabularySize;
  checkIds(ids, V, prefix ? `${context} (${prefix}ids)` : "evaluate word language model");
  checkWhole(batchSize, `${prefix}batchSize`, 1, context);
  checkWhole(seqLength, `${prefix}seqLength`, 1, context);
  if (maxTokens !== undefined) checkWhole(maxTokens, `${prefix}maxTokens`, 1, context);
  const stream = maxTokens === undefined ? ids : ids.subarray(0, maxTokens + 1);
  const name = prefix ? `${prefix}ids` : "the stream";
  checkStream(
    stream,
    batchSize,
    context,
    maxTokens === undefined ? name : `${name} (its first ${prefix}maxTokens + 1)`,
  );
  return { batchSize, seqLength, stream };
}
