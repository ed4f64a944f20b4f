/**
 * The Web Worker that runs a notebook page's cells (bundled by `tools/site/build_site.ts` as `runner/worker.js`,
 * an ES module worker; the library's modules come as chunks beside it, loaded when a cell imports them).
 *
 * It keeps one shared scope for the page's cells (`transform.ts` says how a cell's names reach it), runs the cells
 * it is sent one at a time in the order sent, and posts each output as it happens (`protocol.ts`): `console.log`
 * and `console.error` as streams, `Deno.jupyter.display` and `broadcast` as display data (a training cell's live
 * chart is redrawn while it trains: the page is not blocked), a cell's last expression as its result, an error
 * with the cell's line. The page stops a run by terminating the worker and starting a new one.
 *
 * tfjs's WebAssembly files are found beside this script (`tools/site/build_site.ts` copies them there); the files
 * the library reads, in the site's root (`lib/core/platform.ts`, `COURSE_DATA_BASE`).
 *
 * @module
 */

/// <reference lib="webworker" />

import { errorLine, moduleKey, transformCell } from "./transform.ts";
import { formatLog, inspect } from "./inspect.ts";
import { denoGlobal, format } from "./deno_shim.ts";
import { MODULES } from "./modules.ts";
import type { Output, RunRequest, WorkerMessage } from "./protocol.ts";
import { DATA_BASE_GLOBAL } from "@course/lib/core/platform.ts";

const workerScope = self as unknown as DedicatedWorkerGlobalScope;
const postMessage = workerScope.postMessage.bind(workerScope);
const post = (message: WorkerMessage) => postMessage(message);

/** The run whose outputs are being made: outputs that come later (a timer) belong to the last run. */
let current = 0;
const emit = (output: Output) => post({ type: "output", run: current, output });

function stream(name: "stdout" | "stderr") {
  return (...args: unknown[]) => emit({ output_type: "stream", name, text: formatLog(args) + "\n" });
}
console.log = console.info = console.debug = stream("stdout");
console.error = console.warn = stream("stderr");
Object.assign(globalThis, { Deno: denoGlobal(emit) });
// The library fetches the course's files (corpus, model, results, its sources) from the site's root, where
// `writeSiteData` puts them: this script is runner/worker.js.
Object.assign(globalThis, { [DATA_BASE_GLOBAL]: new URL("../", workerScope.location.href).href });

/**
 * The cells' shared scope: their top-level names. Reading a name no cell has declared throws the ReferenceError
 * JavaScript throws for an undeclared variable (the prototype is a proxy that answers only for missing names).
 */
const scope: Record<string, unknown> = Object.create(
  new Proxy({}, {
    get(_target, name) {
      if (typeof name === "string") throw new ReferenceError(`${name} is not defined`);
      return undefined;
    },
  }),
);

/** What a transformed cell calls: `import` looks a module up, `declare` makes a `var` without a value. */
const runtime = {
  async import(specifier: string): Promise<unknown> {
    const load = MODULES[moduleKey(specifier)];
    if (!load) {
      throw new TypeError(
        `Cannot import "${specifier}" in this page: it offers ${Object.keys(MODULES).join(", ")}`,
      );
    }
    return await load();
  },
  declare(name: string) {
    if (!Object.hasOwn(scope, name)) scope[name] = undefined;
  },
};

/** Runs one cell: its outputs, then its result or its error, then `done`. */
async function run(request: RunRequest): Promise<void> {
  current = request.run;
  const started = performance.now();
  const url = `cell-${request.count}.ts`;
  let ok = true;
  try {
    const program = transformCell(request.source, {
      known: Object.keys(scope),
      isGlobal: (name) => name in globalThis,
      sourceURL: url,
    });
    const cell = (0, eval)(program.code) as (s: unknown, r: unknown) => Promise<unknown>;
    const value = await cell(scope, runtime);
    if (value !== undefined) {
      emit({ output_type: "execute_result", data: await format(value), metadata: {}, execution_count: request.count });
    }
  } catch (e) {
    ok = false;
    emit(errorOutput(e, url, request.source));
  }
  post({ type: "done", run: request.run, ok, seconds: (performance.now() - started) / 1000 });
}

/** An error as Jupyter's error output, with the cell's line it came from. */
export function errorOutput(e: unknown, url: string, source: string): Output {
  const ename = e instanceof Error ? e.name : "Uncaught";
  const evalue = e instanceof Error ? e.message : inspect(e);
  const line = errorLine(e, url);
  const traceback = [`${ename}: ${evalue}`];
  const text = line === undefined ? undefined : source.split("\n")[line - 1];
  if (line !== undefined && text !== undefined && !evalue.includes(`line ${line}:`)) {
    traceback.push(`    at line ${line}: ${text.trim()}`);
  }
  return { output_type: "error", ename, evalue, traceback, ...(line === undefined ? {} : { line }) };
}

let queue = Promise.resolve();
workerScope.onmessage = (event: MessageEvent<RunRequest>) => {
  if (event.data?.type === "run") queue = queue.then(() => run(event.data));
};
// An error thrown later by something a cell started (a timer) goes under the cell, as stderr, as in the kernel.
workerScope.onerror = (event: ErrorEvent) => {
  event.preventDefault();
  const e = event.error;
  emit({ output_type: "stream", name: "stderr", text: `Uncaught ${e instanceof Error ? e.stack : event.message}\n` });
};
workerScope.onunhandledrejection = (event: PromiseRejectionEvent) => {
  event.preventDefault();
  const r = event.reason;
  emit({
    output_type: "stream",
    name: "stderr",
    text: `Uncaught (in promise) ${r instanceof Error ? r.stack : inspect(r)}\n`,
  });
};
post({ type: "ready" });
