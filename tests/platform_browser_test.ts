// The library in a browser: tests/_platform_probe.ts bundled by `deno bundle --platform browser --format esm`,
// run in headless Chromium as a module Web Worker, reading the course's files that tools/site/site_data.ts
// publishes, served by a static server on a free port (the page names their folder in COURSE_DATA_BASE). It
// must give what the same calls give under Deno: the Brown corpus's split, checksums and ids (from one packed
// file), the lecture text, a result file, the library's source, the course model's next words; and a model
// saved in the browser loads back from the worker's memory.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { launchBrowser, openPage, serveFolder } from "../tools/_browser.ts";
import { writeSiteData } from "../tools/site/site_data.ts";
import { cached } from "../lib/core/disk_cache.ts";
import { ROOT } from "../tools/_paths.ts";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import { probe } from "./_platform_probe.ts";

/** The page: starts the probe as a module worker and keeps what it posts in `window.probeResult`. */
const PAGE =
  `<!doctype html><meta charset="utf-8"><title>platform probe</title><link rel="icon" href="data:,"><script type="module">
const worker = new Worker("./probe.js", { type: "module" });
worker.onmessage = (e) => { window.probeResult = e.data; };
worker.onerror = (e) => { window.probeResult = { error: "worker: " + e.message }; };
worker.postMessage({ base: "course/", wasm: new URL("./tfjs/", location.href).href });
</script>`;

async function bundleProbe(out: string): Promise<void> {
  const args = ["bundle", "--quiet", "--platform", "browser", "--format", "esm", "-o", out, "tests/_platform_probe.ts"];
  const done = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stdout: "piped", stderr: "piped" }).output();
  if (!done.success) throw new Error(`deno bundle failed: ${new TextDecoder().decode(done.stderr)}`);
}

Deno.test("the library in Chromium's Web Worker reads the site's files and computes what it computes under Deno", async () => {
  const started = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "platform-browser-" });
  const { server, requests, url } = serveFolder(dir);
  const browser = await launchBrowser();
  try {
    // A result kept under Deno (build/cache/), which the site publishes and the worker must load, not compute.
    cached("platform-probe", { n: 3 }, () => 99, { encode: (v) => v, decode: (j) => j as number }, { mode: "refresh" });
    const [files] = await Promise.all([writeSiteData(join(dir, "course")), bundleProbe(join(dir, "probe.js"))]);
    for (const file of ["data/brown/brown.txt.gz", "data/lecture/vikram.txt", "data/models/brown-lstm/weights.bin"]) {
      assert.ok(files.includes(file), `writeSiteData wrote ${file}`);
    }
    assert.ok(files.includes("data/results/one_epoch.json") && files.includes("lib/core/lstm_cell.ts"));
    assert.ok(!files.some((f) => f.startsWith("data/results/experiments/")), "only the result files notebooks read");
    const require = createRequire(import.meta.url);
    await Deno.mkdir(join(dir, "tfjs"));
    for (const name of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm"]) {
      await Deno.copyFile(require.resolve(`@tensorflow/tfjs-backend-wasm/dist/${name}`), join(dir, "tfjs", name));
    }
    await Deno.writeTextFile(join(dir, "index.html"), PAGE);

    const { page, errors } = await openPage(browser);
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as { probeResult?: unknown }).probeResult !== undefined, {
      timeout: 60_000,
    });
    const got = await page.evaluate(() => (globalThis as { probeResult?: unknown }).probeResult) as {
      result: Record<string, unknown>;
      browser: Record<string, unknown> & { machine: Record<string, unknown> };
      seconds: number;
      error?: string;
    };
    assert.equal(got.error, undefined, `the worker failed: ${got.error}`);
    await initTfjs();
    const expected = await probe();

    const { next, ...rest } = got.result as { next: { word: string; p: number }[] };
    const { next: nextDeno, ...restDeno } = expected as { next: { word: string; p: number }[] };
    assert.deepEqual(rest, restDeno, "corpus, lecture text, result file, source, cache and stop as under Deno");
    assert.deepEqual(next.map((w) => w.word), nextDeno.map((w) => w.word));
    next.forEach((w, k) =>
      assert.ok(Math.abs(w.p - nextDeno[k].p) < 1e-5, `${w.word}: ${w.p} against ${nextDeno[k].p}`)
    );

    assert.equal(got.browser.engine, "tfjs-wasm");
    assert.deepEqual(got.browser.saved, [
      "/saved/brown-lstm/config.json",
      "/saved/brown-lstm/vocab.json",
      "/saved/brown-lstm/weights.bin",
    ]);
    assert.deepEqual(got.browser.savedNext, next, "the model saved in the worker loads back with the same weights");
    assert.equal(got.browser.cachedDefault, 7);
    assert.equal(got.browser.cachedPublished, 99, "a result the site publishes in build/cache/ is loaded");
    assert.equal(got.browser.machine.cpu, "unknown");
    assert.ok(Number(got.browser.machine.cores) >= 1 && /Chrome/.test(String(got.browser.machine.runtime)));
    assert.deepEqual(requests.filter((r) => r.startsWith("/course/data/brown/")).sort(), [
      "/course/data/brown/brown.txt.gz",
      "/course/data/brown/manifest.json",
    ], "the corpus is one file (and its manifest)");
    assert.deepEqual(errors.filter((e) => !e.text.includes("nothing.json")), []);
    console.log(
      `  the probe took ${got.seconds.toFixed(1)} s in the worker, ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s in all`,
    );
  } finally {
    await browser.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
