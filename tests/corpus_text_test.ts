import assert from "node:assert/strict";
import { brownCorpus, corpusTokens, detokenize, EOS, readBrown } from "@course/lib";

const sentences = await readBrown();

Deno.test("the corpus's conventions that corpusTokens reproduces, counted on the whole corpus", () => {
  const pairs = (a: string, b: string) =>
    sentences.reduce((n, s) => n + s.filter((t, k) => t === a && s[k + 1] === b).length, 0);
  const endsWith = (a: string, b: string) => sentences.filter((s) => s.at(-2) === a && s.at(-1) === b).length;
  const endsSingle = (p: string) => sentences.filter((s) => s.at(-1) === p && s.at(-2) !== p).length;
  assert.equal(sentences.length, 57_340);
  for (const p of ["?", "!", ";"]) assert.equal(endsSingle(p), 0, `${p} ends a sentence once`); // always doubled
  assert.deepEqual([endsWith("?", "?"), endsWith("!", "!"), endsWith(";", ";")], [2_346, 798, 2_783]);
  assert.equal(sentences.filter((s) => s.slice(0, -1).includes(".")).length, 0); // no "." inside a sentence
  assert.deepEqual([pairs("''", "."), pairs(".", "''")], [3_331, 0]);
  assert.deepEqual([pairs("''", ","), pairs(",", "''")], [2_032, 11]);
  assert.equal(sentences.flat().filter((t) => t === "`").length, 0); // single quotes are ' on both sides
});

Deno.test("corpusTokens: sentence ends get <eos>, quotes and doubled marks as the corpus writes them", () => {
  const cases: [string, string[]][] = [
    ["The jury met. It", ["the", "jury", "met", ".", EOS, "it"]],
    ['He said, "I will go."', ["he", "said", ",", "``", "i", "will", "go", "''", ".", EOS]],
    ['"Yes," she said', ["``", "yes", "''", ",", "she", "said"]],
    ["Stop! I", ["stop", "!", "!", EOS, "i"]],
    ["Why?? No", ["why", "?", "?", EOS, "no"]],
    ["It rained; he left", ["it", "rained", ";", ";", EOS, "he", "left"]],
    ["Wait\u2026 then", ["wait", ".", EOS, "then"]], // the corpus has no ellipsis
    ["Wait... then", ["wait", ".", EOS, "then"]],
    ["1961\u201362 and then \u2013 nothing", ["1961-62", "and", "then", "--", "nothing"]],
    ["\u00abNon\u00bb, dit-il", ["``", "non", "''", ",", "dit-il"]],
    ["'Pro' and\u00a0con", ["'", "pro", "'", "and", "con"]],
    ["Mr. Smith came.", ["mr.", "smith", "came", ".", EOS]],
  ];
  for (const [text, tokens] of cases) assert.deepEqual(corpusTokens(text), tokens, text);
  assert.throws(() => corpusTokens(3 as never), {
    name: "TypeError",
    message: "Cannot read text: expected a string, got number",
  });
});

Deno.test("detokenize shows tokens as text; corpusTokens reads the test split's sentences back (round trip)", async () => {
  assert.equal(
    detokenize(["``", "how", "can", "i", "charge", "this", "''", "?", "?", EOS, "he", "said", "(", "twice", ")", "."]),
    "\u201cHow can I charge this?\u201d He said (twice).",
  );
  assert.equal(
    detokenize(["the", "city", ",", "the", "<unk>", "'", "pro", "'", "."]),
    "The city, the <unk> \u2018pro\u2019.",
  );
  assert.equal(detokenize(["she", "asked", ",", "``", "why", "''", "?", "?"]), "She asked, \u201cWhy?\u201d");
  const { splits, vocabulary } = await brownCorpus(sentences);
  let same = 0;
  const misses: string[] = [];
  for (const s of splits.test) {
    const back = corpusTokens(detokenize(s), vocabulary);
    const expected = [...s, EOS];
    if (back.length === expected.length && back.every((t, k) => t === expected[k])) same++;
    else if (misses.length < 3) misses.push(`${s.join(" ")}\n  -> ${back.join(" ")}`);
  }
  const share = same / splits.test.length;
  // Measured 2026-12-06: 9,984 of 10,128 (98.6 %); 126 of the misses end without a mark ("… a job, mr. ''"),
  // where no reader can know that a sentence ended; most others are words with a quote (o', 'most).
  assert.ok(
    share >= 0.95,
    `${same} of ${splits.test.length} (${(100 * share).toFixed(1)} %) round-trip exactly:\n${misses.join("\n")}`,
  );
  console.log(`round trip: ${same} of ${splits.test.length} test sentences (${(100 * share).toFixed(2)} %)`);
});
