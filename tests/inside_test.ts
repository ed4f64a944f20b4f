// lib/inside.ts: the trained tfjs model moved into the library, and the statistics of notebook 10.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { brownCorpus, Vocabulary } from "@course/lib";
import { initTfjs } from "@course/lib/tfjs.ts";
import { disposeWordLM, evaluateWordLM, initWordLM, loadWordLM, wordLMForward, zeroState } from "@course/lib/wordlm.ts";
import {
  correlations,
  courseModelDir,
  DETERMINERS,
  entropyBits,
  nextWordProbabilities,
  positionProfile,
  saturation,
  searchUnits,
  splitByFeature,
  strongest,
  strongestControl,
  textFeatures,
  topWords,
  traceWords,
  unitValues,
  wordLSTM,
  wordsOf,
} from "@course/lib/inside.ts";

await initTfjs();

const close = (a: number, b: number, tolerance: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tolerance, `${what} ${a} vs ${b} (tolerance ${tolerance})`);

Deno.test("wordLSTM + traceWords + nextWordProbabilities give tfjs's probabilities (tied and untied; float32, 1e-5)", () => {
  for (const tied of [true, false]) {
    const model = initWordLM({ vocabularySize: 12, embeddingSize: 5, hiddenSize: 5, tied, forgetBias: 1, seed: 3 });
    const ids = [2, 7, 1, 11, 4, 4, 0, 9];
    const net = wordLSTM(model);
    assert.equal(net.params.Wf.rows, 5);
    assert.equal(net.params.Wf.cols, 10); // [H, H+E]
    const trace = traceWords(net, ids);
    const expected = tf.tidy(() => {
      const out = wordLMForward(model, tf.tensor2d([ids], undefined, "int32"), zeroState(model, 1));
      return tf.softmax(out.logits).arraySync() as number[][]; // [T, V]
    });
    trace.h.forEach((h, t) => {
      const p = nextWordProbabilities(net, h);
      p.forEach((x, w) => close(x, expected[t][w], 1e-5, `tied=${tied} t=${t} w=${w}`));
    });
    disposeWordLM(model);
  }
});

Deno.test("wordLSTM, traceWords, nextWordProbabilities: bad input is named", () => {
  const gru = initWordLM({ vocabularySize: 6, embeddingSize: 3, hiddenSize: 3, cell: "gru" });
  assert.throws(() => wordLSTM(gru), /it is a 1-layer GRU, expected a 1-layer LSTM/);
  disposeWordLM(gru);
  const model = initWordLM({ vocabularySize: 6, embeddingSize: 3, hiddenSize: 3 });
  const net = wordLSTM(model);
  assert.throws(() => traceWords(net, [1, 6]), RangeError);
  assert.throws(() => nextWordProbabilities(net, [0, 0]), /h has length 2, expected 3/);
  disposeWordLM(model);
});

Deno.test("topWords and entropyBits", () => {
  assert.deepEqual(topWords([0.1, 0.4, 0.1, 0.4], 3), [{ id: 1, p: 0.4 }, { id: 3, p: 0.4 }, { id: 0, p: 0.1 }]);
  assert.throws(() => topWords([1], 0), /k must be a whole number from 1 to 1, got 0/);
  assert.equal(entropyBits(new Array(8).fill(1 / 8)), 3);
  assert.equal(entropyBits([1, 0, 0]), 0);
});

Deno.test("saturation counts the steps below 0.1 and above 0.9, per unit", () => {
  const s = saturation([[0.05, 0.5], [0.95, 0.5], [0.05, 0.99], [0.5, 0.5]]); // T = 4, H = 2
  assert.deepEqual([...s.left], [0.5, 0]);
  assert.deepEqual([...s.right], [0.25, 0.25]);
  assert.throws(() => saturation([]), /expected a non-empty list of steps/);
  assert.throws(() => saturation([[1, 2], [3]]), /step 1 has length 1, expected 2/);
});

Deno.test("correlations: ±1 for a unit that is the feature (or its negative), 0 for a constant unit", () => {
  const feature = [0, 1, 1, 0, 1];
  const values = feature.map((f, t) => [2 * f + 1, -f, 0.3, -f + [0.3, 0, 0, 0.1, 0][t]]); // H = 4
  const r = correlations(values, feature);
  close(r[0], 1, 1e-12);
  close(r[1], -1, 1e-12);
  assert.ok(r[3] < -0.9 && r[3] > -1); // mostly the feature, a little noise
  assert.equal(r[2], 0);
  assert.equal(Math.abs(strongest([0.2, -0.7, 0.5]).r), 0.7);
  assert.equal(strongest([0.2, -0.7, 0.5]).unit, 1);
  assert.throws(() => correlations(values, [1, 1, 1, 1, 1]), /the feature has the same value at all 5 steps/);
  assert.throws(() => correlations(values, [1, 0]), /feature has length 2, expected 5/);
});

Deno.test("textFeatures: sentence position, inside quotes, just read a determiner", () => {
  const tokens = ["he", "said", "``", "the", "end", "''", ".", "<eos>", "a", "dog"];
  const f = textFeatures(tokens);
  assert.deepEqual([...f.sentencePosition], [1, 2, 3, 4, 5, 6, 7, 0, 1, 2]);
  assert.deepEqual([...f.insideQuotes], [0, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual([...f.afterDeterminer], [0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
  // Only matched pairs: the first `` is never closed (another opens first), so it marks nothing.
  assert.deepEqual([...textFeatures(["``", "a", "``", "b", "''", "c", "``"]).insideQuotes], [0, 0, 1, 1, 0, 0, 0]);
  assert.deepEqual(wordsOf(new Vocabulary(["<unk>", "<eos>", "x"]), [2, 1]), ["x", "<eos>"]);
  assert.equal(DETERMINERS.length, 18); // notebook 10's feature table says "the 18 words of DETERMINERS"
});

Deno.test("unitValues reads one unit over a stretch; searchUnits judges the pick on other text", () => {
  const values = [[1, 2], [3, 4], [5, 6]];
  assert.deepEqual([...unitValues(values, 1, 1, 3)], [4, 6]);
  assert.throws(() => unitValues(values, 2), /unit is 2, expected a whole number in \[0, 2\)/);
  assert.throws(() => unitValues(values, 0, 2, 5), /steps \[2, 5\)/);
  // Unit 1 follows the feature on both texts; the control network follows nothing.
  const search = [0, 1, 0, 1, 1, 0], evidence = [1, 0, 0, 1, 0, 1];
  const found = searchUnits({ search, evidence }, {
    search: search.map((x, t) => [t % 3, x]),
    evidence: evidence.map((x, t) => [t % 2, x]),
    controls: [evidence.map(() => [0.5, 0.5])], // follows nothing: r = 0
  });
  assert.equal(found.unit, 1);
  close(found.rEvidence[1], 1, 1e-12);
  assert.ok(found.learned);
});

// The course's trained model, data/models/brown-lstm (float16), and what notebook 10 says about it.
const corpus = await brownCorpus();
const { model, vocabulary, notes } = await loadWordLM(courseModelDir());
const net = wordLSTM(model);

Deno.test("the committed float16 model scores what its notes say, within 0.1 % of the float32 original", () => {
  const check = notes.check as { firstTokens: number; float32Perplexity: number; float16Perplexity: number };
  const ppl = evaluateWordLM(model, corpus.ids.test, { maxTokens: check.firstTokens }).perplexity;
  close(ppl, check.float16Perplexity, 1e-3 * ppl, "float16 perplexity now and when saved:");
  close(check.float16Perplexity, check.float32Perplexity, 1e-3 * check.float32Perplexity, "float16 vs float32:");
  assert.equal(vocabulary.size, model.config.vocabularySize);
});

Deno.test("notebook 10's findings: only the quotation cell beats both controls; saturated gates, none untrained", () => {
  const N = 8_000; // as in the notebook
  const searchIds = corpus.ids.valid.subarray(0, N), evidenceIds = corpus.ids.test.subarray(0, N);
  const searchTrace = traceWords(net, searchIds), trace = traceWords(net, evidenceIds);
  // As in the notebook: an untrained network (seed 1), and untrained LSTMs (seeds 1-3) fed the trained word vectors.
  const controls = [1, 2, 3].map((seed) => {
    const m = initWordLM({ ...model.config, seed });
    const n = wordLSTM(m);
    disposeWordLM(m);
    return n;
  });
  const untrained = traceWords(controls[0], evidenceIds);
  const inputsOnly = controls.map((n) => traceWords({ ...n, embedding: net.embedding }, evidenceIds));
  const fs = textFeatures(wordsOf(vocabulary, searchIds)), fe = textFeatures(wordsOf(vocabulary, evidenceIds));
  const search = (a: Float64Array, b: Float64Array) =>
    searchUnits({ search: a, evidence: b }, {
      search: searchTrace.tanhC,
      evidence: trace.tanhC,
      controls: [untrained.tanhC, ...inputsOnly.map((c) => c.tanhC)],
    });
  const quotes = search(fs.insideQuotes, fe.insideQuotes);
  assert.ok(quotes.learned && quotes.rEvidence[quotes.unit] > 0.6, `quotation cell: ${quotes.rEvidence[quotes.unit]}`);
  const determiner = search(fs.afterDeterminer, fe.afterDeterminer);
  assert.ok(!determiner.learned && Math.abs(determiner.rEvidence[determiner.unit]) > 0.5);
  const position = search(fs.sentencePosition.map(Math.log1p), fe.sentencePosition.map(Math.log1p));
  assert.ok(!position.learned, "sentence position: a control gets as far");
  // Saturation: many forget and input gates mostly open, many output gates mostly shut, none in the controls.
  const half = (a: Float64Array) => a.filter((x) => x > 0.5).length;
  const H = model.config.hiddenSize;
  assert.ok(half(saturation(trace.f).right) > H / 2);
  assert.ok(half(saturation(trace.i).right) > H / 2);
  assert.ok(half(saturation(trace.o).left) > H / 2);
  for (const g of ["f", "i", "o"] as const) {
    for (const c of [untrained, ...inputsOnly]) {
      const s = saturation(c[g]);
      assert.equal(Math.max(...s.left, ...s.right), 0);
    }
  }
});

Deno.test("positionProfile, strongestControl and splitByFeature: notebook 10's profiles of one unit", () => {
  const values = Float32Array.from([1, 2, 3, 1, 2, 3]);
  const positions = [1, 2, 3, 1, 2, 3];
  const profile = positionProfile(values, positions, 2);
  const sd = Math.sqrt(2 / 3);
  assert.deepEqual(profile.map((p) => p.n), [1, 2, 3]);
  [-1 / sd, 0, 1 / sd].forEach((m, k) => assert.ok(Math.abs(profile[k].mean - m) < 1e-6));
  assert.deepEqual(positionProfile(values, positions, 3), []); // no position reached 3 times
  assert.throws(() => positionProfile([1, 1], [1, 2]), /the values do not vary/);
  assert.throws(() => positionProfile([1, 2], [1]), /2 values for 1 positions/);
  assert.deepEqual(strongestControl({ controlBests: [{ unit: 4, r: 0.2 }, { unit: 9, r: -0.5 }] }), {
    network: 1,
    unit: 9,
    r: -0.5,
  });
  const split = splitByFeature([0.5, -0.5, 0.1], [1, 0, 0], "inside", "outside");
  assert.deepEqual(split.labels, ["inside (1 tokens)", "outside (2)"]);
  assert.deepEqual(split.data.map((d) => d.where), ["inside (1 tokens)", "outside (2)", "outside (2)"]);
});
