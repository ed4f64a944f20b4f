// The WASM kernels registered by initTfjs, checked against plain loops.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTfjs, softmaxCrossEntropyGrad } from "@course/lib/engine/tfjs.ts";
import { seededRng } from "@course/lib";
import { assertAllClose } from "./_assert.ts";

await initTfjs();

function randomMatrix(rows: number, cols: number, seed: number): number[][] {
  const rng = seededRng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform(-1, 1)));
}
const T = (m: number[][]) => m[0].map((_, c) => m.map((row) => row[c]));
const product = (a: number[][], b: number[][]) =>
  a.map((row) => b[0].map((_, c) => row.reduce((s, v, k) => s + v * b[k][c], 0)));

Deno.test("matMul with transposeA/transposeB gives the same numbers as plain loops (float32, 1e-5)", () => {
  const a = randomMatrix(5, 7, 1), b = randomMatrix(5, 3, 2), c = randomMatrix(4, 7, 3);
  const before = tf.memory().numTensors;
  const got = tf.tidy(() => [
    tf.matMul(tf.tensor2d(a), tf.tensor2d(b), true, false).arraySync() as number[][], // aᵀ·b, [7, 3]
    tf.matMul(tf.tensor2d(a), tf.tensor2d(c), false, true).arraySync() as number[][], // a·cᵀ, [5, 4]
    tf.fused.matMul({
      a: tf.tensor2d(a),
      b: tf.tensor2d(b),
      transposeA: true,
      bias: tf.tensor1d([1, 2, 3]),
      activation: "relu",
    })
      .arraySync() as number[][],
  ]);
  assertAllClose(got[0].flat(), product(T(a), b).flat(), 1e-5, "aᵀ·b");
  assertAllClose(got[1].flat(), product(a, T(c)).flat(), 1e-5, "a·cᵀ");
  const fused = product(T(a), b).map((row) => row.map((v, k) => Math.max(0, v + [1, 2, 3][k])));
  assertAllClose(got[2].flat(), fused.flat(), 1e-5, "relu(aᵀ·b + bias)");
  assert.equal(tf.memory().numTensors, before, "no tensors leaked");
});

Deno.test("an embedding's gradient (gather → UnsortedSegmentSum) adds up the rows of repeated ids", () => {
  const table = tf.variable(tf.tensor2d(randomMatrix(6, 3, 4))); // [V = 6, E = 3]
  const ids = tf.tensor1d([2, 5, 2, 0], "int32");
  const upstream = randomMatrix(4, 3, 5);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, ids), tf.tensor2d(upstream))) as tf.Scalar, [
    table,
  ]);
  const expected = Array.from({ length: 6 }, () => [0, 0, 0]);
  [2, 5, 2, 0].forEach((id, i) => upstream[i].forEach((v, k) => expected[id][k] += v));
  assertAllClose((grads[table.name].arraySync() as number[][]).flat(), expected.flat(), 1e-6, "dL/dtable");
  tf.dispose([table, ids, ...Object.values(grads)]);
});

Deno.test("without a native BLAS (COURSE_NO_BLAS=1) tfjs falls back to WASM alone and still trains", async () => {
  const code = `
    import { initTfjs, tfjsEngine } from "@course/lib/engine/tfjs.ts";
    import { initWordLM, trainWordLM } from "@course/lib/engine/wordlm.ts";
    await initTfjs();
    const model = initWordLM({ vocabularySize: 50, embeddingSize: 8, hiddenSize: 8 });
    const history = await trainWordLM(model, Int32Array.from({ length: 200 }, (_, t) => t % 50), { batchSize: 4, seqLength: 8 });
    console.log(tfjsEngine(), history.batches.length, Number.isFinite(history.batches.at(-1).loss));`;
  const { code: exit, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    env: { COURSE_NO_BLAS: "1", NO_COLOR: "1" },
    cwd: new URL("..", import.meta.url).pathname,
  }).output();
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  assert.equal(new TextDecoder().decode(stdout).trim(), "tfjs-wasm 7 true"); // 4 rows of 49 tokens, windows of 8
});

Deno.test("softmaxCrossEntropyGrad: scale·(p − onehot) and its column sums, as plain loops compute them (float32, 1e-7)", () => {
  const p = [[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]], targets = [1, 0], scale = 0.5;
  const { dLogits, dBias } = softmaxCrossEntropyGrad(tf.tensor2d(p), tf.tensor1d(targets, "int32"), scale);
  const expected = p.map((row, r) => row.map((v, k) => scale * (v - (k === targets[r] ? 1 : 0))));
  assertAllClose([...dLogits.dataSync()], expected.flat(), 1e-7, "dLogits");
  assertAllClose([...dBias.dataSync()], expected[0].map((v, k) => v + expected[1][k]), 1e-7, "dBias");
  assert.throws(
    () => softmaxCrossEntropyGrad(tf.tensor2d(p), tf.tensor1d([1, 3], "int32"), scale),
    /Target 3 at row 1 is outside \[0, 3\)/,
  );
});

Deno.test("a fused product with transposeB and a bias at the course model's size, [3, 256]·[10000, 256]ᵀ + b, is right (1e-4)", () => {
  // tfjs 4.22's stock WASM kernel gets this one wrong (errors up to 19 here, measured 2026-12-02 with
  // COURSE_STOCK_MATMUL=1 COURSE_NO_BLAS=1); the course's kernels (transpose first, or BLAS) do not.
  const a = tf.randomNormal([3, 256], 0, 1, "float32", 1), b = tf.randomNormal([10000, 256], 0, 1, "float32", 2);
  const bias = tf.randomNormal([10000], 0, 1, "float32", 3);
  const fused = tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeB: true, bias });
  const plain = tf.add(tf.matMul(a, tf.transpose(b)), bias);
  const diff = tf.max(tf.abs(tf.sub(fused, plain))).dataSync()[0];
  assert.ok(diff < 1e-4, `max difference ${diff}`);
});

Deno.test("gather along axis 0 (an embedding lookup) copies the rows; other gathers are tfjs's; a bad id is a RangeError", () => {
  const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const ids = tf.tensor2d([[2, 0], [1, 2]], [2, 2], "int32");
  assert.deepEqual(tf.gather(table, ids).arraySync(), [[[5, 6], [1, 2]], [[3, 4], [5, 6]]]);
  assert.deepEqual(tf.gather(table, tf.tensor1d([1, 0], "int32"), 1).arraySync(), [[2, 1], [4, 3], [6, 5]]);
  assert.throws(() => tf.gather(table, tf.tensor1d([0, 3], "int32")), /index 3 at position 1 is not in \[0, 3\)/);
});
