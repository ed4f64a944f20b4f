/**
 * `deno task nextword`: train, query and evaluate the next-word predictor on the Brown corpus.
 *
 *   deno task nextword train [--quick] [--model DIR] [--epochs N] [--minutes M] [--embedding E]
 *                            [--hidden H] [--batch B] [--seq T] [--lr RATE] [--seed S] [--results FILE.json]
 *   deno task nextword predict "some words" [--model DIR] [--k 5] [--json]
 *   deno task nextword eval [--model DIR] [--split test|valid] [--json]
 *
 * The model folder (default build/models/nextword) holds model.json, weights.bin and vocab.json.
 * Bad input gets a one-line error and exit code 1.
 */

import { parseArgs } from "node:util";
import { brownCorpus, kneserNeyTrigram, ngramPerplexity, unigramModel } from "@course/lib";
import { initTfjs, tfjsEngine } from "@course/lib/tfjs.ts";
import {
  evaluateNextWord,
  loadNextWord,
  nextWordModel,
  predictNext,
  saveNextWord,
  trainNextWord,
} from "@course/lib/nextword.ts";

const USAGE = `usage:
  deno task nextword train [--quick] [--model DIR] [--epochs N] [--minutes M] [--embedding E] [--hidden H]
                           [--batch B] [--seq T] [--lr RATE] [--seed S] [--results FILE.json]
  deno task nextword predict "some words" [--model DIR] [--k 5] [--json]
  deno task nextword eval [--model DIR] [--split test|valid] [--json] [--baselines]`;

const DEFAULT_MODEL = "build/models/nextword";

/** An error the user caused: printed as one line, exit code 1. */
class UsageError extends Error {}

function number(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) {
    throw new UsageError(`--${name} must be a number >= ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}

async function train(values: Record<string, string | boolean | undefined>) {
  const quick = values.quick === true;
  const dir = (values.model as string | undefined) ?? DEFAULT_MODEL;
  const config = {
    embeddingSize: number(values.embedding as string, "embedding", quick ? 32 : 64, 1),
    hiddenSize: number(values.hidden as string, "hidden", quick ? 64 : 128, 1),
    seed: number(values.seed as string, "seed", 0, 0),
  };
  const epochs = number(values.epochs as string, "epochs", 1, 1);
  const minutes = number(values.minutes as string, "minutes", quick ? 0.6 : Infinity, 0.01);
  const options = {
    epochs,
    maxSeconds: minutes * 60,
    batchSize: number(values.batch as string, "batch", 32, 1),
    seqLength: number(values.seq as string, "seq", 35, 1),
    learningRate: number(values.lr as string, "lr", quick ? 0.01 : 0.003, 1e-9),
    seed: config.seed,
  };
  const corpus = await brownCorpus();
  await initTfjs();
  const model = nextWordModel({ vocabularySize: corpus.vocabulary.size, ...config });
  console.log(
    `training with ${tfjsEngine()}: E = ${config.embeddingSize}, H = ${config.hiddenSize}, V = ${corpus.vocabulary.size} ` +
      `(${model.countParams().toLocaleString("en-US")} parameters) on ${
        corpus.ids.train.length.toLocaleString("en-US")
      } tokens, ` +
      `${epochs} epoch(s)${Number.isFinite(minutes) ? `, at most ${minutes} min` : ""}`,
  );
  let lastPrint = 0;
  const history = await trainNextWord(model, corpus.ids.train, {
    ...options,
    onBatch: (p) => {
      if (p.seconds - lastPrint < 10 && p.step % p.stepsPerEpoch !== 0) return;
      lastPrint = p.seconds;
      const left = Math.min(
        options.maxSeconds - p.seconds,
        (p.stepsPerEpoch * epochs - p.step) * (p.seconds / p.step),
      );
      console.log(
        `epoch ${p.epoch}/${epochs}  batch ${p.step - (p.epoch - 1) * p.stepsPerEpoch}/${p.stepsPerEpoch}  ` +
          `loss ${p.loss.toFixed(3)}  ${p.tokensPerSecond.toFixed(0)} tokens/s (${tfjsEngine()})  ${
            (p.seconds / 60).toFixed(1)
          } min, ` +
          `about ${(Math.max(0, left) / 60).toFixed(1)} min left`,
      );
    },
  });
  const last = history.at(-1)!;
  const valid = evaluateNextWord(model, corpus.ids.valid);
  await saveNextWord(model, corpus.vocabulary, dir);
  console.log(
    `trained ${last.tokens.toLocaleString("en-US")} tokens in ${last.seconds.toFixed(0)} s; ` +
      `validation perplexity ${valid.perplexity.toFixed(1)}, top-1 ${(100 * valid.top1).toFixed(1)} %, ` +
      `top-5 ${(100 * valid.top5).toFixed(1)} %; saved to ${dir}/`,
  );
  if (typeof values.results === "string") {
    // A record for notebook 09's final table (the lecture's model as the baseline to improve on).
    const test = evaluateNextWord(model, corpus.ids.test);
    const record = {
      command: `deno task nextword ${Deno.args.join(" ")}`,
      config: { vocabularySize: corpus.vocabulary.size, ...config },
      parameters: model.countParams(),
      options: { ...options, maxSeconds: Number.isFinite(options.maxSeconds) ? options.maxSeconds : null },
      tokens: last.tokens,
      seconds: last.seconds,
      engine: tfjsEngine(),
      cores: navigator.hardwareConcurrency,
      valid,
      test,
      date: new Date().toISOString(),
    };
    await Deno.writeTextFile(values.results, JSON.stringify(record, null, 1) + "\n");
    console.log(`test perplexity ${test.perplexity.toFixed(1)}; wrote ${values.results}`);
  }
}

async function predict(values: Record<string, string | boolean | undefined>, words: string[]) {
  const prompt = words.join(" ").trim().split(/\s+/).filter((w) => w.length > 0);
  if (prompt.length === 0) {
    throw new UsageError('the prompt is empty: give some words, e.g. deno task nextword predict "the king"');
  }
  const k = number(values.k as string, "k", 5, 1);
  await initTfjs();
  const { model, vocabulary } = await loadNextWord((values.model as string | undefined) ?? DEFAULT_MODEL);
  const unknown = prompt.filter((w) => !vocabulary.has(w));
  const top = predictNext(model, vocabulary, prompt, k);
  if (values.json) {
    console.log(JSON.stringify(top.map(({ word, p }) => ({ word, p: Number(p.toPrecision(6)) }))));
  } else {
    if (unknown.length > 0) console.log(`note: not in the vocabulary, read as <unk>: ${unknown.join(", ")}`);
    for (const { word, p } of top) console.log(`${word.padEnd(16)} ${(100 * p).toFixed(2).padStart(6)} %`);
  }
}

async function evaluate(values: Record<string, string | boolean | undefined>) {
  const split = (values.split as string | undefined) ?? "test";
  if (split !== "test" && split !== "valid") {
    throw new UsageError(`--split must be test or valid, got ${JSON.stringify(split)}`);
  }
  await initTfjs();
  const { model, vocabulary } = await loadNextWord((values.model as string | undefined) ?? DEFAULT_MODEL);
  const corpus = await brownCorpus();
  if (vocabulary.words.join("\n") !== corpus.vocabulary.words.join("\n")) {
    throw new UsageError("the model's vocab.json does not match the Brown vocabulary of lib/corpus.ts");
  }
  const ids = corpus.ids[split];
  const score = evaluateNextWord(model, ids);
  const result: Record<string, unknown> = {
    split,
    tokens: score.tokens,
    perplexity: Number(score.perplexity.toFixed(2)),
    top1: Number(score.top1.toFixed(4)),
    top5: Number(score.top5.toFixed(4)),
  };
  if (values.baselines) {
    const V = vocabulary.size;
    result.unigram = Number(ngramPerplexity(unigramModel(corpus.ids.train, V), ids).perplexity.toFixed(2));
    result.kneserNeyTrigram = Number(ngramPerplexity(kneserNeyTrigram(corpus.ids.train, V), ids).perplexity.toFixed(2));
  }
  if (values.json) console.log(JSON.stringify(result));
  else for (const [key, value] of Object.entries(result)) console.log(`${key.padEnd(18)} ${value}`);
}

if (import.meta.main) {
  try {
    const { values, positionals } = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        model: { type: "string" },
        quick: { type: "boolean" },
        epochs: { type: "string" },
        minutes: { type: "string" },
        embedding: { type: "string" },
        hidden: { type: "string" },
        batch: { type: "string" },
        seq: { type: "string" },
        lr: { type: "string" },
        seed: { type: "string" },
        k: { type: "string" },
        json: { type: "boolean" },
        split: { type: "string" },
        baselines: { type: "boolean" },
        results: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).valueOf() as { values: Record<string, string | boolean | undefined>; positionals: string[] };
    const [command, ...rest] = positionals;
    if (values.help) console.log(USAGE);
    else if (command === "train") await train(values);
    else if (command === "predict") await predict(values, rest);
    else if (command === "eval") await evaluate(values);
    else {throw new UsageError(
        command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}`,
      );}
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    console.error(`error: ${message.split("\n")[0]}${usage ? " (see: deno task nextword --help)" : ""}`);
    Deno.exit(1);
  }
}
