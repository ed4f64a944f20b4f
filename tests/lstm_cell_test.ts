// The LSTM cell step against a hand computation in float64, its shapes, errors and parameter count.
import assert from "node:assert/strict";
import { initLSTMParams, lstmParamCount, lstmParams, lstmStep } from "@course/lib";
import { assertAllClose } from "./_assert.ts";

const sig = (x: number) => 1 / (1 + Math.exp(-x));

Deno.test("lstmStep equals the lecture's equations computed by hand (H = 2, X = 1)", () => {
  // W_* are [H, H+X] = [2, 3] acting on [hPrev0, hPrev1, x].
  const weights = {
    Wf: [[0.1, -0.2, 0.3], [0.0, 0.5, -0.4]],
    Wi: [[0.2, 0.1, -0.1], [-0.3, 0.2, 0.6]],
    Wc: [[-0.5, 0.4, 0.9], [0.3, -0.1, 0.2]],
    Wo: [[0.7, 0.0, -0.2], [0.1, 0.1, 0.1]],
    bf: [1, 1],
    bi: [0, 0.1],
    bc: [-0.1, 0],
    bo: [0.2, -0.2],
  };
  const x = [0.5], hPrev = [0.1, -0.3], cPrev = [0.8, -0.6];
  const step = lstmStep(lstmParams(weights), x, hPrev, cPrev);

  // Reference: the same equations in float64, written out without the library.
  const hx = [...hPrev, ...x];
  const dot = (row: number[]) => row.reduce((s, w, k) => s + w * hx[k], 0);
  const gate = (W: number[][], b: number[], act: (v: number) => number) => W.map((row, k) => act(dot(row) + b[k]));
  const f = gate(weights.Wf, weights.bf, sig);
  const i = gate(weights.Wi, weights.bi, sig);
  const cTilde = gate(weights.Wc, weights.bc, Math.tanh);
  const o = gate(weights.Wo, weights.bo, sig);
  const c = f.map((fk, k) => fk * cPrev[k] + i[k] * cTilde[k]);
  const h = o.map((ok, k) => ok * Math.tanh(c[k]));

  // float32 arithmetic on values of order 1: agree to 1e-6.
  assertAllClose(step.hx, hx, 1e-7, "hx");
  assertAllClose(step.f, f, 1e-6, "f");
  assertAllClose(step.i, i, 1e-6, "i");
  assertAllClose(step.cTilde, cTilde, 1e-6, "cTilde");
  assertAllClose(step.o, o, 1e-6, "o");
  assertAllClose(step.c, c, 1e-6, "c");
  assertAllClose(step.tanhC, c.map(Math.tanh), 1e-6, "tanhC");
  assertAllClose(step.h, h, 1e-6, "h");
});

Deno.test("lstmStep: with f = 1 and i = 0 the cell state passes through unchanged", () => {
  // Huge biases saturate the gates: σ(50) = 1 and σ(-50) = 0 in float32.
  const zero = [[0, 0, 0, 0], [0, 0, 0, 0]]; // [H, H+X] = [2, 4]
  const p = lstmParams({
    Wf: zero,
    Wi: zero,
    Wc: zero,
    Wo: zero,
    bf: [50, 50],
    bi: [-50, -50],
    bc: [0, 0],
    bo: [0, 0],
  });
  const step = lstmStep(p, [1, 2], [0.3, 0.4], [4, 5]);
  assert.deepEqual([...step.c], [4, 5]);
});

Deno.test("lstmStep: shapes for the lecture's H = 3, X = 4, and zero initial states by default", () => {
  const p = initLSTMParams(4, 3, { seed: 0 });
  const step = lstmStep(p, [1, 0, 0, 0]);
  assert.equal(step.hx.length, 7);
  for (const name of ["f", "i", "cTilde", "o", "c", "tanhC", "h"] as const) assert.equal(step[name].length, 3, name);
  assert.deepEqual(step, lstmStep(p, [1, 0, 0, 0], [0, 0, 0], [0, 0, 0]));
  // c_1 = f ⊗ 0 + i ⊗ c̃ = i ⊗ c̃ when c_0 = 0.
  assertAllClose(step.c, step.i.map((v, k) => v * step.cTilde[k]), 1e-7, "c"); // float32: one product, 1e-7
});

Deno.test("lstmStep: gates lie in their ranges", () => {
  const p = initLSTMParams(5, 8, { seed: 3 });
  const step = lstmStep(p, [3, -2, 1, 0, 5], new Array(8).fill(0.5), new Array(8).fill(-2));
  for (const g of [step.f, step.i, step.o]) assert.ok(g.every((v) => v > 0 && v < 1));
  assert.ok(step.cTilde.every((v) => v > -1 && v < 1));
  assert.ok(step.h.every((v) => v > -1 && v < 1));
});

Deno.test("lstmStep refuses wrong lengths with the expected message", () => {
  const p = initLSTMParams(4, 3);
  assert.throws(() => lstmStep(p, [1, 2, 3, 4, 5, 6]), {
    name: "RangeError",
    message: "Cannot run LSTM step: x has length 6, expected 4",
  });
  assert.throws(() => lstmStep(p, [1, 2, 3, 4], [0, 0]), {
    name: "RangeError",
    message: "Cannot run LSTM step: hPrev has length 2, expected 3",
  });
  assert.throws(() => lstmStep(p, [1, 2, 3, 4], [0, 0, 0], [0]), {
    name: "RangeError",
    message: "Cannot run LSTM step: cPrev has length 1, expected 3",
  });
});

Deno.test("lstmParams refuses inconsistent shapes, naming the weight", () => {
  const W = [[0, 0, 0], [0, 0, 0]]; // [2, 3]: H = 2, X = 1
  const good = { Wf: W, Wi: W, Wc: W, Wo: W, bf: [0, 0], bi: [0, 0], bc: [0, 0], bo: [0, 0] };
  assert.equal(lstmParams(good).inputSize, 1);
  assert.throws(() => lstmParams({ ...good, Wo: [[0, 0, 0, 0], [0, 0, 0, 0]] }), {
    name: "RangeError",
    message: "Cannot build LSTM parameters: Wo is 2×4, expected 2×3 ([H, H+X] with H = 2, X = 1)",
  });
  assert.throws(() => lstmParams({ ...good, bc: [0] }), {
    name: "RangeError",
    message: "Cannot build LSTM parameters: bc has length 1, expected 2",
  });
  assert.throws(() => lstmParams({ ...good, Wf: [[0, 0], [0, 0]] }), { name: "RangeError", message: /X >= 1/ });
});

Deno.test("lstmParamCount: 4·(H·(H+X) + H), the lecture's examples, and tfjs's count", () => {
  assert.equal(lstmParamCount(4, 3), 96); // W_f is 3×7 = 21 weights + 3 biases; four gates
  assert.equal(4 * (3 * 7 + 3), 96);
  assert.equal(lstmParamCount(100, 150), 150_600); // next-word model: LSTM(150) on Embedding(283, 100)
  const p = initLSTMParams(4, 3);
  const counted = [p.Wf, p.Wi, p.Wc, p.Wo].reduce((n, W) => n + W.data.length, 0) +
    [p.bf, p.bi, p.bc, p.bo].reduce((n, b) => n + b.length, 0);
  assert.equal(counted, lstmParamCount(4, 3));
  assert.throws(() => lstmParamCount(0, 3), {
    name: "RangeError",
    message: "Cannot count LSTM parameters: inputSize must be a whole number >= 1, got 0",
  });
});

Deno.test("initLSTMParams: forget bias 1 by default (Jozefowicz et al., 2015), configurable", () => {
  assert.deepEqual([...initLSTMParams(2, 3).bf], [1, 1, 1]);
  assert.deepEqual([...initLSTMParams(2, 3, { forgetBias: 0 }).bf], [0, 0, 0]);
  const k = 1 / Math.sqrt(3);
  assert.ok(initLSTMParams(2, 3).Wc.data.every((w) => Math.abs(w) <= k));
});
