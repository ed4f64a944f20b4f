/**
 * Notebook 10's pictures of a trained LSTM: every unit's correlation with a feature, one unit's
 * profile and spread, gate saturation (Karpathy, Johnson & Fei-Fei 2015, figure 3), the gates of
 * chosen units over a sentence, and the next-word probability after each token. Each takes the
 * numbers {@linkcode searchUnits}, {@linkcode saturation} and {@linkcode passagePredictions} compute
 * and returns a {@linkcode Chart}; the charts keep within the Notebook UI's output width (820 px).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Chart, chartRow, groupHistogram, plot } from "./plot.ts";
import { type Table, table } from "./display.ts";
import {
  positionProfile,
  type Saturation,
  type Span,
  splitByFeature,
  type TokenPrediction,
  type UnitSearch,
} from "./inside.ts";

/** How a token is written on a chart axis: typographic quotes, which stay visible when small, and ⏎ for `<eos>`. */
export function tokenLabel(word: string): string {
  return ({ "``": "“", "''": "”", "<eos>": "⏎" } as Record<string, string>)[word] ?? word;
}

/**
 * One dot per unit and row: each feature's r on the evidence text for the trained network (the unit
 * the search text picked in red, with its number) and for the first `controls` control networks (grey).
 */
export function correlationStrip(
  found: readonly (Pick<UnitSearch, "unit" | "rEvidence" | "rControls"> & { name: string })[],
  controlNames: readonly string[],
  controls = 2,
): Chart {
  const shown = controlNames.slice(0, controls);
  const rows = found.flatMap((f) => [
    ...Array.from(f.rEvidence, (r, unit) => ({ row: `${f.name} · trained`, r, unit, best: unit === f.unit })),
    ...shown.flatMap((name, c) =>
      Array.from(f.rControls[c], (r, unit) => ({ row: `${f.name} · ${name}`, r, unit, best: false }))
    ),
  ]);
  const H = found[0]?.rEvidence.length ?? 0;
  return plot({
    title: "Every unit's correlation with each feature, on the evidence text",
    subtitle:
      `One dot per unit (${H} per row); red: the unit the search text picked, with its number; grey: ${shown.length} of the controls`,
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
      Plot.dot(rows.filter((d) => !d.best), {
        x: "r",
        y: "row",
        r: 2.5,
        fill: (d: { row: string }) => (d.row.endsWith("trained") ? "#4269d0" : "#999"),
        fillOpacity: 0.45,
      }),
      Plot.dot(rows.filter((d) => d.best), { x: "r", y: "row", r: 5, fill: "#d62728" }),
      Plot.text(rows.filter((d) => d.best), {
        x: "r",
        y: "row",
        text: (d: { unit: number }) => `unit ${d.unit}`,
        dy: -11,
        fill: "#d62728",
      }),
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
    width: 250,
    height: 260,
    marginBottom: 40,
    x: { label: "tokens of the sentence read, n", labelAnchor: "center", labelOffset: 32 },
    y: { label: "mean tanh(c), standardised", grid: true },
    color: { legend: true, domain: units.map((u) => u.name), range: ["#e08214", "#8c8c8c", "#4269d0"] },
    marks: [
      Plot.ruleY([0]),
      Plot.line(points, { x: "n", y: "mean", stroke: "network", z: "network" }),
      Plot.dot(points, { x: "n", y: "mean", fill: "network", r: 2 }),
    ],
  });
}

/** A unit's values where a 0/1 feature holds and where it does not, as two histograms of shares. */
export function featureHistogram(
  values: ArrayLike<number>,
  flag: ArrayLike<number>,
  groups: { yes: string; no: string; title: string },
): Chart {
  const { labels, data } = splitByFeature(values, flag, groups.yes, groups.no);
  return groupHistogram(data, { title: groups.title, groups: labels, width: 250 });
}

/**
 * Karpathy et al.'s saturation plot for one gate: per unit, the fraction of tokens it is left-saturated
 * (x) and right-saturated (y), with the diagonal x + y = 1 dashed and the counts of units nearly always
 * open or shut written in, since many dots sit on top of each other at the edges.
 */
export function saturationChart(name: string, s: Saturation, tokens: number): Chart {
  const H = s.left.length;
  const open = s.right.filter((x) => x > 0.9).length, shut = s.left.filter((x) => x > 0.9).length;
  return plot({
    title: name,
    subtitle: `${H} units over ${tokens.toLocaleString("en-US")} tokens; dashed: left + right = 1`,
    width: 240,
    height: 290,
    marginBottom: 42,
    x: {
      label: "fraction of tokens left-saturated (< 0.1)",
      domain: [0, 1],
      ticks: 5,
      labelAnchor: "center",
      labelOffset: 34,
    },
    y: { label: "fraction right-saturated (> 0.9)", domain: [0, 1], ticks: 5 },
    marks: [
      Plot.line([[0, 1], [1, 0]], { stroke: "#bbb", strokeDasharray: "4 3" }),
      Plot.frame({ stroke: "#ddd" }),
      Plot.dot(Array.from(s.left, (left, k) => ({ left, right: s.right[k] })), {
        x: "left",
        y: "right",
        r: 2.5,
        fill: "#4269d0",
        fillOpacity: 0.35,
      }),
      Plot.text([`${open} units open on > 90 % of tokens`], { x: 0.04, y: 0.97, textAnchor: "start", fill: "#333" }),
      Plot.text([`${shut} units shut on > 90 %`], { x: 0.96, y: 0.55, textAnchor: "end", fill: "#333" }),
    ],
  });
}

/**
 * The f, i and o of chosen units over one sentence, one gate under another: each square is one unit
 * (row) after reading one token (column), dark for open (near 1).
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
  return plot({
    title: `The gates of ${units.length} units over one sentence`,
    subtitle: "Each square: one unit (row) after reading one token (column); dark = open, near 1",
    width: Math.min(820, 110 + 22 * sentence.length),
    height: 130 + 3 * 18 * units.length,
    marginLeft: 80,
    marginRight: 60,
    marginBottom: 70,
    padding: 0,
    fy: { label: null, domain: Object.values(names), padding: 0.08 },
    x: {
      label: null,
      domain: sentence.map((_, t) => t),
      tickFormat: (t: number) => tokenLabel(sentence[t]),
      tickRotate: -60,
    },
    y: { label: "unit", domain: units.map((_, row) => row), tickFormat: (row: number) => units[row].label },
    color: { type: "linear", scheme: "blues", domain: [0, 1], legend: true, label: "gate value" },
    marks: [Plot.cell(cells, { fy: "gate", x: "t", y: "row", fill: "value", inset: 0.5 })],
  });
}

/**
 * Two bar charts under a passage's tokens: the probability given to the word that really came next
 * (with the top guess's probability as a red tick), and the entropy of the distribution in bits.
 */
export function predictionCharts(predictions: readonly TokenPrediction[]): Chart {
  const rows = predictions.map((d) => ({ ...d, label: `${d.t} ${tokenLabel(d.word)}`, pTop: d.top[0].p }));
  const x = {
    label: null,
    domain: rows.map((d) => d.label),
    tickRotate: -60,
    tickFormat: (d: string) => d.replace(/^\d+ /, ""),
  };
  return chartRow([
    plot({
      title: "Probability of the word that came next",
      subtitle: "Bar under token t: P(token t+1 | tokens up to t); red tick: the model's top guess",
      width: 820,
      height: 260,
      marginBottom: 90,
      x,
      y: { label: "probability", domain: [0, 1], grid: true },
      marks: [
        Plot.barY(rows, { x: "label", y: "pNext", fill: "#4269d0" }),
        Plot.tickY(rows, { x: "label", y: "pTop", stroke: "#d62728", strokeWidth: 2 }),
      ],
    }),
    plot({
      title: "How unsure the model is after each token",
      subtitle: "Entropy of the next-word distribution, in bits",
      width: 820,
      height: 240,
      marginBottom: 90,
      x,
      y: { label: "bits", grid: true },
      marks: [Plot.barY(rows, { x: "label", y: "bits", fill: "#999" })],
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
