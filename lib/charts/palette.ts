/**
 * The course's colours, named once: the series hues every chart draws lines and bars in, the greys of
 * text, rules and frames, the red-blue diverging scale, and the colours of the LSTM diagram. Charts,
 * tables and text views take their colours from here, so that a colour means the same on every page.
 *
 * Nothing here touches the DOM: the explorer's browser bundle uses it too.
 *
 * @module
 */

/**
 * The series hues: Observable Plot's categorical palette (observablehq.com/plot/features/scales), with
 * its yellow (#efb118) replaced by a darker orange that stays readable as a thin line on white.
 */
export const SERIES = {
  blue: "#4269d0",
  orange: "#e8590c",
  green: "#3ca951",
  coral: "#ff725c",
  teal: "#6cc5b0",
  purple: "#a463f2",
  pink: "#ff8ab7",
  brown: "#9c6b4e",
  lightBlue: "#97bbf5",
} as const;

/** The series colours in order: series k of a multi-line chart is drawn in `SERIES_COLORS[k]`. */
export const SERIES_COLORS: readonly string[] = [
  SERIES.blue,
  SERIES.orange,
  SERIES.green,
  SERIES.coral,
  SERIES.teal,
  SERIES.purple,
  SERIES.pink,
  SERIES.brown,
  SERIES.lightBlue,
];

/** Colours outside the series order, each for one job. */
export const ACCENT = {
  /** The group or unit a chart is about (notebook 10's feature), against {@linkcode GREY}.other. */
  amber: "#e08214",
  /** A fifth prompt's bars, after blue, orange, green and brown. */
  violet: "#6f42c1",
  /** What was picked, and the top guess (notebook 10's chosen unit and runner-up). */
  red: "#d62728",
  /** The darker blue of marks drawn over blue ones: saturated units, and their labels. */
  navy: "#1d3a8a",
  /** Text on a blue band ("who?" over notebook 04's question). */
  blueText: "#2a4fa8",
  /** Text on an orange band ("name" over notebook 04's names). */
  orangeText: "#b34100",
  /** The background of a right guess (light green). */
  hit: "#c7e9c0",
  /** The gate explorer's numbers written on its diagram. */
  link: "#1f4fa0",
} as const;

/** The greys, darkest first. */
export const GREY = {
  /** The darkest marks: the point a chart is about (the full run's end). */
  black: "#111",
  /** Headings, and dark marks that carry the data (a single line with its dots). */
  text: "#222",
  /** The diagrams' lines, arrows and text. */
  ink: "#333",
  /** Secondary text: subtitles, captions, a colour key, a state's name. */
  muted: "#555",
  /** Notes on a chart: a baseline's name, "time →". */
  note: "#666",
  /** A number beside a word (a probability in the text views). */
  faint: "#777",
  /** Dashed reference lines: baselines, the best possible, a window boundary. */
  baseline: "#888",
  /** The rest, against {@linkcode ACCENT}.amber: the tokens outside a feature, a control network. */
  other: "#8c8c8c",
  /** Zero lines, underlines, and marks in the background (control networks' units, entropy bars). */
  rule: "#999",
  /** A light dashed guide (the diagonal of a saturation plot). */
  guide: "#bbb",
  /** Rules under table headings. */
  border: "#ccc",
  /** Frames around facets and plots. */
  frame: "#ddd",
  /** The background of a control panel in an explorer. */
  panel: "#f4f6f8",
} as const;

/**
 * The ends and middle of the red-blue diverging scale (ColorBrewer RdBu): blue for the negative end,
 * near-white for the middle, red for the positive end.
 */
export const DIVERGING = { negative: "#2166ac", middle: "#f7f7f7", positive: "#b2182b" } as const;

/** The LSTM diagrams' colours: yellow layers, pink pointwise operations, the cell's panel, the gradient. */
export const DIAGRAM = {
  layer: { fill: "#ffe08a", stroke: "#b8860b" },
  op: { fill: "#f8bbd0", stroke: "#c2185b" },
  panel: { fill: "#f5f7fa", stroke: "#c9d1d9" },
  /** A gradient flowing backwards through time. */
  gradient: "#c62828",
} as const;

/** The background of a block of code (the library's source shown in a notebook). */
export const CODE_BACKGROUND = "#f6f8fa";

/**
 * The gates' colours where they are drawn as lines together (ColorBrewer Dark2): the model explorer's
 * unit chart.
 */
export const GATE_COLORS = { f: "#1b9e77", i: "#d95f02", o: "#7570b3" } as const;

/**
 * A colour as `[r, g, b, a]`, each 0–255: `#rgb`, `#rrggbb`, `rgb(r, g, b)` or `rgba(r, g, b, a)` (the
 * forms d3's interpolators produce, and the forms above).
 *
 * @param context what failed, for the error: "Cannot <context>: …"
 * @throws {TypeError} for any other form
 *
 * @example
 * ```ts
 * import { DIVERGING, parseColor } from "@course/lib/charts/palette.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseColor(DIVERGING.negative), [33, 102, 172, 255]);
 * assert.deepEqual(parseColor("rgba(1, 2, 3, 0.5)"), [1, 2, 3, 128]);
 * ```
 */
export function parseColor(color: string, context = "read a colour"): [number, number, number, number] {
  const text = color.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((d) => d + d).join("") : hex[1];
    return [0, 2, 4].map((k) => parseInt(h.slice(k, k + 2), 16)).concat(255) as [number, number, number, number];
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+))?\s*\)$/i.exec(text);
  if (rgb) {
    const [r, g, b] = [rgb[1], rgb[2], rgb[3]].map((v) => Math.round(Number(v)));
    const a = rgb[4] === undefined ? 255 : Math.round(Number(rgb[4]) * 255);
    return [r, g, b, a];
  }
  throw new TypeError(`Cannot ${context}: unsupported colour ${JSON.stringify(color)}, expected #rrggbb or rgb(...)`);
}
