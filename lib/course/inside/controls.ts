/**
 * Control networks: what a cell follows without having learned anything.
 *
 * @module
 */

import { disposeWordLM, initWordLM, type WordLM } from "../../engine/wordlm.ts";
import { type WordLSTM, wordLSTM } from "../../engine/word_lstm.ts";

/** The control networks of a search, with a name for each (for tables and charts). */
interface Controls {
  readonly names: readonly string[];
  readonly nets: readonly WordLSTM[];
}

/**
 * The controls of notebook 10's search: an untrained network of the same configuration (seeded
 * random weights, word vectors included; the random-encoder baseline of Zhang & Bowman 2018), then,
 * for each seed, an untrained LSTM reading the **trained** word vectors (what the inputs alone give,
 * in the spirit of Hewitt & Liang's control tasks, 2019). Several seeds, since one seed's best-of-H
 * is a noisy number. The tfjs models made on the way are freed.
 *
 * @param trained the trained network, whose word vectors the second kind reads
 * @param seeds seeds of the untrained networks; the first also seeds the untrained network
 */
export function controlNetworks(model: WordLM, trained: WordLSTM, seeds: readonly number[] = [1, 2, 3]): Controls {
  if (seeds.length === 0) throw new RangeError("Cannot make control networks: expected at least one seed, got none");
  const untrained = seeds.map((seed) => {
    const m = initWordLM({ ...model.config, seed });
    try {
      return wordLSTM(m);
    } finally {
      disposeWordLM(m);
    }
  });
  return {
    names: ["untrained network", ...seeds.map((seed) => `untrained LSTM, trained word vectors, seed ${seed}`)],
    nets: [untrained[0], ...untrained.map((n) => ({ ...n, embedding: trained.embedding }))],
  };
}
