/**
 * `deno task data`: writes the Brown corpus split of `lib/text/corpus.ts` to `data/brown/`:
 * `train.txt`, `valid.txt`, `test.txt` (one sentence per line, lowercased, tags stripped, before
 * `<unk>` mapping), `vocab.txt` (one token per line, by id) and `manifest.json` (counts and SHA-256
 * checksums), and `brown.txt.gz`, the whole corpus packed in one file for the course website
 * (`packSentences`: every sentence in order, gzipped, about 2 MB; the site fetches it in the browser and
 * `tools/site/site_data.ts` publishes it). The text files and the packed file are not committed (they are
 * rebuilt in a few seconds); the manifest is, and `tests/corpus_test.ts` checks that a fresh build matches it.
 *
 * Usage: deno task data [--check]   (--check: compare with the committed manifest, write nothing)
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BROWN_PACKED, brownCorpus, packSentences, readBrown, sentencesToText } from "@course/lib";
import { DATA, ROOT } from "../_paths.ts";

const folder = pathToFileURL(join(DATA, "brown") + "/");
const sentences = await readBrown();
const corpus = await brownCorpus(sentences);
const manifest = JSON.stringify(corpus.manifest, null, 2) + "\n";

if (Deno.args.includes("--check")) {
  const committed = await Deno.readTextFile(new URL("manifest.json", folder));
  if (committed !== manifest) {
    console.error("data/brown/manifest.json differs from a fresh build of the corpus:\n" + manifest);
    Deno.exit(1);
  }
  console.log("ok: a fresh build of the Brown split matches data/brown/manifest.json");
} else {
  await Deno.mkdir(folder, { recursive: true });
  for (const split of ["train", "valid", "test"] as const) {
    await Deno.writeTextFile(new URL(`${split}.txt`, folder), sentencesToText(corpus.splits[split]));
  }
  await Deno.writeTextFile(new URL("vocab.txt", folder), corpus.vocabulary.words.join("\n") + "\n");
  await Deno.writeTextFile(new URL("manifest.json", folder), manifest);
  await Deno.writeFile(join(ROOT, BROWN_PACKED), await packSentences(sentences));
  const { train, valid, test } = corpus.manifest.splits;
  console.log(
    `wrote data/brown/: train ${train.tokens} tokens, valid ${valid.tokens}, test ${test.tokens}; ` +
      `vocabulary ${corpus.vocabulary.size}; the whole corpus packed in ${BROWN_PACKED}`,
  );
}
