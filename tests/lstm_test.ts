import assert from "node:assert/strict";
import {
  backpropLSTM,
  castLSTMParams,
  gradCheckLSTM,
  initLSTMParams,
  lstmStep,
  lstmTensors,
  runLSTM,
  seededRng,
} from "@course/lib";
import { assertAllClose } from "./_assert.ts";

const params = initLSTMParams(4, 3, { seed: 11 }); // X = 4, H = 3
const xs = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0.5, -0.5, 0.25, 2]]; // T = 4

Deno.test("runLSTM: the trace equals lstmStep applied step by step (float32, 1e-6)", () => {
  const h0 = [0.1, -0.2, 0.3], c0 = [1, -1, 0.5];
  const trace = runLSTM(params, xs, { h0, c0 });
  let h: ArrayLike<number> = h0, c: ArrayLike<number> = c0;
  xs.forEach((x, t) => {
    const step = lstmStep(params, x, Array.from(h), Array.from(c));
    for (const name of ["hx", "f", "i", "cTilde", "o", "c", "tanhC", "h"] as const) {
      assertAllClose(trace[name][t], step[name], 1e-6, `${name}[${t}]`);
    }
    h = step.h;
    c = step.c;
  });
  assert.equal(trace.steps, 4);
  assertAllClose(trace.h0, h0, 1e-7, "h0 kept"); // float32: 1e-7
});

Deno.test("runLSTM: zeros by default, one buffer per quantity, no shared state between runs", () => {
  const a = runLSTM(params, xs), b = runLSTM(params, xs);
  assert.deepEqual([...a.h0], [0, 0, 0]);
  assert.deepEqual([...a.c0], [0, 0, 0]);
  assert.equal(a.h[0].buffer, a.h[3].buffer); // views into one [T·H] buffer
  assert.notEqual(a.h[0].buffer, b.h[0].buffer);
  assert.deepEqual(a.h.map((v) => [...v]), b.h.map((v) => [...v])); // deterministic
});

Deno.test("runLSTM: clear errors for bad input", () => {
  assert.throws(() => runLSTM(params, []), {
    name: "RangeError",
    message: "Cannot run LSTM: xs has length 0, expected at least 1 step",
  });
  assert.throws(() => runLSTM(params, [[1, 0, 0, 0], [1, 0, 0, 0, 0, 0]]), {
    name: "RangeError",
    message: "Cannot run LSTM: xs[1] has length 6, expected 4",
  });
  assert.throws(() => runLSTM(params, xs, { c0: [0, 0] }), {
    name: "RangeError",
    message: "Cannot run LSTM: c0 has length 2, expected 3",
  });
  assert.throws(() => runLSTM(params, [[1, NaN, 0, 0]]), {
    name: "RangeError",
    message: "Cannot run LSTM: xs[0][1] is NaN, expected a finite number",
  });
  const broken = initLSTMParams(4, 3);
  broken.Wo.data[5] = Infinity;
  assert.throws(() => runLSTM(broken, xs), {
    name: "RangeError",
    message: "Cannot run LSTM: Wo[5] is Infinity, expected a finite number",
  });
  const mixed = { ...initLSTMParams(4, 3), bc: new Float64Array(3) };
  assert.throws(() => runLSTM(mixed as never, xs), {
    name: "TypeError",
    message: "Cannot run LSTM: bc is a Float64Array but bf is a Float32Array",
  });
});

Deno.test("backpropLSTM passes a float64 gradient check (relative error < 1e-6) on random small cells", () => {
  for (const [X, H, T, seed] of [[1, 1, 1, 0], [3, 2, 5, 1], [2, 5, 7, 2], [4, 3, 12, 3]]) {
    const p = initLSTMParams(X, H, { seed, dtype: "float64" });
    const rng = seededRng(seed);
    for (const b of [p.bf, p.bi, p.bc, p.bo]) b.forEach((_, k) => b[k] = rng.uniform(-1, 1));
    const { worst, tensors } = gradCheckLSTM(p, { steps: T, seed });
    assert.ok(worst < 1e-6, `X=${X} H=${H} T=${T}: worst ${worst} in ${JSON.stringify(tensors)}`);
    assert.equal(tensors.length, 8 + T + 2); // 8 weight tensors, every x_t, h0, c0
  }
});

Deno.test("backpropLSTM: float32 agrees with float64 within 1e-5; no upstream gradient gives zeros", () => {
  const dh = xs.map((_, t) => [t, 1, -1]);
  const g32 = backpropLSTM(params, runLSTM(params, xs), dh, { dcT: [1, 2, 3] });
  const p64 = castLSTMParams(params, "float64");
  const g64 = backpropLSTM(p64, runLSTM(p64, xs), dh, { dcT: [1, 2, 3] });
  const a = lstmTensors(g32), b = lstmTensors(g64);
  for (const name of Object.keys(a) as (keyof typeof a)[]) assertAllClose(a[name], b[name], 1e-5, name);

  const none = backpropLSTM(params, runLSTM(params, xs), xs.map(() => null));
  assert.ok(Object.values(lstmTensors(none)).every((g) => g.every((v) => v === 0)));
});

Deno.test("backpropLSTM: clear errors for a wrong dh or a trace of another cell", () => {
  // The types already forbid this; plain JavaScript (or a cast) still gets a clear error.
  assert.throws(
    () => backpropLSTM(castLSTMParams(params, "float64"), runLSTM(params, xs) as never, xs.map(() => null)),
    {
      name: "TypeError",
      message: "Cannot backpropagate LSTM: the trace holds Float32Arrays but the parameters are Float64Arrays",
    },
  );
  const trace = runLSTM(params, xs);
  assert.throws(() => backpropLSTM(params, trace, [null]), {
    name: "RangeError",
    message: "Cannot backpropagate LSTM: dh has length 1, expected 4",
  });
  assert.throws(() => backpropLSTM(params, trace, [null, null, null, [1, 2]]), {
    name: "RangeError",
    message: "Cannot backpropagate LSTM: dh[3] has length 2, expected 3",
  });
  assert.throws(() => backpropLSTM(initLSTMParams(4, 5), trace, xs.map(() => null)), {
    name: "RangeError",
    message:
      "Cannot backpropagate LSTM: the trace is of a cell with H = 3, X = 4, but the parameters have H = 5, X = 4",
  });
});

Deno.test("initLSTMParams: chrono initialisation spreads forget biases over log [1, T-1], input bias = -forget bias", () => {
  const p = initLSTMParams(2, 64, { chrono: 50, seed: 0 });
  assert.ok(p.bf.every((b) => b >= 0 && b <= Math.log(49) + 1e-6)); // float32: 1e-6
  p.bi.forEach((b, k) => assert.equal(b, -p.bf[k]));
  assert.throws(() => initLSTMParams(2, 3, { chrono: 1 }), {
    name: "RangeError",
    message: "Cannot initialise LSTM: chrono must be a number of steps > 2, got 1",
  });
});
