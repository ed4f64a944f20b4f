// lib/inside.ts: the trained tfjs model moved into the library, and the statistics of notebook 10.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { brownCorpus, Vocabulary } from "@course/lib";
import { initTfjs } from "@course/lib/tfjs.ts";
import { disposeWordLM, evaluateWordLM, initWordLM, loadWordLM, wordLMForward, zeroState } from "@course/lib/wordlm.ts";
import {
  controlNetworks,
  correlations,
  courseModelDir,
  DETERMINERS,
  entropyBits,
  findPassage,
  FOUND_UNITS,
  mostMovingUnits,
  nextWordProbabilities,
  passagePredictions,
  positionProfile,
  saturation,
  searchUnits,
  sentenceStarts,
  shortestQuotedSentence,
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

// Notebook 10's analysis, exactly as the notebook runs it: its markdown states these numbers as plain text.
const N = 8_000;
const searchIds = corpus.ids.valid.subarray(0, N), evidenceIds = corpus.ids.test.subarray(0, N);
const searchWords = wordsOf(vocabulary, searchIds), words = wordsOf(vocabulary, evidenceIds);
const searchTrace = traceWords(net, searchIds), trace = traceWords(net, evidenceIds);
const controls = controlNetworks(model, net, [1, 2, 3]);
const controlTraces = controls.nets.map((n) => traceWords(n, evidenceIds));
const fs = textFeatures(searchWords), fe = textFeatures(words);
const search = (a: Float64Array, b: Float64Array) =>
  searchUnits({ search: a, evidence: b }, {
    search: searchTrace.tanhC,
    evidence: trace.tanhC,
    controls: controlTraces.map((c) => c.tanhC),
  });
const position = search(fs.sentencePosition.map(Math.log1p), fe.sentencePosition.map(Math.log1p));
const quotes = search(fs.insideQuotes, fe.insideQuotes);
const determiner = search(fs.afterDeterminer, fe.afterDeterminer);
/** A number as the notebook writes it: `digits` decimals, so the tolerance is half the last digit. */
const shown = (x: number, digits = 2) => x.toFixed(digits);
const pct = (part: number, whole: number) => `${Math.round((100 * part) / whole)} %`;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

Deno.test("notebook 10, section 4: the three finds, their runner-ups and the strongest controls", () => {
  const H = model.config.hiddenSize;
  assert.equal(H, 256);
  const claims = [
    { find: position, unit: 250, r: "-0.71", next: "0.65", control: 1, controlR: "0.78", learned: false },
    { find: quotes, unit: 13, r: "0.71", next: "0.60", control: 1, controlR: "0.46", learned: true },
    { find: determiner, unit: 84, r: "-0.59", next: "0.49", control: 1, controlR: "0.45", learned: false },
  ];
  for (const c of claims) {
    const f = c.find;
    assert.equal(f.unit, c.unit);
    assert.equal(shown(f.rEvidence[f.unit]), c.r);
    const runnerUp = Math.max(...[...f.rEvidence].map((x, k) => (k === f.unit ? 0 : Math.abs(x))));
    assert.equal(shown(runnerUp), c.next);
    const strongestC = strongestControl(f);
    assert.equal(strongestC.network, c.control, "the untrained LSTM reading the trained word vectors, seed 1");
    assert.equal(shown(Math.abs(strongestC.r)), c.controlR);
    assert.equal(f.learned, c.learned);
  }
  // FOUND_UNITS, which the model explorer colours text by, names the same units, signs and verdicts.
  const finds = [quotes, position, determiner];
  FOUND_UNITS.forEach((u, k) => {
    const f = finds[k];
    assert.equal(u.unit, f.unit, u.name);
    assert.equal(u.learned, f.learned, u.name);
    assert.ok(u.reads.includes(`r = ${shown(f.rEvidence[f.unit]).replace("-", "−")}`), `${u.name}: ${u.reads}`);
  });
  assert.equal(shown(Math.abs(quotes.rEvidence[13]) / Math.abs(strongestControl(quotes).r)), "1.55");
  assert.ok(
    position.rEvidence[250] < 0 && strongestControl(position).r > 0,
    "the control's curve rises where unit 250's falls",
  );
  assert.equal(pct(Math.abs(strongestControl(determiner).r), Math.abs(determiner.rEvidence[84])), "77 %");
  // Not the sign of a best-of-256 pick on fresh text: the evidence text is fiction full of dialogue.
  assert.ok(Math.abs(quotes.rEvidence[13]) > Math.abs(quotes.rSearch[13]));
  const share = (f: Float64Array) => pct(f.reduce((a, b) => a + b, 0), f.length);
  assert.equal(share(fe.insideQuotes), "25 %");
  assert.equal(share(fs.insideQuotes), "6 %");
  // The controls' range over seeds on sentence position, against the trained unit's 0.71.
  const seeds = position.controlBests.slice(1).map((b) => Math.abs(b.r));
  assert.equal(`${shown(Math.min(...seeds))} to ${shown(Math.max(...seeds))}`, "0.61 to 0.78");
});

Deno.test("notebook 10, section 4: how long the quotation cell remembers, and the control beside it", () => {
  const inside = fe.insideQuotes, q = unitValues(trace.tanhC, 13), fq = unitValues(trace.f, 13);
  const depth = new Float64Array(words.length).fill(-1); // tokens since the opening mark, -1 outside
  inside.forEach((x, t) => {
    if (x) depth[t] = t > 0 && inside[t - 1] ? depth[t - 1] + 1 : 0;
  });
  const at = (test: (t: number) => boolean) => [...depth.keys()].filter(test);
  const above = (ts: number[], values: Float32Array, bar: number) =>
    pct(ts.filter((t) => values[t] > bar).length, ts.length);
  const bands = [[0, 20], [20, 40], [40, Infinity]].map(([lo, hi]) => at((t) => depth[t] >= lo && depth[t] < hi));
  const outside = at((t) => !inside[t]);
  assert.equal(at((t) => depth[t] === 0).length, 141, "complete quotations");
  assert.deepEqual([words.filter((w) => w === "``").length, words.filter((w) => w === "''").length], [143, 142]);
  assert.equal(at((t) => depth[t] === 20).length, 24);
  assert.equal(at((t) => depth[t] === 40).length, 11);
  assert.deepEqual(bands.map((b) => above(b, q, 0.5)), ["98 %", "78 %", "60 %"]);
  assert.equal(above(outside, q, 0.5), "11 %");
  assert.equal(shown(mean(at((t) => depth[t] === 0).map((t) => fq[t]))), "0.06");
  const later = at((t) => depth[t] > 0).map((t) => fq[t]).sort((a, b) => a - b);
  assert.equal(shown(later[Math.floor(later.length / 2)]), "0.97");
  const eosIn = at((t) => inside[t] === 1 && words[t] === "<eos>"),
    eosOut = at((t) => !inside[t] && words[t] === "<eos>");
  assert.deepEqual([eosIn.filter((t) => q[t] > 0.5).length, eosIn.length], [67, 95]);
  assert.deepEqual([eosOut.filter((t) => q[t] > 0.5).length, eosOut.length], [5, 478]);
  // The control, each unit on its own scale: the share above its own 95th percentile outside quotations.
  const control = strongestControl(quotes);
  assert.deepEqual([control.network, control.unit], [1, 222]);
  const cq = unitValues(controlTraces[control.network].tanhC, control.unit);
  assert.deepEqual([shown(Math.min(...cq)), shown(Math.max(...cq))], ["-0.27", "0.26"]);
  const p95 = (values: Float32Array) =>
    outside.map((t) => values[t]).sort((a, b) => a - b)[Math.floor(0.95 * outside.length)];
  assert.deepEqual(bands.map((b) => above(b, q, p95(q))), ["96 %", "63 %", "51 %"]);
  assert.deepEqual(bands.map((b) => above(b, cq, p95(cq))), ["47 %", "11 %", "21 %"]);
});

Deno.test("notebook 10, section 4: the determiner cell reacts to the word just read", () => {
  const d = unitValues(trace.tanhC, 84), det = fe.afterDeterminer;
  const on = [...det.keys()].filter((t) => det[t] === 1),
    next = on.map((t) => t + 1).filter((t) => t < d.length && !det[t]);
  const negative = (ts: number[]) => pct(ts.filter((t) => d[t] < 0).length, ts.length);
  assert.deepEqual([negative(on), shown(mean(on.map((t) => d[t])))], ["100 %", "-0.74"]);
  assert.deepEqual([negative(next), shown(mean(next.map((t) => d[t])))], ["58 %", "-0.20"]);
  const byWord = new Map<string, number[]>();
  words.forEach((w, t) => byWord.set(w, [...(byWord.get(w) ?? []), d[t]]));
  const lowest = [...byWord].filter(([, v]) => v.length >= 5).map(([w, v]) => ({ w, m: mean(v) }))
    .sort((a, b) => a.m - b.m).slice(0, 10).map(({ w }) => w);
  assert.deepEqual(lowest, ["rear", "black", "spring", "front", "valley", "darkness", "two", "its", "the", "one"]);
  const meanF = (k: number) => shown(mean([...unitValues(trace.f, k)]));
  assert.deepEqual([meanF(84), meanF(13)], ["0.19", "0.74"]);
});

Deno.test("notebook 10, section 5: saturated gates in the trained network, none in the four controls", () => {
  const count = (a: Float64Array, bar: number) => a.filter((x) => x > bar).length;
  const [f, i, o] = [trace.f, trace.i, trace.o].map((g) => saturation(g));
  assert.deepEqual([count(f.right, 0.5), count(f.right, 0.9), count(f.left, 0.5)], [154, 84, 2]);
  assert.deepEqual([count(i.right, 0.5), count(i.right, 0.9), count(i.left, 0.5)], [181, 28, 7]);
  assert.deepEqual([count(o.left, 0.5), count(o.left, 0.9), count(o.right, 0.5)], [137, 7, 23]);
  assert.equal(controlTraces.length, 4);
  for (const g of ["f", "i", "o"] as const) {
    for (const c of controlTraces) {
      const s = saturation(c[g]);
      assert.equal(Math.max(...s.left, ...s.right), 0);
    }
  }
});

Deno.test("notebook 10, sections 3, 5 and 6: the passage, its sentence, the quotation gate and the predictions", () => {
  const passage = findPassage(words, { after: 1_000, minTokens: 45, maxTokens: 70, maxUnknown: 2 });
  assert.deepEqual(passage, { from: 1488, to: 1539 });
  const sentence = shortestQuotedSentence(words, passage);
  const s = words.slice(sentence.from, sentence.to);
  const fAt = (t: number) => shown(trace.f[sentence.from + t][13]);
  const open = s.indexOf("``"), close = s.indexOf("''");
  assert.equal(fAt(open), "0.11");
  const insideF = s.slice(open + 1, close).map((_, t) => trace.f[sentence.from + open + 1 + t][13]);
  assert.deepEqual([shown(Math.min(...insideF)), shown(Math.max(...insideF))], ["0.99", "1.00"]);
  assert.deepEqual([fAt(close), fAt(close + 1), s[close + 1]], ["0.96", "0.04", ","]);
  const fq = unitValues(trace.f, 13);
  const closings = words.flatMap((w, t) => (w === "''" && t + 1 < words.length ? [t] : []));
  assert.equal(closings.length, 142);
  assert.deepEqual([shown(mean(closings.map((t) => fq[t]))), closings.filter((t) => fq[t] > 0.5).length], [
    "0.93",
    140,
  ]);
  assert.deepEqual([shown(mean(closings.map((t) => fq[t + 1]))), closings.filter((t) => fq[t + 1] < 0.5).length], [
    "0.04",
    142,
  ]);
  // Section 6: the next-word distribution after each token of the passage.
  const predictions = passagePredictions(net, vocabulary, trace, evidenceIds, passage);
  assert.equal(predictions.length, 51);
  const hits = predictions.filter((d) => d.top[0].word === d.next);
  const marks = new Set([".", ",", "?", "!", ";", ":", "``", "''", "--", "<eos>"]);
  assert.equal(hits.length, 20);
  assert.equal(hits.filter((d) => marks.has(d.next)).length, 15);
  assert.deepEqual(hits.filter((d) => !marks.has(d.next)).map((d) => d.next), ["of", "said", "is", "a", "said"]);
  assert.equal(shown(Math.exp(-mean(predictions.map((d) => Math.log(d.pNext)))), 1), "54.2");
  const bySureness = [...predictions].sort((a, b) => a.bits - b.bits);
  assert.deepEqual([bySureness[0].word, shown(bySureness[0].bits)], [".", "0.01"]);
  const unsure = bySureness.at(-1)!;
  assert.deepEqual([unsure.word, shown(unsure.bits)], ["empty", "10.13"]);
  assert.equal(Math.round(2 ** unsure.bits / 100) * 100, 1100, "as unsure as a fair choice among about 1,100 words");
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

Deno.test("sentenceStarts, findPassage, shortestQuotedSentence, mostMovingUnits: on a made-up text", () => {
  const text = ["a", "b", "<eos>", "``", "c", "<eos>", "d", "''", "<eos>", "e", "<eos>"];
  assert.deepEqual(sentenceStarts(text), [0, 3, 6, 9]);
  assert.deepEqual(findPassage(text, { after: 0, minTokens: 3, maxTokens: 8 }), { from: 3, to: 9 });
  assert.throws(() => findPassage(text, { after: 4 }), /Cannot find a passage: no 45 to 70 tokens/);
  const quoted = ["``", "x", "''", "<eos>", "``", "y", "z", "''", "<eos>"];
  assert.deepEqual(shortestQuotedSentence(quoted, { from: 0, to: 9 }), { from: 0, to: 4 });
  assert.throws(
    () => shortestQuotedSentence(text, { from: 0, to: 3 }),
    /no sentence in tokens \[0, 3\) holds a quotation/,
  );
  // Unit 1 moves most, then unit 2; unit 0 is still.
  const g = [[0, 0, 0], [0, 1, 0.5], [0, 0, 0], [0, 1, 0.5]].map((r) => Float32Array.from(r));
  assert.deepEqual(mostMovingUnits([g], { from: 0, to: 4 }, 2), [1, 2]);
  assert.deepEqual(mostMovingUnits([g], { from: 0, to: 4 }, 2, [1]), [2, 0]);
});

Deno.test("controlNetworks: an untrained network, then untrained LSTMs reading the trained word vectors", () => {
  const before = tf.memory().numTensors;
  const c = controlNetworks(model, net, [1, 2]);
  assert.equal(tf.memory().numTensors, before, "the untrained tfjs models are freed");
  assert.deepEqual(c.names, [
    "untrained network",
    "untrained LSTM, trained word vectors, seed 1",
    "untrained LSTM, trained word vectors, seed 2",
  ]);
  assert.notEqual(c.nets[0].embedding, net.embedding);
  assert.equal(c.nets[1].embedding, net.embedding);
  assert.equal(c.nets[1].params, c.nets[0].params, "seed 1 serves both kinds");
  assert.throws(() => controlNetworks(model, net, []), /expected at least one seed/);
});
