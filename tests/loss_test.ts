import assert from "node:assert/strict";
import { argmax, numericalGradient, softmax, softmaxCrossEntropy } from "@course/lib";
import { assertAllClose } from "./_assert.ts";

Deno.test("softmaxCrossEntropy: loss = -log p_target, gradient p - onehot checked by finite differences", () => {
  const z = new Float64Array([2, -1, 0.5, 3]);
  const { loss, probs, dLogits } = softmaxCrossEntropy(z, 1);
  assert.ok(Math.abs(loss + Math.log(probs[1])) < 1e-12); // float64: 1e-12
  assert.ok(Math.abs(probs.reduce((a, b) => a + b) - 1) < 1e-12);
  const numerical = numericalGradient(() => softmaxCrossEntropy(z, 1).loss, z);
  assertAllClose(dLogits, numerical, 1e-8, "dL/dz"); // float64 finite differences: 1e-8
});

Deno.test("softmaxCrossEntropy: huge scores do not overflow; bad targets are named", () => {
  const { loss } = softmaxCrossEntropy(new Float32Array([1000, 0]), 1);
  assert.equal(loss, 1000); // log(e^1000 + 1) - 0, exactly 1000 in float64
  assert.deepEqual([...softmax([0, 0])], [0.5, 0.5]);
  assert.throws(() => softmaxCrossEntropy(new Float32Array(3), 3), {
    name: "RangeError",
    message: "Cannot compute cross-entropy: target is 3, expected a whole number in [0, 3)",
  });
  assert.equal(argmax([0.1, 0.7, 0.7]), 1);
});
