// The lecture's worked numbers for the pointwise operations (notebook 03), and their error messages.
import assert from "node:assert/strict";
import {
  add,
  mul,
  sigmoid,
  sigmoidDerivative,
  sigmoidDerivativeFromOutput,
  tanh,
  tanhDerivative,
  tanhDerivativeFromOutput,
} from "@course/lib";
import { assertClose } from "./_assert.ts";

Deno.test("mul: the lecture's [4 5 6] ⊗ [1 2 3] = [4 10 18]", () => {
  const out = mul([4, 5, 6], [1, 2, 3]);
  assert.ok(out instanceof Float32Array);
  assert.deepEqual([...out], [4, 10, 18]);
});

Deno.test("add: the lecture's [4 5 6] + [1 2 3] = [5 7 9]", () => {
  assert.deepEqual([...add([4, 5, 6], [1, 2, 3])], [5, 7, 9]);
});

Deno.test("mul: the forget gate keeps half, nothing, or everything of [4 5 6]", () => {
  const cPrev = [4, 5, 6];
  assert.deepEqual([...mul([0.5, 0.5, 0.5], cPrev)], [2, 2.5, 3]);
  assert.deepEqual([...mul([0, 0, 0], cPrev)], [0, 0, 0]);
  assert.deepEqual([...mul([1, 1, 1], cPrev)], [4, 5, 6]);
});

Deno.test("mul and add accept Float32Array and number[] alike, and do not modify their inputs", () => {
  const a = new Float32Array([1, 2]);
  const b = [3, 4];
  assert.deepEqual([...mul(a, b)], [3, 8]);
  assert.deepEqual([...add(b, a)], [4, 6]);
  assert.deepEqual([...a], [1, 2]);
  assert.deepEqual(b, [3, 4]);
});

Deno.test("mul and add refuse vectors of different lengths, naming both lengths", () => {
  assert.throws(() => mul([1, 2, 3], [1, 2]), {
    name: "RangeError",
    message: "Cannot multiply element-wise (⊗): a has length 3 but b has length 2; both must have the same length",
  });
  assert.throws(() => add([1], [1, 2]), {
    name: "RangeError",
    message: "Cannot add element-wise (+): a has length 1 but b has length 2; both must have the same length",
  });
});

Deno.test("pointwise functions refuse what is not a vector of numbers", () => {
  assert.throws(() => tanh("abc" as unknown as number[]), { name: "TypeError", message: /x must be a number\[\]/ });
  assert.throws(() => sigmoid([1, "2" as unknown as number]), {
    name: "TypeError",
    message: 'Cannot apply sigmoid: x[1] must be a number, got the string "2"',
  });
});

Deno.test("sigmoid matches 1/(1+e^-x) and stays finite at the extremes", () => {
  const xs = [-800, -20, -1, 0, 1, 20, 800];
  const s = sigmoid(xs);
  // float32 keeps about 7 significant digits: compare at 1e-7 absolute (values lie in [0, 1]).
  xs.forEach((x, k) => assertClose(s[k], 1 / (1 + Math.exp(-x)), 1e-7, `σ(${x})`));
  assert.ok(s.every(Number.isFinite));
  assert.equal(s[0], 0);
  assert.equal(s[6], 1);
});

Deno.test("tanh of a vector, and tanh = 2σ(2x) - 1", () => {
  const xs = [-3, -0.5, 0, 0.5, 3];
  const t = tanh(xs);
  const s2 = sigmoid(xs.map((x) => 2 * x));
  xs.forEach((_, k) => assertClose(t[k], 2 * s2[k] - 1, 1e-6, `tanh(${xs[k]})`)); // float32: 1e-6
});

Deno.test("derivatives: peaks σ'(0) = 0.25 and tanh'(0) = 1, and they match central differences", () => {
  assert.equal(sigmoidDerivative([0])[0], 0.25);
  assert.equal(tanhDerivative([0])[0], 1);
  const eps = 1e-3;
  for (const x of [-4, -1, -0.2, 0.3, 2.5]) {
    const ds = (1 / (1 + Math.exp(-(x + eps))) - 1 / (1 + Math.exp(-(x - eps)))) / (2 * eps);
    const dt = (Math.tanh(x + eps) - Math.tanh(x - eps)) / (2 * eps);
    // Central differences err by O(eps²) ≈ 1e-6; float32 storage adds about 1e-7.
    assertClose(sigmoidDerivative([x])[0], ds, 1e-6, `σ'(${x})`);
    assertClose(tanhDerivative([x])[0], dt, 1e-6, `tanh'(${x})`);
  }
});

Deno.test("derivatives from saved outputs equal derivatives from inputs", () => {
  const xs = [-3, -1, 0, 1, 3];
  const fromS = sigmoidDerivativeFromOutput(sigmoid(xs));
  const fromT = tanhDerivativeFromOutput(tanh(xs));
  xs.forEach((x, k) => {
    assertClose(fromS[k], sigmoidDerivative([x])[0], 1e-7, `σ'(${x})`); // float32: 1e-7
    assertClose(fromT[k], tanhDerivative([x])[0], 1e-6, `tanh'(${x})`); // float32: 1e-6
  });
});
