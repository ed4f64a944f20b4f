/**
 * Opens the course website in headless Chromium, page by page, as a learner's browser would, and
 * checks it: the index and every notebook page load without an error in the console, every chart
 * the notebook drew is on the page with a size and something drawn in it, the contents link to
 * every page, and no link, stylesheet, script or image points at a file or an anchor that is not
 * there. The explorable pages (the gate and model explorers) must start: their script fills them in,
 * without an error. Saves screenshots of every page to build/site-screenshots/ (the test's artifacts).
 *
 * ```sh
 * deno task build             # first: executes the notebooks and writes build/site/
 * deno run -A tools/site/check_site.ts [--site build/site] [--shots build/site-screenshots]
 * ```
 *
 * Prints a line per page, then `N passed, N failed`; exits 1 if a page failed.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launchBrowser, openPage, screenshots } from "../_browser.ts";
import {
  checkRenderedIndex,
  checkRenderedPage,
  deadLinks,
  type ExplorerInfo,
  type PageInfo,
  type RenderedPage,
} from "./_site.ts";
import { ROOT } from "../_paths.ts";

/** Read in the page: the svgs of notebook outputs (lab template: .jp-OutputArea-output), and every link. */
const READ_PAGE = `(() => {
  const svgs = [...document.querySelectorAll(".jp-OutputArea-output svg")].filter((s) => !s.parentElement.closest("svg"));
  return {
    svgs: svgs.map((s) => {
      const r = s.getBoundingClientRect();
      const paths = [...s.querySelectorAll("path")];
      return {
        width: r.width,
        height: r.height,
        marks: s.querySelectorAll("path, rect, circle, line, polyline, polygon, text, image").length,
        paths: paths.length,
        emptyPaths: paths.filter((p) => !(p.getAttribute("d") ?? "").trim()).length,
      };
    }),
    links: [...document.querySelectorAll("a[href], link[href], img[src], script[src]")].map((a) => a.getAttribute("href") ?? a.getAttribute("src")),
    ids: [...document.querySelectorAll("[id], a[name]")].map((e) => e.id || e.getAttribute("name")),
  };
})()`;

/**
 * The built site's pages (its `pages.json`), or undefined after saying, in the checks' two closing lines, that
 * there is no site to check.
 */
export async function readPages(site: string): Promise<PageInfo[] | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(site, "pages.json")));
  } catch {
    console.log(`FAIL  no site in ${site}: run deno task build first`);
    console.log("0 passed, 1 failed");
    return undefined;
  }
}

export async function checkSite(args: string[]): Promise<number> {
  let site = join(ROOT, "build", "site"), shots = join(ROOT, "build", "site-screenshots");
  for (let k = 0; k < args.length; k++) {
    if (args[k] === "--site") site = resolve(args[++k]);
    else if (args[k] === "--shots") shots = resolve(args[++k]);
    else throw new RangeError(`Unknown argument ${args[k]}: expected --site DIR or --shots DIR`);
  }
  const pages = await readPages(site);
  if (!pages) return 1;
  // The explorable pages the build wrote (tools/site/build_site.ts, writeExplorers); none if it wrote no list.
  const explorers: ExplorerInfo[] = await Deno.readTextFile(join(site, "explorers.json")).then(
    (t) => JSON.parse(t),
    () => [],
  );
  await Deno.remove(shots, { recursive: true }).catch(() => {});
  await Deno.mkdir(shots, { recursive: true });

  const browser = await launchBrowser();
  let passed = 0, failed = 0;
  try {
    for (const name of ["index.html", ...pages.map((p) => p.file), ...explorers.map((e) => e.file)]) {
      const started = performance.now();
      const { page, errors } = await openPage(browser, 1100, 900);
      let problems: string[];
      let count = 0;
      try {
        await page.goto(pathToFileURL(join(site, name)).href, { waitUntil: "load", timeout: 30_000 });
        // An explorable page has started when its script has filled it in (the model explorer loads a model).
        const explorer = explorers.find((e) => e.file === name);
        if (explorer) await page.waitForSelector(explorer.ready, { timeout: 30_000 });
        await page.evaluate(() => document.fonts.ready.then(() => true));
        const { ids, ...read } = await page.evaluate(READ_PAGE) as Omit<RenderedPage, "errors"> & { ids: string[] };
        const rendered = { ...read, errors };
        const info = pages.find((p) => p.file === name);
        problems = info
          ? checkRenderedPage(info, rendered)
          : explorer
          ? rendered.errors.map((e) => `${e.kind} error: ${e.text.split("\n")[0]}`)
          : checkRenderedIndex(pages, rendered, explorers);
        for (const link of await deadLinks(site, name, rendered.links, new Set(ids))) {
          problems.push(`dead link: ${link}`);
        }
        count = (await screenshots(page, shots, name.replace(/\.html$/, ""))).length;
        const what = info
          ? `${rendered.svgs.length} svgs`
          : explorer
          ? "explorable, started"
          : `${rendered.links.length} links`;
        const ok = problems.length === 0;
        console.log(
          `${ok ? "ok  " : "FAIL"}  ${name}  ${what}, ${rendered.errors.length} errors, ${count} screenshot(s), ${
            ((performance.now() - started) / 1000).toFixed(1)
          } s`,
        );
      } catch (e) {
        problems = [(e as Error).message];
        console.log(`FAIL  ${name}`);
      } finally {
        await page.close();
      }
      for (const p of problems) console.log(`        ${p}`);
      if (problems.length === 0) passed++;
      else failed++;
    }
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${shots}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await checkSite(Deno.args));
