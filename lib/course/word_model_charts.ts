/**
 * Notebook 08's charts of the word model: the live loss chart of a training run (every batch, every
 * validation, the baselines dashed), which `watchTraining` redraws as the model trains, and the top
 * next words the trained model gives a few prompts.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Chart, plot } from "../charts/plot.ts";
import { ACCENT, GREY, SERIES } from "../charts/palette.ts";

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
      color: { legend: true, domain: kinds, range: [SERIES.lightBlue, SERIES.orange, SERIES.green, SERIES.brown] },
      marks: [
        Plot.ruleY(lines.map((l) => l.y), { stroke: GREY.baseline, strokeDasharray: "4 4" }),
        // Labels at the left end, where training has barely begun, so that they do not sit on the lines where they cross.
        Plot.text(lines, { y: "y", text: "text", frameAnchor: "left", dx: 4, dy: -7, fill: GREY.note }),
        Plot.line(this.points, { x: "seconds", y: "loss", stroke: "kind", z: "kind" }),
        Plot.dot(this.points.filter((p) => p.kind !== "training batch"), { x: "seconds", y: "loss", fill: "kind" }),
      ],
    });
  }
}

/** One prompt's top next words, for {@linkcode topWordsChart}. */
export interface PromptWords {
  readonly prompt: string;
  readonly words: readonly { readonly word: string; readonly p: number }[];
}

/**
 * The top next words of several prompts as horizontal bars, "prompt … word", one colour per prompt,
 * most probable first, with each probability written at the end of its bar (notebook 08).
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
      range: [SERIES.blue, SERIES.orange, SERIES.green, SERIES.brown, ACCENT.violet],
    },
    marks: [
      Plot.barX(rows, { x: "p", y: "label", fill: "prompt" }),
      Plot.text(rows, { x: "p", y: "label", text: (d: { p: number }) => d.p.toFixed(digits), dx: 20 }),
    ],
  });
}
