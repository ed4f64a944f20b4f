import assert from "node:assert/strict";
import { backpropLSTM, gradCheck, initLSTMParams, numericalGradient, runLSTM } from "@course/lib";

Deno.test("numericalGradient: central differences are exact to O(ε²) and leave the values unchanged", () => {
  const w = new Float64Array([0.5, -2]);
  const g = numericalGradient(() => Math.sin(w[0]) * w[1] ** 3, w);
  assert.ok(Math.abs(g[0] - Math.cos(0.5) * -8) < 1e-8); // float64: 1e-8
  assert.ok(Math.abs(g[1] - Math.sin(0.5) * 12) < 1e-8);
  assert.deepEqual([...w], [0.5, -2]);
});

Deno.test("gradCheck catches a wrong gradient: a missing term gives a large relative error", () => {
  const params = initLSTMParams(2, 3, { seed: 3, dtype: "float64" });
  const xs = [new Float64Array([1, -1]), new Float64Array([0.5, 2])];
  const loss = () => runLSTM(params, xs).h[1].reduce((a, b) => a + b, 0); // L = Σ h_2
  const right = backpropLSTM(params, runLSTM(params, xs), [null, [1, 1, 1]]);
  const wrong = Float64Array.from(right.Wf.data, (g, k) => k % 2 === 0 ? g : 0); // half the terms dropped
  const good = gradCheck(loss, { Wf: { values: params.Wf.data, grad: right.Wf.data } });
  const bad = gradCheck(loss, { Wf: { values: params.Wf.data, grad: wrong } });
  assert.ok(good.worst < 1e-6, `right gradient: ${good.worst}`);
  assert.ok(bad.worst > 1e-2, `wrong gradient: ${bad.worst}`);
});

Deno.test("gradCheck refuses float32 values, where finite differences drown in rounding", () => {
  assert.throws(() => gradCheck(() => 0, { W: { values: new Float32Array(2) as never, grad: [0, 0] } }), {
    name: "TypeError",
    message:
      'Cannot check gradients: W must be a Float64Array, got a Float32Array; run the model in float64 (castLSTMParams(params, "float64"))',
  });
});
