/**
 * The story task's gates, measured: {@linkcode storyGateStats} averages the name units' forget, input and
 * output gates over kinds of word on held-out stories (with the correlation ratio and ROC AUC that say how
 * cleanly a gate separates them), and {@linkcode storyGates} reads them word by word on one story. The task
 * and its trained LSTM are in `story.ts`; the figures in `story_charts.ts`.
 *
 * @module
 */

import { type LSTMParams } from "../core/lstm_cell.ts";
import { dense, type DenseParams } from "../core/dense.ts";
import { argmax } from "../core/loss.ts";
import { runLSTM } from "../core/lstm.ts";
import {
  encodeStory,
  isStoryName,
  STORY_EXAMPLE,
  STORY_NAMES,
  STORY_QUESTION,
  STORY_VOCABULARY,
  storyTargets,
  type StoryTask,
  storyTask,
  type StoryWordKind,
} from "./story.ts";

/** What {@linkcode storyGateStats} returns: the gates of the name units, averaged over kinds of word. */
export interface StoryGateStats {
  /** The name units: indices of the units whose cell state tells the current hero apart (η² ≥ 0.5). */
  readonly units: readonly number[];
  /** η² of every unit, `[H]`: the share of the variance of c_t[u] explained by who the hero is. */
  readonly heroShare: readonly number[];
  /** Mean forget gate of the name units at ordinary words ({@linkcode STORY_WORDS}). */
  readonly forgetAtWords: number;
  /** Mean forget gate of the name units at a new name (not the first word). */
  readonly forgetAtNewNames: number;
  /** Mean input gate of the name units at names (the first word included). */
  readonly inputAtNames: number;
  /** Mean input gate of the name units at every other word. */
  readonly inputElsewhere: number;
  /** ROC AUC of the name units' mean input gate as a score telling names from all other words. */
  readonly inputAUC: number;
  /** Mean size of the write into the name units, |iₜ ⊗ c̃ₜ| averaged over them, at names (the first word included). */
  readonly writeAtNames: number;
  /** The same at every other word. */
  readonly writeElsewhere: number;
  /** Mean size of the candidate |c̃ₜ| of the name units at names (the first word included). */
  readonly candidateAtNames: number;
  /** The same at every other word. */
  readonly candidateElsewhere: number;
  /** Mean output gate of the name units at "who". */
  readonly outputAtQuestions: number;
  /** Mean output gate of the name units at every other word. */
  readonly outputElsewhere: number;
  /** ROC AUC of the name units' mean output gate as a score telling "who" from all other words. */
  readonly outputAUC: number;
  /** Fraction of the questions (every "who") answered with the current hero. */
  readonly questionAccuracy: number;
}

/**
 * The gate figures of notebooks 04–06, measured on held-out stories.
 *
 * The name units are the units u whose cell state c_t[u] best tells the current hero apart: those
 * whose η² (the correlation ratio: the variance of the per-hero means of c_t[u] over the variance of
 * c_t[u], over every word of every story) is at least 0.5; if no unit reaches 0.5, the one with the
 * largest η². Each gate figure is the mean over the name units, over every word of the kind named.
 * The AUCs score each word by the name units' mean gate: the chance that a random word of the one
 * kind scores higher than a random word of the other (ties count one half).
 *
 * @param story a model from {@linkcode trainStoryLSTM} (its `cell` `[H, H+17]` and `out`)
 * @param task the stories to measure on (default: 300 held-out stories, `storyTask({ count: 300, seed: 2 })`)
 * @throws {RangeError} if the model's input size is not the vocabulary's (17), or as `runLSTM`
 *
 * @example
 * ```ts
 * import { storyGateStats, storyTask, trainStoryLSTM } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const story = trainStoryLSTM({ epochs: 1, perEpoch: 50 });
 * const stats = storyGateStats(story, storyTask({ count: 20, seed: 2 }));
 * assert.ok(stats.units.length >= 1);
 * assert.ok(stats.inputAUC >= 0 && stats.inputAUC <= 1);
 * ```
 */
export function storyGateStats(
  story: { readonly cell: LSTMParams; readonly out: DenseParams },
  task: StoryTask = storyTask({ count: 300, seed: 2 }),
): StoryGateStats {
  const { cell, out } = story;
  if (cell.inputSize !== STORY_VOCABULARY.length) {
    throw new RangeError(
      `Cannot measure story gates: the LSTM reads ${cell.inputSize} inputs, expected ${STORY_VOCABULARY.length} (the story vocabulary)`,
    );
  }
  const H = cell.hiddenSize;
  const steps: {
    kind: StoryWordKind;
    hero: number;
    c: Float32Array;
    f: Float32Array;
    i: Float32Array;
    o: Float32Array;
    /** The write iₜ ⊗ c̃ₜ, `[H]`. */
    w: Float32Array;
    /** The candidate c̃ₜ, `[H]`. */
    cTilde: Float32Array;
  }[] = [];
  let asked = 0, answered = 0;
  task.words.forEach((words) => {
    const trace = runLSTM(cell, encodeStory(words));
    const targets = storyTargets(words);
    words.forEach((word, t) => {
      const kind: StoryWordKind = t === 0
        ? "first"
        : isStoryName(word)
        ? "name"
        : word === STORY_QUESTION
        ? "question"
        : "word";
      const hero = storyHero(words, t);
      const w = trace.i[t].map((g, u) => g * trace.cTilde[t][u]);
      steps.push({
        kind,
        hero,
        c: trace.c[t],
        f: trace.f[t],
        i: trace.i[t],
        o: trace.o[t],
        w,
        cTilde: trace.cTilde[t],
      });
      if (kind === "question") {
        asked++;
        if (argmax(dense(out, trace.h[t])) === targets[t]) answered++;
      }
    });
  });
  const heroShare = Array.from({ length: H }, (_, u) => correlationRatio(steps.map((s) => [s.hero, s.c[u]])));
  let units = heroShare.flatMap((eta, u) => eta >= 0.5 ? [u] : []);
  if (units.length === 0) units = [heroShare.indexOf(Math.max(...heroShare))];
  const gate = (s: (typeof steps)[number], g: "f" | "i" | "o") =>
    units.reduce((sum, u) => sum + s[g][u], 0) / units.length;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const where = (g: "f" | "i" | "o", test: (kind: StoryWordKind) => boolean) =>
    steps.filter((s) => test(s.kind)).map((s) => gate(s, g));
  const named = (k: StoryWordKind) => k === "first" || k === "name";
  // The size of the write into the name units, the mean |iₜ ⊗ c̃ₜ| over them (or of the candidate, |c̃ₜ|).
  const sizes = (v: "w" | "cTilde", test: (kind: StoryWordKind) => boolean) =>
    steps.filter((s) => test(s.kind)).map((s) => units.reduce((sum, u) => sum + Math.abs(s[v][u]), 0) / units.length);
  const writes = (test: (kind: StoryWordKind) => boolean) => sizes("w", test);
  return {
    units,
    heroShare,
    forgetAtWords: mean(where("f", (k) => k === "word")),
    forgetAtNewNames: mean(where("f", (k) => k === "name")),
    inputAtNames: mean(where("i", named)),
    inputElsewhere: mean(where("i", (k) => !named(k))),
    inputAUC: rocAUC(where("i", named), where("i", (k) => !named(k))),
    writeAtNames: mean(writes(named)),
    writeElsewhere: mean(writes((k) => !named(k))),
    candidateAtNames: mean(sizes("cTilde", named)),
    candidateElsewhere: mean(sizes("cTilde", (k) => !named(k))),
    outputAtQuestions: mean(where("o", (k) => k === "question")),
    outputElsewhere: mean(where("o", (k) => k !== "question")),
    outputAUC: rocAUC(where("o", (k) => k === "question"), where("o", (k) => k !== "question")),
    questionAccuracy: answered / asked,
  };
}

/** The hero after word t of a story: the index of the name mentioned last, 0–3. */
function storyHero(words: readonly string[], t: number): number {
  for (let k = t; k >= 0; k--) {
    const n = STORY_NAMES.indexOf(words[k] as typeof STORY_NAMES[number]);
    if (n >= 0) return n;
  }
  return -1;
}

/** η²: the variance of the per-group means over the total variance, from [group, value] pairs. */
function correlationRatio(pairs: readonly (readonly [number, number])[]): number {
  const total = pairs.reduce((a, [, v]) => a + v, 0) / pairs.length;
  const groups = new Map<number, { sum: number; n: number }>();
  for (const [g, v] of pairs) {
    const entry = groups.get(g) ?? { sum: 0, n: 0 };
    entry.sum += v;
    entry.n++;
    groups.set(g, entry);
  }
  let between = 0, all = 0;
  for (const { sum, n } of groups.values()) between += n * (sum / n - total) ** 2;
  for (const [, v] of pairs) all += (v - total) ** 2;
  return all === 0 ? 0 : between / all;
}

/**
 * The ROC AUC of a score: the chance that a random entry of `positives` is larger than a random
 * entry of `negatives` (ties count one half). 1: the score tells them apart perfectly; 0.5: not at all.
 *
 * @throws {RangeError} if either list is empty
 *
 * @example
 * ```ts
 * import { rocAUC } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rocAUC([0.9, 0.8], [0.1, 0.2, 0.85]), 5 / 6);
 * ```
 */
export function rocAUC(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) {
    throw new RangeError(
      `Cannot compute ROC AUC: got ${positives.length} positives and ${negatives.length} negatives, expected at least 1 of each`,
    );
  }
  const all = [...positives.map((v) => [v, 1] as const), ...negatives.map((v) => [v, 0] as const)]
    .sort((a, b) => a[0] - b[0]);
  // Mann–Whitney: the sum of the positives' ranks (tied values share their mean rank).
  let rankSum = 0;
  for (let start = 0; start < all.length;) {
    let end = start;
    while (end < all.length && all[end][0] === all[start][0]) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 … end
    for (let k = start; k < end; k++) if (all[k][1] === 1) rankSum += rank;
    start = end;
  }
  const P = positives.length, N = negatives.length;
  return (rankSum - P * (P + 1) / 2) / (P * N);
}

/** What {@linkcode storyGates} returns: the name units' mean gates at each word, `[T]` each. */
export interface StoryGates {
  readonly words: readonly string[];
  readonly units: readonly number[];
  /** Mean forget gate of the name units after each word, `[T]`. */
  readonly f: readonly number[];
  /** Mean input gate, `[T]`. */
  readonly i: readonly number[];
  /** Mean output gate, `[T]`. */
  readonly o: readonly number[];
  /** Mean size of the write |iₜ ⊗ c̃ₜ| into the name units, `[T]`. */
  readonly write: readonly number[];
  /** The model's answer after each word, one of {@linkcode STORY_NAMES}, `[T]`. */
  readonly answers: readonly string[];
}

/**
 * The name units' mean forget, input and output gates word by word on one story (default
 * {@linkcode STORY_EXAMPLE}), with the model's answer after each word: what notebooks 04–06 draw.
 *
 * @param story a model from {@linkcode trainStoryLSTM}
 * @param units the name units (default: `storyGateStats(story).units`)
 * @param words the story (default {@linkcode STORY_EXAMPLE})
 * @throws {RangeError} if a word is not in the vocabulary or a unit is not in [0, H)
 */
export function storyGates(
  story: { readonly cell: LSTMParams; readonly out: DenseParams },
  units: readonly number[] = storyGateStats(story).units,
  words: readonly string[] = STORY_EXAMPLE,
): StoryGates {
  const H = story.cell.hiddenSize;
  if (units.length === 0 || !units.every((u) => Number.isInteger(u) && u >= 0 && u < H)) {
    throw new RangeError(`Cannot draw story gates: units must be unit indices in [0, ${H}), got [${units.join(", ")}]`);
  }
  const trace = runLSTM(story.cell, encodeStory(words));
  const mean = (g: readonly Float32Array[]) => g.map((v) => units.reduce((a, u) => a + v[u], 0) / units.length);
  const answers = trace.h.map((h) => STORY_NAMES[argmax(dense(story.out, h))]);
  const write = trace.i.map((g, t) =>
    units.reduce((a, u) => a + Math.abs(g[u] * trace.cTilde[t][u]), 0) / units.length
  );
  return { words, units, f: mean(trace.f), i: mean(trace.i), o: mean(trace.o), write, answers };
}
