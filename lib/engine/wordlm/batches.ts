/**
 * How the word model reads a stream (`lib/engine/wordlm.ts` is its public entry): B rows side by side,
 * windows of T along them, and an epoch's order of windows.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { checkWhole } from "./checks.ts";
import { type Rng, shuffle } from "../../core/random.ts";

/**
 * The stream cut into B rows read side by side (Zaremba et al. 2014's batching): row b holds tokens
 * [b·L, (b + 1)·L] of the stream, L = ⌊(n − 1)/B⌋, so that window k of every row continues window
 * k − 1 and a carried state makes sense.
 *
 * @throws {RangeError} if `batchSize` is not a whole number >= 1 or the stream has fewer than B + 1 tokens
 */
export function streamRows(ids: Int32Array, batchSize: number): { rows: Int32Array[]; length: number } {
  if (!(ids instanceof Int32Array)) throw new TypeError(`Cannot cut a stream into rows: ids must be an Int32Array`);
  checkWhole(batchSize, "batchSize", 1, "cut a stream into rows");
  const L = Math.floor((ids.length - 1) / batchSize);
  if (L < 1) {
    throw new RangeError(`Cannot cut ${ids.length} tokens into ${batchSize} rows: need at least ${batchSize + 1}`);
  }
  return { rows: Array.from({ length: batchSize }, (_, b) => ids.subarray(b * L, b * L + L + 1)), length: L };
}

/** Inputs and targets of window [s, s + n) of every row: `x` [B, n], `y` [B·n]. */
export function rowWindow(rows: Int32Array[], s: number, n: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const B = rows.length;
  const x = new Int32Array(B * n), y = new Int32Array(B * n);
  rows.forEach((r, b) => {
    x.set(r.subarray(s, s + n), b * n);
    y.set(r.subarray(s + 1, s + n + 1), b * n);
  });
  return { x: tf.tensor2d(x, [B, n], "int32"), y: tf.tensor1d(y, "int32") };
}

/**
 * An epoch's windows: with a carried state, in order along B rows (a random offset each epoch after the
 * first varies where windows begin, never so far that a row is left empty); without, shuffled windows
 * of T + 1 tokens each starting from zero. `order` lists each window's first position in its row.
 */
export function epochWindows(ids: Int32Array, B: number, T: number, carryState: boolean, epoch: number, rng: Rng) {
  const offset = carryState && epoch > 1 ? Math.min(Math.floor(rng.next() * T), ids.length - 1 - B) : 0;
  const { rows, length } = streamRows(ids.subarray(offset), B);
  const starts: number[] = [];
  for (let s = 0; s + 1 <= length; s += T) starts.push(s);
  return { rows, length, order: carryState ? starts : shuffle(starts, rng) };
}
