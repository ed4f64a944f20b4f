import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Vocabulary } from "@course/lib";
import { initTfjs } from "@course/lib/tfjs.ts";
import {
  evaluateNextWord,
  lectureModel,
  loadNextWord,
  nextWordModel,
  nextWordParamCounts,
  predictNext,
  prefixAccuracy,
  prefixExamples,
  saveNextWord,
  trainNextWord,
  trainPrefixModel,
  windows,
} from "@course/lib/nextword.ts";

await initTfjs();

// A toy vocabulary and a stream with an obvious pattern: "the king ruled" over and over.
const words = ["<unk>", "<eos>", "the", "king", "ruled", "queen", "long", "ago", "and", "was", "kind", "he"];
const vocabulary = new Vocabulary(words);
const stream = Int32Array.from({ length: 600 }, (_, t) => [2, 3, 4, 1][t % 4]);

Deno.test("nextWordModel: parameter counts match notebook 02's formulas, layer by layer", () => {
  const config = { vocabularySize: 283, embeddingSize: 100, hiddenSize: 150 };
  const model = nextWordModel(config);
  const counts = nextWordParamCounts(config);
  assert.deepEqual(model.layers.map((l) => l.countParams()), [counts.embedding, counts.lstm, counts.dense]);
  assert.equal(model.countParams(), 221_633);
  model.dispose();
});

Deno.test("windows of T + 1 tokens advance by T", () => {
  assert.deepEqual(windows(Int32Array.from([0, 1, 2, 3, 4, 5, 6]), 3).map((w) => [...w]), [[0, 1, 2, 3], [3, 4, 5, 6]]);
});

Deno.test("training learns an obvious pattern, and a saved model reloads with exactly the same predictions", async () => {
  const model = nextWordModel({ vocabularySize: words.length, embeddingSize: 8, hiddenSize: 16, seed: 3 });
  await trainNextWord(model, stream, { epochs: 20, batchSize: 8, seqLength: 8, learningRate: 0.02 });
  const score = evaluateNextWord(model, stream, { seqLength: 8 });
  assert.ok(score.top1 > 0.95, `top-1 ${score.top1}`);
  const before = predictNext(model, vocabulary, ["the"], 3);
  assert.equal(before[0].word, "king");
  const dir = await Deno.makeTempDir();
  await saveNextWord(model, vocabulary, dir);
  const loaded = await loadNextWord(dir);
  assert.deepEqual(predictNext(loaded.model, loaded.vocabulary, ["the"], 3), before); // exactly equal
  model.dispose();
  loaded.model.dispose();
  await Deno.remove(dir, { recursive: true });
});

/** Runs the CLI and returns its exit code and output. */
async function cli(...args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("../tools/nextword.ts", import.meta.url).pathname, ...args],
    env: { NO_COLOR: "1" },
  }).output();
  return { code, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
}

Deno.test("deno task nextword: bad input gets a one-line error and exit code 1", async () => {
  const good = await Deno.makeTempDir();
  const model = nextWordModel({ vocabularySize: words.length, embeddingSize: 4, hiddenSize: 4 });
  await saveNextWord(model, vocabulary, good);
  model.dispose();
  const copy = async (change: (dir: string) => Promise<void>) => {
    const dir = await Deno.makeTempDir();
    for (const name of ["model.json", "weights.bin", "vocab.json"]) {
      await Deno.copyFile(`${good}/${name}`, `${dir}/${name}`);
    }
    await change(dir);
    return dir;
  };
  const corrupt = await copy((dir) => Deno.writeTextFile(`${dir}/model.json`, "{ not json"));
  const mismatch = await copy((dir) =>
    Deno.writeTextFile(`${dir}/vocab.json`, JSON.stringify({ words: words.slice(0, 11) }))
  );
  const cases: [string[], string][] = [
    [
      ["predict", "", "--model", good],
      'error: the prompt is empty: give some words, e.g. deno task nextword predict "the king"',
    ],
    [
      ["predict", "the king", "--model", `${good}/nowhere`],
      `error: Cannot load model: ${good}/nowhere/model.json does not exist`,
    ],
    [["predict", "the king", "--model", corrupt], `error: Cannot load model: ${corrupt}/model.json is not valid JSON`],
    [
      ["predict", "the king", "--model", mismatch],
      `error: Cannot load model: the model scores 12 words but ${mismatch}/vocab.json has 11`,
    ],
    [["predict", "the", "--bogus"], "error: Unknown option '--bogus'."],
    [["fly"], 'error: unknown command "fly"'],
  ];
  const results = await Promise.all(cases.map(([args]) => cli(...args)));
  results.forEach(({ code, err }, k) => {
    assert.equal(code, 1, `${cases[k][0].join(" ")}: exit code`);
    assert.equal(err.trim().split("\n").length, 1, `${cases[k][0].join(" ")}: one line, got ${err}`);
    assert.ok(err.startsWith(cases[k][1]), `${cases[k][0].join(" ")}: got ${err}`);
  });

  const unknown = await cli("predict", "the dragon", "--model", good);
  assert.equal(unknown.code, 0, unknown.err);
  assert.match(unknown.out, /read as <unk>: dragon/);
  const json = await cli("predict", "the", "--model", good, "--json", "--k", "2");
  const parsed = JSON.parse(json.out);
  assert.equal(parsed.length, 2);
  assert.deepEqual(Object.keys(parsed[0]), ["word", "p"]);
  for (const dir of [good, corrupt, mismatch]) await Deno.remove(dir, { recursive: true });
});

Deno.test("no tensors leak from training, evaluation and prediction", async () => {
  const model = nextWordModel({ vocabularySize: words.length, embeddingSize: 4, hiddenSize: 4 });
  await trainNextWord(model, stream, { epochs: 1, batchSize: 8, seqLength: 8 }); // builds the optimizer's slots
  const before = tf.memory().numTensors;
  await trainNextWord(model, stream, { epochs: 1, batchSize: 8, seqLength: 8 });
  evaluateNextWord(model, stream, { seqLength: 8 });
  predictNext(model, vocabulary, ["the"]);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("the prefix strategy's example table, and the lecture's model learning it", () => {
  const sentences = [[2, 3, 4], [2, 5, 4, 1]];
  const { inputs, labels } = prefixExamples(sentences, 1);
  assert.deepEqual(inputs.map((x) => [...x]), [[1, 1, 2], [1, 2, 3], [1, 1, 2], [1, 2, 5], [2, 5, 4]]);
  assert.deepEqual([...labels], [3, 4, 5, 4, 1]);
  const model = lectureModel({ vocabularySize: words.length, embeddingSize: 8, hiddenSize: 16 });
  const history = trainPrefixModel(model, { inputs: inputs.slice(1), labels: labels.slice(1) }, {
    epochs: 40,
    batchSize: 4,
  });
  assert.equal(history.length, 40);
  assert.equal(prefixAccuracy(model, { inputs: inputs.slice(1), labels: labels.slice(1) }), 1);
  model.dispose();
});
