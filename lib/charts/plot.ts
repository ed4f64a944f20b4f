/**
 * Charts that a notebook cell ends with: `plot()` for anything Observable Plot can draw, a line chart,
 * charts side by side, and the loss and accuracy of a training run by epoch. Heatmaps are in
 * `heatmap.ts`, outputs redrawn in place while a cell runs in `live.ts`, the colours in `palette.ts`.
 *
 * Each helper returns a {@linkcode Chart}, which Jupyter's Deno kernel displays as its SVG inside
 * `text/html` (see {@linkcode Displayable}): HTML survives `jupyter nbconvert --to html`, which blanks
 * bare `image/svg+xml` outputs (jupyter/nbconvert#1849). Helpers never print.
 *
 * First used in notebook 01 (the core idea).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { createDocument } from "./_dom.ts";
import { extent } from "./_extent.ts";
import { Displayable, htmlBundle, type MimeBundle } from "./display.ts";
import { GREY, SERIES, SERIES_COLORS } from "./palette.ts";
import { toVector, type VectorLike } from "../core/tensor.ts";

/** The series colours, in the order {@linkcode lineChart} gives them to its series. */

/**
 * A rendered chart: its HTML, and how Jupyter should display it. Made by {@linkcode plot}, {@linkcode lineChart} and
 * the other chart helpers.
 *
 * @example
 * ```ts
 * import { lineChart } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const chart = lineChart([0, 1, 2], { h: [0, 0.5, 0.7] });
 * assert.ok(chart.html.includes("<svg"));
 * ```
 */
export class Chart extends Displayable {
  /** The chart's root element: an `<svg>`, or a `<figure>` holding title, legend and `<svg>`. */
  readonly element: Element;

  constructor(element: Element) {
    super();
    this.element = element;
  }

  /** The chart as HTML (an inline SVG, possibly wrapped in a figure with its legend). */
  get html(): string {
    return this.element.outerHTML;
  }

  /** What Jupyter shows, `{ "text/html": …, "text/plain": … }`: the HTML, and a one-line text fallback for consoles. */
  bundle(): MimeBundle {
    return htmlBundle(this.html, this.toString());
  }

  /** `Chart: <title>`: what a plain console prints. */
  override toString(): string {
    const title = this.element.querySelector("h2, h3")?.textContent ?? this.element.getAttribute("aria-label");
    return `Chart${title ? `: ${title}` : ""}`;
  }
}

/** Colour scale types whose legend is a ramp (the others get swatches, which need no side margins). */
const CONTINUOUS_SCALES = new Set(["linear", "diverging", "sequential", "log", "sqrt", "pow", "symlog"]);

/** The defaults every chart starts from: legible text in a notebook, a white background. */
const DEFAULTS: Plot.PlotOptions = {
  style: { fontSize: "12px", background: "white", overflow: "visible" },
};

/**
 * Any Observable Plot chart, drawn server-side and returned as a displayable {@linkcode Chart}.
 * Takes the same options as `Plot.plot`.
 *
 * @example
 * ```ts
 * import { plot } from "@course/lib";
 * import * as Plot from "@observablehq/plot";
 * import assert from "node:assert/strict";
 *
 * const chart = plot({ marks: [Plot.barY([3, 1, 2])], title: "Three bars" });
 * assert.match(chart.html, /aria-label="bar"/);
 * ```
 */
export function plot(options: Plot.PlotOptions): Chart {
  const style = { ...(DEFAULTS.style as object), ...(typeof options.style === "object" ? options.style : {}) };
  // A continuous colour legend (a ramp) has no side margins by default, so its end labels ("−1.0",
  // "1.0") are centred on the ramp's edges and cut in half where the page clips the legend's <svg>
  // (the classic Notebook UI does). Room for four characters on each side keeps them whole.
  const ramp = options.color?.legend && CONTINUOUS_SCALES.has(String(options.color.type));
  const color = ramp ? { marginLeft: 16, marginRight: 16, ...options.color } : options.color;
  const element = Plot.plot({ ...DEFAULTS, ...options, color, style, document: createDocument() }) as Element;
  // Plot puts the title and subtitle in <h2> and <h3>, which a notebook styles as section headings:
  // far too large above a chart. Inline styles win over the notebook's stylesheet.
  for (const [selector, css] of Object.entries(HEADING_STYLES)) {
    for (const heading of element.querySelectorAll(selector)) heading.setAttribute("style", css);
  }
  return new Chart(element);
}

/**
 * Charts side by side (wrapping on narrow screens), as one displayable {@linkcode Chart}: notebook 09
 * puts each experiment's curves against tokens and against seconds next to each other.
 *
 * @example
 * ```ts
 * import { chartRow, plot } from "@course/lib";
 * import * as Plot from "@observablehq/plot";
 * import assert from "node:assert/strict";
 *
 * const row = chartRow([plot({ marks: [Plot.barY([1, 2])] }), plot({ marks: [Plot.barY([3])] })]);
 * assert.equal(row.html.match(/<svg/g)?.length, 2);
 * ```
 */
export function chartRow(charts: readonly Chart[]): Chart {
  const div = createDocument().createElement("div");
  div.setAttribute("style", "display: flex; flex-wrap: wrap; gap: 12px 28px; align-items: flex-start;");
  for (const chart of charts) {
    // Each chart keeps its own width, so that a wide legend wraps inside it instead of widening it.
    const cell = div.ownerDocument.createElement("div");
    // The chart's own svg is the widest one (a legend's swatches are small svgs of their own).
    const widths = [chart.element, ...chart.element.querySelectorAll("svg")]
      .map((e) => Number(e.getAttribute("width"))).filter((w) => w > 0);
    const width = widths.length > 0 ? Math.max(...widths) : null;
    cell.setAttribute("style", `flex: 0 0 auto;${width ? ` width: ${width}px;` : ""}`);
    cell.appendChild(chart.element.cloneNode(true));
    div.appendChild(cell);
  }
  return new Chart(div as unknown as Element);
}

const HEADING_STYLES: Record<string, string> = {
  "figure > h2": `font: 600 15px/1.35 system-ui, sans-serif; margin: 0 0 2px; padding: 0; color: ${GREY.text};`,
  "figure > h3": `font: 400 13px/1.35 system-ui, sans-serif; margin: 0 0 8px; padding: 0; color: ${GREY.muted};`,
  "figure > figcaption": `font: 400 12px/1.35 system-ui, sans-serif; color: ${GREY.muted}; margin-top: 4px;`,
};

/** Options for {@linkcode lineChart}. */
export interface LineChartOptions {
  /** Title above the chart. */
  title?: string;
  /** Smaller text under the title. */
  subtitle?: string;
  /** Text under the chart. */
  caption?: string;
  /** Label of the x axis. */
  xLabel?: string;
  /** Label of the y axis. */
  yLabel?: string;
  /** Range of the y axis (default: the data's). */
  yDomain?: [number, number];
  /** "log" for a logarithmic y axis, to see decay over many orders of magnitude (default "linear"). */
  yType?: "linear" | "log";
  /** Width in pixels (default 640). */
  width?: number;
  /** Height in pixels (default 320). */
  height?: number;
  /** Extra Plot marks drawn on top, e.g. `Plot.ruleX([0])`. */
  marks?: Plot.Markish[];
  /**
   * A shaded band around a series, in its colour: for each series named, the lowest and highest value
   * at each x (e.g. over seeds), each `[N]`. The line is the series itself (e.g. the seeds' mean).
   */
  bands?: Record<string, { low: VectorLike; high: VectorLike }>;
}

/**
 * A line chart of one or more series over the same x values; one colour per series, with a legend
 * when there is more than one.
 *
 * @param x the x values, `[N]`
 * @param series named y values, each `[N]`
 * @throws {RangeError} if a series does not have as many values as `x`
 *
 * @example
 * ```ts
 * import { lineChart } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const x = [-2, -1, 0, 1, 2];
 * const chart = lineChart(x, { "x²": x.map((v) => v * v), "x": x }, { title: "Two curves" });
 * const lines = chart.element.querySelector('g[aria-label="line"]');
 * assert.equal(lines?.querySelectorAll("path").length, 2); // one path per series
 * ```
 */
export function lineChart(x: VectorLike, series: Record<string, VectorLike>, options: LineChartOptions = {}): Chart {
  const xs = toVector(x, "x", "draw line chart");
  const names = Object.keys(series);
  if (names.length === 0) throw new RangeError("Cannot draw line chart: series has 0 entries, expected at least 1");
  const data: { x: number; y: number; series: string }[] = [];
  for (const name of names) {
    const ys = toVector(series[name], `series "${name}"`, "draw line chart");
    if (ys.length !== xs.length) {
      throw new RangeError(
        `Cannot draw line chart: series "${name}" has length ${ys.length}, expected ${xs.length} (the length of x)`,
      );
    }
    ys.forEach((y, k) => data.push({ x: xs[k], y, series: name }));
  }
  const bandData: { x: number; low: number; high: number; series: string }[] = [];
  for (const [name, band] of Object.entries(options.bands ?? {})) {
    if (!names.includes(name)) {
      throw new RangeError(
        `Cannot draw line chart: band "${name}" names no series; expected one of ${names.join(", ")}`,
      );
    }
    const low = toVector(band.low, `band "${name}" low`, "draw line chart");
    const high = toVector(band.high, `band "${name}" high`, "draw line chart");
    if (low.length !== xs.length || high.length !== xs.length) {
      throw new RangeError(
        `Cannot draw line chart: band "${name}" has ${low.length} low and ${high.length} high values, expected ${xs.length} each`,
      );
    }
    xs.forEach((x, k) => bandData.push({ x, low: low[k], high: high[k], series: name }));
  }
  const many = names.length > 1;
  // Name each line at its right end too, where the ends are far enough apart not to collide.
  const endLabels = many && endsApart(data, names, options.yType === "log");
  return plot({
    title: options.title,
    subtitle: options.subtitle,
    caption: options.caption,
    width: options.width ?? 640,
    height: options.height ?? 320,
    grid: true,
    // The x label under the axis, centred: at Plot's default place (the right end of the tick row) a long
    // label runs into the last tick labels.
    x: { label: options.xLabel ?? null, labelAnchor: "center", labelOffset: 34 },
    marginBottom: options.xLabel ? 44 : 30,
    y: {
      label: options.yLabel ?? null,
      domain: options.yDomain,
      type: options.yType ?? "linear",
      tickFormat: options.yType === "log" ? powerOfTen : undefined,
    },
    marginRight: endLabels ? 16 + 7 * Math.max(...names.map((n) => n.length)) : 20,
    color: many ? { legend: true, domain: names, range: SERIES_COLORS as string[] } : undefined,
    marks: [
      options.yType === "log" ? null : Plot.ruleY([0], { stroke: GREY.rule }), // log axes have no 0
      bandData.length > 0
        ? Plot.areaY(bandData, {
          x: "x",
          y1: "low",
          y2: "high",
          z: "series",
          fill: many ? "series" : SERIES_COLORS[0],
          fillOpacity: 0.2,
        })
        : null,
      Plot.line(data, { x: "x", y: "y", z: "series", stroke: many ? "series" : SERIES_COLORS[0], strokeWidth: 2 }),
      endLabels
        ? Plot.text(
          data,
          Plot.selectLast({ x: "x", y: "y", z: "series", text: "series", fill: "series", dx: 6, textAnchor: "start" }),
        )
        : null,
      ...(options.marks ?? []),
    ],
  });
}

/** Whether the series' last values are at least 6 % of the y range apart (so end labels will not overlap). */
function endsApart(data: { y: number; series: string }[], names: string[], log: boolean): boolean {
  const scale = (y: number) => (log ? Math.log10(y) : y);
  const [lo, hi] = extent(data.map((d) => scale(d.y)).filter(Number.isFinite));
  const range = hi - lo || 1;
  const ends = names.map((name) => scale(data.findLast((d) => d.series === name)!.y)).sort((a, b) => a - b);
  return ends.every((y, k) => k === 0 || (y - ends[k - 1]) / range > 0.06);
}

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/**
 * Log-axis tick labels: powers of ten as `1`, `10`, `10⁻³`; other ticks unlabelled. Plot's default
 * SI labels (`2m`, `10m`) read as metres and minutes.
 */
function powerOfTen(value: number): string {
  const exponent = Math.round(Math.log10(value));
  if (Math.abs(Math.log10(value) - exponent) > 1e-9) return "";
  if (exponent === 0) return "1";
  if (exponent === 1) return "10";
  return `10${[...String(exponent)].map((ch) => SUPERSCRIPT[ch]).join("")}`;
}

/** One epoch of training, for {@linkcode epochChart}. */
export interface EpochPoint {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
}

/**
 * Loss and training accuracy after each epoch, side by side, with the lowest loss and the best
 * accuracy any model can reach on the examples dashed when given (notebook 07's live chart). Redraw
 * it after every epoch.
 *
 * @example
 * ```ts
 * import { epochChart } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const chart = epochChart([{ epoch: 1, loss: 4.2, accuracy: 0.1 }, { epoch: 2, loss: 3.1, accuracy: 0.3 }], { epochs: 10, ceiling: 0.95 });
 * assert.equal(chart.html.match(/<svg/g)?.length, 2);
 * ```
 */
export function epochChart(
  history: readonly EpochPoint[],
  options: { epochs: number; ceiling?: number; floor?: number; title?: string },
): Chart {
  const { epochs, ceiling, floor } = options;
  const x = { label: "epoch", domain: [0, epochs] as [number, number], grid: true };
  const line = (y: "loss" | "accuracy", colour: string) => [
    Plot.line(history, { x: "epoch", y, stroke: colour }),
    Plot.dot(history.slice(-1), { x: "epoch", y, fill: colour }),
  ];
  const last = history.at(-1);
  return chartRow([
    plot({
      title: options.title ?? "Training loss",
      subtitle: (last ? `epoch ${last.epoch} of ${epochs}: ${last.loss.toFixed(3)} nats` : "starting…") +
        (floor === undefined ? "" : `; dashed: the lowest possible, ${floor.toFixed(3)}`),
      width: 380,
      height: 240,
      x,
      y: { label: "cross-entropy (nats)", grid: true, domain: [0, Math.max(1, ...history.map((h) => h.loss))] },
      marks: [
        ...(floor === undefined ? [] : [Plot.ruleY([floor], { stroke: GREY.baseline, strokeDasharray: "4 4" })]),
        ...line("loss", SERIES.orange),
      ],
    }),
    plot({
      title: "Training accuracy",
      subtitle: last
        ? `epoch ${last.epoch}: ${(100 * last.accuracy).toFixed(1)} %${
          ceiling === undefined ? "" : `; dashed: the best possible, ${(100 * ceiling).toFixed(1)} %`
        }`
        : "starting…",
      width: 380,
      height: 240,
      x,
      y: { label: "accuracy", grid: true, domain: [0, 1], tickFormat: "%" },
      marks: [
        ...(ceiling === undefined ? [] : [Plot.ruleY([ceiling], { stroke: GREY.baseline, strokeDasharray: "4 4" })]),
        ...line("accuracy", SERIES.blue),
      ],
    }),
  ]);
}
