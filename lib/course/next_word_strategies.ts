/**
 * Prefixes or a stream (notebook 07): what each strategy costs in LSTM steps, and what each learns
 * from the same text for the same work. The prefix strategy is the lecture's model of
 * `lib/engine/prefix_model.ts`, bucketed by length so that nothing is padded; the stream is `lib/engine/wordlm.ts`.
 *
 * Needs `initTfjs` first, like `lib/engine/prefix_model.ts`; import `@course/lib/course/next_word_strategies.ts`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { checkIds } from "../text/corpus.ts";
import { buildModel, PREFIX_CLIP_NORM, prefixStep } from "../engine/prefix_model.ts";
import { seededRng, shuffle } from "../core/random.ts";
import { batchesOf } from "../core/train_loop.ts";
import { trainBatches } from "../engine/train_loop.ts";
import { disposeWordLM, evaluateWordLM, initWordLM, trainWordLM } from "../engine/wordlm.ts";
import { expectWhole } from "../core/tensor.ts";

/** The id of `<eos>` in the course's vocabularies (`lib/text/corpus.ts`). */
const EOS_ID = 1;

/**
 * LSTM steps ("token-steps") one pass over sentences costs with each strategy. A sentence of n tokens
 * is read after the `<eos>` that ends the one before it and gives n + 1 predictions (its tokens, then
 * its own `<eos>`). Streaming reads each token once: n + 1 steps. Every prefix as an example reads
 * 1 + 2 + … + (n + 1) = (n + 1)(n + 2)/2 steps even when no prefix is padded (perfect bucketing by
 * length), and (n + 1)·W when every prefix is padded to the longest, W.
 *
 * @param lengths tokens per sentence, without `<eos>`
 *
 * @example
 * ```ts
 * import { strategyTokenSteps } from "@course/lib/course/next_word_strategies.ts";
 * import assert from "node:assert/strict";
 *
 * // "the jury said ." and "it did .": 5 and 4 predictions.
 * assert.deepEqual(strategyTokenSteps([4, 3]), {
 *   predictions: 9, streaming: 9, everyPrefix: 15 + 10, padded: 9 * 5, width: 5,
 * });
 * ```
 */
export function strategyTokenSteps(lengths: readonly number[]): {
  predictions: number;
  streaming: number;
  everyPrefix: number;
  padded: number;
  width: number;
} {
  let predictions = 0, everyPrefix = 0, width = 0;
  lengths.forEach((n, k) => {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`Cannot count token-steps: sentence ${k} has length ${n}, expected a whole number >= 0`);
    }
    predictions += n + 1;
    everyPrefix += (n + 1) * (n + 2) / 2;
    width = Math.max(width, n + 1);
  });
  return { predictions, streaming: predictions, everyPrefix, padded: predictions * width, width };
}

/**
 * Every prefix of a stream of ids and the token after it, grouped by the prefix's length: the context
 * of position p is its sentence so far, from the `<eos>` before it (an `<eos>` is put in front of the
 * stream's first sentence, as the stream's previous sentence would have ended with one).
 */
function prefixesByLength(ids: Int32Array): Map<number, number[]> {
  const byLength = new Map<number, number[]>(); // length → positions p (predict ids[p] from its context)
  let start = -1; // where the current context starts; −1: the virtual <eos>
  for (let p = 0; p < ids.length; p++) {
    const length = p - start;
    const positions = byLength.get(length);
    if (positions) positions.push(p);
    else byLength.set(length, [p]);
    if (ids[p] === EOS_ID) start = p;
  }
  return byLength;
}

/** The context of position p, `[length]` ids ending just before p, the virtual `<eos>` in front if needed. */
function contextOf(ids: Int32Array, p: number, length: number, into: Int32Array, at: number): void {
  const from = p - length;
  if (from < 0) {
    into[at] = EOS_ID;
    into.set(ids.subarray(0, p), at + 1);
  } else {
    into.set(ids.subarray(from, p), at);
  }
}

/** What one strategy's training cost. */
export interface StrategyTraining {
  /** LSTM steps, summed over the rows of every batch. */
  readonly tokenSteps: number;
  /** Next-word predictions trained on (each a term of the loss). */
  readonly predictions: number;
  /** Optimizer steps. */
  readonly updates: number;
  /** Passes over the training text (predictions / the text's tokens). */
  readonly passes: number;
  readonly seconds: number;
}

/**
 * Trains a prefix model (Embedding → LSTM, last step → Dense) on every prefix of a stream of ids,
 * bucketed by length so that no prefix is padded: batches of `batchSize` prefixes of one length, in a
 * shuffled order, for `maxTokenSteps` LSTM steps (the batch that reaches the budget is the last), each
 * pass over the text through the engine's loop (`trainBatches`, `lib/engine/train_loop.ts`).
 *
 * @throws {DivergenceError} (`lib/engine/train_loop.ts`) at the first batch whose loss or gradient is not finite
 */
export async function trainEveryPrefix(
  net: tf.Sequential,
  ids: Int32Array,
  options: { maxTokenSteps: number; batchSize?: number; learningRate?: number; seed?: number },
): Promise<StrategyTraining> {
  const { maxTokenSteps, batchSize = 32, learningRate = 0.01, seed = 0 } = options;
  const V = (net.layers[0].getConfig() as { inputDim: number }).inputDim;
  checkIds(ids, V, "train on every prefix");
  for (const [name, v] of [["maxTokenSteps", maxTokenSteps], ["batchSize", batchSize]] as const) {
    expectWhole(v, name, "train on every prefix", 1);
  }
  const byLength = prefixesByLength(ids);
  const optimizer = tf.train.adam(learningRate);
  const variables = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = seededRng(seed);
  let tokenSteps = 0, predictions = 0, updates = 0;
  const started = performance.now();
  try {
    for (let pass = 1; tokenSteps < maxTokenSteps; pass++) {
      const batches: { length: number; positions: number[] }[] = [];
      for (const [length, positions] of byLength) {
        for (const batch of batchesOf(shuffle(positions, rng), batchSize)) batches.push({ length, positions: batch });
      }
      const run = await trainBatches(shuffle(batches, rng), {
        epoch: pass,
        clipNorm: PREFIX_CLIP_NORM,
        stepsBefore: updates,
        step: ({ length, positions }) => {
          const x = new Int32Array(positions.length * length);
          positions.forEach((p, b) => contextOf(ids, p, length, x, b * length));
          const y = Int32Array.from(positions, (p) => ids[p]);
          return { ...prefixStep(net, variables, optimizer, x, y, V), learningRate };
        },
        progress: ({ length, positions }) => {
          tokenSteps += positions.length * length;
          predictions += positions.length;
        },
        done: () => `after ${tokenSteps.toLocaleString("en-US")} token-steps`,
        until: () => tokenSteps >= maxTokenSteps, // the batch that reaches the budget is the last
      });
      updates = run.steps;
      await Promise.resolve();
    }
  } finally {
    optimizer.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  return { tokenSteps, predictions, updates, passes: predictions / ids.length, seconds };
}

/**
 * A prefix model's next-word log-probability and top-1 hit at every position of a stream of ids, each
 * predicted from its sentence so far (as {@linkcode trainEveryPrefix} trained it), with no padding.
 */
export function scoreEveryPrefix(
  net: tf.Sequential,
  ids: Int32Array,
  batchSize = 256,
): { logProbs: Float64Array; hits: Uint8Array } {
  const logProbs = new Float64Array(ids.length), hits = new Uint8Array(ids.length);
  for (const [length, positions] of prefixesByLength(ids)) {
    for (let k = 0; k < positions.length; k += batchSize) {
      const batch = positions.slice(k, k + batchSize);
      const x = new Int32Array(batch.length * length);
      batch.forEach((p, b) => contextOf(ids, p, length, x, b * length));
      const labels = Int32Array.from(batch, (p) => ids[p]);
      const [lp, best] = tf.tidy(() => {
        const logits = net.apply(tf.tensor2d(x, [batch.length, length], "int32")) as tf.Tensor2D;
        const logSoftmax = tf.logSoftmax(logits);
        const picked = tf.sum(tf.mul(logSoftmax, tf.oneHot(tf.tensor1d(labels, "int32"), logits.shape[1])), 1);
        return [picked.dataSync(), tf.argMax(logits, 1).dataSync()];
      });
      batch.forEach((p, b) => {
        logProbs[p] = lp[b];
        hits[p] = best[b] === labels[b] ? 1 : 0;
      });
    }
  }
  return { logProbs, hits };
}

/** One strategy's row of {@linkcode compareStrategies}: its training cost and its score on held-out text. */
export interface StrategyResult extends StrategyTraining {
  readonly strategy: "every prefix" | "streaming";
  /** exp(mean cross-entropy) on the held-out tokens scored. */
  readonly perplexity: number;
  /** How often the most probable word was the next one. */
  readonly accuracy: number;
  /** Held-out tokens scored (the same for both strategies). */
  readonly scored: number;
}

/** Options of {@linkcode compareStrategies}. */
export interface CompareStrategiesOptions {
  /** V, the vocabulary's size. */
  vocabularySize: number;
  /** E (default 32). */
  embeddingSize?: number;
  /** H (default 32). */
  hiddenSize?: number;
  /** The budget of both: LSTM steps summed over a batch's rows. */
  tokenSteps: number;
  /** Prefixes per batch (default 32). */
  prefixBatchSize?: number;
  /** Streaming: B rows side by side (default 16) and windows of T (default 35). */
  streamBatchSize?: number;
  seqLength?: number;
  /** Adam's step size, both (default 0.01). */
  learningRate?: number;
  /** Seed of the weights and the order (default 0). */
  seed?: number;
  /** Rows the held-out text is read in by the streaming model (default 8). */
  evalBatchSize?: number;
}

/**
 * The prefix strategy against the streaming one, on the same training text, for the same budget of
 * token-steps: the prefix model ({@linkcode trainEveryPrefix}, bucketed so no prefix is padded) and
 * `lib/engine/wordlm.ts`'s streaming model (`trainWordLM`, state carried across windows), each Embedding(E)
 * → LSTM(H) → Dense(V), Adam at the same rate, gradients clipped at 5. Both are then scored on the same
 * held-out tokens: every position `evaluateWordLM` scores, the streaming model reading the text as it
 * was trained (state carried), the prefix model each token's sentence so far.
 *
 * @param train the training text as ids, `<eos>` after every sentence
 * @param valid the held-out text, likewise
 */
export async function compareStrategies(
  train: Int32Array,
  valid: Int32Array,
  options: CompareStrategiesOptions,
): Promise<StrategyResult[]> {
  const {
    vocabularySize: V,
    embeddingSize: E = 32,
    hiddenSize: H = 32,
    tokenSteps,
    prefixBatchSize = 32,
    streamBatchSize = 16,
    seqLength = 35,
    learningRate = 0.01,
    seed = 0,
    evalBatchSize = 8,
  } = options;
  const config = { vocabularySize: V, embeddingSize: E, hiddenSize: H, seed };
  // Streaming: lib/engine/wordlm.ts, as notebook 08 trains it.
  const lm = initWordLM(config);
  let streaming: StrategyResult;
  let scoredPositions: Float64Array;
  try {
    const history = await trainWordLM(lm, train, {
      batchSize: streamBatchSize,
      seqLength,
      learningRate,
      epochs: Math.ceil(tokenSteps / (train.length - 1)) + 1,
      maxTokens: tokenSteps,
      seed,
    });
    const score = evaluateWordLM(lm, valid, { batchSize: evalBatchSize, seqLength, accuracy: true, perToken: true });
    scoredPositions = score.logProbs!;
    streaming = {
      strategy: "streaming",
      tokenSteps: history.tokens,
      predictions: history.tokens,
      updates: history.batches.length,
      passes: history.tokens / (train.length - 1),
      seconds: history.seconds,
      perplexity: score.perplexity,
      accuracy: score.top1!,
      scored: score.tokens,
    };
  } finally {
    disposeWordLM(lm);
  }
  // Every prefix: the lecture's model, on the same text and the same budget.
  const net = buildModel(config, "compare strategies");
  try {
    const trained = await trainEveryPrefix(net, train, {
      maxTokenSteps: tokenSteps,
      batchSize: prefixBatchSize,
      learningRate,
      seed,
    });
    const { logProbs, hits } = scoreEveryPrefix(net, valid);
    let loss = 0, right = 0, scored = 0;
    scoredPositions.forEach((lp, p) => {
      if (Number.isNaN(lp)) return;
      loss -= logProbs[p];
      right += hits[p];
      scored++;
    });
    return [
      { strategy: "every prefix", ...trained, perplexity: Math.exp(loss / scored), accuracy: right / scored, scored },
      streaming,
    ];
  } finally {
    net.dispose();
  }
}
