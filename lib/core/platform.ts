/**
 * The host the library runs on, in one place: Deno (the notebooks' kernel, the tests, the tools) or a
 * browser (the course website, where the library is bundled by `deno bundle --platform browser` and runs
 * in a Web Worker). Every other module of `lib/` asks this one for what it needs from its host: files of
 * the repository (the corpus, the lecture text, result files, the course's model, the library's own
 * sources), environment switches, the machine, and saving files. It imports nothing, and nothing a
 * browser bundle cannot load: Node's modules are reached under Deno only, through
 * `process.getBuiltinModule`.
 *
 * The host is decided at run time: Deno when `globalThis.Deno` is Deno's own namespace (a page that
 * defines only `Deno.jupyter` does not count), else a browser. In a browser:
 *
 * - repository files are fetched from the folder named by `globalThis.COURSE_DATA_BASE` (a URL, relative
 *   to the worker's location; {@linkcode DATA_BASE_GLOBAL}), which holds `data/` and `lib/` as the
 *   repository does (`tools/site/site_data.ts` writes it); without it, from the worker script's folder;
 * - saved files are kept in memory for the worker's life, read back by the same paths, and listed by
 *   {@linkcode savedFiles} so that a page can offer them as downloads; they are gone when the worker stops;
 * - environment switches are unset, there is no native library to load, and the machine is what
 *   `navigator` tells.
 *
 * @module
 */

/** Deno's namespace when the library runs under Deno, else undefined (a browser, or a page that shims `Deno.jupyter`). */
export function denoRuntime(): typeof Deno | undefined {
  const deno = (globalThis as { Deno?: Partial<typeof Deno> }).Deno;
  return typeof deno?.readTextFile === "function" && typeof deno.version?.deno === "string"
    ? deno as typeof Deno
    : undefined;
}

/** The global a page sets, in a browser, to the URL of the folder that holds the site's `data/` and `lib/`. */
export const DATA_BASE_GLOBAL = "COURSE_DATA_BASE";

/**
 * The URL of a file of the repository, `path` relative to its root (`"data/lecture/vikram.txt"`): under
 * Deno found from this file's place in `lib/core/`, so it works from any working folder; in a browser in
 * the folder that `globalThis.COURSE_DATA_BASE` names (default: the worker script's folder).
 *
 * @throws {TypeError} if `path` is not a string; {RangeError} if it is empty, absolute or a URL
 *
 * @example
 * ```ts
 * import { repoUrl } from "@course/lib/core/platform.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(repoUrl("data/lecture/vikram.txt").href.endsWith("/data/lecture/vikram.txt"));
 * ```
 */
export function repoUrl(path: string): URL {
  if (typeof path !== "string") throw new TypeError(`Cannot find a course file: expected a path, got ${typeof path}`);
  if (path === "" || /^[a-z][\w+.-]*:|^[\\/]/i.test(path)) {
    throw new RangeError(
      `Cannot find a course file: expected a path inside the repository such as "data/lecture/vikram.txt", got ${
        JSON.stringify(path)
      }`,
    );
  }
  return new URL(path, denoRuntime() ? new URL("../../", import.meta.url) : browserBase());
}

/**
 * A file of the repository as a path a file function takes: under Deno the system's path (as
 * `node:url`'s `fileURLToPath` writes it), in a browser the URL of {@linkcode repoUrl}.
 */
export function repoPath(path: string): string {
  const url = repoUrl(path);
  if (!denoRuntime()) return url.href;
  return nodeBuiltin<typeof import("node:url")>("node:url").fileURLToPath(url);
}

/** The folder the browser fetches repository files from. */
function browserBase(): URL {
  const set = (globalThis as Record<string, unknown>)[DATA_BASE_GLOBAL];
  const here = (globalThis as { location?: { href: string } }).location?.href;
  const folder = set === undefined ? "./" : String(set).endsWith("/") ? String(set) : `${set}/`;
  try {
    return new URL(folder, here);
  } catch {
    throw new Error(
      `Cannot find the course's files: set globalThis.${DATA_BASE_GLOBAL} to the URL of the folder that holds ` +
        `data/ and lib/ (got ${JSON.stringify(set)}, the page is at ${JSON.stringify(here)})`,
    );
  }
}

/** What a browser read throws when the server has no such file (HTTP 404); Deno throws `Deno.errors.NotFound`. */
export class FileNotFound extends Error {
  override name = "FileNotFound";
}

/** Whether `e` says that a file does not exist, on either host. */
export function isNotFound(e: unknown): boolean {
  const deno = denoRuntime();
  return e instanceof FileNotFound || (deno !== undefined && e instanceof deno.errors.NotFound);
}

/**
 * A file's text (UTF-8). `file`: a URL (e.g. from {@linkcode repoUrl}) or a path, which Deno reads
 * relative to the working folder and a browser relative to `COURSE_DATA_BASE`.
 *
 * @throws what Deno throws (`Deno.errors.NotFound` for a missing file); in a browser {@linkcode FileNotFound}
 *   for HTTP 404, an Error naming the URL and the status otherwise
 */
export async function readText(file: string | URL): Promise<string> {
  const deno = denoRuntime();
  if (deno) return await deno.readTextFile(file);
  return new TextDecoder().decode(await browserRead(file));
}

/**
 * A file's text, read synchronously: for the few readers that cannot wait (the gate explorer's page
 * script, inlined into an output). In a browser this works inside a Web Worker, where synchronous
 * requests are allowed (XMLHttpRequest); see {@linkcode readText} for `file` and errors.
 */
export function readTextSync(file: string | URL): string {
  const deno = denoRuntime();
  if (deno) return deno.readTextFileSync(file);
  const url = browserUrl(file);
  const kept = saved.get(url.href);
  if (kept !== undefined) return new TextDecoder().decode(kept);
  const request = new XMLHttpRequest();
  request.open("GET", url.href, false);
  request.send();
  if (request.status === 404) throw new FileNotFound(`Cannot read ${url.href}: no such file (HTTP 404)`);
  if (request.status < 200 || request.status >= 300) {
    throw new Error(`Cannot read ${url.href}: HTTP ${request.status} ${request.statusText}`);
  }
  return request.responseText;
}

/** A file's bytes; see {@linkcode readText} for `file` and errors. */
export async function readBytes(file: string | URL): Promise<Uint8Array> {
  const deno = denoRuntime();
  if (deno) return await deno.readFile(file);
  return await browserRead(file);
}

/** Whether `file` exists (in a browser: was saved, or the server answers it). Never throws. */
export async function exists(file: string | URL): Promise<boolean> {
  const deno = denoRuntime();
  if (deno) return await deno.stat(file).then(() => true, () => false);
  try {
    const url = browserUrl(file);
    if (saved.has(url.href)) return true;
    const response = await fetch(url, { method: "HEAD" });
    await response.arrayBuffer(); // none, but read: a response left unread shows as aborted in the browser's tools
    return response.ok;
  } catch {
    return false;
  }
}

/** Files saved in a browser, by URL: what {@linkcode writeBytes} wrote there. */
const saved = new Map<string, Uint8Array>();

function browserUrl(file: string | URL): URL {
  return file instanceof URL ? file : new URL(file, browserBase());
}

async function browserRead(file: string | URL): Promise<Uint8Array> {
  const url = browserUrl(file);
  const kept = saved.get(url.href);
  if (kept !== undefined) return kept.slice();
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(
      `Cannot read ${url.href}: the page could not fetch it (${(e as Error).message}); ` +
        "a page opened from file:// cannot fetch files: serve its folder over HTTP",
    );
  }
  if (response.status === 404) throw new FileNotFound(`Cannot read ${url.href}: no such file (HTTP 404)`);
  if (!response.ok) throw new Error(`Cannot read ${url.href}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Creates the folder `dir` and its parents (Deno); nothing to do in a browser, whose saves are kept by name. */
export async function makeFolder(dir: string): Promise<void> {
  const deno = denoRuntime();
  if (deno) await deno.mkdir(dir, { recursive: true });
}

/** Writes `bytes` to `file` (Deno: the file system; a browser: memory, for the worker's life). */
export async function writeBytes(file: string, bytes: Uint8Array): Promise<void> {
  const deno = denoRuntime();
  if (deno) await deno.writeFile(file, bytes);
  else saved.set(browserUrl(file).href, bytes.slice());
}

/** Renames the file `from` to `to`, replacing `to`. @throws as Deno does; {@linkcode FileNotFound} in a browser */
export async function rename(from: string, to: string): Promise<void> {
  const deno = denoRuntime();
  if (deno) return await deno.rename(from, to);
  const bytes = saved.get(browserUrl(from).href);
  if (bytes === undefined) throw new FileNotFound(`Cannot rename ${from}: it was not saved`);
  saved.delete(browserUrl(from).href);
  saved.set(browserUrl(to).href, bytes);
}

/** Removes the file `file`. @throws as Deno does; {@linkcode FileNotFound} in a browser */
export async function remove(file: string): Promise<void> {
  const deno = denoRuntime();
  if (deno) return await deno.remove(file);
  if (!saved.delete(browserUrl(file).href)) throw new FileNotFound(`Cannot remove ${file}: it was not saved`);
}

/** In a browser, the files saved so far, by URL (copies): what a page can offer as downloads. Empty under Deno. */
export function savedFiles(): Map<string, Uint8Array> {
  return new Map([...saved].map(([url, bytes]) => [url, bytes.slice()]));
}

/** An environment variable's value; undefined when unset, without permission to read it, or in a browser. */
export function envValue(name: string): string | undefined {
  try {
    return denoRuntime()?.env.get(name);
  } catch {
    return undefined; // no env permission
  }
}

/** The machine the library runs on, as far as the host lets it be read. */
export interface HostMachine {
  /** The CPU's model name, or "unknown" (Deno needs `--allow-sys=cpus`; a browser never tells). */
  readonly cpu: string;
  /** Logical cores (`navigator.hardwareConcurrency`). */
  readonly cores: number;
  /** The memory in GiB, rounded; null when unknown (a browser's `navigator.deviceMemory` is coarse, at most 8). */
  readonly memoryGiB: number | null;
  /** The operating system and its release (Deno), or the browser's platform. */
  readonly os: string;
  /** Deno's version, or the browser's user agent. */
  readonly runtime: string;
}

/** The machine the library runs on ({@linkcode HostMachine}); every field the host does not allow to read is "unknown" or null. */
export function hostMachine(): HostMachine {
  const tryOr = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch {
      return fallback;
    }
  };
  const deno = denoRuntime();
  const nav = (globalThis as { navigator?: Navigator & { deviceMemory?: number } }).navigator;
  if (deno === undefined) {
    return {
      cpu: "unknown",
      cores: nav?.hardwareConcurrency ?? 1,
      memoryGiB: nav?.deviceMemory ?? null,
      os: nav?.platform || "unknown",
      runtime: nav?.userAgent ?? "unknown",
    };
  }
  return {
    cpu: tryOr(() => nodeBuiltin<typeof import("node:os")>("node:os").cpus()[0]?.model ?? "unknown", "unknown"),
    cores: navigator.hardwareConcurrency,
    memoryGiB: tryOr(() => Math.round(deno.systemMemoryInfo().total / 2 ** 30), null),
    os: tryOr(() => `${deno.build.os} ${deno.osRelease()}`, deno.build.os),
    runtime: deno.version.deno,
  };
}

/** One of Node's built-in modules, under Deno (synchronously, without a top-level import a browser could not load). */
function nodeBuiltin<T>(name: string): T {
  const process = (globalThis as { process?: { getBuiltinModule?(name: string): unknown } }).process;
  if (typeof process?.getBuiltinModule !== "function") {
    throw new Error(`Cannot load ${name}: no process.getBuiltinModule`);
  }
  return process.getBuiltinModule(name) as T;
}
