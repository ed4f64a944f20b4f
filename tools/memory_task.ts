/**
 * `deno task memory`: the long-range memory task, LSTM against vanilla RNN, trained from scratch with
 * the course library (no tfjs).
 *
 * Each sequence shows one of K = 8 symbols, then T = 50 random distractors; the model must name the
 * symbol (chance 1/8 = 12.5 %). Every epoch draws 2,000 fresh sequences, so memorising the training
 * set cannot help. It is notebook 01's comparison (`recallComparison` in lib/train.ts) with a longer
 * budget: all three models get the same optimizer (Adam, lr 0.003), batch size (32), clipping (norm 1),
 * weight seed and epoch budget, and are scored on 2,000 held-out sequences:
 *
 * - an LSTM with chrono initialisation (Tallec & Ollivier 2018), which the task is meant to show;
 * - a vanilla RNN of the same width;
 * - an LSTM with the usual forget bias 1, to show why the initialisation matters at 50 steps.
 *
 * Usage: deno task memory [--distractors 50] [--epochs 30] [--hidden 16] [--seed 0]
 */

import { parseArgs } from "node:util";
import { RECALL_CONTENDERS, recallComparison, recallTask } from "@course/lib";

const { values } = parseArgs({
  options: {
    distractors: { type: "string", default: "50" },
    epochs: { type: "string", default: "30" },
    hidden: { type: "string", default: "16" },
    seed: { type: "string", default: "0" },
  },
});
const T = Number(values.distractors), epochs = Number(values.epochs), H = Number(values.hidden);
const seed = Number(values.seed); // weights; the data's seeds are fixed
const K = 8, perEpoch = 2000;
const { chance } = recallTask({ distractors: T, count: 1, symbols: K, noise: 8, seed: 0 });

console.log(`Recall the first of ${T + 1} symbols: K = ${K}, chance ${pct(chance)}, H = ${H}`);
console.log(`${perEpoch} fresh sequences per epoch, at most ${epochs} epochs, Adam lr 0.003, batch 32, clip 1\n`);
// Notebook 01's comparison (lib/train.ts), with a longer budget: the same three networks, the same data.
const results = recallComparison({
  gaps: [T],
  contenders: ["chrono", "rnn", "lstm"],
  hiddenSize: H,
  epochs,
  learningRate: 0.003,
  perEpoch,
  validationCount: 500,
  testCount: 2000,
  stopAtAccuracy: 0.995,
  seed,
  onEpoch: (contender, _gap, s) =>
    console.log(
      `${RECALL_CONTENDERS[contender].padEnd(28)} epoch ${String(s.epoch).padStart(2)}  loss ${s.loss.toFixed(3)}  ` +
        `train ${pct(s.accuracy)}  validation ${pct(s.valAccuracy!)}  |g| ${s.gradNorm.toFixed(3)}  ${
          s.seconds.toFixed(1)
        } s`,
    ),
});

console.log(`\n| model | epochs | seconds | test accuracy | test loss |\n| --- | --- | --- | --- | --- |`);
for (const r of results) {
  console.log(
    `| ${RECALL_CONTENDERS[r.contender]} | ${r.epochs} | ${r.seconds.toFixed(1)} | ${pct(r.accuracy)} | ${
      r.loss.toFixed(3)
    } |`,
  );
}
console.log(`(chance: ${pct(chance)}, loss ln ${K} = ${Math.log(K).toFixed(3)})`);

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
