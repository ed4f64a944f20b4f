// lib/engine/fused_adam.ts: one SIMD pass per variable, bit for bit tf.train.adam's weights.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import { FusedAdam } from "@course/lib/engine/fused_adam.ts";
import { seededRng } from "@course/lib";

await initTfjs();

Deno.test("FusedAdam: 50 steps give tf.train.adam's weights bit for bit, with a changing learning rate", () => {
  const rng = seededRng(3);
  const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * scale);
  // Sizes with and without a remainder after the SIMD lanes (35 = 8·4 + 3, 5, 1), and a large one.
  const shapes = [[7, 5], [5], [1], [300, 40]];
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const start = shapes.map((s) => random(size(s), 2));
  const make = (tag: string) => shapes.map((s, k) => tf.variable(tf.tensor(start[k], s), true, `${tag}${k}`));
  const mine = make("fused-"), theirs = make("stock-");
  const fused = new FusedAdam(0.01), stock: tf.Optimizer = tf.train.adam(0.01);
  for (let step = 0; step < 50; step++) {
    const lr = 0.01 * (1 - step / 100); // as a linear schedule sets it
    fused.learningRate = lr;
    (stock as unknown as { learningRate: number }).learningRate = lr;
    // Gradients large and small, zeros included.
    const grads = shapes.map((s, k) => {
      const g = random(size(s), step % 7 === 0 ? 1e3 : 1);
      if (k === 0) g[34] = 0;
      return g;
    });
    fused.applyGradients(Object.fromEntries(grads.map((g, k) => [`fused-${k}`, tf.tensor(g, shapes[k])])));
    stock.applyGradients(Object.fromEntries(grads.map((g, k) => [`stock-${k}`, tf.tensor(g, shapes[k])])));
  }
  mine.forEach((w, k) => assert.deepEqual(w.dataSync(), theirs[k].dataSync(), `variable ${k}`));
  fused.dispose();
  stock.dispose();
  tf.dispose([...mine, ...theirs]);
});

Deno.test("FusedAdam: keeps no tensors beyond its moments, frees them on dispose; bad settings are refused", () => {
  const w = tf.variable(tf.ones([4, 4]), true, "leak-check");
  const before = tf.memory().numTensors;
  const adam = new FusedAdam(0.1);
  for (let k = 0; k < 5; k++) tf.tidy(() => adam.applyGradients({ "leak-check": tf.ones([4, 4]) }));
  assert.equal(tf.memory().numTensors, before + 2); // m and v
  adam.dispose();
  assert.equal(tf.memory().numTensors, before);
  w.dispose();
  assert.throws(() => new FusedAdam(0.1, 1), /beta1 must be in \[0, 1\), got 1/);
  assert.throws(() => new FusedAdam(NaN), /learning rate and epsilon must be finite/);
  assert.throws(() => new FusedAdam(0.1).applyGradients({ nothing: tf.ones([1]) }), /no variable named "nothing"/);
});
