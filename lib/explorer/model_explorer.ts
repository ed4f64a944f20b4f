/**
 * The model explorer's page script (the course website's `model-explorer.html`): the course's best
 * model, `data/models/brown-lstm`, loaded by tfjs in the page and read along a sentence the learner
 * types. Under every word: the probability the model gave it, and its five guesses for the word after
 * it (`readAlong`, the library's own, as the `nextword` CLI computes them). The words coloured by any
 * cell's tanh(c) or h, the three cells notebook 10 found offered by name (`FOUND_UNITS`); the forget,
 * input and output gates of all H units (512) over the sentence as heatmaps (`traceWords`, the library's
 * own LSTM after `fromKerasLSTM`); and a button that continues the text (`generateText`, with greedy,
 * temperature, top-k or top-p picking, seeded).
 *
 * The page's data comes from two plain scripts the site build writes beside it (so that the page also
 * works from `file://`, where a page cannot fetch files): `brown-lstm.js` sets `COURSE_MODEL` (the
 * model folder's three files, the weights in base64) and `tfjs-wasm.js` sets `COURSE_TFJS_WASM` (tfjs's
 * WebAssembly binary, in base64). Without the second, tfjs runs on its slower JavaScript backend.
 *
 * Every number on the page sits in an element with a `data-*` attribute, so that
 * `tests/explorer_test.ts` can read it back and compare it with the CLI and the library in Deno.
 * Bundled by `deno task bundle` into `model_explorer.bundle.js`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { generateText, predictNext, readAlong, type WordLM, wordLMFromFiles } from "../engine/wordlm.ts";
import { FOUND_UNITS, traceWords, type WordLSTM, wordLSTM } from "../course/inside.ts";
import type { Vocabulary } from "../text/corpus.ts";
import { continuationText } from "../text/corpus_text.ts";
import type { Sampling } from "../text/sampling.ts";
import { initTfjs } from "../engine/tfjs.ts";
import { divergingColor } from "../charts/textview.ts"; // the colours of notebook 10's coloured text

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

/** The sentence the page opens with: a quotation, so that the quotation cell has something to show. */
export const FIRST_TEXT = `He said, "The jury will find that the city was not to blame." Then he left.`;

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

/** A colour for a gate value in [0, 1]: white when shut, dark teal when open. */
function gateColor(v: number): [number, number, number] {
  const t = Math.max(0, Math.min(1, v));
  return [Math.round(255 - 240 * t), Math.round(255 - 145 * t), Math.round(255 - 125 * t)];
}

interface Loaded {
  model: WordLM;
  vocabulary: Vocabulary;
  net: WordLSTM;
  notes: Record<string, unknown>;
  backend: string;
}

/** Loads the model from `COURSE_MODEL` into tfjs and into the library's plain-array LSTM. */
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

/** Builds the explorer inside `root` once the model has loaded. */
export async function mountModelExplorer(root: HTMLElement): Promise<void> {
  const doc = root.ownerDocument;
  const el = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attrs: Record<string, string> = {},
    text = "",
  ): HTMLElementTagNameMap[K] => {
    const e = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    return e;
  };
  root.innerHTML = "";
  root.setAttribute("style", "font: 15px system-ui, sans-serif; max-width: 980px;");
  const status = el("p", { "data-status": "loading" }, "Loading the course's best model (15 MB)…");
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

  // ---- the text and the controls ----
  const text = el("textarea", {
    "data-control": "text",
    rows: "3",
    spellcheck: "false",
    style: "width: 100%; font: inherit; padding: 6px; box-sizing: border-box;",
  });
  text.value = FIRST_TEXT;
  const timing = el("p", { style: "color: #555; margin: 4px 0 2px;" });
  const legend = el(
    "p",
    { style: "color: #555; font-size: 13px; margin: 0 0 10px;" },
    "How to read it: the model first reads <eos>, the end of a sentence, as every sentence of its training text " +
      "follows one. `` and '' open and close a quotation, as the Brown corpus writes them. Under each word: p, " +
      "the probability the model gave that word before seeing it (3.1e-4 means 0.00031), then its five guesses " +
      "for the word after it. A dashed box is a word the model does not know: it reads <unk>, which stands for " +
      "every rare word, and p is the probability of <unk>.",
  );
  const unitRow = el("div", { style: "margin: 6px 0;" });
  const select = el("select", { "data-control": "unit-select" });
  for (const u of FOUND_UNITS) {
    select.append(
      el(
        "option",
        { value: String(u.unit) },
        `unit ${u.unit}: ${u.name}${u.learned ? "" : " (also in an untrained network)"}`,
      ),
    );
  }
  select.append(el("option", { value: "other" }, "another unit…"));
  const unitInput = el("input", {
    type: "number",
    min: "0",
    max: String(c.hiddenSize - 1),
    value: String(FOUND_UNITS[0].unit),
    "data-control": "unit",
    style: "width: 4.5em; margin-left: 6px;",
  });
  const valueSelect = el("select", { "data-control": "value", style: "margin-left: 6px;" });
  valueSelect.append(el("option", { value: "tanhC" }, "tanh(c): its long-term memory, squashed to (−1, 1)"));
  valueSelect.append(el("option", { value: "h" }, "h = o ⊗ tanh(c): what it shows the rest of the network"));
  const unitNote = el("div", { style: "color: #555; font-size: 13px; margin-top: 2px;" });
  unitRow.append("Colour the words by ", select, unitInput, valueSelect, unitNote);

  const tokens = el("div", {
    "data-tokens": "",
    style: "display: flex; flex-wrap: wrap; gap: 6px 4px; margin: 10px 0;",
  });
  const unitChart = el("div", { style: "margin-top: 10px;" });
  const heat = el("div", { style: "margin-top: 14px;" });
  const cont = el("div", { style: "margin: 14px 0; padding: 8px 10px; background: #f4f6f8; border-radius: 6px;" });
  root.append(text, timing, legend, unitRow, tokens, unitChart, heat, cont);

  // ---- continue: the four picking rules of notebook 08 ----
  const rule = el("select", { "data-control": "rule" });
  for (
    const [v, label] of [["topP", "top-p"], ["topK", "top-k"], ["temperature", "temperature"], ["greedy", "greedy"]]
  ) {
    rule.append(el("option", { value: v }, label));
  }
  const num = (name: string, value: string, attrs: Record<string, string>) =>
    el("input", { type: "number", value, "data-control": name, style: "width: 4.5em;", ...attrs });
  const temperature = num("temperature", "1", { min: "0.1", max: "3", step: "0.1" });
  const k = num("k", "10", { min: "1", max: "1000", step: "1" });
  const p = num("p", "0.9", { min: "0.05", max: "1", step: "0.05" });
  const words = num("words", "15", { min: "1", max: "100", step: "1" });
  const seed = num("seed", "1", { min: "0", step: "1" });
  const button = el("button", { "data-control": "continue", style: "font: inherit; padding: 2px 12px;" }, "Continue ▸");
  const undo = el(
    "button",
    { "data-control": "undo", style: "font: inherit; padding: 2px 8px;", disabled: "" },
    "Undo",
  );
  const contNote = el("span", { "data-continued": "", style: "margin-left: 8px; color: #555;" });
  const label = (t: string, input: HTMLElement) => {
    const l = el("label", { style: "margin-right: 12px; white-space: nowrap;" }, t + " ");
    l.append(input);
    return l;
  };
  cont.append(
    button,
    " ",
    undo,
    " ",
    label("words", words),
    label("picking", rule),
    label("temperature", temperature),
    label("k", k),
    label("p", p),
    label("seed", seed),
    contNote,
  );

  // Each box kept within its limits, and rewritten when a value was out of them: what runs is what shows.
  const LIMITS: Record<string, [number, number, boolean]> = {
    words: [1, 100, true],
    temperature: [0.1, 3, false],
    k: [1, 1000, true],
    p: [0.05, 1, false],
    seed: [0, 1_000_000, true],
  };
  const value = (input: HTMLInputElement) => {
    const [lo, hi, whole] = LIMITS[input.getAttribute("data-control")!];
    let v = Number(input.value);
    if (!Number.isFinite(v) || input.value.trim() === "") v = Number(input.defaultValue);
    v = Math.max(lo, Math.min(hi, whole ? Math.round(v) : v));
    if (String(v) !== input.value) input.value = String(v);
    return v;
  };
  // Only the boxes the chosen rule reads are on: greedy reads none, temperature its τ, top-k k and τ, top-p p and τ.
  const uses: Record<string, HTMLInputElement[]> = {
    greedy: [],
    temperature: [temperature],
    topK: [k, temperature],
    topP: [p, temperature],
  };
  const enable = () => {
    for (const input of [temperature, k, p]) input.disabled = !uses[rule.value].includes(input);
  };
  rule.addEventListener("change", enable);
  enable();

  const sampling = (): Sampling => {
    const tau = value(temperature);
    switch (rule.value) {
      case "greedy":
        return { kind: "greedy" };
      case "temperature":
        return { kind: "temperature", temperature: tau };
      case "topK":
        return { kind: "topK", k: value(k), temperature: tau };
      default:
        return { kind: "topP", p: value(p), temperature: tau };
    }
  };

  // ---- reading the text ----
  let trace: ReturnType<typeof traceWords> | undefined;
  let shown: string[] = [];
  const unit = () => Math.max(0, Math.min(c.hiddenSize - 1, Math.round(Number(unitInput.value) || 0)));
  let generatedFrom = Infinity; // the first token the last Continue wrote, while the text is as it left it

  const colour = () => {
    if (trace === undefined) return;
    const u = unit(), values = valueSelect.value === "h" ? trace.h : trace.tanhC;
    const found = FOUND_UNITS.find((f) => f.unit === u);
    const which = valueSelect.value === "h" ? "h" : "tanh(c)";
    unitNote.textContent = found
      ? `Unit ${u}, ${found.name}: ${found.reads} (notebook 10). Each word coloured by the unit's ${which} after ` +
        "reading it: blue −1, white 0, red +1; hover a word for the value."
      : `Unit ${u} (units are numbered 0 to ${c.hiddenSize - 1}). Each word coloured by its ${which} after reading ` +
        "it: blue −1, white 0, red +1; hover a word for the value.";
    tokens.querySelectorAll<HTMLElement>("[data-token]").forEach((box) => {
      const t = Number(box.getAttribute("data-token"));
      const v = values[t][u];
      const word = box.querySelector<HTMLElement>("[data-word]")!;
      word.style.background = divergingColor(v);
      word.setAttribute("data-unit-value", v.toFixed(6));
      const note = word.getAttribute("data-note") ?? "";
      word.title = `unit ${u}: ${which} = ${v.toFixed(3)}${note}`;
    });
    drawUnitChart(u, which, values);
    drawHeatmaps();
  };

  /**
   * The words under a chart's columns, leaning down to the right: at x(t) for token t, from height y,
   * one label every few columns when they are closer than about 10 px (`spacing` px apart).
   */
  const wordLabels = (g: CanvasRenderingContext2D, x: (t: number) => number, y: number, spacing: number) => {
    g.fillStyle = "#333";
    g.font = "10px system-ui, sans-serif";
    for (let t = 0; t < shown.length; t += Math.max(1, Math.ceil(10 / spacing))) {
      g.save();
      g.translate(x(t), y);
      g.rotate(Math.PI / 3);
      g.fillText(shown[t].slice(0, 10), 0, 0);
      g.restore();
    }
  };

  /** The chosen unit over the text: its value and its three gates after each word, on one axis from −1 to 1. */
  const drawUnitChart = (u: number, which: string, values: readonly Float32Array[]) => {
    if (trace === undefined) return;
    unitChart.innerHTML = "";
    const T = values.length, left = 34, right = 10, top = 8, plotH = 120, labels = 56;
    const width = 880, step = (width - left - right) / Math.max(1, T - 1);
    const canvas = el("canvas", { width: String(width), height: String(top + plotH + labels), "data-unit-chart": "" });
    const g = canvas.getContext("2d")!;
    const y = (v: number) => top + (1 - (v + 1) / 2) * plotH;
    const x = (t: number) => left + t * step;
    g.strokeStyle = "#ddd";
    g.fillStyle = "#555";
    g.font = "10px system-ui, sans-serif";
    for (const v of [-1, 0, 1]) {
      g.beginPath();
      g.moveTo(left, y(v));
      g.lineTo(width - right, y(v));
      g.stroke();
      g.fillText(String(v), 8, y(v) + 3);
    }
    const lines: [string, string, readonly ArrayLike<number>[]][] = [
      [which, "#b2182b", values],
      ["forget f", "#1b9e77", trace.f],
      ["input i", "#d95f02", trace.i],
      ["output o", "#7570b3", trace.o],
    ];
    for (const [, colour, series] of lines) {
      g.strokeStyle = colour;
      g.lineWidth = colour === "#b2182b" ? 2.5 : 1.5;
      g.beginPath();
      for (let t = 0; t < T; t++) (t === 0 ? g.moveTo : g.lineTo).call(g, x(t), y(series[t][u]));
      g.stroke();
    }
    wordLabels(g, (t) => x(t) + 2, top + plotH + 6, step);
    const key = el("div", { style: "font-size: 13px; color: #333;" }, `Unit ${u} after each word: `);
    for (const [name, colour] of lines) {
      key.append(el("span", { style: `color: ${colour}; font-weight: 600; margin-right: 12px;` }, `— ${name}`));
    }
    unitChart.append(key, canvas);
  };

  const drawHeatmaps = () => {
    if (trace === undefined) return;
    heat.innerHTML = "";
    const T = trace.h.length, H = c.hiddenSize, u = unit();
    // Three side by side, one column per token (squeezed past 260 tokens), one row per unit, the chosen
    // unit marked by ticks on both sides, the words written under the columns when there is room.
    const colW = Math.max(1, Math.min(18, Math.floor(260 / T))), margin = 6, labels = 60;
    const gridW = T * colW, width = gridW + 2 * margin + 30;
    heat.append(
      el(
        "div",
        { style: "font-weight: 600; margin-bottom: 4px;" },
        `The gates of all ${H} units (rows) after each word (columns): white shut (0), dark open (1). ` +
          `The red ticks mark unit ${u}. Hover for a value.`,
      ),
    );
    const row = el("div", { style: "display: flex; gap: 10px; overflow-x: auto;" });
    for (
      const [name, gate] of [["forget gate f", trace.f], ["input gate i", trace.i], ["output gate o", trace.o]] as const
    ) {
      const box = el("div", { style: "flex: 0 0 auto;" });
      box.append(el("div", { style: "font-size: 13px;" }, name));
      const canvas = el("canvas", { width: String(width), height: String(H + labels), "data-heatmap": name[0] });
      const g = canvas.getContext("2d")!;
      const image = g.createImageData(gridW, H);
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < H; j++) {
          const [r, gg, b] = gateColor(gate[t][j]);
          for (let x = t * colW; x < (t + 1) * colW; x++) {
            const at = (j * gridW + x) * 4;
            image.data[at] = r, image.data[at + 1] = gg, image.data[at + 2] = b, image.data[at + 3] = 255;
          }
        }
      }
      g.putImageData(image, margin, 0);
      g.fillStyle = "#d62728";
      g.fillRect(0, u - 1, margin - 1, 3);
      g.fillRect(margin + gridW + 1, u - 1, margin - 1, 3);
      wordLabels(g, (t) => margin + t * colW + colW / 2 + 3, H + 4, colW);
      canvas.addEventListener("mousemove", (e) => {
        const x = e.offsetX - margin, y = e.offsetY;
        if (x < 0 || x >= gridW || y < 0 || y >= H) {
          canvas.title = "";
          return;
        }
        const t = Math.floor(x / colW);
        canvas.title = `unit ${y}, after "${shown[t]}": ${name[0]} = ${gate[t][y].toFixed(3)}`;
      });
      box.append(canvas);
      row.append(box);
    }
    heat.append(row);
  };

  const read = () => {
    const started = performance.now();
    let along: ReturnType<typeof readAlong>;
    if (text.value.trim() === "") {
      timing.textContent = "Type a sentence above: the model reads it word by word.";
      timing.setAttribute("data-error", "");
      tokens.innerHTML = "";
      trace = undefined;
      heat.innerHTML = "";
      return;
    }
    try {
      along = readAlong(m.model, m.vocabulary, text.value, { k: 5 });
    } catch (e) {
      timing.textContent = (e as Error).message;
      timing.setAttribute("data-error", "");
      tokens.innerHTML = "";
      trace = undefined;
      heat.innerHTML = "";
      return;
    }
    timing.removeAttribute("data-error");
    const ms = performance.now() - started;
    trace = traceWords(m.net, along.prompt.ids);
    shown = along.steps.map((s) => s.word);
    tokens.innerHTML = "";
    along.steps.forEach((s, t) => {
      const box = el("div", { "data-token": String(t), style: "min-width: 64px; font-size: 12px;" });
      const unknown = t > 0 && along.prompt.ids[t] === m.vocabulary.id("<unk>");
      const generated = t >= generatedFrom;
      const word = el("div", {
        "data-word": s.word,
        "data-note": (unknown ? "; not one of the model's words: read as <unk>" : "") +
          (generated ? "; written by the model" : ""),
        style: `font-size: 15px; padding: 1px 4px; border-radius: 3px; border: 1px ${
          unknown ? "dashed #999" : "solid #ddd"
        };${generated ? " font-style: italic; text-decoration: underline dotted #888;" : ""}`,
      }, s.word);
      if (generated) word.setAttribute("data-generated", "");
      const pWord = el(
        "div",
        { "data-p": s.p === null ? "" : String(s.p), style: "color: #555;", title: "P(this word | the words before)" },
        s.p === null ? "start" : `p ${s.p < 0.001 ? s.p.toExponential(1) : s.p.toFixed(3)}`,
      );
      const next = el("ol", { style: "margin: 2px 0 0; padding-left: 0; list-style: none; color: #333;" });
      for (const w of s.next) {
        next.append(el("li", { "data-next-word": w.word, "data-next-p": String(w.p) }, `${w.word} ${w.p.toFixed(2)}`));
      }
      box.append(word, pWord, next);
      tokens.append(box);
    });
    const unknown = along.prompt.unknown;
    timing.textContent = `${along.steps.length - 1} tokens read and the top 5 after each in ${ms.toFixed(1)} ms` +
      (unknown.length ? `; not in the vocabulary, read as <unk>: ${unknown.join(", ")}` : "") +
      (generatedFrom < along.steps.length ? ". Words in italics, underlined, were written by the model." : ".");
    timing.setAttribute("data-ms", ms.toFixed(2));
    colour();
  };

  let pending: ReturnType<typeof setTimeout> | undefined;
  text.addEventListener("input", () => {
    generatedFrom = Infinity; // the learner changed the text: nothing is marked as the model's any more
    undo.disabled = true;
    clearTimeout(pending);
    pending = setTimeout(read, 150);
  });
  select.addEventListener("change", () => {
    if (select.value !== "other") unitInput.value = select.value;
    unitInput.focus();
    colour();
  });
  unitInput.addEventListener("change", () => {
    if (unitInput.value !== String(unit())) unitInput.value = String(unit()); // 300 → 255, −1 → 0
  });
  unitInput.addEventListener("input", () => {
    const match = FOUND_UNITS.find((f) => f.unit === unit());
    select.value = match ? String(match.unit) : "other";
    colour();
  });
  valueSelect.addEventListener("change", colour);
  let before: string | undefined;
  button.addEventListener("click", () => {
    if (text.value.trim() === "") {
      contNote.textContent = "Type a few words first: the model continues your text.";
      return;
    }
    button.disabled = true;
    contNote.textContent = "writing…";
    // After the browser has drawn the disabled button: generating 100 words takes a moment.
    setTimeout(() => {
      try {
        const count = value(words);
        const out = generateText(m.model, m.vocabulary, text.value, {
          words: count,
          sampling: sampling(),
          seed: value(seed),
        });
        // Added as text (capitals, quotes, no space before a comma): the prompt reader reads it back
        // to the same tokens, <eos> after each sentence end (lib/text/corpus_text.ts).
        const added = continuationText(out.prompt.tokens, out.words);
        contNote.textContent = `added:${added}`;
        contNote.setAttribute("data-continued", out.words.join(" "));
        before = text.value;
        generatedFrom = out.prompt.tokens.length + 1; // after <eos> and the prompt's tokens
        text.value = `${text.value.trimEnd()}${added}`;
        undo.disabled = false;
        read();
      } catch (e) {
        contNote.textContent = (e as Error).message;
      } finally {
        button.disabled = false;
      }
    }, 0);
  });
  undo.addEventListener("click", () => {
    if (before === undefined) return;
    text.value = before;
    before = undefined;
    generatedFrom = Infinity;
    undo.disabled = true;
    contNote.textContent = "";
    contNote.setAttribute("data-continued", "");
    read();
  });
  read();
  // For the latency benchmark (tools/bench_explorer.ts): the library's calls on this page's model.
  (globalThis as unknown as { modelExplorer: unknown }).modelExplorer = {
    predictNext: (prompt: string, k = 5) => predictNext(m.model, m.vocabulary, prompt, { k }),
    readAlong: (prompt: string) => readAlong(m.model, m.vocabulary, prompt, { k: 5 }),
    backend: m.backend,
  };
}

const root = globalThis.document?.querySelector<HTMLElement>("[data-model-explorer]");
if (root) mountModelExplorer(root).catch((e) => console.error(e));
