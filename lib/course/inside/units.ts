/**
 * Statistics over the units of a traced LSTM, as Karpathy, Johnson & Fei-Fei (2015, "Visualizing and
 * Understanding Recurrent Networks") used them to read a trained network: how often each gate is saturated,
 * which cells track something a reader can name (checked on a second text and against control networks), and
 * which units move most over a stretch of text.
 *
 * @module
 */

import { describe } from "../../core/tensor.ts";
import type { Span } from "./passages.ts";

/** Per unit, the fraction of steps a gate spends near each end. */
export interface Saturation {
  /** Fraction of steps with value < `low` ("left-saturated": the gate is nearly shut), `[H]`. */
  readonly left: Float64Array;
  /** Fraction of steps with value > `high` ("right-saturated": nearly wide open), `[H]`. */
  readonly right: Float64Array;
}

/**
 * How often each unit's gate is saturated, as in Karpathy et al. (2015), figure 3, which plots `left`
 * across and `right` up: a unit at the top left (`right` near 1) is a gate that is nearly always open,
 * one near the diagonal left + right = 1 is an on/off switch, one at the origin works in its middle range.
 *
 * @param values a gate over T steps, `[T][H]` (for example `trace.f`)
 * @param thresholds `low` (default 0.1) and `high` (default 0.9)
 * @throws {RangeError} if `values` is empty or ragged
 */
export function saturation(
  values: readonly ArrayLike<number>[],
  thresholds: { low?: number; high?: number } = {},
): Saturation {
  const { low = 0.1, high = 0.9 } = thresholds;
  const H = checkSteps(values, "measure saturation");
  const left = new Float64Array(H), right = new Float64Array(H);
  for (const v of values) {
    for (let k = 0; k < H; k++) {
      if (v[k] < low) left[k]++;
      else if (v[k] > high) right[k]++;
    }
  }
  for (let k = 0; k < H; k++) {
    left[k] /= values.length;
    right[k] /= values.length;
  }
  return { left, right };
}

/**
 * Pearson's correlation of each unit with a feature over the same T steps, `[H]`. For a 0/1 feature
 * it is the point-biserial correlation: how cleanly the unit separates the steps where the feature
 * holds. A unit that never changes gets 0.
 *
 * @param values a unit's values over T steps, `[T][H]` (for example `trace.tanhC`)
 * @param feature one number per step, `[T]`
 * @throws {RangeError} if the lengths differ or the feature is constant (nothing to track)
 */
export function correlations(values: readonly ArrayLike<number>[], feature: ArrayLike<number>): Float64Array {
  const context = "correlate units with a feature";
  const H = checkSteps(values, context);
  const T = values.length;
  if (feature.length !== T) {
    throw new RangeError(`Cannot ${context}: feature has length ${feature.length}, expected ${T} (one per step)`);
  }
  let mf = 0;
  for (let t = 0; t < T; t++) mf += feature[t];
  mf /= T;
  let sff = 0;
  for (let t = 0; t < T; t++) sff += (feature[t] - mf) ** 2;
  if (!(sff > 0)) throw new RangeError(`Cannot ${context}: the feature has the same value at all ${T} steps`);
  const mean = new Float64Array(H), sxx = new Float64Array(H), sxf = new Float64Array(H);
  for (const v of values) for (let k = 0; k < H; k++) mean[k] += v[k];
  for (let k = 0; k < H; k++) mean[k] /= T;
  for (let t = 0; t < T; t++) {
    const v = values[t], df = feature[t] - mf;
    for (let k = 0; k < H; k++) {
      const dx = v[k] - mean[k];
      sxx[k] += dx * dx;
      sxf[k] += dx * df;
    }
  }
  return Float64Array.from(mean, (_, k) => (sxx[k] > 0 ? sxf[k] / Math.sqrt(sxx[k] * sff) : 0));
}

/**
 * One unit's values over a stretch of steps: `values[from][unit]` … `values[to - 1][unit]`, `[to - from]`.
 *
 * @param values `[T][H]`, for example `trace.tanhC`
 * @throws {RangeError} if `unit` is not in [0, H) or the stretch is not inside [0, T]
 */
export function unitValues(
  values: readonly ArrayLike<number>[],
  unit: number,
  from = 0,
  to = values.length,
): Float32Array {
  const context = "read unit values";
  const H = checkSteps(values, context);
  if (!Number.isInteger(unit) || unit < 0 || unit >= H) {
    throw new RangeError(`Cannot ${context}: unit is ${unit}, expected a whole number in [0, ${H})`);
  }
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= values.length)) {
    throw new RangeError(`Cannot ${context}: steps [${from}, ${to}) are not inside [0, ${values.length})`);
  }
  return Float32Array.from({ length: to - from }, (_, t) => values[from + t][unit]);
}

/** The index of the largest |r|, and r there. */
export function strongest(r: ArrayLike<number>): { unit: number; r: number } {
  let unit = 0;
  for (let k = 1; k < r.length; k++) if (Math.abs(r[k]) > Math.abs(r[unit])) unit = k;
  return { unit, r: r[unit] };
}

/** What {@linkcode searchUnits} found for one feature. */
export interface UnitSearch {
  /** The unit with the largest |r| on the search text. */
  readonly unit: number;
  /** Every unit's r on the search text, `[H]`. */
  readonly rSearch: Float64Array;
  /** Every unit's r on the evidence text, `[H]`. */
  readonly rEvidence: Float64Array;
  /** For each control network, every unit's r on the evidence text, `[C][H]`. */
  readonly rControls: readonly Float64Array[];
  /** For each control network, its best unit, picked on the evidence text itself (which flatters it). */
  readonly controlBests: readonly { unit: number; r: number }[];
  /**
   * Whether the find counts as learned: |r| above 0.4 on the evidence text, and at least 1.5 times the
   * best |r| of every control. The thresholds are the course's choice, stated so that they can be argued with.
   */
  readonly learned: boolean;
}

/**
 * Searches the units for one that follows a feature, with two checks against fooling ourselves:
 * the best unit is picked on one text and judged on another (a best-of-H pick looks good on its own
 * text partly by luck), and compared with control networks that learned nothing, whose best units
 * show what a cell follows for free. Notebook 10 uses two kinds: an untrained network (a random-encoder
 * baseline, as in Zhang & Bowman 2018, "Language Modeling Teaches You More than Translation Does"),
 * and untrained LSTMs (three seeds) fed the trained word vectors, which isolates what the LSTM learned from what
 * its inputs already say (the spirit of the control tasks of Hewitt & Liang 2019).
 *
 * @param feature the feature on the search text `[T]` and on the evidence text `[T']`
 * @param values unit values (e.g. `trace.tanhC`): the trained network on the search text `[T][H]` and on
 *   the evidence text `[T'][H]`, and each control network on the evidence text `[C][T'][H]`
 */
export function searchUnits(
  feature: { search: ArrayLike<number>; evidence: ArrayLike<number> },
  values: {
    search: readonly ArrayLike<number>[];
    evidence: readonly ArrayLike<number>[];
    controls: readonly (readonly ArrayLike<number>[])[];
  },
): UnitSearch {
  const rSearch = correlations(values.search, feature.search);
  const unit = strongest(rSearch).unit;
  const rEvidence = correlations(values.evidence, feature.evidence);
  const rControls = values.controls.map((control) => correlations(control, feature.evidence));
  const controlBests = rControls.map(strongest);
  const held = Math.abs(rEvidence[unit]);
  const learned = held > 0.4 && controlBests.every((best) => held >= 1.5 * Math.abs(best.r));
  return { unit, rSearch, rEvidence, rControls, controlBests, learned };
}

/**
 * The runner-up of a search: the unit with the largest |r| on the evidence text other than the one the
 * search text picked, and its r (one cell rarely holds a feature alone).
 */
export function runnerUp(find: Pick<UnitSearch, "unit" | "rEvidence">): { unit: number; r: number } {
  return strongest(find.rEvidence.map((r, k) => (k === find.unit ? 0 : r)));
}

function checkSteps(values: readonly ArrayLike<number>[], context: string): number {
  if (!Array.isArray(values) || values.length === 0) {
    throw new RangeError(`Cannot ${context}: got ${describe(values)}, expected a non-empty list of steps [T][H]`);
  }
  const H = values[0].length;
  values.forEach((v, t) => {
    if (v.length !== H) throw new RangeError(`Cannot ${context}: step ${t} has length ${v.length}, expected ${H}`);
  });
  return H;
}

/** The strongest control for a find: which control network, its best unit and that unit's r. */
export function strongestControl(find: Pick<UnitSearch, "controlBests">): { network: number; unit: number; r: number } {
  if (find.controlBests.length === 0) throw new RangeError("Cannot pick the strongest control: the search had none");
  const c = find.controlBests.reduce(
    (best, b, k) => (Math.abs(b.r) > Math.abs(find.controlBests[best].r) ? k : best),
    0,
  );
  return { network: c, unit: find.controlBests[c].unit, r: find.controlBests[c].r };
}

/**
 * The `count` units whose gates move most over a span: the sum, over the gates, of each unit's
 * variance over the span's steps; units in `skip` are left out.
 *
 * @param gates the gates to add up, each `[T][H]` (e.g. `[trace.f, trace.i, trace.o]`)
 */
export function mostMovingUnits(
  gates: readonly (readonly ArrayLike<number>[])[],
  span: Span,
  count: number,
  skip: readonly number[] = [],
): number[] {
  const H = checkSteps(gates[0] ?? [], "rank moving units");
  const movement = Array.from({ length: H }, (_, k) => {
    let total = 0;
    for (const g of gates) {
      const v = unitValues(g, k, span.from, span.to);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      total += v.reduce((a, b) => a + (b - mean) ** 2, 0);
    }
    return { k, total };
  });
  return movement.filter((d) => !skip.includes(d.k)).sort((a, b) => b.total - a.total).slice(0, count).map((d) => d.k);
}
