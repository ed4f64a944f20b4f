import assert from "node:assert/strict";
import {
  classifierTensors,
  encodeStory,
  rocAUC,
  STORY_EXAMPLE,
  STORY_NAMES,
  STORY_QUESTION,
  STORY_VOCABULARY,
  storyGates,
  storyGateStats,
  storyTargets,
  storyTask,
  trainStoryLSTM,
} from "@course/lib";

const isName = (word: string) => (STORY_NAMES as readonly string[]).includes(word);

Deno.test("storyTask: a name first, new names >= 8 words apart, questions whose answer is the name mentioned last", () => {
  const task = storyTask({ count: 300, seed: 3 });
  assert.equal(task.classes, 4);
  assert.equal(task.inputSize, STORY_VOCABULARY.length);
  task.examples.forEach(({ xs, target, targets }, n) => {
    const words = task.words[n];
    assert.ok(words.length >= 40 && words.length <= 60);
    assert.ok(isName(words[0]));
    assert.equal(words.at(-1), STORY_QUESTION);
    const names = words.flatMap((w, t) => isName(w) ? [t] : []);
    assert.ok(names.length <= 3);
    names.slice(1).forEach((t, k) => {
      assert.ok(t - names[k] > 8, `names at ${names}`);
      assert.notEqual(words[t], words[names[k]], "a new name is someone else");
    });
    assert.ok(words.filter((w) => w === STORY_QUESTION).length >= 2);
    assert.equal(STORY_NAMES[target], words.findLast(isName));
    words.forEach((w, t) => {
      const expected = w === STORY_QUESTION
        ? STORY_NAMES.indexOf(words.slice(0, t).findLast(isName) as "Vikram")
        : null;
      assert.equal(targets![t], expected);
    });
    xs.forEach((x, t) => assert.equal(STORY_VOCABULARY[x.indexOf(1)], words[t]));
  });
  assert.deepEqual(storyTask({ count: 5, seed: 7 }), storyTask({ count: 5, seed: 7 }));
});

Deno.test("storyTask, encodeStory, storyTargets: bad input is a RangeError that says what is wrong", () => {
  assert.throws(() => encodeStory(["Vikram", "dragon"]), {
    name: "RangeError",
    message: `Cannot encode story: word 1 is "dragon", expected one of ${STORY_VOCABULARY.join(", ")}`,
  });
  assert.throws(() => storyTask({ count: 0 }), {
    name: "RangeError",
    message: /count must be a whole number >= 1, got 0/,
  });
  assert.throws(() => storyTask({ minLength: 30, maxLength: 20 }), /maxLength must be a whole number >= 30, got 20/);
  assert.throws(
    () => storyTask({ minLength: 20, minGap: 8 }),
    /minLength 20 is too short for 2 new names 8 words apart/,
  );
  assert.throws(() => storyTargets(["was", "Vikram"]), /a story starts with a name .*, got "was"/);
  assert.deepEqual(storyTargets(["Asha", "was", "who", "Ravi", "who"]), [null, null, 1, null, 2]);
  assert.deepEqual(storyTargets(["Asha", "who"]), [null, 1]);
  assert.throws(() => rocAUC([], [1]), /got 0 positives and 1 negatives/);
});

Deno.test("rocAUC: the chance that a positive scores above a negative, ties count one half", () => {
  assert.equal(rocAUC([3, 4], [1, 2]), 1);
  assert.equal(rocAUC([1, 2], [3, 4]), 0);
  assert.equal(rocAUC([1, 1], [1, 1]), 0.5);
  assert.equal(rocAUC([0.9, 0.8], [0.1, 0.2, 0.85]), 5 / 6);
});

Deno.test("STORY_EXAMPLE: 35 words, Vikram, a question, Ravi 22 words later, a question at the end", () => {
  assert.equal(STORY_EXAMPLE.length, 35);
  assert.deepEqual(STORY_EXAMPLE.flatMap((w, t) => isName(w) ? [[t + 1, w]] : []), [[1, "Vikram"], [24, "Ravi"]]);
  assert.deepEqual(STORY_EXAMPLE.flatMap((w, t) => w === STORY_QUESTION ? [t + 1] : []), [16, 35]);
  assert.deepEqual(storyTargets(STORY_EXAMPLE).filter((y) => y !== null), [0, 2]); // Vikram, then Ravi
});

// The claims notebooks 04-06 make about the trained story model, for weight seeds 0 and 1 (about 10 s each).
// The bounds are the ranges measured over weight seeds 0-4 (below, 2026-12-06), widened by a tolerance of 0.05,
// except the lecture's own claim, a forget gate of at least 0.9 on ordinary words, which is asserted as it is.
//
//   seed  f words  f new name  i names  i else  i AUC  write names  write else  o who  o else  o AUC  right at "who"
//   0     0.96     0.40        0.83     0.78    0.955  0.677        0.012       0.89   0.22    1.000  1.000
//   1     0.97     0.43        0.86     0.78    0.969  0.663        0.011       0.87   0.21    1.000  1.000
//   2     0.96     0.44        0.80     0.76    0.955  0.646        0.011       0.85   0.25    1.000  1.000
//   3     0.95     0.43        0.84     0.77    0.984  0.696        0.010       0.86   0.21    1.000  1.000
//   4     0.96     0.45        0.83     0.75    0.970  0.651        0.012       0.86   0.24    1.000  1.000
//
// Seed 0 with one regulariser left out, as notebooks 04 and 06 train it (20 epochs):
//   without the recurrent weight decay   0.75     0.31        0.66     0.59    0.926  0.521        0.124       0.86   0.30
//   without the activation penalty       0.94     0.38        0.90     0.81    0.985  0.790        0.058       0.95   0.86
const TOLERANCE = 0.05;
// "refresh": these always train (the cache would otherwise hand back what a notebook trained), and keep
// what they trained for notebooks 04–06 to load.
const models = [0, 1].map((seed) => trainStoryLSTM({ seed, cache: "refresh" }));

Deno.test("trainStoryLSTM: answers every question of held-out stories (>= 99 %), and its name units' gates", () => {
  models.forEach((story, seed) => {
    const s = storyGateStats(story);
    const where = `seed ${seed}: ${JSON.stringify({ ...s, heroShare: undefined })}`;
    assert.ok(s.questionAccuracy >= 0.99, where);
    assert.ok(story.history.at(-1)!.valAccuracy! >= 0.99, where);
    assert.ok(s.units.length >= 1 && s.units.every((u) => s.heroShare[u] >= 0.5), where);
    // Forget gate: holds the hero on ordinary words (0.95-0.97, and the lecture's >= 0.9), erases at a new name (0.40-0.45).
    assert.ok(s.forgetAtWords >= 0.9 && s.forgetAtWords <= 0.97 + TOLERANCE, where);
    assert.ok(s.forgetAtNewNames <= 0.45 + TOLERANCE, where);
    // Input gate: a name detector (AUC 0.955-0.984); what it lets in is 54-70 times larger at names.
    assert.ok(s.inputAUC >= 0.955 - TOLERANCE, where);
    assert.ok(s.writeAtNames >= 0.646 - TOLERANCE && s.writeElsewhere <= 0.012 + TOLERANCE / 5, where);
    assert.ok(s.writeAtNames >= 30 * s.writeElsewhere, where);
    // The candidate keeps ordinary words out (notebook 05; seeds 0-2: |c̃| 0.014-0.016 elsewhere, 0.752-0.782 at names).
    assert.ok(s.candidateElsewhere <= 0.016 + TOLERANCE / 5 && s.candidateAtNames >= 0.752 - TOLERANCE, where);
    // Output gate: open at "who" (0.85-0.89), mostly shut elsewhere (0.21-0.25); AUC 1.000 on every seed.
    assert.ok(s.outputAUC >= 1 - TOLERANCE, where);
    assert.ok(s.outputAtQuestions >= 0.85 - TOLERANCE, where);
    assert.ok(s.outputElsewhere <= 0.25 + TOLERANCE, where);
  });
});

Deno.test("trainStoryLSTM without the recurrent decay: the forget gate stays near σ(1), the hero is written at every word", () => {
  const s = storyGateStats(trainStoryLSTM({ seed: 0, recurrentDecay: 0, cache: "refresh" })); // notebook 04's run
  assert.ok(Math.abs(s.forgetAtWords - 0.73) <= TOLERANCE, `f at words ${s.forgetAtWords}`); // 0.75, σ(1) = 0.73
  assert.ok(s.questionAccuracy >= 0.99);
  assert.ok(s.writeElsewhere >= 0.124 - TOLERANCE / 5, `write elsewhere ${s.writeElsewhere}`); // 10 × the decayed model's
});

Deno.test("trainStoryLSTM without the activation penalty: the output gate stays open away from who", () => {
  const s = storyGateStats(trainStoryLSTM({ seed: 0, activationPenalty: 0, cache: "refresh" })); // notebook 06's run
  assert.ok(s.questionAccuracy >= 0.99);
  assert.ok(s.outputElsewhere >= 0.86 - TOLERANCE, `o elsewhere ${s.outputElsewhere}`);
  assert.ok(s.outputAtQuestions > s.outputElsewhere, `o at who ${s.outputAtQuestions}`);
});

Deno.test("trainStoryLSTM with the cache: the kept network loads as trained, weights, history and gates alike", () => {
  const loaded = trainStoryLSTM({ seed: 0 }); // what models[0] kept
  assert.deepEqual(classifierTensors(loaded.model), classifierTensors(models[0].model)); // bit for bit
  assert.deepEqual(loaded.history, models[0].history);
  assert.equal(loaded.seconds, models[0].seconds);
  assert.deepEqual(storyGateStats(loaded), storyGateStats(models[0]));
  // Other options are another network: a one-epoch run is not handed seed 0's.
  assert.equal(trainStoryLSTM({ seed: 0, epochs: 1, perEpoch: 64, cache: "off" }).history.length, 1);
});

Deno.test("storyGates on STORY_EXAMPLE: f dips at Ravi, the names write, o is widest at each who", () => {
  for (const story of models) {
    const g = storyGates(story);
    const at = (word: string, n = 0) => STORY_EXAMPLE.map((w, t) => w === word ? t : -1).filter((t) => t >= 0)[n];
    const ordinary = STORY_EXAMPLE.flatMap((w, t) => isName(w) || w === STORY_QUESTION ? [] : [t]);
    const ravi = at("Ravi");
    assert.ok(g.f[ravi] < Math.min(...ordinary.map((t) => g.f[t])) - 0.3, `f at Ravi ${g.f[ravi]}`);
    assert.ok(Math.min(...ordinary.map((t) => g.f[t])) >= 0.9, `f on ordinary words ${g.f}`);
    for (const t of [0, ravi]) assert.ok(g.write[t] > 5 * Math.max(...ordinary.map((k) => g.write[k])), `write ${t}`);
    for (const t of [at("who"), at("who", 1)]) {
      assert.ok(g.o[t] > Math.max(...ordinary.map((k) => g.o[k])) + 0.03, `o at word ${t + 1}: ${g.o[t]}`);
    }
    assert.deepEqual([g.answers[at("who")], g.answers[at("who", 1)]], ["Vikram", "Ravi"]);
  }
  assert.throws(() => storyGates(models[0], [8]), {
    name: "RangeError",
    message: /units must be unit indices in \[0, 8\), got \[8\]/,
  });
});
