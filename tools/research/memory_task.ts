/**
 * `deno task memory`: the long-range memory task, LSTM against vanilla RNN, trained from scratch with
 * the course library (no tfjs). It is notebook 01's experiment (`recallExperiment` in lib/course/recall_experiment.ts),
 * with more seeds and test gaps by default.
 *
 * Each sequence shows one of K = 8 symbols, then g random distractors; the model must name the symbol
 * (chance 1/8 = 12.5 %). Training sequences draw g per sequence between --min-gap and --max-gap; every
 * epoch has 1,000 fresh ones. Every network gets the same recipe (Adam lr 0.01, batch 32, clipping at
 * norm 1, at most --epochs epochs, early stop at 99 % validation accuracy) and is then scored on 500
 * held-out sequences at each test gap, once per weight seed:
 *
 * - a vanilla RNN;
 * - an LSTM with the library's default forget bias 1, not told the gap;
 * - with --chrono, also an LSTM with chrono initialisation for the longest training gap (Tallec &
 *   Ollivier 2018).
 *
 * Usage: deno task memory [--min-gap 4] [--max-gap 50] [--test-gaps 5,10,20,30,40,50,75,100]
 *        [--seeds 0,1,2,3,4] [--epochs 20] [--hidden 16] [--chrono]
 */

import { parseArgs } from "node:util";
import { RECALL_CONTENDERS, type RecallContender, recallExperiment, summariseRecall } from "@course/lib";

/** Bad options: one line on stderr and exit code 2, as every course CLI does. */
function fail(message: string): never {
  console.error(`memory: ${message}`);
  Deno.exit(2);
}

const { values } = (() => {
  try {
    return parse();
  } catch (error) {
    return fail((error as Error).message);
  }
})();

function parse() {
  return parseArgs({
    options: {
      "min-gap": { type: "string", default: "4" },
      "max-gap": { type: "string", default: "50" },
      "test-gaps": { type: "string", default: "5,10,20,30,40,50,75,100" },
      seeds: { type: "string", default: "0,1,2,3,4" },
      epochs: { type: "string", default: "20" },
      hidden: { type: "string", default: "16" },
      chrono: { type: "boolean", default: false },
    },
  });
}
const list = (s: string) => s.split(",").map(Number);
const trainGaps: [number, number] = [Number(values["min-gap"]), Number(values["max-gap"])];
const contenders: RecallContender[] = values.chrono ? ["rnn", "lstm", "chrono"] : ["rnn", "lstm"];
const epochs = Number(values.epochs), hiddenSize = Number(values.hidden);

console.log(
  `Recall the first symbol: K = 8, chance 12.5 %, H = ${hiddenSize}; training gaps ${trainGaps[0]}–${trainGaps[1]} ` +
    `drawn per sequence, 1,000 fresh sequences per epoch, at most ${epochs} epochs, Adam lr 0.01, batch 32, clip 1\n`,
);
let experiment;
try {
  experiment = recallExperiment({
    trainGaps,
    testGaps: list(values["test-gaps"]),
    contenders,
    seeds: list(values.seeds),
    epochs,
    hiddenSize,
    onEpoch: (contender, seed, s) =>
      console.log(
        `${RECALL_CONTENDERS[contender].padEnd(28)} seed ${seed}  epoch ${String(s.epoch).padStart(2)}  ` +
          `loss ${s.loss.toFixed(3)}  train ${pct(s.accuracy)}  validation ${pct(s.valAccuracy!)}  ` +
          `|g| ${s.gradNorm.toFixed(3)}  ${s.seconds.toFixed(1)} s`,
      ),
  });
} catch (error) {
  if (!(error instanceof RangeError)) throw error;
  fail(error.message);
}

const { testGaps, seeds } = experiment;
console.log(`\n| network | seed | epochs | seconds | ${testGaps.map((g) => `gap ${g}`).join(" | ")} |`);
console.log(`| --- | --- | --- | --- | ${testGaps.map(() => "---").join(" | ")} |`);
for (const r of experiment.runs) {
  console.log(
    `| ${RECALL_CONTENDERS[r.contender]} | ${r.seed} | ${r.epochs} | ${r.seconds.toFixed(1)} | ${
      r.accuracy.map(pct).join(" | ")
    } |`,
  );
}
console.log(`\nMean accuracy over ${seeds.length} seeds (min–max), on 500 held-out sequences per gap:\n`);
console.log(`| gap | ${contenders.map((c) => RECALL_CONTENDERS[c]).join(" | ")} |`);
console.log(`| --- | ${contenders.map(() => "---").join(" | ")} |`);
const summary = summariseRecall(experiment);
for (const gap of testGaps) {
  const rows = contenders.map((c) => summary.find((r) => r.gap === gap && r.contender === c)!);
  console.log(`| ${gap} | ${rows.map((r) => `${pct(r.mean)} (${pct(r.min)}–${pct(r.max)})`).join(" | ")} |`);
}
console.log(`\n${experiment.seconds.toFixed(1)} s in all`);

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
