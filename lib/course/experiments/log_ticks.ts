/**
 * Round tick values for a log axis whose range is too narrow for Plot's own ticks (notebook 09's curves).
 *
 * @module
 */

/**
 * Round numbers inside [lo, hi] for a log axis whose range is too narrow for Plot's own ticks: equal
 * steps of 1, 2, 2.5 or 5 times a power of ten (at most 8 ticks) when hi is under 2.5 times lo, and
 * otherwise the round numbers a log axis spreads evenly (1, 1.5, 2, 3, 5, 7 times a power of ten,
 * fewer if more than 8 fall inside).
 *
 * @example
 * ```ts
 * import { roundTicks } from "@course/lib/course/experiments/log_ticks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(roundTicks([122, 215]), [140, 160, 180, 200]);
 * assert.deepEqual(roundTicks([122, 720]), [150, 200, 300, 500, 700]);
 * ```
 */
export function roundTicks([lo, hi]: readonly number[]): number[] {
  if (hi < 2.5 * lo) {
    for (const magnitude of [0.1, 1, 10, 100, 1_000]) {
      for (const step of [1, 2, 2.5, 5].map((m) => m * magnitude)) {
        const ticks: number[] = [];
        for (let k = Math.ceil(lo / step); k * step <= hi; k++) ticks.push(Number((k * step).toPrecision(12)));
        if (ticks.length <= 8) return ticks;
      }
    }
  }
  for (const mantissas of [[1, 1.5, 2, 3, 5, 7], [1, 2, 5], [1]]) {
    const ticks: number[] = [];
    for (let p = Math.floor(Math.log10(lo)); 10 ** p <= hi; p++) {
      for (const m of mantissas) if (m * 10 ** p >= lo && m * 10 ** p <= hi) ticks.push(m * 10 ** p);
    }
    if (ticks.length <= 8) return ticks;
  }
  return [lo, hi];
}
