/**
 * The notebooks' exercise keys: for each notebook, the right answers and the worked answers of its
 * exercises, kept here so that a notebook's page does not show them (issue 31). An answer that
 * depends on what the notebook computed (a trained network's figure, a test perplexity) is computed
 * from the values the notebook's checking cell hands in, its *context*:
 *
 * ```ts
 * import { checkNotebookExercises } from "@course/lib";
 *
 * const rows = [{ "LSTM perplexity": 201.3 }, { "LSTM perplexity": 187.3 }]; // notebook 08's section 4
 * const answers = { uniform: 50, fromLoss: undefined, denseParams: undefined, testNats: undefined };
 * // the checking cell:
 * const showSolutions: boolean = false; // set to true to see every worked answer
 * checkNotebookExercises("08", answers, { testPerplexity: rows[1]["LSTM perplexity"] }, { showSolutions });
 * ```
 *
 * The report is {@linkcode checkExercises}'s: one line per exercise, the worked answer shown once the
 * answer is right, or for every exercise with `showSolutions`. One file per notebook,
 * `NN_name.ts`, holds its key; notebook 11, the appendix, has no exercises.
 *
 * @module
 */

import { checkExercises, type Exercise, type ExerciseReport } from "../exercises.ts";
import { type ExerciseKey, got, type NoContext } from "./_key.ts";
import { type CoreIdeaAnswers, type CoreIdeaContext, coreIdeaKey } from "./01_core_idea.ts";
import { type ArchitectureAnswers, architectureKey } from "./02_architecture.ts";
import { type PointwiseAnswers, pointwiseKey } from "./03_pointwise_operations.ts";
import { type ForgetGateAnswers, type ForgetGateContext, forgetGateKey } from "./04_forget_gate.ts";
import { type InputGateAnswers, type InputGateContext, inputGateKey } from "./05_input_gate.ts";
import { type OutputGateAnswers, outputGateKey } from "./06_output_gate.ts";
import {
  type NextWordStrategyAnswers,
  type NextWordStrategyContext,
  nextWordStrategyKey,
} from "./07_next_word_strategy.ts";
import { type NextWordModelAnswers, type NextWordModelContext, nextWordModelKey } from "./08_next_word_model.ts";
import { type ImprovingPerformanceAnswers, improvingPerformanceKey } from "./09_improving_performance.ts";
import { type InsideTheLstmAnswers, type InsideTheLstmContext, insideTheLstmKey } from "./10_inside_the_lstm.ts";

export type { CoreIdeaAnswers, CoreIdeaContext } from "./01_core_idea.ts";
export type { ArchitectureAnswers } from "./02_architecture.ts";
export type { PointwiseAnswers } from "./03_pointwise_operations.ts";
export type { ForgetGateAnswers, ForgetGateContext } from "./04_forget_gate.ts";
export type { InputGateAnswers, InputGateContext } from "./05_input_gate.ts";
export type { OutputGateAnswers } from "./06_output_gate.ts";
export type { NextWordStrategyAnswers, NextWordStrategyContext } from "./07_next_word_strategy.ts";
export type { NextWordModelAnswers, NextWordModelContext } from "./08_next_word_model.ts";
export type { ImprovingPerformanceAnswers } from "./09_improving_performance.ts";
export type { InsideTheLstmAnswers, InsideTheLstmContext } from "./10_inside_the_lstm.ts";
export type { NoContext } from "./_key.ts";

/**
 * Every notebook with exercises, by its number: the shape of its `answers` (each field optional;
 * `undefined` is not answered yet) and of the context its checking cell passes (`{}` for none).
 */
export interface NotebookExercises {
  "01": { answers: CoreIdeaAnswers; context: CoreIdeaContext };
  "02": { answers: ArchitectureAnswers; context: NoContext };
  "03": { answers: PointwiseAnswers; context: NoContext };
  "04": { answers: ForgetGateAnswers; context: ForgetGateContext };
  "05": { answers: InputGateAnswers; context: InputGateContext };
  "06": { answers: OutputGateAnswers; context: NoContext };
  "07": { answers: NextWordStrategyAnswers; context: NextWordStrategyContext };
  "08": { answers: NextWordModelAnswers; context: NextWordModelContext };
  "09": { answers: ImprovingPerformanceAnswers; context: NoContext };
  "10": { answers: InsideTheLstmAnswers; context: InsideTheLstmContext };
}

/** A notebook with exercises, by the number its file name starts with: "01" to "10". */
export type NotebookId = keyof NotebookExercises;

/** The learner's answers to notebook `N`'s exercises. */
export type ExerciseAnswers<N extends NotebookId> = NotebookExercises[N]["answers"];

/** The values notebook `N`'s checking cell passes to its key. */
export type ExerciseContext<N extends NotebookId> = NotebookExercises[N]["context"];

/** Every answer of notebook `N`, given. */
export type ReferenceAnswers<N extends NotebookId> = {
  [K in keyof ExerciseAnswers<N>]-?: NonNullable<ExerciseAnswers<N>[K]>;
};

/** Every notebook's key, by its number. */
export const EXERCISE_KEYS: {
  readonly [N in NotebookId]: ExerciseKey<ExerciseAnswers<N>, ExerciseContext<N>>;
} = {
  "01": coreIdeaKey,
  "02": architectureKey,
  "03": pointwiseKey,
  "04": forgetGateKey,
  "05": inputGateKey,
  "06": outputGateKey,
  "07": nextWordStrategyKey,
  "08": nextWordModelKey,
  "09": improvingPerformanceKey,
  "10": insideTheLstmKey,
};

/** Answers with a field no exercise of notebook `N` reads (a misspelt name) do not type-check. */
export type OnlyExercises<N extends NotebookId, A> = {
  readonly [K in Exclude<keyof A, keyof ExerciseAnswers<N>>]: never;
};

/** A key as the checker reads it, whatever its notebook. */
type AnyKey = ExerciseKey<Record<string, unknown>, Record<string, unknown>>;

/**
 * Checks a notebook's exercises against its key, and returns the report Jupyter displays: one line
 * per exercise ("Exercise 1: ✓ correct. …", "Exercise 2: not answered yet.", "Exercise 3: ✗ not
 * quite: you answered 4."), the worked answer shown once right, or for all with `showSolutions`.
 *
 * @param notebook the notebook's number, "01" to "10"
 * @param answers the learner's answers, fields as in {@linkcode NotebookExercises}; `undefined` is not answered
 * @param context the values the key needs from the notebook ({@linkcode ExerciseContext}; `{}` for none)
 * @param options `showSolutions`: show every worked answer (default false)
 * @throws {RangeError} if no notebook `notebook` has exercises
 * @throws {TypeError} if `answers` has a field no exercise reads, or a value of `context` is missing,
 *   unknown or not what the key needs
 *
 * @example
 * ```ts
 * import { checkNotebookExercises } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const report = checkNotebookExercises("08", { uniform: 50, fromLoss: 1 }, { testPerplexity: 150 });
 * assert.deepEqual(report.results.map((r) => r.verdict), ["correct", "wrong", "not answered", "not answered"]);
 * assert.match(report.lines[0], /^Exercise 1: ✓ correct\. 50: the cross-entropy/);
 * assert.equal(report.lines[1], "Exercise 2: ✗ not quite: you answered 1."); // no worked answer unless asked
 * assert.throws(() => checkNotebookExercises("08", {}, {} as never), /context\.testPerplexity is missing/);
 * ```
 */
export function checkNotebookExercises<N extends NotebookId, A extends ExerciseAnswers<N>>(
  notebook: N,
  answers: A & OnlyExercises<N, A>,
  context: ExerciseContext<N>,
  options: { showSolutions?: boolean } = {},
): ExerciseReport {
  const key = keyOf(notebook);
  const fail = (what: string) => new TypeError(`Cannot check notebook ${notebook}'s exercises: ${what}`);
  if (typeof answers !== "object" || answers === null) {
    throw fail(`answers must be an object of answers, got ${got(answers)}`);
  }
  const given = answers as Record<string, unknown>;
  const names = key.exercises.map((e) => e.answer);
  for (const name of Object.keys(given)) {
    if (!names.includes(name)) {
      throw fail(`answers has no exercise named ${JSON.stringify(name)}; expected ${names.join(", ")}`);
    }
  }
  const values = checkedContext(key, context);
  const exercises = key.exercises.map((e): Exercise => ({
    given: given[e.answer],
    expected: e.expected(values),
    tolerance: typeof e.tolerance === "function" ? e.tolerance(values) : e.tolerance ?? 0,
    why: e.why(values),
  }));
  return checkExercises(exercises, options);
}

/**
 * The right answer to every exercise of a notebook, as its key computes them from `context`: what the
 * tests check the key with, and a learner can ask for.
 *
 * @throws {RangeError} if no notebook `notebook` has exercises
 * @throws {TypeError} if a value of `context` is missing, unknown or not what the key needs
 *
 * @example
 * ```ts
 * import { referenceAnswers } from "@course/lib/course/exercise_keys/mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(referenceAnswers("08", { testPerplexity: 150 }).testNats, Math.log(150));
 * ```
 */
export function referenceAnswers<N extends NotebookId>(notebook: N, context: ExerciseContext<N>): ReferenceAnswers<N> {
  const key = keyOf(notebook);
  const values = checkedContext(key, context);
  return Object.fromEntries(key.exercises.map((e) => [e.answer, e.expected(values)])) as ReferenceAnswers<N>;
}

/** The key of a notebook, or a RangeError naming the notebooks that have one. */
function keyOf(notebook: string): AnyKey {
  if (!Object.hasOwn(EXERCISE_KEYS, notebook)) {
    throw new RangeError(
      `Cannot check exercises: no notebook ${JSON.stringify(notebook)} has exercises; expected one of ${
        Object.keys(EXERCISE_KEYS).sort().map((n) => JSON.stringify(n)).join(", ")
      }`,
    );
  }
  return EXERCISE_KEYS[notebook as NotebookId] as unknown as AnyKey;
}

/** The context, each value checked, or a TypeError naming the value, what it should be and what came. */
function checkedContext(key: AnyKey, context: unknown): Record<string, unknown> {
  const fail = (what: string) => new TypeError(`Cannot check notebook ${key.notebook}'s exercises: ${what}`);
  if (typeof context !== "object" || context === null) {
    throw fail(`context must be an object (pass {} when the notebook needs none), got ${got(context)}`);
  }
  const values = context as Record<string, unknown>;
  const names = Object.keys(key.context);
  for (const name of Object.keys(values)) {
    if (!names.includes(name)) {
      throw fail(
        `context has no value named ${JSON.stringify(name)}; expected ${
          names.length ? names.join(", ") : "none (pass {})"
        }`,
      );
    }
  }
  for (const name of names) {
    const field = key.context[name];
    if (values[name] === undefined) throw fail(`context.${name} is missing; expected ${field.expected}`);
    if (!field.is(values[name])) throw fail(`context.${name} must be ${field.expected}, got ${got(values[name])}`);
  }
  return values;
}
