import assert from "node:assert/strict";
import { dense, denseBackward, denseGradsLike, gradCheck, initDense } from "@course/lib";

Deno.test("dense: y = W·x + b, and its backward pass passes a float64 gradient check", () => {
  const layer = initDense(4, 3, { seed: 2, dtype: "float64" }); // X = 4, Y = 3
  layer.b.set([0.1, -0.2, 0.3]);
  const x = new Float64Array([1, -2, 0.5, 3]), a = new Float64Array([1, 2, -1]); // L = a · y
  const loss = () => dense(layer, x).reduce((sum, y, r) => sum + a[r] * y, 0);
  const grads = denseGradsLike(layer);
  const dx = denseBackward(layer, x, a, grads);
  const { worst } = gradCheck(loss, {
    W: { values: layer.W.data, grad: grads.W.data },
    b: { values: layer.b, grad: grads.b },
    x: { values: x, grad: dx },
  });
  assert.ok(worst < 1e-6, `worst ${worst}`);
});

Deno.test("dense: clear errors", () => {
  const layer = initDense(4, 3);
  assert.throws(() => dense(layer, [1, 2]), {
    name: "RangeError",
    message: "Cannot apply dense layer: x has length 2, expected 4",
  });
  assert.throws(() => initDense(0, 3), {
    name: "RangeError",
    message: "Cannot make dense layer: inputSize must be a whole number >= 1, got 0",
  });
});
