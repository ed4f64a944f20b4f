import assert from "node:assert/strict";
import {
  backpropLSTM,
  backpropRNN,
  gradCheckRNN,
  initLSTMParams,
  initRNNParams,
  lstmParamCount,
  rnnParamCount,
  runLSTM,
  runRNN,
} from "@course/lib";
import { assertAllClose } from "./_assert.ts";

Deno.test("runRNN: h_t = tanh(W·[h_{t-1}, x_t] + b), checked by hand for H = 1, X = 1", () => {
  const params = {
    inputSize: 1,
    hiddenSize: 1,
    W: { rows: 1, cols: 2, data: new Float32Array([0.5, 2]) },
    b: new Float32Array([0.1]),
  };
  const trace = runRNN(params, [[1], [-1]]);
  const h1 = Math.tanh(0.5 * 0 + 2 * 1 + 0.1), h2 = Math.tanh(0.5 * h1 + 2 * -1 + 0.1);
  assertAllClose([trace.h[0][0], trace.h[1][0]], [h1, h2], 1e-7, "h"); // float32: 1e-7
});

Deno.test("backpropRNN passes a float64 gradient check (relative error < 1e-6)", () => {
  for (const [X, H, T, seed] of [[1, 1, 1, 0], [3, 4, 6, 1], [2, 8, 15, 2]]) {
    const { worst } = gradCheckRNN(initRNNParams(X, H, { seed, dtype: "float64" }), { steps: T, seed });
    assert.ok(worst < 1e-6, `X=${X} H=${H} T=${T}: worst ${worst}`);
  }
});

Deno.test("the RNN's gradient vanishes over 50 steps; the LSTM's, with f near 1, does not", () => {
  // dL/dh_1 for L = h_50[0]: how much the first step can still learn from the last.
  const T = 50, X = 2, H = 8;
  const xs = Array.from({ length: T }, (_, t) => [t === 0 ? 1 : 0, 1]);
  const dh = xs.map((_, t) => t === T - 1 ? [1, 0, 0, 0, 0, 0, 0, 0] : null);
  const rnn = initRNNParams(X, H, { seed: 0 });
  const rnnGrad = backpropRNN(rnn, runRNN(rnn, xs), dh).dxs[0];
  const lstm = initLSTMParams(X, H, { seed: 0, forgetBias: 5 }); // f ≈ σ(5) ≈ 0.993 at the start
  const lstmGrad = backpropLSTM(lstm, runLSTM(lstm, xs), dh).dxs[0];
  const largest = (v: Float32Array) => Math.max(...v.map(Math.abs));
  assert.ok(largest(rnnGrad) < 1e-6, `RNN: |dL/dx_1| = ${largest(rnnGrad)}`);
  assert.ok(largest(lstmGrad) > 1e-3, `LSTM: |dL/dx_1| = ${largest(lstmGrad)}`);
  assert.equal(rnnParamCount(X, H) * 4, lstmParamCount(X, H));
});

Deno.test("runRNN and backpropRNN: clear errors", () => {
  const params = initRNNParams(2, 3);
  assert.throws(() => runRNN(params, [[1, 2, 3]]), {
    name: "RangeError",
    message: "Cannot run RNN: xs[0] has length 3, expected 2",
  });
  assert.throws(() => backpropRNN(params, runRNN(params, [[1, 2]]), []), {
    name: "RangeError",
    message: "Cannot backpropagate RNN: dh has length 0, expected 1",
  });
});

Deno.test("rnnJacobian is diag(1 − h²)·W_h, and matches finite differences of one step", async () => {
  const { rnnJacobian } = await import("@course/lib");
  const params = initRNNParams(2, 3, { seed: 4, dtype: "float64" });
  const x = [0.3, -0.7], hPrev = [0.2, -0.1, 0.5];
  const step = (h: number[]) => runRNN(params, [x], { h0: h }).h[0];
  const h = step(hPrev);
  const J = rnnJacobian(params as unknown as Parameters<typeof rnnJacobian>[0], h);
  const eps = 1e-6;
  for (let k = 0; k < 3; k++) {
    const plus = step(hPrev.map((v, j) => (j === k ? v + eps : v)));
    const minus = step(hPrev.map((v, j) => (j === k ? v - eps : v)));
    for (let r = 0; r < 3; r++) {
      const numeric = (plus[r] - minus[r]) / (2 * eps);
      assert.ok(Math.abs(J.data[r * 3 + k] - numeric) < 1e-5, `J[${r}, ${k}] ${J.data[r * 3 + k]} vs ${numeric}`); // abs 1e-5 (float32 J)
    }
  }
  assert.throws(() => rnnJacobian(params as unknown as Parameters<typeof rnnJacobian>[0], [0, 0]), /h/);
});

Deno.test("runRNN refuses weights with a NaN, naming the first one", () => {
  const params = initRNNParams(2, 3);
  params.W.data[0] = NaN;
  assert.throws(() => runRNN(params, [[1, 0]]), { message: "Cannot run RNN: W[0] is NaN, expected a finite number" });
});
