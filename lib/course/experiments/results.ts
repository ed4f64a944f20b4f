/**
 * The result files of data/results/ that notebooks 08, 09 and 09a read (written by `deno task experiments`,
 * `deno task fullrun`, `deno task firstpass` and `deno task nextword train --results`): their shapes, and
 * reading them.
 *
 * @module
 */

import type { SeededRun } from "./stats.ts";
import { isNotFound, readText, repoUrl } from "../../core/platform.ts";

/**
 * Reads a results file of data/results/ (written by `deno task experiments`, `deno task fullrun` or
 * `deno task nextword train --results`), wherever the notebook's kernel was started (in a browser: the site's copy).
 *
 * @throws {Error} naming the command that writes the file, if it is missing
 */
export async function readResults<T = Record<string, unknown>>(name: string): Promise<T> {
  const url = new URL(name, repoUrl("data/results/"));
  try {
    return JSON.parse(await readText(url)) as T;
  } catch (e) {
    if (isNotFound(e)) {
      throw new Error(`Cannot read data/results/${name}: it does not exist yet (see the README's "Results")`);
    }
    throw e;
  }
}

/** data/results/experiments.json as notebook 09 reads it: every run over its seeds. */
export interface ExperimentsFile {
  readonly command: string;
  readonly seeds: readonly number[];
  readonly runs: Readonly<Record<string, SeededRun>>;
}

/** Scores of the models on one split, as `deno task fullrun` writes them. */
interface SplitScores {
  readonly tokens: number;
  readonly unigram: number;
  readonly knTrigram: number;
  readonly lstm: { readonly perplexity: number; readonly top1: number; readonly top5: number };
  readonly lstmPlusKn: number;
  readonly lstmPlusKnPlusCache: number;
}

/** The full run's writing at one point of its training: for each prompt, the 20 words each picking rule wrote (seed 1). */
interface SampleCheckpoint {
  readonly tokens: number;
  readonly epochs: number;
  readonly seconds: number;
  /** prompt → rule ("greedy", "top-p 0.9") → the words, space-separated, `<eos>` as is. */
  readonly samples: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** `data/results/full_run.json` (and `full_run_earlier.json`, the earlier full run's record). */
export interface FullRunFile {
  readonly command: string;
  readonly training: {
    readonly config: Record<string, unknown>;
    readonly options: Record<string, unknown>;
    readonly parameters: { readonly total: number };
    readonly seconds: number;
    readonly tokens: number;
    readonly epochs: number;
    readonly tokensPerSecond: number;
    /** The curve's validation tokens: the first N of the split (the earlier full run) … */
    readonly validationSlice?: number;
    /** … or a sample of `tokens` spread over the split in `parts` stretches (`spreadSlice`), read every `every` training tokens. */
    readonly validationSample?: { readonly tokens: number; readonly parts: number; readonly every: number };
    readonly curve: readonly {
      readonly tokens: number;
      readonly seconds: number;
      readonly validPerplexity: number;
      readonly trainPerplexity: number;
    }[];
    readonly machine: { cpu: string; cores: number; memoryGiB: number; deno: string; engine: string };
    readonly date: string;
    /** Sample continuations recorded along training (absent from the earlier full run's record). */
    readonly samples?: readonly SampleCheckpoint[];
  };
  readonly mixtures: {
    readonly lstmPlusKn: { readonly weights: number[] };
    readonly lstmPlusKnPlusCache: { readonly weights: number[]; readonly cacheWindow: number };
  };
  /** Perplexity with dropout off on a spread training sample and on the curve's validation sample, after training. */
  readonly fit?: { readonly train: number; readonly valid: number };
  readonly scores: { readonly valid: SplitScores; readonly test: SplitScores };
}

/** `data/results/first_pass.json` (`deno task firstpass`): the full run's first passes again, scored at checkpoints. */
export interface FirstPassFile {
  readonly options: { readonly until: number; readonly every: number; readonly resetEvery?: number | null };
  readonly checkpoints: readonly {
    readonly tokens: number;
    readonly epochs: number;
    /** The mean training loss since the last checkpoint, as exp, with dropout on: what the full run's curve reports. */
    readonly trainPerplexityWithDropout: number | null;
    /** The last 50,000 training tokens the rows had read (first pass only), 32 rows each from a zero state, dropout off. */
    readonly lastTrainedWithoutDropout: number | null;
    /** The curve's slice as the curve reads it: 32 rows of 1,562 tokens, each from a zero state. */
    readonly validation: number;
    /** Its first 20,000 tokens as one row, the state carried through them. */
    readonly validationOneRow: number;
    readonly unseenWords: { readonly share: number; readonly perplexity: number };
    readonly seenWords: { readonly share: number; readonly perplexity: number };
    /** The one-row reading's perplexity by tokens read since the zero state. */
    readonly validationOneRowByPosition: readonly {
      readonly from: number;
      readonly to: number;
      readonly perplexity: number;
    }[];
    readonly independent: { readonly library: number; readonly tfjs: number; readonly relativeDifference: number };
    /** The slice row by row (`deno task firstpass --rows`). */
    readonly validationRows?: {
      readonly perplexity: number;
      readonly withoutStuck: number;
      /** Every row's perplexity, row 0 first. */
      readonly rows: readonly number[];
      readonly stuck: readonly {
        readonly row: number;
        readonly perplexity: number;
        readonly firstWord: string;
        readonly firstWordReadAsInput: number;
      }[];
    };
  }[];
}

/** `data/results/one_epoch.json`: the one-epoch model, notebook 08's LONG_RUN setting (E 64, H 128) trained one pass. */
export interface OneEpochFile {
  readonly parameters: number;
  readonly seconds: number;
  readonly tokens: number;
  readonly config: { readonly embeddingSize: number; readonly hiddenSize: number };
  readonly test: { readonly perplexity: number };
}
