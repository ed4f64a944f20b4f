/**
 * The gate explorer's controls: the word read (xₜ), a slider for each unit of hₜ₋₁ and cₜ₋₁, the four
 * biases one gate at a time, a reset button, and which unit lights the diagram. Every control carries
 * a `data-control` attribute naming it (`word-he`, `cPrev0`, `bias-bi`, `bf0`, `reset`, `lit-1`), which
 * `tests/explorer_test.ts` moves.
 *
 * @module
 */

import { EXAMPLE_UNITS, EXAMPLE_WORDS } from "../../core/running_example.ts";
import { elementMaker, type MakeElement } from "../_element.ts";
import { BIASES, fmt, type GateState } from "./state.ts";

/** What the controls share: where they are made, the state they set, and what runs after a change. */
interface Controls {
  readonly el: MakeElement;
  readonly doc: Document;
  /** The explorer root's id: each radio group's name is unique to its explorer. */
  readonly id: string;
  readonly state: GateState;
  readonly render: () => void;
  /** What the reset button runs: each control back to the running example. */
  readonly resets: (() => void)[];
}

/**
 * The controls' column, each control writing into `state` and calling `render` as it moves.
 * `opening` is the bias group shown first (the root's `data-gate`: "bf", "bi", "bc" or "bo"; b_f if
 * it names none). `id` is the root's id, which keeps each explorer's radio groups apart.
 */
export function gateControls(
  doc: Document,
  id: string,
  opening: string | undefined,
  state: GateState,
  render: () => void,
): HTMLElement {
  const el = elementMaker(doc);
  const c: Controls = { el, doc, id, state, render, resets: [] };
  const controls = el("div", { style: "flex: 0 0 300px; max-width: 100%" });
  const heading = (text: string) => el("div", { style: "font-weight: 600; margin: 8px 0 2px" }, text);
  controls.append(el("div", { style: "font-weight: 600; margin-bottom: 4px" }, "the word read, xₜ"));
  controls.append(...wordPicker(c));
  controls.append(heading("hₜ₋₁, short-term memory"));
  controls.append(...state.hPrev.map((_, k) => slider(c, "hPrev", state.hPrev, k, -1, 1)));
  controls.append(heading("cₜ₋₁, long-term memory"));
  controls.append(...state.cPrev.map((_, k) => slider(c, "cPrev", state.cPrev, k, -2, 2)));
  controls.append(heading("the biases"), ...biasPicker(c, opening));
  const reset = el(
    "button",
    { "data-control": "reset", style: "margin-top: 8px; font: inherit" },
    "Reset to the running example",
  );
  reset.addEventListener("click", () => {
    state.word = 0;
    c.resets.forEach((r) => r());
    render();
  });
  controls.append(reset, unitPicker(c));
  return controls;
}

/** A radio button for each of the running example's words, the one read checked. */
function wordPicker({ el, doc, id, state, render, resets }: Controls): HTMLElement[] {
  return EXAMPLE_WORDS.map((word, k) => {
    const label = el("label", { style: "margin-right: 10px" });
    const radio = el("input", { type: "radio", name: `word-${id}`, value: String(k), "data-control": `word-${word}` });
    radio.checked = k === state.word;
    resets.push(() => (radio.checked = k === 0));
    radio.addEventListener("change", () => {
      state.word = k;
      render();
    });
    label.append(radio, doc.createTextNode(` ${word}`));
    return label;
  });
}

/** A slider for `values[k]` from `lo` to `hi`, its value beside it, named `${name}${k}`. */
function slider({ el, render, resets }: Controls, name: string, values: number[], k: number, lo: number, hi: number) {
  const row = el("div", { style: "display: flex; align-items: center; gap: 6px; margin: 2px 0" });
  const input = el("input", {
    type: "range",
    min: String(lo),
    max: String(hi),
    step: "0.01",
    value: String(values[k]),
    "data-control": `${name}${k}`,
    style: "width: 150px",
  });
  const shown = el(
    "span",
    { style: "width: 48px; text-align: right; font-variant-numeric: tabular-nums" },
    fmt(values[k]),
  );
  input.addEventListener("input", () => {
    values[k] = Number(input.value);
    shown.textContent = fmt(values[k]);
    render();
  });
  const start = values[k];
  resets.push(() => {
    values[k] = start;
    input.value = String(start);
    shown.textContent = fmt(start);
  });
  row.append(el("span", { style: "width: 70px" }, `${name}[${k}]`), input, shown);
  return row;
}

/** The four biases, one gate's at a time: a radio button for each gate, then each gate's sliders. */
function biasPicker(c: Controls, opening: string | undefined): HTMLElement[] {
  const { el, doc, id, state } = c;
  const open = Math.max(0, BIASES.findIndex(([key]) => key === opening));
  const groups = BIASES.map(([key], g) => {
    const group = el("div", { "data-bias-group": key, style: g === open ? "" : "display: none" });
    group.append(...state[key].map((_, k) => slider(c, key, state[key], k, -8, 8)));
    return group;
  });
  const pick = el("div", { style: "margin: 2px 0" });
  BIASES.forEach(([key, label], g) => {
    const l = el("label", { style: "margin-right: 10px" });
    const radio = el("input", { type: "radio", name: `bias-${id}`, value: key, "data-control": `bias-${key}` });
    radio.checked = g === open;
    radio.addEventListener("change", () => groups.forEach((d, j) => (d.style.display = j === g ? "" : "none")));
    l.append(radio, doc.createTextNode(` ${label}`));
    pick.append(l);
  });
  return [pick, ...groups];
}

/** Which unit lights the diagram (unit 0, the hero's, by default); the reset button leaves it. */
function unitPicker({ el, doc, id, state, render }: Controls): HTMLElement {
  const unitPick = el("div", { style: "margin: 8px 0 0" }, "light the diagram for ");
  EXAMPLE_UNITS.forEach((_, k) => {
    const l = el("label", { style: "margin-right: 8px" });
    const radio = el("input", { type: "radio", name: `lit-${id}`, "data-control": `lit-${k}` });
    radio.checked = k === state.lit;
    radio.addEventListener("change", () => {
      state.lit = k;
      render();
    });
    l.append(radio, doc.createTextNode(` unit ${k}`));
    unitPick.append(l);
  });
  return unitPick;
}
