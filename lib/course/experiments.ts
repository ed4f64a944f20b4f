/**
 * Notebook 09's experiments: which runs each "how to improve performance?" idea compares, at two
 * scales, and the function that performs a run. Every run changes one thing of a base model and
 * trains for the same number of tokens, measuring validation perplexity as it goes.
 *
 * - Full scale ({@linkcode RUNS}): the whole Brown training split and vocabulary (V = 10,000), E = H = 128,
 *   one epoch ({@linkcode ONE_EPOCH} tokens) per run, three seeds: `deno task experiments` writes
 *   data/results/experiments.json (how long it took is in the README's results section).
 * - The full run's recipe where text repeats ({@linkcode RECIPE_RUNS}): `deno task experiments --recipe` writes
 *   data/results/recipe_regime.json.
 * - Small scale ({@linkcode smallRun}): the same runs shrunk about 10 times in every direction
 *   (V = 2,000, E = H = 32, 20,000 tokens), for the notebook's time budget.
 *
 * This module is the front door of notebooks 08, 09 and 09a, the tools and the tests; each concept has a
 * module of its own in `experiments/`:
 *
 * | module | what |
 * | --- | --- |
 * | `configs.ts` | the base model, every run, the experiments, the full run's configuration and recipe runs, the small scale |
 * | `runner.ts` | performing a run (`performRun`), a training set spread over the corpus (`spreadSlice`) |
 * | `stats.ts` | a run over its seeds: mean, range, verdict, the curve between measured points |
 * | `machine.ts` | the machine a result was measured on |
 * | `results.ts` | the result files of data/results/: their shapes, and reading them |
 * | `charts.ts`, `log_ticks.ts` | the charts of runs, the full run and the first pass; round ticks for a narrow log axis |
 * | `views.ts` | one experiment as notebook 09 shows it: its curves and its table |
 * | `tables.ts` | the other tables of notebooks 09 and 09a |
 *
 * Needs `initTfjs` first. Not re-exported by `mod.ts` (it loads tfjs).
 *
 * @module
 */

export {
  BASE_CONFIG,
  BASE_OPTIONS,
  BEST_CONFIG,
  BEST_TRAINING,
  EARLIER_FULL_RUN,
  EXPERIMENTS,
  ONE_EPOCH,
  RECIPE_RUNS,
  RECIPE_SEEDS,
  RUNS,
  type RunSpec,
  SEEDS,
  SMALL_VOCABULARY,
  smallRun,
  toSmallVocabulary,
} from "./experiments/configs.ts";
export { performRun, type RunResult, spreadSlice } from "./experiments/runner.ts";
export { combineSeeds, curveAt, type SeededRun, seedRange, seedVerdict, signedChange } from "./experiments/stats.ts";
export { machineInfo } from "./experiments/machine.ts";
export {
  type ExperimentsFile,
  type FirstPassFile,
  type FullRunFile,
  type OneEpochFile,
  readResults,
} from "./experiments/results.ts";
export { firstPassChart, fullRunCharts, passesChart } from "./experiments/charts.ts";
export { ExperimentView, experimentView, recipeRegimeView } from "./experiments/views.ts";
export {
  bestVariants,
  bpttAxesTable,
  firstPassReadingsTable,
  fullRunEvidence,
  smallVersusFullTable,
  stuckRowsTable,
  summaryTable,
  testScoreTable,
} from "./experiments/tables.ts";
