import assert from "node:assert/strict";
import { recallTask } from "@course/lib";

Deno.test("recallTask: the answer is the first symbol, the rest are distractors from their own slots", () => {
  const task = recallTask({ distractors: 10, count: 200, symbols: 8, noise: 8, seed: 4 });
  assert.equal(task.inputSize, 16);
  assert.equal(task.chance, 1 / 8);
  for (const { xs, target } of task.examples) {
    assert.equal(xs.length, 11);
    assert.equal(xs[0].indexOf(1), target);
    for (const x of xs.slice(1)) assert.ok(x.indexOf(1) >= 8, "distractors use the last 8 slots");
  }
  const counts = new Array(8).fill(0);
  for (const { target } of task.examples) counts[target]++;
  assert.ok(counts.every((n) => n > 10), `every symbol appears: ${counts}`);
  assert.deepEqual(
    recallTask({ distractors: 10, count: 5, seed: 4 }),
    recallTask({ distractors: 10, count: 5, seed: 4 }),
  );
});
