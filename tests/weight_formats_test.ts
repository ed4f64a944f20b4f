// Weight interop and parity with the two frameworks learners come from.
//
// PyTorch: tests/fixtures/torch_lstm.json was produced with Debian's python3-torch 1.13.1
// (`apt install python3-torch`; PyPI is not reachable here) by this script, run as
// `/usr/bin/python3 make_torch_lstm.py > tests/fixtures/torch_lstm.json`:
//
//   import json, torch
//   torch.manual_seed(0)
//   X, H, T = 3, 4, 5
//   lstm = torch.nn.LSTM(X, H).double()          # one layer, gate order i, f, g, o
//   with torch.no_grad():                         # make bias_hh non-zero so the sum is tested
//       lstm.bias_hh_l0.uniform_(-0.5, 0.5)
//   x = torch.randn(T, 1, X, dtype=torch.float64, requires_grad=True)   # [T, batch 1, X]
//   h0 = torch.randn(1, 1, H, dtype=torch.float64, requires_grad=True)
//   c0 = torch.randn(1, 1, H, dtype=torch.float64, requires_grad=True)
//   a = torch.randn(T, 1, H, dtype=torch.float64)                       # dL/dh_t
//   b = torch.randn(1, 1, H, dtype=torch.float64)                       # dL/dc_T
//   out, (hT, cT) = lstm(x, (h0, c0))
//   loss = (a * out).sum() + (b * cT).sum()
//   loss.backward()
//   flat = lambda t: t.detach().reshape(-1).tolist()
//   rows = lambda t: t.detach().reshape(t.shape[0], -1).tolist()
//   print(json.dumps({
//       "torch": torch.__version__, "X": X, "H": H, "T": T,
//       "state": {k: v.tolist() for k, v in lstm.state_dict().items()},
//       "xs": rows(x), "h0": flat(h0), "c0": flat(c0), "dh": rows(a), "dcT": flat(b),
//       "h": rows(out), "cT": flat(cT), "loss": loss.item(),
//       "grad": {k: v.grad.tolist() for k, v in lstm.named_parameters()},
//       "dxs": rows(x.grad), "dh0": flat(h0.grad), "dc0": flat(c0.grad),
//   }))
//
// tfjs: the references are computed live, in each test below, by tfjs 4.22.0's own `tf.layers.lstm`
// (recurrentActivation "sigmoid", returnSequences true) on the WASM backend, and by `tf.variableGrads`.

import assert from "node:assert/strict";
import {
  backpropLSTM,
  fromKerasLSTM,
  fromTorchLSTM,
  initLSTMParams,
  type KerasLSTMWeights,
  lstmParamCount,
  type LSTMParams,
  runLSTM,
  seededRng,
  toKerasLSTM,
  type TorchLSTMState,
  toTorchLSTM,
} from "@course/lib";
import { assertAllClose } from "./_assert.ts";
import { tf } from "./_tf.ts";

interface TorchFixture {
  X: number;
  H: number;
  T: number;
  state: TorchLSTMState;
  xs: number[][];
  h0: number[];
  c0: number[];
  dh: number[][];
  dcT: number[];
  h: number[][];
  cT: number[];
  grad: TorchLSTMState;
  dxs: number[][];
  dh0: number[];
  dc0: number[];
}

const torch: TorchFixture = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/torch_lstm.json", import.meta.url)),
);

Deno.test("fromTorchLSTM: runLSTM equals PyTorch's nn.LSTM (float64 1e-12, float32 1e-5)", () => {
  for (const [dtype, tolerance] of [["float64", 1e-12], ["float32", 1e-5]] as const) {
    const params = fromTorchLSTM(torch.state, { dtype });
    assert.equal(params.hiddenSize, torch.H);
    assert.equal(params.inputSize, torch.X);
    const trace = runLSTM(params, torch.xs, { h0: torch.h0, c0: torch.c0 });
    torch.h.forEach((h, t) => assertAllClose(trace.h[t], h, tolerance, `${dtype} h[${t}]`));
    assertAllClose(trace.c[torch.T - 1], torch.cT, tolerance, `${dtype} c_T`);
  }
});

Deno.test("backpropLSTM equals PyTorch's autograd, in PyTorch's layout via toTorchLSTM (float64 1e-10, float32 1e-4)", () => {
  for (const [dtype, tolerance] of [["float64", 1e-10], ["float32", 1e-4]] as const) {
    const params = fromTorchLSTM(torch.state, { dtype });
    const trace = runLSTM(params, torch.xs, { h0: torch.h0, c0: torch.c0 });
    const grads = backpropLSTM(params, trace, torch.dh, { dcT: torch.dcT });
    const asTorch = toTorchLSTM(grads);
    for (const name of ["weight_ih_l0", "weight_hh_l0"] as const) {
      assertAllClose(asTorch[name].flat(), torch.grad[name].flat(), tolerance, `${dtype} ${name}.grad`);
    }
    for (const name of ["bias_ih_l0", "bias_hh_l0"] as const) {
      assertAllClose(asTorch[name], torch.grad[name], tolerance, `${dtype} ${name}.grad`);
    }
    torch.dxs.forEach((dx, t) => assertAllClose(grads.dxs[t], dx, tolerance, `${dtype} x[${t}].grad`));
    assertAllClose(grads.dh0, torch.dh0, tolerance, `${dtype} h0.grad`);
    assertAllClose(grads.dc0, torch.dc0, tolerance, `${dtype} c0.grad`);
  }
});

Deno.test("toTorchLSTM: the whole bias in bias_ih_l0, zeros in bias_hh_l0, and a lossless round trip", () => {
  const params = fromTorchLSTM(torch.state, { dtype: "float64" });
  const state = toTorchLSTM(params);
  assert.deepEqual(state.bias_hh_l0, new Array(4 * torch.H).fill(0));
  const summed = torch.state.bias_ih_l0.map((b, k) => b + torch.state.bias_hh_l0[k]);
  assertAllClose(state.bias_ih_l0, summed, 0, "bias_ih_l0"); // float64: exact
  assert.deepEqual(state.weight_ih_l0, torch.state.weight_ih_l0);
  assert.deepEqual(state.weight_hh_l0, torch.state.weight_hh_l0);
  assert.deepEqual(fromTorchLSTM(state, { dtype: "float64" }), params);
});

Deno.test("fromTorchLSTM: clear errors for wrong shapes, missing tensors, NaN and stacked LSTMs", () => {
  const bad = (patch: Partial<Record<string, unknown>>) => ({ ...torch.state, ...patch }) as TorchLSTMState;
  assert.throws(() => fromTorchLSTM(bad({ weight_hh_l0: torch.state.weight_hh_l0.slice(1) })), {
    name: "RangeError",
    message: "Cannot import PyTorch LSTM: weight_hh_l0 is 15×4, expected 16×4 ([4H, H] with H = 4 from the bias)",
  });
  assert.throws(() => fromTorchLSTM(bad({ bias_ih_l0: [1, 2, 3] })), {
    name: "RangeError",
    message: "Cannot import PyTorch LSTM: bias_ih_l0 has length 3, expected 4H for some H >= 1",
  });
  assert.throws(() => fromTorchLSTM(bad({ weight_ih_l0: undefined })), {
    name: "TypeError",
    message: "Cannot import PyTorch LSTM: weight_ih_l0 is missing",
  });
  const nan = structuredClone(torch.state);
  nan.weight_ih_l0[2][1] = NaN;
  assert.throws(() => fromTorchLSTM(nan), {
    name: "RangeError",
    message: "Cannot import PyTorch LSTM: weight_ih_l0[2][1] is NaN, expected a finite number",
  });
  assert.throws(() => fromTorchLSTM(bad({ weight_ih_l1: [[0]] })), {
    name: "TypeError",
    message:
      "Cannot import PyTorch LSTM: found weight_ih_l1; only a one-layer, one-direction nn.LSTM without proj_size is supported",
  });
});

Deno.test("fromKerasLSTM/toKerasLSTM: round trip, list form, and errors", () => {
  const params = initLSTMParams(3, 4, { seed: 5 });
  const w = toKerasLSTM(params);
  assert.deepEqual(fromKerasLSTM(w), params);
  assert.deepEqual(fromKerasLSTM([w.kernel, w.recurrentKernel, w.bias]), params);
  const count = w.kernel.flat().length + w.recurrentKernel.flat().length + w.bias.length;
  assert.equal(count, lstmParamCount(3, 4)); // the same 4·(H·(H+X)+H) numbers, packed differently
  assert.throws(() => fromKerasLSTM({ ...w, recurrentKernel: w.kernel }), {
    name: "RangeError",
    message: "Cannot import Keras LSTM: recurrentKernel is 3×16, expected 4×16 ([H, 4H] with H = 4 from the bias)",
  });
  const ragged = structuredClone(w);
  ragged.kernel[1].pop();
  assert.throws(() => fromKerasLSTM(ragged), {
    name: "RangeError",
    message: "Cannot import Keras LSTM: kernel[1] has length 15, expected 16 like kernel[0]",
  });
  const transposed = { ...w, kernel: w.kernel[0].map((_, c) => w.kernel.map((row) => row[c])) }; // [4H, X]
  assert.throws(() => fromKerasLSTM(transposed), {
    name: "RangeError",
    message:
      "Cannot import Keras LSTM: kernel is 16×3, expected X×16 ([X, 4H] with H = 4 from the bias); it looks transposed",
  });
  assert.throws(() => fromKerasLSTM([w.kernel, w.bias]), {
    name: "RangeError",
    message: "Cannot import Keras LSTM: got 2 weight arrays, expected 3 (kernel, recurrentKernel, bias)",
  });
});

/** A tfjs LSTM layer with recurrentActivation "sigmoid", holding `params`, applied to `xs` [T][X]. */
function tfjsLSTM(params: LSTMParams) {
  const layer = tf.layers.lstm({ units: params.hiddenSize, recurrentActivation: "sigmoid", returnSequences: true });
  tf.tidy(() => layer.apply(tf.zeros([1, 1, params.inputSize])) as tf.Tensor); // builds the weights (a second build() would clash)
  const w: KerasLSTMWeights = toKerasLSTM(params);
  layer.setWeights([tf.tensor2d(w.kernel), tf.tensor2d(w.recurrentKernel), tf.tensor1d(w.bias)]);
  return layer;
}

function randomSequence(T: number, n: number, seed: number): number[][] {
  const rng = seededRng(seed);
  return Array.from({ length: T }, () => Array.from({ length: n }, () => rng.normal()));
}

Deno.test("runLSTM equals tfjs's tf.layers.lstm on the same weights, within 1e-5", () => {
  for (const [X, H, T, seed] of [[3, 4, 6, 1], [5, 8, 12, 2], [2, 16, 30, 3]]) {
    const params = initLSTMParams(X, H, { seed });
    // Biases too: initLSTMParams leaves most of them 0, which would not test their order.
    const rng = seededRng(seed + 100);
    for (const b of [params.bf, params.bi, params.bc, params.bo]) b.forEach((_, k) => b[k] = rng.uniform(-1, 1));
    const xs = randomSequence(T, X, seed);
    const layer = tfjsLSTM(params);
    const reference = tf.tidy(() => (layer.apply(tf.tensor3d([xs])) as tf.Tensor).arraySync() as number[][][]);
    const trace = runLSTM(params, xs);
    reference[0].forEach((h, t) => assertAllClose(trace.h[t], h, 1e-5, `X=${X} H=${H} h[${t}]`));
    layer.dispose();
  }
});

Deno.test("backpropLSTM equals tfjs's gradients (tf.variableGrads) within 1e-4", () => {
  const X = 3, H = 5, T = 8;
  const params = initLSTMParams(X, H, { seed: 7 });
  const rng = seededRng(8);
  for (const b of [params.bf, params.bi, params.bc, params.bo]) b.forEach((_, k) => b[k] = rng.uniform(-1, 1));
  const xs = randomSequence(T, X, 9);
  const h0 = randomSequence(1, H, 10)[0], c0 = randomSequence(1, H, 11)[0];
  const dh = randomSequence(T, H, 12); // L = Σ_t dh_t · h_t

  const layer = tfjsLSTM(params);
  const x = tf.variable(tf.tensor3d([xs])), h0v = tf.variable(tf.tensor2d([h0])), c0v = tf.variable(tf.tensor2d([c0]));
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable); // kernel, recurrentKernel, bias
  const { value, grads } = tf.variableGrads(() => {
    const h = layer.apply(x, { initialState: [h0v, c0v] }) as tf.Tensor; // [1, T, H]
    return tf.sum(tf.mul(h, tf.tensor3d([dh]))) as tf.Scalar;
  }, [...weights, x, h0v, c0v]);
  const get = (v: tf.Variable) => grads[v.name].arraySync();
  const reference = {
    kernel: get(weights[0]) as number[][],
    recurrentKernel: get(weights[1]) as number[][],
    bias: get(weights[2]) as number[],
    dxs: (get(x) as number[][][])[0],
    dh0: (get(h0v) as number[][])[0],
    dc0: (get(c0v) as number[][])[0],
  };
  tf.dispose([value, ...Object.values(grads), x, h0v, c0v]);

  const ours = backpropLSTM(params, runLSTM(params, xs, { h0, c0 }), dh);
  const asKeras = toKerasLSTM(ours);
  assertAllClose(asKeras.kernel.flat(), reference.kernel.flat(), 1e-4, "kernel grad");
  assertAllClose(asKeras.recurrentKernel.flat(), reference.recurrentKernel.flat(), 1e-4, "recurrentKernel grad");
  assertAllClose(asKeras.bias, reference.bias, 1e-4, "bias grad");
  reference.dxs.forEach((dx, t) => assertAllClose(ours.dxs[t], dx, 1e-4, `x[${t}] grad`));
  assertAllClose(ours.dh0, reference.dh0, 1e-4, "h0 grad");
  assertAllClose(ours.dc0, reference.dc0, 1e-4, "c0 grad");
  layer.dispose();
});
