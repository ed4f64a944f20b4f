/**
 * Notebook 10's pictures of a trained LSTM: every unit's correlation with a feature, one unit's
 * profile and spread, gate saturation (Karpathy, Johnson & Fei-Fei 2015, figure 3), the gates of
 * chosen units over a sentence, and the next-word probability after each token. Each takes the
 * numbers {@linkcode searchUnits}, {@linkcode saturation} and {@linkcode passagePredictions} compute
 * and returns a {@linkcode Chart}. Charts in a {@linkcode chartRow} keep their width, so those keep within the
 * classic Notebook UI's output width (about 770 px); a chart on its own (the correlation strip, 820 px) is
 * scaled down to fit.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Chart, chartRow, plot } from "../charts/plot.ts";
import { ACCENT, GREY, SERIES } from "../charts/palette.ts";
import { type Table, table } from "../charts/display.ts";
import {
  positionProfile,
  runnerUp,
  type Saturation,
  type Span,
  splitByFeature,
  type TokenPrediction,
  type UnitSearch,
} from "./inside.ts";

/**
 * How a token is written on a chart axis: ⏎ for `<eos>`, and the quotation marks named, `open “` and
 * `close ”`, since a lone “ and ” (or `` and '') look alike in small rotated labels.
 */
export function tokenLabel(word: string): string {
  return ({ "``": "open “", "''": "close ”", "<eos>": "⏎" } as Record<string, string>)[word] ?? word;
}

/**
 * One dot per unit and row: each feature's r on the evidence text for the trained network (the unit
 * the search text picked in red, with its number, and the runner-up, the strongest other unit on the
 * evidence text, ringed in red with its number) and for the first `controls` control networks (grey).
 */
export function correlationStrip(
  found: readonly (Pick<UnitSearch, "unit" | "rEvidence" | "rControls"> & { name: string })[],
  controlNames: readonly string[],
  controls = 2,
): Chart {
  const shown = controlNames.slice(0, controls);
  const rows = found.flatMap((f) => {
    const second = runnerUp(f).unit;
    return [
      ...Array.from(f.rEvidence, (r, unit) => ({
        row: `${f.name} · trained`,
        r,
        unit,
        best: unit === f.unit,
        second: unit === second,
      })),
      ...shown.flatMap((name, c) =>
        Array.from(f.rControls[c], (r, unit) => ({ row: `${f.name} · ${name}`, r, unit, best: false, second: false }))
      ),
    ];
  });
  const H = found[0]?.rEvidence.length ?? 0;
  const named = (d: { unit: number }) => `unit ${d.unit}`;
  return plot({
    title: "Every unit's correlation with each feature, on the evidence text",
    subtitle: `One dot per unit (${H} per row). Red: the unit the search text picked; red ring: the runner-up. ` +
      `Grey: ${shown.length} of the table's ${controlNames.length} controls, named in their rows`,
    width: 820,
    height: 80 + 28 * found.length * (1 + shown.length),
    // Room for the longest row label (about 6.5 px a character at Plot's 10 px font).
    marginLeft: Math.min(460, 12 + Math.ceil(6.5 * Math.max(...rows.map((d) => d.row.length)))),
    marginBottom: 45,
    x: {
      label: "r between tanh(c) of the unit and the feature",
      domain: [-1, 1],
      grid: true,
      labelAnchor: "center",
      labelOffset: 38,
    },
    y: { label: null, domain: found.flatMap((f) => [`${f.name} · trained`, ...shown.map((c) => `${f.name} · ${c}`)]) },
    marks: [
      Plot.ruleX([0]),
      Plot.dot(rows.filter((d) => !d.best && !d.second), {
        x: "r",
        y: "row",
        r: 2.5,
        fill: (d: { row: string }) => (d.row.endsWith("trained") ? SERIES.blue : GREY.rule),
        fillOpacity: 0.45,
      }),
      Plot.dot(rows.filter((d) => d.second), { x: "r", y: "row", r: 5, stroke: ACCENT.red, strokeWidth: 1.5 }),
      Plot.dot(rows.filter((d) => d.best), { x: "r", y: "row", r: 5, fill: ACCENT.red }),
      // The pick's number above its dot, the runner-up's below, so that the two never overlap.
      Plot.text(rows.filter((d) => d.best), { x: "r", y: "row", text: named, dy: -11, fill: ACCENT.red }),
      Plot.text(rows.filter((d) => d.second), { x: "r", y: "row", text: named, dy: 12, fill: ACCENT.red }),
    ],
  });
}

/**
 * Units' mean standardised value after the n-th token of a sentence (see {@linkcode positionProfile}),
 * one line per unit: for a trained unit beside a control's, since r ignores scale.
 */
export function positionChart(
  units: readonly { name: string; values: ArrayLike<number> }[],
  sentencePosition: ArrayLike<number>,
  title: string,
): Chart {
  const points = units.flatMap(({ name, values }) =>
    positionProfile(values, sentencePosition).map((d) => ({ ...d, network: name }))
  );
  return plot({
    title,
    subtitle: "Mean standardised tanh(c) after the n-th token of a sentence (n reached by at least 20 sentences)",
    width: 236,
    height: 260,
    marginBottom: 40,
    x: { label: "tokens of the sentence read, n", labelAnchor: "center", labelOffset: 32 },
    y: { label: "mean tanh(c), standardised", grid: true },
    color: { legend: true, domain: units.map((u) => u.name), range: [ACCENT.amber, GREY.other, SERIES.blue] },
    marks: [
      Plot.ruleY([0]),
      Plot.line(points, { x: "n", y: "mean", stroke: "network", z: "network" }),
      Plot.dot(points, { x: "n", y: "mean", fill: "network", r: 2 }),
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
 * import { groupHistogram } from "@course/lib/course/inside_charts.ts";
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
    color: { legend: true, domain: [...groups], range: [ACCENT.amber, GREY.other] },
    // The panels in the order of `groups` (Plot would sort them by name), with a gap so that "100" and "0" do
    // not meet.
    fy: { domain: [...groups], label: null, axis: null, padding: 0.2 },
    marks: [
      Plot.frame({ stroke: GREY.frame }),
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
 * A unit's values where a 0/1 feature holds (orange, the upper panel) and where it does not (grey, the
 * lower one), as two histograms of shares: each bar is the percentage of its group's tokens in a band of
 * tanh(c) 0.05 wide, on an axis from 0 to 100 % so that no bar runs past it.
 */
export function featureHistogram(
  values: ArrayLike<number>,
  flag: ArrayLike<number>,
  groups: { yes: string; no: string; title: string },
): Chart {
  const { labels, data } = splitByFeature(values, flag, groups.yes, groups.no);
  return groupHistogram(data, { title: groups.title, groups: labels, width: 236 });
}

/**
 * Karpathy et al.'s saturation plot for one gate: per unit, the fraction of tokens it is left-saturated
 * (x) and right-saturated (y), with the diagonal x + y = 1 (a switch, always at one end) dashed. Many
 * dots sit on top of each other in the two corners, so the units nearly always open (top left) or shut
 * (bottom right) are drawn darker and counted in a label beside their corner: the open one in the empty
 * space to its right, the shut one in the right margin, level with it.
 */
export function saturationChart(name: string, s: Saturation, tokens: number): Chart {
  const H = s.left.length;
  const units = Array.from(s.left, (left, k) => ({ left, right: s.right[k] }));
  const corner = (d: { left: number; right: number }) => d.left > 0.9 || d.right > 0.9;
  const open = units.filter((d) => d.right > 0.9).length, shut = units.filter((d) => d.left > 0.9).length;
  const label = { fill: ACCENT.navy, fontSize: 11, textAnchor: "start", lineAnchor: "top", lineHeight: 1.1 } as const;
  return plot({
    title: name,
    subtitle: `${H} units over ${tokens.toLocaleString("en-US")} tokens`,
    width: 236, // three side by side fit the classic Notebook UI's output area (about 770 px)
    height: 220, // a plot area about as high as it is wide
    marginLeft: 34,
    marginRight: 76, // the shut corner's label
    marginBottom: 42,
    x: { label: "fraction left-saturated (< 0.1) →", domain: [0, 1], ticks: 5, labelAnchor: "center", labelOffset: 34 },
    y: { label: "↑ fraction right-saturated (> 0.9)", domain: [0, 1], ticks: 5 },
    marks: [
      Plot.line([[0, 1], [1, 0]], { stroke: GREY.guide, strokeDasharray: "4 3" }),
      Plot.frame({ stroke: GREY.frame }),
      Plot.dot(units.filter((d) => !corner(d)), {
        x: "left",
        y: "right",
        r: 2.5,
        fill: SERIES.blue,
        fillOpacity: 0.35,
      }),
      Plot.dot(units.filter(corner), { x: "left", y: "right", r: 2.5, fill: ACCENT.navy, fillOpacity: 0.8 }),
      // Each label's first line level with its corner (the open one in the empty space above the diagonal);
      // the shut one starts clear of the x axis's "1.0".
      Plot.text([`← ${open} units open > 90 %`], { ...label, x: 0, y: 1, dx: 8, dy: -6 }),
      Plot.text([`← ${shut} units\nshut > 90 %`], { ...label, x: 1, y: 0, dx: 12, dy: -6 }),
    ],
  });
}

/**
 * The f, i and o of chosen units over one sentence, one panel per gate: each square is one unit (row)
 * after reading one token (column), dark for open (near 1). Every panel has its gate's name above it
 * and the tokens under it, so each can be read on its own.
 *
 * @param gates the traced gates, each `[T][H]`
 * @param words the tokens of the whole traced text, `[T]`
 * @param units the units to draw, with a row label each
 */
export function gateGrid(
  gates: { f: readonly ArrayLike<number>[]; i: readonly ArrayLike<number>[]; o: readonly ArrayLike<number>[] },
  words: readonly string[],
  span: Span,
  units: readonly { unit: number; label: string }[],
): Chart {
  const names = { f: "forget gate f", i: "input gate i", o: "output gate o" } as const;
  const sentence = words.slice(span.from, span.to);
  const cells = (["f", "i", "o"] as const).flatMap((g) =>
    sentence.flatMap((_, t) =>
      units.map(({ unit }, row) => ({ gate: names[g], t, row, value: gates[g][span.from + t][unit] }))
    )
  );
  // Each panel is `panel` px high; between two panels, `gap` px hold the tokens of the one above and the
  // name of the one below. With no outer padding, a band scale with inner padding gap / (panel + gap)
  // gives exactly that.
  const panel = 18 * units.length, gap = 80, top = 26, bottom = 58;
  const tokens = (t: number) => tokenLabel(sentence[t]);
  return plot({
    title: `The gates of ${units.length} units over one sentence`,
    subtitle: "Each square: one unit (row, by its number) after reading one token (column); dark = open, near 1",
    width: Math.min(820, 110 + 22 * sentence.length),
    height: top + 3 * panel + 2 * gap + bottom,
    marginTop: top,
    marginLeft: 80,
    marginRight: 20,
    marginBottom: bottom,
    padding: 0,
    fy: { domain: Object.values(names), paddingInner: gap / (panel + gap), paddingOuter: 0, axis: null },
    x: { domain: sentence.map((_, t) => t) },
    // No axis label: Plot would write "unit" beside the middle panel only; the subtitle says what a row is.
    y: { label: null, domain: units.map((_, row) => row), tickFormat: (row: number) => units[row].label },
    color: { type: "linear", scheme: "blues", domain: [0, 1], legend: true, label: "gate value" },
    marks: [
      Plot.cell(cells, { fy: "gate", x: "t", y: "row", fill: "value", inset: 0.5 }),
      // The tokens under every panel, not only the last (facetAnchor null: all facets).
      Plot.axisX({ facetAnchor: null, tickFormat: tokens, tickRotate: -60, label: null }),
      Plot.text(Object.values(names), {
        fy: (d: string) => d,
        text: (d: string) => d,
        frameAnchor: "top-left",
        dy: -8,
        lineAnchor: "bottom",
        fontWeight: 600,
      }),
    ],
  });
}

/** How wide {@linkcode predictionCharts} draws each chart: within the classic Notebook UI's output (about 770 px). */
export const PREDICTION_CHART_WIDTH = 740;

/**
 * Two bar charts over a passage's tokens: the probability given to the word that really came next
 * (with the top guess's probability as a red tick), and the entropy of the distribution in bits. Each is
 * {@linkcode PREDICTION_CHART_WIDTH} px wide, every token's bar and label inside it.
 */
export function predictionCharts(predictions: readonly TokenPrediction[]): Chart {
  const rows = predictions.map((d) => ({ ...d, label: `${d.t} ${tokenLabel(d.word)}`, pTop: d.top[0].p }));
  const x = {
    label: null,
    domain: rows.map((d) => d.label),
    tickRotate: -60,
    tickFormat: (d: string) => d.replace(/^\d+ /, ""),
  };
  const frame = { width: PREDICTION_CHART_WIDTH, marginLeft: 40, marginRight: 10, marginBottom: 70 };
  return chartRow([
    plot({
      title: "Probability of the word that came next",
      subtitle: "Bar over each token: the probability the model gave, after reading it, to the token that came " +
        "next. Red tick: the probability of its top guess, so a bar that reaches its tick means the top guess was right",
      ...frame,
      height: 250,
      x,
      y: { label: "probability", domain: [0, 1], grid: true },
      marks: [
        Plot.barY(rows, { x: "label", y: "pNext", fill: SERIES.blue }),
        Plot.tickY(rows, { x: "label", y: "pTop", stroke: ACCENT.red, strokeWidth: 2 }),
      ],
    }),
    plot({
      title: "How unsure the model is after each token",
      subtitle: "Entropy of the next-word distribution, in bits",
      ...frame,
      height: 230,
      x,
      y: { label: "bits", grid: true },
      marks: [Plot.barY(rows, { x: "label", y: "bits", fill: GREY.rule })],
    }),
  ]);
}

/**
 * The table of a search: per feature, the unit the search text picked, its r on both texts, the best
 * |r| of the untrained network and the range over the other controls, and whether it counts as learned.
 */
export function searchTable(found: readonly (UnitSearch & { name: string })[]): Table {
  return table(
    found.map((f) => {
      const others = f.controlBests.slice(1).map((b) => Math.abs(b.r));
      return {
        feature: f.name,
        "best unit (search text)": f.unit,
        "r, search text": f.rSearch[f.unit].toFixed(2),
        "r, evidence text": f.rEvidence[f.unit].toFixed(2),
        "best |r|, untrained network": Math.abs(f.controlBests[0].r).toFixed(2),
        [`best |r|, untrained LSTM + trained word vectors (${others.length} seeds)`]: others.length
          ? `${Math.min(...others).toFixed(2)}–${Math.max(...others).toFixed(2)}`
          : "–",
        learned: f.learned ? "yes" : "no",
      };
    }),
    { caption: "The best unit for each feature, and the checks" },
  );
}
