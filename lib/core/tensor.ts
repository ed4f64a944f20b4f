/**
 * Vectors and matrices as `Float32Array`s with explicit shapes.
 *
 * A vector of length n is a plain `Float32Array` (shape `[n]`; `Float64Array` in float64 mode). A matrix is a
 * row-major `Float32Array` together with its shape (`rows × cols`), so
 * `W.data[r * W.cols + k]` is the entry in row r, column k. This is the
 * layout the lectures draw: `W_f` has one row per hidden unit, `[H, H+X]`.
 *
 * Introduced in notebook 03 (pointwise operations) and used by every cell.
 *
 * @module
 */

/**
 * The two float types the library computes in. Float32 is the default (what tfjs and PyTorch use);
 * float64 exists for gradient checks, where finite differences need the extra digits
 * (see `gradcheck.ts`).
 */
export type FloatArray = Float32Array | Float64Array;

/** The name of a float type: `"float32"` (the default everywhere) or `"float64"`. */
export type DType = "float32" | "float64";

/** The array type of a {@linkcode DType}: `ArrayOf<"float64">` is `Float64Array`. */
export type ArrayOf<D extends DType> = D extends "float64" ? Float64Array : Float32Array;

/** What the library accepts where it expects a vector: a float array or a plain array of numbers. */
export type VectorLike = FloatArray | readonly number[];

/** A row-major matrix of shape `[rows, cols]`, float32 unless `F` says otherwise. */
export interface Matrix<F extends FloatArray = Float32Array> {
  /** Number of rows (for an LSTM weight matrix: the hidden size H). */
  readonly rows: number;
  /** Number of columns (for an LSTM weight matrix: H + X). */
  readonly cols: number;
  /** The entries, row after row: `data[r * cols + k]`; length `rows * cols`. */
  readonly data: F;
}

/**
 * Returns `x` as a `Float32Array`: the same object if it already is one, else a float32 copy.
 *
 * @param x a vector (`number[]` or `Float32Array`)
 * @param what how to name `x` in an error message, e.g. `"x"`
 * @param context what was being attempted, e.g. `"run LSTM step"`
 * @throws {TypeError} if `x` is not an array of numbers
 *
 * @example
 * ```ts
 * import { toVector } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const v = toVector([1, 2, 3]);
 * assert.ok(v instanceof Float32Array);
 * assert.deepEqual([...v], [1, 2, 3]);
 * ```
 */
export function toVector(x: VectorLike, what = "vector", context = "use vector"): Float32Array {
  if (x instanceof Float32Array) return x;
  if (x instanceof Float64Array) return Float32Array.from(x);
  if (!Array.isArray(x)) {
    throw new TypeError(
      `Cannot ${context}: ${what} must be a number[] or a float array, got ${describe(x)}`,
    );
  }
  const out = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const value = x[k];
    if (typeof value !== "number") {
      throw new TypeError(
        `Cannot ${context}: ${what}[${k}] must be a number, got ${describe(value)}`,
      );
    }
    out[k] = value;
  }
  return out;
}

/**
 * Throws a `RangeError` unless `v` has length `expected`.
 *
 * The message follows one pattern everywhere in the course:
 * `Cannot run LSTM step: x has length 6, expected 4`.
 *
 * @example
 * ```ts
 * import { expectLength } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => expectLength([1, 2], 3, "x", "run LSTM step"), {
 *   name: "RangeError",
 *   message: "Cannot run LSTM step: x has length 2, expected 3",
 * });
 * ```
 */
export function expectLength(v: ArrayLike<number>, expected: number, what: string, context: string): void {
  if (v.length !== expected) {
    throw new RangeError(`Cannot ${context}: ${what} has length ${v.length}, expected ${expected}`);
  }
}

/**
 * A vector of `n` zeros, shape `[n]`.
 *
 * @example
 * ```ts
 * import { zeros } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...zeros(3)], [0, 0, 0]);
 * ```
 */
export function zeros(n: number): Float32Array {
  expectWhole(n, "n", "make zeros");
  return new Float32Array(n);
}

/**
 * A matrix of shape `[rows, cols]`, filled with zeros or with `data` (row-major, copied).
 *
 * @throws {RangeError} if `data` does not hold exactly `rows * cols` numbers
 *
 * @example
 * ```ts
 * import { matrix } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const W = matrix(2, 3, [1, 2, 3, 4, 5, 6]); // [2, 3]
 * assert.equal(W.data[1 * 3 + 0], 4); // row 1, column 0
 * ```
 */
export function matrix(rows: number, cols: number, data?: VectorLike): Matrix {
  expectWhole(rows, "rows", "make matrix");
  expectWhole(cols, "cols", "make matrix");
  if (data === undefined) return { rows, cols, data: new Float32Array(rows * cols) };
  const values = toVector(data, "data", "make matrix");
  if (values.length !== rows * cols) {
    throw new RangeError(
      `Cannot make matrix: a ${rows}×${cols} matrix needs ${rows * cols} numbers, data has ${values.length}`,
    );
  }
  return { rows, cols, data: Float32Array.from(values) };
}

/**
 * A matrix from a list of rows, as the lectures write it (`[[1, 2], [3, 4]]` is 2×2).
 *
 * @throws {RangeError} if the rows have different lengths or there are none
 *
 * @example
 * ```ts
 * import { matrixFromRows } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const W = matrixFromRows([[1, 2, 3], [4, 5, 6]]);
 * assert.equal(W.rows, 2);
 * assert.equal(W.cols, 3);
 * ```
 */
export function matrixFromRows(rows: readonly VectorLike[]): Matrix {
  if (rows.length === 0) throw new RangeError("Cannot make matrix from rows: got 0 rows, expected at least 1");
  const cols = rows[0].length;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((row, r) => {
    expectLength(row, cols, `row ${r}`, "make matrix from rows");
    data.set(toVector(row, `row ${r}`, "make matrix from rows"), r * cols);
  });
  return { rows: rows.length, cols, data };
}

/**
 * The rows of `W` as plain number arrays (for printing and JSON).
 *
 * @example
 * ```ts
 * import { matrixFromRows, matrixToRows } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(matrixToRows(matrixFromRows([[1, 2], [3, 4]])), [[1, 2], [3, 4]]);
 * ```
 */
export function matrixToRows(W: Matrix): number[][] {
  return Array.from({ length: W.rows }, (_, r) => Array.from(W.data.subarray(r * W.cols, (r + 1) * W.cols)));
}

/**
 * The matrix-vector product `W·x`: `[rows, cols] · [cols] -> [rows]`.
 *
 * Sums are accumulated in float64 and rounded once to float32 at the end, so the
 * result does not depend on the order of the sum more than float32 rounding does.
 *
 * @throws {RangeError} if `x` does not have `W.cols` entries
 *
 * @example
 * ```ts
 * import { matrixFromRows, matVec } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const W = matrixFromRows([[1, 0, 2], [0, 1, 0]]); // [2, 3]
 * assert.deepEqual([...matVec(W, [1, 2, 3])], [7, 2]); // [2]
 * ```
 */
export function matVec(W: Matrix, x: VectorLike): Float32Array {
  const v = toVector(x, "x", "multiply matrix by vector");
  if (v.length !== W.cols) {
    throw new RangeError(
      `Cannot multiply matrix by vector: W is ${W.rows}×${W.cols}, so x must have length ${W.cols}, but it has length ${v.length}`,
    );
  }
  const out = new Float32Array(W.rows); // [rows]
  for (let r = 0; r < W.rows; r++) {
    const offset = r * W.cols;
    let sum = 0;
    for (let k = 0; k < W.cols; k++) sum += W.data[offset + k] * v[k];
    out[r] = sum;
  }
  return out;
}

/**
 * Stacks vectors end to end: `concat([hPrev, x])` is the `[h_{t-1}, x_t]` the gates read, `[H] ++ [X] -> [H+X]`.
 *
 * @example
 * ```ts
 * import { concat } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const hPrev = [0.1, 0.3, 0.9]; // [H] = [3]
 * const x = [1, 0, 0, 0]; // [X] = [4]
 * assert.deepEqual([...concat([hPrev, x])], [...new Float32Array([0.1, 0.3, 0.9, 1, 0, 0, 0])]); // [7]
 * ```
 */
export function concat(parts: readonly VectorLike[]): Float32Array {
  const vectors = parts.map((p, k) => toVector(p, `part ${k}`, "concatenate vectors"));
  const out = new Float32Array(vectors.reduce((n, v) => n + v.length, 0));
  let offset = 0;
  for (const v of vectors) {
    out.set(v, offset);
    offset += v.length;
  }
  return out;
}

/**
 * Formats a vector the way the lectures print one, `[4 10 18]`, with at most `digits` decimals.
 *
 * Float32 values such as `0.1` are stored as `0.10000000149011612`; printing with a fixed number of
 * significant decimals shows the value a reader means, and trailing zeros are dropped.
 *
 * @example
 * ```ts
 * import { formatVector } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatVector([4, 10, 18]), "[4 10 18]");
 * assert.equal(formatVector(new Float32Array([0.1, 2 / 3])), "[0.1 0.6667]");
 * assert.equal(formatVector([0.5], 2), "[0.5]");
 * ```
 */
export function formatVector(v: VectorLike, digits = 4): string {
  return `[${Array.from(v, (value) => formatNumber(value, digits)).join(" ")}]`;
}

/**
 * Formats one number with at most `digits` decimals, dropping trailing zeros (`0.5000` -> `0.5`, `-0` -> `0`).
 *
 * @example
 * ```ts
 * import { formatNumber } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatNumber(0.7310585975646973), "0.7311");
 * assert.equal(formatNumber(2.5), "2.5");
 * ```
 */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  const fixed = value.toFixed(digits);
  const text = fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
  return text === "-0" ? "0" : text;
}

/**
 * A new zero-filled array of length `n` of the given float type.
 *
 * @example
 * ```ts
 * import { floatArray } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.ok(floatArray("float64", 3) instanceof Float64Array);
 * ```
 */
export function floatArray<D extends DType>(dtype: D, n: number): ArrayOf<D> {
  expectWhole(n, "n", "make float array");
  return (dtype === "float64" ? new Float64Array(n) : new Float32Array(n)) as ArrayOf<D>;
}

/**
 * Returns `x` as an array of the same float type as `like`: `x` itself when it already is one,
 * else a copy. Used where a float64 model must not round its inputs to float32.
 *
 * @throws {TypeError} if `x` is not an array of numbers
 * @throws {RangeError} if `x` holds NaN or ±Infinity
 *
 * @example
 * ```ts
 * import { toFloats } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const x = toFloats([0.1, 0.2], new Float64Array(0), "x", "run LSTM");
 * assert.equal(x[0], 0.1); // float64: not rounded to float32
 * assert.throws(() => toFloats([1, Infinity], new Float32Array(0), "x", "run LSTM"), {
 *   message: "Cannot run LSTM: x[1] is Infinity, expected a finite number",
 * });
 * ```
 */
export function toFloats<F extends FloatArray>(x: VectorLike, like: F, what: string, context: string): F {
  let out: F;
  if (x instanceof like.constructor) out = x as F;
  else if (ArrayBuffer.isView(x)) out = copyOf(like, x);
  else {
    // Not through toVector: that would round a float64 model's inputs to float32.
    if (!Array.isArray(x)) {
      throw new TypeError(`Cannot ${context}: ${what} must be a number[] or float array, got ${describe(x)}`);
    }
    x.forEach((value, k) => {
      if (typeof value !== "number") {
        throw new TypeError(`Cannot ${context}: ${what}[${k}] must be a number, got ${describe(value)}`);
      }
    });
    out = copyOf(like, x);
  }
  expectFinite(out, what, context);
  return out;
}

/**
 * A new array of the same float type as `like`, holding `values` (rounded to that type).
 *
 * @example
 * ```ts
 * import { copyOf } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const v = copyOf(new Float32Array(0), [0.1, 2]);
 * assert.ok(v instanceof Float32Array);
 * assert.equal(v[0], Math.fround(0.1)); // rounded to float32
 * ```
 */
export function copyOf<F extends FloatArray>(like: F, values: ArrayLike<number>): F {
  const out = emptyLike(like, values.length);
  for (let k = 0; k < values.length; k++) out[k] = values[k];
  return out;
}

/**
 * A new zero-filled array of the same float type as `like`, of length `n` (default: `like.length`).
 *
 * @example
 * ```ts
 * import { emptyLike } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(emptyLike(new Float64Array([1, 2]), 3), new Float64Array(3));
 * ```
 */
export function emptyLike<F extends FloatArray>(like: F, n = like.length): F {
  return (like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n)) as F;
}

/**
 * Throws a `RangeError` naming the first entry of `v` that is NaN or ±Infinity.
 *
 * A NaN weight turns every later number into NaN without an error; catching it where it
 * enters says where it came from.
 *
 * @example
 * ```ts
 * import { expectFinite } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => expectFinite([1, NaN], "Wf", "run LSTM"), {
 *   name: "RangeError",
 *   message: "Cannot run LSTM: Wf[1] is NaN, expected a finite number",
 * });
 * ```
 */
export function expectFinite(v: ArrayLike<number>, what: string, context: string): void {
  for (let k = 0; k < v.length; k++) {
    if (!Number.isFinite(v[k])) {
      throw new RangeError(`Cannot ${context}: ${what}[${k}] is ${v[k]}, expected a finite number`);
    }
  }
}

/**
 * Checks that `n` is a whole number in [min, max], the one check behind every count, size, index and seed
 * the library takes.
 *
 * @param n the value given
 * @param what its name in the message (`"hiddenSize"`, `"seed"`)
 * @param context what could not be done, after "Cannot" (`"make dense layer"`)
 * @param min the smallest value allowed (default 0)
 * @param max the largest value allowed (default no limit)
 * @throws {RangeError} `Cannot <context>: <what> must be a whole number >= <min>[ and <= <max>], got <n>`
 *
 * @example
 * ```ts
 * import { expectWhole } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * expectWhole(3, "hiddenSize", "make LSTM", 1); // fine
 * assert.throws(() => expectWhole(2.5, "hiddenSize", "make LSTM", 1), {
 *   name: "RangeError",
 *   message: "Cannot make LSTM: hiddenSize must be a whole number >= 1, got 2.5",
 * });
 * assert.throws(() => expectWhole("3", "k", "pick top-k", 1, 10), /k must be a whole number >= 1 and <= 10, got the string "3"/);
 * ```
 */
export function expectWhole(n: unknown, what: string, context: string, min = 0, max = Infinity): asserts n is number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Infinity ? `>= ${min}` : `>= ${min} and <= ${max}`;
    const got = typeof n === "number" ? String(n) : describe(n);
    throw new RangeError(`Cannot ${context}: ${what} must be a whole number ${range}, got ${got}`);
  }
}

/**
 * A short description of a value for error messages: its type, and its value when short.
 *
 * @example
 * ```ts
 * import { describe } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(describe([1, 2]), "[1, 2]");
 * assert.equal(describe([NaN, "a"]), '[NaN, "a"]'); // NaN as NaN, not JSON's null
 * assert.equal(describe([[1], [2]]), "an array of length 2");
 * assert.equal(describe(new Float64Array(1)), "a Float64Array");
 * ```
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    // A short list of plain values is shown as it is: "[0, 50]" says more than "an array of length 2".
    const plain = value.every((v) => ["number", "string", "boolean"].includes(typeof v));
    return plain && value.length <= 8
      ? `[${value.map((v) => typeof v === "string" ? JSON.stringify(v) : String(v)).join(", ")}]`
      : `an array of length ${value.length}`;
  }
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 20))}`;
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return `${typeof value} ${String(value)}`;
}

/**
 * The matrix product A·B, `[A.rows, B.cols]`, summed in float64 and stored in float32.
 *
 * @throws {RangeError} if A's columns are not B's rows
 */
export function matMul(A: Matrix, B: Matrix): Matrix {
  if (A.cols !== B.rows) {
    throw new RangeError(
      `Cannot multiply matrices: [${A.rows}, ${A.cols}] · [${B.rows}, ${B.cols}], expected ${A.cols} = ${B.rows}`,
    );
  }
  const out = new Float32Array(A.rows * B.cols);
  for (let r = 0; r < A.rows; r++) {
    for (let c = 0; c < B.cols; c++) {
      let s = 0;
      for (let k = 0; k < A.cols; k++) s += A.data[r * A.cols + k] * B.data[k * B.cols + c];
      out[r * B.cols + c] = s;
    }
  }
  return { rows: A.rows, cols: B.cols, data: out };
}

/**
 * The spectral norm ‖A‖₂, the largest factor by which A can stretch a vector (its largest singular
 * value), by power iteration on AᵀA from the all-ones vector, in float64. It is the number that says
 * whether a product of Jacobians makes a gradient vanish or explode (Pascanu, Mikolov & Bengio 2013).
 *
 * @param iterations power-iteration steps (default 200; converges at the ratio of the two largest singular values squared)
 *
 * @example
 * ```ts
 * import { matrix, spectralNorm } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.ok(Math.abs(spectralNorm(matrix(2, 2, [3, 0, 0, -1])) - 3) < 1e-9);
 * ```
 */
export function spectralNorm(A: Matrix, iterations = 200): number {
  let v = new Float64Array(A.cols).fill(1 / Math.sqrt(A.cols));
  let sigma = 0;
  for (let it = 0; it < iterations; it++) {
    const Av = new Float64Array(A.rows);
    for (let r = 0; r < A.rows; r++) for (let k = 0; k < A.cols; k++) Av[r] += A.data[r * A.cols + k] * v[k];
    const AtAv = new Float64Array(A.cols);
    for (let r = 0; r < A.rows; r++) for (let k = 0; k < A.cols; k++) AtAv[k] += A.data[r * A.cols + k] * Av[r];
    const n = Math.hypot(...AtAv);
    sigma = Math.sqrt(n);
    if (n === 0) return 0;
    v = AtAv.map((x) => x / n);
  }
  return sigma;
}
