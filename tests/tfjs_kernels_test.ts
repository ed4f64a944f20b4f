// Every kernel the course replaces or adds, against tfjs's stock kernels.
//
// The references are computed first on tfjs's pure-JavaScript `cpu` backend, whose kernels are
// untouched; then the same operations run on WASM with the course's kernels (native BLAS for large
// products when the machine has it, see lib/engine/_blas.ts). Tolerance: 1e-5 relative to the size of the
// numbers (float32 sums of up to a few hundred products).
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { seededRng } from "@course/lib";
import { initTfjs, tfjsEngine } from "@course/lib/engine/tfjs.ts";
import { disposeWordLM, initWordLM, trainWordLM } from "@course/lib/engine/wordlm.ts";

type Case = { name: string; run: () => tf.Tensor | tf.Tensor[] };

function random(shape: number[], seed: number): tf.Tensor {
  const rng = seededRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.uniform(-1, 1)), shape);
}

// Shapes around the BLAS threshold (64³ multiply-adds) and the edges: a single row, a single
// column, batch broadcasting both ways, both transposes, fused bias and relu.
const cases: Case[] = [
  { name: "[70, 80]·[80, 90]", run: () => tf.matMul(random([70, 80], 1), random([80, 90], 2)) },
  { name: "[80, 70]ᵀ·[80, 90]", run: () => tf.matMul(random([80, 70], 3), random([80, 90], 4), true, false) },
  { name: "[70, 80]·[90, 80]ᵀ", run: () => tf.matMul(random([70, 80], 5), random([90, 80], 6), false, true) },
  { name: "[80, 70]ᵀ·[90, 80]ᵀ", run: () => tf.matMul(random([80, 70], 7), random([90, 80], 8), true, true) },
  { name: "[1, 300]·[300, 1000] (one row)", run: () => tf.matMul(random([1, 300], 9), random([300, 1000], 10)) },
  { name: "[300, 300]·[300, 1] (one column)", run: () => tf.matMul(random([300, 300], 11), random([300, 1], 12)) },
  { name: "[3, 70, 80]·[3, 80, 90] (batched)", run: () => tf.matMul(random([3, 70, 80], 13), random([3, 80, 90], 14)) },
  {
    name: "[3, 70, 80]·[1, 80, 90] (broadcast)",
    run: () => tf.matMul(random([3, 70, 80], 15), random([1, 80, 90], 16)),
  },
  {
    name: "[1, 80, 70]ᵀ·[4, 80, 90] (broadcast)",
    run: () => tf.matMul(random([1, 80, 70], 17), random([4, 80, 90], 18), true),
  },
  { name: "[8, 8]·[8, 8] (below the threshold)", run: () => tf.matMul(random([8, 8], 19), random([8, 8], 20)) },
  {
    name: "fused [70, 80]·[80, 90] + bias, relu",
    run: () =>
      tf.fused.matMul({ a: random([70, 80], 21), b: random([80, 90], 22), bias: random([90], 23), activation: "relu" }),
  },
  {
    name: "fused [80, 70]ᵀ·[90, 80]ᵀ + bias",
    run: () =>
      tf.fused.matMul({
        a: random([80, 70], 24),
        b: random([90, 80], 25),
        transposeA: true,
        transposeB: true,
        bias: random([90], 26),
      }),
  },
  {
    name: "fused with elu (falls back to WASM)",
    run: () => tf.fused.matMul({ a: random([70, 80], 27), b: random([80, 90], 28), activation: "elu" }),
  },
  {
    name: "embedding gradient: gather's gradient, UnsortedSegmentSum, repeated and unused ids",
    run: () => {
      const ids = tf.tensor1d([3, 0, 3, 7, 7, 7, 1], "int32");
      const upstream = random([7, 5], 30);
      return tf.grad((table: tf.Tensor) => tf.sum(tf.mul(tf.gather(table, ids), upstream)))(random([9, 5], 31));
    },
  },
];

// References on the stock cpu backend.
await tf.setBackend("cpu");
const reference = cases.map((c) => tf.tidy(() => [c.run()].flat().map((t) => t.arraySync())));
await initTfjs();

Deno.test(`course kernels (${tfjsEngine()}) equal tfjs's stock kernels within 1e-5 relative`, () => {
  cases.forEach((c, k) => {
    const got = tf.tidy(() => [c.run()].flat().map((t) => t.arraySync()));
    got.forEach((value, j) => {
      const a = [value].flat(3) as number[], b = [reference[k][j]].flat(3) as number[];
      assert.equal(a.length, b.length, `${c.name}: size`);
      const scale = Math.max(1, ...b.map(Math.abs));
      const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
      assert.ok(worst <= 1e-5 * scale, `${c.name}: off by ${worst} (scale ${scale})`);
    });
  });
});

Deno.test("1,000 training steps (fused engine where BLAS is loaded): live tensors and their bytes do not grow", async () => {
  const V = 300;
  const model = initWordLM({ vocabularySize: V, embeddingSize: 16, hiddenSize: 32 });
  const rng = seededRng(2);
  const ids = Int32Array.from({ length: 1_001 * 4 * 10 + 1 }, () => rng.int(V));
  let before = { numTensors: -1, numBytes: -1 }, after = before;
  await trainWordLM(model, ids, {
    batchSize: 4,
    seqLength: 10,
    maxTokens: 1_000 * 4 * 10,
    onBatch: (p) => {
      const { numTensors, numBytes } = tf.memory();
      if (p.step === 1) before = { numTensors, numBytes }; // after the optimizer made its slots
      after = { numTensors, numBytes };
    },
  });
  assert.ok(before.numTensors > 0);
  assert.deepEqual(
    after,
    before,
    `over 1,000 steps live tensors went from ${JSON.stringify(before)} to ${JSON.stringify(after)}`,
  );
  disposeWordLM(model);
});
