// lib/engine/prefix_model.ts: the lecture's prefix model of notebook 07. Prediction pads a prompt exactly as
// training padded its examples (the model carries its pad id, width and vocabulary).
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Vocabulary } from "@course/lib";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import { librarySource } from "@course/lib";
import {
  bestPossibleAccuracy,
  bestPossibleLoss,
  continuePrompt,
  fitWordIndex,
  lectureExamples,
  lectureText,
  lectureTokens,
  repeatedInputs,
} from "@course/lib/course/lecture_text.ts";
import {
  compareStrategies,
  scoreEveryPrefix,
  strategyTokenSteps,
  trainEveryPrefix,
} from "@course/lib/course/next_word_strategies.ts";
import {
  lectureModel,
  nextWordParamCounts,
  PAD,
  paddingEffect,
  predictNextPrefix,
  prefixAccuracy,
  prefixExamples,
  prefixInput,
  trainPrefixModel,
} from "@course/lib/engine/prefix_model.ts";

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

Deno.test("the prefix strategy's example table, and the lecture's model learning it", async () => {
  const sentences = [[2, 3, 4], [2, 5, 4, 1]];
  const examples = prefixExamples(sentences, 1);
  assert.deepEqual(examples.inputs.map((x) => [...x]), [[1, 1, 2], [1, 2, 3], [1, 1, 2], [1, 2, 5], [2, 5, 4]]);
  assert.deepEqual([...examples.labels], [3, 4, 5, 4, 1]);
  assert.equal(examples.width, 3);
  const model = lectureModel({ vocabularySize: words.length, embeddingSize: 8, hiddenSize: 16 }, vocabulary, examples);
  const train = { ...examples, inputs: examples.inputs.slice(1), labels: examples.labels.slice(1) };
  const history = await trainPrefixModel(model, train, { epochs: 40, batchSize: 4 });
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
  const top = predictNextPrefix(model, "the king", { k: 3, unknown: true });
  const expected = tf.tidy(() =>
    tf.softmax(model.net.apply(tf.tensor2d(examples.inputs[1], [1, examples.width], "int32")) as tf.Tensor2D).dataSync()
  );
  for (const { word, p } of top) assert.ok(Math.abs(p - expected[vocabulary.id(word)]) < 1e-7);
  model.net.dispose();
});

Deno.test("prefix model: <unk> is not ranked unless asked; options and layouts are checked", async () => {
  const examples = prefixExamples([[2, 3, 4]], 1);
  const model = lectureModel({ vocabularySize: words.length, embeddingSize: 4, hiddenSize: 4 }, vocabulary, examples);
  assert.ok(predictNextPrefix(model, "the", { k: words.length - 1 }).every((w) => w.word !== "<unk>"));
  assert.equal(predictNextPrefix(model, "the", { k: words.length, unknown: true }).length, words.length);
  assert.throws(
    () => predictNextPrefix(model, "the", { k: 0 }),
    /k must be a whole number from 1 to 11 \(the words not excluded\), got 0/,
  );
  assert.throws(() => predictNextPrefix(model, "the", { k: -1 }), RangeError);
  assert.throws(() => predictNextPrefix(model, "the", { k: words.length }), /from 1 to 11/);
  assert.throws(() => predictNextPrefix(model, "  "), /the prompt has no words/);
  await assert.rejects(
    () => trainPrefixModel(model, prefixExamples([[2, 3, 4, 5]], 1)),
    /padded with 1 to 3, the model reads 1 to 2/,
  );
  await assert.rejects(
    () => trainPrefixModel(model, examples, { epochs: 0 }),
    /epochs must be a whole number >= 1, got 0/,
  );
  assert.throws(
    () => lectureModel({ vocabularySize: 5, embeddingSize: 4, hiddenSize: 4 }, vocabulary, examples),
    /vocabularySize is 5/,
  );
  model.net.dispose();
});

Deno.test("prefix examples and training: ids are checked, not learned as nothing or failed on inside tfjs", async () => {
  assert.throws(() => prefixExamples([[2, NaN, 3]], 1), /sentence 0, token 1 is null, expected an id >= 0/);
  assert.throws(() => prefixExamples([[2, -3]], 1), /token 1 is -3/);
  assert.throws(() => prefixExamples([], 1), /no sentence has two words/);
  assert.throws(() => prefixExamples([[2, 3]], 1e9 + 0.5), /pad must be an id >= 0/);
  const examples = prefixExamples([[2, 999]], 1);
  const model = lectureModel({ vocabularySize: words.length, embeddingSize: 4, hiddenSize: 4 }, vocabulary, examples);
  await assert.rejects(() => trainPrefixModel(model, examples), /id 999|999/);
  assert.throws(() => predictNextPrefix(model, ["the", ""]), /token 1 is "", expected a word without spaces/);
  assert.throws(() => predictNextPrefix(model, 42 as never), /expected a text or a list of tokens/);
  model.net.dispose();
});

Deno.test("lectureTokens and fitWordIndex: Keras's Tokenizer, id 0 kept for padding", () => {
  assert.deepEqual(lectureTokens("Ravi's horse, fast -- and (brave)!"), ["ravi's", "horse", "fast", "and", "brave"]);
  const index = fitWordIndex(["The king ruled.", "The queen ruled the land."]);
  assert.deepEqual(index.words, [PAD, "the", "ruled", "king", "queen", "land"]);
  assert.equal(index.id("KING"), 3);
  assert.throws(() => index.id("jester"), /the text's 5 words do not include it/);
  assert.throws(() => index.id(PAD), /do not include it/);
  assert.equal(index.has(PAD), false);
  assert.throws(() => fitWordIndex([]), /non-empty list of lines/);
  assert.throws(() => fitWordIndex(["...", "!"]), /hold no words/);
});

// Notebook 07's section 1, as the notebook runs it: the numbers its text states.
Deno.test("notebook 07: the lecture's text, its examples, the best possible accuracy, and a model that reaches it", async () => {
  const lines = await lectureText();
  assert.equal(lines.length, 15);
  const index = fitWordIndex(lines);
  assert.equal(index.size, 71, "V = 71: padding and 70 words");
  const examples = lectureExamples(index, lines);
  assert.deepEqual([examples.inputs.length, examples.width], [97, 10]);
  assert.ok(examples.rows.slice(0, 10).every((r) => r.line < 2), "the first 10 examples come from lines 1 and 2");
  for (const x of examples.inputs) {
    const first = x.findIndex((id) => id !== 0);
    assert.ok(first >= 0 && [...x.subarray(first)].every((id) => id !== 0), "zeros only in front");
  }
  assert.equal(lines.filter((l) => l.toLowerCase().startsWith("the ")).length, 4, "four lines start with the");
  const ceiling = bestPossibleAccuracy(examples);
  assert.equal(ceiling.toFixed(3), "0.948");
  // The five examples no model can get right: the repeated inputs of notebook 07's table.
  const repeated = repeatedInputs(examples, index);
  assert.deepEqual(repeated.map((r) => r.input), ["vikram", "he", "the", "the stranger"]);
  assert.equal(repeated.reduce((n, r) => n + r.examples - r.bestRight, 0), 97 - Math.round(ceiling * 97));
  assert.equal(97 - Math.round(ceiling * 97), 5);
  assert.ok(bestPossibleLoss(examples) > 0 && bestPossibleLoss(examples) < 0.1);
  assert.throws(() => lectureExamples(index, lines, 5), /width 5 is shorter than the longest prefix, 10/);
  const counts = nextWordParamCounts({ vocabularySize: 71, embeddingSize: 100, hiddenSize: 150 });
  assert.equal(counts.total, 168_421);
  const model = lectureModel({ vocabularySize: 71, embeddingSize: 100, hiddenSize: 150 }, index, examples);
  await trainPrefixModel(model, examples, { epochs: 45, batchSize: 32, learningRate: 0.01 });
  assert.equal(prefixAccuracy(model, examples), ceiling, "45 epochs reach the best possible accuracy");
  const steps = continuePrompt(model, "vikram was", 6);
  assert.deepEqual(steps.map((s) => s.word), ["a", "kind", "and", "powerful", "king", "king"]);
  assert.deepEqual([...steps[0].input], [0, 0, 0, 0, 0, 0, 0, 0, 9, 6], "padded in front with 0, as in training");
  assert.ok(predictNextPrefix(model, "the", { k: 70 }).every((w) => w.word !== PAD), "the padding is never a guess");
  assert.throws(() => continuePrompt(model, "the queen", 3), /do not include it/);
  assert.deepEqual([...prefixInput(model, "ravi was young")], [
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    index.id("ravi"),
    index.id("was"),
    index.id("young"),
  ]);
  assert.throws(() => continuePrompt(model, "the", 0), /words must be a whole number >= 1/);
  model.net.dispose();
});

// ---------------------------------------------------------------------------------------------
// Notebook 07: the lecture's model on the page, maskZero, and prefixes against a stream.

Deno.test("the lecture's model region shows the three layers the library builds, maskZero among the embedding's options", async () => {
  const region = await librarySource("engine/prefix_model.ts", "the lecture's model");
  const code = region.lines.filter((l) => /^\S.*tf\./.test(l)); // the statements, not comments or continued lines
  assert.deepEqual(code.map((l) => /tf\.(sequential|layers\.\w+)/.exec(l)?.[1]), [
    "sequential",
    "layers.embedding",
    "layers.lstm",
    "layers.dense",
  ]);
  assert.ok(code.find((l) => l.includes("layers.embedding"))!.includes("maskZero"));
  assert.ok(region.lines.length <= 10, "short enough to read on the page");
  assert.ok(region.lines.every((l) => l.length <= 85), "no line wider than the Notebook UI's output area");
  const model = lectureModel({ vocabularySize: 12, embeddingSize: 4, hiddenSize: 3, maskZero: true }, vocabulary, {
    pad: 0,
    width: 4,
  });
  assert.deepEqual(model.net.layers.map((l) => l.getClassName()), ["Embedding", "LSTM", "Dense"]);
  assert.equal((model.net.layers[0].getConfig() as { maskZero: boolean }).maskZero, true);
  model.net.dispose();
});

Deno.test("maskZero: a prefix gives the same prediction however much padding is in front; without it, not", () => {
  const tokens = [[3, 4, 5], [6, 7]];
  const examples = prefixExamples(tokens, 0);
  const config = { vocabularySize: 12, embeddingSize: 8, hiddenSize: 8 };
  const plain = lectureModel(config, vocabulary, examples);
  const masked = lectureModel({ ...config, maskZero: true }, vocabulary, examples);
  const probs = (net: tf.Sequential, ids: number[]) =>
    tf.tidy(() => [...tf.softmax(net.apply(tf.tensor2d(ids, [1, ids.length], "int32")) as tf.Tensor2D).dataSync()]);
  for (const net of [plain.net, masked.net]) {
    const a = probs(net, [3, 4]), b = probs(net, [0, 0, 0, 3, 4]);
    const tv = a.reduce((t, p, k) => t + Math.abs(p - b[k]), 0) / 2;
    if (net === masked.net) assert.equal(tv, 0, "masked: the padded steps are skipped, exactly");
    else assert.ok(tv > 1e-4, `unmasked: the padding is read like a word (total variation ${tv})`);
  }
  const plainEffect = paddingEffect(plain, examples), maskedEffect = paddingEffect(masked, examples);
  assert.deepEqual([maskedEffect.meanTV, maskedEffect.maxTV, maskedEffect.topChanged], [0, 0, 0]);
  assert.equal(maskedEffect.accuracyPadded, maskedEffect.accuracyUnpadded);
  assert.ok(plainEffect.meanTV > 0 && plainEffect.maxTV >= plainEffect.meanTV);
  assert.throws(
    () => lectureModel({ ...config, maskZero: true }, vocabulary, { pad: 1, width: 2 }),
    /maskZero masks id 0, but the inputs are padded with 1/,
  );
  assert.throws(
    () => lectureModel({ ...config, maskZero: "yes" as never }, vocabulary, examples),
    /maskZero must be true or false/,
  );
  plain.net.dispose();
  masked.net.dispose();
});

Deno.test("strategyTokenSteps: streaming is linear in a sentence's length, every prefix quadratic", () => {
  for (const n of [0, 1, 10, 180]) {
    const c = strategyTokenSteps([n]);
    assert.equal(c.streaming, n + 1);
    // By brute force: prefix k (k = 1 … n + 1) reads k tokens.
    assert.equal(c.everyPrefix, Array.from({ length: n + 1 }, (_, k) => k + 1).reduce((a, b) => a + b, 0));
  }
  assert.deepEqual(strategyTokenSteps([3, 1]), {
    predictions: 6,
    streaming: 6,
    everyPrefix: 10 + 3,
    padded: 24,
    width: 4,
  });
  assert.throws(() => strategyTokenSteps([2.5]), /sentence 0 has length 2.5/);
});

/** A small stream: sentences of ids 2–11, each followed by <eos> (1). */
function toyStream(sentences: number, seed: number): Int32Array {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const ids: number[] = [];
  for (let s = 0; s < sentences; s++) {
    const n = 1 + Math.floor(next() * 6);
    for (let k = 0; k < n; k++) ids.push(2 + ((s + k * 3) % 10));
    ids.push(1);
  }
  return Int32Array.from(ids);
}

Deno.test("an LSTM's gradient over a sequence of one step (the first word of a sentence, read after <eos>)", () => {
  const net =
    lectureModel({ vocabularySize: 12, embeddingSize: 4, hiddenSize: 3 }, vocabulary, { pad: 1, width: 1 }).net;
  const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(net.apply(tf.tensor2d([1, 1], [2, 1], "int32")) as tf.Tensor) as tf.Scalar,
    vars,
  );
  assert.equal(Object.keys(grads).length, vars.length);
  tf.dispose([value, ...Object.values(grads)]);
  net.dispose();
});

Deno.test("trainEveryPrefix: one pass costs (n + 1)(n + 2)/2 token-steps per sentence; scoring reads each token's sentence so far", async () => {
  const ids = toyStream(12, 1);
  const lengths: number[] = [];
  for (let k = 0, start = 0; k < ids.length; k++) if (ids[k] === 1) lengths.push(k - start), start = k + 1;
  const cost = strategyTokenSteps(lengths);
  assert.equal(cost.predictions, ids.length);
  const net =
    lectureModel({ vocabularySize: 12, embeddingSize: 4, hiddenSize: 6 }, vocabulary, { pad: 1, width: 1 }).net;
  const before = tf.memory().numTensors;
  // A budget of exactly one pass: every prefix once.
  const pass = await trainEveryPrefix(net, ids, { maxTokenSteps: cost.everyPrefix, batchSize: 4 });
  assert.equal(pass.tokenSteps, cost.everyPrefix);
  assert.equal(pass.predictions, ids.length);
  assert.equal(pass.passes, 1);
  const { logProbs, hits } = scoreEveryPrefix(net, ids, 5);
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  // Position 9 read alone, from its sentence so far (after the <eos> before it), gives the same numbers.
  const p = 9, from = ids.lastIndexOf(1, p - 1);
  const context = from < 0 ? [1, ...ids.subarray(0, p)] : [...ids.subarray(from, p)];
  const alone = tf.tidy(() =>
    tf.logSoftmax(net.apply(tf.tensor2d(context, [1, context.length], "int32")) as tf.Tensor2D).dataSync()
  );
  assert.ok(Math.abs(logProbs[p] - alone[ids[p]]) < 1e-5);
  assert.equal(hits[p], alone.indexOf(Math.max(...alone)) === ids[p] ? 1 : 0);
  // The notebook's claim: a prefix's answer is what one pass over the sentence computes at that step.
  const [embedding, lstm, dense] = net.layers;
  const seq = tf.layers.lstm({ units: 6, recurrentActivation: "sigmoid", returnSequences: true });
  const sentence = [1, ...ids.subarray(0, ids.indexOf(1) + 1)];
  tf.tidy(() => {
    const x = embedding.apply(tf.tensor2d(sentence, [1, sentence.length], "int32")) as tf.Tensor3D;
    seq.apply(x); // builds its weights
    seq.setWeights(lstm.getWeights());
    const onePass = tf.logSoftmax(dense.apply(seq.apply(x) as tf.Tensor) as tf.Tensor3D).arraySync()[0];
    for (let k = 1; k < sentence.length; k++) {
      assert.ok(Math.abs(onePass[k - 1][sentence[k]] - logProbs[k - 1]) < 1e-5, `prefix of ${k} tokens`);
    }
  });
  seq.dispose();
  await assert.rejects(
    () => trainEveryPrefix(net, ids, { maxTokenSteps: 0 }),
    /maxTokenSteps must be a whole number >= 1/,
  );
  await assert.rejects(() => trainEveryPrefix(net, Int32Array.from([2, 99]), { maxTokenSteps: 5 }), /99/);
  net.dispose();
});

Deno.test("compareStrategies: the same budget of token-steps, the same held-out tokens scored, nothing left behind", async () => {
  const train = toyStream(60, 2), valid = toyStream(20, 3);
  const before = tf.memory().numTensors;
  const [prefix, streaming] = await compareStrategies(train, valid, {
    vocabularySize: 12,
    embeddingSize: 4,
    hiddenSize: 8,
    tokenSteps: 400,
    prefixBatchSize: 8,
    streamBatchSize: 4,
    seqLength: 5,
    evalBatchSize: 2,
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(prefix.strategy, "every prefix");
  assert.equal(streaming.strategy, "streaming");
  for (const r of [prefix, streaming]) {
    assert.ok(r.tokenSteps >= 400 && r.tokenSteps < 400 + 8 * 12, `${r.strategy}: ${r.tokenSteps} token-steps`);
    assert.ok(Number.isFinite(r.perplexity) && r.perplexity > 1 && r.perplexity < 12 * 4);
    assert.ok(r.accuracy >= 0 && r.accuracy <= 1);
  }
  assert.equal(prefix.scored, streaming.scored);
  assert.equal(streaming.predictions, streaming.tokenSteps, "streaming predicts at every step");
  assert.ok(prefix.predictions < prefix.tokenSteps / 2, "a prefix reads many tokens for its one prediction");
});
