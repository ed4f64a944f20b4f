/**
 * `deno task bench:explorer`: how fast the model explorer answers in Chromium, once the model has
 * loaded. Builds the explorable pages into a temporary folder (`writeExplorers`), opens
 * model-explorer.html from `file://` in headless Chromium (`tools/_browser.ts`), and times, inside the
 * page, the library's calls on the page's model for a 20-word prompt: `predictNext` (the top 5 after
 * the prompt) and `readAlong` (the top 5 after every word, what the page redraws as you type), median
 * of 20 after 3 warm-ups. Also the time from opening the page to the model being ready. Prints one
 * line each, or JSON with `--json`. The target (issue 20): the top 5 under 50 ms.
 *
 * @module
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { launchBrowser } from "../_browser.ts";
import { writeExplorers } from "../site/build_site.ts";

const PROMPT = "the jury said it did find that the city was not to blame for the way the vote was run , and";

const site = await Deno.makeTempDir({ prefix: "bench-explorer-" });
await writeExplorers(site);
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  const opened = performance.now();
  await page.goto(pathToFileURL(join(site, "model-explorer.html")).href, { waitUntil: "load" });
  await page.waitForSelector("[data-model-explorer] [data-status=ready]", { timeout: 60_000 });
  const loadMs = performance.now() - opened;
  const result = await page.evaluate((prompt) => {
    const api = (globalThis as unknown as {
      modelExplorer: { predictNext(p: string): unknown; readAlong(p: string): unknown; backend: string };
    }).modelExplorer;
    const median = (f: () => unknown) => {
      for (let k = 0; k < 3; k++) f();
      const times: number[] = [];
      for (let k = 0; k < 20; k++) {
        const t = performance.now();
        f();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      return (times[9] + times[10]) / 2;
    };
    return {
      backend: api.backend,
      predictNextMs: median(() => api.predictNext(prompt)),
      readAlongMs: median(() => api.readAlong(prompt)),
    };
  }, PROMPT);
  const words = PROMPT.split(" ").length;
  const version = await browser.version();
  if (Deno.args.includes("--json")) {
    console.log(JSON.stringify({ words, loadMs: Math.round(loadMs), ...result, browser: version }));
  } else {
    console.log(`${version}, tfjs on ${result.backend}; a prompt of ${words} words`);
    console.log(`page opened to model ready           ${loadMs.toFixed(0).padStart(6)} ms`);
    console.log(
      `top 5 after the prompt (predictNext)  ${result.predictNextMs.toFixed(1).padStart(6)} ms  (target: under 50)`,
    );
    console.log(`top 5 after every word (readAlong)    ${result.readAlongMs.toFixed(1).padStart(6)} ms`);
  }
} finally {
  await browser.close();
  await Deno.remove(site, { recursive: true });
}
