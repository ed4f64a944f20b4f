/**
 * The word model on disk (`lib/engine/wordlm.ts` is its public entry): config.json, weights.bin
 * (little-endian, in config order, float32 or float16) and vocab.json, saved all or none and checked on
 * loading; the course's older tfjs-layers folders load too.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { checkModel } from "./checks.ts";
import { disposeWordLM, initWordLM, type WordLM, wordLMParamCounts } from "./model.ts";
import { checkModelChecksums, modelChecksums, modelFolder, writeModelFiles } from "./model_files.ts";
import { firstNonFinite, type Float16Report, toFloat16 } from "./float16.ts";
import { Vocabulary } from "../../text/corpus.ts";
import { exists } from "../../core/platform.ts";

/** Options for {@linkcode saveWordLM}. */
export interface SaveWordLMOptions {
  /**
   * How the weights are stored: "float32" (default, exact) or "float16" (half the bytes). In float16
   * a weight from 2⁻¹⁴ ≈ 6.1e-5 (float16's smallest normal value) to 65504 in size is rounded to 11
   * significant bits, a relative error of at most 2⁻¹¹ ≈ 0.05 %; a smaller one is kept to within 2⁻²⁵
   * ≈ 3.0e-8 (so one under 3.0e-8 becomes 0; they are counted in the result); a larger one is refused,
   * or clamped with `clampFloat16`. The course commits its trained model in float16
   * (data/models/brown-lstm, 6 MB instead of 12).
   */
  dtype?: "float32" | "float16";
  /** In float16, set weights beyond ±65504 to ±65504 and count them in the result instead of refusing to save (default false). */
  clampFloat16?: boolean;
  /** Extra facts kept in config.json under "notes" (where the model came from, what it scores). */
  notes?: Record<string, unknown>;
}

/** What {@linkcode saveWordLM} wrote: the dtype, weights.bin's bytes, and what float16 rounding did (all 0 in float32). */
export interface SavedWordLM extends Float16Report {
  readonly dtype: "float32" | "float16";
  readonly bytes: number;
}

/**
 * Saves the model and its vocabulary to `dir` (created if needed): config.json, weights.bin (little-endian,
 * in config order) and vocab.json. The three files are written under temporary names and renamed into
 * place only once all are written, config.json last, and config.json records the others' checksums
 * (`checksums`: FNV-1a of weights.bin's bytes and of vocab.json's words, one per line), so that a save
 * that fails leaves the folder as it was, and {@linkcode loadWordLM} refuses a folder that mixes two saves.
 *
 * @throws {RangeError} before writing anything if the vocabulary's size is not the model's V, a weight is
 *   NaN or ±Infinity, or (in float16, without `clampFloat16`) beyond ±65504; {TypeError} for a bad dtype
 */
export async function saveWordLM(
  model: WordLM,
  vocabulary: Vocabulary,
  dir: string,
  options: SaveWordLMOptions = {},
): Promise<SavedWordLM> {
  checkModel(model, "save");
  if (vocabulary?.size !== model.config.vocabularySize) {
    throw new RangeError(
      `Cannot save: the model scores ${model.config.vocabularySize} words but the vocabulary has ${vocabulary?.size}`,
    );
  }
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float16") {
    throw new TypeError(`Cannot save: dtype is ${JSON.stringify(dtype)}, expected "float32" or "float16"`);
  }
  const names = Object.keys(model.variables);
  const report = { clamped: 0, belowNormal: 0, zeroed: 0 };
  const arrays = names.map((name) => {
    const a = model.variables[name].dataSync() as Float32Array;
    const bad = firstNonFinite(a);
    if (bad >= 0) {
      throw new RangeError(
        `Cannot save: ${name}[${bad}] is ${
          a[bad]
        }; a model with NaN or ±Infinity weights scores nothing (did training diverge?)`,
      );
    }
    if (dtype === "float32") return a;
    const { half, report: r } = toFloat16(a, name, options.clampFloat16 === true);
    for (const key of ["clamped", "belowNormal", "zeroed"] as const) report[key] += r[key];
    return half;
  });
  const bytes = new Uint8Array(arrays.reduce((s, a) => s + a.byteLength, 0));
  let offset = 0;
  for (const a of arrays) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  const weights = names.map((name) => ({ name, shape: model.variables[name].shape }));
  const checksums = modelChecksums(bytes, vocabulary.words);
  const json = {
    format: "wordlm-1",
    dtype,
    config: model.config,
    weights,
    checksums,
    ...(options.notes ? { notes: options.notes } : {}),
  };
  const text = (x: string) => new TextEncoder().encode(x);
  await writeModelFiles(dir, [
    ["weights.bin", bytes],
    ["vocab.json", text(JSON.stringify({ size: vocabulary.size, words: vocabulary.words }))],
    ["config.json", text(JSON.stringify(json, null, 1) + "\n")], // last: it names the others' checksums
  ]);
  return { dtype, bytes: bytes.byteLength, ...report };
}

/**
 * Loads what {@linkcode saveWordLM} saved.
 *
 * @throws {Error} with a one-line message naming the file if a file is missing or does not fit: a size
 *   that disagrees with config.json, a checksum that is not the one config.json recorded (a folder mixing
 *   two saves), or a weight that is NaN or ±Infinity
 */
export async function loadWordLM(
  dir: string,
): Promise<{ model: WordLM; vocabulary: Vocabulary; notes: Record<string, unknown> }> {
  const folder = modelFolder(dir);
  if (!await exists(`${dir}/config.json`) && await exists(`${dir}/model.json`)) return await loadLayersFolder(dir);

  const config = await folder.json("config.json");
  const vocab = await folder.json("vocab.json");
  const weights = await folder.bytes("weights.bin");
  return wordLMFromFiles({ config, vocab, weights }, dir);
}

/**
 * A model from the three files of a model folder, already read: `config.json` and `vocab.json`
 * parsed, `weights.bin` as bytes. What {@linkcode loadWordLM} does once it has read the folder, and
 * what the model explorer does in a browser page with the same files. `dir` names the folder in errors.
 * A config.json without `checksums` (saved before they were kept) is read without that check.
 *
 * @throws {Error} naming the file and what is wrong with it, as {@linkcode loadWordLM}
 */
export function wordLMFromFiles(
  files: { config: unknown; vocab: unknown; weights: Uint8Array },
  dir = "model",
): { model: WordLM; vocabulary: Vocabulary; notes: Record<string, unknown> } {
  // deno-lint-ignore no-explicit-any
  const json = files.config as any, vocab = files.vocab as { words?: unknown } | null, bytes = files.weights;
  if (json?.format !== "wordlm-1" || !Array.isArray(json.weights)) {
    throw new Error(`Cannot load model: ${dir}/config.json is not a wordlm-1 model`);
  }
  // The config's size, checked against weights.bin before any tensor is made (a wrong config could ask for gigabytes).
  let counts;
  try {
    counts = wordLMParamCounts(json.config);
  } catch (e) {
    throw new Error(`Cannot load model: ${dir}/config.json: ${(e as Error).message}`);
  }
  // Models saved before the dtype field existed are float32.
  const dtype = json.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float16") {
    throw new Error(`Cannot load model: ${dir}/config.json has dtype ${JSON.stringify(dtype)}`);
  }
  const width = dtype === "float16" ? 2 : 4;
  if (bytes.byteLength !== width * counts.total) {
    throw new Error(
      `Cannot load model: ${dir}/weights.bin has ${bytes.byteLength} bytes, expected ${width * counts.total} ` +
        `(${counts.total.toLocaleString("en-US")} weights in ${dtype} for its config.json)`,
    );
  }
  const V = json.config.vocabularySize;
  if (!Array.isArray(vocab?.words) || vocab.words.length !== V) {
    throw new Error(`Cannot load model: ${dir}/vocab.json does not have ${V} words`);
  }
  checkModelChecksums(json.checksums, bytes, vocab.words as string[], dir);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const floats = dtype === "float16" ? Float32Array.from(new Float16Array(buffer)) : new Float32Array(buffer);
  const model = initWordLM(json.config);
  const expected = Object.keys(model.variables).map((n) => ({ name: n, shape: model.variables[n].shape }));
  if (JSON.stringify(expected) !== JSON.stringify(json.weights)) {
    disposeWordLM(model);
    throw new Error(`Cannot load model: ${dir}/config.json lists weights that do not fit its config`);
  }
  assignWeights(model, floats, `${dir}/weights.bin`);
  return { model, vocabulary: vocabularyOf(vocab.words as string[], dir, model), notes: json.notes ?? {} };
}

/** Copies `floats` into the model's variables in config order, refusing NaN or ±Infinity (naming the weight). */
function assignWeights(model: WordLM, floats: Float32Array, file: string): void {
  let offset = 0;
  for (const [name, v] of Object.entries(model.variables)) {
    const values = floats.subarray(offset, offset + v.size);
    const bad = firstNonFinite(values);
    if (bad >= 0) {
      disposeWordLM(model);
      throw new Error(`Cannot load model: ${file} holds ${values[bad]} at ${name}[${bad}]; the model was saved broken`);
    }
    const value = tf.tensor(values, v.shape);
    v.assign(value);
    value.dispose(); // assign copies it
    offset += v.size;
  }
}

function vocabularyOf(words: string[], dir: string, model: WordLM): Vocabulary {
  try {
    return new Vocabulary(words);
  } catch (e) {
    disposeWordLM(model);
    throw new Error(`Cannot load model: ${dir}/vocab.json: ${(e as Error).message}`);
  }
}

/**
 * Reads a folder in the course's older format (tfjs layers: model.json, weights.bin, vocab.json, written
 * by `deno task nextword train` before the two word models became one): Embedding [V, E], LSTM kernel
 * [E, 4H], recurrent kernel [H, 4H] and bias [4H] (Keras gate order i, f, c̃, o, the same as here),
 * Dense kernel [H, V] and bias [V] become an untied one-layer WordLM with the same function.
 */
async function loadLayersFolder(
  dir: string,
): Promise<{ model: WordLM; vocabulary: Vocabulary; notes: Record<string, unknown> }> {
  const folder = modelFolder(dir);
  const json = await folder.json("model.json");
  const vocab = await folder.json("vocab.json");
  const bytes = await folder.bytes("weights.bin");
  const specs: { name: string; shape: number[] }[] | undefined = json?.weightsManifest?.[0]?.weights;
  const shapes = specs?.map((w) => w.shape);
  const fits = Array.isArray(shapes) && shapes.length === 6 && shapes.every((sh) => Array.isArray(sh));
  if (!fits) throw new Error(`Cannot load model: ${dir}/model.json is not an Embedding → LSTM → Dense model`);
  const [[V, E], [X, G], [H]] = shapes as number[][];
  const expected = [[V, E], [E, 4 * H], [H, 4 * H], [4 * H], [H, V], [V]];
  if (X !== E || G !== 4 * H || JSON.stringify(shapes) !== JSON.stringify(expected)) {
    throw new Error(`Cannot load model: ${dir}/model.json has weights of shapes ${JSON.stringify(shapes)}`);
  }
  const total = expected.reduce((n, sh) => n + sh.reduce((a, b) => a * b, 1), 0);
  if (bytes.byteLength !== 4 * total) {
    throw new Error(`Cannot load model: ${dir}/weights.bin has ${bytes.byteLength} bytes, expected ${4 * total}`);
  }
  if (!Array.isArray(vocab?.words) || vocab.words.length !== V) {
    throw new Error(`Cannot load model: ${dir}/vocab.json does not have ${V} words`);
  }
  // The same weights in the same order as an untied one-layer WordLM's: embedding, kernel_0, recurrent_0, bias_0, outputKernel, outputBias.
  const model = initWordLM({ vocabularySize: V, embeddingSize: E, hiddenSize: H });
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  assignWeights(model, floats, `${dir}/weights.bin`);
  return {
    model,
    vocabulary: vocabularyOf(vocab.words, dir, model),
    notes: { format: "tfjs layers (older nextword)" },
  };
}
