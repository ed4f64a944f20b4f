/**
 * `deno task results`: rewrites the README's results block (between `<!-- results:start -->` and
 * `<!-- results:end -->`) from data/results/*.json, so that the README quotes exactly what the
 * result files say. `--check` only reports whether the block is up to date (tests/results_test.ts).
 */

import { readResults } from "@course/lib/course/experiments.ts";

const START = "<!-- results:start -->", END = "<!-- results:end -->";

type Scores = {
  tokens: number;
  unigram: number;
  knTrigram: number;
  lstm: { perplexity: number; top1: number; top5: number };
  lstmPlusKn: number;
  lstmPlusKnPlusCache: number;
};

/** The README block, from the result files. */
export async function resultsBlock(): Promise<string> {
  const fr = await readResults<{
    command: string;
    training: {
      parameters: { total: number };
      seconds: number;
      tokens: number;
      epochs: number;
      tokensPerSecond: number;
      machine: { cpu: string; cores: number; deno: string; engine: string };
      date: string;
    };
    scores: { valid: Scores; test: Scores };
  }>("full_run.json");
  const oneEpoch = await readResults<
    { command: string; parameters: number; seconds: number; test: { perplexity: number } }
  >("one_epoch.json");
  const t = fr.scores.test, tr = fr.training;
  const n = (x: number) => x.toLocaleString("en-US");
  const p = (x: number) => x.toFixed(1);
  const r = (x: number) => (x / t.knTrigram).toFixed(2);
  const min = (s: number) => `${(s / 60).toFixed(1)} min`;
  return [
    START,
    `Test perplexity on the Brown test split (${n(t.tokens)} tokens scored by every model, V = 10,000), from`,
    "`data/results/full_run.json` and `data/results/one_epoch.json` (this block is written by `deno task results`):",
    "",
    "| model | test perplexity | ÷ KN trigram | parameters | training |",
    "| --- | --- | --- | --- | --- |",
    `| unigram | ${p(t.unigram)} | ${r(t.unigram)} | | |`,
    `| Kneser–Ney trigram | ${p(t.knTrigram)} | 1.00 | | about 1 s |`,
    `| the one-epoch model, notebook 08's LONG_RUN (\`${oneEpoch.command}\`) | ${p(oneEpoch.test.perplexity)} | ${
      r(oneEpoch.test.perplexity)
    } | ${n(oneEpoch.parameters)} | ${min(oneEpoch.seconds)} |`,
    `| the course's best model (\`${fr.command}\`, ${tr.epochs.toFixed(1)} epochs) | ${p(t.lstm.perplexity)} | ${
      r(t.lstm.perplexity)
    } | ${n(tr.parameters.total)} | ${min(tr.seconds)} |`,
    `| best model + KN trigram | ${p(t.lstmPlusKn)} | ${r(t.lstmPlusKn)} | | |`,
    `| best model + KN trigram + unigram cache | ${p(t.lstmPlusKnPlusCache)} | ${r(t.lstmPlusKnPlusCache)} | | |`,
    "",
    `The full run trained ${n(tr.tokens)} tokens at ${
      n(Math.round(tr.tokensPerSecond))
    } tokens/s on ${tr.machine.cores} cores ` +
    `(${[tr.machine.cpu, tr.machine.engine, `Deno ${tr.machine.deno}`].filter((x) => x !== "unknown").join(", ")}) on ${
      tr.date.slice(0, 10)
    }.`,
    END,
  ].join("\n");
}

if (import.meta.main) {
  const readme = await Deno.readTextFile("README.md");
  const a = readme.indexOf(START), b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} block`);
  const updated = readme.slice(0, a) + await resultsBlock() + readme.slice(b + END.length);
  if (Deno.args.includes("--check")) {
    if (updated !== readme) {
      console.error("README.md's results block is out of date: run deno task results");
      Deno.exit(1);
    }
    console.log("README.md's results block is up to date");
  } else {
    await Deno.writeTextFile("README.md", updated);
    console.log("updated README.md's results block");
  }
}
