import assert from "node:assert/strict";
import {
  bestMixture,
  cacheProbabilities,
  kneserNeyTrigram,
  mixturePerplexity,
  ngramProbabilities,
  unigramModel,
} from "@course/lib";

Deno.test("cacheProbabilities: the share of the word among the last `window` tokens, counted by hand", () => {
  const ids = Int32Array.from([3, 4, 3, 5, 3, 4]);
  // t = 2: [3, 4] → P(3) = 1/2; t = 4 (window 3): [3, 5] ... [4, 3, 5] → P(3) = 1/3; t = 5: [3, 5, 3] → P(4) = 0
  assert.deepEqual([...cacheProbabilities(ids, [2, 4, 5], 6, 3)], [1 / 2, 1 / 3, 0]);
  assert.deepEqual([...cacheProbabilities(ids, [0], 6)], [0]); // nothing seen yet
  assert.throws(() => cacheProbabilities(ids, [3, 2], 6), /positions must increase/);
  assert.throws(() => cacheProbabilities(ids, [1], 6, 0), /window must be a whole number >= 1, got 0/);
});

Deno.test("mixturePerplexity: one component alone is that component; weights are checked", () => {
  const a = Float64Array.from([0.5, 0.25]), b = Float64Array.from([0.1, 0.9]);
  assert.ok(Math.abs(mixturePerplexity([a, b], [1, 0]) - Math.sqrt(8)) < 1e-12); // exp(−(ln ½ + ln ¼)/2) = √8
  assert.throws(() => mixturePerplexity([a, b], [0.5, 0.6]), /sum to 1/);
  assert.throws(() => mixturePerplexity([a, Float64Array.from([1])], [0.5, 0.5]), /component 1 has 1 tokens/);
});

Deno.test("bestMixture: EM finds the weight that maximises the likelihood (checked on a grid, 1e-3)", () => {
  const a = Float64Array.from([0.9, 0.1, 0.5, 0.05, 0.6]), b = Float64Array.from([0.2, 0.6, 0.3, 0.4, 0.1]);
  const [w] = bestMixture([a, b], 500);
  let bestGrid = 0, bestPpl = Infinity;
  for (let g = 0; g <= 1000; g++) {
    const ppl = mixturePerplexity([a, b], [g / 1000, 1 - g / 1000]);
    if (ppl < bestPpl) [bestPpl, bestGrid] = [ppl, g / 1000];
  }
  assert.ok(Math.abs(w - bestGrid) < 1e-3, `${w} vs ${bestGrid}`);
});

Deno.test("ngramProbabilities: the model's P at each position; a fitted mixture is never worse than its best part", () => {
  const train = Int32Array.from({ length: 300 }, (_, t) => [2, 3, 4, 1, 2, 5][t % 6]);
  const kn = kneserNeyTrigram(train, 6), uni = unigramModel(train, 6);
  const positions = [2, 3, 4, 5, 6, 7];
  const pk = ngramProbabilities(kn, train, positions), pu = ngramProbabilities(uni, train, positions);
  assert.equal(pk[0], kn.prob([2, 3], 4));
  const w = bestMixture([pk, pu]);
  assert.ok(mixturePerplexity([pk, pu], w) <= mixturePerplexity([pk], [1]) + 1e-12); // fitted here: never worse
});
