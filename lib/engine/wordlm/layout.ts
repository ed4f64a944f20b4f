/**
 * The word model's weights, written down once (`lib/engine/wordlm.ts` is its public entry): every
 * variable's name, shape and role, in the order `initWordLM` makes them. `initWordLM` builds the model
 * from it and `checkModel` checks a model against it.
 *
 * @module
 */

import type { WordLMConfig } from "./model.ts";

/** Gates per cell: an LSTM has 4 (i, f, c̃, o), a GRU 3 (z, r, n). */
export function gatesOf(cell: "lstm" | "gru"): number {
  return cell === "lstm" ? 4 : 3;
}

/** One variable of the model: its name, its shape, and what it is (which decides how it starts). */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** `"embedding"`; `"weights"` (a kernel, recurrent kernel or output kernel); `"gateBias"`; `"outputBias"`. */
  readonly role: "embedding" | "weights" | "gateBias" | "outputBias";
}

/**
 * Every variable of a model of this config, in the order `initWordLM` makes them: `embedding` [V, E];
 * per layer l: `kernel_l` [X, gH] (X = E for the first layer, H above it), `recurrent_l` [H, gH],
 * `bias_l` [gH] (g = 4 for an LSTM, 3 for a GRU); `outputKernel` [H, V] unless tied; `outputBias` [V].
 *
 * @param c the config with its defaults filled in
 *
 * @example
 * ```ts
 * import { wordLMLayout } from "@course/lib/engine/wordlm/layout.ts";
 * import assert from "node:assert/strict";
 *
 * const c = { vocabularySize: 10, embeddingSize: 4, hiddenSize: 3, layers: 1, cell: "lstm", tied: false } as const;
 * const layout = wordLMLayout({ ...c, dropout: 0, recurrentDropout: 0, forgetBias: 1, seed: 0 });
 * assert.deepEqual(layout.map((v) => `${v.name} [${v.shape}]`), [
 *   "embedding [10,4]", "kernel_0 [4,12]", "recurrent_0 [3,12]", "bias_0 [12]", "outputKernel [3,10]", "outputBias [10]",
 * ]);
 * ```
 */
export function wordLMLayout(c: Readonly<Required<WordLMConfig>>): WeightSpec[] {
  const { vocabularySize: V, embeddingSize: E, hiddenSize: H } = c;
  const gH = gatesOf(c.cell) * H;
  const layout: WeightSpec[] = [{ name: "embedding", shape: [V, E], role: "embedding" }];
  for (let l = 0; l < c.layers; l++) {
    layout.push(
      { name: `kernel_${l}`, shape: [l === 0 ? E : H, gH], role: "weights" },
      { name: `recurrent_${l}`, shape: [H, gH], role: "weights" },
      { name: `bias_${l}`, shape: [gH], role: "gateBias" },
    );
  }
  if (!c.tied) layout.push({ name: "outputKernel", shape: [H, V], role: "weights" });
  layout.push({ name: "outputBias", shape: [V], role: "outputBias" });
  return layout;
}
