/**
 * `deno task nextword`: ask, train and score the course's next-word model on the Brown corpus.
 *
 *   deno task nextword predict "some words" [--model DIR] [--k 5] [--unknown] [--json]
 *   deno task nextword generate "some words" [--model DIR] [--words 30] [--greedy | --temperature T]
 *                               [--k K] [--top-p P] [--seed S] [--unknown] [--raw] [--json]
 *   deno task nextword eval [--model DIR] [--split test|valid] [--tokens N] [--baselines] [--json]
 *   deno task nextword train [--quick] [--model DIR] [--epochs N] [--minutes M] [--embedding E] [--hidden H]
 *                            [--tied] [--dropout R] [--batch B] [--seq T] [--lr RATE] [--seed S] [--results FILE.json]
 *
 * `predict`, `generate` and `eval` use the course's best model, `data/models/brown-lstm` (notebook 09's
 * hour-long run), unless `--model DIR` names another folder (any folder: `train --model DIR` writes one).
 * A prompt is read the way the corpus was cut (`tokenize`): "The king, who" is `the king , who`.
 * Every model is `lib/engine/wordlm.ts`'s streaming model; a folder saved by the course's older `nextword`
 * format (model.json) is read too. Bad input gets one line on stderr (with `--json`, `{"error": …}`
 * on stdout) and exit code 2; so does training that diverges (a NaN or infinite loss or gradient, or
 * a batch loss whose perplexity overflows), as soon as it does, with nothing saved.
 */

import { parseArgs } from "node:util";
import { brownCorpus, detokenize, kneserNeyTrigram, ngramPerplexity, type Sampling, unigramModel } from "@course/lib";
import { initTfjs, tfjsEngine } from "@course/lib/engine/tfjs.ts";
import {
  DivergenceError,
  evaluateWordLM,
  generateText,
  initWordLM,
  loadWordLM,
  predictNext,
  saveWordLM,
  trainWordLM,
  type WordLM,
  wordLMParamCounts,
  type WordLMProgress,
} from "@course/lib/engine/wordlm.ts";
import { courseModelDir } from "@course/lib/engine/course_model.ts";

const USAGE = `usage:
  deno task nextword predict "some words" [--model DIR] [--k 5] [--unknown] [--json]
  deno task nextword generate "some words" [--model DIR] [--words 30] [--greedy | --temperature T] [--k K]
                              [--top-p P] [--seed S] [--unknown] [--raw] [--json]
  deno task nextword eval [--model DIR] [--split test|valid] [--tokens N] [--baselines] [--json]
  deno task nextword train [--quick] [--model DIR] [--epochs N] [--minutes M] [--embedding E] [--hidden H]
                           [--tied] [--dropout R] [--batch B] [--seq T] [--lr RATE] [--seed S] [--results FILE.json]
predict, generate and eval use the course's best model (data/models/brown-lstm) unless --model is given;
train writes build/models/nextword unless --model is given. generate samples top-p 0.9 unless told otherwise,
and shows the text as text (--raw: the tokens as the model reads and writes them, a line per sentence).`;

const TRAINED_MODEL = "build/models/nextword";

/** An error the user caused: one line, exit code 2. */
export class UsageError extends Error {}

/** Training that diverged: one line, exit code 2, nothing saved (not a usage mistake: no pointer to --help). */
class Diverged extends UsageError {}

/**
 * A batch loss beyond ln(Number.MAX_VALUE) ≈ 709.78 nats a token is a perplexity that overflows even
 * float64: the weights are finite but the model is far past useful (an --lr of 1e30 gets there at its
 * second batch), and `train` would refuse to save it at the end anyway, so it stops there.
 */
const LOSS_BEYOND_PERPLEXITY = Math.log(Number.MAX_VALUE);

type Values = Record<string, string | boolean | undefined>;

const OPTIONS = {
  model: { type: "string" },
  quick: { type: "boolean" },
  epochs: { type: "string" },
  minutes: { type: "string" },
  embedding: { type: "string" },
  hidden: { type: "string" },
  tied: { type: "boolean" },
  dropout: { type: "string" },
  batch: { type: "string" },
  seq: { type: "string" },
  lr: { type: "string" },
  seed: { type: "string" },
  k: { type: "string" },
  words: { type: "string" },
  greedy: { type: "boolean" },
  temperature: { type: "string" },
  "top-p": { type: "string" },
  unknown: { type: "boolean" },
  json: { type: "boolean" },
  split: { type: "string" },
  tokens: { type: "string" },
  baselines: { type: "boolean" },
  raw: { type: "boolean" },
  results: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Which flags each command takes (besides --help). */
const FLAGS: Record<string, string[]> = {
  predict: ["model", "k", "unknown", "json"],
  generate: ["model", "words", "greedy", "temperature", "k", "top-p", "seed", "unknown", "raw", "json"],
  eval: ["model", "split", "tokens", "baselines", "json"],
  train: [
    "quick",
    "model",
    "epochs",
    "minutes",
    "embedding",
    "hidden",
    "tied",
    "dropout",
    "batch",
    "seq",
    "lr",
    "seed",
    "results",
  ],
};

function number(
  values: Values,
  name: string,
  fallback: number,
  check: { min: number; max?: number; whole?: boolean; above?: boolean },
): number {
  const value = values[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  const { min, max = Infinity, whole = false, above = false } = check;
  const ok = typeof value === "string" && value.trim() !== "" && Number.isFinite(n) &&
    (above ? n > min : n >= min) && n <= max && (!whole || Number.isInteger(n));
  if (!ok) {
    const what = `${whole ? "a whole number" : "a number"} ${above ? ">" : ">="} ${min}${
      Number.isFinite(max) ? ` and <= ${max}` : ""
    }`;
    throw new UsageError(`--${name} must be ${what}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function promptOf(rest: string[], command: string): string {
  const prompt = rest.join(" ").trim();
  if (prompt === "") {
    throw new UsageError(`the prompt is empty: give some words, e.g. deno task nextword ${command} "the king"`);
  }
  return prompt;
}

async function load(values: Values) {
  const dir = (values.model as string | undefined) ?? courseModelDir();
  if (dir.trim() === "") throw new UsageError("--model needs a folder, e.g. --model data/models/brown-lstm");
  const stat = await Deno.stat(dir).catch(() => undefined);
  if (stat && !stat.isDirectory) throw new UsageError(`--model must be a model's folder; ${dir} is a file`);
  await initTfjs();
  try {
    return { dir, ...await loadWordLM(dir) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Tells what the vocabulary does not know, and refuses a prompt the model cannot read at all. */
function checkKnown(prompt: { tokens: readonly string[]; unknown: readonly string[] }): string | undefined {
  if (prompt.unknown.length === prompt.tokens.length) {
    throw new UsageError(
      `none of the prompt's words is in the model's vocabulary (${
        prompt.unknown.join(", ")
      }): try common English words`,
    );
  }
  if (prompt.unknown.length > 0) return `not in the vocabulary, read as <unk>: ${prompt.unknown.join(", ")}`;
}

async function predict(values: Values, rest: string[]) {
  const text = promptOf(rest, "predict");
  const k = number(values, "k", 5, { min: 1, whole: true, max: 1000 });
  const { model, vocabulary } = await load(values);
  const { prompt, words } = predictNext(model, vocabulary, text, { k, unknown: values.unknown === true });
  const note = checkKnown(prompt);
  if (values.json) {
    console.log(JSON.stringify({
      tokens: prompt.tokens,
      unknown: prompt.unknown,
      next: words.map(({ word, p }) => ({ word, p: Number(p.toPrecision(6)) })),
    }));
  } else {
    if (note) console.log(`note: ${note}`);
    console.log(`after: ${prompt.tokens.join(" ")}`);
    const shown = (w: string) => w === "<eos>" ? "<eos> (the sentence ends)" : w;
    for (const { word, p } of words) console.log(`  ${shown(word).padEnd(16)} ${(100 * p).toFixed(2).padStart(6)} %`);
  }
}

/** The sampling the flags ask for: --greedy, --temperature, --k, --top-p (default top-p 0.9). */
export function samplingOf(values: Values): Sampling {
  const temperature = values.temperature === undefined
    ? undefined
    : number(values, "temperature", 1, { min: 0, above: true, max: 100 });
  if (values.greedy) {
    if (values.temperature !== undefined || values.k !== undefined || values["top-p"] !== undefined) {
      throw new UsageError(
        "--greedy takes no --temperature, --k or --top-p: greedy always picks the most probable word",
      );
    }
    return { kind: "greedy" };
  }
  if (values.k !== undefined && values["top-p"] !== undefined) {
    throw new UsageError("give --k or --top-p, not both");
  }
  if (values.k !== undefined) return { kind: "topK", k: number(values, "k", 10, { min: 1, whole: true }), temperature };
  if (values["top-p"] !== undefined) {
    return { kind: "topP", p: number(values, "top-p", 0.9, { min: 0, above: true, max: 1 }), temperature };
  }
  if (temperature !== undefined) return { kind: "temperature", temperature };
  return { kind: "topP", p: 0.9 };
}

async function generate(values: Values, rest: string[]) {
  const text = promptOf(rest, "generate");
  const sampling = samplingOf(values);
  const count = number(values, "words", 30, { min: 1, whole: true, max: 10_000 });
  const seed = number(values, "seed", 0, { min: 0, whole: true, max: 2 ** 31 });
  const { model, vocabulary } = await load(values);
  let out;
  try {
    out = generateText(model, vocabulary, text, { words: count, sampling, seed, unknown: values.unknown === true });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const note = checkKnown(out.prompt);
  const raw = (words: readonly string[]) => words.join(" ").replaceAll(" <eos> ", "\n").replaceAll("<eos>", "\n");
  if (values.json) {
    console.log(
      JSON.stringify({ tokens: out.prompt.tokens, unknown: out.prompt.unknown, sampling, seed, words: out.words }),
    );
  } else {
    if (note) console.log(`note: ${note}`);
    console.log(
      values.raw ? `${raw(out.prompt.tokens)} ${raw(out.words)}` : detokenize([...out.prompt.tokens, ...out.words]),
    );
  }
}

async function evaluate(values: Values) {
  const split = (values.split as string | undefined) ?? "test";
  if (split !== "test" && split !== "valid") {
    throw new UsageError(`--split must be test or valid, got ${JSON.stringify(split)}`);
  }
  const tokens = number(values, "tokens", Infinity, { min: 1000, whole: true });
  const { model, vocabulary, dir } = await load(values);
  const corpus = await brownCorpus();
  if (vocabulary.words.join("\n") !== corpus.vocabulary.words.join("\n")) {
    throw new UsageError(
      `${dir}/vocab.json is not the Brown vocabulary of lib/text/corpus.ts: this model was trained on other text`,
    );
  }
  const all = corpus.ids[split];
  const ids = Number.isFinite(tokens) ? all.subarray(0, tokens) : all;
  // Read as rows side by side (faster), each of at least 1,000 tokens so that the state has context
  // to carry: with 32 rows of a few tokens each, most predictions would start from nothing.
  const batchSize = Math.max(1, Math.min(32, Math.floor(ids.length / 1000)));
  let score;
  try {
    score = evaluateWordLM(model, ids, { accuracy: true, batchSize });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`${dir}: ${e.message}`); // a broken model is bad input
    throw e;
  }
  const result: Record<string, unknown> = {
    model: dir,
    split,
    tokens: score.tokens,
    perplexity: Number(score.perplexity.toFixed(2)),
    top1: Number(score.top1!.toFixed(4)),
    top5: Number(score.top5!.toFixed(4)),
    rows: batchSize,
  };
  if (values.baselines) {
    const V = vocabulary.size;
    result.unigram = Number(ngramPerplexity(unigramModel(corpus.ids.train, V), ids).perplexity.toFixed(2));
    result.kneserNeyTrigram = Number(ngramPerplexity(kneserNeyTrigram(corpus.ids.train, V), ids).perplexity.toFixed(2));
  }
  if (values.json) console.log(JSON.stringify(result));
  else for (const [key, value] of Object.entries(result)) console.log(`${key.padEnd(18)} ${value}`);
}

async function train(values: Values) {
  const quick = values.quick === true;
  const dir = (values.model as string | undefined) ?? TRAINED_MODEL;
  const tied = values.tied === true;
  const embeddingSize = number(values, "embedding", quick ? 32 : 64, { min: 1, whole: true });
  const config = {
    embeddingSize,
    hiddenSize: number(values, "hidden", tied ? embeddingSize : quick ? 64 : 128, { min: 1, whole: true }),
    tied,
    dropout: number(values, "dropout", 0, { min: 0, max: 0.95 }),
    seed: number(values, "seed", 0, { min: 0, whole: true, max: 2 ** 31 }),
  };
  if (tied && config.hiddenSize !== config.embeddingSize) {
    throw new UsageError(`--tied needs --hidden equal to --embedding, got ${config.hiddenSize} and ${embeddingSize}`);
  }
  const epochs = number(values, "epochs", 1, { min: 1, whole: true });
  const minutes = number(values, "minutes", quick ? 0.6 : Infinity, { min: 0.01 });
  const options = {
    epochs,
    maxSeconds: minutes * 60,
    batchSize: number(values, "batch", 32, { min: 1, whole: true }),
    seqLength: number(values, "seq", 35, { min: 1, whole: true }),
    learningRate: number(values, "lr", quick ? 0.01 : 0.003, { min: 0, above: true }),
    seed: config.seed,
  };
  // Fail on an unwritable folder or results file now, not after an hour of training.
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(`${dir}/.write-test`, "");
    await Deno.remove(`${dir}/.write-test`);
  } catch (e) {
    throw new UsageError(`cannot write the model to ${dir}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (typeof values.results === "string") {
    const folder = values.results.includes("/") ? values.results.slice(0, values.results.lastIndexOf("/")) || "/" : ".";
    const ok = await Deno.stat(folder).then((st) => st.isDirectory, () => false);
    if (!ok) throw new UsageError(`--results ${values.results}: the folder ${folder} does not exist`);
  }
  const corpus = await brownCorpus();
  if (corpus.ids.train.length < options.batchSize * (options.seqLength + 1)) {
    throw new UsageError(
      `--batch ${options.batchSize} × --seq ${options.seqLength} is more than the ${
        corpus.ids.train.length.toLocaleString("en-US")
      } training tokens`,
    );
  }
  await initTfjs();
  const model: WordLM = initWordLM({ vocabularySize: corpus.vocabulary.size, ...config });
  const parameters = wordLMParamCounts(model.config).total;
  console.log(
    `training with ${tfjsEngine()}: E = ${config.embeddingSize}, H = ${config.hiddenSize}${tied ? " (tied)" : ""}, ` +
      `V = ${corpus.vocabulary.size} (${parameters.toLocaleString("en-US")} parameters) on ` +
      `${corpus.ids.train.length.toLocaleString("en-US")} tokens, ${epochs} epoch(s)` +
      `${Number.isFinite(minutes) ? `, at most ${minutes} min` : ""}`,
  );
  const history = await diverged(options.learningRate, () =>
    trainWordLM(model, corpus.ids.train, {
      ...options,
      onBatch: progress(options, epochs * corpus.ids.train.length),
    }));
  // --quick scores the first 20,000 validation tokens (the whole split takes about half a minute).
  const validIds = quick ? corpus.ids.valid.subarray(0, 20_000) : corpus.ids.valid;
  const valid = await diverged(options.learningRate, () => evaluateWordLM(model, validIds, { accuracy: true }));
  if (!Number.isFinite(valid.perplexity)) { // finite weights, but a mean loss beyond e⁷⁰⁹: nothing worth saving
    throw new Diverged(
      `training diverged: the validation loss is ${valid.meanLoss.toPrecision(3)} nats a token (perplexity ` +
        `Infinity); try a smaller --lr (it was ${options.learningRate}). Nothing was saved.`,
    );
  }
  await saveWordLM(model, corpus.vocabulary, dir, {
    notes: { trainedBy: `deno task nextword ${Deno.args.join(" ")}`, tokens: history.tokens, seconds: history.seconds },
  });
  console.log(
    `trained ${history.tokens.toLocaleString("en-US")} tokens in ${history.seconds.toFixed(0)} s; ` +
      `validation perplexity${quick ? " (first 20,000 tokens)" : ""} ${valid.perplexity.toFixed(1)}, top-1 ${
        (100 * valid.top1!).toFixed(1)
      } %, ` +
      `top-5 ${(100 * valid.top5!).toFixed(1)} %; saved to ${dir}/`,
  );
  if (typeof values.results === "string") {
    const test = evaluateWordLM(model, corpus.ids.test, { accuracy: true });
    const record = {
      command: `deno task nextword ${Deno.args.join(" ")}`,
      config: model.config,
      parameters,
      options: { ...options, maxSeconds: Number.isFinite(options.maxSeconds) ? options.maxSeconds : null },
      tokens: history.tokens,
      seconds: history.seconds,
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

/**
 * What `train` does after every batch: a progress line every 10 s, and a stop (exit code 2) at a loss
 * beyond {@linkcode LOSS_BEYOND_PERPLEXITY}.
 */
function progress(options: { epochs: number; maxSeconds: number; learningRate: number }, planned: number) {
  let lastPrint = 0;
  return (p: WordLMProgress) => {
    if (p.loss > LOSS_BEYOND_PERPLEXITY) {
      throw new Diverged(
        `training diverged at batch ${p.step} (epoch ${p.epoch}): its loss was ${p.loss.toPrecision(3)} nats a ` +
          `token, a perplexity beyond float64; try a smaller --lr (it was ${options.learningRate}). Nothing was saved.`,
      );
    }
    if (p.seconds - lastPrint < 10) return;
    lastPrint = p.seconds;
    const rate = p.tokens / p.seconds;
    const left = Math.min(options.maxSeconds - p.seconds, (planned - p.tokens) / rate);
    console.log(
      `epoch ${p.epoch}/${options.epochs}  ${p.tokens.toLocaleString("en-US")} tokens  loss ${p.loss.toFixed(3)}  ` +
        `${rate.toFixed(0)} tokens/s (${tfjsEngine()})  ${(p.seconds / 60).toFixed(1)} min, ` +
        `about ${(Math.max(0, left) / 60).toFixed(1)} min left`,
    );
  };
}

/**
 * Runs training, or the first evaluation of what it trained, turning the library's refusal of a NaN
 * or infinite loss or gradient into one line for the command line (exit code 2); nothing is saved.
 */
async function diverged<T>(lr: number, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const what = e instanceof DivergenceError
      ? `at batch ${e.batch} (epoch ${e.epoch}): its ${Number.isFinite(e.loss) ? "gradient's norm" : "loss"} was ${
        Number.isFinite(e.loss) ? e.gradientNorm : e.loss
      }`
      : `by its end (${e.message})`; // the trained model's validation loss is not finite
    throw new Diverged(`training diverged ${what}; try a smaller --lr (it was ${lr}). Nothing was saved.`);
  }
}

/** Runs the CLI on `args`; returns the exit code (0, or 2 for a usage error). */
export async function main(args: string[]): Promise<number> {
  let json = args.includes("--json");
  try {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS, strict: true });
    } catch (e) {
      const message = (e as Error).message.split("\n")[0];
      const flag = /Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message)?.[1];
      throw new UsageError(
        flag ? `${flag} needs a value; for one that starts with "-", write ${flag}=VALUE (${flag}=-3)` : message,
      );
    }
    const values = parsed.values as Values;
    json = values.json === true;
    const [command, ...rest] = parsed.positionals;
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (command === undefined) throw new UsageError("no command given: predict, generate, eval or train");
    const allowed = FLAGS[command];
    if (!allowed) throw new UsageError(`unknown command ${JSON.stringify(command)}: predict, generate, eval or train`);
    for (const flag of Object.keys(values)) {
      if (flag !== "help" && !allowed.includes(flag)) throw new UsageError(`${command} takes no --${flag}`);
    }
    if (command !== "predict" && command !== "generate" && rest.length > 0) {
      throw new UsageError(`${command} takes no words, got ${JSON.stringify(rest.join(" "))}`);
    }
    if (command === "predict") await predict(values, rest);
    else if (command === "generate") await generate(values, rest);
    else if (command === "eval") await evaluate(values);
    else await train(values);
    return 0;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    const usage = e instanceof UsageError;
    const help = usage && !(e instanceof Diverged) ? " (see: deno task nextword --help)" : "";
    if (json) console.log(JSON.stringify({ error: message }));
    else console.error(`error: ${message}${help}`);
    return usage ? 2 : 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
