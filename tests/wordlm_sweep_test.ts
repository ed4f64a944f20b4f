// A sweep of the word model's public options and inputs (issue 32): sizes 0, 1, negative, fractional,
// NaN and infinite, empty and one-token streams, ids outside the vocabulary. Every call must give a clear
// error (a RangeError or TypeError of one line, "Cannot …", thrown before any kernel runs: no tensor left
// behind) or a right answer (every number in it finite), never NaN and never an error from inside tfjs.
// Tiny models (V = 6, E = H = 4), so that the whole sweep takes a few seconds.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Vocabulary } from "@course/lib";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import {
  disposeWordLM,
  earlyStoppingPoint,
  evaluateWordLM,
  generateText,
  initWordLM,
  nextWordDistribution,
  predictNext,
  readAlong,
  saveWordLM,
  streamRows,
  trainWordLM,
  type WordLM,
  wordLMForward,
  wordLMLoss,
  zeroState,
} from "@course/lib/engine/wordlm.ts";

await initTfjs();

const V = 6;
const vocabulary = new Vocabulary(["<unk>", "<eos>", "a", "b", "c", "d"]);
const stream = Int32Array.from({ length: 61 }, (_, t) => [2, 3, 4, 1, 5][t % 5]);
/** Sizes that are not whole numbers >= 1 (and 1, which is one). */
const SIZES = [0, 1, -1, 2.5, NaN, Infinity, -Infinity];
/** Streams: empty, one token, two tokens, ids outside [0, V). */
const STREAMS: [string, Int32Array][] = [
  ["empty", new Int32Array(0)],
  ["one token", Int32Array.of(2)],
  ["two tokens", Int32Array.of(2, 3)],
  ["an id of V", Int32Array.of(2, 3, V, 4)],
  ["an id of -1", Int32Array.of(2, -1, 3, 4)],
];

/** Every number in `value` (objects, arrays, typed arrays) is finite, except the documented NaN gaps of logProbs. */
function assertFinite(value: unknown, where: string): void {
  if (typeof value === "number") assert.ok(Number.isFinite(value), `${where}: ${value}`);
  else if (ArrayBuffer.isView(value)) {
    (value as unknown as number[]).forEach((x, k) => assert.ok(Number.isFinite(x), `${where}[${k}]: ${x}`));
  } else if (value instanceof tf.Tensor) assertFinite(value.dataSync(), where);
  else if (typeof value === "object" && value !== null) {
    for (const [key, v] of Object.entries(value)) if (key !== "logProbs") assertFinite(v, `${where}.${key}`);
  }
}

let calls = 0, refused = 0;

/**
 * Runs `f` (sync or async): a clear, one-line RangeError or TypeError, or an answer whose every number is
 * finite; either way no tensor is left behind (tensors `f` makes and drops are disposed with its scope).
 */
async function sweep(where: string, f: () => unknown, expect: "error" | "answer" | "either" = "either") {
  calls++;
  const before = tf.memory().numTensors;
  tf.engine().startScope();
  try {
    const result = await f();
    assert.notEqual(expect, "error", `${where}: expected an error, got ${JSON.stringify(result)?.slice(0, 100)}`);
    assertFinite(result, where);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    refused++;
    const error = e as Error;
    const kind = error instanceof RangeError || error instanceof TypeError;
    assert.ok(kind, `${where}: ${error.constructor.name}: ${error.message}`);
    assert.match(error.message, /^Cannot [^\n]+$/, `${where}: ${error.message}`);
    assert.notEqual(expect, "answer", `${where}: expected an answer, got: ${error.message}`);
  } finally {
    tf.engine().endScope();
  }
  assert.equal(tf.memory().numTensors, before, `${where}: tensors left behind`);
}

function model(config: Record<string, unknown> = {}): WordLM {
  return initWordLM({ vocabularySize: V, embeddingSize: 4, hiddenSize: 4, ...config });
}

Deno.test("sweep: initWordLM's config, every size and rate", async () => {
  for (const key of ["vocabularySize", "embeddingSize", "hiddenSize", "layers"]) {
    for (const n of [...SIZES, "3", null]) {
      await sweep(`initWordLM ${key} ${n}`, () => {
        const m = model({ [key]: n, tied: false });
        const out = wordLMForward(m, tf.tensor2d([[0]], [1, 1], "int32"), zeroState(m, 1)).logits.dataSync();
        disposeWordLM(m);
        return out;
      }, n === 1 ? "answer" : "error");
    }
  }
  for (const key of ["dropout", "recurrentDropout", "forgetBias", "seed"]) {
    for (const r of [0, 0.5, 1, -1, 2.5, NaN, Infinity]) {
      const ok = key === "forgetBias" ? Number.isFinite(r) : key === "seed" ? r === 0 || r === 1 : r === 0 || r === 0.5;
      await sweep(`initWordLM ${key} ${r}`, () => disposeWordLM(model({ [key]: r })), ok ? "answer" : "error");
    }
  }
  await sweep("initWordLM cell rnn", () => model({ cell: "rnn" }), "error");
  await sweep("initWordLM tied 'yes'", () => model({ tied: "yes" }), "error");
  await sweep("initWordLM tied, E ≠ H", () => model({ tied: true, hiddenSize: 5 }), "error");
  await sweep("initWordLM of nothing", () => initWordLM(undefined as never), "error");
});

Deno.test("sweep: zeroState, streamRows, wordLMForward and wordLMLoss on every batch size and shape", async () => {
  const m = model(), gru = model({ cell: "gru", layers: 2 });
  for (const B of SIZES) {
    await sweep(`zeroState ${B}`, () => zeroState(m, B), B === 1 ? "answer" : "error");
    await sweep(`streamRows ${B}`, () => streamRows(stream, B).length, B === 1 ? "answer" : "error");
  }
  for (const [name, ids] of STREAMS) {
    await sweep(
      `streamRows of ${name}`,
      () => streamRows(ids, 1).length,
      name === "empty" || name === "one token" ? "error" : "answer",
    );
  }
  const x = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]?.length ?? 0], "int32");
  for (const [which, net] of [["lstm", m], ["gru", gru]] as const) {
    await sweep(`${which} forward, one token`, () => wordLMForward(net, x([[2]]), zeroState(net, 1)).logits, "answer");
    await sweep(`${which} forward, id V`, () => wordLMForward(net, x([[V]]), zeroState(net, 1)), "error");
    await sweep(`${which} forward, id -1`, () => wordLMForward(net, x([[-1]]), zeroState(net, 1)), "error");
    await sweep(
      `${which} forward, T = 0`,
      () => wordLMForward(net, tf.zeros([1, 0], "int32") as tf.Tensor2D, zeroState(net, 1)),
      "error",
    );
    await sweep(
      `${which} forward, B = 0`,
      () => wordLMForward(net, tf.zeros([0, 2], "int32") as tf.Tensor2D, zeroState(net, 1)),
      "error",
    );
    await sweep(
      `${which} forward, x [2]`,
      () => wordLMForward(net, tf.tensor1d([1, 2], "int32") as never, zeroState(net, 1)),
      "error",
    );
    await sweep(
      `${which} forward, float x`,
      () => wordLMForward(net, tf.tensor2d([[1.5]]), zeroState(net, 1)),
      "error",
    );
    await sweep(
      `${which} forward, state of 1 for 2 rows`,
      () => wordLMForward(net, x([[1], [2]]), zeroState(net, 1)),
      "error",
    );
    await sweep(`${which} forward, no state`, () => wordLMForward(net, x([[1]]), undefined as never), "error");
    await sweep(
      `${which} forward, the other's state`,
      () => wordLMForward(net, x([[1]]), zeroState(net === m ? gru : m, 1)),
      "error",
    );
    for (const y of [[2], [2, 3], [V], [-1]]) {
      await sweep(
        `${which} loss, y ${y}`,
        () => wordLMLoss(net, x([[2]]), tf.tensor1d(y, "int32"), zeroState(net, 1)).loss,
        y.length === 1 && y[0] === 2 ? "answer" : "error",
      );
    }
    await sweep(
      `${which} loss, float y`,
      () => wordLMLoss(net, x([[2]]), tf.tensor1d([2]), zeroState(net, 1)),
      "error",
    );
  }
  disposeWordLM(m);
  disposeWordLM(gru);
});

Deno.test("sweep: trainWordLM's options and streams (a one-token last window trains; every bad value is refused before training)", async () => {
  const m = model();
  const train = (options: Record<string, unknown>, ids: Int32Array = stream) => () =>
    trainWordLM(m, ids, { batchSize: 2, seqLength: 5, maxTokens: 20, ...options }).then((h) => h.batches);
  for (const key of ["batchSize", "seqLength", "epochs", "resetEvery"]) {
    for (const n of SIZES) {
      const ok = n === 1 || (key === "resetEvery" && n === Infinity);
      await sweep(`train ${key} ${n}`, train({ [key]: n }), ok ? "answer" : "error");
    }
  }
  for (const key of ["learningRate", "clipNorm", "maxTokens", "maxSeconds"]) {
    for (const r of [0.5, 0, -1, NaN, Infinity, "1"]) {
      const ok = r === 0.5 || (r === Infinity && key !== "learningRate");
      await sweep(`train ${key} ${r}`, train({ [key]: r }), ok ? "answer" : "error");
    }
  }
  for (const seed of [0, 7, -1, 2.5, NaN]) {
    await sweep(`train seed ${seed}`, train({ seed }), seed >= 0 && Number.isInteger(seed) ? "answer" : "error");
  }
  for (const [key, value] of [["optimizer", "rmsprop"], ["schedule", "cosine"], ["carryState", "no"]]) {
    await sweep(`train ${key} ${value}`, train({ [key]: value }), "error");
  }
  await sweep("train options null", () => trainWordLM(m, stream, null as never), "error");
  for (const [name, ids] of STREAMS) await sweep(`train on ${name}`, train({}, ids), "error");
  await sweep("train on B + 1 tokens: one window of one token a row", train({}, stream.subarray(0, 3)), "answer");
  await sweep("train on an Array, not an Int32Array", train({}, [1, 2, 3] as never), "error");
  for (const every of [0, -1, NaN, 10]) {
    await sweep(
      `train validation.every ${every}`,
      train({ validation: { ids: stream, every } }),
      every === 10 ? "answer" : "error",
    );
  }
  for (const maxTokens of [0, -1, 2.5, NaN, 1, 2]) {
    await sweep(
      `train validation.maxTokens ${maxTokens}`,
      train({ validation: { ids: stream, every: 10, maxTokens } }),
      maxTokens === 2 ? "answer" : "error", // 1 leaves 2 tokens: too few for 2 rows
    );
  }
  for (const [name, ids] of STREAMS) {
    await sweep(`train validation.ids ${name}`, train({ validation: { ids, every: 10 } }), "error");
  }
  for (const patience of [0, -1, 2.5, NaN, 1]) {
    const options = { validation: { ids: stream, every: 10 }, earlyStopping: { patience } };
    await sweep(`train earlyStopping.patience ${patience}`, train(options), patience === 1 ? "answer" : "error");
  }
  await sweep("train earlyStopping without validation", train({ earlyStopping: { patience: 1 } }), "error");
  disposeWordLM(m);
});

Deno.test("sweep: evaluateWordLM's options and streams, on every path", async () => {
  const m = model();
  for (const paths of [{}, { accuracy: true }, { perToken: true }, { carryState: false }]) {
    const evaluate = (options: Record<string, unknown>, ids: Int32Array = stream) => () =>
      evaluateWordLM(m, ids, { ...paths, ...options });
    const where = JSON.stringify(paths);
    for (const key of ["batchSize", "seqLength", "maxTokens"]) {
      for (const n of SIZES) {
        await sweep(
          `evaluate ${where} ${key} ${n}`,
          evaluate({ batchSize: 1, [key]: n }),
          n === 1 ? "answer" : "error",
        );
      }
    }
    for (const [name, ids] of STREAMS) {
      await sweep(
        `evaluate ${where} on ${name}`,
        evaluate({ batchSize: 1 }, ids),
        name === "two tokens" ? "answer" : "error",
      );
    }
    await sweep(`evaluate ${where} on B tokens`, evaluate({ batchSize: 4 }, stream.subarray(0, 4)), "error");
    await sweep(`evaluate ${where} options null`, () => evaluateWordLM(m, stream, null as never), "error");
  }
  disposeWordLM(m);
});

Deno.test("sweep: asking the model, saving it, early stopping", async () => {
  const m = model();
  for (const k of [...SIZES, V, V + 1]) {
    await sweep(
      `predictNext k ${k}`,
      () => predictNext(m, vocabulary, "a b", { k }).words,
      k === 1 || k === V - 1 ? "answer" : "error",
    );
    await sweep(
      `readAlong k ${k}`,
      () => readAlong(m, vocabulary, "a", { k }).steps,
      k === 1 || k === V - 1 ? "answer" : "error",
    );
  }
  for (const words of [0, 1, -1, 2.5, NaN, Infinity]) {
    await sweep(
      `generateText words ${words}`,
      () => generateText(m, vocabulary, "a", { words, sampling: { kind: "greedy" } }).words.length,
      words === 0 || words === 1 ? "answer" : "error",
    );
  }
  for (const prompt of ["", "   ", "a", "zz", [] as string[], ["a", ""]]) {
    await sweep(
      `predictNext prompt ${JSON.stringify(prompt)}`,
      () => predictNext(m, vocabulary, prompt).words,
      prompt === "a" || prompt === "zz" ? "answer" : "error",
    );
  }
  await sweep(
    "nextWordDistribution of no ids",
    () => nextWordDistribution(m, { tokens: [], ids: [], unknown: [] }),
    "error",
  );
  await sweep(
    "nextWordDistribution of an id V",
    () => nextWordDistribution(m, { tokens: [], ids: [V], unknown: [] }),
    "error",
  );
  await sweep(
    "predictNext with a smaller vocabulary",
    () => predictNext(m, new Vocabulary(["<unk>", "<eos>", "a"]), "a"),
    "error",
  );
  const dir = await Deno.makeTempDir();
  for (const dtype of ["float16", "int8"]) {
    await sweep(
      `saveWordLM dtype ${dtype}`,
      () => saveWordLM(m, vocabulary, dir, { dtype: dtype as "float16" }),
      dtype === "float16" ? "answer" : "error",
    );
  }
  await sweep(
    "saveWordLM with a smaller vocabulary",
    () => saveWordLM(m, new Vocabulary(["<unk>", "<eos>"]), dir),
    "error",
  );
  await Deno.remove(dir, { recursive: true });
  for (const patience of [...SIZES]) {
    await sweep(
      `earlyStoppingPoint patience ${patience}`,
      () => earlyStoppingPoint([3, 2, 4], patience),
      patience === 1 ? "answer" : "error",
    );
  }
  disposeWordLM(m);
  await sweep("a disposed model", () => zeroState(m, 1), "error");
  await sweep("evaluate a disposed model", () => evaluateWordLM(m, stream), "error");
  await sweep("not a model", () => evaluateWordLM({} as WordLM, stream), "error");
});

Deno.test("sweep: counted", () => {
  // Guards against a sweep that silently stopped sweeping.
  assert.ok(calls > 300 && refused > 200, `${calls} calls, ${refused} refused`);
});
