// Reading a saved model's folder (files.ts): one-line errors that name the file.

import { isNotFound, makeFolder, readBytes, readText, remove, rename, writeBytes } from "../../core/platform.ts";

/**
 * The files of the model folder `dir`: bytes, or parsed JSON. `dir` is a path under Deno, a path or URL of
 * the site's files in a browser (`lib/core/platform.ts`).
 */
export function modelFolder(dir: string) {
  const read = async <T>(name: string, f: (path: string) => Promise<T>): Promise<T> => {
    try {
      return await f(`${dir}/${name}`);
    } catch (e) {
      if (isNotFound(e)) throw new Error(`Cannot load model: ${dir}/${name} does not exist`);
      throw e;
    }
  };
  return {
    bytes: (name: string) => read(name, readBytes),
    // deno-lint-ignore no-explicit-any
    json: async (name: string): Promise<any> => {
      const text = await read(name, readText);
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(`Cannot load model: ${dir}/${name} is not valid JSON`);
      }
    },
  };
}

// Writing a model's folder (files.ts): all files or none, and a check that they belong together.

/**
 * A 32-bit FNV-1a hash of `bytes` (Fowler, Noll & Vo), as 8 hex digits: what a model's config.json
 * records of its other files, so that a folder mixing two saves is refused. A check against accidents
 * (a write cut short, a file copied from another model), not against tampering; about 16 ms for the
 * course's 14.5 MB of weights.
 *
 * @example
 * ```ts
 * import { checksum } from "@course/lib/engine/wordlm/model_files.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checksum(new Uint8Array(0)), "811c9dc5"); // FNV-1a's offset basis
 * assert.equal(checksum(new TextEncoder().encode("a")), "e40c292c");
 * ```
 */
export function checksum(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/**
 * Writes a model's files into `dir` (created if needed) so that a reader never finds some of them new
 * and some old: each is written under a temporary name beside its place (`.NAME.saving-XXXXXXXX`), and
 * only once all are written are they renamed into place, in the order given (put config.json, which
 * records the others' checksums, last). A write that fails removes the temporary files and leaves
 * `dir` as it was; the renames themselves cannot fail part-way short of a crash, and a crash between
 * two of them leaves files that the checksums refuse to load together. In a browser the files are kept in
 * the worker's memory, under the same names, until it stops (`lib/core/platform.ts`).
 *
 * @throws the error of the write that failed, after cleaning up
 */
export async function writeModelFiles(dir: string, files: readonly (readonly [string, Uint8Array])[]): Promise<void> {
  await makeFolder(dir);
  const tag = crypto.getRandomValues(new Uint32Array(1))[0].toString(16).padStart(8, "0");
  const temporary = files.map(([name]) => `${dir}/.${name}.saving-${tag}`);
  try {
    for (const [k, [, bytes]] of files.entries()) await writeBytes(temporary[k], bytes);
  } catch (e) {
    for (const path of temporary) await remove(path).catch(() => {});
    throw e;
  }
  for (const [k, [name]] of files.entries()) await rename(temporary[k], `${dir}/${name}`);
}

/**
 * What config.json records of the other two files, `checksums`: the {@linkcode checksum} of weights.bin's
 * bytes, and of vocab.json's words one per line (so that the same words written another way still match).
 */
export function modelChecksums(weights: Uint8Array, words: readonly string[]): Record<string, string> {
  return { "weights.bin": checksum(weights), "vocab.json": checksum(new TextEncoder().encode(words.join("\n"))) };
}

/**
 * Refuses weights.bin or vocab.json when config.json recorded other checksums for them: the folder mixes
 * two saves. A config.json without `checksums` (saved before they were kept) passes.
 *
 * @throws {Error} naming the file, both checksums and what to do
 */
export function checkModelChecksums(recorded: unknown, weights: Uint8Array, words: readonly string[], dir: string) {
  if (recorded === undefined) return;
  const sums = recorded as Record<string, unknown> | null;
  for (const [file, sum] of Object.entries(modelChecksums(weights, words))) {
    if (sums?.[file] !== sum) {
      throw new Error(
        `Cannot load model: ${dir}/${file} is not the one ${dir}/config.json was saved with (checksum ${sum}, ` +
          `config.json has ${JSON.stringify(sums?.[file])}): the folder mixes two saves, save the model again`,
      );
    }
  }
}
