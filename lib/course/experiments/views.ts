/**
 * One experiment of notebook 09 as the notebook shows it: a row of its runs' curves, and a table of its runs
 * against the reference.
 *
 * @module
 */

import { type Chart, chartRow } from "../../charts/plot.ts";
import { Displayable, type MimeBundle, type Table, table } from "../../charts/display.ts";
import { EXPERIMENTS, type ExperimentSpec, RECIPE_EXPERIMENT, referenceOf, titleOf } from "./configs.ts";
import type { RunResult } from "./runner.ts";
import { seedRange, seedVerdict, signedChange } from "./stats.ts";
import type { ExperimentsFile } from "./results.ts";
import { experimentCurves } from "./charts.ts";

/**
 * One experiment of notebook 09 as the notebook shows it: a row of curves (full scale against epochs,
 * or tokens for the data experiment, and against seconds, each with its seed bands; the live
 * small-scale runs when at least two of them ran) and a table of its runs, each against the
 * reference ({@linkcode referenceOf}) with its seed range and {@linkcode seedVerdict}.
 *
 * @param full the full-scale results (`data/results/experiments.json`)
 * @param live the small runs the notebook trained, by run id
 * @param knTrigram the Kneser–Ney trigram's validation perplexity on the curves' and on the final tokens
 * @throws {RangeError} if `id` is not one of {@linkcode EXPERIMENTS}, or a run is missing from `full`
 */
export function experimentView(
  full: Pick<ExperimentsFile, "runs">,
  live: Readonly<Record<string, RunResult>>,
  id: string,
  knTrigram: { curve: number; final: number },
): ExperimentView {
  const spec = EXPERIMENTS.find((e) => e.id === id);
  if (!spec) {
    throw new RangeError(`Cannot show experiment "${id}": expected one of ${EXPERIMENTS.map((e) => e.id).join(", ")}`);
  }
  return viewOf(spec, full, live, knTrigram);
}

/**
 * {@linkcode RECIPE_EXPERIMENT} as notebook 09 shows it: the same view as {@linkcode experimentView}, from
 * data/results/recipe_regime.json (`deno task experiments --recipe`; one seed, so no seed columns).
 *
 * @throws {RangeError} if a run of `RECIPE_RUNS` is missing from `regime`
 */
export function recipeRegimeView(
  regime: Pick<ExperimentsFile, "runs">,
  knTrigram: { curve: number; final: number },
): ExperimentView {
  return viewOf(RECIPE_EXPERIMENT, regime, {}, knTrigram, false);
}

function viewOf(
  spec: ExperimentSpec,
  full: Pick<ExperimentsFile, "runs">,
  live: Readonly<Record<string, RunResult>>,
  knTrigram: { curve: number; final: number },
  /** false when the runs shared the machine unevenly: no chart against seconds, no speeds. */
  timed = true,
): ExperimentView {
  const id = spec.id;
  const runs = spec.runs.map((r) => {
    const run = full.runs[r];
    if (!run) throw new RangeError(`Cannot show experiment "${id}": run "${r}" is not in the results`);
    return run;
  });
  const labels = runs.map((r) => r.label);
  const reference = full.runs[referenceOf(spec)];
  const smallRuns = spec.runs.filter((r) => live[r] !== undefined).map((r) => live[r]);
  // Runs on different amounts of text are compared by tokens: their epochs differ by design.
  const x = id === "data" ? "tokens" : "epoch";
  const charts = [
    experimentCurves(runs, labels, x, `Against ${x === "tokens" ? "training tokens" : "epochs"}`, knTrigram.curve),
    ...(timed ? [experimentCurves(runs, labels, "seconds", "Against seconds of training", knTrigram.curve)] : []),
  ];
  if (smallRuns.length >= 2) {
    charts.push(experimentCurves(smallRuns, labels, x, "Small scale, live (V = 2,000, E and H ÷ 4)", null));
  }
  const seeds = reference.seeds.length;
  const rows = runs.map((r) => ({
    run: r.label,
    parameters: r.parameters.toLocaleString("en-US"),
    [seeds > 1 ? `valid perplexity (mean of ${seeds})` : "valid perplexity"]: r.finalValidPerplexity,
    ...(seeds > 1 ? { "seeds: lowest–highest": seedRange(r) } : {}),
    change: r === reference ? "reference" : signedChange(r.finalValidPerplexity / reference.finalValidPerplexity - 1),
    ...(seeds > 1 ? { "beyond the seeds?": r === reference ? "" : seedVerdict(r, reference) } : {}),
    ...(timed ? { "tokens/s": Math.round(r.tokensPerSecond).toLocaleString("en-US") } : {}),
    ...(smallRuns.length >= 2 ? { "small scale, V = 2,000": live[r.id]?.finalValidPerplexity ?? "not run" } : {}),
  }));
  return new ExperimentView(
    chartRow(charts),
    table(rows, {
      caption: `${titleOf(spec)}: validation perplexity on the whole validation split (${
        reference.finalValidTokens.toLocaleString("en-US")
      } tokens) after ${reference.budgetTokens.toLocaleString("en-US")} training tokens, ${
        seeds > 1 ? `${seeds} seeds each` : "one seed"
      }${timed ? "" : " (the runs shared the machine unevenly, so no speeds are shown)"}; Kneser–Ney trigram: ${
        knTrigram.final.toFixed(1)
      }`,
      digits: 1,
    }),
  );
}

/** An experiment's row of curves and its table of runs; Jupyter shows the two, one under the other. */
export class ExperimentView extends Displayable {
  constructor(readonly charts: Chart, readonly table: Table) {
    super();
  }

  /** The charts, then the table, as HTML. */
  get html(): string {
    return `${this.charts.html}${this.table.html}`;
  }

  /** What Jupyter shows: the charts, then the table. */
  bundle(): MimeBundle {
    return { "text/html": this.html, "text/plain": `${this.charts}\n${this.table}` };
  }
}
