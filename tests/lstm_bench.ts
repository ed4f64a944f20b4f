// Forward + backward through one sequence (batch 1, T = 50, X = 32): the library's runLSTM +
// backpropLSTM against tfjs 4.22.0's tf.layers.lstm + tf.variableGrads on the WASM backend, with the
// same weights and shapes. Run with `deno task bench`; `deno bench` prints time per iteration and
// how many times faster or slower each is than the group's baseline.
import { backpropLSTM, initLSTMParams, type LSTMParams, runLSTM, seededRng, toKerasLSTM } from "@course/lib";
import { tf } from "./_tf.ts";

const T = 50, X = 32;

function sequence(n: number, seed: number): number[][] {
  const rng = seededRng(seed);
  return Array.from({ length: T }, () => Array.from({ length: n }, () => rng.normal()));
}

function tfjsLayer(params: LSTMParams) {
  const layer = tf.layers.lstm({ units: params.hiddenSize, recurrentActivation: "sigmoid", returnSequences: true });
  tf.tidy(() => layer.apply(tf.zeros([1, 1, params.inputSize])) as tf.Tensor);
  const w = toKerasLSTM(params);
  layer.setWeights([tf.tensor2d(w.kernel), tf.tensor2d(w.recurrentKernel), tf.tensor1d(w.bias)]);
  return layer;
}

for (const H of [32, 64, 128]) {
  const params = initLSTMParams(X, H, { seed: H });
  const xs = sequence(X, 1).map((x) => Float32Array.from(x));
  const dh = sequence(H, 2).map((d) => Float32Array.from(d)); // L = Σ_t dh_t · h_t
  const group = `H = ${H}`;

  Deno.bench({ name: `course lib  H=${H}`, group, baseline: true }, () => {
    backpropLSTM(params, runLSTM(params, xs), dh);
  });

  const layer = tfjsLayer(params);
  const x = tf.tensor3d([sequence(X, 1)]), upstream = tf.tensor3d([sequence(H, 2)]);
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  Deno.bench({ name: `tfjs wasm   H=${H}`, group }, async () => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, upstream)) as tf.Scalar,
      weights,
    );
    await Promise.all(Object.values(grads).map((g) => g.data())); // wait for the numbers, as a training step would
    tf.dispose([value, ...Object.values(grads)]);
  });
}
