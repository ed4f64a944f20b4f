/**
 * Heatmaps: vectors side by side as coloured cells (gate activations over time, one column per step
 * and one row per unit), and a matrix drawn the way it is written.
 *
 * First used in notebook 02 (architecture).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Chart, plot } from "./plot.ts";
import { extent } from "./_extent.ts";
import { formatNumber, toVector, type VectorLike } from "../core/tensor.ts";

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
