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
import { DIAGRAM, GREY } from "./palette.ts";

/** The parts of the diagram that can be highlighted. */
export type DiagramPart = "forget" | "input" | "output" | "cell" | "pointwise" | "layers";

/** Options for {@linkcode lstmDiagram}. */
export interface DiagramOptions {
  /** Parts to draw at full strength; the rest is faded. Default: everything at full strength. */
  highlight?: readonly DiagramPart[];
  /** A title above the diagram. */
  title?: string;
}

const YELLOW = DIAGRAM.layer;
const PINK = DIAGRAM.op;
const INK = GREY.ink;
/** A gradient flowing backwards through time, in the unrolled diagram. */
const RED = DIAGRAM.gradient;

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
    `<rect x="60" y="20" width="560" height="290" rx="16" fill="${DIAGRAM.panel.fill}" stroke="${DIAGRAM.panel.stroke}"/>` +
    parts.join("") + legend + `</svg>`;

  const document = createDocument();
  const holder = document.createElement("div");
  holder.innerHTML = heading ? `<figure style="margin:0">${heading}${svg}</figure>` : svg;
  return new Chart(holder.firstElementChild as Element);
}

// ---------------------------------------------------------------------------------------------
// The network unrolled in time: one box per step, the state carried from box to box.

/** Options for {@linkcode unrolledDiagram}. */
export interface UnrolledOptions {
  /** What each step reads, one label per step (x₁ … x_T, or words); T = its length, 1 to 10. */
  inputs: readonly string[];
  /** "lstm" (default) carries two states, c along the top and h below; "rnn" carries one, h. */
  kind?: "lstm" | "rnn";
  /** Where the network answers: after every step (default), only after the last, or nowhere. */
  outputs?: "every" | "last" | "none";
  /** Labels of the outputs (default ŷ₁ … ŷ_T), one per step. */
  outputLabels?: readonly string[];
  /**
   * Steps where a new window of training begins (0 is always one). With `carry` the state goes on
   * across the boundary; without, it is cut and the window starts from zero.
   */
  windowStarts?: readonly number[];
  /** Whether the state is carried into each new window (default false: every window starts from zero). */
  carry?: boolean;
  /** Steps drawn at full strength; the rest are faded. Default: all. */
  highlightSteps?: readonly number[];
  /**
   * A gradient flowing backwards, drawn in red from step `from` to step `to` (from > to) along the
   * cell state ("c", the LSTM's top line: each link multiplies it by fₜ, labelled ×fₜ) or the hidden
   * state ("h": each link multiplies it by the Jacobian Jₜ = ∂hₜ/∂hₜ₋₁, labelled ×Jₜ).
   */
  gradient?: { from: number; to: number; through?: "c" | "h" };
  /** A title above the diagram. */
  title?: string;
  /** A line of text under the diagram. */
  caption?: string;
}

/** The unrolled diagram's geometry in px: a box `width` × `height` every `step` px from `left`, its top at `top`. */
const BOX = { left: 56, step: 90, top: 62, width: 50, height: 64 } as const;
/** The height of the unrolled diagram's `<svg>`, in px. */
const UNROLLED_HEIGHT = 250;

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";
/** A whole number written in subscript digits: 12 → ₁₂. */
function sub(n: number): string {
  return String(n).split("").map((d) => SUBSCRIPTS[Number(d)]).join("");
}

/**
 * A recurrent network unrolled in time: the same cell drawn once per step, reading xₜ from below,
 * answering above, and handing its state (c and h for an LSTM, h for an RNN) to the next step. It
 * is the picture behind backpropagation through time (a gradient highlighted along one state),
 * training on prefixes versus on a stream, and the state carried from one window to the next.
 *
 * @example
 * ```ts
 * import { unrolledDiagram } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const d = unrolledDiagram({ inputs: ["the", "king", "ruled"], gradient: { from: 2, to: 0 } });
 * assert.equal(d.element.querySelectorAll('g[data-part="step"]').length, 3);
 * assert.equal(d.element.querySelectorAll('g[data-part="gradient"] path').length, 2); // 2 → 1 → 0
 * ```
 * @throws {RangeError} for no steps or more than 10, labels of the wrong length, or steps out of range
 */
export function unrolledDiagram(options: UnrolledOptions): Chart {
  const plan = unrolledPlan(options);
  const parts = plan.steps.flatMap((t) => stepParts(t, plan));
  if (plan.gradient) parts.push(gradientPart(plan));
  return unrolledFigure(options, boxX(plan.steps.length) + 20, parts);
}

/** What {@linkcode unrolledDiagram} draws, its options checked. */
interface UnrolledPlan {
  readonly kind: "lstm" | "rnn";
  /** The steps, 0 … T − 1. */
  readonly steps: readonly number[];
  readonly inputs: readonly string[];
  readonly outputs: "every" | "last" | "none";
  readonly outputLabels: readonly string[];
  /** The steps where a window starts (0 among them). */
  readonly starts: ReadonlySet<number>;
  readonly carry: boolean;
  readonly highlightSteps?: readonly number[];
  readonly gradient?: { readonly from: number; readonly to: number };
  /** The state the gradient flows along. */
  readonly through: "c" | "h";
  /** The states carried, each with the height of its line: c above h for an LSTM, h alone for an RNN. */
  readonly states: readonly (readonly ["c" | "h", number])[];
}

/** Checks {@linkcode unrolledDiagram}'s options and fills in the defaults. */
function unrolledPlan(options: UnrolledOptions): UnrolledPlan {
  const { inputs, kind = "lstm", outputs = "every", carry = false } = options;
  const T = inputs?.length ?? 0;
  const context = "draw the unrolled network";
  if (!(T >= 1 && T <= 10)) throw new RangeError(`Cannot ${context}: got ${T} inputs, expected 1 to 10`);
  const outputLabels = options.outputLabels ?? inputs.map((_, t) => `ŷ${sub(t + 1)}`);
  if (outputLabels.length !== T) {
    throw new RangeError(`Cannot ${context}: got ${outputLabels.length} output labels for ${T} steps`);
  }
  const inRange = (t: number) => Number.isInteger(t) && t >= 0 && t < T;
  const starts = new Set([0, ...(options.windowStarts ?? [])]);
  for (const s of starts) if (!inRange(s)) throw new RangeError(`Cannot ${context}: window start ${s} is not a step`);
  const g = options.gradient;
  if (g && !(inRange(g.from) && inRange(g.to) && g.from > g.to)) {
    throw new RangeError(`Cannot ${context}: gradient from ${g.from} to ${g.to}, expected steps with from > to`);
  }
  const through = g?.through ?? (kind === "lstm" ? "c" : "h");
  if (through === "c" && kind !== "lstm") throw new RangeError(`Cannot ${context}: an RNN has no cell state c`);
  const { top, height } = BOX;
  const states: ["c" | "h", number][] = kind === "lstm"
    ? [["c", top + 16], ["h", top + height - 16]]
    : [["h", top + height / 2]];
  const steps = inputs.map((_, t) => t);
  return {
    kind,
    steps,
    inputs,
    outputs,
    outputLabels,
    starts,
    carry,
    highlightSteps: options.highlightSteps,
    gradient: g,
    through,
    states,
  };
}

/** The left edge of step t's box. */
function boxX(t: number): number {
  return BOX.left + t * BOX.step;
}

/** An arrow of the unrolled diagram, in ink or in the gradient's red. */
function arrow(x1: number, y1: number, x2: number, y2: number, colour: string = INK): string {
  return `<path d="M${x1},${y1} L${x2},${y2}" stroke="${colour}" stroke-width="2" fill="none" marker-end="url(#unrolled-arrow${
    colour === RED ? "-red" : ""
  })"/>`;
}

/** Text centred on x, its baseline at y. */
function centred(x: number, y: number, s: string, size = 13, extra = ""): string {
  return `<text x="${x}" y="${y}" text-anchor="middle" font-size="${size}"${extra}>${escapeHtml(s)}</text>`;
}

/** Step t: its box, input and output (faded unless highlighted), the states coming in, and a window boundary. */
function stepParts(t: number, plan: UnrolledPlan): string[] {
  const { top, height: boxH, width: boxW } = BOX;
  const x = boxX(t), mid = x + boxW / 2;
  const T = plan.steps.length;
  const body: string[] = [
    `<rect x="${x}" y="${top}" width="${boxW}" height="${boxH}" rx="6" fill="${YELLOW.fill}" stroke="${YELLOW.stroke}" stroke-width="1.5"/>`,
    centred(mid, top + boxH / 2 + 5, plan.kind.toUpperCase(), 11, ' font-weight="600"'),
    arrow(mid, 178, mid, top + boxH + 2),
    centred(mid, 196, plan.inputs[t], 13, ' font-style="italic"'),
  ];
  if (plan.outputs === "every" || (plan.outputs === "last" && t === T - 1)) {
    body.push(arrow(mid, top, mid, 28), centred(mid, 20, plan.outputLabels[t], 13, ' font-style="italic"'));
  }
  const faded = plan.highlightSteps === undefined || plan.highlightSteps.includes(t) ? "1" : "0.3";
  const parts = [`<g data-part="step" opacity="${faded}">${body.join("")}</g>`];
  // The state coming in from the left: zeros at a window start that does not carry, else the last step's.
  const fresh = t === 0 || (plan.starts.has(t) && !plan.carry);
  for (const [name, y] of plan.states) {
    if (fresh) {
      parts.push(`<g data-part="zero">${centred(x - 20, y + 4, "0", 12)}${arrow(x - 13, y, x - 1, y)}</g>`);
    } else {
      parts.push(`<g data-part="state">${arrow(boxX(t - 1) + boxW, y, x - 1, y)}</g>`);
    }
    if (t === 0) parts.push(centred(x - 38, y + 4, name, 12, ` font-style="italic" fill="${GREY.muted}"`));
  }
  if (plan.starts.has(t) && t > 0) {
    const sx = x - (BOX.step - boxW) / 2;
    parts.push(
      `<g data-part="window-start"><path d="M${sx},${top - 22} L${sx},${
        top + boxH + 22
      }" stroke="${GREY.baseline}" stroke-dasharray="3 3"/>${
        centred(sx, top + boxH + 36, plan.carry ? "state carried" : "cut: from 0", 10, ` fill="${GREY.note}"`)
      }</g>`,
    );
  }
  return parts;
}

/** The gradient flowing back from step `from` to step `to` along one state, each link labelled with its factor. */
function gradientPart(plan: UnrolledPlan): string {
  const { from, to } = plan.gradient!;
  const y = plan.states.find(([name]) => name === plan.through)![1] - 7;
  const segments: string[] = [];
  for (let t = from; t > to; t--) {
    const x1 = boxX(t) - 2, x2 = boxX(t - 1) + BOX.width + 2;
    segments.push(arrow(x1, y, x2, y, RED));
    // The factor the gradient picks up on this link: f_{t} along c, the Jacobian J_t = ∂h_t/∂h_{t-1} along h.
    const factor = plan.through === "c" ? `×f${sub(t + 1)}` : `×J${sub(t + 1)}`;
    segments.push(centred((x1 + x2) / 2, y - 6, factor, 11, ` fill="${RED}" font-weight="600"`));
  }
  return `<g data-part="gradient">${segments.join("")}</g>`;
}

/** The parts in an `<svg>` `width` px wide, with the arrowheads, "time →", and the title and caption around it. */
function unrolledFigure(options: UnrolledOptions, width: number, parts: readonly string[]): Chart {
  const height = UNROLLED_HEIGHT;
  const titleText = options.title === undefined ? undefined : escapeHtml(options.title);
  const markers = [["unrolled-arrow", INK], ["unrolled-arrow-red", RED]].map(([id, colour]) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`
  ).join("");
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `font-family="system-ui, sans-serif" fill="${INK}" style="background:white;max-width:100%;height:auto" ` +
    `role="img" aria-label="${titleText ?? "a recurrent network unrolled in time"}">` +
    (titleText ? `<title>${titleText}</title>` : "") +
    `<defs>${markers}</defs>` +
    parts.join("") + centred(width / 2, height - 14, "time →", 11, ` fill="${GREY.note}"`) + `</svg>`;
  const heading = titleText ? `<h3 style="margin:0 0 6px">${titleText}</h3>` : "";
  const caption = options.caption
    ? `<figcaption style="font: 12px system-ui, sans-serif; color: ${GREY.muted}">${
      escapeHtml(options.caption)
    }</figcaption>`
    : "";
  const holder = createDocument().createElement("div");
  holder.innerHTML = `<figure style="margin:0">${heading}${svg}${caption}</figure>`;
  return new Chart(holder.firstElementChild as Element);
}
