/**
 * Results computed once and kept on disk: a model trained in notebook 04 is loaded, not trained
 * again, when notebook 05 asks for the very same one. A result is only reused when it was made from
 * the same inputs by the same code: the key holds the inputs (as JSON) and a fingerprint of the
 * library's sources and of the Deno (and V8) version that ran them, so any change to `lib/` trains
 * afresh. Entries live in `build/cache/` of the course's folder; deleting it is always safe.
 *
 * Where there is no file system to use (a program without read and write permission for the folder),
 * nothing is cached and every call computes. In a browser (the course website's "run it here"), the
 * cache is read-only: the site publishes `build/cache/` as the notebooks left it, with the fingerprint
 * they were made under (`build/cache/fingerprint.json`, {@linkcode PUBLISHED_FINGERPRINT}), and a
 * result found there for the same key is loaded (synchronously, as a Web Worker may); anything else
 * is computed and not kept.
 *
 * @module
 */

import { denoRuntime, readTextSync, repoUrl } from "./platform.ts";

/**
 * Where a published cache names the library fingerprint its entries were made under, and lists them:
 * `{ "library": "<hex>", "entries": ["story-lstm/<hash>.json", …] }` (paths under `build/cache/`).
 */
export const PUBLISHED_FINGERPRINT = "build/cache/fingerprint.json";

/** `"use"` (default): load a kept result, else compute and keep it; `"refresh"`: always compute, then keep it; `"off"`: compute only. */
export type CacheMode = "use" | "refresh" | "off";

/** How a result becomes JSON and back. `decode` may throw on anything malformed: the result is then computed again. */
export interface CacheCodec<T> {
  encode(value: T): unknown;
  decode(json: unknown): T;
}

/** Options for {@linkcode cached}. */
export interface CachedOptions {
  /** See {@linkcode CacheMode}; default `"use"`. */
  mode?: CacheMode;
  /** The folder (default {@linkcode courseCacheDir}); `null`: no caching. */
  dir?: string | null;
}

/**
 * `compute()`, or the result an earlier call with the same `name`, `inputs` and library kept.
 *
 * The entry is written to a temporary file and renamed into place, so an interrupted write leaves
 * no entry that loads wrong; an entry that does not parse or decode is computed again and replaced.
 *
 * @param name what is computed, a file-name-safe word such as `"story-lstm"`
 * @param inputs everything the result depends on besides the library's code, as plain JSON values
 * @throws {TypeError} if `name` is not made of letters, digits, `-` and `_`; whatever `compute` throws
 *
 * @example
 * ```ts
 * import { cached } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const dir = Deno.makeTempDirSync();
 * const codec = { encode: (v: number[]) => v, decode: (j: unknown) => j as number[] };
 * let runs = 0;
 * const square = () => (runs++, [1, 4, 9]);
 * assert.deepEqual(cached("squares", { n: 3 }, square, codec, { dir }), [1, 4, 9]);
 * assert.deepEqual(cached("squares", { n: 3 }, square, codec, { dir }), [1, 4, 9]); // loaded
 * assert.equal(runs, 1);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function cached<T>(
  name: string,
  inputs: unknown,
  compute: () => T,
  codec: CacheCodec<T>,
  options: CachedOptions = {},
): T {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new TypeError(`Cannot cache result: name must be letters, digits, - and _, got ${JSON.stringify(name)}`);
  }
  const { mode = "use" } = options;
  if (mode !== "use" && mode !== "refresh" && mode !== "off") {
    throw new TypeError(`Cannot cache result: mode must be "use", "refresh" or "off", got ${JSON.stringify(mode)}`);
  }
  if (denoRuntime() === undefined) return mode === "use" ? publishedOr(name, inputs, compute, codec) : compute();
  const dir = options.dir === undefined ? courseCacheDir() : options.dir;
  if (mode === "off" || dir === null || !canUse(dir)) return compute();
  const key = JSON.stringify({ name, inputs, library: libraryFingerprint() });
  const folder = `${dir}/${name}`, file = `${folder}/${hashHex(key)}.json`;
  if (mode === "use") {
    try {
      const entry = JSON.parse(Deno.readTextFileSync(file));
      if (entry.key === key) return codec.decode(entry.value);
    } catch {
      // absent, unreadable or malformed: computed again below
    }
  }
  const value = compute();
  try {
    Deno.mkdirSync(folder, { recursive: true });
    const temporary = `${file}.${Deno.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    Deno.writeTextFileSync(temporary, JSON.stringify({ key, value: codec.encode(value) }));
    Deno.renameSync(temporary, file);
    prune(folder, file);
  } catch {
    // a read-only folder or a full disk: the result is still returned, just not kept
  }
  return value;
}

/** The published cache's index, read once (see {@linkcode PUBLISHED_FINGERPRINT}). */
let published: { library: string; entries: string[] } | undefined;

/** In a browser: the result a published cache holds for the same key, else `compute()` (nothing is kept). */
function publishedOr<T>(name: string, inputs: unknown, compute: () => T, codec: CacheCodec<T>): T {
  try {
    published ??= JSON.parse(readTextSync(repoUrl(PUBLISHED_FINGERPRINT))) as { library: string; entries: string[] };
    const key = JSON.stringify({ name, inputs, library: published.library });
    const path = `${name}/${hashHex(key)}.json`;
    if (published.entries.includes(path)) { // asked only when listed: no failed requests in the page's console
      const entry = JSON.parse(readTextSync(repoUrl(`build/cache/${path}`)));
      if (entry.key === key) return codec.decode(entry.value);
    }
  } catch {
    // no published cache, no entry for this key, or one that does not decode: computed below
  }
  return compute();
}

/** Removes the folder's entries made by another version of the library, and temporary files an interrupted write left. */
function prune(folder: string, keep: string): void {
  for (const entry of Deno.readDirSync(folder)) {
    const path = `${folder}/${entry.name}`;
    if (path === keep || !entry.isFile) continue;
    try {
      if (entry.name.endsWith(".tmp")) {
        const age = Date.now() - (Deno.statSync(path).mtime?.getTime() ?? Date.now());
        if (age > 10 * 60_000) Deno.removeSync(path); // a write still under way is younger
      } else if (JSON.parse(JSON.parse(Deno.readTextFileSync(path)).key).library !== libraryFingerprint()) {
        Deno.removeSync(path);
      }
    } catch {
      Deno.removeSync(path); // unreadable: it would never load anyway
    }
  }
}

/** `build/cache` in the course's folder (beside `lib/`), or `null` in a browser or where this module was not loaded from a file. */
export function courseCacheDir(): string | null {
  if (denoRuntime() === undefined) return null; // a browser: no file system, every call computes
  const url = new URL("../../build/cache", import.meta.url);
  if (url.protocol !== "file:") return null;
  return decodeURIComponent(url.pathname).replace(/^\/([A-Za-z]:)/, "$1"); // a Windows path loses its leading slash
}

let fingerprint: string | undefined;

/**
 * A hash of every source file of `lib/` and of the Deno and V8 versions: what a kept result was
 * computed with. Read once per process.
 */
export function libraryFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const root = new URL("../", import.meta.url); // lib/, this file being in lib/core/
  const sources: string[] = [];
  const walk = (url: URL) => {
    const entries = [...Deno.readDirSync(url)].sort((a, b) => a.name < b.name ? -1 : 1);
    for (const entry of entries) {
      if (entry.isDirectory) walk(new URL(`${entry.name}/`, url));
      else if (entry.name.endsWith(".ts")) sources.push(entry.name, Deno.readTextFileSync(new URL(entry.name, url)));
    }
  };
  walk(root);
  fingerprint = hashHex([Deno.version.deno, Deno.version.v8, ...sources].join("\0"));
  return fingerprint;
}

/** Whether this process may read and write `dir` and read `lib/` (never prompts). */
function canUse(dir: string): boolean {
  if (denoRuntime() === undefined) return false; // a browser: no file system
  try {
    const granted = (d: Deno.PermissionDescriptor) => Deno.permissions.querySync(d).state === "granted";
    const lib = new URL("../", import.meta.url);
    return lib.protocol === "file:" && granted({ name: "read", path: dir }) && granted({ name: "write", path: dir }) &&
      granted({ name: "read", path: lib });
  } catch {
    return false;
  }
}

/** 64 bits of two FNV-1a hashes over UTF-16 code units, as 16 hex digits: a file name, not a security measure. */
function hashHex(text: string): string {
  let a = 0x811c9dc5, b = 0x01000193 ^ 0x5bd1e995;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
