// lib/course/exercises.ts: the one exercise checker every notebook uses.
import assert from "node:assert/strict";
import { checkExercises, matches } from "@course/lib";

Deno.test("matches: numbers within a tolerance, arrays entry by entry, the rest exactly", () => {
  assert.ok(matches(0.5, 0.5));
  assert.ok(matches(0.5004, 0.5, 1e-3));
  assert.ok(!matches(0.502, 0.5, 1e-3));
  assert.ok(matches([1, 0.5], Float32Array.from([1, 0.5])));
  assert.ok(!matches([1, 0.5, 0], [1, 0.5]));
  assert.ok(!matches("0.5", 0.5));
  assert.ok(matches("c", "c") && !matches("h", "c"));
  assert.ok(matches(null, null) && !matches(undefined, null));
  assert.throws(() => matches(1, 1, -1), /tolerance must be >= 0, got -1/);
});

Deno.test("checkExercises: not answered, right (with the worked answer), wrong (without, unless asked)", () => {
  const exercises = [
    { given: undefined, expected: 1, why: "one" },
    { given: 2, expected: 2, why: "two" },
    { given: [1, 2], expected: [1, 3], why: "three" },
    { given: "x", ok: false, why: "four" },
  ];
  const report = checkExercises(exercises);
  assert.deepEqual(report.results.map((r) => r.verdict), ["not answered", "correct", "wrong", "wrong"]);
  assert.deepEqual(report.lines, [
    "Exercise 1: not answered yet.",
    "Exercise 2: ✓ correct. two",
    "Exercise 3: ✗ not quite: you answered [1,2].",
    'Exercise 4: ✗ not quite: you answered "x".',
  ]);
  const shown = checkExercises(exercises, { showSolutions: true });
  assert.equal(shown.lines[2], "Exercise 3: ✗ not quite: you answered [1,2]. three");
  assert.equal(shown.lines[0], "Exercise 1: not answered yet. one");
  const bundle = (report as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
  assert.deepEqual(bundle, { "text/plain": report.lines.join("\n") });
  assert.throws(
    () => checkExercises([{ given: 1 } as never]),
    /Cannot check exercise 1: expected \{ given, expected or ok, why \}/,
  );
});
