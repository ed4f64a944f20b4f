// lib/course/exercise_keys/: every notebook's answers, kept off its page (issue 31).
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { checkNotebookExercises, type ExerciseContext, type NotebookId } from "@course/lib";
import { EXERCISE_KEYS, referenceAnswers } from "@course/lib/course/exercise_keys/mod.ts";
import { listNotebooks, readNotebook, sourceOf } from "../tools/notebooks/_notebook.ts";

/**
 * Notebooks whose checking cells still hold their answers, because someone else is rewriting them:
 * the page scan below skips them. Empty it once their checking cells call `checkNotebookExercises`.
 */
const NOT_YET_MIGRATED: readonly string[] = [];

/** A context for each key, shaped as its notebook passes it, with figures like the notebook's. */
const CONTEXTS: { readonly [N in NotebookId]: ExerciseContext<N> } = {
  "01": {
    summary: [
      { gap: 4, contender: "rnn", mean: 0.31 },
      { gap: 50, contender: "lstm", mean: 1 },
      { gap: 50, contender: "rnn", mean: 0.2547 },
    ],
  },
  "02": {},
  "03": {},
  "04": { withDecay: { writeElsewhere: 0.014 }, withoutDecay: { writeElsewhere: 0.121 } },
  "05": { seed0: { writeAtNames: 0.512, writeElsewhere: 0.024 } },
  "06": {},
  "07": {
    model: { vocabulary: { id: (w) => ({ ravi: 4, was: 2, young: 17 })[w] ?? 1 }, pad: 0, width: 10 },
    examples: { inputs: Array.from({ length: 97 }, () => new Int32Array(10)) },
    ceiling: 86 / 97,
  },
  "08": { testPerplexity: 187.34 },
  "09": {},
  "10": {
    H: 512,
    E: 256,
    saturations: [
      { key: "f", trained: { left: Float64Array.from([0.9, 0.7, 0.1]) } },
      { key: "i", trained: { left: Float64Array.from([0.9, 0.7, 0.6]) } },
      { key: "o", trained: { left: Float64Array.from([0.2, 0.7, 0.1]) } },
    ],
  },
};

const NOTEBOOKS = (Object.keys(EXERCISE_KEYS) as NotebookId[]).sort(); // "10" would come first

/** An obviously wrong answer of the same kind: numbers far off, strings and booleans changed. */
function spoil(value: unknown): unknown {
  if (typeof value === "number") return value * 3 + 1000;
  if (typeof value === "boolean") return !value;
  if (typeof value === "string") return `not ${value}`;
  if (Array.isArray(value)) return value.map(spoil);
  throw new Error(`no wrong answer for ${value}`);
}

const check = (n: NotebookId, answers: object, showSolutions = false) =>
  checkNotebookExercises(n, answers as never, CONTEXTS[n] as never, { showSolutions });

Deno.test("every key: its own answers are right, wrong ones wrong, missing ones not answered", () => {
  for (const n of NOTEBOOKS) {
    const right = referenceAnswers(n, CONTEXTS[n] as never);
    const count = EXERCISE_KEYS[n].exercises.length;
    assert.equal(Object.keys(right).length, count, `notebook ${n}: one answer per exercise`);
    const report = check(n, right);
    assert.deepEqual(report.results.map((r) => r.verdict), Array(count).fill("correct"), `notebook ${n}`);
    report.lines.forEach((line, k) => assert.match(line, new RegExp(`^Exercise ${k + 1}: ✓ correct\\. \\S`)));

    const wrong = Object.fromEntries(Object.entries(right).map(([name, v]) => [name, spoil(v)]));
    const marked = check(n, wrong);
    assert.deepEqual(marked.results.map((r) => r.verdict), Array(count).fill("wrong"), `notebook ${n}`);
    assert.ok(marked.results.every((r) => r.why === undefined), `notebook ${n}: no worked answer unless asked`);
    assert.ok(check(n, wrong, true).results.every((r) => r.why), `notebook ${n}: every worked answer when asked`);

    const none = check(n, {});
    assert.deepEqual(none.lines, Array.from({ length: count }, (_, k) => `Exercise ${k + 1}: not answered yet.`));
    const undecided = Object.fromEntries(Object.keys(right).map((name) => [name, undefined]));
    assert.deepEqual(check(n, undecided).lines, none.lines, `notebook ${n}: undefined is not answered`);
  }
});

Deno.test("keys compute from the notebook's figures: 01's table, 04's two networks, 07's word index, 10's gates", () => {
  assert.equal(referenceAnswers("01", CONTEXTS["01"]).rnnAt50, 25.47);
  assert.equal(check("01", { rnnAt50: 25.5 }).results[2].verdict, "correct"); // one decimal is enough
  assert.equal(check("01", { rnnAt50: 25.6 }).results[2].verdict, "wrong");
  assert.match(check("01", { rnnAt50: 25.5 }).lines[2], /^Exercise 3: ✓ correct\. 25\.5 %/);
  assert.equal(referenceAnswers("02", {}).shapeWi.join(), "5,7");
  assert.equal(referenceAnswers("04", CONTEXTS["04"]).writesMore, "without");
  const flipped = { withDecay: { writeElsewhere: 0.2 }, withoutDecay: { writeElsewhere: 0.1 } };
  assert.equal(referenceAnswers("04", flipped).writesMore, "with");
  assert.equal(referenceAnswers("05", CONTEXTS["05"]).ratio0, 0.512 / 0.024);
  assert.ok(referenceAnswers("05", CONTEXTS["05"]).written0 < -0.5); // Ravi, written as a negative number
  assert.deepEqual(referenceAnswers("07", CONTEXTS["07"]).paddedRow, [0, 0, 0, 0, 0, 0, 0, 4, 2, 17]);
  assert.match(check("07", {}, true).lines[3], /^Exercise 4: not answered yet\. 0\.887 \(86 of 97\)/);
  assert.equal(referenceAnswers("08", CONTEXTS["08"]).testNats, Math.log(187.34));
  assert.equal(referenceAnswers("10", CONTEXTS["10"]).wfSize, 512 * (512 + 256));
  assert.equal(referenceAnswers("10", CONTEXTS["10"]).mostShut, "i");
});

Deno.test("checkNotebookExercises: bad input says what was expected and what came", () => {
  assert.throws(
    () => checkNotebookExercises("11" as NotebookId, {}, {}),
    (e) =>
      e instanceof RangeError && /no notebook "11" has exercises; expected one of "01", "02",.*"10"/.test(e.message),
  );
  assert.throws(
    () => checkNotebookExercises("08", {}, {} as never),
    (e) =>
      e instanceof TypeError &&
      e.message ===
        `Cannot check notebook 08's exercises: context.testPerplexity is missing; expected a perplexity >= 1, section 4's rows[1]["LSTM perplexity"]`,
  );
  assert.throws(
    () => checkNotebookExercises("08", {}, { testPerplexity: "187" as never }),
    /context\.testPerplexity must be a perplexity >= 1, .*, got the string "187"/,
  );
  assert.throws(
    () => checkNotebookExercises("08", {}, { testPerplexity: 187, testPerplexty: 1 } as never),
    /context has no value named "testPerplexty"; expected testPerplexity/,
  );
  assert.throws(() => checkNotebookExercises("09", {}, { rows: 1 } as never), /expected none \(pass \{\}\)/);
  assert.throws(() => checkNotebookExercises("09", {}, undefined as never), /context must be an object.*got undefined/);
  assert.throws(
    () => checkNotebookExercises("04", {}, { withDecay: {}, withoutDecay: { writeElsewhere: 0.1 } } as never),
    /context\.withDecay must be storyGateStats of seed 0 with the decay, stats\[0\], got an object \(Object\)$/,
  );
  assert.throws(
    () => checkNotebookExercises("08", { unifrom: 50 } as never, { testPerplexity: 187 }),
    (e) =>
      e instanceof TypeError &&
      /answers has no exercise named "unifrom"; expected uniform, fromLoss, denseParams, testNats/.test(e.message),
  );
  assert.throws(() => checkNotebookExercises("08", null as never, { testPerplexity: 187 }), /got null/);
});

/** The notebooks' exercise cells: the answers cell and the checking cell after it. */
async function exerciseCells() {
  const dir = join(import.meta.dirname!, "..", "notebooks");
  const found: { id: string; path: string; answers?: string; checking: string[] }[] = [];
  for (const path of await listNotebooks(dir)) {
    const sources = (await readNotebook(path)).cells.filter((c) => c.cell_type === "code").map(sourceOf);
    found.push({
      id: basename(path).match(/^(\w+?)-/)?.[1] ?? basename(path), // "08", "09a"
      path,
      answers: sources.find((s) => /^const answers\b/m.test(s)),
      checking: sources.filter((s) => /\bcheck(Notebook)?Exercises\(/.test(s)),
    });
  }
  return found;
}

Deno.test("no notebook's checking cell holds its answers (NOT_YET_MIGRATED aside)", async () => {
  const notebooks = await exerciseCells();
  assert.ok(notebooks.length >= 11, "the notebooks were found");
  for (const { id, checking, path } of notebooks) {
    if (NOT_YET_MIGRATED.includes(id)) continue;
    for (const cell of checking) {
      const leak = cell.match(/\b(why|expected|ok)\s*:/);
      assert.ok(leak === null, `${path}: the checking cell holds "${leak?.[0]}", the answers are back on the page`);
      assert.match(cell, new RegExp(`checkNotebookExercises\\("${id}", answers,`), `${path}: checks its own key`);
    }
  }
});

Deno.test("each notebook's answers cell asks for what its key checks, and every key has its notebook", async () => {
  const notebooks = await exerciseCells();
  for (const { id, answers, path } of notebooks) {
    const key = EXERCISE_KEYS[id as NotebookId];
    if (answers === undefined) {
      assert.equal(key, undefined, `${path} has no answers cell, but a key`);
      continue;
    }
    assert.ok(key, `${path} has exercises but no key in lib/course/exercise_keys/`);
    if (NOT_YET_MIGRATED.includes(id)) continue;
    const asked = [...answers.matchAll(/^\s+(\w+): undefined,/gm)].map((m) => m[1]);
    assert.deepEqual(asked, key.exercises.map((e) => e.answer), `${path}: the answers cell's fields, in order`);
  }
  assert.deepEqual(NOTEBOOKS.filter((n) => !notebooks.some((nb) => nb.id === n)), [], "a key without a notebook");
});
