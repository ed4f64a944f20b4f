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
 * Bundled by the site build (`tools/site/build_site.ts`, with `deno bundle`) into the site's `model-explorer.js`.
 *
 * Its parts, in `lib/explorer/model_explorer/`: `load.ts` (the model and the status line),
 * `read_along.ts` (the text and the words read), `unit_colour.ts` (the unit that colours the words),
 * `unit_chart.ts` (that unit over the text), `heatmaps.ts` (every unit's gates), `word_labels.ts` (the
 * words under the charts) and `continue.ts` (the Continue button and its picking rules).
 *
 * @module
 */

import { predictNext, readAlong } from "../engine/wordlm.ts";
import { elementMaker } from "./_element.ts";
import { continueControl, type ContinueTarget } from "./model_explorer/continue.ts";
import { drawHeatmaps } from "./model_explorer/heatmaps.ts";
import { loadModelInto } from "./model_explorer/load.ts";
import { readAlongView, type Reading, readText } from "./model_explorer/read_along.ts";
import { colourTokens, unitControls, valueName } from "./model_explorer/unit_colour.ts";
import { drawUnitChart } from "./model_explorer/unit_chart.ts";

export type { ModelData } from "./model_explorer/load.ts";
export { FIRST_TEXT } from "./model_explorer/read_along.ts";

/**
 * Builds the explorer inside `root` once the model has loaded.
 *
 * @throws {Error} (the promise rejects) if the model cannot be loaded; the page's status line says why
 */
export async function mountModelExplorer(root: HTMLElement): Promise<void> {
  const doc = root.ownerDocument;
  const el = elementMaker(doc);
  root.innerHTML = "";
  root.setAttribute("style", "font: 15px system-ui, sans-serif; max-width: 980px;");
  const m = await loadModelInto(root);

  let reading: Reading | undefined; // the text as last read, undefined when it could not be
  const view = readAlongView(doc);
  const units = unitControls(doc, m.model.config.hiddenSize, colour);
  const unitChart = el("div", { style: "margin-top: 10px;" });
  const heat = el("div", { style: "margin-top: 14px;" });
  const target: ContinueTarget = { text: view.text, generatedFrom: Infinity, read };
  const cont = continueControl(doc, m, target);
  root.append(view.text, view.timing, view.legend, units.row, view.tokens, unitChart, heat, cont.box);

  /** Colours the words, and draws the unit chart and the heatmaps, for the chosen unit. */
  function colour() {
    if (reading === undefined) return;
    const u = units.unit(), value = units.value(), which = valueName(value);
    const values = reading.trace[value];
    units.writeNote();
    colourTokens(view.tokens, values, u, which);
    drawUnitChart(unitChart, reading.words, reading.trace, u, which, values);
    drawHeatmaps(heat, reading.words, reading.trace, u);
  }

  /** Reads the text again and redraws everything under it. */
  function read() {
    reading = readText(view, m, target.generatedFrom);
    if (reading === undefined) heat.innerHTML = "";
    else colour();
  }

  let pending: ReturnType<typeof setTimeout> | undefined;
  view.text.addEventListener("input", () => {
    target.generatedFrom = Infinity; // the learner changed the text: nothing is marked as the model's any more
    cont.textEdited();
    clearTimeout(pending);
    pending = setTimeout(read, 150);
  });
  read();
  // For the latency benchmark (tools/bench/bench_explorer.ts): the library's calls on this page's model.
  (globalThis as unknown as { modelExplorer: unknown }).modelExplorer = {
    predictNext: (prompt: string, k = 5) => predictNext(m.model, m.vocabulary, prompt, { k }),
    readAlong: (prompt: string) => readAlong(m.model, m.vocabulary, prompt, { k: 5 }),
    backend: m.backend,
  };
}

const root = globalThis.document?.querySelector<HTMLElement>("[data-model-explorer]");
if (root) mountModelExplorer(root).catch((e) => console.error(e));
