// lib/nextword.ts: the lecture's prefix model of notebook 07. Prediction pads a prompt exactly as
// training padded its examples (the model carries its pad id, width and vocabulary).
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Vocabulary } from "@course/lib";
import { initTfjs } from "@course/lib/tfjs.ts";
import {
  lectureModel,
  nextWordParamCounts,
  predictNext,
  prefixAccuracy,
  prefixExamples,
  prefixInput,
  trainPrefixModel,
  windows,
} from "@course/lib/nextword.ts";

await initTfjs();

const words = ["<unk>", "<eos>", "the", "king", "ruled", "queen", "long", "ago", "and", "was", "kind", "he"];
const vocabulary = new Vocabulary(words);

Deno.test("lectureModel: parameter counts match notebook 02's formulas, layer by layer", () => {
  const config = { vocabularySize: 283, embeddingSize: 100, hiddenSize: 150 };
  const vocab = new Vocabulary(["<unk>", "<eos>", ...Array.from({ length: 281 }, (_, k) => `w${k}`)]);
  const model = lectureModel(config, vocab, { pad: 1, width: 20 });
  const counts = nextWordParamCounts(config);
  assert.deepEqual(model.net.layers.map((l) => l.countParams()), [counts.embedding, counts.lstm, counts.dense]);
  assert.equal(model.net.countParams(), 221_633);
  model.net.dispose();
});

Deno.test("windows of T + 1 tokens advance by T", () => {
  assert.deepEqual(windows(Int32Array.from([0, 1, 2, 3, 4, 5, 6]), 3).map((w) => [...w]), [[0, 1, 2, 3], [3, 4, 5, 6]]);
});

Deno.test("the prefix strategy's example table, and the lecture's model learning it", () => {
  const sentences = [[2, 3, 4], [2, 5, 4, 1]];
  const examples = prefixExamples(sentences, 1);
  assert.deepEqual(examples.inputs.map((x) => [...x]), [[1, 1, 2], [1, 2, 3], [1, 1, 2], [1, 2, 5], [2, 5, 4]]);
  assert.deepEqual([...examples.labels], [3, 4, 5, 4, 1]);
  assert.equal(examples.width, 3);
  const model = lectureModel({ vocabularySize: words.length, embeddingSize: 8, hiddenSize: 16 }, vocabulary, examples);
  const train = { ...examples, inputs: examples.inputs.slice(1), labels: examples.labels.slice(1) };
  const history = trainPrefixModel(model, train, { epochs: 40, batchSize: 4 });
  assert.equal(history.length, 40);
  assert.equal(prefixAccuracy(model, train), 1);
  model.net.dispose();
});

Deno.test("a prompt is padded as training padded: its input is the training example of the same prefix", () => {
  const sentences = [["the", "king", "ruled", "long", "ago"], ["he", "was", "kind"]].map((s) =>
    s.map((w) => vocabulary.id(w))
  );
  const examples = prefixExamples(sentences, vocabulary.id("<eos>"));
  const model = lectureModel({ vocabularySize: words.length, embeddingSize: 4, hiddenSize: 4 }, vocabulary, examples);
  let k = 0;
  for (const sentence of sentences) {
    for (let end = 1; end < sentence.length; end++, k++) {
      const prompt = vocabulary.decode(sentence.slice(0, end));
      assert.deepEqual([...prefixInput(model, prompt)], [...examples.inputs[k]], prompt.join(" "));
      assert.deepEqual([...prefixInput(model, prompt.join(" ").toUpperCase())], [...examples.inputs[k]]); // a typed prompt
    }
  }
  // Longer than any prefix: the last `width` words, as the model never saw more.
  assert.deepEqual([...prefixInput(model, "he was kind and the king ruled long ago")], [3, 4, 6, 7]);
  // The probabilities are the network's own on the padded input.
  const top = predictNext(model, "the king", { k: 3, unknown: true });
  const expected = tf.tidy(() =>
    tf.softmax(model.net.apply(tf.tensor2d(examples.inputs[1], [1, examples.width], "int32")) as tf.Tensor2D).dataSync()
  );
  for (const { word, p } of top) assert.ok(Math.abs(p - expected[vocabulary.id(word)]) < 1e-7);
  model.net.dispose();
});

Deno.test("prefix model: <unk> is not ranked unless asked; options and layouts are checked", () => {
  const examples = prefixExamples([[2, 3, 4]], 1);
  const model = lectureModel({ vocabularySize: words.length, embeddingSize: 4, hiddenSize: 4 }, vocabulary, examples);
  assert.ok(predictNext(model, "the", { k: words.length - 1 }).every((w) => w.word !== "<unk>"));
  assert.equal(predictNext(model, "the", { k: words.length, unknown: true }).length, words.length);
  assert.throws(
    () => predictNext(model, "the", { k: 0 }),
    /k must be a whole number from 1 to 11 \(the words not excluded\), got 0/,
  );
  assert.throws(() => predictNext(model, "the", { k: -1 }), RangeError);
  assert.throws(() => predictNext(model, "the", { k: words.length }), /from 1 to 11/);
  assert.throws(() => predictNext(model, "  "), /the prompt has no words/);
  assert.throws(
    () => trainPrefixModel(model, prefixExamples([[2, 3, 4, 5]], 1)),
    /padded with 1 to 3, the model reads 1 to 2/,
  );
  assert.throws(() => trainPrefixModel(model, examples, { epochs: 0 }), /epochs must be a whole number >= 1, got 0/);
  assert.throws(
    () => lectureModel({ vocabularySize: 5, embeddingSize: 4, hiddenSize: 4 }, vocabulary, examples),
    /vocabularySize is 5/,
  );
  model.net.dispose();
});

Deno.test("prefix examples and training: ids are checked, not learned as nothing or failed on inside tfjs", () => {
  assert.throws(() => prefixExamples([[2, NaN, 3]], 1), /sentence 0, token 1 is null, expected an id >= 0/);
  assert.throws(() => prefixExamples([[2, -3]], 1), /token 1 is -3/);
  assert.throws(() => prefixExamples([], 1), /no sentence has two words/);
  assert.throws(() => prefixExamples([[2, 3]], 1e9 + 0.5), /pad must be an id >= 0/);
  const examples = prefixExamples([[2, 999]], 1);
  const model = lectureModel({ vocabularySize: words.length, embeddingSize: 4, hiddenSize: 4 }, vocabulary, examples);
  assert.throws(() => trainPrefixModel(model, examples), /id 999|999/);
  assert.throws(() => predictNext(model, ["the", ""]), /token 1 is "", expected a word without spaces/);
  assert.throws(() => predictNext(model, 42 as never), /expected a text or a list of tokens/);
  model.net.dispose();
});
