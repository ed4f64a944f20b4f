import assert from "node:assert/strict";
import {
  dense,
  encodeStory,
  evaluateClassifier,
  runLSTM,
  softmax,
  STORY_EXAMPLE,
  STORY_NAMES,
  STORY_VOCABULARY,
  storyTask,
  trainStoryLSTM,
} from "@course/lib";

const isName = (word: string) => (STORY_NAMES as readonly string[]).includes(word);

Deno.test("storyTask: stories start with a name, and the target is the name mentioned last", () => {
  const task = storyTask({ count: 300, seed: 3 });
  task.examples.forEach(({ xs, target }, n) => {
    const words = task.words[n];
    assert.equal(xs.length, 24);
    assert.ok(isName(words[0]));
    assert.equal(STORY_NAMES[target], words.findLast(isName));
    xs.forEach((x, t) => assert.equal(STORY_VOCABULARY[x.indexOf(1)], words[t]));
  });
  assert.throws(() => encodeStory(["Vikram", "dragon"]), {
    name: "RangeError",
    message: `Cannot encode story: word 1 is "dragon", expected one of ${STORY_VOCABULARY.join(", ")}`,
  });
});

// The claims notebooks 04-06 make about the trained story model.
const story = trainStoryLSTM();

Deno.test("trainStoryLSTM: the story model names the current character in >= 99 % of held-out stories", () => {
  const { accuracy } = evaluateClassifier(story.model, storyTask({ count: 1000, seed: 2 }).examples);
  assert.ok(accuracy >= 0.99, `accuracy ${accuracy}`);
});

Deno.test("the trained forget gate drops at a new name: mean f at names is far below mean f elsewhere", () => {
  const trace = runLSTM(story.cell, encodeStory(STORY_EXAMPLE));
  const mean = (v: Float32Array) => v.reduce((a, b) => a + b, 0) / v.length;
  const atNames = STORY_EXAMPLE.flatMap((w, t) => t > 0 && isName(w) ? [mean(trace.f[t])] : []);
  const elsewhere = STORY_EXAMPLE.flatMap((w, t) => isName(w) ? [] : [mean(trace.f[t])]);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.equal(atNames.length, 2); // Asha and Ravi take over from Vikram and Asha
  assert.ok(avg(atNames) < avg(elsewhere) - 0.3, `f at names ${avg(atNames)}, elsewhere ${avg(elsewhere)}`);
});

Deno.test("the story model writes hardest at names, and its answer read from h_t switches at each new name", () => {
  const trace = runLSTM(story.cell, encodeStory(STORY_EXAMPLE));
  const writeSize = trace.i.map((gate, t) => Math.hypot(...gate.map((v, k) => v * trace.cTilde[t][k])));
  const avg = (ts: number[]) => ts.reduce((a, t) => a + writeSize[t], 0) / ts.length;
  const names = STORY_EXAMPLE.flatMap((w, t) => isName(w) ? [t] : []);
  const others = STORY_EXAMPLE.flatMap((w, t) => isName(w) ? [] : [t]);
  assert.ok(avg(names) > avg(others) + 0.3, `writes at names ${avg(names)}, elsewhere ${avg(others)}`);

  const answers = trace.h.map((h) => {
    const p = softmax(dense(story.out, h));
    return STORY_NAMES[p.indexOf(Math.max(...p))];
  });
  const current = STORY_EXAMPLE.map((_, t) => STORY_EXAMPLE.slice(0, t + 1).findLast(isName));
  assert.deepEqual(answers, current);
});
