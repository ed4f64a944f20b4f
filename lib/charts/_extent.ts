/** The range of a list of numbers, for the charts' scales. Private to the library. */

/** [min, max] of the values, by a loop: `Math.min(...values)` overflows the call stack past ~100k values. */
export function extent(values: readonly number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
