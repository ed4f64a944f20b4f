import assert from "node:assert/strict";
import { Adam, clipGradNorm, gradNorm, SGD } from "@course/lib";

Deno.test("Adam: two steps computed by hand from the paper's update (float64, 1e-12)", () => {
  const w = new Float64Array([1, -1]);
  const adam = new Adam({ lr: 0.1 });
  const g1 = [0.5, -2], g2 = [0.1, 1];
  adam.step({ w }, { w: new Float64Array(g1) });
  adam.step({ w }, { w: new Float64Array(g2) });
  for (let k = 0; k < 2; k++) {
    let m = 0, v = 0, x = [1, -1][k];
    for (const [t, g] of [[1, g1[k]], [2, g2[k]]]) {
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      x -= 0.1 * (m / (1 - 0.9 ** t)) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
    }
    assert.ok(Math.abs(w[k] - x) < 1e-12, `w[${k}] = ${w[k]}, expected ${x}`);
  }
  assert.equal(adam.steps, 2);
});

Deno.test("SGD with momentum: v ← μv + g, w ← w - ηv", () => {
  const w = new Float64Array([0]);
  const sgd = new SGD({ lr: 0.1, momentum: 0.9 });
  sgd.step({ w }, { w: new Float64Array([1]) }); // v = 1, w = -0.1
  sgd.step({ w }, { w: new Float64Array([1]) }); // v = 1.9, w = -0.29
  assert.ok(Math.abs(w[0] + 0.29) < 1e-12); // float64: 1e-12
});

Deno.test("clipGradNorm rescales all tensors together and leaves small gradients alone", () => {
  const grads = { a: new Float32Array([3, 0]), b: new Float32Array([4]) };
  assert.equal(clipGradNorm(grads, 10), 5);
  assert.deepEqual([...grads.a, ...grads.b], [3, 0, 4]);
  clipGradNorm(grads, 1);
  assert.ok(Math.abs(gradNorm(grads) - 1) < 1e-6); // float32: 1e-6
});

Deno.test("optimizers name the tensor when params and grads do not match", () => {
  const adam = new Adam();
  assert.throws(() => adam.step({ W: new Float32Array(2) }, { W: new Float32Array(3) }), {
    name: "RangeError",
    message: "Cannot take Adam step: the gradient of W has length 3, expected 2",
  });
  assert.throws(() => adam.step({ W: new Float32Array(2) }, {}), {
    name: "RangeError",
    message: "Cannot take Adam step: no gradient for W",
  });
  assert.throws(() => new SGD({ lr: -1 }), {
    name: "RangeError",
    message: "Cannot make SGD: lr must be a finite number > 0, got -1",
  });
});

Deno.test("optimizers refuse NaN gradients and a second model's tensors of another size", () => {
  const w = new Float32Array(2);
  assert.throws(() => new SGD().step({ w }, { w: new Float32Array([1, NaN]) }), {
    name: "RangeError",
    message: "Cannot take SGD step: the gradient of w[1] is NaN, expected a finite number",
  });
  assert.deepEqual([...w], [0, 0]);
  const adam = new Adam();
  adam.step({ W: new Float32Array(2) }, { W: new Float32Array(2) });
  assert.throws(() => adam.step({ W: new Float32Array(3) }, { W: new Float32Array(3) }), {
    name: "RangeError",
    message:
      "Cannot take Adam step: W has length 3, but this optimizer has been updating a W of length 2; use one optimizer per model",
  });
});
