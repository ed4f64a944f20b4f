/**
 * Notebooks 04–06's pictures: one of the running example's weight matrices as a labelled grid (notebook
 * 04), and, of the trained story model, one gate of the name units over a story, word by word, with the
 * names and the questions marked, and the gate figures over several seeds as a table. The story charts
 * take what {@linkcode storyGates} and {@linkcode storyGateStats} compute.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Chart, plot } from "../charts/plot.ts";
import { matrixHeatmap } from "../charts/heatmap.ts";
import { ACCENT, GREY, SERIES } from "../charts/palette.ts";
import { type Table, table } from "../charts/display.ts";
import { EXAMPLE_COLUMNS, EXAMPLE_UNITS } from "../core/running_example.ts";
import { STORY_NAMES, STORY_QUESTION } from "./story.ts";
import type { StoryGates, StoryGateStats } from "./story_gates.ts";

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

/** What a story chart can draw, with its symbol: the three gates, and the size of the write. */
export const STORY_GATE_SYMBOLS = { f: "fₜ", i: "iₜ", o: "oₜ", write: "|iₜ ⊗ c̃ₜ|" } as const;

/**
 * One gate of the name units, averaged over them, after each word of a story (a line with a dot per
 * word, on a fixed 0 to 1 scale), with an orange band at each name and a blue one at each question.
 *
 * @param gates what {@linkcode storyGates} returns for a trained model and a story
 * @param gate `"f"`, `"i"`, `"o"`, or `"write"` (the size of the write |iₜ ⊗ c̃ₜ|, also between 0 and 1)
 * @throws {RangeError} if `gate` is not one of the four
 *
 * @example
 * ```ts
 * import { storyGateChart, trainStoryLSTM, storyGates } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const story = trainStoryLSTM({ epochs: 1, perEpoch: 64 });
 * const chart = storyGateChart(storyGates(story, [0]), "f");
 * assert.ok(chart.html.includes("<svg"));
 * ```
 */
export function storyGateChart(
  gates: StoryGates,
  gate: keyof typeof STORY_GATE_SYMBOLS,
  options: { title?: string; subtitle?: string; width?: number } = {},
): Chart {
  if (!(gate in STORY_GATE_SYMBOLS)) {
    throw new RangeError(
      `Cannot draw story gate chart: gate must be "f", "i", "o" or "write", got ${JSON.stringify(gate)}`,
    );
  }
  const values = gates[gate];
  const isName = (w: string) => (STORY_NAMES as readonly string[]).includes(w);
  const data = gates.words.map((word, t) => ({ t, word, value: values[t] }));
  const marked = (test: (w: string) => boolean) => data.filter((d) => test(d.word));
  return plot({
    title: options.title,
    subtitle: options.subtitle,
    width: options.width ?? 800,
    height: 300,
    marginBottom: 70,
    x: {
      domain: data.map((d) => d.t),
      tickFormat: (t: number) => `${gates.words[t]}`,
      tickRotate: -60,
      label: null,
      padding: 0,
    },
    // The axis is named in the caption: a label at the top left would collide with the first word's mark.
    y: { domain: [0, 1], grid: true, label: null },
    caption: `${STORY_GATE_SYMBOLS[gate]}, the mean over the name units (${gates.units.join(", ")}), after each word`,
    marks: [
      Plot.barY(marked(isName), { x: "t", y: 1, fill: SERIES.orange, fillOpacity: 0.18, inset: 0 }),
      Plot.barY(marked((w) => w === STORY_QUESTION), { x: "t", y: 1, fill: SERIES.blue, fillOpacity: 0.18, inset: 0 }),
      Plot.line(data, { x: "t", y: "value", stroke: GREY.text, strokeWidth: 1.5 }),
      Plot.dot(data, { x: "t", y: "value", r: 2.5, fill: GREY.text }),
      Plot.text(marked(isName), { x: "t", y: 1, text: () => "name", dy: -6, fill: ACCENT.orangeText, fontSize: 10 }),
      Plot.text(marked((w) => w === STORY_QUESTION), {
        x: "t",
        y: 1,
        text: () => "who?",
        dy: -6,
        fill: ACCENT.blueText,
        fontSize: 10,
      }),
    ],
  });
}

/**
 * The gate figures of several trained story models, one row per weight seed and a last row with each
 * figure's range: the mean gate of the name units at the kinds of word the lecture names. Notebooks
 * 04–06 pass the columns of their own gate.
 *
 * @param seeds the weight seed of each model, `[S]`
 * @param stats {@linkcode storyGateStats} of each model, `[S]`
 * @param columns the figures to show: a heading and the field of {@linkcode StoryGateStats}
 * @throws {RangeError} if `seeds` and `stats` differ in length or are empty
 */
export function storySeedTable(
  seeds: readonly number[],
  stats: readonly StoryGateStats[],
  columns: Record<string, keyof StoryGateStats>,
  caption?: string,
): Table {
  if (seeds.length === 0 || seeds.length !== stats.length) {
    throw new RangeError(
      `Cannot make story seed table: got ${seeds.length} seeds and ${stats.length} stats, expected the same number (≥ 1)`,
    );
  }
  const rows: Record<string, string | number>[] = stats.map((s, k) => ({
    seed: seeds[k],
    "name units": s.units.length,
    ...Object.fromEntries(Object.entries(columns).map(([heading, key]) => [heading, storyFigure(s, key)])),
  }));
  const range = (key: keyof StoryGateStats) => storySeedRange(stats, key);
  rows.push({
    seed: "range",
    "name units": "",
    ...Object.fromEntries(Object.entries(columns).map(([heading, key]) => [heading, range(key)])),
  });
  return table(rows, { caption });
}

/**
 * Story models side by side, one row per network (e.g. trained with and without a regulariser), the
 * figures printed as {@linkcode storySeedTable} prints them.
 *
 * @param networks each network's name and its {@linkcode storyGateStats}
 * @param columns the figures to show: a heading and the field of {@linkcode StoryGateStats}
 * @throws {RangeError} if `networks` is empty
 */
export function storyCompareTable(
  networks: Record<string, StoryGateStats>,
  columns: Record<string, keyof StoryGateStats>,
  caption?: string,
): Table {
  const entries = Object.entries(networks);
  if (entries.length === 0) throw new RangeError("Cannot make story comparison table: got 0 networks");
  return table(
    entries.map(([network, s]) => ({
      network,
      ...Object.fromEntries(Object.entries(columns).map(([heading, key]) => [heading, storyFigure(s, key)])),
    })),
    { caption },
  );
}

/** Decimals for a story figure: 3 for the small writes and candidate sizes (0.011), 2 for the rest. */
function storyDigits(key: keyof StoryGateStats): number {
  return /^(write|candidate)/.test(key) ? 3 : 2;
}

/** One story figure as the notebooks print it (a gate 0.96, a write 0.011). */
function storyFigure(s: StoryGateStats, key: keyof StoryGateStats): string {
  return (s[key] as number).toFixed(storyDigits(key));
}

/**
 * One gate figure's range over several trained story models, as the notebooks print it: "0.94–0.95"
 * (lowest–highest, two decimals; three for writes and candidate sizes), or "0.94" when both ends round alike.
 *
 * @param stats {@linkcode storyGateStats} of each model, `[S]`
 * @param key a numeric field of {@linkcode StoryGateStats}
 * @throws {RangeError} if `stats` is empty
 *
 * @example
 * ```ts
 * import { storySeedRange, type StoryGateStats } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const stats = [{ forgetAtWords: 0.941 }, { forgetAtWords: 0.95 }] as unknown as StoryGateStats[];
 * assert.equal(storySeedRange(stats, "forgetAtWords"), "0.94–0.95");
 * assert.equal(storySeedRange(stats.slice(0, 1), "forgetAtWords"), "0.94");
 * ```
 */
export function storySeedRange(stats: readonly StoryGateStats[], key: keyof StoryGateStats): string {
  if (stats.length === 0) throw new RangeError("Cannot give a seed range: got 0 stats, expected at least 1");
  const values = stats.map((s) => s[key] as number);
  const digits = storyDigits(key);
  const [lo, hi] = [Math.min(...values).toFixed(digits), Math.max(...values).toFixed(digits)];
  return lo === hi ? lo : `${lo}–${hi}`; // "0.94", not "0.94–0.94"
}
