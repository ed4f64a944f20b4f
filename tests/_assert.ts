// Float comparisons for the tests: every call states its tolerance.
import { AssertionError } from "node:assert/strict";

/** Asserts |actual - expected| <= tolerance, naming what was compared. */
export function assertClose(actual: number, expected: number, tolerance: number, what = "value"): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new AssertionError({
      message: `${what}: expected ${expected} ± ${tolerance}, got ${actual} (off by ${Math.abs(actual - expected)})`,
    });
  }
}

/** Asserts two vectors have the same length and agree entry by entry within `tolerance`. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what = "vector",
): void {
  if (actual.length !== expected.length) {
    throw new AssertionError({ message: `${what}: expected length ${expected.length}, got ${actual.length}` });
  }
  for (let k = 0; k < actual.length; k++) assertClose(actual[k], expected[k], tolerance, `${what}[${k}]`);
}
