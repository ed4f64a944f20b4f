/**
 * The model explorer's unit colouring: which cell colours the words (one of notebook 10's found units,
 * `FOUND_UNITS`, or any by number) and by what (tanh(c) or h), and the words coloured by it, blue −1,
 * white 0, red +1 (notebook 10's colours, `divergingColor`), each word's value in its `data-unit-value`.
 *
 * @module
 */

import { FOUND_UNITS } from "../../course/inside.ts";
import { divergingColor } from "../../charts/textview.ts"; // the colours of notebook 10's coloured text
import { elementMaker } from "../_element.ts";
import { GREY } from "../../charts/palette.ts";

/** The controls that choose the unit and the value, and the note that says what the unit reads. */
export interface UnitControls {
  /** "Colour the words by" the unit's picker, its number, the value's picker, the note. */
  readonly row: HTMLElement;
  /** The unit chosen, its number kept within 0 to H − 1. */
  unit(): number;
  /** The value chosen: "h" or "tanhC". */
  value(): "h" | "tanhC";
  /** Says what unit `unit()` reads and how the words are coloured. */
  writeNote(): void;
}

/**
 * The unit controls for a model of H = `hiddenSize` units, opened on the first found unit's tanh(c);
 * `onChange` runs when the learner picks another unit or value.
 */
export function unitControls(doc: Document, hiddenSize: number, onChange: () => void): UnitControls {
  const el = elementMaker(doc);
  const row = el("div", { style: "margin: 6px 0;" });
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
    max: String(hiddenSize - 1),
    value: String(FOUND_UNITS[0].unit),
    "data-control": "unit",
    style: "width: 4.5em; margin-left: 6px;",
  });
  const valueSelect = el("select", { "data-control": "value", style: "margin-left: 6px;" });
  valueSelect.append(el("option", { value: "tanhC" }, "tanh(c): its long-term memory, squashed to (−1, 1)"));
  valueSelect.append(el("option", { value: "h" }, "h = o ⊗ tanh(c): what it shows the rest of the network"));
  const note = el("div", { style: `color: ${GREY.muted}; font-size: 13px; margin-top: 2px;` });
  row.append("Colour the words by ", select, unitInput, valueSelect, note);

  const unit = () => Math.max(0, Math.min(hiddenSize - 1, Math.round(Number(unitInput.value) || 0)));
  const value = () => (valueSelect.value === "h" ? "h" : "tanhC");
  select.addEventListener("change", () => {
    if (select.value !== "other") unitInput.value = select.value;
    unitInput.focus();
    onChange();
  });
  unitInput.addEventListener("change", () => {
    if (unitInput.value !== String(unit())) unitInput.value = String(unit()); // 300 → 255, −1 → 0
  });
  unitInput.addEventListener("input", () => {
    const match = FOUND_UNITS.find((f) => f.unit === unit());
    select.value = match ? String(match.unit) : "other";
    onChange();
  });
  valueSelect.addEventListener("change", onChange);
  const writeNote = () => {
    const u = unit(), which = valueName(value());
    const found = FOUND_UNITS.find((f) => f.unit === u);
    note.textContent = found
      ? `Unit ${u}, ${found.name}: ${found.reads} (notebook 10). Each word coloured by the unit's ${which} after ` +
        "reading it: blue −1, white 0, red +1; hover a word for the value."
      : `Unit ${u} (units are numbered 0 to ${hiddenSize - 1}). Each word coloured by its ${which} after reading ` +
        "it: blue −1, white 0, red +1; hover a word for the value.";
  };
  return { row, unit, value, writeNote };
}

/** How the page names a value: "h" or "tanh(c)". */
export function valueName(value: "h" | "tanhC"): string {
  return value === "h" ? "h" : "tanh(c)";
}

/**
 * Colours each `[data-token]` box's word in `tokens` by unit `u`'s `values` (`[T][H]`, named `which`)
 * after reading it, the value in its `data-unit-value` and its title.
 */
export function colourTokens(tokens: HTMLElement, values: readonly Float32Array[], u: number, which: string): void {
  tokens.querySelectorAll<HTMLElement>("[data-token]").forEach((box) => {
    const t = Number(box.getAttribute("data-token"));
    const v = values[t][u];
    const word = box.querySelector<HTMLElement>("[data-word]")!;
    word.style.background = divergingColor(v);
    word.setAttribute("data-unit-value", v.toFixed(6));
    const note = word.getAttribute("data-note") ?? "";
    word.title = `unit ${u}: ${which} = ${v.toFixed(3)}${note}`;
  });
}
