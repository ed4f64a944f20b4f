/**
 * Looking inside a trained word-level LSTM (notebook 10): the tfjs model's weights moved into the
 * library's own LSTM, so that {@linkcode runLSTM}'s trace records every gate at every token; the
 * next-word distribution read off each hidden state; and the statistics that Karpathy, Johnson &
 * Fei-Fei (2015, "Visualizing and Understanding Recurrent Networks") used to read a trained network:
 * how often each gate is saturated, and which cells track something a reader can name.
 *
 * ```text
 * ids ─embedding rows─▶ x_t [E] ─runLSTM (every f, i, c̃, o, c, h)─▶ h_t [H] ─W h_t + b─▶ scores [V] ─softmax─▶ P(next word)
 * ```
 *
 * Everything after the import is plain typed arrays: no tfjs, so every number can be checked by hand.
 *
 * @module
 */

import { fromKerasLSTM } from "../core/interop.ts";
import type { LSTMParams } from "../core/lstm_cell.ts";
import { type LSTMTrace, runLSTM, type RunLSTMOptions } from "../core/lstm.ts";
import { describe, type Matrix, matrix, type VectorLike } from "../core/tensor.ts";
import { checkIds, type Vocabulary } from "../text/corpus.ts";
import { topWords } from "../text/sampling.ts";
import { disposeWordLM, initWordLM, type WordLM } from "../engine/wordlm.ts";
import { loadBlas, type Sgemm } from "../engine/_blas.ts";
import { forward as fusedForward } from "../engine/fused_lstm.ts";

/**
 * A one-layer word-level LSTM language model as plain arrays: what {@linkcode wordLSTM} makes from a
 * tfjs {@linkcode WordLM}.
 */
export interface WordLSTM {
  /** The cell, in the library's layout: `W_f` … `W_o` `[H, H+E]`, `b_*` `[H]`. */
  readonly params: LSTMParams;
  /** Word vectors, row `id` is the input x_t for that word, `[V, E]`. */
  readonly embedding: Matrix;
  /** Output weights, row `id` scores that word, `[V, H]` (the embedding itself when tied). */
  readonly output: Matrix;
  /** Output biases, `[V]`. */
  readonly outputBias: Float32Array;
}

/**
 * The folder of the course's trained model, data/models/brown-lstm (made by `deno task fullrun`, stored
 * in float16), as a path that works from any working directory: a notebook's kernel runs in
 * `notebooks/` under nbconvert and at the repository root under `jupyter notebook`.
 */
export function courseModelDir(): string {
  // import.meta.dirname is this file's folder as a path of the system (Deno's own; no node:url, so that
  // this module also loads in the model explorer's page, where the folder is not needed).
  const here = import.meta.dirname!, sep = Deno.build.os === "windows" ? "\\" : "/";
  return `${here.slice(0, here.length - `lib${sep}course`.length)}data${sep}models${sep}brown-lstm`;
}

/** A unit of the course's best model that notebook 10's search found tracking a feature of the text. */
export interface FoundUnit {
  /** Its index in h and c, 0 to H − 1 (0 to 511 in the course's model). */
  readonly unit: number;
  /** What it tracks, as notebook 10 names it. */
  readonly name: string;
  /** How it moves: the sign and size of tanh(c)'s correlation with the feature on the test text. */
  readonly reads: string;
  /** Whether training made it: false when an untrained control network has a unit that tracks the feature as well. */
  readonly learned: boolean;
}

/**
 * The three units notebook 10 found in `data/models/brown-lstm`, by name, for the model explorer's
 * colouring. `tests/inside_test.ts` reruns the notebook's search and checks each unit, sign and verdict.
 */
export const FOUND_UNITS: readonly FoundUnit[] = [
  {
    unit: 30,
    name: "inside a quotation",
    reads: "lower from an opening `` to its closing '' (r = −0.88), even across sentence ends: the opening mark " +
      "writes −1 into the cell, the closing mark wipes it",
    learned: true,
  },
  {
    unit: 265,
    name: "sentence position",
    reads: "rises as the sentence goes on (r = 0.76 with log(1 + position)); an untrained network has one nearly as " +
      "good (0.65)",
    learned: false,
  },
  {
    unit: 467,
    name: "just read a determiner",
    reads: "jumps on a determiner such as the, a, his (r = 0.91) and is back near 0 on the next word; no untrained " +
      "network comes close (0.34)",
    learned: true,
  },
];

/**
 * Moves a trained tfjs word model into the library: its LSTM kernels (Keras layout, gates i, f, c̃, o)
 * go through {@linkcode fromKerasLSTM}, the weight interop of notebook 02, and come out as the
 * `W_f`, `W_i`, `W_c`, `W_o` of every other notebook.
 *
 * @throws {RangeError} for a GRU or a model of more than one layer (the trace is of one LSTM layer)
 */
export function wordLSTM(model: WordLM): WordLSTM {
  const context = "look inside word model";
  const c = model.config;
  if (c.cell !== "lstm" || c.layers !== 1) {
    throw new RangeError(
      `Cannot ${context}: it is a ${c.layers}-layer ${c.cell.toUpperCase()}, expected a 1-layer LSTM`,
    );
  }
  const v = model.variables;
  const V = c.vocabularySize, E = c.embeddingSize, H = c.hiddenSize;
  const params = fromKerasLSTM([v.kernel_0.arraySync(), v.recurrent_0.arraySync(), v.bias_0.arraySync()]);
  const embedding = matrix(V, E, v.embedding.dataSync() as Float32Array);
  let output = embedding;
  if (!c.tied) {
    // outputKernel is [H, V]; the library keeps one row per word, [V, H].
    const k = v.outputKernel.dataSync();
    const rows = new Float32Array(V * H);
    for (let h = 0; h < H; h++) for (let w = 0; w < V; w++) rows[w * H + h] = k[h * V + w];
    output = matrix(V, H, rows);
  }
  return { params, embedding, output, outputBias: Float32Array.from(v.outputBias.dataSync()) };
}

/**
 * Runs the LSTM over word ids and keeps everything: `trace.f[t]` is the forget gate after reading
 * `ids[t]`, `[H]`, and so on for i, c̃, o, c, tanh(c), h.
 *
 * Where a BLAS library is loaded (`lib/engine/_blas.ts`), the products go through it: one product for every
 * input projection, then the fused layer's forward pass (`lib/engine/fused_lstm.ts`), which computes the same
 * equations; the gates and states agree with {@linkcode runLSTM}'s to float32 rounding
 * (`tests/inside_test.ts` checks 1e-5). Without BLAS it is `runLSTM` itself.
 *
 * @param ids word ids, `[T]`
 * @param options the initial states (zeros by default)
 * @throws {RangeError} if an id is not a whole number in [0, V), or a state does not have length H
 */
export function traceWords(net: WordLSTM, ids: ArrayLike<number>, options: RunLSTMOptions = {}): LSTMTrace {
  const V = net.embedding.rows, E = net.embedding.cols;
  const idArray = Int32Array.from(ids);
  checkIds(idArray, V, "trace word model");
  const xs = Array.from(idArray, (id) => net.embedding.data.subarray(id * E, (id + 1) * E)); // T × [E]
  const blas = loadBlas();
  if (blas === null || xs.length === 0) return runLSTM(net.params, xs, options);
  // runLSTM over the first step only checks the states and hands them over in the parameters' type.
  const trace = runLSTM(net.params, xs.slice(0, 1), options);
  return traceWithBlas(blas.sgemm, net, xs, trace);
}

/** The Keras-layout weights of a {@linkcode WordLSTM}, made once per network: `W` `[E, 4H]`, `R` `[H, 4H]`, `b` `[4H]`. */
const kerasLayouts = new WeakMap<WordLSTM, { W: Float32Array; R: Float32Array; b: Float32Array }>();

function kerasLayout(net: WordLSTM): { W: Float32Array; R: Float32Array; b: Float32Array } {
  const known = kerasLayouts.get(net);
  if (known) return known;
  const p = net.params, H = p.hiddenSize, E = p.inputSize, N = H + E, G = 4 * H;
  const W = new Float32Array(E * G), R = new Float32Array(H * G), b = new Float32Array(G);
  // Keras's gate order i, f, c̃, o; each library matrix [H, H+E] acts on [h_{t-1}, x_t].
  [[p.Wi, p.bi], [p.Wf, p.bf], [p.Wc, p.bc], [p.Wo, p.bo]].forEach(([Wg, bg], g) => {
    const data = (Wg as Matrix).data;
    for (let r = 0; r < H; r++) {
      const col = g * H + r;
      for (let k = 0; k < H; k++) R[k * G + col] = data[r * N + k];
      for (let e = 0; e < E; e++) W[e * G + col] = data[r * N + H + e];
      b[col] = (bg as Float32Array)[r];
    }
  });
  const layout = { W, R, b };
  kerasLayouts.set(net, layout);
  return layout;
}

/** {@linkcode traceWords} with BLAS: `first` is runLSTM's trace of step 0, whose states start the window. */
function traceWithBlas(sgemm: Sgemm, net: WordLSTM, xs: Float32Array[], first: LSTMTrace): LSTMTrace {
  const T = xs.length, H = first.hiddenSize, E = first.inputSize, G = 4 * H;
  const { W, R, b } = kerasLayout(net);
  const x = new Float32Array(T * E); // [T, E]
  xs.forEach((row, t) => x.set(row, t * E));
  const xw = new Float32Array(T * G); // x·W + b, [T, 4H]
  sgemm(false, false, T, G, E, x, W, xw);
  for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) xw[t * G + g] += b[g];
  const run = fusedForward(sgemm, 1, T, H, xw, R, first.h0, first.c0);
  const rows = (buffer: Float32Array, n: number, offset = 0, stride = n) =>
    Array.from({ length: T }, (_, t) => buffer.subarray(t * stride + offset, t * stride + offset + n));
  const hx = new Float32Array(T * (H + E)); // [h_{t-1}, x_t], [T, H+E]
  for (let t = 0; t < T; t++) {
    hx.set(run.hPrevs.subarray(t * H, (t + 1) * H), t * (H + E));
    hx.set(xs[t], t * (H + E) + H);
  }
  return {
    steps: T,
    inputSize: E,
    hiddenSize: H,
    xs: rows(x, E),
    h0: first.h0,
    c0: first.c0,
    hx: rows(hx, H + E),
    i: rows(run.gates, H, 0, G),
    f: rows(run.gates, H, H, G),
    cTilde: rows(run.gates, H, 2 * H, G),
    o: rows(run.gates, H, 3 * H, G),
    c: rows(run.cs, H),
    tanhC: rows(run.tanhCs, H),
    h: rows(run.out, H), // out is [T + 1, H]: h_0 … h_{T-1}, then c_T
  };
}

/**
 * P(next word | everything read so far) from a hidden state: softmax(W h + b), `[V]`.
 *
 * @param h a hidden state h_t, `[H]`
 * @throws {RangeError} if `h` does not have length H
 */
export function nextWordProbabilities(net: WordLSTM, h: VectorLike): Float32Array {
  const { rows: V, cols: H, data: W } = net.output;
  if (h.length !== H) {
    throw new RangeError(`Cannot score next words: h has length ${h.length}, expected ${H}`);
  }
  const scores = new Float64Array(V);
  let max = -Infinity;
  for (let w = 0; w < V; w++) {
    let s = net.outputBias[w];
    const row = w * H;
    for (let k = 0; k < H; k++) s += W[row + k] * h[k];
    scores[w] = s;
    if (s > max) max = s;
  }
  // Subtracting the largest score first keeps exp() from overflowing; it cancels in the ratio.
  let sum = 0;
  for (let w = 0; w < V; w++) sum += scores[w] = Math.exp(scores[w] - max);
  return Float32Array.from(scores, (e) => e / sum);
}

/** The `k` most probable entries of a distribution (one implementation for the course: `lib/text/sampling.ts`). */
export { topWords };

/** Entropy of a distribution in bits: log₂ of how many equally likely words it is as unsure as. */
export function entropyBits(probs: ArrayLike<number>): number {
  let e = 0;
  for (let w = 0; w < probs.length; w++) if (probs[w] > 0) e -= probs[w] * Math.log2(probs[w]);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Statistics over units

/** Per unit, the fraction of steps a gate spends near each end. */
export interface Saturation {
  /** Fraction of steps with value < `low` ("left-saturated": the gate is nearly shut), `[H]`. */
  readonly left: Float64Array;
  /** Fraction of steps with value > `high` ("right-saturated": nearly wide open), `[H]`. */
  readonly right: Float64Array;
}

/**
 * How often each unit's gate is saturated, as in Karpathy et al. (2015), figure 3, which plots `left`
 * across and `right` up: a unit at the top left (`right` near 1) is a gate that is nearly always open,
 * one near the diagonal left + right = 1 is an on/off switch, one at the origin works in its middle range.
 *
 * @param values a gate over T steps, `[T][H]` (for example `trace.f`)
 * @param thresholds `low` (default 0.1) and `high` (default 0.9)
 * @throws {RangeError} if `values` is empty or ragged
 */
export function saturation(
  values: readonly ArrayLike<number>[],
  thresholds: { low?: number; high?: number } = {},
): Saturation {
  const { low = 0.1, high = 0.9 } = thresholds;
  const H = checkSteps(values, "measure saturation");
  const left = new Float64Array(H), right = new Float64Array(H);
  for (const v of values) {
    for (let k = 0; k < H; k++) {
      if (v[k] < low) left[k]++;
      else if (v[k] > high) right[k]++;
    }
  }
  for (let k = 0; k < H; k++) {
    left[k] /= values.length;
    right[k] /= values.length;
  }
  return { left, right };
}

/**
 * Pearson's correlation of each unit with a feature over the same T steps, `[H]`. For a 0/1 feature
 * it is the point-biserial correlation: how cleanly the unit separates the steps where the feature
 * holds. A unit that never changes gets 0.
 *
 * @param values a unit's values over T steps, `[T][H]` (for example `trace.tanhC`)
 * @param feature one number per step, `[T]`
 * @throws {RangeError} if the lengths differ or the feature is constant (nothing to track)
 */
export function correlations(values: readonly ArrayLike<number>[], feature: ArrayLike<number>): Float64Array {
  const context = "correlate units with a feature";
  const H = checkSteps(values, context);
  const T = values.length;
  if (feature.length !== T) {
    throw new RangeError(`Cannot ${context}: feature has length ${feature.length}, expected ${T} (one per step)`);
  }
  let mf = 0;
  for (let t = 0; t < T; t++) mf += feature[t];
  mf /= T;
  let sff = 0;
  for (let t = 0; t < T; t++) sff += (feature[t] - mf) ** 2;
  if (!(sff > 0)) throw new RangeError(`Cannot ${context}: the feature has the same value at all ${T} steps`);
  const mean = new Float64Array(H), sxx = new Float64Array(H), sxf = new Float64Array(H);
  for (const v of values) for (let k = 0; k < H; k++) mean[k] += v[k];
  for (let k = 0; k < H; k++) mean[k] /= T;
  for (let t = 0; t < T; t++) {
    const v = values[t], df = feature[t] - mf;
    for (let k = 0; k < H; k++) {
      const dx = v[k] - mean[k];
      sxx[k] += dx * dx;
      sxf[k] += dx * df;
    }
  }
  return Float64Array.from(mean, (_, k) => (sxx[k] > 0 ? sxf[k] / Math.sqrt(sxx[k] * sff) : 0));
}

/**
 * One unit's values over a stretch of steps: `values[from][unit]` … `values[to - 1][unit]`, `[to - from]`.
 *
 * @param values `[T][H]`, for example `trace.tanhC`
 * @throws {RangeError} if `unit` is not in [0, H) or the stretch is not inside [0, T]
 */
export function unitValues(
  values: readonly ArrayLike<number>[],
  unit: number,
  from = 0,
  to = values.length,
): Float32Array {
  const context = "read unit values";
  const H = checkSteps(values, context);
  if (!Number.isInteger(unit) || unit < 0 || unit >= H) {
    throw new RangeError(`Cannot ${context}: unit is ${unit}, expected a whole number in [0, ${H})`);
  }
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= values.length)) {
    throw new RangeError(`Cannot ${context}: steps [${from}, ${to}) are not inside [0, ${values.length})`);
  }
  return Float32Array.from({ length: to - from }, (_, t) => values[from + t][unit]);
}

/** The index of the largest |r|, and r there. */
export function strongest(r: ArrayLike<number>): { unit: number; r: number } {
  let unit = 0;
  for (let k = 1; k < r.length; k++) if (Math.abs(r[k]) > Math.abs(r[unit])) unit = k;
  return { unit, r: r[unit] };
}

/** What {@linkcode searchUnits} found for one feature. */
export interface UnitSearch {
  /** The unit with the largest |r| on the search text. */
  readonly unit: number;
  /** Every unit's r on the search text, `[H]`. */
  readonly rSearch: Float64Array;
  /** Every unit's r on the evidence text, `[H]`. */
  readonly rEvidence: Float64Array;
  /** For each control network, every unit's r on the evidence text, `[C][H]`. */
  readonly rControls: readonly Float64Array[];
  /** For each control network, its best unit, picked on the evidence text itself (which flatters it). */
  readonly controlBests: readonly { unit: number; r: number }[];
  /**
   * Whether the find counts as learned: |r| above 0.4 on the evidence text, and at least 1.5 times the
   * best |r| of every control. The thresholds are the course's choice, stated so that they can be argued with.
   */
  readonly learned: boolean;
}

/**
 * Searches the units for one that follows a feature, with two checks against fooling ourselves:
 * the best unit is picked on one text and judged on another (a best-of-H pick looks good on its own
 * text partly by luck), and compared with control networks that learned nothing, whose best units
 * show what a cell follows for free. Notebook 10 uses two kinds: an untrained network (a random-encoder
 * baseline, as in Zhang & Bowman 2018, "Language Modeling Teaches You More than Translation Does"),
 * and untrained LSTMs (three seeds) fed the trained word vectors, which isolates what the LSTM learned from what
 * its inputs already say (the spirit of the control tasks of Hewitt & Liang 2019).
 *
 * @param feature the feature on the search text `[T]` and on the evidence text `[T']`
 * @param values unit values (e.g. `trace.tanhC`): the trained network on the search text `[T][H]` and on
 *   the evidence text `[T'][H]`, and each control network on the evidence text `[C][T'][H]`
 */
export function searchUnits(
  feature: { search: ArrayLike<number>; evidence: ArrayLike<number> },
  values: {
    search: readonly ArrayLike<number>[];
    evidence: readonly ArrayLike<number>[];
    controls: readonly (readonly ArrayLike<number>[])[];
  },
): UnitSearch {
  const rSearch = correlations(values.search, feature.search);
  const unit = strongest(rSearch).unit;
  const rEvidence = correlations(values.evidence, feature.evidence);
  const rControls = values.controls.map((control) => correlations(control, feature.evidence));
  const controlBests = rControls.map(strongest);
  const held = Math.abs(rEvidence[unit]);
  const learned = held > 0.4 && controlBests.every((best) => held >= 1.5 * Math.abs(best.r));
  return { unit, rSearch, rEvidence, rControls, controlBests, learned };
}

/**
 * The runner-up of a search: the unit with the largest |r| on the evidence text other than the one the
 * search text picked, and its r (one cell rarely holds a feature alone).
 */
export function runnerUp(find: Pick<UnitSearch, "unit" | "rEvidence">): { unit: number; r: number } {
  return strongest(find.rEvidence.map((r, k) => (k === find.unit ? 0 : r)));
}

function checkSteps(values: readonly ArrayLike<number>[], context: string): number {
  if (!Array.isArray(values) || values.length === 0) {
    throw new RangeError(`Cannot ${context}: got ${describe(values)}, expected a non-empty list of steps [T][H]`);
  }
  const H = values[0].length;
  values.forEach((v, t) => {
    if (v.length !== H) throw new RangeError(`Cannot ${context}: step ${t} has length ${v.length}, expected ${H}`);
  });
  return H;
}

// ---------------------------------------------------------------------------------------------
// Features of a text that a reader can name, one number per token: what holds after reading it.

/** Words that open a noun phrase (articles, demonstratives, possessives, quantifiers). */
export const DETERMINERS: readonly string[] = [
  "a",
  "an",
  "the",
  "this",
  "these",
  "those",
  "my",
  "your",
  "his",
  "its",
  "our",
  "their",
  "every",
  "each",
  "no",
  "some",
  "any",
  "another",
];

/**
 * Nameable facts about each token of a text (Brown corpus tokens: quotes are `` and '', sentences end
 * with `<eos>`), each `[T]`:
 *
 * - `sentencePosition`: how many words of the current sentence have been read: 1 after its first word,
 *   and 0 after the `<eos>` that ends it (the next sentence has not begun);
 * - `insideQuotes`: 1 from an opening `` up to (not including) its closing '', else 0. Only matched pairs
 *   count: a `` followed by another `` before any '' (a quotation running over several paragraphs, which
 *   the corpus reopens at each one, or an inscription never closed) marks nothing, since where it ends
 *   is not known;
 * - `afterDeterminer`: 1 if the token just read is one of {@linkcode DETERMINERS}.
 */
export function textFeatures(tokens: readonly string[]): {
  sentencePosition: Float64Array;
  insideQuotes: Float64Array;
  afterDeterminer: Float64Array;
} {
  const T = tokens.length;
  const sentencePosition = new Float64Array(T),
    insideQuotes = new Float64Array(T),
    afterDeterminer = new Float64Array(T);
  const determiners = new Set(DETERMINERS);
  let position = 0, opened = -1; // where the open quotation began, -1 if none
  for (let t = 0; t < T; t++) {
    const w = tokens[t];
    position = w === "<eos>" ? 0 : position + 1;
    sentencePosition[t] = position;
    if (w === "``") opened = t; // a second `` drops the first: it was never closed
    if (w === "''" && opened >= 0) {
      insideQuotes.fill(1, opened, t);
      opened = -1;
    }
    afterDeterminer[t] = determiners.has(w) ? 1 : 0;
  }
  return { sentencePosition, insideQuotes, afterDeterminer };
}

/** The words of `ids` (for labels). */
export function wordsOf(vocabulary: Vocabulary, ids: ArrayLike<number>): string[] {
  return Array.from(ids, (id) => vocabulary.words[id]);
}

// ---------------------------------------------------------------------------------------------
// Control networks: what a cell follows without having learned anything.

/** The control networks of a search, with a name for each (for tables and charts). */
export interface Controls {
  readonly names: readonly string[];
  readonly nets: readonly WordLSTM[];
}

/**
 * The controls of notebook 10's search: an untrained network of the same configuration (seeded
 * random weights, word vectors included; the random-encoder baseline of Zhang & Bowman 2018), then,
 * for each seed, an untrained LSTM reading the **trained** word vectors (what the inputs alone give,
 * in the spirit of Hewitt & Liang's control tasks, 2019). Several seeds, since one seed's best-of-H
 * is a noisy number. The tfjs models made on the way are freed.
 *
 * @param trained the trained network, whose word vectors the second kind reads
 * @param seeds seeds of the untrained networks; the first also seeds the untrained network
 */
export function controlNetworks(model: WordLM, trained: WordLSTM, seeds: readonly number[] = [1, 2, 3]): Controls {
  if (seeds.length === 0) throw new RangeError("Cannot make control networks: expected at least one seed, got none");
  const untrained = seeds.map((seed) => {
    const m = initWordLM({ ...model.config, seed });
    try {
      return wordLSTM(m);
    } finally {
      disposeWordLM(m);
    }
  });
  return {
    names: ["untrained network", ...seeds.map((seed) => `untrained LSTM, trained word vectors, seed ${seed}`)],
    nets: [untrained[0], ...untrained.map((n) => ({ ...n, embedding: trained.embedding }))],
  };
}

// ---------------------------------------------------------------------------------------------
// Stretches of text to read closely.

/** A stretch of tokens, `[from, to)`. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** Where each sentence starts: 0, and the token after each `<eos>`. */
export function sentenceStarts(words: readonly string[]): number[] {
  return [0, ...words.flatMap((w, t) => (w === "<eos>" && t + 1 < words.length ? [t + 1] : []))];
}

/**
 * The passage notebook 10 reads closely: the first run of whole sentences starting at or after token
 * `after`, `minTokens` to `maxTokens` long, with at most `maxUnknown` `<unk>`, that holds a quotation
 * (`` … '') running on past the end of a sentence.
 *
 * @throws {RangeError} if no stretch of the text fits
 */
export function findPassage(
  words: readonly string[],
  options: { after?: number; minTokens?: number; maxTokens?: number; maxUnknown?: number } = {},
): Span {
  const { after = 1_000, minTokens = 45, maxTokens = 70, maxUnknown = 2 } = options;
  const starts = sentenceStarts(words).filter((s) => s >= after);
  for (let a = 0; a < starts.length; a++) {
    for (let b = a + 1; b < starts.length && starts[b] - starts[a] <= maxTokens; b++) {
      const span = words.slice(starts[a], starts[b]);
      const open = span.indexOf("``"), close = span.indexOf("''", open);
      const crossesEnd = open >= 0 && close > open && span.slice(open, close).includes("<eos>");
      const unknown = span.filter((w) => w === "<unk>").length;
      if (span.length >= minTokens && unknown <= maxUnknown && crossesEnd) return { from: starts[a], to: starts[b] };
    }
  }
  throw new RangeError(
    `Cannot find a passage: no ${minTokens} to ${maxTokens} tokens of whole sentences after token ${after} hold a quotation across a sentence end`,
  );
}

/** The shortest sentence inside `span` that opens and closes a quotation. */
export function shortestQuotedSentence(words: readonly string[], span: Span): Span {
  const starts = [...sentenceStarts(words).filter((s) => s >= span.from && s < span.to), span.to];
  const quoted = starts.slice(1).map((to, k) => ({ from: starts[k], to })).filter(({ from, to }) => {
    const sentence = words.slice(from, to);
    return sentence.includes("``") && sentence.includes("''");
  });
  if (quoted.length === 0) {
    throw new RangeError(`Cannot pick a sentence: no sentence in tokens [${span.from}, ${span.to}) holds a quotation`);
  }
  return quoted.reduce((a, b) => (b.to - b.from < a.to - a.from ? b : a));
}

/**
 * The `count` units whose gates move most over a span: the sum, over the gates, of each unit's
 * variance over the span's steps; units in `skip` are left out.
 *
 * @param gates the gates to add up, each `[T][H]` (e.g. `[trace.f, trace.i, trace.o]`)
 */
export function mostMovingUnits(
  gates: readonly (readonly ArrayLike<number>[])[],
  span: Span,
  count: number,
  skip: readonly number[] = [],
): number[] {
  const H = checkSteps(gates[0] ?? [], "rank moving units");
  const movement = Array.from({ length: H }, (_, k) => {
    let total = 0;
    for (const g of gates) {
      const v = unitValues(g, k, span.from, span.to);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      total += v.reduce((a, b) => a + (b - mean) ** 2, 0);
    }
    return { k, total };
  });
  return movement.filter((d) => !skip.includes(d.k)).sort((a, b) => b.total - a.total).slice(0, count).map((d) => d.k);
}

/** What the model expected after one token of a passage (notebook 10, section 6). */
export interface TokenPrediction {
  /** The token's position in the passage. */
  readonly t: number;
  readonly word: string;
  /** The word that really came next. */
  readonly next: string;
  /** P(the word that came next). */
  readonly pNext: number;
  /** The five most probable next words. */
  readonly top: readonly { readonly word: string; readonly p: number }[];
  /** Entropy of the distribution, bits. */
  readonly bits: number;
}

/**
 * After each token of `span`, the next-word distribution read off the traced h_t: the probability of
 * the word that really came next, the top five and the entropy. `ids` must extend one token past the span.
 *
 * @param trace the trace of `ids` from its start
 */
export function passagePredictions(
  net: WordLSTM,
  vocabulary: Vocabulary,
  trace: Pick<LSTMTrace, "h">,
  ids: ArrayLike<number>,
  span: Span,
): TokenPrediction[] {
  if (!(0 <= span.from && span.from < span.to && span.to < ids.length && span.to <= trace.h.length)) {
    throw new RangeError(
      `Cannot read predictions: tokens [${span.from}, ${span.to}) need ids up to ${span.to} (got ${ids.length}) and a trace as long`,
    );
  }
  return Array.from({ length: span.to - span.from }, (_, t) => {
    const probs = nextWordProbabilities(net, trace.h[span.from + t]);
    const nextId = ids[span.from + t + 1];
    return {
      t,
      word: vocabulary.words[ids[span.from + t]],
      next: vocabulary.words[nextId],
      pNext: probs[nextId],
      top: topWords(probs, 5).map(({ id, p }) => ({ word: vocabulary.words[id], p })),
      bits: entropyBits(probs),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Profiles of one unit over a text, for notebook 10's pictures.

/**
 * A unit's values by sentence position: for every n reached by at least `minCount` sentences, the
 * mean of the values after the n-th token, standardised (minus the mean over the text, over its
 * standard deviation) so that units of different scales can share an axis.
 *
 * @param values one value per token `[T]` (e.g. a unit's tanh(c))
 * @param sentencePosition per token, how many tokens of its sentence have been read (`textFeatures`)
 * @throws {RangeError} if the two lengths differ or the values do not vary
 */
export function positionProfile(
  values: ArrayLike<number>,
  sentencePosition: ArrayLike<number>,
  minCount = 20,
): { n: number; mean: number }[] {
  if (values.length !== sentencePosition.length || values.length === 0) {
    throw new RangeError(
      `Cannot profile by position: ${values.length} values for ${sentencePosition.length} positions, expected the same, > 0`,
    );
  }
  let mean = 0;
  for (let t = 0; t < values.length; t++) mean += values[t] / values.length;
  let variance = 0;
  for (let t = 0; t < values.length; t++) variance += (values[t] - mean) ** 2 / values.length;
  const sd = Math.sqrt(variance);
  if (!(sd > 0)) throw new RangeError("Cannot profile by position: the values do not vary");
  const sums = new Map<number, { total: number; count: number }>();
  for (let t = 0; t < values.length; t++) {
    const s = sums.get(sentencePosition[t]) ?? { total: 0, count: 0 };
    s.total += (values[t] - mean) / sd;
    s.count++;
    sums.set(sentencePosition[t], s);
  }
  return [...sums].filter(([, s]) => s.count >= minCount).map(([n, s]) => ({ n, mean: s.total / s.count }))
    .sort((a, b) => a.n - b.n);
}

/** The strongest control for a find: which control network, its best unit and that unit's r. */
export function strongestControl(find: Pick<UnitSearch, "controlBests">): { network: number; unit: number; r: number } {
  if (find.controlBests.length === 0) throw new RangeError("Cannot pick the strongest control: the search had none");
  const c = find.controlBests.reduce(
    (best, b, k) => (Math.abs(b.r) > Math.abs(find.controlBests[best].r) ? k : best),
    0,
  );
  return { network: c, unit: find.controlBests[c].unit, r: find.controlBests[c].r };
}

/**
 * One value per token split into two labelled groups by a 0/1 feature, the labels counting the
 * tokens: `inside a quotation (1,234 tokens)` and `outside (6,766)`.
 */
export function splitByFeature(
  values: ArrayLike<number>,
  flag: ArrayLike<number>,
  yes: string,
  no: string,
): { labels: [string, string]; data: { value: number; where: string }[] } {
  if (values.length !== flag.length) {
    throw new RangeError(`Cannot split by feature: ${values.length} values for ${flag.length} flags`);
  }
  let n = 0;
  for (let t = 0; t < flag.length; t++) n += flag[t] ? 1 : 0;
  const labels: [string, string] = [
    `${yes} (${n.toLocaleString("en-US")} tokens)`,
    `${no} (${(flag.length - n).toLocaleString("en-US")})`,
  ];
  return { labels, data: Array.from(values, (value, t) => ({ value, where: flag[t] ? labels[0] : labels[1] })) };
}
