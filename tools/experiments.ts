/**
 * `deno task experiments`: notebook 09's experiments at full scale. Every run trains one variant of a
 * base model on the Brown training split (or its first N tokens) for the same number of tokens,
 * measuring validation perplexity as it goes, and the results go to data/results/experiments.json,
 * which notebook 09 reads.
 *
 *   deno task experiments [--shard K/N] [--only RUN,RUN] [--merge] [--list] [--tokens N]
 *
 * Each run is saved to build/experiments/RUN.json as soon as it ends; `--shard 1/2` and `--shard 2/2`
 * in two terminals split the runs between the two cores, `--merge` then writes the results file
 * (a plain run without --shard or --only merges at the end by itself). About 90 minutes on one core.
 * `--tokens N` trains every run for only N tokens, into build/experiments-smoke (a smoke test).
 */

import { parseArgs } from "node:util";
import { brownCorpus } from "@course/lib";
import { initTfjs } from "@course/lib/tfjs.ts";
import { EXPERIMENTS, machineInfo, performRun, RUNS, type RunSpec } from "@course/lib/experiments.ts";

const RESULTS = "data/results/experiments.json";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    shard: { type: "string" },
    only: { type: "string" },
    merge: { type: "boolean" },
    list: { type: "boolean" },
    tokens: { type: "string" },
  },
  strict: true,
});

const smokeTokens = values.tokens === undefined ? undefined : Number(values.tokens);
if (smokeTokens !== undefined && !(smokeTokens >= 1)) {
  throw new RangeError(`--tokens must be >= 1, got ${values.tokens}`);
}
const OUT_DIR = smokeTokens === undefined ? "build/experiments" : "build/experiments-smoke";

if (values.list) {
  for (const run of RUNS) console.log(run.id.padEnd(16), run.label);
  Deno.exit(0);
}

async function runOne(spec: RunSpec) {
  const corpus = await brownCorpus();
  const started = Date.now();
  const result = await performRun(
    spec,
    { train: corpus.ids.train, valid: corpus.ids.valid, vocabularySize: corpus.vocabulary.size },
    (v) =>
      console.log(
        `  ${spec.id}: ${v.tokens.toLocaleString("en-US")} tokens, ${v.seconds.toFixed(0)} s, valid ${
          v.perplexity.toFixed(1)
        }`,
      ),
  );
  return {
    ...result,
    wallSeconds: (Date.now() - started) / 1000,
    machine: machineInfo(),
    date: new Date().toISOString(),
  };
}

async function merge() {
  const runs: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const spec of RUNS) {
    try {
      runs[spec.id] = JSON.parse(await Deno.readTextFile(`${OUT_DIR}/${spec.id}.json`));
    } catch {
      missing.push(spec.id);
    }
  }
  if (missing.length > 0) throw new Error(`Cannot merge: no results yet for ${missing.join(", ")}`);
  await Deno.mkdir("data/results", { recursive: true });
  await Deno.writeTextFile(
    RESULTS,
    JSON.stringify({ command: "deno task experiments", experiments: EXPERIMENTS, runs }, null, 1) + "\n",
  );
  console.log(`wrote ${RESULTS}`);
}

if (values.merge) {
  await merge();
  Deno.exit(0);
}

let todo = RUNS;
if (values.only) {
  const ids = values.only.split(",");
  const unknown = ids.filter((id) => !RUNS.some((r) => r.id === id));
  if (unknown.length > 0) throw new RangeError(`Unknown run(s) ${unknown.join(", ")}; see --list`);
  todo = RUNS.filter((r) => ids.includes(r.id));
}
if (values.shard) {
  const m = values.shard.match(/^(\d+)\/(\d+)$/);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
    throw new RangeError(`--shard must look like 1/2, got ${values.shard}`);
  }
  const [k, n] = [Number(m[1]), Number(m[2])];
  todo = todo.filter((_, j) => j % n === k - 1);
}
await initTfjs();
await Deno.mkdir(OUT_DIR, { recursive: true });
for (const spec of todo) {
  console.log(`${spec.id}: ${spec.label}`);
  const result = await runOne(
    smokeTokens === undefined ? spec : { ...spec, budgetTokens: smokeTokens, validEvery: smokeTokens / 2 },
  );
  await Deno.writeTextFile(`${OUT_DIR}/${spec.id}.json`, JSON.stringify(result, null, 1));
  console.log(
    `${spec.id} done: valid ${result.finalValidPerplexity.toFixed(1)} after ${result.seconds.toFixed(0)} s ` +
      `(${result.tokensPerSecond.toFixed(0)} tokens/s)`,
  );
}
if (!values.shard && !values.only && smokeTokens === undefined) await merge();
