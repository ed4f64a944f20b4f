import assert from "node:assert/strict";
import { kneserNeyTrigram, ngramPerplexity, seededRng, unigramModel } from "@course/lib";
import { assertClose } from "./_assert.ts";

// A stream small enough to count by hand (V = 4):
//   0 1 2 0 1 3 0 1 2 1 2
// Trigrams: 012 ×2, 120, 201, 013, 130, 301, 121, 212 → n₁ = 7, n₂ = 1, D₃ = 7/9.
// Continuation counts N₁₊(·vw): 12: {0, 2} → 2, 01: {2, 3} → 2, 20, 13, 30, 21 → 1 each; D₂ = 4/(4 + 2·2) = 1/2.
// Bigram types: 01 12 20 13 30 21 (6); N₁₊(·w): w0 2, w1 2, w2 1, w3 1 → D₁ = 2/(2 + 2·2) = 1/3.
// P₁(2) = (1 − 1/3)/6 + (1/3 · 4/6)/4 = 1/6
// P₂(2 | 1) = (2 − 1/2)/3 + (1/2 · 2/3) · 1/6 = 5/9
// P₃(2 | 0 1) = (2 − 7/9)/3 + (7/9 · 2/3) · 5/9 = 169/243
const stream = Int32Array.from([0, 1, 2, 0, 1, 3, 0, 1, 2, 1, 2]);

Deno.test("Kneser-Ney trigram: discounts and probabilities match the hand count (float64, 1e-12)", () => {
  const model = kneserNeyTrigram(stream, 4);
  assert.deepEqual(model.discounts.map((d) => d.toFixed(12)), [1 / 3, 1 / 2, 7 / 9].map((d) => d.toFixed(12)));
  assertClose(model.prob([], 2), 1 / 6, 1e-12, "P₁(2)");
  assertClose(model.prob([1], 2), 5 / 9, 1e-12, "P₂(2 | 1)");
  assertClose(model.prob([0, 1], 2), 169 / 243, 1e-12, "P₃(2 | 0 1)");
  assertClose(model.prob([7, 0, 1], 2), 169 / 243, 1e-12, "a longer context is cut to the last two tokens");
});

Deno.test("Kneser-Ney trigram: every context, seen or not, gives a distribution that sums to 1", () => {
  const model = kneserNeyTrigram(stream, 4);
  const contexts = [[], [0], [1], [3], [0, 1], [1, 2], [2, 2], [3, 3]];
  for (const context of contexts) {
    let sum = 0;
    for (let w = 0; w < 4; w++) {
      const p = model.prob(context, w);
      assert.ok(p > 0, `P(${w} | ${context}) = ${p}`);
      sum += p;
    }
    assertClose(sum, 1, 1e-12, `Σ_w P(w | ${context})`);
  }
});

Deno.test("unigram and perplexity: hand-checkable numbers", () => {
  const model = unigramModel(stream, 4);
  assertClose(model.prob([], 1), 4 / 11, 1e-12, "P(1)");
  // Tokens 2…10 are 2 0 1 3 0 1 2 1 2: three 2s, two 0s, three 1s, one 3.
  const expected = Math.exp(
    -(3 * Math.log(3 / 11) + 2 * Math.log(3 / 11) + 3 * Math.log(4 / 11) + Math.log(1 / 11)) / 9,
  );
  assertClose(ngramPerplexity(model, stream).perplexity, expected, 1e-9, "perplexity");
  assert.throws(() => ngramPerplexity(unigramModel(Int32Array.from([1, 1]), 3), Int32Array.from([1, 1, 2])), {
    name: "RangeError",
    message: "Cannot compute perplexity: the model gives token 2 (id 2) probability 0",
  });
  assert.throws(() => unigramModel(Int32Array.from([5]), 4), {
    name: "RangeError",
    message: "Cannot train unigram model: ids[0] is 5, expected an id in [0, 4)",
  });
});

Deno.test("kneserNeyTrigram: every word of the vocabulary keeps a positive probability on any small corpus", () => {
  // The reported case: every trigram occurs twice, so n₁ = 0 and the textbook discount is 0.
  const model = kneserNeyTrigram(Int32Array.from([2, 3, 4, 2, 3, 4, 2, 3]), 5);
  assert.ok(model.prob([2, 3], 1) > 0);
  assert.ok(ngramPerplexity(model, Int32Array.from([2, 3, 1, 0, 4])).perplexity > 0);
  const rng = seededRng(11);
  for (let trial = 0; trial < 300; trial++) {
    const V = 2 + rng.int(5), n = 3 + rng.int(25);
    const stream = Int32Array.from({ length: n }, () => rng.int(V));
    if (trial % 3 === 0) stream.set(stream.subarray(0, Math.floor(n / 2)), Math.ceil(n / 2)); // repeats
    const kn = kneserNeyTrigram(stream, V);
    for (const [D] of [[kn.discounts[0]], [kn.discounts[1]], [kn.discounts[2]]]) assert.ok(D > 0 && D <= 1);
    for (let u = 0; u < V; u++) {
      for (let v = 0; v < V; v++) {
        let sum = 0;
        for (let w = 0; w < V; w++) {
          const p = kn.prob([u, v], w);
          assert.ok(p > 0, `V ${V}, stream ${stream}, P(${w} | ${u} ${v}) = ${p}`);
          sum += p;
        }
        assert.ok(Math.abs(sum - 1) < 1e-12, `sums to ${sum}`);
      }
    }
  }
});

Deno.test("Kneser-Ney prob: a word or context id outside the vocabulary is a RangeError, not NaN", () => {
  const model = kneserNeyTrigram(Int32Array.from([0, 1, 2, 0, 1, 3]), 4);
  for (const w of [7, -1, 1.5]) assert.throws(() => model.prob([1, 2], w), /whole numbers in \[0, 4\), got/);
  assert.throws(() => model.prob([9, 2], 1), /got 9/);
});
