/**
 * The model explorer's model: `data/models/brown-lstm` from the page's `COURSE_MODEL` (set by the
 * `brown-lstm.js` the site build writes), loaded into tfjs, on its WebAssembly backend when
 * `COURSE_TFJS_WASM` (tfjs's binary, from `tfjs-wasm.js`) is there and its JavaScript backend if not,
 * and into the library's plain-array LSTM; and the status line that says so.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { type WordLM, wordLMFromFiles } from "../../engine/wordlm.ts";
import { type WordLSTM, wordLSTM } from "../../engine/word_lstm.ts";
import type { Vocabulary } from "../../text/corpus.ts";
import { initTfjs } from "../../engine/tfjs.ts";
import { elementMaker } from "../_element.ts";

/** What `brown-lstm.js` sets: the model folder's config.json and vocab.json, and weights.bin in base64. */
export interface ModelData {
  readonly config: unknown;
  readonly vocab: unknown;
  readonly weights: string;
}

declare global {
  var COURSE_MODEL: ModelData | undefined;
  var COURSE_TFJS_WASM: string | undefined;
}

/** The model as the page uses it: in tfjs (`model`) and in the library's LSTM (`net`, for the traces). */
export interface Loaded {
  readonly model: WordLM;
  readonly vocabulary: Vocabulary;
  readonly net: WordLSTM;
  /** The model folder's notes (its test perplexity, …). */
  readonly notes: Record<string, unknown>;
  /** tfjs's backend: "wasm" or "cpu". */
  readonly backend: string;
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  return bytes;
}

/** tfjs on its WebAssembly backend from the inlined binary; its JavaScript backend if that fails. */
async function startTfjs(): Promise<string> {
  tf.enableProdMode();
  if (globalThis.COURSE_TFJS_WASM) {
    const url = URL.createObjectURL(
      new Blob([fromBase64(globalThis.COURSE_TFJS_WASM) as BlobPart], { type: "application/wasm" }),
    );
    // One binary (the SIMD build) for every name the backend may ask for; threads need an isolated page.
    setWasmPaths({
      "tfjs-backend-wasm.wasm": url,
      "tfjs-backend-wasm-simd.wasm": url,
      "tfjs-backend-wasm-threaded-simd.wasm": url,
    });
    try {
      // The course's own setup, as in Deno (its kernel fixes for the WASM backend), without native BLAS.
      await initTfjs({ blas: false });
      return "wasm";
    } catch {
      // fall through to the JavaScript backend
    }
  }
  await tf.setBackend("cpu");
  await tf.ready();
  return "cpu";
}

/**
 * Loads the model from `COURSE_MODEL` into tfjs and into the library's plain-array LSTM.
 *
 * @throws {Error} if `brown-lstm.js` did not load, or as `wordLMFromFiles` if its files are not a model's
 */
async function load(): Promise<Loaded> {
  const data = globalThis.COURSE_MODEL;
  if (data === undefined) {
    throw new Error("Cannot load the model: brown-lstm.js did not load (it is written by deno task build)");
  }
  const backend = await startTfjs();
  const { model, vocabulary, notes } = wordLMFromFiles(
    { config: data.config, vocab: data.vocab, weights: fromBase64(data.weights) },
    "brown-lstm",
  );
  return { model, vocabulary, net: wordLSTM(model), notes, backend };
}

/**
 * Appends a status line to `root` (`data-status` "loading", then "ready" or "error", and `data-backend`),
 * loads the model and says what it is.
 *
 * @throws {Error} as loading does, after writing its message in the status line
 */
export async function loadModelInto(root: HTMLElement): Promise<Loaded> {
  const status = elementMaker(root.ownerDocument)(
    "p",
    { "data-status": "loading" },
    "Loading the course's best model (15 MB)…",
  );
  root.append(status);
  let m: Loaded;
  try {
    m = await load();
  } catch (e) {
    status.setAttribute("data-status", "error");
    status.textContent = (e as Error).message;
    throw e;
  }
  const c = m.model.config;
  const perplexity = typeof m.notes.testPerplexity === "number" ? m.notes.testPerplexity.toFixed(1) : "?";
  status.setAttribute("data-status", "ready");
  status.textContent = `The course's best model: embedding ${c.embeddingSize}, LSTM ${c.hiddenSize}, ` +
    `${c.tied ? "tied output" : "own output layer"}, ${c.vocabularySize.toLocaleString("en-US")} words; ` +
    `test perplexity ${perplexity} on Brown. Running in this page on tfjs (${m.backend}).`;
  status.setAttribute("data-backend", m.backend);
  return m;
}
