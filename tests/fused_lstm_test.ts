// lib/engine/fused_lstm.ts: the LSTM layer over a window as one operation computes what tfjs's step-by-step
// ops compute, forward and backward; its gradient also matches finite differences.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import { forward, fusedLSTMAvailable, lstmWindow } from "@course/lib/engine/fused_lstm.ts";
import { loadBlas } from "@course/lib/engine/_blas.ts";
import { seededRng } from "@course/lib";

await initTfjs();

/** The step-by-step layer, as lib/engine/wordlm.ts wrote it before: gates i, f, c̃, o. */
function reference(xw: tf.Tensor3D, R: tf.Tensor2D, h0: tf.Tensor2D, c0: tf.Tensor2D): tf.Tensor3D {
  const [B, T] = xw.shape;
  const H = R.shape[0];
  let h = h0, c = c0;
  const hs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const z = tf.add(tf.slice(xw, [0, t, 0], [B, 1, 4 * H]).reshape([B, 4 * H]), tf.matMul(h, R));
    const [zi, zf, zc, zo] = tf.split(z, 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zc))) as tf.Tensor2D;
    h = tf.mul(tf.sigmoid(zo), tf.tanh(c)) as tf.Tensor2D;
    hs.push(h);
  }
  return tf.concat([tf.stack(hs, 1), tf.expandDims(c, 1)], 1) as tf.Tensor3D;
}

const B = 3, T = 5, H = 4;
const xw = tf.randomNormal([B, T, 4 * H], 0, 1, "float32", 1) as tf.Tensor3D;
const R = tf.randomNormal([H, 4 * H], 0, 0.5, "float32", 2) as tf.Tensor2D;
const h0 = tf.randomNormal([B, H], 0, 0.5, "float32", 3) as tf.Tensor2D;
const c0 = tf.randomNormal([B, H], 0, 0.5, "float32", 4) as tf.Tensor2D;
// A loss that weighs every hidden state (and not c_T, which carries no gradient by design).
const w = tf.concat([tf.randomNormal([B, T, H], 0, 1, "float32", 5), tf.zeros([B, 1, H])], 1);
const loss = (f: typeof reference) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
  tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D), w));
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

Deno.test({
  name: "lstmWindow: the same states and the same four gradients as tfjs's step-by-step ops (float32, 1e-5)",
  ignore: !fusedLSTMAvailable(),
  fn: () => {
    assert.ok(maxDiff(lstmWindow(xw, R, h0, c0), reference(xw, R, h0, c0)) < 1e-5);
    const ours = tf.grads(loss(lstmWindow))([xw, R, h0, c0]);
    const theirs = tf.grads(loss(reference))([xw, R, h0, c0]);
    ["xw", "R", "h0", "c0"].forEach((name, k) => assert.ok(maxDiff(ours[k], theirs[k]) < 1e-5, `∂L/∂${name}`));
  },
});

Deno.test({
  name: "lstmWindow's gradient against central differences (float32: eps 1e-2, within 1e-3 + 2 %)",
  ignore: !fusedLSTMAvailable(),
  fn: () => {
    const f = loss(lstmWindow);
    const [gR] = tf.grads((r: tf.Tensor) => f(xw, r, h0, c0))([R]);
    const g = gR.dataSync(), r = R.dataSync();
    const eps = 1e-2;
    for (const k of [0, 5, 17, 33, 63]) {
      const plus = Float32Array.from(r), minus = Float32Array.from(r);
      plus[k] += eps;
      minus[k] -= eps;
      const numeric = (f(xw, tf.tensor2d(plus, [H, 4 * H]), h0, c0).dataSync()[0] -
        f(xw, tf.tensor2d(minus, [H, 4 * H]), h0, c0).dataSync()[0]) / (2 * eps);
      assert.ok(Math.abs(numeric - g[k]) <= 1e-3 + 0.02 * Math.abs(numeric), `R[${k}]: ${g[k]} vs ${numeric}`);
    }
  },
});

Deno.test({
  name:
    "forward: the SIMD gates (lib/engine/_lstm_gates.ts) give the JavaScript loop's states, large inputs too (float32, 2e-6)",
  ignore: !fusedLSTMAvailable(),
  fn: () => {
    const { sgemm } = loadBlas()!;
    const [b, t, h] = [3, 6, 8], g = 4 * h;
    const rng = seededRng(9);
    const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * scale);
    const x = random(b * t * g, 8), r = random(h * g, 1), hs = random(b * h, 2), cs = random(b * h, 6);
    x[0] = 200; // σ and tanh saturate: e^x would overflow float32 without the clamp
    x[1] = -200;
    const simd = forward(sgemm, b, t, h, x, r, hs, cs, true), plain = forward(sgemm, b, t, h, x, r, hs, cs, false);
    for (const k of ["out", "gates", "cs", "tanhCs", "hPrevs"] as const) {
      assert.equal(simd[k].length, plain[k].length);
      simd[k].forEach((v, i) => assert.ok(Math.abs(v - plain[k][i]) <= 2e-6, `${k}[${i}]: ${v} vs ${plain[k][i]}`));
    }
  },
});
