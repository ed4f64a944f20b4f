/**
 * Notebook 09's charts of its runs: the validation curves of an experiment's runs, a run's passes over a
 * slice, the full run's curves, and the first-pass anomaly.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Chart, plot } from "../../charts/plot.ts";
import type { RunResult } from "./runner.ts";
import type { RunSpec } from "./configs.ts";
import type { SeededRun } from "./stats.ts";
import type { FirstPassFile, FullRunFile } from "./results.ts";
import { roundTicks } from "./log_ticks.ts";
import { GREY, SERIES, SERIES_COLORS } from "../../charts/palette.ts";

/** One colour a run (the recipe experiment has five runs): the course palette without its second red. */
const RUN_COLOURS = SERIES_COLORS.filter((c) => c !== SERIES.coral); // its red is too close to the orange

/**
 * Validation perplexity (log scale) of some runs against epochs, training tokens or seconds: each run's
 * mean over its seeds as a line, the band from its lowest to its highest seed shaded (for
 * {@linkcode SeededRun}s), and a dashed yardstick (the Kneser–Ney trigram's perplexity on the same
 * validation tokens) when given and within the axis. The axis is fitted to where the runs end. `labels` fixes each run's colour across the charts of a row.
 */
export function experimentCurves(
  runs: readonly (RunResult | SeededRun)[],
  labels: readonly string[],
  x: "epoch" | "tokens" | "seconds",
  title: string,
  yardstick: number | null,
  subtitle = sampleSubtitle(runs[0]),
): Chart {
  const points = runs.flatMap((r) => r.curve.map((p) => ({ ...p, run: r.label })));
  const band = runs.flatMap((r) =>
    "curveRange" in r ? r.curve.map((p, k) => ({ ...p, ...r.curveRange[k], run: r.label })) : []
  );
  const label = {
    epoch: "epochs (passes over the run's training text)",
    tokens: "training tokens",
    seconds: "seconds of training",
  }[x];
  // The end is what the runs are compared on: the y axis runs from just under the lowest final value
  // to 1.6 times the highest, so that the seed bands there are visible; earlier points above it are
  // cut off at the top.
  const ends = runs.flatMap((r) => {
    const k = r.curve.length - 1;
    return "curveRange" in r ? [r.curveRange[k].low, r.curveRange[k].high] : [r.curve[k].validPerplexity];
  });
  const all = points.map((p) => p.validPerplexity);
  const domain = [0.95 * Math.min(...ends), Math.min(1.6 * Math.max(...ends), 1.02 * Math.max(...all))];
  return plot({
    title,
    subtitle,
    width: 330,
    height: 230,
    marginLeft: 46,
    x: { label, grid: true, ...(x === "tokens" ? { tickFormat: "s" } : {}) },
    // Round ticks inside the axis (Plot's own log ticks leave a narrow range unlabelled).
    y: { label: "valid perplexity", type: "log", grid: true, domain, ticks: roundTicks(domain), tickFormat: String },
    color: { domain: [...labels], range: RUN_COLOURS, legend: x !== "seconds" },
    marks: [
      ...(yardstick === null || yardstick < domain[0] || yardstick > domain[1] ? [] : [
        Plot.ruleY([yardstick], { stroke: GREY.rule, strokeDasharray: "4 4" }),
        Plot.text([yardstick], {
          y: (d: number) => d,
          text: () => "KN trigram",
          frameAnchor: "left",
          dx: 4,
          dy: -6,
          fill: GREY.faint,
        }),
      ]),
      Plot.areaY(band, { x, y1: "low", y2: "high", fill: "run", z: "run", fillOpacity: 0.25, clip: true }),
      Plot.line(points, { x, y: "validPerplexity", stroke: "run", z: "run", clip: true }),
      Plot.dot(points, { x, y: "validPerplexity", fill: "run", r: 2, clip: true }),
    ],
  });
}

/** The validation text a run's curve is measured on, as a chart's subtitle: "measured on a 32,000-token validation sample". */
function sampleSubtitle(run: Pick<RunSpec, "curveValidTokens">): string {
  return `measured on a ${
    run.curveValidTokens.toLocaleString("en-US")
  }-token validation sample (dashed: the KN trigram on it)`;
}

/**
 * A run's training and validation perplexity after each pass (log scale), the lowest validation
 * point ringed: notebook 09's picture of overfitting on a slice.
 */
export function passesChart(run: RunResult | SeededRun, title: string): Chart {
  const points = run.curve.flatMap((p) => [
    { epoch: p.epoch, perplexity: p.validPerplexity, kind: "validation" },
    { epoch: p.epoch, perplexity: p.trainPerplexity, kind: "training (since the last point)" },
  ]);
  const band = "curveRange" in run ? run.curve.map((p, k) => ({ epoch: p.epoch, ...run.curveRange[k] })) : [];
  const best = run.curve.reduce((a, b) => (b.validPerplexity < a.validPerplexity ? b : a));
  return plot({
    title,
    subtitle:
      `Perplexity after each pass over the slice, mean of the seeds (shaded: lowest to highest seed); validation ` +
      `on a ${run.curveValidTokens.toLocaleString("en-US")}-token sample; the ringed dot is its lowest`,
    width: 560,
    height: 280,
    x: { label: "epochs (passes over the slice)", grid: true },
    y: { label: "perplexity", type: "log", grid: true },
    color: {
      legend: true,
      domain: ["validation", "training (since the last point)"],
      range: [SERIES.orange, SERIES.lightBlue],
    },
    marks: [
      Plot.areaY(band, { x: "epoch", y1: "low", y2: "high", fill: SERIES.orange, fillOpacity: 0.2 }),
      Plot.line(points, { x: "epoch", y: "perplexity", stroke: "kind", z: "kind" }),
      Plot.dot([best], { x: "epoch", y: "validPerplexity", r: 6, stroke: "black" }),
    ],
  });
}

/** Which validation tokens a full run's curve reads, in words: "The 32,000-token validation sample…" or "First 50,000 validation tokens". */
function fullRunCurveTokens(fr: FullRunFile): string {
  const { validationSample: sample, validationSlice: slice } = fr.training;
  if (sample) {
    return `The ${
      sample.tokens.toLocaleString("en-US")
    }-token validation sample (${sample.parts} stretches over the whole split)`;
  }
  if (slice) return `First ${slice.toLocaleString("en-US")} validation tokens`;
  throw new RangeError("Cannot tell the full run's validation tokens: expected validationSample or validationSlice");
}

/**
 * The full run's curves in one chart, against epochs: validation perplexity (dropout off), training
 * perplexity between measurements (dropout on, in training order) and the Kneser–Ney trigram on the
 * same validation tokens (dashed). Log scale.
 */
export function fullRunCharts(fr: FullRunFile, knOnCurve: number): Chart {
  const perEpoch = fr.training.tokens / fr.training.epochs;
  const series = [
    ["validation (dropout off)", "validPerplexity"],
    ["training since the last measurement (dropout on)", "trainPerplexity"],
  ] as const;
  const rows = series.flatMap(([name, key]) =>
    fr.training.curve.map((p) => ({ series: name, epochs: p.tokens / perEpoch, perplexity: p[key] }))
  );
  const values = [...rows.map((r) => r.perplexity), knOnCurve];
  const domain = [0.95 * Math.min(...values), 1.05 * Math.max(...values)];
  return plot({
    title: `The full run: ${(fr.training.seconds / 60).toFixed(0)} minutes, ${fr.training.epochs.toFixed(1)} epochs`,
    subtitle: `${fullRunCurveTokens(fr)}; dashed: the Kneser–Ney trigram on the same tokens`,
    width: 820,
    height: 300,
    x: { label: "epochs (passes over the training split)", grid: true, labelAnchor: "center" },
    marginBottom: 40,
    y: {
      label: "perplexity",
      type: "log",
      grid: true,
      domain,
      ticks: roundTicks(domain),
      tickFormat: (v: number) => String(v),
    },
    color: { legend: true, domain: series.map(([name]) => name), range: [SERIES.orange, SERIES.blue] },
    marks: [
      Plot.ruleY([knOnCurve], { stroke: GREY.rule, strokeDasharray: "4 4" }),
      Plot.line(rows, { x: "epochs", y: "perplexity", stroke: "series" }),
      Plot.dot(rows, { x: "epochs", y: "perplexity", fill: "series", r: 2.5 }),
    ],
  });
}

/** Where the first pass over Brown's training split ends, in tokens with `<eos>` (835,523 ids, less one). */
const FIRST_PASS_END = 835_522;

/**
 * Notebook 09's picture of the first-pass anomaly: the curve's validation slice read as the curve read
 * it (32 rows, each from a zero state), the same without its stuck rows, its first 20,000 tokens as one
 * row, and the training perplexity with dropout, along the replay of the earlier full run's first
 * passes; that run's own curve (`earlier`: data/results/full_run_earlier.json) as rings; a rule where
 * the second pass begins. Log scale.
 */
export function firstPassChart(fp: FirstPassFile, earlier: FullRunFile): Chart {
  const points = fp.checkpoints.filter((c) => c.tokens > 0);
  const series = [
    ["as the curve reads it: 32 rows, each from a zero state", (c: typeof points[number]) => c.validation],
    ["the same 32 rows without the stuck ones", (c: typeof points[number]) => c.validationRows?.withoutStuck ?? NaN],
    ["its first 20,000 tokens as one row", (c: typeof points[number]) => c.validationOneRow],
    [
      "training, with dropout: the last 100,000 tokens",
      (c: typeof points[number]) => c.trainPerplexityWithDropout ?? NaN,
    ],
  ] as const;
  const rows = series.flatMap(([name, get]) =>
    points.map((c) => ({ series: name, millions: c.tokens / 1e6, perplexity: get(c) }))
      .filter((r) => Number.isFinite(r.perplexity))
  );
  const full = earlier.training.curve.filter((c) => c.tokens <= fp.options.until)
    .map((c) => ({ millions: c.tokens / 1e6, perplexity: c.validPerplexity }));
  return plot({
    title: "The earlier full run's first pass again: the validation slice read three ways, and training",
    subtitle:
      "Replay of the earlier full run (deno task firstpass). Black rings: that run's own validation curve. Dashed: " +
      "the second pass begins; from there no row is stuck and the blue line coincides with the yellow one",
    width: 820,
    height: 320,
    // The label under the ticks, centred: at the right end it ran into the last ticks in the Notebook UI.
    x: { label: "training tokens (millions)", grid: true, domain: [0, fp.options.until / 1e6], labelAnchor: "center" },
    marginBottom: 40,
    // From below the lowest point to above the highest, so that no line runs off the frame.
    y: {
      label: "perplexity",
      type: "log",
      grid: true,
      domain: [0.9 * Math.min(...rows.map((r) => r.perplexity)), 1.1 * Math.max(...rows.map((r) => r.perplexity))],
      ticks: [150, 200, 300, 500, 700, 1000],
      tickFormat: (v: number) => String(v),
    },
    color: { legend: true, domain: series.map(([name]) => name) },
    marks: [
      Plot.ruleX([FIRST_PASS_END / 1e6], { stroke: GREY.rule, strokeDasharray: "4 4" }),
      Plot.line(rows, { x: "millions", y: "perplexity", stroke: "series" }),
      Plot.dot(rows, { x: "millions", y: "perplexity", fill: "series", r: 2.5 }),
      Plot.dot(full, { x: "millions", y: "perplexity", stroke: GREY.black, strokeWidth: 1.5, r: 6 }),
    ],
  });
}
