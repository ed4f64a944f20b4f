import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { fromKerasLSTM, runLSTM, seededRng, Vocabulary } from "@course/lib";
import { applyClipped, initTfjs } from "@course/lib/engine/tfjs.ts";
import {
  disposeState,
  disposeWordLM,
  evaluateWordLM,
  generateText,
  initWordLM,
  loadWordLM,
  nextWordDistribution,
  outputCrossEntropy,
  predictNext,
  readAlong,
  readPrompt,
  saveWordLM,
  setUnigramBias,
  streamRows,
  trainWordLM,
  useFusedLSTM,
  wordLMForward,
  wordLMLoss,
  wordLMParamCounts,
  zeroState,
} from "@course/lib/engine/wordlm.ts";

await initTfjs();

// A stream with an obvious pattern: 2 3 4 1, over and over (V = 6).
const stream = Int32Array.from({ length: 2_000 }, (_, t) => [2, 3, 4, 1][t % 4]);

Deno.test("wordLMParamCounts: the formulas match the variables, for LSTM, GRU, stacked and tied models", () => {
  const configs = [
    { vocabularySize: 50, embeddingSize: 8, hiddenSize: 6 },
    { vocabularySize: 50, embeddingSize: 8, hiddenSize: 6, cell: "gru" as const },
    { vocabularySize: 50, embeddingSize: 8, hiddenSize: 6, layers: 2 },
    { vocabularySize: 50, embeddingSize: 6, hiddenSize: 6, tied: true },
  ];
  const totals = configs.map((config) => {
    const model = initWordLM(config);
    const sizes = Object.values(model.variables).reduce((s, v) => s + v.size, 0);
    disposeWordLM(model);
    assert.equal(wordLMParamCounts(config).total, sizes);
    return sizes;
  });
  // By hand: 50·8 + 4·(6·(8+6) + 6) + 6·50 + 50 = 400 + 360 + 350
  assert.equal(totals[0], 1_110);
  assert.equal(totals[1], 400 + 3 * (6 * 14 + 6) + 350); // a GRU has 3 gates
  assert.equal(totals[3], 300 + 4 * (6 * 12 + 6) + 50); // tied: only the output biases
});

Deno.test("initWordLM: bad configs get clear errors", () => {
  assert.throws(
    () => initWordLM({ vocabularySize: 10, embeddingSize: 4, hiddenSize: 6, tied: true }),
    /tied embeddings need embeddingSize = hiddenSize, got E = 4, H = 6/,
  );
  assert.throws(
    () => initWordLM({ vocabularySize: 10, embeddingSize: 4, hiddenSize: 0 }),
    /hiddenSize must be a whole number >= 1, got 0/,
  );
  assert.throws(
    () => initWordLM({ vocabularySize: 10, embeddingSize: 4, hiddenSize: 4, dropout: 1 }),
    /dropout must be in \[0, 1\), got 1/,
  );
  assert.throws(
    () => initWordLM({ vocabularySize: 10, embeddingSize: 4, hiddenSize: 4, cell: "rnn" as unknown as "lstm" }),
    /cell must be/,
  );
});

Deno.test("wordLMForward: the LSTM layer computes what the library's runLSTM computes (float32, 1e-5)", () => {
  const model = initWordLM({ vocabularySize: 7, embeddingSize: 3, hiddenSize: 4, forgetBias: 0.5, seed: 3 });
  const ids = [2, 5, 1, 6, 3];
  const emb = model.variables.embedding.arraySync() as number[][];
  const params = fromKerasLSTM([
    model.variables.kernel_0.arraySync(),
    model.variables.recurrent_0.arraySync(),
    model.variables.bias_0.arraySync(),
  ]);
  const trace = runLSTM(params, ids.map((id) => emb[id]));
  const state = zeroState(model, 1);
  const out = wordLMForward(model, tf.tensor2d([ids], [1, 5], "int32"), state);
  const hT = out.state.h[0].dataSync(), cT = out.state.c[0].dataSync();
  for (let k = 0; k < 4; k++) {
    assert.ok(Math.abs(hT[k] - trace.h[4][k]) < 1e-5, `h[${k}]`);
    assert.ok(Math.abs(cT[k] - trace.c[4][k]) < 1e-5, `c[${k}]`);
  }
  // The scores at the last step: h_T · W + b
  const W = model.variables.outputKernel.arraySync() as number[][];
  const logits = out.logits.arraySync() as number[][];
  for (let w = 0; w < 7; w++) {
    const expected = trace.h[4].reduce((s, h, k) => s + h * W[k][w], 0);
    assert.ok(Math.abs(logits[4][w] - expected) < 1e-5);
  }
  disposeState(state);
  disposeState(out.state);
  out.logits.dispose();
  disposeWordLM(model);
});

Deno.test("wordLMForward: one GRU step matches the equations worked by hand (H = 1, float32, 1e-6)", () => {
  const model = initWordLM({ vocabularySize: 3, embeddingSize: 1, hiddenSize: 1, cell: "gru" });
  const v = model.variables;
  v.embedding.assign(tf.tensor2d([[0], [0.5], [-1]]));
  v.kernel_0.assign(tf.tensor2d([[0.3, -0.2, 0.8]])); // x weights for z, r, n
  v.recurrent_0.assign(tf.tensor2d([[0.5, 0.4, -0.6]])); // h weights for z, r, n
  v.bias_0.assign(tf.tensor1d([0.1, 0, -0.1]));
  const hPrev = 0.7, x = 0.5; // word 1
  const sigma = (a: number) => 1 / (1 + Math.exp(-a));
  const z = sigma(0.3 * x + 0.5 * hPrev + 0.1), r = sigma(-0.2 * x + 0.4 * hPrev);
  const n = Math.tanh(0.8 * x - 0.1 + r * (-0.6 * hPrev));
  const expected = (1 - z) * n + z * hPrev;
  const state = { h: [tf.tensor2d([[hPrev]])], c: [] };
  const out = wordLMForward(model, tf.tensor2d([[1]], [1, 1], "int32"), state);
  assert.ok(Math.abs(out.state.h[0].dataSync()[0] - expected) < 1e-6);
  disposeWordLM(model);
});

/** tfjs's own ops for what outputCrossEntropy fuses: softmaxCrossEntropy(h·W + b). */
const referenceLoss = (tied: boolean) => (h: tf.Tensor, W: tf.Tensor, b: tf.Tensor, y: tf.Tensor1D) =>
  tf.losses.softmaxCrossEntropy(
    tf.oneHot(y, b.shape[0]),
    tf.add(tf.matMul(h as tf.Tensor2D, W as tf.Tensor2D, false, tied), b),
  ) as tf.Scalar;

Deno.test("outputCrossEntropy: value and its three gradients equal tfjs's softmaxCrossEntropy of h·W + b, untied and tied (float32, 1e-5)", () => {
  // N = 70 rows, V = 90 words, H = 80: large enough that the products go to BLAS when it is loaded.
  const h = tf.randomNormal([70, 80], 0, 1, "float32", 1) as tf.Tensor2D;
  const b = tf.randomNormal([90], 0, 1, "float32", 2) as tf.Tensor1D;
  const y = tf.tensor1d(Int32Array.from({ length: 70 }, (_, k) => (k * 37) % 90), "int32");
  for (const tied of [false, true]) {
    const W = tf.randomNormal(tied ? [90, 80] : [80, 90], 0, 0.3, "float32", 3);
    const f = (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      outputCrossEntropy(hh as tf.Tensor2D, ww, bb as tf.Tensor1D, y, tied);
    const ours = tf.grads(f)([h, W, b]),
      theirs = tf.grads((hh, ww, bb) => referenceLoss(tied)(hh, ww, bb, y))([h, W, b]);
    const value = f(h, W, b).dataSync()[0], expected = referenceLoss(tied)(h, W, b, y).dataSync()[0];
    assert.ok(Math.abs(value - expected) <= 1e-5 * expected, `tied ${tied}: loss ${value} vs ${expected}`);
    ["h", "W", "b"].forEach((name, k) => {
      const diff = tf.max(tf.abs(tf.sub(ours[k], theirs[k]))).dataSync()[0];
      assert.ok(diff < 1e-5, `tied ${tied}: ∂L/∂${name} differs by ${diff}`);
    });
  }
});

Deno.test("outputCrossEntropy's gradient against central differences (float32: eps 1e-2, within 1e-4 + 1 %)", () => {
  const h = tf.randomNormal([6, 4], 0, 1, "float32", 4) as tf.Tensor2D;
  const W = tf.randomNormal([4, 5], 0, 1, "float32", 5) as tf.Tensor2D;
  const b = tf.randomNormal([5], 0, 1, "float32", 6) as tf.Tensor1D;
  const y = tf.tensor1d([0, 4, 2, 2, 1, 3], "int32");
  const [gh, gW, gb] = tf.grads((a, c, d) => outputCrossEntropy(a as tf.Tensor2D, c, d as tf.Tensor1D, y))([h, W, b]);
  const eps = 1e-2;
  [[h, gh], [W, gW], [b, gb]].forEach(([x, g], which) => {
    const values = x.dataSync(), grad = g.dataSync();
    for (let k = 0; k < values.length; k += 3) {
      const at = (delta: number) => {
        const moved = Float32Array.from(values);
        moved[k] += delta;
        const args = [h, W, b].map((t, j) => (j === which ? tf.tensor(moved, x.shape) : t));
        return outputCrossEntropy(args[0] as tf.Tensor2D, args[1], args[2] as tf.Tensor1D, y).dataSync()[0];
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(
        Math.abs(numeric - grad[k]) <= 1e-4 + 0.01 * Math.abs(numeric),
        `${["h", "W", "b"][which]}[${k}]: ${grad[k]} vs ${numeric}`,
      );
    }
  });
});

Deno.test("outputCrossEntropy: weights or targets of the wrong shape are a RangeError naming both", () => {
  const h = tf.zeros([3, 4]) as tf.Tensor2D, b = tf.zeros([5]) as tf.Tensor1D, y = tf.tensor1d([0, 1, 2], "int32");
  assert.throws(
    () => outputCrossEntropy(h, tf.zeros([5, 4]), b, y),
    /Cannot compute the output layer.s loss: expected output weights of shape \[4, 5\] for h \[3, 4\], got \[5, 4\]/,
  );
  assert.throws(
    () => outputCrossEntropy(h, tf.zeros([4, 5]), b, tf.tensor1d([0, 1], "int32")),
    /targets must be \[3\], one target per row, got \[2\]/,
  );
});

Deno.test("streamRows: B rows side by side, each continuing where the previous row's tokens stop", () => {
  const { rows, length } = streamRows(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 3); // L = ⌊9/3⌋ = 3
  assert.equal(length, 3);
  assert.deepEqual(rows.map((r) => [...r]), [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]);
  assert.throws(() => streamRows(Int32Array.from([1, 2]), 3), /Cannot cut 2 tokens into 3 rows: need at least 4/);
});

Deno.test("trainWordLM: learns a pattern and keeps no tensors (LSTM; stacked GRU with dropout; tied)", async () => {
  for (const config of [{}, { cell: "gru" as const, layers: 2, dropout: 0.2, recurrentDropout: 0.2 }, { tied: true }]) {
    const model = initWordLM({ vocabularySize: 6, embeddingSize: 8, hiddenSize: 8, ...config });
    const before = tf.memory().numTensors;
    const history = await trainWordLM(model, stream, {
      batchSize: 4,
      seqLength: 10,
      learningRate: 0.02,
      epochs: 3,
      validation: { ids: stream, every: 1_000 },
    });
    assert.equal(tf.memory().numTensors, before, `tensors kept by ${JSON.stringify(config)}`);
    const score = evaluateWordLM(model, stream, { batchSize: 4, seqLength: 10 });
    assert.ok(score.perplexity < 1.2, `${JSON.stringify(config)}: perplexity ${score.perplexity}`);
    assert.ok(history.validations.at(-1)!.perplexity < 1.2);
    assert.equal(history.stopped, "epochs");
    disposeWordLM(model);
  }
});

Deno.test("trainWordLM: maxTokens stops deterministically; the linear schedule heads for 10 % of the rate", async () => {
  const run = async () => {
    const model = initWordLM({ vocabularySize: 6, embeddingSize: 4, hiddenSize: 4, dropout: 0.3 });
    const h = await trainWordLM(model, stream, { batchSize: 2, seqLength: 5, maxTokens: 100, schedule: "linear" });
    const loss = evaluateWordLM(model, stream, { batchSize: 2, seqLength: 5 }).meanLoss;
    disposeWordLM(model);
    return { h, loss };
  };
  const a = await run(), b = await run();
  assert.equal(a.h.tokens, 100);
  assert.equal(a.h.stopped, "maxTokens");
  assert.equal(a.loss, b.loss); // same seed, same numbers
  assert.ok(Math.abs(a.h.batches[0].learningRate - 0.002) < 1e-12);
  // Set before each batch from the tokens done: the last of 10 batches starts at 90 % → 1 − 0.9·0.9 = 19 %
  assert.ok(Math.abs(a.h.batches.at(-1)!.learningRate - 0.002 * 0.19) < 1e-12);
});

Deno.test("trainWordLM: early stopping keeps the best weights", async () => {
  // Training on one pattern and validating on another: validation gets worse, so it stops.
  const other = Int32Array.from({ length: 400 }, (_, t) => [2, 4, 3, 5][t % 4]);
  const model = initWordLM({ vocabularySize: 6, embeddingSize: 8, hiddenSize: 8 });
  const h = await trainWordLM(model, stream, {
    batchSize: 4,
    seqLength: 10,
    learningRate: 0.02,
    epochs: 20,
    validation: { ids: other, every: 400 },
    earlyStopping: { patience: 2 },
  });
  assert.equal(h.stopped, "earlyStopping");
  const best = Math.min(...h.validations.map((v) => v.perplexity));
  assert.equal(h.best!.perplexity, best);
  const now = evaluateWordLM(model, other, { batchSize: 4, seqLength: 10 }).perplexity;
  assert.ok(Math.abs(now - best) / best < 1e-6, `${now} vs best ${best}`);
  disposeWordLM(model);
});

Deno.test("evaluateWordLM: the total alone (the fused output layer) scores as the per-token path does (rel 1e-5)", () => {
  const ids = Int32Array.from({ length: 403 }, (_, t) => (t * 7 + (t >> 3)) % 6);
  for (const config of [{}, { tied: true }, { layers: 2 }]) {
    const model = initWordLM({ vocabularySize: 6, embeddingSize: 4, hiddenSize: 4, seed: 2, ...config });
    for (const carryState of [true, false]) {
      const options = { batchSize: 4, seqLength: 9, carryState };
      const fast = evaluateWordLM(model, ids, options);
      const slow = evaluateWordLM(model, ids, { ...options, perToken: true });
      assert.equal(fast.tokens, slow.tokens);
      assert.ok(
        Math.abs(fast.meanLoss - slow.meanLoss) <= 1e-5 * slow.meanLoss,
        `${JSON.stringify(config)}: ${fast.meanLoss} vs ${slow.meanLoss}`,
      );
    }
    disposeWordLM(model);
  }
});

Deno.test("evaluateWordLM: per-token log-probabilities add up to the perplexity; bad ids are refused", () => {
  const model = initWordLM({ vocabularySize: 6, embeddingSize: 4, hiddenSize: 4 });
  const ids = stream.subarray(0, 203);
  const s = evaluateWordLM(model, ids, { batchSize: 4, seqLength: 7, perToken: true, accuracy: true });
  const scored = [...s.logProbs!].filter((x) => !Number.isNaN(x));
  assert.equal(scored.length, s.tokens);
  assert.equal(s.tokens, 4 * 50);
  const ppl = Math.exp(-scored.reduce((a, b) => a + b, 0) / scored.length);
  assert.ok(Math.abs(ppl - s.perplexity) < 1e-9 * ppl);
  assert.ok(s.top1! >= 0 && s.top1! <= s.top5! && s.top5! <= 1);
  assert.throws(
    () => evaluateWordLM(model, Int32Array.from([1, 2, 9]), {}),
    /ids\[2\] is 9, expected an id in \[0, 6\)/,
  );
  disposeWordLM(model);
});

Deno.test("saveWordLM / loadWordLM: the reloaded model scores exactly as before; mismatches are named", async () => {
  const dir = await Deno.makeTempDir();
  const vocabulary = new Vocabulary(["<unk>", "<eos>", "a", "b", "c", "d"]);
  const model = initWordLM({ vocabularySize: 6, embeddingSize: 4, hiddenSize: 4, tied: true, seed: 5 });
  await saveWordLM(model, vocabulary, dir);
  const { model: again } = await loadWordLM(dir);
  assert.equal(
    evaluateWordLM(again, stream.subarray(0, 100), { batchSize: 2 }).meanLoss,
    evaluateWordLM(model, stream.subarray(0, 100), { batchSize: 2 }).meanLoss,
  );
  assert.deepEqual(again.config, model.config);
  await Deno.writeFile(`${dir}/weights.bin`, new Uint8Array(12));
  await assert.rejects(() => loadWordLM(dir), /weights.bin has 12 bytes, expected/);
  await assert.rejects(() => loadWordLM(`${dir}/nowhere`), /nowhere\/config.json does not exist/);
  await assert.rejects(
    () => saveWordLM(model, new Vocabulary(["<unk>", "<eos>"]), dir),
    /the model scores 6 words but the vocabulary has 2/,
  );
  disposeWordLM(model);
  disposeWordLM(again);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("saveWordLM float16: half the bytes, weights within float16 rounding (relative 2⁻¹¹), notes kept", async () => {
  const dir = await Deno.makeTempDir();
  const vocabulary = new Vocabulary(["<unk>", "<eos>", "a", "b", "c", "d"]);
  const model = initWordLM({ vocabularySize: 6, embeddingSize: 4, hiddenSize: 4, seed: 6 });
  await saveWordLM(model, vocabulary, dir, { dtype: "float16", notes: { madeBy: "a test" } });
  const floats = Object.values(model.variables).reduce((s, v) => s + v.size, 0);
  assert.equal((await Deno.stat(`${dir}/weights.bin`)).size, 2 * floats);
  const { model: again, notes } = await loadWordLM(dir);
  assert.deepEqual(notes, { madeBy: "a test" });
  for (const [name, v] of Object.entries(model.variables)) {
    const a = v.dataSync(), b = again.variables[name].dataSync();
    a.forEach((x, k) =>
      assert.ok(Math.abs(b[k] - x) <= Math.abs(x) * 2 ** -11 + 1e-7, `${name}[${k}]: ${x} → ${b[k]}`)
    );
  }
  await assert.rejects(
    () => saveWordLM(model, vocabulary, dir, { dtype: "int8" as "float16" }),
    /dtype is "int8", expected "float32" or "float16"/,
  );
  disposeWordLM(model);
  disposeWordLM(again);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainWordLM and evaluateWordLM: every option checked with a one-line RangeError; a one-token last window trains", async () => {
  const model = initWordLM({ vocabularySize: 20, embeddingSize: 4, hiddenSize: 4 });
  const ids = Int32Array.from({ length: 41 }, (_, t) => t % 20);
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ batchSize: 0 }, /batchSize must be a whole number >= 1, got 0/],
    [{ seqLength: 2.5 }, /seqLength must be a whole number >= 1, got 2.5/],
    [{ epochs: -1 }, /epochs must be a whole number >= 1, got -1/],
    [{ learningRate: 0 }, /learningRate must be a finite number > 0, got 0/],
    [{ clipNorm: -5 }, /clipNorm must be a number > 0, got -5/],
    [{ maxTokens: 0 }, /maxTokens must be a number > 0, got 0/],
    [{ optimizer: "rmsprop" }, /optimizer must be "adam" or "sgd", got "rmsprop"/],
    [{ schedule: "cosine" }, /schedule must be "constant" or "linear"/],
    [{ earlyStopping: { patience: 2 } }, /earlyStopping needs validation/],
    [{ validation: { ids, every: 0 } }, /validation.every must be a number of tokens > 0, got 0/],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(
      trainWordLM(model, ids, options),
      (e: Error) => e instanceof RangeError && message.test(e.message),
    );
  }
  assert.throws(() => evaluateWordLM(model, ids, { seqLength: 0 }), /seqLength must be a whole number >= 1, got 0/);
  assert.throws(() => evaluateWordLM(model, ids, { maxTokens: -3 }), /maxTokens must be a whole number >= 1, got -3/);
  // 4 rows of 10 tokens in windows of 3: the last window holds one token.
  const history = await trainWordLM(model, ids, { batchSize: 4, seqLength: 3 });
  assert.equal(history.batches.length, 4);
  disposeWordLM(model);
});

Deno.test("asking the model: a prompt read as the corpus, after <eos>; <unk> neither ranked nor picked; seeded text", () => {
  const words = ["<unk>", "<eos>", "the", "king", ",", "who", "ruled"];
  const vocabulary = new Vocabulary(words);
  const model = initWordLM({ vocabularySize: words.length, embeddingSize: 4, hiddenSize: 4, seed: 2 });
  const prompt = readPrompt(vocabulary, "The King, who reigned");
  assert.deepEqual(prompt.tokens, ["the", "king", ",", "who", "reigned"]);
  assert.deepEqual(prompt.ids, [1, 2, 3, 4, 5, 0]);
  assert.deepEqual(prompt.unknown, ["reigned"]);
  assert.throws(() => readPrompt(vocabulary, "  "), /the prompt has no words/);
  const { words: top } = predictNext(model, vocabulary, "the king", { k: words.length - 1 });
  assert.equal(top.length, words.length - 1);
  assert.ok(top.every((w) => w.word !== "<unk>"));
  assert.equal(
    predictNext(model, vocabulary, "the king", { k: words.length, unknown: true }).words.length,
    words.length,
  );
  assert.throws(
    () => predictNext(model, vocabulary, "the", { k: 0 }),
    /k must be a whole number from 1 to 6( \(the words not excluded\))?, got 0/,
  );
  assert.throws(() => predictNext(model, vocabulary, "the", { k: -1 }), RangeError);
  // The distribution is the model's own on <eos> + the prompt, read in one pass.
  const probs = nextWordDistribution(model, readPrompt(vocabulary, ["the", "king"]));
  const direct = tf.tidy(() => {
    const out = wordLMForward(model, tf.tensor2d([[1, 2, 3]], [1, 3], "int32"), zeroState(model, 1));
    return tf.softmax(out.logits.slice([2, 0], [1, -1])).dataSync();
  });
  probs.forEach((p, k) => assert.ok(Math.abs(p - direct[k]) < 1e-6));
  const before = tf.memory().numTensors;
  const a = generateText(model, vocabulary, "the", {
    words: 30,
    sampling: { kind: "temperature", temperature: 2 },
    seed: 4,
  });
  const b = generateText(model, vocabulary, "the", {
    words: 30,
    sampling: { kind: "temperature", temperature: 2 },
    seed: 4,
  });
  assert.deepEqual(a.words, b.words);
  assert.equal(a.words.length, 30);
  assert.ok(!a.words.includes("<unk>"));
  assert.equal(tf.memory().numTensors, before, "generation keeps no tensors");
  for (
    const [options, message] of [
      [{ words: -1, sampling: { kind: "greedy" } }, /words must be a whole number >= 0, got -1/],
      [
        { words: 3, sampling: { kind: "topK", k: 0 } },
        /k must be a whole number from 1 to 6( \(the words not excluded\))?, got 0/,
      ],
      [{ words: 3, sampling: { kind: "topP", p: 2 } }, /0 < p <= 1, got 2/],
      [{ words: 3, sampling: { kind: "temperature", temperature: 0 } }, /temperature must be a number > 0, got 0/],
    ] as const
  ) {
    assert.throws(() => generateText(model, vocabulary, "the", options as never), message);
  }
  disposeWordLM(model);
});

Deno.test("a folder in the older tfjs-layers format reads as a WordLM with the same predictions", async () => {
  const dir = new URL("./fixtures/nextword-layers-folder", import.meta.url).pathname;
  const expected = JSON.parse(await Deno.readTextFile(`${dir}/expected.json`));
  const { model, vocabulary } = await loadWordLM(dir);
  assert.equal(model.config.tied, false);
  const probs = nextWordDistribution(model, { tokens: [], ids: expected.ids, unknown: [] });
  (expected.probs as number[]).forEach((p, k) =>
    assert.ok(Math.abs(probs[k] - p) < 1e-6, `word ${k}: ${probs[k]} vs ${p}`)
  );
  assert.equal(vocabulary.size, expected.probs.length);
  disposeWordLM(model);
});

Deno.test("the fused engine trains as tfjs's step-by-step ops do: 200 steps, same seed, losses within float32 noise (rel 1e-5)", () => {
  // The engine before issue 18: the LSTM unrolled as tfjs ops, tfjs's softmaxCrossEntropy of h·W + b.
  // V 1,000, E 32, H 64, B 8 × T 20: every product large enough to go to BLAS where it is loaded.
  const V = 1_000, B = 8, T = 20;
  const rng = seededRng(9);
  const stream = Int32Array.from({ length: 200 * B * T + 1 }, (_, k) => (k % 7 === 0 ? rng.int(V) : (k * 13) % 50));
  const run = (fused: boolean) => {
    const previous = useFusedLSTM();
    useFusedLSTM(fused);
    const model = initWordLM({ vocabularySize: V, embeddingSize: 32, hiddenSize: 64, seed: 3 });
    const vars = Object.values(model.variables);
    const opt = tf.train.adam(0.003);
    const losses: number[] = [];
    for (let step = 0; step < 200; step++) {
      const at = step * B * T;
      losses.push(tf.tidy(() => {
        const x = tf.tensor2d(stream.subarray(at, at + B * T), [B, T], "int32");
        const y = tf.tensor1d(stream.subarray(at + 1, at + B * T + 1), "int32");
        const { value, grads } = tf.variableGrads(() => {
          if (fused) return wordLMLoss(model, x, y, zeroState(model, B)).loss;
          const out = wordLMForward(model, x, zeroState(model, B)).logits;
          return tf.losses.softmaxCrossEntropy(tf.oneHot(y, V), out) as tf.Scalar;
        }, vars);
        applyClipped(opt, grads, 5);
        return value.dataSync()[0];
      }));
    }
    disposeWordLM(model);
    opt.dispose();
    useFusedLSTM(previous);
    return losses;
  };
  const fused = run(true), reference = run(false);
  fused.forEach((l, k) => {
    assert.ok(Math.abs(l - reference[k]) <= 1e-5 * reference[k], `step ${k}: ${l} vs ${reference[k]}`);
  });
  assert.ok(fused.at(-1)! < fused[0] * 0.7, "it learns");
});

Deno.test("outputCrossEntropy: a target the softmax underflows for costs LSE − its score exactly (200 nats here), not ∞ nor a cap; its gradient stays exact", () => {
  // h·W + b = [[0, 200], [1, 2]]: row 0 costs log(1 + e²⁰⁰) ≈ 200, row 1 log(e + e²) − 2 = log(1 + e⁻¹)
  const h = tf.tensor2d([[1], [0]]), W = tf.tensor2d([[-1, 198]]), b = tf.tensor1d([1, 2]);
  const y = tf.tensor1d([0, 1], "int32");
  const { value, grads } = tf.valueAndGrads((w: tf.Tensor) => outputCrossEntropy(h, w, b, y))([W]);
  const v = value.dataSync()[0];
  const exact = (200 + Math.log(1 + Math.exp(-1))) / 2;
  assert.ok(Math.abs(v - exact) <= 1e-6 * exact, `${v} vs ${exact}`);
  // ∂L/∂W = hᵀ·(p − onehot)/N: only row 0 of h is 1, and its softmax is (0, 1) against target 0
  const g = grads[0].dataSync();
  assert.ok(Math.abs(g[0] - -0.5) < 1e-6 && Math.abs(g[1] - 0.5) < 1e-6, `${[...g]}`);
});

Deno.test("readAlong: each token's probability is the distribution after its prefix; the last guesses are predictNext's (1e-6)", () => {
  const words = ["<unk>", "<eos>", "the", "king", ",", "who", "ruled"];
  const vocabulary = new Vocabulary(words);
  const model = initWordLM({ vocabularySize: words.length, embeddingSize: 4, hiddenSize: 4, seed: 2 });
  // 40 tokens: longer than one read window (35), so the state is carried across windows as in predictNext.
  const text = Array.from({ length: 40 }, (_, k) => words[2 + (k * 3) % 5]);
  const before = tf.memory().numTensors;
  const { prompt, steps } = readAlong(model, vocabulary, text, { k: 3 });
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  assert.equal(steps.length, 41);
  assert.deepEqual([steps[0].word, steps[0].p], ["<eos>", null]);
  for (const t of [1, 2, 20, 36, 40]) {
    assert.equal(steps[t].word, text[t - 1]);
    const p = nextWordDistribution(
      model,
      readPrompt(vocabulary, text.slice(0, t - 1).length ? text.slice(0, t - 1) : ["the"]),
    );
    if (t > 1) assert.ok(Math.abs(steps[t].p! - p[prompt.ids[t]]) < 1e-6, `token ${t}`);
  }
  const last = predictNext(model, vocabulary, text, { k: 3 }).words;
  assert.deepEqual(steps[40].next.map((w) => w.word), last.map((w) => w.word));
  steps[40].next.forEach((w, k) => assert.ok(Math.abs(w.p - last[k].p) < 1e-6));
  assert.ok(steps.every((s) => s.next.length === 3 && s.next.every((w) => w.word !== "<unk>")));
  assert.throws(() => readAlong(model, vocabulary, "   "), /the prompt has no words/);
});

Deno.test("trainWordLM resetEvery: every k windows the rows start from zero again; the same as without until then", async () => {
  const losses = async (resetEvery?: number) => {
    const model = initWordLM({ vocabularySize: 6, embeddingSize: 4, hiddenSize: 8, seed: 1 });
    const out: number[] = [];
    await trainWordLM(model, stream.subarray(0, 401), {
      batchSize: 4,
      seqLength: 10,
      resetEvery,
      onBatch: (p) => void out.push(p.loss),
    });
    disposeWordLM(model);
    return out;
  };
  const plain = await losses(), never = await losses(1_000), every2 = await losses(2);
  assert.deepEqual(never, plain);
  assert.deepEqual(every2.slice(0, 2), plain.slice(0, 2));
  assert.notDeepEqual(every2.slice(2), plain.slice(2));
  const model = initWordLM({ vocabularySize: 6, embeddingSize: 4, hiddenSize: 8 });
  await assert.rejects(
    () => trainWordLM(model, stream, { resetEvery: 0 }),
    /resetEvery must be a whole number >= 1, got 0/,
  );
  disposeWordLM(model);
});

Deno.test("setUnigramBias: a fresh model then scores about as the unigram does; bad ids are refused", () => {
  const rng = seededRng(4);
  // A text of 50 words with a skewed (Zipf-like) frequency.
  const ids = Int32Array.from({ length: 20_000 }, () => Math.min(49, Math.floor(1 / (rng.next() + 0.02))));
  const model = initWordLM({ vocabularySize: 50, embeddingSize: 8, hiddenSize: 8, seed: 1 });
  const before = evaluateWordLM(model, ids).perplexity;
  setUnigramBias(model, ids);
  const after = evaluateWordLM(model, ids).perplexity;
  const counts = new Float64Array(50);
  ids.forEach((id) => counts[id]++);
  const unigram = Math.exp(-counts.reduce((s, c) => s + (c ? c * Math.log(c / ids.length) : 0), 0) / ids.length);
  assert.ok(before > 45, `uniform-like at first: ${before}`); // about V = 50
  assert.ok(Math.abs(after - unigram) / unigram < 0.05, `${after} vs the unigram's ${unigram}`);
  assert.throws(() => setUnigramBias(model, Int32Array.from([3, 50])), RangeError);
  assert.throws(() => setUnigramBias(model, new Int32Array(0)), /ids is empty/);
  disposeWordLM(model);
});
