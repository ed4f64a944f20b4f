/**
 * Watching a word model train, live in a notebook: notebook 08's loss chart (every batch's training loss, every
 * validation, the baselines as dashed lines), redrawn about once a second under a status line that says where
 * training stands and when validation first went below a target (the Kneser–Ney trigram in 08). The plumbing
 * lives here so that 08's training cell shows only the lesson: the model, the recipe, `trainWordLM`.
 *
 * @module
 */

import type { Chart } from "../charts/plot.ts";
import { Displayable, type MimeBundle } from "../charts/display.ts";
import { type JupyterDisplay, liveOutputs } from "../charts/live.ts";
import { TrainingChart } from "./word_model_charts.ts";
import { tfjsEngine } from "../engine/tfjs.ts";
import type { WordLMHistory, WordLMProgress, WordLMValidation } from "../engine/wordlm.ts";

/** Markdown a notebook displays, for the status line: `text/markdown` alone, as `Deno.jupyter.md` gives. */
class Markdown extends Displayable {
  constructor(readonly text: string) {
    super();
  }
  bundle(): MimeBundle {
    return { "text/markdown": this.text };
  }
}

/** Options for {@linkcode watchTraining}. */
export interface WatchTrainingOptions {
  readonly title: string;
  readonly subtitle?: string;
  /** Baselines by name, as perplexities on the validation tokens: dashed lines at their loss, ln(perplexity). */
  readonly baselines: Readonly<Record<string, number>>;
  /** The baseline whose crossing the status line reports: one of `baselines`' names. */
  readonly target: string;
  /** The training budget in seconds, for "12 s of 60" (omit when training runs to the end of its epochs). */
  readonly seconds?: number;
  /** Least seconds of training between two redraws (default 1: drawing takes time from training). */
  readonly redrawEvery?: number;
}

/**
 * A live training view: `show()` it, pass `onBatch` and `onValidation` to `trainWordLM`, then `finish` with
 * the result. `crossed` is the training seconds at the first validation below the target, if any.
 *
 * @param display the kernel's `Deno.jupyter.display` (the library itself never touches `Deno.jupyter`)
 * @throws {RangeError} if `target` is not one of `baselines`, or a baseline is not a finite perplexity > 0
 *
 * @example
 * ```ts
 * import { watchTraining } from "@course/lib/course/live_training.ts";
 * import assert from "node:assert/strict";
 *
 * const shown: unknown[] = [];
 * const view = watchTraining(async (obj) => void shown.push(obj), {
 *   title: "loss", baselines: { trigram: 120, unigram: 360 }, target: "trigram", seconds: 60,
 * });
 * await view.show();
 * await view.onValidation({ tokens: 50_000, seconds: 20, epoch: 0, perplexity: 150, trainPerplexity: 160 });
 * await view.onValidation({ tokens: 100_000, seconds: 26, epoch: 0, perplexity: 110, trainPerplexity: 120 });
 * assert.equal(view.crossed, 26);
 * ```
 */
export function watchTraining(display: JupyterDisplay, options: WatchTrainingOptions) {
  const { baselines, target, seconds, redrawEvery = 1 } = options;
  if (!(target in baselines)) {
    throw new RangeError(
      `Cannot watch training: target must be one of ${Object.keys(baselines).join(", ")}, got "${target}"`,
    );
  }
  for (const [name, perplexity] of Object.entries(baselines)) {
    if (!(Number.isFinite(perplexity) && perplexity > 0)) {
      throw new RangeError(`Cannot watch training: baseline "${name}" must be a perplexity > 0, got ${perplexity}`);
    }
  }
  const losses = new TrainingChart({
    title: options.title,
    subtitle: options.subtitle,
    baselines: Object.fromEntries(Object.entries(baselines).map(([name, p]) => [name, Math.log(p)])),
  });
  const live = liveOutputs(display, ["training-chart", "training-status"]);
  let crossed: number | undefined;
  let drawn = -Infinity;
  const status = (p?: WordLMProgress) => {
    if (p === undefined) return new Markdown("starting…");
    const budget = seconds === undefined ? "" : ` of ${seconds}`;
    const below = crossed === undefined ? "" : `; below the ${target} since ${crossed.toFixed(0)} s`;
    return new Markdown(
      `${p.seconds.toFixed(0)} s${budget}, ${p.tokens.toLocaleString("en-US")} tokens, ` +
        `${(p.tokens / p.seconds).toFixed(0)} tokens/s on ${tfjsEngine()}${below}`,
    );
  };
  return {
    /** The training seconds when validation first went below the target, or `undefined`. */
    get crossed(): number | undefined {
      return crossed;
    },
    /** The chart as it stands. */
    chart: (): Chart => losses.chart(),
    /** Displays the empty chart and "starting…". */
    show: () => live.show(losses.chart(), status()),
    /** For `trainWordLM`'s `onBatch`: adds the batch's loss, and redraws at most once every `redrawEvery` s. */
    onBatch: async (p: WordLMProgress) => {
      losses.add(p.seconds, p.loss, "training batch");
      if (p.seconds - drawn < redrawEvery) return;
      drawn = p.seconds;
      await live.update(losses.chart(), status(p));
    },
    /** For `trainWordLM`'s `onValidation`: adds the validation loss, and notes the first crossing. */
    onValidation: (v: WordLMValidation) => {
      losses.add(v.seconds, Math.log(v.perplexity), "validation");
      if (crossed === undefined && v.perplexity < baselines[target]) crossed = v.seconds;
    },
    /** Draws the finished chart and the last status line. */
    finish: (result: WordLMHistory) => live.update(losses.chart(), status(result.batches.at(-1))),
  };
}
