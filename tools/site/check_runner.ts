/**
 * "Run it here" tested as a learner uses it: serves the built site over HTTP on 127.0.0.1 (a static server, no
 * special headers, as any host), opens notebook pages in headless Chromium, presses "Run it here" and "Run all",
 * and compares each code cell's outputs with what Jupyter recorded (`tests/fixtures/notebook_outputs.json`: the
 * number and kind of outputs per cell, as `outputKinds` gives them). Then, on the first notebook checked, it edits
 * a cell and runs it with Shift+Enter; in notebook 07 (`--stop NN` names another), it presses Stop while the training cell draws its
 * live chart, and checks the restart message and that cells run afterwards. Screenshots go to build/runner-screenshots/ (look at them).
 *
 * Each notebook's line gives the seconds Run all took in the page and in Jupyter (pages.json), and how many
 * cells show the same text as the page's executed outputs (numbers within 2 %; timings and BLAS digits differ,
 * so this is reported, not failed).
 *
 * ```sh
 * deno task build        # first: the site, with the runner and its data
 * deno run -A tools/site/check_runner.ts [--site build/site] [--shots build/runner-screenshots]
 *   [--notebooks 02,03,…|all] [--stop NN] [--timeout SECONDS]
 * ```
 *
 * Prints a line per check, then `N passed, N failed`; exits 1 if a check failed.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type Browser,
  launchBrowser,
  openPage,
  type Page,
  type PageError,
  screenshots,
  serveFolder,
} from "../_browser.ts";
import { type OutputRecord, RECORD } from "../notebooks/_notebook.ts";
import type { PageInfo } from "./_site.ts";
import { readPages } from "./check_site.ts";
import { ROOT } from "../_paths.ts";
import { STOPPED } from "./runner/protocol.ts";
import { NEEDS_HTTP } from "./runner/page.ts";

/** The notebooks checked by default: the course up to its first tfjs model (08–10 train with tfjs for minutes). */
export const DEFAULT_NOTEBOOKS = ["02", "03", "04", "05", "06", "07"];

/** What the check reads from a notebook page: each code cell's run state, output kinds and output text. */
interface CellSeen {
  index: number;
  state: string;
  kinds: (string | undefined)[];
  text: string;
}

const READ_CELLS = `(() => {
  const sources = JSON.parse(document.getElementById("course-cells").textContent);
  return [...document.querySelectorAll(".jp-CodeCell")].map((el, k) => ({
    index: sources[k].index,
    state: el.dataset.runState ?? "",
    kinds: [...el.querySelectorAll(".jp-OutputArea-child")].map((c) => c.dataset.outputKind),
    text: el.querySelector(".jp-OutputArea")?.innerText ?? "",
  }));
})()`;

/** Whether two outputs' texts agree: the same words, and numbers within `tolerance` (relative, or 1e-3). */
export function sameText(a: string, b: string, tolerance = 0.02): boolean {
  const split = (s: string) => s.replace(/\s+/g, " ").trim().split(/(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i);
  const x = split(a), y = split(b);
  if (x.length !== y.length) return false;
  return x.every((part, k) => {
    if (k % 2 === 0) return part === y[k];
    const p = Number(part), q = Number(y[k]);
    return Math.abs(p - q) <= Math.max(1e-3, tolerance * Math.max(Math.abs(p), Math.abs(q)));
  });
}

/** The problems of one page's run: cells that did not finish, and outputs unlike the record. */
export function compareCells(cells: readonly CellSeen[], recorded: Record<string, string[]> | undefined): string[] {
  if (!recorded) return ["no record for this notebook"];
  const problems: string[] = [];
  for (const cell of cells) {
    const want = recorded[String(cell.index)];
    if (want === undefined) {
      problems.push(`cell ${cell.index + 1}: not in the record (re-record the notebook)`);
      continue;
    }
    if (cell.state !== "done" && !(want.length === 0 && cell.state === "")) {
      problems.push(`cell ${cell.index + 1}: ${cell.state || "did not run"}${firstLine(cell.text)}`);
      continue;
    }
    const got = cell.kinds.map((k) => k ?? "(old output)");
    if (got.join(" ") !== want.join(" ")) {
      problems.push(`cell ${cell.index + 1}: outputs [${got.join(", ")}], recorded [${want.join(", ")}]`);
    }
  }
  return problems;
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0];
  return line ? `: ${line.slice(0, 200)}` : "";
}

const IDLE = `document.body.dataset.kernel === "idle" &&
  !document.querySelector("[data-run-state=queued], [data-run-state=running]")`;

/** Opens `name` on the server, turns run mode on; the page and its error list. */
async function openRunMode(browser: Browser, base: string, name: string) {
  const { page, errors } = await openPage(browser, 1100, 900);
  await page.goto(base + name, { waitUntil: "load", timeout: 60_000 });
  await page.click(".course-runner [data-action=enable]");
  await page.waitForSelector(".jp-CodeCell .cm-editor", { timeout: 30_000 });
  return { page, errors };
}

/** Runs every cell of one notebook page; the problems found, and what to print. */
async function checkNotebook(
  browser: Browser,
  base: string,
  info: PageInfo,
  record: OutputRecord,
  shots: string,
  timeout: number,
): Promise<{ problems: string[]; line: string }> {
  const { page, errors } = await openRunMode(browser, base, info.file);
  try {
    const before = await page.evaluate(READ_CELLS) as CellSeen[];
    const started = performance.now();
    await page.click(".course-runner [data-action=run-all]");
    await page.waitForFunction(IDLE, { timeout: timeout * 1000, polling: 200 });
    const seconds = (performance.now() - started) / 1000;
    const after = await page.evaluate(READ_CELLS) as CellSeen[];
    const problems = compareCells(after, record[info.notebook]);
    problems.push(...pageErrors(errors));
    const same = after.filter((c, k) => sameText(c.text, before[k]?.text ?? "")).length;
    await screenshots(page, shots, info.file.replace(/\.html$/, ""));
    return {
      problems,
      line: `${after.length} cells, Run all ${seconds.toFixed(1)} s (Jupyter ${info.seconds.toFixed(1)} s), ` +
        `text as built in ${same} of ${after.length} cells`,
    };
  } finally {
    await page.close();
  }
}

/** Errors a page reported, but the site's missing favicon (a static host answers 404 for it too). */
function pageErrors(errors: readonly PageError[]): string[] {
  return errors.filter((e) => !/\/favicon\.ico\b/.test(e.text)).map((e) => `${e.kind} error: ${e.text.split("\n")[0]}`);
}

/** Types `text` into the editor of page cell `k` in place of its source. */
async function typeInto(page: Page, k: number, text: string) {
  const editors = await page.$$(".jp-CodeCell .cm-content");
  if (!editors[k]) throw new Error(`no editor for code cell ${k}`);
  await editors[k].click();
  await page.keyboard.down("Control");
  await page.keyboard.press("a");
  await page.keyboard.up("Control");
  await page.keyboard.press("Backspace");
  for (const [n, line] of text.split("\n").entries()) {
    if (n > 0) await page.keyboard.press("Enter");
    await page.keyboard.type(line);
  }
  await page.keyboard.press("Escape"); // close a completion list, if one opened
}

/** Edits a cell, runs it with Shift+Enter, checks its outputs and that the next cell's editor has the focus. */
async function checkEdit(browser: Browser, base: string, info: PageInfo, shots: string): Promise<string[]> {
  const { page, errors } = await openRunMode(browser, base, info.file);
  try {
    const code = 'const edited = [1, 2, 3].map((x) => x * 2);\nconsole.log("edited", edited);\nedited.length + 40';
    await typeInto(page, 1, code);
    const typed = await page.$$eval(".jp-CodeCell .cm-content", (els) => (els[1] as HTMLElement).innerText);
    await page.keyboard.down("Shift");
    await page.keyboard.press("Enter");
    await page.keyboard.up("Shift");
    await page.waitForFunction(IDLE, { timeout: 60_000, polling: 100 });
    const cells = await page.evaluate(READ_CELLS) as CellSeen[];
    const focused = await page.evaluate(() =>
      [...document.querySelectorAll(".jp-CodeCell")].findIndex((c) => c.contains(document.activeElement))
    );
    const problems: string[] = [];
    if (typed.trim() !== code) problems.push(`the editor holds ${JSON.stringify(typed)}, not what was typed`);
    const cell = cells[1];
    const kinds = cell.kinds.join(" ");
    if (cell.state !== "done") problems.push(`the edited cell ended ${cell.state}${firstLine(cell.text)}`);
    if (kinds !== "stream:stdout execute_result:text/plain") problems.push(`the edited cell showed [${kinds}]`);
    if (!/edited \[ 2, 4, 6 \]/.test(cell.text) || !/43/.test(cell.text)) {
      problems.push(`the edited cell printed ${JSON.stringify(cell.text)}`);
    }
    if (focused !== 2) problems.push(`Shift+Enter left the focus in code cell ${focused}, not the next one (2)`);
    problems.push(...pageErrors(errors));
    const element = await page.$$(".jp-CodeCell");
    await element[1].screenshot({ path: join(shots, `edit-${info.file.replace(/\.html$/, "")}.png`) });
    return problems;
  } finally {
    await page.close();
  }
}

/**
 * Presses Stop once a cell that draws live outputs (a training cell's chart, `display_data`) has run for `after`
 * seconds, then checks the restart message, that nothing runs or waits any more, and that the page still runs
 * cells (counted from `[1]` again). Screenshots: the live chart before Stop, the cell after.
 */
async function checkStop(browser: Browser, base: string, info: PageInfo, shots: string, after = 3): Promise<string[]> {
  const { page, errors } = await openRunMode(browser, base, info.file);
  const name = info.file.replace(/\.html$/, "");
  try {
    await page.click(".course-runner [data-action=run-all]");
    const live = `[...document.querySelectorAll(".jp-CodeCell")].findIndex((c) => c.dataset.runState === "running" &&
      c.querySelector('[data-output-kind^="display_data"]'))`;
    let cell = -1, since = performance.now();
    for (;;) {
      const now = await page.evaluate(live) as number;
      if (now !== cell) [cell, since] = [now, performance.now()];
      if (now >= 0 && performance.now() - since >= after * 1000) break;
      if (await page.evaluate(IDLE)) {
        return [`no cell of ${info.file} drew live outputs for ${after} s: nothing to stop`];
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const cells = await page.$$(".jp-CodeCell");
    await cells[cell].evaluate((e) => e.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: join(shots, `stop-${name}-live.png`) });
    await page.click(".course-runner [data-action=stop]");
    await page.waitForFunction(IDLE, { timeout: 10_000 });
    const problems: string[] = [];
    const status = await page.$eval(".course-runner .status", (e) => (e as HTMLElement).innerText);
    if (status !== STOPPED) problems.push(`after Stop the bar says ${JSON.stringify(status)}`);
    const note = await page.$$eval(
      ".jp-CodeCell",
      (els, k) => els[k as number].querySelector(".course-run-note")?.textContent ?? "",
      cell,
    );
    if (note !== STOPPED) problems.push(`the stopped cell (code cell ${cell}) says ${JSON.stringify(note)}`);
    await cells[cell].evaluate((e) => e.scrollIntoView({ block: "center" }));
    await page.screenshot({ path: join(shots, `stop-${name}.png`) });
    // The page still works: the first cell and a typed one run, counted from [1] again.
    await page.click(".jp-CodeCell .course-run-cell");
    await page.waitForFunction(IDLE, { timeout: 60_000 });
    await typeInto(page, 1, '"still " + "works"');
    await page.keyboard.down("Control");
    await page.keyboard.press("Enter");
    await page.keyboard.up("Control");
    await page.waitForFunction(IDLE, { timeout: 60_000 });
    const seen = await page.evaluate(READ_CELLS) as CellSeen[];
    if (seen[0].state !== "done") {
      problems.push(`after Stop the first cell ended ${seen[0].state}${firstLine(seen[0].text)}`);
    }
    if (!/"still works"/.test(seen[1].text)) {
      problems.push(`after Stop a typed cell showed ${JSON.stringify(seen[1].text)}`);
    }
    const prompt = await page.$$eval(".jp-CodeCell .jp-InputPrompt", (els) => (els[1] as HTMLElement).innerText);
    if (!/\[2\]/.test(prompt)) problems.push(`after Stop the second run is ${JSON.stringify(prompt)}, not [2]`);
    problems.push(...pageErrors(errors));
    return problems;
  } finally {
    await page.close();
  }
}

/** A page opened from a file: "Run it here" says to serve the site over HTTP, and nothing fails. */
async function checkFromFile(browser: Browser, site: string, info: PageInfo): Promise<string[]> {
  const { page, errors } = await openPage(browser, 1100, 400);
  try {
    await page.goto(pathToFileURL(join(site, info.file)).href, { waitUntil: "load", timeout: 60_000 });
    await page.click(".course-runner [data-action=enable]");
    const status = await page.$eval(".course-runner .status", (e) => (e as HTMLElement).innerText);
    const problems = status === NEEDS_HTTP ? [] : [`from a file the bar says ${JSON.stringify(status)}`];
    return [...problems, ...pageErrors(errors)];
  } finally {
    await page.close();
  }
}

export async function checkRunner(args: string[]): Promise<number> {
  let site = join(ROOT, "build", "site"), shots = join(ROOT, "build", "runner-screenshots");
  let wanted = DEFAULT_NOTEBOOKS, stop = "07", timeout = 600;
  for (let k = 0; k < args.length; k++) {
    if (args[k] === "--site") site = resolve(args[++k]);
    else if (args[k] === "--shots") shots = resolve(args[++k]);
    else if (args[k] === "--notebooks") wanted = args[++k] === "all" ? [] : args[k].split(",");
    else if (args[k] === "--stop") stop = args[++k];
    else if (args[k] === "--timeout") timeout = Number(args[++k]);
    else {throw new RangeError(
        `Unknown argument ${args[k]}: expected --site, --shots, --notebooks, --stop or --timeout`,
      );}
  }
  const pages = await readPages(site);
  if (!pages) return 1;
  const record: OutputRecord = JSON.parse(await Deno.readTextFile(RECORD));
  const chosen = pages.filter((p) => wanted.length === 0 || wanted.some((w) => p.file.startsWith(`${w}-`)));
  await Deno.remove(shots, { recursive: true }).catch(() => {});
  await Deno.mkdir(shots, { recursive: true });
  const { url, server } = serveFolder(site);
  const browser = await launchBrowser();
  let passed = 0, failed = 0;
  const report = (name: string, problems: string[], line = "") => {
    console.log(`${problems.length === 0 ? "ok  " : "FAIL"}  ${name}${line ? `  ${line}` : ""}`);
    for (const p of problems) console.log(`        ${p}`);
    if (problems.length === 0) passed++;
    else failed++;
  };
  const attempt = async <T>(name: string, f: () => Promise<T>, done: (t: T) => void) => {
    try {
      done(await f());
    } catch (e) {
      report(name, [(e as Error).message.split("\n")[0]]);
    }
  };
  try {
    for (const info of chosen) {
      await attempt(info.file, () => checkNotebook(browser, url, info, record, shots, timeout), (r) => {
        report(info.file, r.problems, r.line);
      });
    }
    const first = chosen[0], stopped = pages.find((p) => p.file.startsWith(`${stop}-`));
    if (first) {
      await attempt(`edit a cell of ${first.file}`, () => checkEdit(browser, url, first, shots), (problems) => {
        report(`edit a cell of ${first.file} and run it with Shift+Enter`, problems);
      });
    }
    if (first) {
      await attempt(`${first.file} from a file`, () => checkFromFile(browser, site, first), (problems) => {
        report(`${first.file} opened from a file: "Run it here" asks for HTTP`, problems);
      });
    }
    if (stopped) {
      await attempt(`Stop in ${stopped.file}`, () => checkStop(browser, url, stopped, shots), (problems) => {
        report(`Stop during the training cell of ${stopped.file}, then run again`, problems);
      });
    }
  } finally {
    await browser.close();
    await server.shutdown();
  }
  console.log(`screenshots in ${shots}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await checkRunner(Deno.args));
