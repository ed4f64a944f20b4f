/**
 * The course's running example for the gates: a story in which whoever was named last is the one it
 * is about now. "Vikram was a kind and powerful king … Asha …": a model that must say who the story is
 * about has to keep a name in long-term memory across many other words, and erase it when a new name
 * takes over. Notebooks 04, 05 and 06 train the same small LSTM on it ({@linkcode trainStoryLSTM}) and
 * look at its forget, input and output gates word by word.
 *
 * @module
 */

import { type Rng, seededRng } from "./random.ts";
import { oneHot, type SequenceTask } from "./tasks.ts";
import { Adam } from "./optim.ts";
import { type EpochStats, initSequenceClassifier, type SequenceClassifier, trainSequenceClassifier } from "./train.ts";
import type { LSTMParams } from "./lstm_cell.ts";
import type { DenseParams } from "./dense.ts";

/** The names of the story task: whoever was named last is the one the story is about now. */
export const STORY_NAMES = ["Vikram", "Asha", "Ravi", "Meera"] as const;

/** The other words of the story task: they come and go and carry nothing to remember. */
export const STORY_WORDS = [
  "the",
  "king",
  "queen",
  "was",
  "kind",
  "and",
  "powerful",
  "he",
  "she",
  "ruled",
  "long",
  "ago",
] as const;

/** The story task's vocabulary: the names first, then the other words; x_t is one-hot over it. */
export const STORY_VOCABULARY: readonly string[] = [...STORY_NAMES, ...STORY_WORDS];

/**
 * Encodes words of the story vocabulary as one-hot vectors, `[T][V]` with V = {@linkcode STORY_VOCABULARY}'s length.
 *
 * @throws {RangeError} naming a word that is not in the vocabulary
 *
 * @example
 * ```ts
 * import { encodeStory, STORY_VOCABULARY } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const xs = encodeStory(["Vikram", "was", "kind"]);
 * assert.equal(xs.length, 3);
 * assert.equal(xs[0].length, STORY_VOCABULARY.length);
 * assert.equal(xs[0][0], 1); // Vikram is word 0
 * ```
 */
export function encodeStory(words: readonly string[]): Float32Array[] {
  return words.map((word, t) => {
    const index = STORY_VOCABULARY.indexOf(word);
    if (index === -1) {
      throw new RangeError(
        `Cannot encode story: word ${t} is ${JSON.stringify(word)}, expected one of ${STORY_VOCABULARY.join(", ")}`,
      );
    }
    return oneHot(index, STORY_VOCABULARY.length);
  });
}

/** Options for {@linkcode storyTask}. */
export interface StoryTaskOptions {
  /** Words per sequence (default 24). */
  length?: number;
  /** How many sequences (default 1000). */
  count?: number;
  /** The chance that a word after the first is a new name (default 0.12). */
  nameRate?: number;
  /** Seed (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from. */
  rng?: Rng;
}

/** A story task: its examples, and each example's words for printing and plotting. */
export interface StoryTask extends SequenceTask {
  /** The words of each example, `[count][length]`. */
  readonly words: readonly (readonly string[])[];
}

/**
 * The story task: who is the story about now? A sequence of words starts with a name; later words
 * are mostly other words, but now and then a new name takes over. The target is the name mentioned
 * last. To solve it a model must keep the current name in memory across the other words, and erase
 * it when a new name arrives: the forget gate's job (notebook 04).
 *
 * @example
 * ```ts
 * import { STORY_NAMES, storyTask } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const task = storyTask({ count: 2, seed: 0 });
 * const words = task.words[0];
 * const lastName = words.findLast((w) => (STORY_NAMES as readonly string[]).includes(w));
 * assert.equal(STORY_NAMES[task.examples[0].target], lastName);
 * ```
 */
export function storyTask(options: StoryTaskOptions = {}): StoryTask {
  const { length = 24, count = 1000, nameRate = 0.12 } = options;
  for (const [what, n] of [["length", length], ["count", count]] as const) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Cannot make story task: ${what} must be a whole number >= 1, got ${n}`);
    }
  }
  if (!(nameRate >= 0 && nameRate <= 1)) {
    throw new RangeError(`Cannot make story task: nameRate must be a fraction in [0, 1], got ${nameRate}`);
  }
  const rng = options.rng ?? seededRng(options.seed ?? 0);
  const words: string[][] = [];
  const examples = Array.from({ length: count }, () => {
    let current = rng.int(STORY_NAMES.length);
    const sentence: string[] = [STORY_NAMES[current]];
    for (let t = 1; t < length; t++) {
      if (rng.next() < nameRate) {
        current = rng.int(STORY_NAMES.length);
        sentence.push(STORY_NAMES[current]);
      } else {
        sentence.push(STORY_WORDS[rng.int(STORY_WORDS.length)]);
      }
    }
    words.push(sentence);
    return { xs: encodeStory(sentence), target: current };
  });
  const classes = STORY_NAMES.length;
  return { examples, words, inputSize: STORY_VOCABULARY.length, classes, chance: 1 / classes };
}

/** A sentence of the story task with two changes of name, the one notebooks 04–06 draw. */
export const STORY_EXAMPLE: readonly string[] = (
  "Vikram was the king he was kind and powerful and he ruled long ago " +
  "Asha was the queen she was kind and she ruled long Ravi was the king"
).split(" ");

/** Options for {@linkcode trainStoryLSTM}. */
export interface TrainStoryOptions {
  /** H, the LSTM's number of units (default 8). */
  hiddenSize?: number;
  /** Epochs of 1,000 fresh stories each (default 15). */
  epochs?: number;
  /** The initial forget-gate bias (default 1). */
  forgetBias?: number;
  /** Seed for the weights (default 0). */
  seed?: number;
}

/** A trained story model, its learning curve and the held-out stories it was measured on. */
export interface StoryModel {
  /** The LSTM, `[H, H+X]` weights with X = the vocabulary size. */
  readonly cell: LSTMParams;
  /** The dense layer from h_T to one score per name. */
  readonly out: DenseParams;
  /** The whole classifier, for `predictSequence` and `evaluateClassifier`. */
  readonly model: SequenceClassifier;
  /** One entry per epoch. */
  readonly history: readonly EpochStats[];
  /** 500 held-out stories (seed 1), measured after every epoch. */
  readonly validation: StoryTask;
}

/**
 * Trains the small LSTM of notebooks 04–06 on the story task: 24-word stories, 1,000 fresh ones per
 * epoch, Adam (lr 0.01), batch 32. Seeded, so every notebook gets the very same model (about 3 s).
 *
 * @example
 * ```ts
 * import { trainStoryLSTM } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const { history } = trainStoryLSTM({ epochs: 2 });
 * assert.equal(history.length, 2);
 * ```
 */
export function trainStoryLSTM(options: TrainStoryOptions = {}): StoryModel {
  const { hiddenSize = 8, epochs = 15, forgetBias = 1, seed = 0 } = options;
  const validation = storyTask({ count: 500, seed: 1 });
  const model = initSequenceClassifier({
    kind: "lstm",
    inputSize: STORY_VOCABULARY.length,
    hiddenSize,
    classes: STORY_NAMES.length,
    forgetBias,
    seed,
  });
  const history = trainSequenceClassifier(model, (epoch) => storyTask({ count: 1000, seed: 100 + epoch }).examples, {
    epochs,
    optimizer: new Adam({ lr: 0.01 }),
    validation: validation.examples,
  });
  if (model.kind !== "lstm") throw new TypeError("unreachable: the story model is an LSTM");
  return { cell: model.cell, out: model.out, model, history, validation };
}
