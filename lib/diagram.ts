/**
 * The LSTM cell diagram, drawn as SVG: yellow boxes are layers (weights, bias, activation), pink
 * circles are pointwise operations, the top line is the cell state c and the bottom line carries
 * [h_{t-1}, x_t] to the gates and h_t out. Parts can be highlighted, so each gate's notebook can
 * show where it sits.
 *
 * After the well-known figure in C. Olah, "Understanding LSTM Networks" (2015).
 * First used in notebook 03 (pointwise operations).
 *
 * @module
 */

import { Chart } from "./plot.ts";
import { createDocument } from "./_dom.ts";
import { escapeHtml } from "./_html.ts";

/** The parts of the diagram that can be highlighted. */
export type DiagramPart = "forget" | "input" | "output" | "cell" | "pointwise" | "layers";

/** Options for {@linkcode lstmDiagram}. */
export interface DiagramOptions {
  /** Parts to draw at full strength; the rest is faded. Default: everything at full strength. */
  highlight?: readonly DiagramPart[];
  /** A title above the diagram. */
  title?: string;
}

const YELLOW = { fill: "#ffe08a", stroke: "#b8860b" };
const PINK = { fill: "#f8bbd0", stroke: "#c2185b" };
const INK = "#333";

/** A layer box (yellow) with its activation written inside. */
function layer(cx: number, cy: number, text: string): string {
  return `<rect x="${cx - 26}" y="${
    cy - 16
  }" width="52" height="32" rx="4" fill="${YELLOW.fill}" stroke="${YELLOW.stroke}" stroke-width="1.5"/>` +
    `<text x="${cx}" y="${cy + 5}" text-anchor="middle" font-size="15">${text}</text>`;
}

/** A pointwise operation (pink circle, or an ellipse for tanh). */
function op(cx: number, cy: number, text: string): string {
  const rx = text.length > 1 ? 24 : 14;
  return `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="14" fill="${PINK.fill}" stroke="${PINK.stroke}" stroke-width="1.5"/>` +
    `<text x="${cx}" y="${cy + 5}" text-anchor="middle" font-size="${text.length > 1 ? 13 : 17}">${text}</text>`;
}

/** A line through the given points, ending in an arrowhead. */
function wire(points: [number, number][], arrow = true): string {
  const d = points.map(([x, y], k) => `${k === 0 ? "M" : "L"}${x},${y}`).join(" ");
  return `<path d="${d}" fill="none" stroke="${INK}" stroke-width="2"${
    arrow ? ' marker-end="url(#lstm-arrow)"' : ""
  }/>`;
}

function label(x: number, y: number, text: string, anchor = "start", size = 15): string {
  return `<text x="${x}" y="${y}" text-anchor="${anchor}" font-size="${size}" font-style="italic">${text}</text>`;
}

/**
 * The LSTM cell diagram as a displayable {@linkcode Chart}.
 *
 * @example
 * ```ts
 * import { lstmDiagram } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const diagram = lstmDiagram({ highlight: ["forget"] });
 * assert.equal(diagram.element.querySelectorAll('g[data-part="layer"] rect').length, 4); // 4 gate layers
 * assert.match(diagram.html, /data-part="forget" opacity="1"/);
 * assert.match(diagram.html, /data-part="output" opacity="0.3"/); // the rest is faded
 * ```
 */
export function lstmDiagram(options: DiagramOptions = {}): Chart {
  // Faded parts stay visible (0.3): the reader still needs to see what flows where.
  const on = (part: DiagramPart) => options.highlight === undefined || options.highlight.includes(part) ? "1" : "0.3";
  // A pointwise op or layer is shown if its gate, or its kind, is highlighted.
  const either = (a: DiagramPart, b: DiagramPart) => (on(a) === "1" || on(b) === "1" ? "1" : "0.3");
  const group = (part: string, opacity: string, body: string) =>
    `<g data-part="${part}" opacity="${opacity}">${body}</g>`;

  // Sibling groups, each with its own opacity (nested opacities would multiply).
  const parts = [
    // The cell state runs along the top: c_{t-1} in, c_t out.
    group(
      "cell",
      on("cell"),
      wire([[30, 60], [156, 60]], false) + wire([[184, 60], [316, 60]], false) + wire([[344, 60], [660, 60]]),
    ),
    // [h_{t-1}, x_t] along the bottom, into every gate.
    group(
      "bus",
      options.highlight === undefined || on("layers") === "1" ? "1" : "0.6",
      [
        wire([[30, 260], [420, 260]], false),
        wire([[110, 310], [110, 262]], false),
        ...[170, 260, 330, 420].map((x) => wire([[x, 260], [x, 208]])),
      ].join(""),
    ),
    group("forget", on("forget"), wire([[170, 174], [170, 76]])),
    group(
      "input",
      on("input"),
      wire([[260, 174], [260, 130], [314, 130]]) + wire([[330, 174], [330, 146]]) + wire([[330, 116], [330, 76]]),
    ),
    group(
      "output",
      on("output"),
      [
        wire([[520, 60], [520, 104]]),
        wire([[520, 132], [520, 174]]),
        wire([[446, 190], [504, 190]]),
        wire([[520, 206], [520, 240], [660, 240]]),
      ].join(""),
    ),
    group("layer", either("forget", "layers"), layer(170, 190, "σ")),
    group("layer", either("input", "layers"), layer(260, 190, "σ") + layer(330, 190, "tanh")),
    group("layer", either("output", "layers"), layer(420, 190, "σ")),
    group("op", either("forget", "pointwise"), op(170, 60, "⊗")),
    group("op", either("input", "pointwise"), op(330, 130, "⊗") + op(330, 60, "+")),
    group("op", either("output", "pointwise"), op(520, 118, "tanh") + op(520, 190, "⊗")),
    // Labels stay at full strength whatever is highlighted: they say what each wire carries.
    group(
      "labels",
      "1",
      [
        label(26, 48, "cₜ₋₁"),
        label(664, 48, "cₜ", "end"),
        label(345, 40, "cell state: long-term memory", "start", 12),
        label(26, 250, "hₜ₋₁"),
        label(118, 305, "xₜ"),
        label(200, 280, "[hₜ₋₁, xₜ] goes to every gate", "start", 12),
        label(178, 130, "fₜ"),
        label(240, 150, "iₜ"),
        label(338, 164, "c̃ₜ"),
        label(466, 182, "oₜ"),
        label(664, 230, "hₜ", "end"),
        label(534, 258, "hidden state", "start", 12),
      ].join(""),
    ),
  ];

  const legend = [
    `<rect x="40" y="330" width="26" height="18" rx="3" fill="${YELLOW.fill}" stroke="${YELLOW.stroke}"/>`,
    `<text x="74" y="344" font-size="12">layer: weights, bias, then σ or tanh (learned)</text>`,
    `<ellipse cx="370" cy="339" rx="11" ry="10" fill="${PINK.fill}" stroke="${PINK.stroke}"/>`,
    `<text x="388" y="344" font-size="12">pointwise operation (no weights)</text>`,
  ].join("");

  const titleText = options.title === undefined ? undefined : escapeHtml(options.title);
  const title = titleText === undefined ? "" : `<title>${titleText}</title>`;
  const heading = titleText === undefined ? "" : `<h3 style="margin:0 0 6px">${titleText}</h3>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 690 360" width="690" height="360" ` +
    `font-family="system-ui, sans-serif" fill="${INK}" style="background:white;max-width:100%;height:auto" ` +
    `role="img" aria-label="LSTM cell diagram">${title}` +
    `<defs><marker id="lstm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ` +
    `orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${INK}"/></marker></defs>` +
    `<rect x="60" y="20" width="560" height="290" rx="16" fill="#f5f7fa" stroke="#c9d1d9"/>` +
    parts.join("") + legend + `</svg>`;

  const document = createDocument();
  const holder = document.createElement("div");
  holder.innerHTML = heading ? `<figure style="margin:0">${heading}${svg}</figure>` : svg;
  return new Chart(holder.firstElementChild as Element);
}
