/**
 * The notebooks as a learner runs them: in Jupyter's own Notebook UI, in a real browser.
 *
 * ```sh
 * deno task check:jupyter [NOTEBOOK.ipynb ...] [--passes N] [--kernel course|raw] [--no-shots]
 * ```
 *
 * Starts Jupyter exactly as `deno task start` does (it registers the course's kernel, here into a
 * temporary Jupyter data dir so nothing of the user's is touched), opens each notebook in the classic
 * Notebook UI in headless Chromium (puppeteer-core), chooses Run All, waits until the UI has marked
 * every code cell finished, and then checks what the UI holds:
 * - every code cell has the outputs the headless runner records (`tests/fixtures/notebook_outputs.json`,
 *   written by `tools/run_notebooks.ts --record`): the same number and kinds, in order;
 * - the course's conventions (`checkOutputs`: no errors, no stderr, chart cells hold a chart);
 * - every chart on the page has a size and something drawn in it, and the page shows as many charts
 *   as the outputs hold;
 * - the page logged no JavaScript error, and the notebook ran within its budget.
 * The first pass's executed notebooks go to `build/notebooks/` (with cell timings), where
 * `deno task build --no-execute` makes the website from them; screenshots of every notebook go to
 * `build/jupyter-screenshots/`. The notebooks themselves are never saved (autosave is turned off).
 *
 * `--passes N` runs everything N times and ends with a table of lost outputs per notebook;
 * `--kernel raw` swaps in Deno's own kernel (what `deno jupyter --install` registers), to see the
 * output race the course's kernel fixes. Prints a line per notebook and pass, then `N passed, N failed`.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Browser, launchBrowser, openPage, screenshots } from "./_browser.ts";
import {
  budgetOf,
  checkOutputs,
  compareWithRecord,
  listNotebooks,
  type Notebook,
  type OutputRecord,
  readNotebook,
  RECORD,
} from "./_notebook.ts";
import { installKernel } from "./kernel.ts";
import { pageInfo } from "./_site.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What the UI showed for one notebook in one pass. */
export interface UiRun {
  notebook: string;
  pass: number;
  seconds: number;
  budget: number;
  problems: string[];
  /** Code cells whose outputs differ from the record (lost, or extra, or of another kind). */
  lostCells: number[];
  executed: Notebook;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Errors that Jupyter's Notebook UI logs on every page whatever the notebook, which the course cannot
 * change: Notebook 6 always tries to load the ipywidgets extension (a "hardcoded widgets hack" in its
 * main.js), which is a 404 where ipywidgets is not installed (Debian's jupyter-notebook does not pull it in).
 */
export const JUPYTER_OWN_ERRORS = [/\/nbextensions\/widgets\/notebook\/js\/extension\.js/];

/** In the page: the notebook's code cells, which have finished, and their charts. */
const READ_UI = `(() => {
  const nb = Jupyter.notebook;
  return nb.get_cells().map((cell, index) => {
    if (cell.cell_type !== "code") return null;
    const svgs = [...cell.output_area.element[0].querySelectorAll("svg")].filter((s) => !s.parentElement.closest("svg"));
    return {
      index,
      empty: cell.get_text().trim() === "",
      finished: window.__course.finished[index] ?? null,
      svgs: svgs.map((s) => {
        const r = s.getBoundingClientRect();
        return { width: r.width, height: r.height, marks: s.querySelectorAll("path, rect, circle, line, polyline, polygon, text, image").length };
      }),
    };
  }).filter((c) => c !== null);
})()`;

/** Runs one notebook in the UI once; the page is closed and the kernel shut down afterwards. */
async function runInUi(
  browser: Browser,
  base: string,
  token: string,
  path: string,
  pass: number,
  record: OutputRecord,
  shots: string | undefined,
): Promise<UiRun> {
  const name = basename(path);
  const budget = budgetOf(await readNotebook(path));
  const { page, errors } = await openPage(browser, 1100, 900);
  const problems: string[] = [];
  let executed: Notebook | undefined;
  let seconds = 0;
  try {
    await page.goto(`${base}/notebooks/${encodeURIComponent(name)}?token=${token}`, { waitUntil: "load" });
    await page.waitForFunction(
      () => {
        // deno-lint-ignore no-explicit-any
        const J = (globalThis as any).Jupyter;
        return J?.notebook?._fully_loaded && J.notebook.kernel?.is_connected?.();
      },
      { timeout: 60_000, polling: 100 },
    );
    // Never write outputs into the course's notebooks; note when the UI finishes each cell.
    await page.evaluate(`(() => {
      const nb = Jupyter.notebook;
      nb.set_autosave_interval(0);
      window.__course = { finished: {} };
      nb.events.on("finished_execute.CodeCell", (_e, d) => {
        window.__course.finished[nb.find_cell_index(d.cell)] = Date.now();
      });
      window.__course.started = Date.now();
      nb.execute_all_cells();
    })()`);
    const started = performance.now();
    const deadline = started + (budget + 60) * 1000;
    type CellUi = {
      index: number;
      empty: boolean;
      finished: number | null;
      svgs: { width: number; height: number; marks: number }[];
    };
    let cells: CellUi[] = [];
    for (;;) {
      cells = await page.evaluate(READ_UI) as CellUi[];
      if (cells.every((c) => c.empty || c.finished !== null)) break;
      if (performance.now() > deadline) {
        problems.push(
          `not finished after ${budget + 60} s: cells ${
            cells.filter((c) => !c.empty && c.finished === null).map((c) => c.index + 1).join(", ")
          }`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    seconds = (performance.now() - started) / 1000;
    // Anything still to come would be dropped by the UI; give it a moment to show that it is not.
    await new Promise((r) => setTimeout(r, 300));
    cells = await page.evaluate(READ_UI) as CellUi[];
    executed = await page.evaluate("Jupyter.notebook.toJSON()") as Notebook;
    const t0 = await page.evaluate("window.__course.started") as number;

    // Cell timings as nbclient records them, so the site shows how long each notebook takes.
    let previous = t0;
    for (const c of [...cells].sort((a, b) => (a.finished ?? 0) - (b.finished ?? 0))) {
      if (c.finished === null) continue;
      executed.cells[c.index].metadata.execution = {
        "iopub.execute_input": new Date(previous).toISOString(),
        "shell.execute_reply": new Date(c.finished).toISOString(),
      };
      previous = c.finished;
    }

    const compared = compareWithRecord(executed, record[name]);
    problems.push(...compared.problems, ...checkOutputs(executed));
    for (const c of cells) {
      c.svgs.forEach((s, k) => {
        const what = `cell ${c.index + 1}, chart ${k + 1}`;
        if (!(s.width > 0 && s.height > 0)) problems.push(`${what} has no size on the page (${s.width} × ${s.height})`);
        else if (s.marks === 0) problems.push(`${what} is empty: nothing drawn in it`);
      });
    }
    const shown = cells.reduce((n, c) => n + c.svgs.length, 0);
    const held = pageInfo(name, executed, 0).svgs;
    if (shown !== held) problems.push(`${shown} chart(s) on the page, ${held} in the notebook's outputs`);
    if (seconds > budget) problems.push(`took ${seconds.toFixed(1)} s, over its budget of ${budget} s`);
    for (const e of errors) {
      if (JUPYTER_OWN_ERRORS.some((pattern) => pattern.test(e.text))) continue;
      problems.push(`${e.kind} error on the page: ${e.text.split("\n")[0]}`);
    }

    if (shots) {
      // The Notebook UI scrolls inside #site; let the document grow so the whole notebook is captured.
      await page.evaluate(`(() => {
        document.body.style.overflow = "visible";
        document.body.style.height = "auto";
        const site = document.querySelector("#site");
        site.style.height = "auto";
        site.style.overflow = "visible";
        document.documentElement.style.overflow = "visible";
      })()`);
      await screenshots(page, shots, name.replace(/\.ipynb$/, "") + (pass > 1 ? `-pass${pass}` : ""));
    }
    return { notebook: name, pass, seconds, budget, problems, lostCells: compared.cells, executed };
  } finally {
    await page.evaluate("Jupyter.notebook.session.delete()").catch(() => {});
    await page.close();
  }
}

/**
 * Starts Jupyter as `deno task start` does, into a temporary data dir; returns how to reach and stop it.
 * `extraArgs` go to Jupyter (e.g. another `--notebook-dir=`).
 */
export async function startJupyter(kernel: "course" | "raw", extraArgs: string[] = []) {
  const dataDir = await Deno.makeTempDir({ prefix: "course-jupyter-" });
  const port = freePort();
  const token = crypto.randomUUID().replaceAll("-", "");
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "start",
      "--no-browser",
      `--port=${port}`,
      "--ip=127.0.0.1",
      `--NotebookApp.token=${token}`,
      ...extraArgs,
    ],
    cwd: ROOT,
    env: { JUPYTER_DATA_DIR: dataDir, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const decoder = new TextDecoder();
  const drain = (s: ReadableStream<Uint8Array>) =>
    (async () => {
      for await (const chunk of s) log += decoder.decode(chunk, { stream: true });
    })();
  const drained = Promise.all([drain(server.stdout), drain(server.stderr)]);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${base}/api/status?token=${token}`).then((r) => (r.body?.cancel(), r.ok), () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`Jupyter did not start within 60 s:\n${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (kernel === "raw") await installKernel({ dataDir, raw: true });
  const stop = async () => {
    await fetch(`${base}/api/shutdown?token=${token}`, { method: "POST" }).then((r) => r.body?.cancel(), () => {});
    const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
    await server.status;
    clearTimeout(timer);
    await drained;
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  return { base, token, stop, log: () => log };
}

export async function checkJupyter(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      passes: { type: "string", default: "1" },
      kernel: { type: "string", default: "course" },
      "no-shots": { type: "boolean" },
      out: { type: "string", default: join(ROOT, "build", "notebooks") },
      shots: { type: "string", default: join(ROOT, "build", "jupyter-screenshots") },
      json: { type: "string" },
    },
  });
  const passes = Number(values.passes);
  if (!Number.isInteger(passes) || passes < 1) {
    throw new RangeError(`--passes must be a whole number ≥ 1, got ${values.passes}`);
  }
  if (values.kernel !== "course" && values.kernel !== "raw") {
    throw new RangeError(`--kernel must be course or raw, got ${values.kernel}`);
  }
  const paths = positionals.length > 0
    ? positionals.map((p) => resolve(p))
    : await listNotebooks(join(ROOT, "notebooks"));
  for (const p of paths) {
    if (dirname(p) !== join(ROOT, "notebooks")) throw new RangeError(`${p} is not in notebooks/, which Jupyter serves`);
  }
  const record: OutputRecord = JSON.parse(await Deno.readTextFile(RECORD).catch(() => "{}"));
  const shots = values["no-shots"] ? undefined : resolve(values.shots);
  if (shots) {
    await Deno.remove(shots, { recursive: true }).catch(() => {});
    await Deno.mkdir(shots, { recursive: true });
  }
  await Deno.mkdir(values.out, { recursive: true });

  console.log(
    `Running ${paths.length} notebook(s) ${
      passes > 1 ? `${passes} times ` : ""
    }in Jupyter's Notebook UI (headless Chromium) ` +
      `with ${
        values.kernel === "raw" ? "Deno's own kernel" : "the course's kernel"
      }; executed copies go to ${values.out}`,
  );
  const jupyter = await startJupyter(values.kernel);
  const browser = await launchBrowser();
  const runs: UiRun[] = [];
  try {
    for (let pass = 1; pass <= passes; pass++) {
      for (const path of paths) {
        let run: UiRun;
        try {
          run = await runInUi(browser, jupyter.base, jupyter.token, path, pass, record, pass === 1 ? shots : undefined);
          if (pass === 1) {
            await Deno.writeTextFile(join(values.out, basename(path)), JSON.stringify(run.executed, null, 1) + "\n");
          }
        } catch (e) {
          run = {
            notebook: basename(path),
            pass,
            seconds: 0,
            budget: 0,
            problems: [`${(e as Error).message.split("\n")[0]}`],
            lostCells: [],
            executed: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 },
          };
        }
        runs.push(run);
        const ok = run.problems.length === 0;
        console.log(
          `${ok ? "ok  " : "FAIL"}  ${run.notebook}${passes > 1 ? ` pass ${pass}` : ""}  ${
            run.seconds.toFixed(1)
          } s in the Notebook UI (budget ${run.budget} s)`,
        );
        for (const p of run.problems) console.log(`        ${p}`);
      }
    }
  } finally {
    await browser.close();
    await jupyter.stop();
  }
  if (passes > 1 || values.json) {
    const table = paths.map((p) => {
      const mine = runs.filter((r) => r.notebook === basename(p));
      return {
        notebook: basename(p),
        passes: mine.length,
        passesWithLoss: mine.filter((r) => r.lostCells.length > 0).length,
        cellsLost: mine.reduce((n, r) => n + r.lostCells.length, 0),
        // cells numbered from 1, in the notebook's order (markdown cells counted), as the problems name them
        lost: mine.filter((r) => r.lostCells.length > 0).map((r) => ({
          pass: r.pass,
          cells: r.lostCells.map((c) => c + 1),
        })),
      };
    });
    console.log(`\nlost outputs over ${passes} pass(es), kernel: ${values.kernel}`);
    for (const t of table) {
      console.log(
        `${t.notebook.padEnd(34)} ${t.passesWithLoss} of ${t.passes} passes lost output${
          t.lost.length ? `: ${t.lost.map((l) => `pass ${l.pass} cells ${l.cells.join(",")}`).join("; ")}` : ""
        }`,
      );
    }
    if (values.json) {
      await Deno.writeTextFile(values.json, JSON.stringify({ kernel: values.kernel, passes, table }, null, 1) + "\n");
    }
  }
  if (shots) console.log(`screenshots in ${shots}`);
  const passed = runs.filter((r) => r.problems.length === 0).length;
  console.log(`${passed} passed, ${runs.length - passed} failed`);
  return passed === runs.length ? 0 : 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await checkJupyter(Deno.args));
  } catch (e) {
    console.error(`check_jupyter: ${(e as Error).message}`);
    Deno.exit(2);
  }
}
