/**
 * The gate explorer's table: the six equations of one LSTM step (and the two parts of cₜ), a row each,
 * with each unit's number in a cell whose `data-value` names it (`f0`, `cTilde2`, `kept1`, …).
 *
 * @module
 */

import { EXAMPLE_UNITS } from "../../core/running_example.ts";
import { elementMaker } from "../_element.ts";
import { fmt, type GateStep } from "./state.ts";
import { GREY } from "../../charts/palette.ts";

/** The empty table, filled by {@linkcode drawEquations}. */
export function equationTable(doc: Document): HTMLTableElement {
  return elementMaker(doc)("table", { style: "border-collapse: collapse; font-variant-numeric: tabular-nums" });
}

/** Rewrites `table` for `step`: a header of units, then a row per equation, gates blue and memories by sign. */
export function drawEquations(table: HTMLTableElement, { s, kept, written }: GateStep): void {
  const el = elementMaker(table.ownerDocument);
  const rows: [string, string, Float32Array][] = [
    ["fₜ", "σ(W_f·[hₜ₋₁, xₜ] + b_f)", s.f],
    ["iₜ", "σ(W_i·[hₜ₋₁, xₜ] + b_i)", s.i],
    ["c̃ₜ", "tanh(W_c·[hₜ₋₁, xₜ] + b_c)", s.cTilde],
    ["oₜ", "σ(W_o·[hₜ₋₁, xₜ] + b_o)", s.o],
    ["kept", "fₜ ⊗ cₜ₋₁: the old memory kept", kept],
    ["written", "iₜ ⊗ c̃ₜ: the new memory written", written],
    ["cₜ", "fₜ ⊗ cₜ₋₁ + iₜ ⊗ c̃ₜ", s.c],
    ["hₜ", "oₜ ⊗ tanh(cₜ)", s.h],
  ];
  const keys = ["f", "i", "cTilde", "o", "kept", "written", "c", "h"];
  table.innerHTML = "";
  const head = el("tr");
  for (const [k, t] of ["", "equation", ...EXAMPLE_UNITS.map((_, k) => `unit ${k}`)].entries()) {
    const th = el("th", { style: `text-align: left; padding: 2px 8px; border-bottom: 1px solid ${GREY.border}` }, t);
    if (k >= 2) th.setAttribute("title", EXAMPLE_UNITS[k - 2]);
    head.append(th);
  }
  table.append(head);
  rows.forEach(([symbol, equation, values], r) => {
    const tr = el("tr");
    tr.append(
      el("td", { style: "padding: 2px 8px; font-weight: 600" }, symbol),
      el("td", { style: `padding: 2px 8px; color: ${GREY.muted}` }, equation),
    );
    values.forEach((v, k) => {
      // Gates in blue, darker when open; memory in red or blue by sign.
      const gate = r <= 3 && r !== 2;
      const a = gate ? v : Math.min(1, Math.abs(v));
      const colour = gate || v >= 0 ? `rgba(66, 105, 208, ${0.15 + 0.6 * a})` : `rgba(214, 39, 40, ${0.15 + 0.6 * a})`;
      tr.append(
        el("td", {
          "data-value": `${keys[r]}${k}`,
          style: `padding: 2px 8px; text-align: right; background: ${colour}`,
        }, fmt(v)),
      );
    });
    table.append(tr);
  });
}
