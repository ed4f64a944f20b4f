/**
 * A run over its seeds: the mean of its results, how far its seeds spread, whether another run differs from
 * it by more than they do, its curve read between measured points, and those figures as text.
 *
 * @module
 */

import type { CurvePoint, RunResult } from "./runner.ts";

/**
 * A run over its seeds, as data/results/experiments.json holds it: every figure of
 * {@linkcode RunResult} but the seed is the mean over the seeds (the curve point by point), `seeds` holds each
 * seed's own result, and `finalRange` the lowest and highest final validation perplexity among them.
 */
export interface SeededRun extends Omit<RunResult, "seed"> {
  readonly seeds: readonly RunResult[];
  readonly finalRange: readonly [number, number];
  readonly curveRange: readonly { readonly low: number; readonly high: number }[];
}

/**
 * The mean of one run's results over its seeds ({@linkcode SeededRun}).
 *
 * @throws {RangeError} if `results` is empty, or mixes runs, or their curves differ in length
 */
export function combineSeeds(results: readonly RunResult[]): SeededRun {
  if (results.length === 0) throw new RangeError("Cannot combine seeds: no results");
  const [first] = results;
  for (const r of results) {
    if (r.id !== first.id || r.curve.length !== first.curve.length) {
      throw new RangeError(
        `Cannot combine seeds: expected results of ${first.id} with ${first.curve.length} curve points, got ${r.id} with ${r.curve.length}`,
      );
    }
  }
  const mean = (f: (r: RunResult) => number) => results.reduce((a, r) => a + f(r), 0) / results.length;
  const finals = results.map((r) => r.finalValidPerplexity);
  const { seed: _seed, ...spec } = first;
  return {
    ...spec,
    curve: first.curve.map((p, k) => ({
      tokens: p.tokens,
      epoch: p.epoch,
      seconds: mean((r) => r.curve[k].seconds),
      validPerplexity: mean((r) => r.curve[k].validPerplexity),
      trainPerplexity: mean((r) => r.curve[k].trainPerplexity),
    })),
    curveRange: first.curve.map((_, k) => {
      const v = results.map((r) => r.curve[k].validPerplexity);
      return { low: Math.min(...v), high: Math.max(...v) };
    }),
    tokens: mean((r) => r.tokens),
    seconds: mean((r) => r.seconds),
    tokensPerSecond: mean((r) => r.tokensPerSecond),
    finalValidPerplexity: mean((r) => r.finalValidPerplexity),
    finalRange: [Math.min(...finals), Math.max(...finals)],
    seeds: results,
  };
}

/**
 * Whether a run differs from its reference by more than the seeds do: "better" or "worse" when the
 * two ranges of final validation perplexity over the seeds do not overlap, "within the seed band"
 * when they do (the course calls only the first two a real difference).
 */
export function seedVerdict(run: SeededRun, reference: SeededRun): "better" | "worse" | "within the seed band" {
  if (run.finalRange[1] < reference.finalRange[0]) return "better";
  if (run.finalRange[0] > reference.finalRange[1]) return "worse";
  return "within the seed band";
}

/**
 * A run's validation perplexity on its curve's sample where `key` (training tokens, seconds, or updates, that is
 * tokens ÷ (B·T)) reaches `at`: log-linear between the two measured points around it, `undefined` outside the
 * measured range (before the first point or after the last).
 */
export function curveAt(
  run: RunResult | SeededRun,
  key: "tokens" | "seconds" | "updates",
  at: number,
): number | undefined {
  const perUpdate = run.options.batchSize! * run.options.seqLength!;
  const x = (p: CurvePoint) => key === "updates" ? p.tokens / perUpdate : p[key];
  const c = run.curve;
  const k = c.findIndex((p) => x(p) >= at - 1e-9);
  if (k < 0 || (k === 0 && x(c[0]) > at + 1e-9)) return undefined;
  if (k === 0 || x(c[k]) <= at + 1e-9) return c[k].validPerplexity;
  const [a, b] = [c[k - 1], c[k]], f = (at - x(a)) / (x(b) - x(a));
  return Math.exp((1 - f) * Math.log(a.validPerplexity) + f * Math.log(b.validPerplexity));
}

/** A relative change as a signed percentage with one decimal: "−3.2 %" (better) or "+1.0 %" (worse). */
export function signedChange(change: number): string {
  return `${change < 0 ? "−" : "+"}${Math.abs(100 * change).toFixed(1)} %`;
}

/** A run's lowest and highest seed, "127.9–129.4". */
export function seedRange(run: SeededRun): string {
  return `${run.finalRange[0].toFixed(1)}–${run.finalRange[1].toFixed(1)}`;
}
