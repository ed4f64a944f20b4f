/**
 * `deno task fullrun`: trains notebook 09's best configuration on the whole Brown training split for
 * at most 60 minutes, scores it on the validation and test splits beside the n-gram baselines, and
 * writes everything (perplexities, time, machine, settings, the validation curve) to
 * data/results/full_run.json, which notebook 09 and the README read.
 *
 *   deno task fullrun [--minutes 60] [--model DIR] [--eval-only | --publish-only]
 *
 * Every run records sample continuations at checkpoints along training (a few fixed prompts, greedy
 * and top-p, seeded), so that notebook 08 can show the writing improve; they go into the results
 * file (`training.samples`), not model copies.
 *
 * Scoring also reads a training sample and the validation sample with dropout off (`fit`): how much
 * better the model does on text it was trained on than on new text.
 *
 * `--eval-only` re-scores a model saved by an earlier run (default folder build/models/best) and
 * keeps that run's training record.
 *
 * Every run ends by publishing the model: a float16 copy in data/models/brown-lstm (6 MB, committed;
 * notebook 10 looks inside it), with a check in its config.json that float16 scores what float32
 * scores. `--publish-only` does only that, from the model already in `--model`.
 */

import { parseArgs } from "node:util";
import { brownCorpus, kneserNeyTrigram, ngramPerplexity, unigramModel } from "@course/lib";
import { bestMixture, cacheProbabilities, mixturePerplexity, ngramProbabilities } from "@course/lib/text/mixture.ts";
import { initTfjs, tfjsEngine } from "@course/lib/engine/tfjs.ts";
import { BEST_CONFIG, BEST_TRAINING, machineInfo, ONE_EPOCH, spreadSlice } from "@course/lib/course/experiments.ts";
import {
  evaluateWordLM,
  generateText,
  initWordLM,
  loadWordLM,
  saveWordLM,
  trainWordLM,
  wordLMParamCounts,
} from "@course/lib/engine/wordlm.ts";

const RESULTS = "data/results/full_run.json";
/** Where the committed float16 copy goes, and how many test tokens its check scores (tests/inside_test.ts re-scores them). */
const PUBLISHED = "data/models/brown-lstm";
const CHECK_TOKENS = 5_000;
/**
 * The curve's validation sample: 32,000 tokens spread over the whole split, one stretch of 1,000 per
 * row (every genre of the split), as notebook 09's one-epoch runs read it; measured twice an epoch.
 */
const VALIDATION_SAMPLE = { tokens: 32_000, parts: 32, every: ONE_EPOCH / 2 };

const { values } = parseArgs({
  args: Deno.args,
  options: {
    minutes: { type: "string" },
    model: { type: "string" },
    "eval-only": { type: "boolean" },
    "publish-only": { type: "boolean" },
  },
  strict: true,
});
const minutes = Number(values.minutes ?? 60);
if (!(minutes > 0)) throw new RangeError(`--minutes must be a number > 0, got ${values.minutes}`);
const dir = values.model ?? "build/models/best";

const corpus = await brownCorpus();
await initTfjs();
const V = corpus.vocabulary.size;

/** Writes the float16 copy of the model in `dir` to PUBLISHED, with a check of what rounding costs. */
async function publish() {
  const { model, vocabulary } = await loadWordLM(dir);
  const test = corpus.ids.test;
  const float32 = evaluateWordLM(model, test, { maxTokens: CHECK_TOKENS }).perplexity;
  const results = JSON.parse(await Deno.readTextFile(RESULTS));
  const notes = {
    madeBy: "deno task fullrun (tools/research/full_run.ts), from the float32 model it trained",
    results: RESULTS,
    testPerplexity: results.scores.test.lstm.perplexity,
    check: { split: "test", firstTokens: CHECK_TOKENS, float32Perplexity: float32 },
  };
  await saveWordLM(model, vocabulary, PUBLISHED, { dtype: "float16", notes });
  const copy = await loadWordLM(PUBLISHED);
  const float16 = evaluateWordLM(copy.model, test, { maxTokens: CHECK_TOKENS }).perplexity;
  await saveWordLM(copy.model, vocabulary, PUBLISHED, {
    dtype: "float16",
    notes: { ...notes, check: { ...notes.check, float16Perplexity: float16 } },
  });
  console.log(
    `published ${PUBLISHED} (float16): perplexity on the first ${CHECK_TOKENS} test tokens ` +
      `${float16.toFixed(3)} against ${float32.toFixed(3)} in float32`,
  );
}

if (values["publish-only"]) {
  await publish();
  Deno.exit(0);
}

/** The prompts and picking rules recorded at every checkpoint (notebook 08 shows them). */
const SAMPLE_PROMPTS = ["the city", "he said that", "in the morning"];
const SAMPLE_RULES = [
  { name: "greedy", sampling: { kind: "greedy" as const } },
  { name: "top-p 0.9", sampling: { kind: "topP" as const, p: 0.9 } },
];
const SAMPLE_WORDS = 20;
/** Training tokens at which samples are recorded, besides every validation and the end. */
const SAMPLE_AT = [35_840, 112_000, 224_000, 448_000, 835_520, 1_671_040, 2_506_560, 5_013_120, 8_355_200];

/** The samples of one checkpoint: for each prompt, the text each rule writes (seed 1). */
function samplesNow(model: ReturnType<typeof initWordLM>, tokens: number, seconds: number) {
  return {
    tokens,
    epochs: tokens / (corpus.ids.train.length - 1),
    seconds,
    samples: Object.fromEntries(SAMPLE_PROMPTS.map((prompt) => [
      prompt,
      Object.fromEntries(SAMPLE_RULES.map(({ name, sampling }) => [
        name,
        generateText(model, corpus.vocabulary, prompt, { words: SAMPLE_WORDS, sampling, seed: 1 }).words.join(" "),
      ])),
    ])),
  };
}

/** An onBatch hook that records samples as training passes each of SAMPLE_AT. */
function sampler(model: ReturnType<typeof initWordLM>, into: ReturnType<typeof samplesNow>[]) {
  let next = 0;
  return (p: { tokens: number; seconds: number }) => {
    while (next < SAMPLE_AT.length && p.tokens >= SAMPLE_AT[next]) {
      into.push(samplesNow(model, p.tokens, p.seconds));
      console.log(
        `  samples at ${p.tokens.toLocaleString("en-US")} tokens: ${JSON.stringify(into.at(-1)!.samples["the city"])}`,
      );
      next++;
    }
  };
}

let training: Record<string, unknown>;
if (!values["eval-only"]) {
  const config = { vocabularySize: V, ...BEST_CONFIG };
  const model = initWordLM(config);
  console.log(
    `full run with ${tfjsEngine()}: ${JSON.stringify(BEST_CONFIG)}, ${
      wordLMParamCounts(config).total.toLocaleString("en-US")
    } parameters, at most ${minutes} min`,
  );
  let lastPrint = 0;
  const checkpoints: ReturnType<typeof samplesNow>[] = [samplesNow(model, 0, 0)];
  const record = sampler(model, checkpoints);
  const history = await trainWordLM(model, corpus.ids.train, {
    ...BEST_TRAINING,
    maxSeconds: minutes * 60,
    validation: {
      ids: spreadSlice(corpus.ids.valid, VALIDATION_SAMPLE.tokens, VALIDATION_SAMPLE.parts),
      every: VALIDATION_SAMPLE.every,
    },
    onBatch: (p) => {
      record(p);
      if (p.seconds - lastPrint < 60) return;
      lastPrint = p.seconds;
      console.log(
        `  ${(p.seconds / 60).toFixed(1)} min, epoch ${p.epoch}, ${p.tokens.toLocaleString("en-US")} tokens, ` +
          `loss ${p.loss.toFixed(3)}, lr ${p.learningRate.toFixed(5)}, ${(p.tokens / p.seconds).toFixed(0)} tokens/s`,
      );
    },
    onValidation: (v) =>
      console.log(
        `  validation (the ${VALIDATION_SAMPLE.tokens.toLocaleString("en-US")}-token sample): ${
          v.perplexity.toFixed(1)
        }`,
      ),
  });
  await saveWordLM(model, corpus.vocabulary, dir);
  training = {
    config,
    parameters: wordLMParamCounts(config),
    options: { ...BEST_TRAINING, maxSeconds: minutes * 60 },
    seconds: history.seconds,
    tokens: history.tokens,
    epochs: history.tokens / (corpus.ids.train.length - 1),
    tokensPerSecond: history.tokens / history.seconds,
    stopped: history.stopped,
    validationSample: VALIDATION_SAMPLE,
    curve: history.validations.map((v) => ({
      tokens: v.tokens,
      seconds: v.seconds,
      validPerplexity: v.perplexity,
      trainPerplexity: v.trainPerplexity,
    })),
    machine: machineInfo(),
    date: new Date().toISOString(),
    samples: [...checkpoints, samplesNow(model, history.tokens, history.seconds)],
  };
} else {
  training = JSON.parse(await Deno.readTextFile(RESULTS)).training;
}

// Scoring: every model on the same tokens of each split.
const { model } = await loadWordLM(dir);
const kn = kneserNeyTrigram(corpus.ids.train, V), unigram = unigramModel(corpus.ids.train, V);
// How well it fits what it was trained on: the same reading as the curve's (dropout off, rows of the
// training options), of a training sample spread like the validation one, beside that validation sample.
const read = (ids: Int32Array) =>
  evaluateWordLM(model, spreadSlice(ids, VALIDATION_SAMPLE.tokens, VALIDATION_SAMPLE.parts), {
    batchSize: BEST_TRAINING.batchSize,
    seqLength: BEST_TRAINING.seqLength,
    carryState: BEST_TRAINING.carryState,
  }).perplexity;
const fit = {
  about: `perplexity with dropout off on ${VALIDATION_SAMPLE.tokens.toLocaleString("en-US")} tokens of each split, ` +
    `spread over it in ${VALIDATION_SAMPLE.parts} stretches`,
  train: read(corpus.ids.train),
  valid: read(corpus.ids.valid),
};
console.log("fit", JSON.stringify(fit));
const scores: Record<string, unknown> = {};
let mixWeights: number[] | undefined, pairWeights: number[] | undefined;
for (const split of ["valid", "test"] as const) {
  const ids = corpus.ids[split];
  const started = performance.now();
  const lstm = evaluateWordLM(model, ids, { accuracy: true, perToken: true });
  const seconds = (performance.now() - started) / 1000;
  // Positions every model scores: from 2 (the trigram's first full context) where the LSTM scored.
  const positions: number[] = [];
  for (let t = 2; t < ids.length; t++) if (!Number.isNaN(lstm.logProbs![t])) positions.push(t);
  const pLstm = Float64Array.from(positions, (t) => Math.exp(lstm.logProbs![t]));
  const pKn = ngramProbabilities(kn, ids, positions);
  const pCache = cacheProbabilities(ids, positions, V);
  const components = [pLstm, pKn, pCache];
  if (split === "valid") {
    mixWeights = bestMixture(components);
    pairWeights = bestMixture([pLstm, pKn]);
  }
  scores[split] = {
    tokens: positions.length,
    unigram: ngramPerplexity(unigram, ids).perplexity,
    knTrigram: mixturePerplexity([pKn], [1]),
    lstm: { perplexity: mixturePerplexity([pLstm], [1]), top1: lstm.top1, top5: lstm.top5, seconds },
    lstmPlusKn: mixturePerplexity([pLstm, pKn], pairWeights!),
    lstmPlusKnPlusCache: mixturePerplexity(components, mixWeights!),
  };
  console.log(split, JSON.stringify(scores[split]));
}
const results = {
  command: `deno task fullrun${values.minutes ? ` --minutes ${minutes}` : ""}`,
  training,
  mixtures: {
    fittedOn: "valid",
    lstmPlusKn: { components: ["lstm", "knTrigram"], weights: pairWeights },
    lstmPlusKnPlusCache: { components: ["lstm", "knTrigram", "unigramCache"], weights: mixWeights, cacheWindow: 500 },
  },
  fit,
  scores,
};
await Deno.mkdir("data/results", { recursive: true });
await Deno.writeTextFile(RESULTS, JSON.stringify(results, null, 1) + "\n");
console.log(`wrote ${RESULTS}`);
await publish();
