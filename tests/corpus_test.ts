import assert from "node:assert/strict";
import { brownCorpus, buildVocabulary, EOS, parseTagged, splitByTokens, tokenize, UNK, Vocabulary } from "@course/lib";

Deno.test("parseTagged strips tags at the last slash and lowercases", () => {
  assert.deepEqual(parseTagged("\tThe/at 3/4-inch/jj ``/`` Bob's/np$ ./.\n\n\tA/at\n"), [
    ["the", "3/4-inch", "``", "bob's", "."],
    ["a"],
  ]);
});

Deno.test("splitByTokens cuts a sentence at a boundary and loses no token", () => {
  const sentences = [["a", "b", "c", "d"], ["e"], ["f", "g"]];
  const { train, valid, test } = splitByTokens(sentences, { train: 3, valid: 3 });
  assert.deepEqual(train, [["a", "b", "c"]]);
  assert.deepEqual(valid, [["d"], ["e"], ["f"]]);
  assert.deepEqual(test, [["g"]]);
});

Deno.test("buildVocabulary ranks by count, breaks ties alphabetically, and maps the rest to <unk>", () => {
  const vocab = buildVocabulary([["b", "c", "a"], ["c", "b", "d"]], 4);
  assert.deepEqual(vocab.words, [UNK, EOS, "b", "c"]); // b and c twice; a and d once, left out
  assert.deepEqual([...vocab.encode([["a", "B"]])], [0, 2, 1]);
  assert.deepEqual(vocab.decode([3, 1]), ["c", EOS]);
  assert.throws(() => new Vocabulary(["the", UNK]), { name: "RangeError" });
});

Deno.test("the Brown split matches the committed manifest (counts and SHA-256)", async () => {
  const corpus = await brownCorpus();
  const committed = JSON.parse(await Deno.readTextFile(new URL("../data/brown/manifest.json", import.meta.url)));
  assert.deepEqual(corpus.manifest, committed);
  const { train, valid, test } = corpus.manifest.splits;
  assert.deepEqual([train.tokens, valid.tokens, test.tokens], [800_000, 200_000, 161_192]);
  assert.equal(train.tokens + valid.tokens + test.tokens, 1_161_192); // the whole corpus
  assert.equal(corpus.vocabulary.size, 10_000);
  assert.equal(corpus.ids.train.length, train.streamTokens);
});

Deno.test("one normalisation on both sides: a word stored by buildVocabulary is found by id", () => {
  const vocab = buildVocabulary([["Cat", "sat"], ["the", "CAT"]], 10);
  assert.deepEqual(vocab.words, ["<unk>", "<eos>", "cat", "sat", "the"]); // "Cat" and "CAT" are one word
  assert.equal(vocab.id("Cat"), 2);
  assert.equal(vocab.id("cAT"), 2);
  assert.ok(vocab.has("SAT"));
  assert.throws(() => new Vocabulary([UNK, EOS, "Cat"]), /"Cat" is not normalised \(expected "cat"\)/);
});

Deno.test("tokenize reads a prompt the way the Brown corpus was cut", async () => {
  const { vocabulary } = await brownCorpus();
  const cases: [string, string[]][] = [
    ["The king, who", ["the", "king", ",", "who"]],
    ["The jury said, that", ["the", "jury", "said", ",", "that"]],
    ["Mr. Smith went to the U.S. on Monday.", ["mr.", "smith", "went", "to", "the", "u.s.", "on", "monday", "."]],
    ['She said "yes" (twice); then: no?', [
      "she",
      "said",
      "``",
      "yes",
      "''",
      "(",
      "twice",
      ")",
      ";",
      "then",
      ":",
      "no",
      "?",
    ]],
    ["\u201cWhy\u201d \u2014 he didn\u2019t know", ["``", "why", "''", "--", "he", "didn't", "know"]],
    ["a man's  hat--gone!", ["a", "man's", "hat", "--", "gone", "!"]],
    // Single quotes split off as the corpus's ' (it has no `), before a sentence's dot; 'em and o'clock are words.
    ["'I will come back.' He said 'no'.", [
      "'",
      "i",
      "will",
      "come",
      "back",
      ".",
      "'",
      "he",
      "said",
      "'",
      "no",
      "'",
      ".",
    ]],
    ["Tell 'em at ten o'clock.", ["tell", "'em", "at", "ten", "o'clock", "."]],
    ["He paid 3,000 dollars at 7:30, then left.", [
      "he",
      "paid",
      "3,000",
      "dollars",
      "at",
      "7:30",
      ",",
      "then",
      "left",
      ".",
    ]],
    ["I said no.", ["i", "said", "no", "."]],
    ["Room No. 5 and no. 6", ["room", "no.", "5", "and", "no.", "6"]],
    ['He said--"No', ["he", "said", "--", "``", "no"]],
    ['He said:"No," she said.', ["he", "said", ":", "``", "no", ",", "''", "she", "said", "."]],
    ["Wait...", ["wait", ".", ".", "."]],
    ["Dr. Who met Mr. X", ["dr.", "who", "met", "mr.", "x"]],
    ["", []],
  ];
  for (const [text, tokens] of cases) assert.deepEqual(tokenize(text, vocabulary), tokens, text);
  // Every token of these prompts is in the vocabulary, as the corpus's own tokens are.
  for (const [text] of cases.slice(0, 5)) {
    for (const t of tokenize(text, vocabulary)) assert.ok(vocabulary.has(t), `${t} from ${text}`);
  }
});

Deno.test("buildVocabulary and checkTokens: sentences must be lists of words without spaces", () => {
  assert.throws(
    () => buildVocabulary(["hello world"] as never),
    /sentence 0 is "hello world", expected a list of words/,
  );
  assert.throws(() => buildVocabulary([["hello", ""]]), /word 1 is "", expected a word without spaces/);
  assert.throws(() => buildVocabulary([["the king"]]), /word 0 is "the king"/);
  assert.throws(() => tokenize(null as never), /expected a string, got object/);
});
