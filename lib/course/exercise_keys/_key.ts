/**
 * What a notebook's exercise key is made of (private to `lib/course/exercise_keys/`): its exercises, each
 * reading one field of the learner's `answers`, with the right answer and the worked answer computed
 * from the values the notebook hands in (its *context*), and a check of each of those values.
 *
 * @module
 */

import { describe } from "../../core/tensor.ts";

/**
 * One exercise of a key: the field of `answers` it reads, and the right answer and the worked answer,
 * both computed from the notebook's context (so the notebook's own figures decide, not a copy).
 */
export type KeyedExercise<A, C> = {
  [K in keyof A & string]-?: {
    /** The field of the learner's `answers` this exercise reads. */
    readonly answer: K;
    /** The right answer; numbers (and arrays of numbers) match within `tolerance`, anything else exactly. */
    expected(context: C): NonNullable<A[K]>;
    /** How far a number may be from the right one (absolute; default 0, exactly). */
    readonly tolerance?: number | ((context: C) => number);
    /** The worked answer, shown once the answer is right (or with `showSolutions`). */
    why(context: C): string;
  };
}[keyof A & string];

/** A check of one value a key needs from its notebook, and what that value should be (for the error). */
export interface ContextField {
  /** What the value should be, as the error says it: "a number > 1 (section 4's test perplexity)". */
  readonly expected: string;
  /** Whether `value` is one. */
  is(value: unknown): boolean;
}

/**
 * A notebook's exercise key: its exercises in the notebook's order, and the values it needs from
 * the notebook, each with its check.
 */
export interface ExerciseKey<A, C> {
  /** The notebook's number, as in its file name: "08". */
  readonly notebook: string;
  /** Each value the key reads from the notebook's context, with its check. */
  readonly context: { readonly [K in keyof C]-?: ContextField };
  /** The exercises, numbered from 1 in this order. */
  readonly exercises: readonly KeyedExercise<A, C>[];
}

/** The context of a notebook whose answers need nothing from it: pass `{}`. */
export type NoContext = { readonly [name: string]: never };

/** A finite number of at least `min`. */
export function numberField(expected: string, min = -Infinity): ContextField {
  return { expected, is: (v) => typeof v === "number" && Number.isFinite(v) && v >= min };
}

/** An object (or class instance) whose `fields` are all finite numbers. */
export function numbersField(expected: string, fields: readonly string[]): ContextField {
  return {
    expected,
    is: (v) =>
      typeof v === "object" && v !== null &&
      fields.every((f) => Number.isFinite((v as Record<string, unknown>)[f])),
  };
}

/** What a value is, short enough for an error message (a trained model is not printed whole). */
export function got(value: unknown): string {
  return value === undefined ? "undefined" : describe(value);
}
