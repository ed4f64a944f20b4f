/**
 * Checking a notebook's exercises: one checker for every notebook. A notebook keeps its questions and
 * the learner's `answers`; the right answers live in `lib/course/exercise_keys/`, off the page, and its
 * `checkNotebookExercises` hands them here. This says, for each exercise, whether it is answered and
 * right, and shows the worked answer once it is right (or when `showSolutions` is set).
 *
 * @module
 */

import { Displayable, type MimeBundle } from "../charts/display.ts";

/** One exercise: the learner's answer, and either the right answer or the verdict. */
export type Exercise =
  & {
    /** The learner's answer; `undefined` means not answered yet. */
    readonly given: unknown;
    /** The worked answer, shown once the answer is right (or with `showSolutions`). */
    readonly why: string;
  }
  & (
    /** The right answer: numbers (and arrays of numbers) match within `tolerance`, anything else exactly. */
    | { readonly expected: unknown; readonly tolerance?: number }
    /** Or the verdict, for answers with a rule of their own. */
    | { readonly ok: boolean }
  );

/** How one exercise stands. */
export interface ExerciseResult {
  /** Exercises are numbered from 1 in the order given. */
  readonly n: number;
  readonly verdict: "not answered" | "correct" | "wrong";
  readonly given: unknown;
  /** The worked answer, when it may be shown. */
  readonly why?: string;
}

/** The exercises checked; displays in Jupyter as one line per exercise. */
export class ExerciseReport extends Displayable {
  /** One line per exercise, as displayed. */
  readonly lines: readonly string[];

  constructor(readonly results: readonly ExerciseResult[]) {
    super();
    this.lines = results.map((r) => {
      const said = r.verdict === "not answered"
        ? "not answered yet."
        : r.verdict === "correct"
        ? "✓ correct."
        : `✗ not quite: you answered ${JSON.stringify(r.given)}.`;
      return `Exercise ${r.n}: ${said}${r.why ? ` ${r.why}` : ""}`;
    });
  }

  /** What Jupyter shows: one line per exercise. */
  bundle(): MimeBundle {
    return { "text/plain": this.lines.join("\n") };
  }
}

/**
 * Whether `given` matches `expected`: numbers within `tolerance` (absolute), arrays and typed arrays
 * entry by entry, anything else by `===`.
 */
export function matches(given: unknown, expected: unknown, tolerance = 0): boolean {
  if (!(tolerance >= 0)) throw new RangeError(`Cannot check an answer: tolerance must be >= 0, got ${tolerance}`);
  if (typeof expected === "number") {
    return typeof given === "number" && (given === expected || Math.abs(given - expected) <= tolerance);
  }
  if (Array.isArray(expected) || ArrayBuffer.isView(expected)) {
    const want = expected as ArrayLike<unknown>;
    if (!(Array.isArray(given) || ArrayBuffer.isView(given))) return false;
    const got = given as ArrayLike<unknown>;
    if (got.length !== want.length) return false;
    for (let k = 0; k < want.length; k++) if (!matches(got[k], want[k], tolerance)) return false;
    return true;
  }
  return given === expected;
}

/**
 * Checks the exercises and returns a report that Jupyter displays: "Exercise 1: ✓ correct. …",
 * "Exercise 2: not answered yet.", "Exercise 3: ✗ not quite: you answered 4."
 *
 * @example
 * ```ts
 * import { checkExercises } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const answers = { states: 2, gate: undefined };
 * const report = checkExercises([
 *   { given: answers.states, expected: 2, why: "2: c and h." },
 *   { given: answers.gate, ok: answers.gate === "sigmoid", why: "sigmoid: its output is a fraction." },
 * ]);
 * assert.deepEqual(report.lines, ["Exercise 1: ✓ correct. 2: c and h.", "Exercise 2: not answered yet."]);
 * ```
 */
export function checkExercises(
  exercises: readonly Exercise[],
  options: { showSolutions?: boolean } = {},
): ExerciseReport {
  if (!Array.isArray(exercises)) throw new TypeError("Cannot check exercises: expected a list of exercises");
  const show = options.showSolutions === true;
  const results = exercises.map((e, k): ExerciseResult => {
    if (typeof e?.why !== "string") {
      throw new TypeError(
        `Cannot check exercise ${k + 1}: expected { given, expected or ok, why }, got ${JSON.stringify(e)}`,
      );
    }
    const right = "ok" in e ? e.ok === true : matches(e.given, e.expected, e.tolerance ?? 0);
    const verdict = e.given === undefined ? "not answered" : right ? "correct" : "wrong";
    return { n: k + 1, verdict, given: e.given, ...(show || verdict === "correct" ? { why: e.why } : {}) };
  });
  return new ExerciseReport(results);
}
