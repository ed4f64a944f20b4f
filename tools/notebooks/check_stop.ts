/**
 * `deno run -A tools/notebooks/check_stop.ts`: presses the Stop button of Jupyter's Notebook UI as a learner does,
 * on a training cell that awaits between batches and on a busy synchronous loop, and checks that each
 * cell ends with an error saying it was stopped while the kernel, and every variable, stays.
 *
 * The notebook is `tests/fixtures/stop_button.ipynb`: cell 1 defines `before = 41` and a small word
 * model; cell 2 trains it for far longer than the test waits; cell 3 prints `before + 1`; cell 4 spins
 * for two minutes; cell 5 prints `before + 2`. Prints one line per check and the seconds from the press
 * of Stop to the cell's end; exits 1 if a check fails. `tests/stop_ui_test.ts` runs it.
 *
 * @module
 */

import { join } from "node:path";
import { launchBrowser, openPage, type Page } from "../_browser.ts";
import { JUPYTER_OWN_ERRORS, startJupyter } from "./check_jupyter.ts";
import { ROOT } from "../_paths.ts";

const FIXTURES = join(ROOT, "tests", "fixtures");
const NOTEBOOK = "stop_button.ipynb";
const STOP = 'button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]';

/** What one press of Stop did. */
export interface StopCheck {
  /** Which cell was stopped, e.g. "training (awaits between batches)". */
  readonly what: string;
  /** Seconds from the press to the cell's end. */
  readonly seconds: number;
  /** The stopped cell's error, `ename: evalue`, or "" if it showed none. */
  readonly error: string;
  /** What the next cell printed (a variable defined before the stopped cell). */
  readonly next: string;
  /** What is wrong, if anything. */
  readonly problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs cell `index` in the page and resolves when the UI reports it finished (or after `timeoutMs`). */
async function runCell(page: Page, index: number, timeoutMs: number, whileRunning?: () => Promise<void>) {
  await page.evaluate(`(() => {
    const nb = Jupyter.notebook;
    window.__stop.finished[${index}] = null;
    nb.select(${index});
    nb.get_cell(${index}).execute();
  })()`);
  if (whileRunning) await whileRunning();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await page.evaluate(`window.__stop.finished[${index}] !== null`)) return true;
    await sleep(100);
  }
  return false;
}

/** The text of a cell's outputs: stream text, plain text and errors (`ename: evalue`). */
async function outputsOf(page: Page, index: number): Promise<{ text: string; error: string }> {
  return await page.evaluate(`(() => {
    const outs = Jupyter.notebook.get_cell(${index}).output_area.outputs;
    const text = outs.map((o) => o.text ?? o.data?.["text/plain"] ?? "").join("");
    const e = outs.find((o) => o.output_type === "error");
    return { text, error: e ? e.ename + ": " + e.evalue : "" };
  })()`) as { text: string; error: string };
}

/** Presses Stop `afterMs` after cell `cell` starts, then runs cell `cell + 1`. */
async function stopAndGoOn(page: Page, what: string, cell: number, expected: string): Promise<StopCheck> {
  const problems: string[] = [];
  let pressed = 0;
  const ended = await runCell(page, cell, 60_000, async () => {
    await sleep(3_000);
    pressed = Date.now();
    await page.click(STOP);
  });
  const seconds = (Date.now() - pressed) / 1000;
  if (!ended) problems.push(`${what}: the cell had not ended 60 s after Stop`);
  const { error } = await outputsOf(page, cell);
  if (!/^Interrupted: /.test(error)) {
    problems.push(`${what}: expected an "Interrupted" error in the cell, got ${JSON.stringify(error)}`);
  }
  if (/restart/i.test(error)) problems.push(`${what}: the kernel restarted (${error})`);
  await runCell(page, cell + 1, 30_000);
  const next = (await outputsOf(page, cell + 1)).text.trim();
  if (next !== expected) {
    problems.push(`${what}: the next cell printed ${JSON.stringify(next)}, expected ${JSON.stringify(expected)}`);
  }
  return { what, seconds, error, next, problems };
}

/** Opens the fixture in the Notebook UI and presses Stop twice; returns what each press did. */
export async function checkStopButton(): Promise<{ checks: StopCheck[]; problems: string[] }> {
  const jupyter = await startJupyter("course", [`--notebook-dir=${FIXTURES}`]);
  const browser = await launchBrowser();
  const problems: string[] = [];
  const checks: StopCheck[] = [];
  try {
    const { page, errors } = await openPage(browser);
    await page.goto(`${jupyter.base}/notebooks/${NOTEBOOK}?token=${jupyter.token}`, { waitUntil: "load" });
    await page.waitForFunction("window.Jupyter?.notebook?._fully_loaded && Jupyter.notebook.kernel?.is_connected?.()", {
      timeout: 60_000,
      polling: 100,
    });
    await page.evaluate(`(() => {
      const nb = Jupyter.notebook;
      nb.set_autosave_interval(0);
      window.__stop = { finished: {}, restarts: 0, kernel: nb.kernel.id };
      nb.events.on("finished_execute.CodeCell", (_e, d) => { window.__stop.finished[nb.find_cell_index(d.cell)] = Date.now(); });
      nb.events.on("kernel_restarting.Kernel", () => { window.__stop.restarts++; });
    })()`);
    if (!await runCell(page, 1, 60_000)) problems.push("the set-up cell did not finish in 60 s");
    const ready = await outputsOf(page, 1);
    if (ready.text.trim() !== "ready") problems.push(`the set-up cell printed ${JSON.stringify(ready)}`);
    checks.push(await stopAndGoOn(page, "training (awaits between batches)", 2, "42 true"));
    checks.push(await stopAndGoOn(page, "busy loop (synchronous)", 4, "43 true"));
    const restarts = await page.evaluate("window.__stop.restarts") as number;
    if (restarts > 0) problems.push(`the kernel restarted ${restarts} time(s)`);
    for (const e of errors) {
      if (!JUPYTER_OWN_ERRORS.some((pattern) => pattern.test(e.text))) {
        problems.push(`${e.kind} error on the page: ${e.text}`);
      }
    }
    await page.evaluate("Jupyter.notebook.session.delete()").catch(() => {});
  } finally {
    await browser.close();
    await jupyter.stop();
  }
  return { checks, problems: [...checks.flatMap((c) => c.problems), ...problems] };
}

if (import.meta.main) {
  const { checks, problems } = await checkStopButton();
  for (const c of checks) {
    console.log(
      `${c.problems.length ? "FAIL" : "ok  "}  ${c.what}: ended ${
        c.seconds.toFixed(1)
      } s after Stop with "${c.error}"; the next cell printed "${c.next}"`,
    );
  }
  for (const p of problems) console.log(`problem: ${p}`);
  Deno.exit(problems.length ? 1 : 0);
}
