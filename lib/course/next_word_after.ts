/**
 * What a word model predicts right after one word, averaged over a text: notebook 08's test of why
 * greedy text writes "the the". If reading a word pushed the model towards that same word (an echo,
 * which tied embeddings could cause: the output layer scores a word with the very vector that read it),
 * P(the | … the) would stand above P(the | … a) and P(the | … his), which the text never continues with
 * *the* either. If it does not, "the the" comes from how flat the choice after a determiner is, where
 * greedy's one likeliest word can be the commonest word of the language (Holtzman et al. 2020,
 * "The Curious Case of Neural Text Degeneration").
 *
 * @module
 */

import type { LSTMTrace } from "../core/lstm.ts";
import { nextWordProbabilities, type WordLSTM } from "./inside.ts";

/** What {@linkcode nextWordAfter} returns: the model's next-word predictions at every place one word was read. */
export interface NextWordAfter {
  /** How many times the word was read in the text (its last token not counted: nothing follows it). */
  readonly positions: number;
  /** The mean over those places of P(w | everything read so far), for every word w, `[V]`. */
  readonly meanProbs: Float64Array;
  /** For every word w, at how many of those places it was the single likeliest (`excluded` words aside): where greedy would write it, `[V]`. */
  readonly likeliest: Int32Array;
  /** The mean probability of the likeliest word there (`excluded` words aside): how sure the model is of anything. */
  readonly meanTopP: number;
}

/**
 * At every t where `ids[t]` is `previous`, the model's distribution for token t + 1 (from `trace.h[t]`),
 * summed up over those places.
 *
 * @param trace {@linkcode traceWords}'s trace of `ids`, run from the text's first token
 * @param excluded ids never counted as the likeliest word: the course's greedy text never writes `<unk>`
 * @throws {RangeError} if the trace does not cover `ids`, or `previous` or an excluded id is not an id of the model
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/engine/tfjs.ts";
 * import { initWordLM } from "@course/lib/engine/wordlm.ts";
 * import { traceWords, wordLSTM } from "@course/lib/course/inside.ts";
 * import { nextWordAfter } from "@course/lib/course/next_word_after.ts";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * const net = wordLSTM(initWordLM({ vocabularySize: 6, embeddingSize: 3, hiddenSize: 3, seed: 1 }));
 * const ids = [1, 2, 1, 2, 1];
 * const after = nextWordAfter(net, traceWords(net, ids), ids, 1);
 * assert.equal(after.positions, 2); // the last 1 has nothing after it
 * assert.ok(Math.abs(after.meanProbs.reduce((a, b) => a + b) - 1) < 1e-6); // a distribution (float32 sums: 1e-6)
 * assert.equal(after.likeliest.reduce((a, b) => a + b), 2); // one likeliest word per place
 * ```
 */
export function nextWordAfter(
  net: WordLSTM,
  trace: LSTMTrace,
  ids: ArrayLike<number>,
  previous: number,
  excluded: readonly number[] = [],
): NextWordAfter {
  const V = net.output.rows;
  const named: [string, number][] = [
    ["previous", previous],
    ...excluded.map((e) => ["excluded", e] as [string, number]),
  ];
  for (const [name, id] of named) {
    if (!Number.isInteger(id) || id < 0 || id >= V) {
      throw new RangeError(`Cannot average next-word predictions: ${name} is ${id}, expected a word id in [0, ${V})`);
    }
  }
  if (trace.steps !== ids.length) {
    throw new RangeError(
      `Cannot average next-word predictions: the trace has ${trace.steps} steps, expected one per id (${ids.length})`,
    );
  }
  let positions = 0, sumTop = 0;
  const sums = new Float64Array(V), likeliest = new Int32Array(V);
  for (let t = 0; t + 1 < ids.length; t++) {
    if (ids[t] !== previous) continue;
    const p = nextWordProbabilities(net, trace.h[t]);
    let top = -1;
    for (let w = 0; w < V; w++) {
      sums[w] += p[w];
      if (!excluded.includes(w) && (top < 0 || p[w] > p[top])) top = w;
    }
    positions++;
    sumTop += p[top];
    likeliest[top]++;
  }
  return {
    positions,
    meanProbs: sums.map((x) => positions ? x / positions : 0),
    likeliest,
    meanTopP: positions ? sumTop / positions : 0,
  };
}
