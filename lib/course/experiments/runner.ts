/**
 * Performing one of notebook 09's runs: a fresh word model trained on a run's share of the training split,
 * its validation perplexity measured as it goes and at the end.
 *
 * Needs `initTfjs` first.
 *
 * @module
 */

import {
  disposeWordLM,
  evaluateWordLM,
  initWordLM,
  trainWordLM,
  type WordLMConfig,
  wordLMParamCounts,
  type WordLMValidation,
} from "../../engine/wordlm.ts";
import type { RunSpec } from "./configs.ts";

/**
 * `n` tokens of a stream taken as `parts` equal stretches spread evenly over it. The Brown corpus
 * is stored genre by genre (news first, fiction last), so the first n tokens would be news alone;
 * stretches from everywhere keep every genre in a smaller training set.
 *
 * @example
 * ```ts
 * import { spreadSlice } from "@course/lib/course/experiments.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = Int32Array.from({ length: 20 }, (_, t) => t);
 * assert.deepEqual([...spreadSlice(ids, 6, 3)], [0, 1, 6, 7, 13, 14]); // 3 stretches of 2, starting at 0, 20/3 and 40/3
 * ```
 */
export function spreadSlice(ids: Int32Array, n: number, parts = 32): Int32Array {
  if (!Number.isInteger(n) || n < parts || n > ids.length) {
    throw new RangeError(`Cannot take ${n} tokens in ${parts} stretches from a stream of ${ids.length}`);
  }
  const out = new Int32Array(n);
  let filled = 0;
  for (let k = 0; k < parts; k++) {
    const length = Math.floor((n * (k + 1)) / parts) - Math.floor((n * k) / parts);
    const start = Math.floor((ids.length * k) / parts);
    out.set(ids.subarray(start, start + length), filled);
    filled += length;
  }
  return out;
}

/** A point of a run's validation curve. */
export interface CurvePoint {
  readonly tokens: number;
  readonly seconds: number;
  /** Passes over the run's training data so far. */
  readonly epoch: number;
  readonly validPerplexity: number;
  readonly trainPerplexity: number;
}

/** What {@linkcode performRun} measures. */
export interface RunResult extends RunSpec {
  /** The seed of the initial weights, the dropout masks and the rows' offsets. */
  readonly seed: number;
  readonly parameters: number;
  readonly curve: CurvePoint[];
  readonly tokens: number;
  readonly seconds: number;
  readonly tokensPerSecond: number;
  readonly finalValidPerplexity: number;
  readonly finalValidTokens: number;
}

/**
 * Trains a fresh model as `spec` says, from `seed`, on `train` (its first `trainTokens`, spread over
 * it), measuring perplexity every `validEvery` tokens on `curveValidTokens` of `valid` spread over it
 * ({@linkcode spreadSlice}, one stretch per row: every genre in the sample) and, at the end, on its
 * first `finalValidTokens`.
 */
export async function performRun(
  spec: RunSpec,
  data: { train: Int32Array; valid: Int32Array; vocabularySize: number },
  onValidation?: (v: WordLMValidation) => void | Promise<void>,
  seed = 0,
): Promise<RunResult> {
  const train = spec.trainTokens ? spreadSlice(data.train, spec.trainTokens) : data.train;
  const config: WordLMConfig = { vocabularySize: data.vocabularySize, ...spec.config, seed };
  const model = initWordLM(config);
  const B = spec.options.batchSize ?? 32;
  const history = await trainWordLM(model, train, {
    epochs: 1000, // the token budget ends training
    ...spec.options,
    seed,
    maxTokens: spec.budgetTokens,
    validation: { ids: spreadSlice(data.valid, spec.curveValidTokens, B), every: spec.validEvery },
    onValidation,
  });
  const final = evaluateWordLM(model, data.valid, {
    maxTokens: Math.min(spec.finalValidTokens, data.valid.length - 1),
    batchSize: B,
    seqLength: spec.options.seqLength,
    carryState: spec.options.carryState,
  });
  disposeWordLM(model);
  return {
    ...spec,
    seed,
    parameters: wordLMParamCounts(config).total,
    curve: history.validations.map((v) => ({
      tokens: v.tokens,
      seconds: v.seconds,
      epoch: v.tokens / (train.length - 1),
      validPerplexity: v.perplexity,
      trainPerplexity: v.trainPerplexity,
    })),
    tokens: history.tokens,
    seconds: history.seconds,
    tokensPerSecond: history.tokens / history.seconds,
    finalValidPerplexity: final.perplexity,
    finalValidTokens: final.tokens,
  };
}
