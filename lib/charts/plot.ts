/**
 * Charts that a notebook cell ends with: a line chart, a heatmap (time × unit, for gate
 * activations), and `plot()` for anything else Observable Plot can draw.
 *
 * Each helper returns a {@linkcode Chart}. Jupyter's Deno kernel displays an object through its
 * `Symbol.for("Jupyter.display")` method, and a Chart answers with its SVG inside `text/html`:
 * HTML survives `jupyter nbconvert --to html`, which blanks bare `image/svg+xml` outputs
 * (jupyter/nbconvert#1849). Nothing here touches `Deno.jupyter`, which exists only inside the
 * kernel, so the same code runs in `deno test`. Helpers never print.
 *
 * First used in notebook 03 (pointwise operations).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { createDocument } from "./_dom.ts";
import { formatNumber, toVector, type VectorLike } from "../core/tensor.ts";
import { EXAMPLE_COLUMNS, EXAMPLE_UNITS } from "../core/running_example.ts";

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/**
 * A rendered chart: its HTML, and how Jupyter should display it. Made by {@linkcode plot}, {@linkcode lineChart} and {@linkcode heatmap}.
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
export class Chart {
  /** The chart's root element: an `<svg>`, or a `<figure>` holding title, legend and `<svg>`. */
  readonly element: Element;

  constructor(element: Element) {
    this.element = element;
  }

  /** The chart as HTML (an inline SVG, possibly wrapped in a figure with its legend). */
  get html(): string {
    return this.element.outerHTML;
  }

  /** What Jupyter shows: the HTML, and a one-line text fallback for consoles. */
  [JUPYTER_DISPLAY](): Record<string, string> {
    return this.bundle();
  }

  /**
   * The chart as a Jupyter MIME bundle, `{ "text/html": …, "text/plain": … }`: what a notebook passes
   * to `Deno.jupyter.broadcast("update_display_data", …)` to redraw a chart in place (notebook 08).
   */
  bundle(): Record<string, string> {
    return { "text/html": this.html, "text/plain": this.toString() };
  }

  /** `Chart: <title>`: what a plain console prints. */
  toString(): string {
    const title = this.element.querySelector("h2, h3")?.textContent ?? this.element.getAttribute("aria-label");
    return `Chart${title ? `: ${title}` : ""}`;
  }
}

/**
 * Series colours: Observable's categorical palette with its yellow (#efb118) replaced by a darker
 * orange, which stays readable as a thin line on white.
 */
export const SERIES_COLORS: readonly string[] = [
  "#4269d0",
  "#e8590c",
  "#3ca951",
  "#ff725c",
  "#6cc5b0",
  "#a463f2",
  "#ff8ab7",
  "#9c6b4e",
  "#97bbf5",
];

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

/** Plot's diverging colour schemes (https://observablehq.com/plot/features/scales#color-scale-options). */
const DIVERGING_SCHEMES = new Set([
  "brbg",
  "prgn",
  "piyg",
  "puor",
  "rdbu",
  "rdgy",
  "rdylbu",
  "rdylgn",
  "spectral",
  "burd",
  "buylrd",
]);

const HEADING_STYLES: Record<string, string> = {
  "figure > h2": "font: 600 15px/1.35 system-ui, sans-serif; margin: 0 0 2px; padding: 0; color: #222;",
  "figure > h3": "font: 400 13px/1.35 system-ui, sans-serif; margin: 0 0 8px; padding: 0; color: #555;",
  "figure > figcaption": "font: 400 12px/1.35 system-ui, sans-serif; color: #555; margin-top: 4px;",
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
      options.yType === "log" ? null : Plot.ruleY([0], { stroke: "#999" }), // log axes have no 0
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

/** [min, max] of the values, by a loop: `Math.min(...values)` overflows the call stack past ~100k values. */
function extent(values: readonly number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
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

/** Options for {@linkcode heatmap}. */
export interface HeatmapOptions {
  /** Title above the chart. */
  title?: string;
  /** Smaller text under the title. */
  subtitle?: string;
  /** Text under the chart. */
  caption?: string;
  /** Label of the x axis (default "time step t"). */
  xLabel?: string;
  /** Label of the y axis (default "unit"). */
  yLabel?: string;
  /** A label for each column (default 0, 1, 2, ...), e.g. the tokens of a sentence. */
  columns?: readonly string[];
  /** A label for each row (default 0, 1, 2, ...). */
  rows?: readonly string[];
  /**
   * The values at the two ends of the colour scale (default: the data's range). Gates live in
   * [0, 1]; pass `[0, 1]` so that pictures of different gates compare. Values outside it widen it to
   * the data's range (colours never saturate silently).
   */
  domain?: [number, number];
  /**
   * A Plot colour scheme (default "blues"; "rdbu" with 0 in the middle when the domain has both
   * signs, as for c̃_t and c_t).
   */
  scheme?: string;
  /** The legend's label, e.g. "f_t" (default: no label). */
  label?: string;
  /** Draw the colour legend (default true). */
  legend?: boolean;
  /** Write each value in its cell, with this many decimals (default: no text). */
  digits?: number;
  /** Width in pixels (default: from the number of columns). */
  width?: number;
}

/**
 * A heatmap of vectors side by side: column t is `columns[t]` (a vector over units), row k is unit k.
 * Use it for gate activations over time (`heatmap(trace.f, { domain: [0, 1] })`) or for a few
 * vectors next to each other.
 *
 * @param columns one vector per column, all the same length H: `[T][H]`
 * @throws {RangeError} if the vectors differ in length, or there are no vectors
 *
 * @example
 * ```ts
 * import { heatmap } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const f = [[0.1, 0.9, 0.5], [0.2, 0.8, 0.5]]; // T = 2 steps, H = 3 units
 * const chart = heatmap(f, { domain: [0, 1], label: "f_t", digits: 1 });
 * const cells = chart.element.querySelector('g[aria-label="cell"]');
 * assert.equal(cells?.querySelectorAll("rect").length, 6); // one cell per (step, unit)
 * assert.match(chart.html, /data:image\/png;base64,/); // continuous legend ramp
 * ```
 */
export function heatmap(columns: readonly VectorLike[], options: HeatmapOptions = {}): Chart {
  const context = "draw heatmap";
  if (columns.length === 0) throw new RangeError(`Cannot ${context}: got 0 columns, expected at least 1`);
  const vectors = columns.map((c, t) => toVector(c, `column ${t}`, context));
  const H = vectors[0].length;
  vectors.forEach((v, t) => {
    if (v.length !== H) {
      throw new RangeError(
        `Cannot ${context}: column ${t} has length ${v.length}, expected ${H} (the length of column 0)`,
      );
    }
  });
  const colLabels = options.columns ?? vectors.map((_, t) => String(t));
  const rowLabels = options.rows ?? Array.from({ length: H }, (_, k) => String(k));
  if (colLabels.length !== vectors.length) {
    throw new RangeError(`Cannot ${context}: columns has ${colLabels.length} labels, expected ${vectors.length}`);
  }
  if (rowLabels.length !== H) {
    throw new RangeError(`Cannot ${context}: rows has ${rowLabels.length} labels, expected ${H}`);
  }

  // Cells are placed by index and labelled through tickFormat, so that repeated labels (a word that
  // comes twice in a sentence) still get a column each.
  const data = vectors.flatMap((v, t) => Array.from(v, (value, k) => ({ col: String(t), row: String(k), value })));
  const colDomain = colLabels.map((_, t) => String(t)), rowDomain = rowLabels.map((_, k) => String(k));
  // A domain that the data leaves would saturate the colours silently (two values beyond it look the
  // same): it is widened to the data's extent, so a given domain is a minimum range, never a clip.
  const [dataLo, dataHi] = extent(data.map((d) => d.value));
  let [lo, hi] = options.domain ? [Math.min(options.domain[0], dataLo), Math.max(options.domain[1], dataHi)] : [
    dataLo,
    dataHi,
  ];
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1]; // a constant picture still needs a scale
  // A diverging picture puts 0 in the middle of the colours: the default when values have both signs,
  // and whenever a diverging scheme (red-blue and the like) is asked for.
  const divergingScheme = options.scheme === undefined || DIVERGING_SCHEMES.has(options.scheme.toLowerCase());
  const diverging = divergingScheme && lo < 0 && hi > 0;
  const limit = Math.max(-lo, hi);

  const withText = options.digits !== undefined;
  const cellWidth = withText ? 44 : 18;
  const cellHeight = withText ? 28 : 16;
  const longestRow = Math.max(...rowLabels.map((label) => label.length));
  const longestCol = Math.max(...colLabels.map((label) => label.length));
  const marginLeft = 30 + 7 * longestRow;
  const rotate = longestCol * 6.5 > cellWidth + 8; // about 6.5 px per character at 12 px
  const marginBottom = rotate ? 20 + 6 * Math.min(longestCol, 20) : 40;
  const width = options.width ?? Math.max(320, marginLeft + 20 + cellWidth * vectors.length);

  // Text must stay readable on dark cells: white where the colour is strong, black elsewhere.
  const strength = (v: number) => diverging ? Math.abs(v) / limit : (v - lo) / (hi - lo);
  const marks: Plot.Markish[] = [
    Plot.cell(data, { x: "col", y: "row", fill: "value", inset: 0.5 }),
  ];
  if (withText) {
    marks.push(Plot.text(data, {
      x: "col",
      y: "row",
      text: (d: { value: number }) => formatNumber(d.value, options.digits),
      fill: (d: { value: number }) => (strength(d.value) > 0.55 ? "white" : "black"),
    }));
  }
  return plot({
    title: options.title,
    subtitle: options.subtitle,
    caption: options.caption,
    width,
    height: 50 + marginBottom + cellHeight * H,
    marginLeft,
    marginBottom,
    padding: 0,
    x: {
      domain: colDomain,
      tickFormat: (d: string) => colLabels[Number(d)],
      label: options.xLabel ?? "time step t",
      tickRotate: rotate ? -45 : 0,
    },
    y: { domain: rowDomain, tickFormat: (d: string) => rowLabels[Number(d)], label: options.yLabel ?? "unit" },
    color: {
      type: diverging ? "diverging" : "linear",
      scheme: (options.scheme ?? (diverging ? "rdbu" : "blues")) as Plot.ColorScheme,
      domain: diverging ? [-limit, limit] : [lo, hi],
      legend: options.legend ?? true,
      label: options.label,
    },
    marks,
  });
}

/** A point of a {@linkcode TrainingChart}: a loss at a time, of one kind ("training batch", "validation"). */
export interface LossPoint {
  readonly seconds: number;
  readonly loss: number;
  readonly kind: string;
}

/**
 * The live loss chart of a training run: the loss of every batch and of every validation against
 * seconds of training, dashed lines for baselines (their loss, e.g. ln of a perplexity), the y axis
 * from a little below the lowest baseline. Add points as training goes and redraw with `chart()`.
 *
 * @example
 * ```ts
 * import { TrainingChart } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const live = new TrainingChart({ title: "Loss", baselines: { unigram: Math.log(360) } });
 * live.add(1, 9.2, "training batch");
 * live.add(2, 7.1, "validation");
 * assert.equal(live.points.length, 2);
 * assert.ok(live.chart().html.includes("<svg"));
 * ```
 */
export class TrainingChart {
  readonly points: LossPoint[] = [];

  constructor(
    readonly options: {
      title: string;
      subtitle?: string;
      /** Baselines by name: their loss, drawn as dashed lines. */
      baselines?: Record<string, number>;
      width?: number;
      height?: number;
    },
  ) {}

  /** Adds one point. */
  add(seconds: number, loss: number, kind: "training batch" | "validation" | string): void {
    if (!Number.isFinite(seconds) || !Number.isFinite(loss)) {
      throw new RangeError(
        `Cannot add to the training chart: seconds and loss must be finite, got ${seconds} and ${loss}`,
      );
    }
    this.points.push({ seconds, loss, kind });
  }

  /** The chart as it stands. */
  chart(): Chart {
    const { title, subtitle, baselines = {}, width = 640, height = 300 } = this.options;
    const lines = Object.entries(baselines).map(([text, y]) => ({ text, y }));
    const lows = [...lines.map((l) => l.y), ...this.points.map((p) => p.loss)];
    const kinds = [...new Set(["training batch", "validation", ...this.points.map((p) => p.kind)])];
    return plot({
      title,
      subtitle,
      width,
      height,
      x: { label: "seconds of training" },
      y: {
        label: "loss (nats)",
        grid: true,
        domain: lows.length > 0 ? [Math.min(...lows) - 0.3, Math.max(...lows) + 0.3] : [0, 10],
      },
      color: { legend: true, domain: kinds, range: ["#97bbf5", "#e8590c", "#3ca951", "#9c6b4e"] },
      marks: [
        Plot.ruleY(lines.map((l) => l.y), { stroke: "#888", strokeDasharray: "4 4" }),
        // Labels at the left end, where training has barely begun, so that they do not sit on the lines where they cross.
        Plot.text(lines, { y: "y", text: "text", frameAnchor: "left", dx: 4, dy: -7, fill: "#666" }),
        Plot.line(this.points, { x: "seconds", y: "loss", stroke: "kind", z: "kind" }),
        Plot.dot(this.points.filter((p) => p.kind !== "training batch"), { x: "seconds", y: "loss", fill: "kind" }),
      ],
    });
  }
}

/** What `Deno.jupyter.display` looks like, for {@linkcode liveOutputs} (the library never calls it itself). */
export type JupyterDisplay = (
  obj: unknown,
  options?: { raw?: boolean; update?: boolean; display_id?: string },
) => Promise<void>;

/**
 * Outputs that a running cell redraws in place (a live chart, a status line): `show` displays each
 * once under its own display id, `update` replaces them. Pass the kernel's `Deno.jupyter.display`
 * (the library itself never touches `Deno.jupyter`, which exists only inside the kernel). Each value
 * is anything Jupyter displays: a {@linkcode Chart}, a table, `Deno.jupyter.md` text.
 *
 * @example
 * ```ts
 * import { liveOutputs } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const calls: unknown[] = [];
 * const live = liveOutputs(async (obj, options) => void calls.push([obj, options]), ["chart", "status"]);
 * await live.show("a", "b");
 * await live.update("c", "d");
 * assert.deepEqual(calls[3], ["d", { display_id: "status", update: true }]);
 * ```
 */
export function liveOutputs(display: JupyterDisplay, ids: readonly string[]) {
  if (typeof display !== "function") throw new TypeError("Cannot make live outputs: pass Deno.jupyter.display");
  const put = async (values: unknown[], update: boolean) => {
    if (values.length !== ids.length) {
      throw new RangeError(
        `Cannot show live outputs: ${values.length} values for ${ids.length} outputs (${ids.join(", ")})`,
      );
    }
    for (const [k, value] of values.entries()) {
      await display(value, { display_id: ids[k], ...(update ? { update: true } : {}) });
    }
  };
  return {
    /** Displays each value once, under its id. */
    show: (...values: unknown[]) => put(values, false),
    /** Replaces what the ids show. */
    update: (...values: unknown[]) => put(values, true),
  };
}

/** One prompt's top next words, for {@linkcode topWordsChart}. */
export interface PromptWords {
  readonly prompt: string;
  readonly words: readonly { readonly word: string; readonly p: number }[];
}

/**
 * The top next words of several prompts as horizontal bars, "prompt … word", one colour per prompt,
 * most probable first, with each probability written at the end of its bar (notebooks 07 and 08).
 *
 * @example
 * ```ts
 * import { topWordsChart } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const chart = topWordsChart([{ prompt: "the king", words: [{ word: "ruled", p: 0.4 }, { word: "was", p: 0.2 }] }]);
 * assert.ok(chart.html.includes("the king … ruled"));
 * ```
 */
export function topWordsChart(
  prompts: readonly PromptWords[],
  options: { title?: string; subtitle?: string; width?: number; digits?: number } = {},
): Chart {
  if (!(prompts?.length > 0)) {
    throw new RangeError("Cannot draw top words: expected a list of { prompt, words }, got none");
  }
  const {
    title = "Top next words",
    subtitle = "P(next word | prompt), most probable first",
    width = 640,
    digits = 3,
  } = options;
  const rows = prompts.flatMap(({ prompt, words }: PromptWords) =>
    words.map(({ word, p }) => ({ prompt: `${prompt} …`, label: `${prompt} … ${word}`, p }))
  );
  const longest = Math.max(...rows.map((r) => r.label.length));
  return plot({
    title,
    subtitle,
    width,
    height: 60 + 18 * rows.length,
    marginLeft: Math.min(260, 20 + 7 * longest),
    marginBottom: 40,
    x: { label: "probability", grid: true },
    y: { label: null, domain: rows.map((r) => r.label) },
    color: {
      legend: true,
      domain: prompts.map((p) => `${p.prompt} …`),
      range: ["#4269d0", "#e8590c", "#3ca951", "#9c6b4e", "#6f42c1"],
    },
    marks: [
      Plot.barX(rows, { x: "p", y: "label", fill: "prompt" }),
      Plot.text(rows, { x: "p", y: "label", text: (d: { p: number }) => d.p.toFixed(digits), dx: 20 }),
    ],
  });
}

/**
 * Two groups' values as stacked histograms of shares (each group's own tokens add to 100 %), for a
 * unit's tanh(c) inside and outside a feature (notebook 10). `groups` names the two groups in order, the first
 * panel on top.
 *
 * @example
 * ```ts
 * import { groupHistogram } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const data = [{ value: 0.9, where: "in" }, { value: -0.2, where: "out" }];
 * assert.ok(groupHistogram(data, { title: "t", groups: ["in", "out"] }).html.includes("<svg"));
 * ```
 */
export function groupHistogram(
  data: readonly { value: number; where: string }[],
  options: { title: string; groups: readonly string[]; subtitle?: string; domain?: [number, number]; width?: number },
): Chart {
  const {
    title,
    groups,
    subtitle = "Share of each group's tokens in each band of tanh(c)",
    domain = [-1, 1],
    width = 300,
  } = options;
  return plot({
    title,
    subtitle,
    width,
    height: 260,
    marginBottom: 40,
    x: { label: "tanh(c)", domain, ticks: 5, labelAnchor: "center", labelOffset: 32 },
    y: { label: "% of the group's tokens", percent: true, domain: [0, 100], ticks: [0, 50, 100], grid: true },
    color: { legend: true, domain: [...groups], range: ["#e08214", "#8c8c8c"] },
    // The panels in the order of `groups` (Plot would sort them by name), with a gap so that "100" and "0" do
    // not meet.
    fy: { domain: [...groups], label: null, axis: null, padding: 0.2 },
    marks: [
      Plot.frame({ stroke: "#ddd" }),
      Plot.rectY(
        data,
        Plot.binX<Plot.RectYOptions>({ y: "proportion-facet" }, {
          x: "value",
          fill: "where",
          fy: "where",
          interval: 0.05,
        }),
      ),
    ],
  });
}

/**
 * A matrix as a heatmap the way it is written: row r of the chart is row r of `M`, column k is
 * column k, each entry's value in its square when `digits` is given.
 *
 * @example
 * ```ts
 * import { matrix, matrixHeatmap } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.ok(matrixHeatmap(matrix(2, 3, [1, 2, 3, 4, 5, 6])).html.includes("<svg"));
 * ```
 */
export function matrixHeatmap(
  M: { rows: number; cols: number; data: ArrayLike<number> },
  options: HeatmapOptions = {},
): Chart {
  const columns = Array.from(
    { length: M.cols },
    (_, k) => Float32Array.from({ length: M.rows }, (_, r) => M.data[r * M.cols + k]),
  );
  return heatmap(columns, {
    xLabel: "column",
    yLabel: "row",
    columns: Array.from({ length: M.cols }, (_, k) => String(k)),
    rows: Array.from({ length: M.rows }, (_, r) => String(r)),
    ...options,
  });
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
        ...(floor === undefined ? [] : [Plot.ruleY([floor], { stroke: "#888", strokeDasharray: "4 4" })]),
        ...line("loss", "#e8590c"),
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
        ...(ceiling === undefined ? [] : [Plot.ruleY([ceiling], { stroke: "#888", strokeDasharray: "4 4" })]),
        ...line("accuracy", "#4269d0"),
      ],
    }),
  ]);
}

/**
 * One of the example's weight matrices as a labelled grid: a row per unit, a column per entry of
 * `[hₜ₋₁, xₜ]`, each weight written in its square (the lecture's 21 weights of W_f, for example).
 */
export function weightGrid(
  W: { rows: number; cols: number; data: ArrayLike<number> },
  title: string,
  subtitle?: string,
): Chart {
  if (W.rows !== 3 || W.cols !== 7) {
    throw new RangeError(`Cannot draw the example's weights: got a [${W.rows}, ${W.cols}] matrix, expected [3, 7]`);
  }
  const largest = Math.max(1, ...Array.from(W.data, Math.abs));
  return matrixHeatmap(W, {
    title,
    subtitle: subtitle ??
      "One row per unit, one column per entry of [hₜ₋₁, xₜ]: unit k's z is its row times [hₜ₋₁, xₜ], plus its bias",
    columns: EXAMPLE_COLUMNS,
    rows: EXAMPLE_UNITS.map((u, k) => `unit ${k}: ${u}`),
    xLabel: "entry of [hₜ₋₁, xₜ]: the three of hₜ₋₁, then one per word (xₜ is one-hot)",
    yLabel: "unit",
    domain: [-largest, largest],
    scheme: "rdbu",
    digits: 0,
    legend: false,
  });
}
