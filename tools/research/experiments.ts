/**
 * `deno task experiments`: notebook 09's experiments at full scale. Every run trains one variant of a
 * base model on the Brown training split (or N tokens of it) for one epoch's worth of tokens, from each
 * of 3 seeds, measuring validation perplexity as it goes; data/results/experiments.json, which notebook
 * 09 reads, holds every seed's result and their mean and range.
 *
 *   deno task experiments [--workers 2] [--only RUN,RUN] [--seeds 0,1,2] [--merge] [--list] [--tokens N] [--recipe]
 *
 * `--recipe` trains the full run's recipe where text repeats instead (`RECIPE_RUNS`: 5 trainings of one seed at
 * E = H = 512, about 25 minutes with two workers) into data/results/recipe_regime.json.
 *
 * Budget: 24 runs × 3 seeds = 72 trainings, 20 of them one epoch (835,520 tokens) and 4 of 160,000
 * tokens on a slice: 52 million training tokens, 111 minutes on this course's 2-core machine on
 * 2026-12-02 (each worker on one core at 2,100–6,900 tokens/s; `--list` prints the estimate).
 *
 * Resumable: each training is saved to data/results/experiments/RUN-sSEED.json as soon as it ends (commit
 * them), and a later call skips what is saved, so a session that ends mid-way loses at most the
 * trainings under way.
 * `--workers N` (default: the number of cores) trains N at a time, each in its own process on one core
 * (OPENBLAS_NUM_THREADS=1); the seed-0 trainings of every run come first, so that a partial result
 * already covers every idea. When everything is saved the results file is written (`--merge` writes it
 * from what is saved, and fails naming what is missing). `--tokens N` trains every run for N tokens
 * into build/experiments-smoke (a smoke test), `--only` and `--seeds` pick trainings.
 */

import { parseArgs } from "node:util";
import { cpus } from "node:os";
import { brownCorpus } from "@course/lib";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import {
  combineSeeds,
  EXPERIMENTS,
  machineInfo,
  performRun,
  type RunResult,
  RECIPE_RUNS,
  RECIPE_SEEDS,
  RUNS as EXPERIMENT_RUNS,
  type RunSpec,
  SEEDS as EXPERIMENT_SEEDS,
} from "@course/lib/course/experiments.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    workers: { type: "string" },
    only: { type: "string" },
    seeds: { type: "string" },
    merge: { type: "boolean" },
    list: { type: "boolean" },
    tokens: { type: "string" },
    recipe: { type: "boolean" },
    worker: { type: "boolean" }, // internal: train the one training --only and --seeds name, in this process
  },
  strict: true,
});

function fail(message: string): never {
  console.error(`deno task experiments: ${message}`);
  Deno.exit(1);
}

// `--recipe`: the full run's recipe where text repeats (RECIPE_RUNS), one seed, its own results file.
const RUNS = values.recipe ? RECIPE_RUNS : EXPERIMENT_RUNS;
const SEEDS: readonly number[] = values.recipe ? RECIPE_SEEDS : EXPERIMENT_SEEDS;
const RESULTS = values.recipe ? "data/results/recipe_regime.json" : "data/results/experiments.json";

const smokeTokens = values.tokens === undefined ? undefined : Number(values.tokens);
if (smokeTokens !== undefined && !(Number.isInteger(smokeTokens) && smokeTokens >= 2)) {
  fail(`--tokens must be a whole number >= 2, got ${values.tokens}`);
}
// Every training's result is committed (a few kB each), so that a later session, on a fresh clone, resumes.
const OUT_DIR = smokeTokens === undefined
  ? (values.recipe ? "data/results/recipe_regime" : "data/results/experiments")
  : "build/experiments-smoke";
const file = (id: string, seed: number) => `${OUT_DIR}/${id}-s${seed}.json`;

let specs = RUNS;
if (values.only) {
  const ids = values.only.split(",");
  const unknown = ids.filter((id) => !RUNS.some((r) => r.id === id));
  if (unknown.length > 0) fail(`unknown run(s) ${unknown.join(", ")}; --list names them`);
  specs = RUNS.filter((r) => ids.includes(r.id));
}
const seeds: number[] = values.seeds === undefined ? [...SEEDS] : values.seeds.split(",").map(Number);
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) fail(`--seeds must be whole numbers >= 0, got ${values.seeds}`);
const workers = values.workers === undefined ? cpus().length : Number(values.workers);
if (!Number.isInteger(workers) || workers < 1) fail(`--workers must be a whole number >= 1, got ${values.workers}`);

/** Seconds one training takes on one core: tokens/s measured here with two workers, and about 20 s of loading and validation. */
function estimatedSeconds(spec: RunSpec): number {
  const c = spec.config, o = spec.options;
  const speed = c.hiddenSize === 512
    ? 1_700
    : o.seqLength === 5
    ? 2_100
    : c.hiddenSize === 256
    ? 2_850
    : c.cell === "gru" || c.recurrentDropout || c.embeddingSize === 256
    ? 3_800
    : c.layers === 2
    ? 4_000
    : 4_400;
  return spec.budgetTokens / speed + 20;
}

if (values.list) {
  let total = 0;
  for (const run of RUNS) {
    total += seeds.length * estimatedSeconds(run);
    console.log(run.id.padEnd(12), run.label);
  }
  console.log(
    `${RUNS.length} runs × ${seeds.length} seeds: about ${(total / 60 / Math.min(workers, 2)).toFixed(0)} minutes ` +
      `with ${Math.min(workers, 2)} workers`,
  );
  Deno.exit(0);
}

function withBudget(spec: RunSpec): RunSpec {
  return smokeTokens === undefined
    ? spec
    : { ...spec, budgetTokens: smokeTokens, validEvery: smokeTokens / 2, finalValidTokens: 20_000 };
}

async function saved(id: string, seed: number): Promise<RunResult | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(file(id, seed)));
  } catch {
    return undefined;
  }
}

async function merge() {
  const runs: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const spec of RUNS) {
    const results: RunResult[] = [];
    for (const seed of SEEDS) {
      const r = await saved(spec.id, seed);
      if (r) results.push(r);
      else missing.push(`${spec.id} seed ${seed}`);
    }
    if (results.length > 0) runs[spec.id] = combineSeeds(results);
  }
  if (missing.length > 0) fail(`cannot write ${RESULTS}: no results yet for ${missing.join(", ")}`);
  await Deno.mkdir("data/results", { recursive: true });
  await Deno.writeTextFile(
    RESULTS,
    JSON.stringify(
      values.recipe
        ? { command: "deno task experiments --recipe", seeds: SEEDS, runs }
        : { command: "deno task experiments", seeds: SEEDS, experiments: EXPERIMENTS, runs },
      null,
      1,
    ) +
      "\n",
  );
  console.log(`wrote ${RESULTS}`);
}

if (values.merge) {
  await merge();
  Deno.exit(0);
}

if (values.worker) {
  // One training, in this process.
  const [spec] = specs, [seed] = seeds;
  await initTfjs();
  const corpus = await brownCorpus();
  const started = Date.now();
  const result = await performRun(
    withBudget(spec),
    { train: corpus.ids.train, valid: corpus.ids.valid, vocabularySize: corpus.vocabulary.size },
    (v) =>
      console.log(
        `  ${spec.id} s${seed}: ${v.tokens.toLocaleString("en-US")} tokens, ${v.seconds.toFixed(0)} s, valid ${
          v.perplexity.toFixed(1)
        }`,
      ),
    seed,
  );
  await Deno.mkdir(OUT_DIR, { recursive: true });
  await Deno.writeTextFile(
    file(spec.id, seed),
    JSON.stringify(
      { ...result, wallSeconds: (Date.now() - started) / 1000, machine: machineInfo(), date: new Date().toISOString() },
      null,
      1,
    ),
  );
  console.log(
    `${spec.id} s${seed} done: valid ${result.finalValidPerplexity.toFixed(1)} after ${result.seconds.toFixed(0)} s ` +
      `(${result.tokensPerSecond.toFixed(0)} tokens/s)`,
  );
  Deno.exit(0);
}

// The queue: every run's seed 0, then seed 1, then seed 2, the slowest runs first within a seed.
const queue: [RunSpec, number][] = [];
for (const seed of seeds) for (const spec of specs) if (!(await saved(spec.id, seed))) queue.push([spec, seed]);
const left = queue.reduce((a, [spec]) => a + estimatedSeconds(withBudget(spec)), 0);
console.log(
  `${queue.length} trainings to go (of ${specs.length * seeds.length}; the rest are saved in ${OUT_DIR}), ` +
    `${workers} at a time: about ${(left / 60 / Math.min(workers, queue.length || 1)).toFixed(0)} minutes`,
);

const permissions = [
  "--allow-read",
  "--allow-write=build,data/results",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys=cpus,osRelease,systemMemoryInfo",
];
const failures: string[] = [];
const started = Date.now();
async function worker() {
  for (let job = queue.shift(); job; job = queue.shift()) {
    const [spec, seed] = job;
    const args = [
      "run",
      ...permissions,
      new URL(import.meta.url).pathname,
      "--worker",
      `--only=${spec.id}`,
      `--seeds=${seed}`,
      ...(values.recipe ? ["--recipe"] : []),
      ...(smokeTokens === undefined ? [] : [`--tokens=${smokeTokens}`]),
    ];
    const child = new Deno.Command(Deno.execPath(), {
      args,
      env: { OPENBLAS_NUM_THREADS: "1" },
      stdout: "inherit",
      stderr: "inherit",
    });
    const { code } = await child.output();
    if (code !== 0) failures.push(`${spec.id} seed ${seed} (exit ${code})`);
    console.log(`  [${((Date.now() - started) / 60_000).toFixed(1)} min, ${queue.length} left to start]`);
  }
}
await Promise.all(Array.from({ length: Math.min(workers, queue.length) }, worker));
if (failures.length > 0) fail(`${failures.length} training(s) failed: ${failures.join(", ")}`);
console.log(`all trained in ${((Date.now() - started) / 60_000).toFixed(1)} minutes`);
if (smokeTokens === undefined && values.only === undefined && values.seeds === undefined) await merge();
