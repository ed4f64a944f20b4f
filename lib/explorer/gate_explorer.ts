/**
 * The gate explorer's page script (notebooks 04–06, the course website): the running example's cell,
 * H = 3, X = 4, computed by the library's own `lstmStep` in the browser as the learner moves the
 * sliders: the word read, hₜ₋₁, cₜ₋₁ and each gate's bias. Bundled for the browser by `deno task bundle`
 * into `gate_explorer.bundle.js`, which `gateExplorer` (in `lib/explorer/explorer.ts`) inlines into an
 * HTML output.
 *
 * Every number on the page is in an element with a `data-value` attribute naming it (`f0`, `c2`, …),
 * so that `tests/explorer_test.ts` can read them back and compare them with `lstmStep` in Deno. The
 * cell diagram under the table lights each gate's wires and layer by how open one unit's gate is
 * (unit 0 unless another is chosen), with the value beside it. A reset button returns to the running
 * example.
 *
 * Its parts, in `lib/explorer/gate_explorer/`: `state.ts` (what the learner has set, and the step
 * computed from it), `controls.ts`, `table.ts` (the equations), `diagram.ts` (the lit cell diagram)
 * and `note.ts` (what unit 0 does with the word).
 *
 * @module
 */

import { runningExample } from "../core/running_example.ts";
import { elementMaker } from "./_element.ts";
import { gateControls } from "./gate_explorer/controls.ts";
import { lightDiagram } from "./gate_explorer/diagram.ts";
import { writeNote } from "./gate_explorer/note.ts";
import { gateStep, initialState } from "./gate_explorer/state.ts";
import { drawEquations, equationTable } from "./gate_explorer/table.ts";
import { GREY } from "../charts/palette.ts";

/** Builds the explorer inside `root`: sliders, the six equations with live numbers, a lit diagram. */
export function mountGateExplorer(root: HTMLElement): void {
  const example = runningExample();
  const state = initialState(example);
  const doc = root.ownerDocument;
  const el = elementMaker(doc);
  const keep = doc.getElementById(`${root.id}-diagram`);
  root.innerHTML = "";
  // Controls beside the table on a wide page, above it on a narrow one.
  root.setAttribute(
    "style",
    "font: 14px system-ui, sans-serif; display: flex; flex-wrap: wrap; gap: 16px; max-width: 860px;",
  );
  const controls = gateControls(doc, root.id, root.dataset.gate, state, render);
  const out = el("div", { style: "flex: 1 1 400px; min-width: 0; overflow-x: auto" });
  root.append(controls, out);
  if (keep) {
    keep.setAttribute("style", "flex: 1 1 100%; max-width: 560px");
    root.append(keep);
  }
  // The cell diagram the page brought along (gateExplorer puts lstmDiagram's SVG in the root), moved under the table.
  const diagram = doc.getElementById(`${root.id}-diagram`);
  const table = equationTable(doc);
  const note = el("p", { style: `color: ${GREY.muted}; margin: 6px 0 0` });
  out.append(table, note);

  function render() {
    const step = gateStep(example, state);
    drawEquations(table, step);
    lightDiagram(diagram, step.s, state.lit);
    writeNote(note, state, step, root.dataset.gate);
  }
  render();
}

// In a page: mount every explorer the HTML holds.
if (typeof document !== "undefined") {
  for (const root of document.querySelectorAll<HTMLElement>("[data-gate-explorer]")) {
    if (!root.dataset.mounted) {
      root.dataset.mounted = "1";
      mountGateExplorer(root);
    }
  }
}
