// What tests/platform_browser_test.ts asks the library on both hosts: the same calls, under Deno directly and in
// Chromium from this file bundled by `deno bundle --platform browser` and run as a module Web Worker. In the worker
// the test's page posts { base, wasm } (COURSE_DATA_BASE and where tfjs's .wasm files are) and gets the probe back.
import { denoRuntime, hostMachine, savedFiles } from "@course/lib/core/platform.ts";
import { brownCorpus } from "@course/lib/text/corpus.ts";
import { lectureText } from "@course/lib/course/lecture_text.ts";
import { readResults } from "@course/lib/course/experiments/results.ts";
import { librarySource } from "@course/lib/course/library_source.ts";
import { cached } from "@course/lib/core/disk_cache.ts";
import { stopRequested } from "@course/lib/core/stop.ts";
import { initTfjs, tfjsEngine } from "@course/lib/engine/tfjs.ts";
import { courseModelDir } from "@course/lib/engine/course_model.ts";
import { loadWordLM, predictNext, saveWordLM } from "@course/lib/engine/wordlm.ts";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** The prompt whose next words both hosts predict with the course's model. */
export const PROMPT = "The jury said that the";

/** What the library gives on this host, as plain JSON. */
export async function probe(): Promise<Record<string, unknown>> {
  const corpus = await brownCorpus();
  const { model, vocabulary } = await loadWordLM(courseModelDir());
  const next = predictNext(model, vocabulary, PROMPT, { k: 5 }).words;
  const missing = await readResults("nothing.json").then(() => "read", (e) => (e as Error).message);
  return {
    corpus: {
      manifest: corpus.manifest,
      ids: Object.fromEntries(
        Object.entries(corpus.ids).map(([split, ids]) => [split, [ids.length, ...ids.slice(0, 8)]]),
      ),
      words: corpus.vocabulary.words.slice(0, 12),
    },
    lecture: await lectureText(),
    oneEpoch: await readResults("one_epoch.json"),
    missing,
    source: (await librarySource("core/lstm_cell.ts", "the six equations")).lines,
    next: next.map(({ word, p }) => ({ word, p })),
    cachedComputes: cached("platform-probe", { n: 1 }, () => 42, { encode: (v) => v, decode: (j) => j as number }, {
      mode: "off",
    }),
    stop: stopRequested(),
  };
}

/** The browser's side only: a model saved in the worker and loaded back from memory, and the host seen. */
async function browserOnly(): Promise<Record<string, unknown>> {
  const { model, vocabulary } = await loadWordLM(courseModelDir());
  await saveWordLM(model, vocabulary, "saved/brown-lstm", { dtype: "float16" });
  const again = await loadWordLM("saved/brown-lstm");
  return {
    engine: tfjsEngine(),
    saved: [...savedFiles().keys()].map((url) => url.slice(url.indexOf("/saved/"))).sort(),
    savedNext: predictNext(again.model, again.vocabulary, PROMPT, { k: 5 }).words,
    cachedDefault: cached("platform-probe", { n: 2 }, () => 7, { encode: (v) => v, decode: (j) => j as number }),
    cachedPublished: cached("platform-probe", { n: 3 }, () => -1, { encode: (v) => v, decode: (j) => j as number }),
    machine: hostMachine(),
  };
}

if (denoRuntime() === undefined && typeof postMessage === "function") {
  // A page's shim of Deno.jupyter, as the course's cell runtime makes one: the library must still see a browser.
  (globalThis as Record<string, unknown>).Deno = { jupyter: {} };
  self.onmessage = async (event: MessageEvent<{ base: string; wasm: string }>) => {
    try {
      (globalThis as Record<string, unknown>).COURSE_DATA_BASE = event.data.base;
      setWasmPaths(event.data.wasm);
      await initTfjs();
      const started = performance.now();
      const result = await probe();
      postMessage({ result, browser: await browserOnly(), seconds: (performance.now() - started) / 1000 });
    } catch (e) {
      postMessage({ error: `${(e as Error).stack ?? e}` });
    }
  };
}
