/**
 * The course's running example for the gates: a story in which whoever was named last is the hero
 * now, and now and then someone asks "who" it is. "Vikram was a kind king … who … Ravi became king …
 * who": a model that must answer has to keep a name in long-term memory across many other words (the
 * forget gate, notebook 04), write a name only when one arrives (the input gate, notebook 05), and
 * show it when it is asked for (the output gate, notebook 06). Only the questions have a target.
 *
 * Notebooks 04, 05 and 06 train the same small LSTM on it ({@linkcode trainStoryLSTM}), measure its
 * gates on held-out stories ({@linkcode storyGateStats}) and draw them word by word on
 * {@linkcode STORY_EXAMPLE} ({@linkcode storyGates}).
 *
 * @module
 */

import { type Rng, seededRng, shuffle } from "../core/random.ts";
import { oneHot, type SequenceExample, type SequenceTask } from "../core/tasks.ts";
import { Adam } from "../core/optim.ts";
import {
  classifierCodec,
  type EpochStats,
  initSequenceClassifier,
  type SequenceClassifier,
  trainSequenceClassifier,
} from "../core/train.ts";
import { cached, type CacheMode } from "../core/disk_cache.ts";
import { type LSTMParams } from "../core/lstm_cell.ts";
import type { DenseParams } from "../core/dense.ts";
import { expectWhole } from "../core/tensor.ts";

/** The names of the story task: whoever was named last is the hero now. Classes 0–3 are these names. */
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

/** The question word: at "who" the model must answer with the current hero. */
export const STORY_QUESTION = "who";

/** The story task's vocabulary: the names, the other words, then "who"; x_t is one-hot over it (X = 17). */
export const STORY_VOCABULARY: readonly string[] = [...STORY_NAMES, ...STORY_WORDS, STORY_QUESTION];

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
 * const xs = encodeStory(["Vikram", "was", "kind", "who"]);
 * assert.equal(xs.length, 4);
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

/** What each word of a story is, for {@linkcode storyTargets} and the gate figures. */
export type StoryWordKind = "first" | "name" | "word" | "question";

/** Whether `word` is one of the {@linkcode STORY_NAMES}. */
export const isStoryName = (word: string): boolean => (STORY_NAMES as readonly string[]).includes(word);

/**
 * The per-step targets of a story, `[T]`: at "who" the hero (the name mentioned last, 0–3), at every
 * other word `null` (no loss).
 *
 * @throws {RangeError} if the story does not start with a name, or a word is not in the vocabulary
 *
 * @example
 * ```ts
 * import { storyTargets } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(storyTargets(["Asha", "was", "who", "Ravi", "who"]), [null, null, 1, null, 2]);
 * ```
 */
export function storyTargets(words: readonly string[]): (number | null)[] {
  encodeStory(words); // checks the vocabulary
  if (!isStoryName(words[0])) {
    throw new RangeError(
      `Cannot make story targets: a story starts with a name (${STORY_NAMES.join(", ")}), got ${
        JSON.stringify(words[0])
      }`,
    );
  }
  let hero = 0;
  return words.map((word) => {
    if (isStoryName(word)) hero = STORY_NAMES.indexOf(word as typeof STORY_NAMES[number]);
    return word === STORY_QUESTION ? hero : null;
  });
}

/** Options for {@linkcode storyTask}. */
export interface StoryTaskOptions {
  /** How many stories (default 1000). */
  count?: number;
  /** The shortest story, in words (default 40). */
  minLength?: number;
  /** The longest story, in words (default 60); each story's length is uniform in [minLength, maxLength]. */
  maxLength?: number;
  /** The most new names after the first word (default 2); each story has 0 … maxNewNames, uniformly. */
  maxNewNames?: number;
  /** The fewest words between two names (default 8). */
  minGap?: number;
  /**
   * The most questions before the last word (default 3); each story has 1 … maxQuestions of them (0 if
   * this is 0), at distinct random words other than names, plus "who" at the end.
   */
  maxQuestions?: number;
  /** Seed (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from. */
  rng?: Rng;
}

/** A story task: its examples, and each example's words for printing and plotting. */
export interface StoryTask extends SequenceTask {
  /** The words of each story, `[count][T]` (T varies from story to story). */
  readonly words: readonly (readonly string[])[];
}

/**
 * The story task: who is the hero now? A story of 40–60 words starts with a name; 0–2 new names
 * (each different from the hero before it) follow, at least 8 words apart; every other word is one
 * of {@linkcode STORY_WORDS}, except 1–3 questions "who" at random places and one at the end. The
 * example's `targets` ({@linkcode storyTargets}) ask for the hero at each "who" and for nothing at the
 * other words; `target` is the answer to the last question. 4 classes, the names (chance: 1/4).
 *
 * Notebooks 04–06 train on it ({@linkcode trainStoryLSTM}).
 *
 * @throws {RangeError} if an option is not a whole number in its range
 *
 * @example
 * ```ts
 * import { STORY_NAMES, storyTask } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const task = storyTask({ count: 2, seed: 0 });
 * const words = task.words[0];
 * assert.equal(words.at(-1), "who");
 * const lastName = words.findLast((w) => (STORY_NAMES as readonly string[]).includes(w));
 * assert.equal(STORY_NAMES[task.examples[0].target], lastName);
 * ```
 */
export function storyTask(options: StoryTaskOptions = {}): StoryTask {
  const {
    count = 1000,
    minLength = 40,
    maxLength = 60,
    maxNewNames = 2,
    minGap = 8,
    maxQuestions = 3,
  } = options;
  const check = (what: string, n: number, min: number) => expectWhole(n, what, "make story task", min);
  check("count", count, 1);
  check("minLength", minLength, 2);
  check("maxLength", maxLength, minLength);
  check("maxNewNames", maxNewNames, 0);
  check("minGap", minGap, 0);
  check("maxQuestions", maxQuestions, 0);
  if ((maxNewNames + 1) * (minGap + 1) + 1 > minLength) {
    throw new RangeError(
      `Cannot make story task: minLength ${minLength} is too short for ${maxNewNames} new names ${minGap} words apart`,
    );
  }
  const rng = options.rng ?? seededRng(options.seed ?? 0);
  const words: string[][] = [];
  const examples: SequenceExample[] = [];
  for (let n = 0; n < count; n++) {
    const T = minLength + rng.int(maxLength - minLength + 1);
    const story: string[] = Array.from({ length: T }, () => STORY_WORDS[rng.int(STORY_WORDS.length)]);
    // New names at positions p_1 < p_2 < … with at least minGap words before each (and a word after the last).
    const newNames = rng.int(maxNewNames + 1);
    let positions: number[] = [];
    for (let tries = 0; tries < 100; tries++) {
      positions = Array.from({ length: newNames }, () => 1 + rng.int(T - 2)).sort((a, b) => a - b);
      if (positions.every((p, k) => p - (k === 0 ? 0 : positions[k - 1]) > minGap)) break;
      positions = [];
    }
    let hero = rng.int(STORY_NAMES.length);
    story[0] = STORY_NAMES[hero];
    for (const p of positions) {
      hero = (hero + 1 + rng.int(STORY_NAMES.length - 1)) % STORY_NAMES.length; // someone else
      story[p] = STORY_NAMES[hero];
    }
    const questions = maxQuestions === 0 ? 0 : 1 + rng.int(maxQuestions);
    const free = shuffle(Array.from({ length: T - 2 }, (_, k) => k + 1).filter((p) => !isStoryName(story[p])), rng);
    for (const p of free.slice(0, questions)) story[p] = STORY_QUESTION;
    story[T - 1] = STORY_QUESTION;
    const targets = storyTargets(story);
    words.push(story);
    examples.push({ xs: encodeStory(story), target: targets[T - 1]!, targets });
  }
  const classes = STORY_NAMES.length;
  return { examples, words, inputSize: STORY_VOCABULARY.length, classes, chance: 1 / classes };
}

/**
 * The story notebooks 04–06 draw word by word (35 words): Vikram is the hero; someone asks "who"
 * (word 16); 22 words after Vikram, Ravi takes over (word 24); the last word asks again.
 */
export const STORY_EXAMPLE: readonly string[] = (
  "Vikram was the king and he was kind and powerful and he ruled long ago who " +
  "was the queen she was kind and Ravi was the king and he ruled long and was powerful who"
).split(" ");

/** Options for {@linkcode trainStoryLSTM}. */
export interface TrainStoryOptions {
  /** H, the LSTM's number of units (default 8). */
  hiddenSize?: number;
  /** Epochs of `perEpoch` fresh stories each (default 20). */
  epochs?: number;
  /** Fresh stories per epoch (default 1000). */
  perEpoch?: number;
  /** Adam's learning rate (default 0.01). */
  learningRate?: number;
  /** Stories per update (default 32). */
  batchSize?: number;
  /** The initial forget-gate bias (default 1, the library's default). */
  forgetBias?: number;
  /**
   * Weight decay on the recurrent weights, `trainSequenceClassifier`'s `recurrentDecay` (default 6; 0 for
   * none). Without it the model keeps the hero by writing it again from hₜ₋₁ at every word and its forget
   * gate stays where it started, σ(1) ≈ 0.73; with it, the forget gate holds the hero (notebook 04).
   */
  recurrentDecay?: number;
  /**
   * A cost on what the cell shows, `trainSequenceClassifier`'s `activationPenalty` (default 0.5; 0 for
   * none). Without it nothing in the task punishes showing the hero before *who* is asked, and the output
   * gate stays open at almost every word; with it, the gate opens at *who* and shuts elsewhere (notebook 06).
   */
  activationPenalty?: number;
  /** Seed for the weights (default 0). */
  seed?: number;
  /** The stories to train on (default {@linkcode storyTask}'s defaults); `count`, `seed` and `rng` are set per epoch. */
  task?: Omit<StoryTaskOptions, "count" | "seed" | "rng">;
  /**
   * Whether to keep the trained network in `build/cache/` and load it from there when the same one is
   * asked for again (default `"use"`: notebooks 05 and 06 load the networks 04 trained); `"refresh"`
   * always trains, `"off"` neither loads nor keeps. See `lib/core/disk_cache.ts`.
   */
  cache?: CacheMode;
}

/** A trained story model, its learning curve and the held-out stories it was measured on. */
export interface StoryModel {
  /** The LSTM, `[H, H+X]` weights with X = 17, the vocabulary size. */
  readonly cell: LSTMParams;
  /** The dense layer from h_t to one score per name ({@linkcode STORY_NAMES}), applied at every question. */
  readonly out: DenseParams;
  /** The whole classifier, for `evaluateClassifier`. */
  readonly model: SequenceClassifier;
  /**
   * One entry per epoch. `loss` and `accuracy` are over every word of the training stories;
   * `valLoss` and `valAccuracy` only over the last question of the 500 held-out stories: the fraction
   * of stories whose hero the model names at the end.
   */
  readonly history: readonly EpochStats[];
  /** 500 held-out stories (seed 1), measured after every epoch. */
  readonly validation: StoryTask;
  /** Wall-clock seconds the training took (when it was loaded from the cache: the seconds it took then). */
  readonly seconds: number;
}

/**
 * Trains the small LSTM of notebooks 04–06 on the story task: 20 epochs of 1,000 fresh stories, Adam
 * (lr 0.01), batch 32, the library's default initialisation (forget bias 1), weight decay 6 on the
 * recurrent weights and an activation penalty of 0.5 on hₜ. Seeded, so every notebook gets the very same model.
 *
 * @throws {RangeError} as `initSequenceClassifier`, `storyTask` and `trainSequenceClassifier` for bad options
 *
 * @example
 * ```ts
 * import { trainStoryLSTM } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const { history } = trainStoryLSTM({ epochs: 1, perEpoch: 50 });
 * assert.equal(history.length, 1);
 * ```
 */
export function trainStoryLSTM(options: TrainStoryOptions = {}): StoryModel {
  const {
    hiddenSize = 8,
    epochs = 20,
    perEpoch = 1000,
    learningRate = 0.01,
    batchSize = 32,
    forgetBias = 1,
    recurrentDecay = 6,
    activationPenalty = 0.5,
    seed = 0,
    task = {},
    cache = "use",
  } = options;
  const validation = storyTask({ ...task, count: 500, seed: 1 });
  const init = () =>
    initSequenceClassifier({
      kind: "lstm",
      inputSize: STORY_VOCABULARY.length,
      hiddenSize,
      classes: STORY_NAMES.length,
      forgetBias,
      seed,
    });
  const inputs = {
    hiddenSize,
    epochs,
    perEpoch,
    learningRate,
    batchSize,
    forgetBias,
    recurrentDecay,
    activationPenalty,
    seed,
    task,
  };
  const train = (): StoryModel => {
    const started = performance.now();
    const model = init();
    const history = trainSequenceClassifier(
      model,
      (epoch) => storyTask({ ...task, count: perEpoch, seed: 100 + epoch }).examples,
      {
        epochs,
        batchSize,
        optimizer: new Adam({ lr: learningRate }),
        recurrentDecay,
        activationPenalty,
        validation: validation.examples.map(({ xs, target }) => ({ xs, target })), // the last question only
      },
    );
    if (model.kind !== "lstm") throw new TypeError("unreachable: the story model is an LSTM");
    const seconds = (performance.now() - started) / 1000;
    return { cell: model.cell, out: model.out, model, history, validation, seconds };
  };
  const { model, history, seconds } = cached("story-lstm", inputs, train, classifierCodec(init), { mode: cache });
  if (model.kind !== "lstm") throw new TypeError("unreachable: the story model is an LSTM");
  return { cell: model.cell, out: model.out, model, history, validation, seconds };
}

// ---------------------------------------------------------------------------------------------
// Measuring the gates
