// Weights stored in float16 (a saved word model, files.ts): what the rounding keeps, and what it cannot.
//
// float16 (IEEE 754 binary16) keeps 11 significant bits from its smallest normal value, 2⁻¹⁴ ≈ 6.1e-5,
// to its largest finite value, 65504: rounding to nearest there moves a weight by at most 2⁻¹¹ ≈ 0.05 %
// of itself. Below 2⁻¹⁴ the subnormals are spaced 2⁻²⁴ ≈ 6.0e-8 apart, so the error is absolute, up
// to 2⁻²⁵ ≈ 3.0e-8, and a weight under that becomes 0. From 65520 up a weight rounds to ±Infinity.

/** float16's largest finite value. */
const FLOAT16_MAX = 65504;

/** float16's smallest normal value, 2⁻¹⁴ ≈ 6.1e-5: the relative bound 2⁻¹¹ holds from here up. */
const FLOAT16_MIN_NORMAL = 2 ** -14;

/** What rounding weights to float16 did beyond the relative bound 2⁻¹¹. */
export interface Float16Report {
  /** Weights beyond ±65504 set to ±65504 (only with `clamp`; without, saving refuses them). */
  readonly clamped: number;
  /** Nonzero weights below 2⁻¹⁴ in size: kept to within 2⁻²⁵ ≈ 3.0e-8, not to 2⁻¹¹ of themselves. */
  readonly belowNormal: number;
  /** Of those, the ones below 2⁻²⁵ that became 0. */
  readonly zeroed: number;
}

/** The index of the first NaN or ±Infinity in `values`, or −1 if every entry is finite. */
export function firstNonFinite(values: Float32Array): number {
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) return k;
  return -1;
}

/**
 * `values` (finite) rounded to float16, to nearest, with what the rounding did: weights too large for
 * float16 refused, or with `clamp` set to ±65504 and counted; weights below its normal range counted.
 * `name` names the weights in the error.
 *
 * @throws {RangeError} naming the first weight that would become ±Infinity, unless `clamp`
 *
 * @example
 * ```ts
 * import { toFloat16 } from "@course/lib/engine/wordlm/float16.ts";
 * import assert from "node:assert/strict";
 *
 * const { half, report } = toFloat16(Float32Array.from([1, 1e-8, 1e-5, 70000]), "w", true);
 * assert.deepEqual([...half], [1, 0, 0.000010013580322265625, 65504]);
 * assert.deepEqual(report, { clamped: 1, belowNormal: 2, zeroed: 1 });
 * assert.throws(() => toFloat16(Float32Array.from([70000]), "w", false), /w\[0\] is 70000/);
 * ```
 */
export function toFloat16(
  values: Float32Array,
  name: string,
  clamp: boolean,
): { half: Float16Array; report: Float16Report } {
  const half = Float16Array.from(values);
  let clamped = 0, belowNormal = 0, zeroed = 0;
  for (let k = 0; k < values.length; k++) {
    const x = values[k], size = Math.abs(x);
    if (size >= FLOAT16_MIN_NORMAL) {
      if (size <= FLOAT16_MAX || Number.isFinite(half[k])) continue; // up to 65520 rounds to 65504
      if (!clamp) {
        throw new RangeError(
          `Cannot save in float16: ${name}[${k}] is ${x}, beyond float16's largest value ${FLOAT16_MAX} (it would ` +
            `load as ${
              x > 0 ? "" : "-"
            }Infinity); save in float32, or pass clampFloat16: true to clamp and count such weights`,
        );
      }
      half[k] = Math.sign(x) * FLOAT16_MAX;
      clamped++;
    } else if (x !== 0) {
      belowNormal++;
      if (half[k] === 0) zeroed++;
    }
  }
  return { half, report: { clamped, belowNormal, zeroed } };
}
