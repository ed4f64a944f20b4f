// The word model under bad input and faults (issue 32): nothing trains on, saves or scores silently wrong.
// One test per example of the issue, each drawn from a public bug report of similar software, plus the
// checks behind them (the fused kernels' bounds, float16's ranges, the folder's checksums).
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Vocabulary } from "@course/lib";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import { loadBlas } from "@course/lib/engine/_blas.ts";
import { checksum } from "@course/lib/engine/wordlm/model_files.ts";
import { forward, fusedLSTMAvailable, lstmWindow } from "@course/lib/engine/fused_lstm.ts";
import {
  disposeWordLM,
  DivergenceError,
  evaluateWordLM,
  initWordLM,
  loadWordLM,
  outputCrossEntropy,
  predictNext,
  saveWordLM,
  trainWordLM,
  useFusedLSTM,
  type WordLM,
  wordLMForward,
  wordLMLoss,
  zeroState,
} from "@course/lib/engine/wordlm.ts";

await initTfjs();

const V = 20;
const words = ["<unk>", "<eos>", ...Array.from({ length: V - 2 }, (_, k) => `w${k}`)];
const vocabulary = new Vocabulary(words);
const ids = Int32Array.from({ length: 4_000 }, (_, t) => (t * 7 + (t >> 2)) % V);
/** The engines a model can train on here: the fused LSTM layer (where BLAS is loaded) and tfjs's step-by-step ops. */
const engines = fusedLSTMAvailable() ? [true, false] : [false];

function withBias(model: WordLM, word: number, value: number): WordLM {
  const b = model.variables.outputBias.dataSync().slice();
  b[word] = value;
  model.variables.outputBias.assign(tf.tensor1d(b));
  return model;
}

Deno.test("issue 32, example 1 (keras#4848): training stops at the first NaN loss, on every engine, naming the batch", async () => {
  for (const fused of engines) {
    const previous = useFusedLSTM();
    useFusedLSTM(fused);
    for (const cell of ["lstm", "gru"] as const) {
      const model = initWordLM({ vocabularySize: V, embeddingSize: 8, hiddenSize: 8, cell });
      const before = tf.memory().numTensors;
      const batches: number[] = [];
      const options = {
        optimizer: "sgd" as const,
        learningRate: 1e30,
        clipNorm: Infinity,
        batchSize: 4,
        seqLength: 10,
        maxTokens: 2000,
        onBatch: (p: { loss: number }) => void batches.push(p.loss),
      };
      const error = await trainWordLM(model, ids, options).then(() => undefined, (e) => e);
      const where = `fused ${fused}, ${cell}`;
      assert.ok(error instanceof DivergenceError && error instanceof RangeError, `${where}: ${error}`);
      assert.match(
        error.message,
        /^Cannot train: batch 2 \(epoch 1\) gave a loss of NaN, .*try a lower learningRate \(it was 1e\+30\) or clip the gradients/,
      );
      assert.ok(!error.message.includes("\n"));
      assert.equal(error.batch, 2);
      assert.deepEqual(batches.length, 1, where); // the batch that failed was neither applied nor reported
      assert.ok(Number.isFinite(batches[0]));
      const weights = Object.values(model.variables).flatMap((v) => [...v.dataSync()]);
      assert.ok(weights.every(Number.isFinite), `${where}: the failed batch was not applied`);
      assert.equal(tf.memory().numTensors, before, `${where}: no tensor left behind`);
      disposeWordLM(model);
    }
    useFusedLSTM(previous);
  }
});

Deno.test("a gradient that overflows float32 stops training too (Adam with clipping, as the CLI trains)", async () => {
  const model = initWordLM({ vocabularySize: V, embeddingSize: 8, hiddenSize: 8 });
  await assert.rejects(
    trainWordLM(model, ids, { learningRate: 1e30, batchSize: 4, seqLength: 10 }),
    (e: Error) => e instanceof DivergenceError && /^Cannot train: batch [23] \(epoch 1\) gave a/.test(e.message),
  );
  disposeWordLM(model);
});

Deno.test("issue 32, example 2 (keras#21183): a state of another batch size is a RangeError naming both, on every engine", () => {
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [3, 3], "int32");
  for (const fused of engines) {
    const previous = useFusedLSTM();
    useFusedLSTM(fused);
    for (const cell of ["lstm", "gru"] as const) {
      const model = initWordLM({ vocabularySize: V, embeddingSize: 8, hiddenSize: 8, cell });
      for (const B of [1, 2, 4]) {
        const state = zeroState(model, B), y = tf.zeros([9], "int32") as tf.Tensor1D;
        const before = tf.memory().numTensors;
        assert.throws(
          () => wordLMForward(model, x, state),
          (e: Error) =>
            e instanceof RangeError &&
            e.message ===
              `Cannot run the word model: state.h[0] is [${B}, 8], expected [3, 8] (the input's batch is 3)`,
        );
        assert.throws(
          () => wordLMLoss(model, x, y, state),
          /state.h\[0\] is \[\d, 8\], expected \[3, 8\]/,
        );
        assert.equal(tf.memory().numTensors, before, "refused before any kernel ran");
      }
      disposeWordLM(model);
    }
    useFusedLSTM(previous);
  }
});

Deno.test("every shape the engine is given is checked against the others: ids, targets, layers, tied weights", () => {
  const model = initWordLM({ vocabularySize: V, embeddingSize: 8, hiddenSize: 8, layers: 2 });
  const x = tf.tensor2d([[1, 2], [3, 4]], [2, 2], "int32");
  const state = zeroState(model, 2);
  const cases: [() => unknown, RegExp][] = [
    [
      () => wordLMForward(model, tf.tensor2d([[1, V]], [1, 2], "int32"), zeroState(model, 1)),
      /ids\[1\] is 20, expected an id in \[0, 20\)/,
    ],
    [
      () => wordLMForward(model, tf.tensor2d([[1, 2]], [1, 2]), zeroState(model, 1)),
      /x must be int32 ids, got float32/,
    ],
    [
      () => wordLMForward(model, tf.zeros([2, 0], "int32") as tf.Tensor2D, state),
      /x must be ids \[B, T\] with B, T >= 1, got \[2, 0\]/,
    ],
    [
      () => wordLMForward(model, x, { h: state.h.slice(0, 1), c: state.c.slice(0, 1) }),
      /the state has 1 h and 1 c, expected 2 and 2/,
    ],
    [
      () => wordLMLoss(model, x, tf.tensor1d([1, 2, 3], "int32"), state),
      /y must be \[4\], one target per row, got \[3\]/,
    ],
    [
      () => wordLMLoss(model, x, tf.tensor1d([1, 2, 3, -1], "int32"), state),
      /y\[3\] is -1, expected an id in \[0, 20\)/,
    ],
    [
      () =>
        outputCrossEntropy(
          tf.zeros([2, 8]) as tf.Tensor2D,
          tf.zeros([8, V]),
          tf.zeros([V]) as tf.Tensor1D,
          tf.tensor1d([0, V], "int32"),
        ),
      /targets\[1\] is 20/,
    ],
    [
      () =>
        outputCrossEntropy(
          tf.zeros([2, 8]) as tf.Tensor2D,
          tf.zeros([8, V]),
          tf.zeros([V]) as tf.Tensor1D,
          tf.tensor1d([0, 1], "int32"),
          true,
        ),
      /expected output weights of shape \[20, 8\] for h \[2, 8\] \(tied: the embedding \[V, H\]\), got \[8, 20\]/,
    ],
  ];
  for (const [f, message] of cases) {
    assert.throws(f, (e: Error) => e instanceof RangeError || e instanceof TypeError ? message.test(e.message) : false);
  }
  // A tied model whose variables do not say so, and a disposed model.
  const tied = initWordLM({ vocabularySize: V, embeddingSize: 8, hiddenSize: 8, tied: true });
  const extra = { config: tied.config, variables: { ...tied.variables, outputKernel: model.variables.outputKernel } };
  assert.throws(() => zeroState(extra, 1), /the model has a outputKernel its config does not/);
  const wrong = { config: tied.config, variables: { ...tied.variables, embedding: model.variables.kernel_1 } };
  assert.throws(
    () => zeroState(wrong, 1),
    /embedding is \[8, 32\], expected \[20, 8\] for its config \(V = 20, E = 8, H = 8, tied\)/,
  );
  disposeWordLM(tied);
  assert.throws(
    () => zeroState(tied, 1),
    (e: Error) => e instanceof TypeError && /embedding was disposed/.test(e.message),
  );
  disposeWordLM(model);
});

Deno.test({
  name: "the fused kernels never read past a buffer: shapes and lengths are checked before the loops and BLAS",
  ignore: !fusedLSTMAvailable(),
  fn: () => {
    const xw = tf.zeros([3, 2, 16]) as tf.Tensor3D, R = tf.zeros([4, 16]) as tf.Tensor2D;
    const h = tf.zeros([1, 4]) as tf.Tensor2D, c = tf.zeros([3, 4]) as tf.Tensor2D;
    assert.throws(() => lstmWindow(xw, R, h, c), /h0 is \[1, 4\], expected \[3, 4\] for xw \[3, 2, 16\]/);
    assert.throws(() => lstmWindow(xw, tf.zeros([4, 12]) as tf.Tensor2D, c, c), /R is \[4, 12\], expected \[4, 16\]/);
    const sgemm = loadBlas()!.sgemm;
    const f = (n: number) => new Float32Array(n);
    assert.throws(
      () => forward(sgemm, 3, 2, 4, f(96), f(64), f(4), f(12)),
      /h0 holds 4 floats, expected 12 for B = 3, T = 2, H = 4/,
    );
    assert.throws(() => sgemm(false, false, 4, 4, 4, f(16), f(15), f(16)), /B holds 15 floats, expected 16/);
    assert.throws(() => sgemm(false, false, 4, 4, 2.5, f(16), f(16), f(16)), /K must be a whole number >= 0, got 2.5/);
  },
});

Deno.test("issue 32, example 3 (mediapipe-samples#408): float16 refuses weights it would store as ±Infinity, or clamps and counts them", async () => {
  const dir = await Deno.makeTempDir();
  const model = withBias(initWordLM({ vocabularySize: V, embeddingSize: 8, hiddenSize: 8 }), 3, 70000);
  await assert.rejects(
    saveWordLM(model, vocabulary, dir, { dtype: "float16" }),
    (e: Error) =>
      e instanceof RangeError &&
      /^Cannot save in float16: outputBias\[3\] is 70000, beyond float16's largest value 65504 .*clampFloat16: true/
        .test(e.message),
  );
  assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing written");
  const saved = await saveWordLM(model, vocabulary, dir, { dtype: "float16", clampFloat16: true });
  assert.equal(saved.clamped, 1);
  const { model: again } = await loadWordLM(dir);
  assert.equal(again.variables.outputBias.dataSync()[3], 65504);
  assert.equal(predictNext(again, vocabulary, "w1 w2").words[0].word, "w1"); // word 3 is w1: finite, and it wins
  disposeWordLM(again);
  // NaN is refused in either dtype.
  withBias(model, 5, NaN);
  await assert.rejects(saveWordLM(model, vocabulary, dir), /Cannot save: outputBias\[5\] is NaN/);
  disposeWordLM(model);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("float16's error bound holds where documented: 2⁻¹¹ relative from 2⁻¹⁴ ≈ 6.1e-5 up, 2⁻²⁵ absolute below (so 1e-8 becomes 0, and is counted)", async () => {
  const dir = await Deno.makeTempDir();
  const model = initWordLM({ vocabularySize: V, embeddingSize: 8, hiddenSize: 8 });
  // Weights from 1e-9 to 6e4, spread over every binade.
  const e = model.variables.embedding;
  const values = Float32Array.from({ length: e.size }, (_, k) => (k % 2 ? -1 : 1) * 10 ** (-9 + (13.7 * k) / e.size));
  e.assign(tf.tensor(values, e.shape));
  const saved = await saveWordLM(model, vocabulary, dir, { dtype: "float16" });
  const back = (await loadWordLM(dir)).model;
  const got = back.variables.embedding.dataSync();
  let below = 0, zeroed = 0;
  values.forEach((x, k) => {
    const error = Math.abs(got[k] - x);
    if (Math.abs(x) >= 2 ** -14) assert.ok(error <= 2 ** -11 * Math.abs(x), `${x} → ${got[k]}`);
    else {
      assert.ok(error <= 2 ** -25, `${x} → ${got[k]}`);
      below++;
      if (got[k] === 0) zeroed++;
    }
  });
  assert.ok(zeroed > 0 && below > zeroed);
  assert.deepEqual([saved.belowNormal, saved.zeroed, saved.clamped], [below, zeroed, 0]);
  assert.equal(got[0], 0, "1e-9 becomes 0");
  disposeWordLM(model);
  disposeWordLM(back);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("issue 32, example 4 (pytorch-lightning#688): a save that fails half-way leaves the old model whole; a mixed folder is refused naming the file", async () => {
  const dir = await Deno.makeTempDir();
  const a = initWordLM({ vocabularySize: V, embeddingSize: 8, hiddenSize: 8, seed: 1 });
  await saveWordLM(a, vocabulary, dir, { notes: { model: "A" } });
  const expected = predictNext(a, vocabulary, "w3 w4", { k: 3 }).words;
  const b = initWordLM({ vocabularySize: V, embeddingSize: 8, hiddenSize: 8, seed: 2 });
  const otherWords = new Vocabulary(["<unk>", "<eos>", ...Array.from({ length: V - 2 }, (_, k) => `v${k}`)]);
  // The write of vocab.json fails (a full disk), whichever call writes it.
  // deno-lint-ignore no-explicit-any
  const D = Deno as any;
  const originals = { writeFile: D.writeFile, writeTextFile: D.writeTextFile };
  for (const name of ["writeFile", "writeTextFile"] as const) {
    D[name] = (path: string | URL, ...rest: unknown[]) =>
      String(path).includes("vocab.json")
        ? Promise.reject(new Error("No space left on device"))
        : originals[name](path, ...rest);
  }
  try {
    await assert.rejects(saveWordLM(b, otherWords, dir, { notes: { model: "B" } }), /No space left on device/);
  } finally {
    Object.assign(D, originals);
  }
  assert.deepEqual([...Deno.readDirSync(dir)].map((f) => f.name).sort(), ["config.json", "vocab.json", "weights.bin"]);
  const loaded = await loadWordLM(dir);
  assert.deepEqual(loaded.notes, { model: "A" });
  assert.deepEqual(loaded.vocabulary.words, words);
  assert.deepEqual(predictNext(loaded.model, loaded.vocabulary, "w3 w4", { k: 3 }).words, expected);
  disposeWordLM(loaded.model);
  // Folders mixed by hand (or by a crash between two renames): B's config and weights with A's vocabulary, and the reverse.
  const other = await Deno.makeTempDir();
  await saveWordLM(b, otherWords, other);
  await Deno.copyFile(`${dir}/vocab.json`, `${other}/vocab.json`);
  await assert.rejects(
    loadWordLM(other),
    new RegExp(`^Error: Cannot load model: ${other}/vocab.json is not the one ${other}/config.json was saved with`),
  );
  await saveWordLM(b, vocabulary, other);
  await Deno.copyFile(`${dir}/weights.bin`, `${other}/weights.bin`);
  await assert.rejects(
    loadWordLM(other),
    /weights\.bin is not the one .*config\.json was saved with \(checksum [0-9a-f]{8}, config\.json has "[0-9a-f]{8}"\): the folder mixes two saves/,
  );
  // A weights.bin that is NaN where its checksum agrees (a model saved broken by other means) is refused too.
  const bytes = await Deno.readFile(`${dir}/weights.bin`);
  new DataView(bytes.buffer).setFloat32(4, NaN, true);
  const config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
  config.checksums["weights.bin"] = checksum(bytes);
  await Deno.writeFile(`${dir}/weights.bin`, bytes);
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config));
  await assert.rejects(loadWordLM(dir), /weights\.bin holds NaN at embedding\[1\]; the model was saved broken/);
  [a, b].forEach(disposeWordLM);
  for (const d of [dir, other]) await Deno.remove(d, { recursive: true });
});

/** Each row's LSE(z) − z_target in float64, from the model's own float32 scores: the reference. */
function referenceLoss(model: WordLM, stream: Int32Array, B: number): number {
  const L = Math.floor((stream.length - 1) / B);
  let total = 0;
  for (let b = 0; b < B; b++) {
    const x = tf.tensor2d(stream.subarray(b * L, b * L + L), [1, L], "int32");
    const out = wordLMForward(model, x, zeroState(model, 1));
    const z = out.logits.arraySync() as number[][];
    z.forEach((row, t) => {
      const m = Math.max(...row);
      total += m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) - row[stream[b * L + t + 1]];
    });
  }
  return total / (B * L);
}

Deno.test("issue 32, example 5 (deeplearning4j#785): one model, one perplexity: every path scores LSE − the target's score, even 300 nats down", () => {
  const stream = ids.subarray(0, 801);
  for (const config of [{}, { tied: true }]) {
    const model = withBias(initWordLM({ vocabularySize: V, embeddingSize: 8, hiddenSize: 8, ...config }), 7, -300);
    // One row at a time, carried state over the whole row, so that the reference reads the same windows.
    const options = { batchSize: 4, seqLength: 200 };
    const fast = evaluateWordLM(model, stream, options);
    const exact = evaluateWordLM(model, stream, { ...options, accuracy: true, perToken: true });
    const reference = referenceLoss(model, stream, 4);
    assert.ok(reference > 10, `the −300 bias matters: mean loss ${reference}`);
    for (const [name, score] of [["default", fast], ["accuracy", exact]] as const) {
      assert.ok(Math.abs(score.meanLoss - reference) <= 1e-6 * reference, `${name}: ${score.meanLoss} vs ${reference}`);
    }
    assert.ok(Math.abs(fast.perplexity - exact.perplexity) <= 1e-5 * exact.perplexity);
    disposeWordLM(model);
  }
});

Deno.test("outputCrossEntropy equals LSE − the target's score in float64 on extreme scores (float32 precision, 1e-6 relative)", () => {
  const N = 6;
  const h = tf.tensor2d(Array.from({ length: N * 3 }, (_, k) => Math.sin(k)), [N, 3]);
  const W = tf.tensor2d(Array.from({ length: 3 * 5 }, (_, k) => Math.cos(k)), [3, 5]);
  const b = tf.tensor1d([-300, -150, 0, 60, 88]);
  const targets = tf.tensor1d([0, 1, 2, 3, 4, 0], "int32");
  const value = outputCrossEntropy(h, W, b, targets).dataSync()[0];
  const z = tf.add(tf.matMul(h, W), b).arraySync() as number[][];
  const t = [0, 1, 2, 3, 4, 0];
  const reference = z.reduce((s, row, n) => {
    const m = Math.max(...row);
    return s + m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) - row[t[n]];
  }, 0) / N;
  assert.ok(reference > 100, `${reference}`);
  assert.ok(Math.abs(value - reference) <= 1e-6 * reference, `${value} vs ${reference}`);
});
