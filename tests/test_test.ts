// How `deno task test` reads the pass and fail counts of its steps (tools/test.ts).
import assert from "node:assert/strict";
import { countDenoTest, countPlain, failureDigest } from "../tools/test.ts";

Deno.test("countDenoTest reads deno test's summary, with or without steps", () => {
  assert.deepEqual(countDenoTest("ok | 43 passed | 0 failed (8s)"), { passed: 43, failed: 0 });
  assert.deepEqual(countDenoTest("FAILED | 40 passed (2 steps) | 3 failed (9s)"), { passed: 40, failed: 3 });
  assert.equal(countDenoTest("no summary"), undefined);
});

Deno.test("countPlain reads the runner's closing 'N passed, N failed' line", () => {
  assert.deepEqual(countPlain("ok  a.ipynb\n2 passed, 1 failed\n"), { passed: 2, failed: 1 });
  assert.equal(countPlain("2 passed, 1 failed, and more"), undefined);
});

Deno.test("failureDigest keeps deno test's ERRORS section, else the last lines", () => {
  const out = "running 2 tests\n\n ERRORS \n\na => ./tests/a.ts:3:6\nerror: AssertionError: 1 !== 2\n\n" +
    " FAILURES \n\na => ./tests/a.ts:3:6\n\nFAILED | 1 passed | 1 failed (1s)\n";
  assert.deepEqual(failureDigest(out), [
    " ERRORS ",
    "a => ./tests/a.ts:3:6",
    "error: AssertionError: 1 !== 2",
    " FAILURES ",
    "a => ./tests/a.ts:3:6",
  ]);
  assert.deepEqual(failureDigest("x\ny\nboom"), ["x", "y", "boom"]);
  assert.equal(failureDigest(Array.from({ length: 100 }, (_, k) => `line ${k}`).join("\n"), 5).length, 6);
});
