import assert from "node:assert/strict";
import { concat, formatVector, matrix, matrixFromRows, matrixToRows, matVec, toVector, zeros } from "@course/lib";

Deno.test("matVec: [2, 3] · [3] -> [2]", () => {
  const W = matrixFromRows([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual([...matVec(W, [1, 0, -1])], [-2, -2]);
});

Deno.test("matVec: the lecture's forget-gate shapes, (3×7)(7×1) -> (3×1)", () => {
  const W = matrix(3, 7, Array.from({ length: 21 }, (_, k) => k));
  const hx = concat([[0.1, 0.3, 0.9], [1, 0, 0, 0]]); // [H+X] = [7]
  const out = matVec(W, hx);
  assert.equal(out.length, 3);
  // row 0 = 0..6: 0·0.1 + 1·0.3 + 2·0.9 + 3·1 = 5.1 (float32 tolerance 1e-6)
  assert.ok(Math.abs(out[0] - 5.1) < 1e-6);
});

Deno.test("matVec refuses a vector of the wrong length, saying what it needed", () => {
  assert.throws(() => matVec(matrix(3, 7), [1, 2, 3, 4, 5, 6]), {
    name: "RangeError",
    message: "Cannot multiply matrix by vector: W is 3×7, so x must have length 7, but it has length 6",
  });
});

Deno.test("matrix refuses data of the wrong size; matrixFromRows refuses ragged rows", () => {
  assert.throws(() => matrix(2, 2, [1, 2, 3]), {
    name: "RangeError",
    message: "Cannot make matrix: a 2×2 matrix needs 4 numbers, data has 3",
  });
  assert.throws(() => matrixFromRows([[1, 2], [3]]), {
    name: "RangeError",
    message: "Cannot make matrix from rows: row 1 has length 1, expected 2",
  });
  assert.throws(() => matrix(-1, 2), { name: "RangeError", message: /rows must be a whole number >= 0, got -1/ });
});

Deno.test("matrixToRows inverts matrixFromRows", () => {
  const rows = [[1, 2, 3], [4, 5, 6]];
  assert.deepEqual(matrixToRows(matrixFromRows(rows)), rows);
});

Deno.test("concat stacks [hPrev, x] in that order", () => {
  assert.deepEqual([...concat([[1, 2], [3], new Float32Array([4, 5])])], [1, 2, 3, 4, 5]);
  assert.equal(concat([]).length, 0);
});

Deno.test("toVector keeps a Float32Array and copies an array", () => {
  const v = new Float32Array([1, 2]);
  assert.equal(toVector(v), v);
  assert.ok(toVector([1, 2]) instanceof Float32Array);
  assert.throws(() => toVector({} as unknown as number[], "x", "run LSTM step"), {
    name: "TypeError",
    message: "Cannot run LSTM step: x must be a number[] or a float array, got an object (Object)",
  });
});

Deno.test("zeros and formatVector", () => {
  assert.deepEqual([...zeros(2)], [0, 0]);
  assert.equal(formatVector([2, 2.5, 3]), "[2 2.5 3]");
  assert.equal(formatVector(new Float32Array([0.55, 0.6, 0])), "[0.55 0.6 0]");
  assert.equal(formatVector([-0.00001, 100]), "[0 100]");
  assert.equal(formatVector([1 / 3], 0), "[0]");
  assert.equal(formatVector([250], 0), "[250]");
});

Deno.test("matMul and spectralNorm", async () => {
  const { matMul, spectralNorm } = await import("@course/lib");
  const A = matrix(2, 3, [1, 2, 3, 4, 5, 6]), B = matrix(3, 2, [1, 0, 0, 1, 1, 1]);
  assert.deepEqual(matrixToRows(matMul(A, B)), [[4, 5], [10, 11]]);
  assert.throws(() => matMul(A, A), /\[2, 3\] · \[2, 3\], expected 3 = 2/);
  // A's singular values: the square roots of the eigenvalues of AᵀA; the largest is 9.508032 (numpy).
  assert.ok(Math.abs(spectralNorm(A) - 9.508032) < 1e-5);
  assert.equal(spectralNorm(matrix(2, 2)), 0);
  // A rotation keeps every length: norm 1.
  const c = Math.cos(0.3), s = Math.sin(0.3);
  assert.ok(Math.abs(spectralNorm(matrix(2, 2, [c, -s, s, c])) - 1) < 1e-6);
});
