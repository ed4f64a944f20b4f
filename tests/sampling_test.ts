// lib/text/sampling.ts: the top k words and the four ways of picking the next one, with their options checked.
import assert from "node:assert/strict";
import { checkSampling, pickNext, type Sampling, seededRng, topK, topWords } from "@course/lib";

const probs = Float32Array.from([0.4, 0.3, 0.2, 0.06, 0.04]); // id 0 plays <unk>

Deno.test("topK: largest first, ties by id, excluded ids left out; k is checked", () => {
  assert.deepEqual(topK(probs, 2), [0, 1]);
  assert.deepEqual(topK([0.2, 0.4, 0.4], 3), [1, 2, 0]);
  assert.deepEqual(topK(probs, 2, [0]), [1, 2]);
  for (const k of [0, -1, 1.5, 6, NaN]) assert.throws(() => topK(probs, k), RangeError, `k = ${k}`);
  assert.throws(() => topK(probs, 5, [0]), /k must be a whole number from 1 to 4/);
});

Deno.test("pickNext: greedy; top-k and top-p only ever pick their candidates; nothing excluded is picked", () => {
  const rng = seededRng(3);
  assert.equal(pickNext(probs, { kind: "greedy" }, rng), 0);
  assert.equal(pickNext(probs, { kind: "greedy" }, rng, [0]), 1);
  const seen = (s: Sampling, excluded: number[] = []) => {
    const ids = new Set<number>();
    for (let n = 0; n < 2000; n++) ids.add(pickNext(probs, s, rng, excluded));
    return [...ids].sort();
  };
  assert.deepEqual(seen({ kind: "topK", k: 2 }), [0, 1]);
  assert.deepEqual(seen({ kind: "topK", k: 2 }, [0]), [1, 2]);
  assert.deepEqual(seen({ kind: "topP", p: 0.7 }), [0, 1]); // 0.4 + 0.3 reaches 0.7
  assert.deepEqual(seen({ kind: "topP", p: 0.75 }), [0, 1, 2]);
  assert.deepEqual(seen({ kind: "temperature", temperature: 1 }, [0]), [1, 2, 3, 4]);
  assert.deepEqual(seen({ kind: "topP", p: 1 }), [0, 1, 2, 3, 4]);
});

Deno.test("pickNext: temperature 1 samples the model's own distribution (within 3 standard errors)", () => {
  const rng = seededRng(7), n = 20_000, counts = new Array(5).fill(0);
  for (let k = 0; k < n; k++) counts[pickNext(probs, { kind: "temperature", temperature: 1 }, rng)]++;
  probs.forEach((p, id) => {
    const se = Math.sqrt(p * (1 - p) / n);
    assert.ok(Math.abs(counts[id] / n - p) < 3 * se, `id ${id}: ${counts[id] / n} vs ${p}`);
  });
  // A low temperature is nearly greedy.
  let top = 0;
  for (let k = 0; k < 1000; k++) if (pickNext(probs, { kind: "temperature", temperature: 0.05 }, rng) === 0) top++;
  assert.ok(top > 990, `${top}`);
});

Deno.test("checkSampling: every option checked with a one-line RangeError", () => {
  const bad: [unknown, RegExp][] = [
    [{ kind: "topK", k: 0 }, /k must be a whole number from 1 to 5, got 0/],
    [{ kind: "topK", k: -1 }, /got -1/],
    [{ kind: "topK", k: 6 }, /got 6/],
    [{ kind: "topP", p: 0 }, /0 < p <= 1, got 0/],
    [{ kind: "topP", p: 1.5 }, /got 1.5/],
    [{ kind: "temperature", temperature: 0 }, /temperature must be a number > 0, got 0/],
    [{ kind: "temperature" }, /needs a temperature/],
    [{ kind: "topK", k: 2, temperature: -1 }, /temperature must be/],
    [{ kind: "beam" }, /sampling kind must be/],
  ];
  for (const [s, message] of bad) {
    assert.throws(
      () => checkSampling(s as Sampling, 5),
      (e: Error) => e instanceof RangeError && message.test(e.message),
    );
    assert.throws(() => pickNext(probs, s as Sampling, seededRng(0)), RangeError);
  }
});

Deno.test("bad probabilities and bad option types get one-line errors, not NaN or a wrong pick", () => {
  assert.throws(() => topWords([0.5, NaN, 0.5], 2), /entry 1 is NaN/);
  assert.throws(() => topWords([0.5, -0.1], 1), /entry 1 is -0.1/);
  assert.throws(() => topWords(["abc"] as unknown as number[], 1), /entry 0 is "abc"/);
  assert.throws(() => pickNext([NaN, NaN], { kind: "temperature", temperature: 1 }, seededRng(0)), /entry 0 is NaN/);
  assert.throws(() => pickNext([1], { kind: "greedy" }, seededRng(0), [0]), /every word is excluded/);
  assert.throws(() => topK([0.6, 0.4], 2, [0]), /from 1 to 1 \(the words not excluded\), got 2/);
  assert.throws(() => checkSampling("greedy" as never, 5), /sampling must be an object such as/);
  assert.throws(() => checkSampling({ kind: "topK", k: "3" } as never, 5), /got "3"/);
  assert.throws(() => checkSampling({ kind: "topP", p: "0.9" } as never, 5), /got "0.9"/);
});
