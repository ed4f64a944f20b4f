/**
 * `deno task firstpass`: the earlier full run's first two passes again (`EARLIER_FULL_RUN`: trained
 * without resets; its record is data/results/full_run_earlier.json), scored at checkpoints, to explain
 * its validation curve (issue 19): during the first pass the curve's validation perplexity (768 at
 * 400,960 tokens, 560 at 800,800) was far worse than the training perplexity beside it (353, 225),
 * then 148 at 1.2 million, in the second pass.
 *
 *   deno task firstpass [--until 1300000] [--every 100000]
 *   deno task firstpass --rows     # only add the row-by-row scores to the results, from the saved checkpoints
 *   deno task firstpass --reset-every 100 --until 850000 --every 200000 --out data/results/first_pass_resets.json
 *                                  # the test of the explanation: the same first pass, every row from zero every 100 windows
 *
 * Trains `EARLIER_FULL_RUN.config` with `EARLIER_FULL_RUN.training` and its seed, with the schedule of
 * its 2,729,376 tokens, and stops after `--until` tokens. At every checkpoint it scores, with
 * `evaluateWordLM`:
 *
 * - that run's validation slice, the first 50,000 validation tokens (learned prose, Brown genre J),
 *   with the state carried as the curve was, and with every window from zero;
 * - the last 50,000 tokens the model was trained on, without dropout (what the training loss would be
 *   without it), the 50,000 it reads next (unseen text of the same genres), the start of the training
 *   split (press, genre A) and a fiction slice of the validation split (genres K and L, validation
 *   tokens 100,000 to 150,000);
 * - the first 20,000 validation tokens read as one row (B = 1), the state carried through them all;
 * - the validation slice split by whether each token's word has yet been read as an input: the
 *   hypothesis that a tied model scores words badly until it has read them;
 *
 * and, independently, the first 2,000 validation tokens through the library's own LSTM (`wordLSTM`,
 * `traceWords`, `nextWordProbabilities`, after `fromKerasLSTM`) against `evaluateWordLM` on the same
 * tokens read as one row. Writes data/results/first_pass.json; the checkpoints themselves (float32) go
 * to build/first_pass/tokens-N/.
 *
 * `--rows` then scores the validation slice of every saved checkpoint row by row, as the curve reads it
 * (32 rows of 1,562 tokens, each from a zero state): each row's perplexity, the word it starts on and
 * how often training had read that word as an input by then, and the slice's perplexity without the
 * rows whose perplexity passes 5,000 ("stuck"). It adds them to each checkpoint of the results file.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { brownCorpus } from "@course/lib";
import { initTfjs, tfjsEngine } from "@course/lib/engine/tfjs.ts";
import { EARLIER_FULL_RUN, machineInfo } from "@course/lib/course/experiments.ts";
import {
  disposeWordLM,
  evaluateWordLM,
  initWordLM,
  loadWordLM,
  saveWordLM,
  streamRows,
  trainWordLM,
  type WordLM,
} from "@course/lib/engine/wordlm.ts";
import { nextWordProbabilities, traceWords, wordLSTM } from "@course/lib/engine/word_lstm.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    until: { type: "string" },
    every: { type: "string" },
    out: { type: "string" },
    rows: { type: "boolean" },
    "reset-every": { type: "string" },
  },
  strict: true,
});
const until = Number(values.until ?? 1_300_000), every = Number(values.every ?? 100_000);
for (const [name, v] of Object.entries({ until, every })) {
  if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`--${name} must be a whole number > 0, got ${v}`);
}
const OUT = values.out ?? "data/results/first_pass.json";
/** --reset-every N: train with every row started from a zero state again every N windows (trainWordLM's resetEvery). */
const resetEvery = values["reset-every"] === undefined ? undefined : Number(values["reset-every"]);
if (resetEvery !== undefined && !(Number.isInteger(resetEvery) && resetEvery >= 1)) {
  throw new RangeError(`--reset-every must be a whole number >= 1, got ${values["reset-every"]}`);
}
/** Where this run's checkpoints go: one folder per results file. */
const CHECKPOINTS = OUT === "data/results/first_pass.json"
  ? "build/first_pass"
  : `build/first_pass/${OUT.replace(/^.*\//, "").replace(/\.json$/, "")}`;
const FULL_RUN_TOKENS = EARLIER_FULL_RUN.tokens; // the schedule's length
const SLICE = 50_000, CHECK = 2_000;

const corpus = await brownCorpus();
await initTfjs();
const { train, valid } = corpus.ids;
const V = corpus.vocabulary.size;
const B = EARLIER_FULL_RUN.training.batchSize!, T = EARLIER_FULL_RUN.training.seqLength!;

/**
 * Where the first pass stands after `tokens` tokens: the B rows it reads side by side, how far into
 * each it has read (`s`), and how often it has read each word as an input (`counts`, `[V]`).
 */
function readSoFar(tokens: number): { rows: Int32Array[]; s: number; counts: Int32Array } {
  const { rows } = streamRows(train, B);
  const s = Math.min(rows[0].length - 1, Math.ceil(tokens / B));
  const counts = new Int32Array(V);
  for (const row of rows) for (let k = 0; k < s; k++) counts[row[k]]++;
  return { rows, s, counts };
}

/**
 * The last `SLICE` tokens the B rows have read (the first pass), as one stream: what training just saw;
 * with `ahead`, the `SLICE` tokens they read next, text of the same genres not yet seen.
 */
function rowSlices(tokens: number, ahead = false): Int32Array {
  const { rows, s } = readSoFar(tokens), per = Math.ceil(SLICE / B);
  const parts = rows.map((row) => (ahead ? row.subarray(s, s + per) : row.subarray(Math.max(0, s - per), s)));
  return Int32Array.from(parts.flatMap((p) => [...p]));
}

/** The summed loss −ln p and the count of the scored tokens among `logProbs[from + 1 .. to]` (position 0 is never scored). */
function lossOver(logProbs: Float64Array, from: number, to: number, keep: (t: number) => boolean = () => true) {
  let loss = 0, n = 0;
  for (let t = from + 1; t <= to; t++) {
    if (Number.isNaN(logProbs[t]) || !keep(t)) continue;
    loss -= logProbs[t];
    n++;
  }
  return { loss, n };
}

const ppl = (model: WordLM, ids: Int32Array, carryState = true) =>
  evaluateWordLM(model, ids, { maxTokens: SLICE, carryState }).perplexity;

/** The library's own LSTM against evaluateWordLM on the first CHECK validation tokens, one row, from zero. */
function independent(model: WordLM) {
  const ids = valid.subarray(0, CHECK + 1);
  const net = wordLSTM(model);
  const trace = traceWords(net, ids.subarray(0, CHECK));
  let sum = 0;
  for (let t = 0; t < CHECK; t++) sum -= Math.log(nextWordProbabilities(net, trace.h[t])[ids[t + 1]]);
  const library = Math.exp(sum / CHECK);
  const tfjs = evaluateWordLM(model, ids, { batchSize: 1, seqLength: CHECK }).perplexity;
  return { library, tfjs, relativeDifference: Math.abs(library - tfjs) / tfjs };
}

/** Where the loss by position since the zero state is cut: [0, 35), [35, 200), … tokens read. */
const POSITIONS = [0, 35, 200, 1_000, 5_000, 20_000];

function oneRow(model: WordLM) {
  const score = evaluateWordLM(model, valid, { maxTokens: 20_000, batchSize: 1, perToken: true });
  const byPosition = POSITIONS.slice(0, -1).map((from, k) => {
    const to = POSITIONS[k + 1], { loss, n } = lossOver(score.logProbs!, from, to);
    return { from, to, perplexity: Math.exp(loss / n) };
  });
  return { validationOneRow: score.perplexity, validationOneRowByPosition: byPosition };
}

function checkpoint(model: WordLM, tokens: number, trainPerplexity: number | null) {
  const started = performance.now();
  const { counts } = readSoFar(tokens);
  const score = evaluateWordLM(model, valid, { maxTokens: SLICE, perToken: true });
  const end = score.logProbs!.length - 1;
  const split = {
    seen: lossOver(score.logProbs!, 0, end, (t) => counts[valid[t]] > 0),
    unseen: lossOver(score.logProbs!, 0, end, (t) => counts[valid[t]] === 0),
  };
  const point = {
    tokens,
    epochs: tokens / (train.length - 1),
    trainPerplexityWithDropout: trainPerplexity,
    validation: score.perplexity,
    validationFromZero: ppl(model, valid, false),
    lastTrainedWithoutDropout: tokens >= SLICE && tokens <= train.length ? ppl(model, rowSlices(tokens)) : null,
    trainAhead: tokens + SLICE <= train.length ? ppl(model, rowSlices(tokens, true)) : null,
    // The first 20,000 validation tokens as one row, the state carried through all of them (B = 1), and
    // its loss by how many tokens the state had read since it was zero: does the model need a long warm-up?
    ...oneRow(model),
    trainStart: ppl(model, train),
    validFiction: ppl(model, valid.subarray(100_000)),
    seenWords: {
      share: split.seen.n / (split.seen.n + split.unseen.n),
      perplexity: Math.exp(split.seen.loss / Math.max(1, split.seen.n)),
    },
    unseenWords: {
      share: split.unseen.n / (split.seen.n + split.unseen.n),
      perplexity: Math.exp(split.unseen.loss / Math.max(1, split.unseen.n)),
    },
    independent: independent(model),
    seconds: (performance.now() - started) / 1000,
  };
  console.log(JSON.stringify(point));
  return point;
}

/** Saves the model at a checkpoint (float32, git-ignored build/), for looking again without training again. */
async function save(model: WordLM, tokens: number) {
  await saveWordLM(model, corpus.vocabulary, `${CHECKPOINTS}/tokens-${tokens}`, {
    notes: { madeBy: "deno task firstpass", tokens },
  });
}

/** A row of the slice counts as stuck above this perplexity (the others stay under 1,000 at every checkpoint). */
const STUCK = 5_000;

/** The curve's validation slice row by row at a saved checkpoint (see --rows above). */
async function rowsOf(tokens: number) {
  const { model } = await loadWordLM(`${CHECKPOINTS}/tokens-${tokens}`);
  const { counts } = readSoFar(tokens);
  const score = evaluateWordLM(model, valid, { maxTokens: SLICE, perToken: true });
  const L = Math.floor(SLICE / B);
  let keptLoss = 0, kept = 0;
  const perRow = Array.from({ length: B }, (_, b) => {
    const { loss, n } = lossOver(score.logProbs!, b * L, (b + 1) * L);
    const perplexity = Math.exp(loss / n), first = valid[b * L];
    if (perplexity <= STUCK) {
      keptLoss += loss;
      kept += n;
    }
    return { row: b, perplexity, firstWord: corpus.vocabulary.words[first], firstWordReadAsInput: counts[first] };
  });
  disposeWordLM(model);
  return {
    perplexity: score.perplexity,
    stuck: perRow.filter((r) => r.perplexity > STUCK),
    withoutStuck: Math.exp(keptLoss / kept),
    rows: perRow.map((r) => Number(r.perplexity.toPrecision(4))),
  };
}

if (values.rows) {
  const results = JSON.parse(await Deno.readTextFile(OUT));
  for (const point of results.checkpoints) {
    if (point.tokens === 0) continue;
    point.validationRows = await rowsOf(point.tokens);
    console.log(point.tokens, JSON.stringify(point.validationRows.stuck), point.validationRows.withoutStuck);
  }
  results.slices.validationRows =
    `the validation slice as its 32 rows of ${Math.floor(SLICE / B)} tokens, each from a ` +
    `zero state; stuck: rows above perplexity ${STUCK}`;
  await Deno.writeTextFile(OUT, JSON.stringify(results, null, 1) + "\n");
  console.log(`added the rows to ${OUT}`);
  Deno.exit(0);
}

const config = { vocabularySize: V, ...EARLIER_FULL_RUN.config };
const model = initWordLM(config);
console.log(`first pass replay with ${tfjsEngine()}: until ${until.toLocaleString("en-US")} tokens, every ${every}`);
const checkpoints = [checkpoint(model, 0, null)];
class Done extends Error {}
let sinceLoss = 0, sinceTokens = 0, next = every;
try {
  await trainWordLM(model, train, {
    ...EARLIER_FULL_RUN.training,
    maxTokens: FULL_RUN_TOKENS,
    resetEvery,
    onBatch: async (p) => {
      sinceLoss += p.loss * B * T;
      sinceTokens += B * T;
      if (p.tokens >= next) {
        checkpoints.push(checkpoint(model, p.tokens, Math.exp(sinceLoss / sinceTokens)));
        await save(model, p.tokens);
        sinceLoss = sinceTokens = 0;
        next += every;
      }
      if (p.tokens >= until) throw new Done();
    },
  });
} catch (e) {
  if (!(e instanceof Done)) throw e;
}
await Deno.writeTextFile(
  OUT,
  JSON.stringify(
    {
      command: `deno task firstpass ${Deno.args.join(" ")}`.trim(),
      about:
        "The earlier full run's configuration, seed and schedule trained again through its first passes, scored at " +
        "checkpoints (tools/research/first_pass.ts). trainPerplexityWithDropout is the mean training loss since the last " +
        "checkpoint, as that run's curve reports it.",
      config,
      options: {
        ...EARLIER_FULL_RUN.training,
        maxTokens: FULL_RUN_TOKENS,
        until,
        every,
        resetEvery: resetEvery ?? null,
      },
      slices: {
        validation: "valid[0, 50,000): Brown genre J (learned), the earlier full run's curve's slice",
        lastTrained: "the last 50,000 tokens the rows had read, first pass only",
        trainAhead: "the next 50,000 tokens the rows would read, first pass only",
        validationOneRow:
          "valid[0, 20,000) as one row (B = 1), the state carried; ByPosition: its perplexity by tokens read since the zero state",
        trainStart: "train[0, 50,000): genre A (press)",
        validFiction: "valid[100,000, 150,000): genres K and L (fiction, mystery)",
        independent: `valid[0, ${CHECK}) as one row from a zero state`,
      },
      machine: machineInfo(),
      date: new Date().toISOString(),
      checkpoints,
    },
    null,
    1,
  ) + "\n",
);
console.log(`wrote ${OUT}`);
