/**
 * Explorables: pictures a learner can move, computed by the library's own code in the browser.
 * {@linkcode gateExplorer} is the running example's cell (H = 3, X = 4; `lib/core/running_example.ts`)
 * with sliders for hₜ₋₁, cₜ₋₁ and each gate's bias and a choice of the word xₜ, and the six
 * equations' numbers recomputed by `lstmStep` as they move. Its page script is
 * `lib/explorer/gate_explorer.ts`, bundled for the browser by `deno task bundle` (Deno's own bundler)
 * into `lib/explorer/gate_explorer.bundle.js`; the HTML output inlines it, so it works in Jupyter's
 * Notebook UI, in an exported page and on the course website, with no server.
 *
 * @module
 */

import { HtmlView } from "../charts/textview.ts";
import { lstmDiagram } from "../charts/diagram.ts";
import { readTextSync, repoUrl } from "../core/platform.ts";

let count = 0;

/** The bundled page script, read once. */
let bundle: string | undefined;

/**
 * The gate explorer as an HTML output: a `<div data-gate-explorer>` and the bundled script that
 * fills it. Each call gives the element its own id. `gate` chooses whose bias sliders it opens on
 * (default the forget gate's, b_f): notebook 04 opens it on b_f, 05 on b_i, 06 on b_o.
 *
 * @throws {RangeError} if `gate` is not "forget", "input" or "output"
 *
 * @example
 * ```ts
 * import { gateExplorer } from "@course/lib/explorer/explorer.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(gateExplorer().html.includes("data-gate-explorer"));
 * ```
 */
export function gateExplorer(options: { gate?: "forget" | "input" | "output" } = {}): HtmlView {
  const gate = options.gate ?? "forget";
  const key = { forget: "bf", input: "bi", output: "bo" }[gate];
  if (key === undefined) {
    throw new RangeError(`Cannot show the gate explorer: gate must be "forget", "input" or "output", got ${gate}`);
  }
  bundle ??= readTextSync(repoUrl("lib/explorer/gate_explorer.bundle.js"));
  const id = `gate-explorer-${++count}`;
  // `</script` cannot appear inside an inline script; the bundle has none, but make sure.
  const script = bundle.replaceAll("</script", "<\\/script");
  return new HtmlView(
    `<div id="${id}" data-gate-explorer data-gate="${key}">The gate explorer needs JavaScript: run the cell in Jupyter, or open the course website.` +
      `<div id="${id}-diagram">${
        lstmDiagram({ title: "The gates lit by how open they are" }).html
      }</div></div><script>${script}</script>`,
    "Gate explorer (an interactive HTML output: open it in Jupyter or a browser)",
  );
}
