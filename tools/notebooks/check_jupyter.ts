/**
 * The notebooks as a learner runs them: in Jupyter's own Notebook UI, in a real browser.
 *
 * ```sh
 * deno task check:jupyter [NOTEBOOK.ipynb ...] [--ui classic|lab] [--passes N] [--kernel course|raw] [--no-shots]
 * ```
 *
 * Starts Jupyter exactly as `deno task start` does (it registers the course's kernel, here into a
 * temporary Jupyter data dir so nothing of the user's is touched), opens each notebook in the classic
 * Notebook UI in headless Chromium (puppeteer-core), chooses Run All, waits until the UI has marked
 * every code cell finished, and then checks what the UI holds:
 * - every code cell has the outputs the headless runner records (`tests/fixtures/notebook_outputs.json`,
 *   written by `tools/notebooks/run_notebooks.ts --record`): the same number and kinds, in order;
 * - the course's conventions (`checkOutputs`: no errors, no stderr, chart cells hold a chart);
 * - every chart on the page has a size and something drawn in it, and the page shows as many charts
 *   as the outputs hold;
 * - the page logged no JavaScript error, and the notebook ran within its budget.
 * The first pass's executed notebooks go to `build/notebooks/` (with cell timings), where
 * `deno task build --no-execute` makes the website from them; screenshots of every notebook go to
 * `build/jupyter-screenshots/`. The notebooks themselves are never saved (autosave is turned off).
 *
 * `--ui lab` does the same in JupyterLab 4's notebook instead: a page that `tools/notebooks/jupyterlab/build.ts` bundles
 * with esbuild from JupyterLab's npm packages (rebuilt only when its inputs change, a few seconds) and the same
 * Notebook server serves as a static file (`--NotebookApp.extra_static_paths`). Run All is JupyterLab's
 * `NotebookActions.runAll`, a cell is finished at `NotebookActions.executed`; its screenshots are
 * `NN-name-lab-K.png` (the classic ones stay), and it writes no executed copies.
 *
 * `--passes N` runs everything N times and ends with a table of lost outputs per notebook;
 * `--kernel raw` swaps in Deno's own kernel (what `deno jupyter --install` registers), to see the
 * output race the course's kernel fixes. Prints a line per notebook and pass, then `N passed, N failed`.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Browser, launchBrowser, openPage, type Page, type PageError, screenshots } from "../_browser.ts";
import {
  budgetOf,
  checkOutputs,
  compareWithRecord,
  listNotebooks,
  type Notebook,
  type OutputRecord,
  outputSvgs,
  readNotebook,
  RECORD,
} from "./_notebook.ts";
import { buildLabPage, LAB_PAGE, LAB_STATIC } from "./jupyterlab/build.ts";
import { installKernel } from "../kernel/install.ts";
import { ROOT } from "../_paths.ts";


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

/**
 * The same for JupyterLab 4's notebook page: none. What a JupyterLab page logs against Notebook 6.4's server
 * is avoided in `tools/notebooks/jupyterlab/main.ts` instead of allowed here: 404s for `/api/me` and the websocket
 * `/api/events/subscribe` (a fixed identity; an events manager that never subscribes), and a failed kernel
 * websocket handshake before the fallback (the server takes no subprotocol: none is offered). Each shows up
 * as an error if its work-around is taken out. @jupyter/ydoc's "[yjs#509] Not same Y.Doc" lines (about 20 a
 * notebook) are console warnings, which the check does not count.
 */
export const LAB_OWN_ERRORS: RegExp[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How the check drives one Jupyter front end; every expression is evaluated in the page. */
export interface FrontEnd {
  /** For the log: "the Notebook UI", "JupyterLab 4". */
  label: string;
  /** Added to screenshot names: "" or "-lab". */
  suffix: string;
  /** Errors that this front end logs on every page whatever the notebook (see JUPYTER_OWN_ERRORS). */
  ownErrors: RegExp[];
  url(base: string, token: string, notebook: string): string;
  /** True once the notebook is loaded and its kernel connected. */
  ready: string;
  /** Why the page could not get ready, if it says so (checked once `ready` or `failed` holds). */
  failed?: string;
  /** Starts Run All, and from then on keeps `window.__course.started` and `.finished[cell index]` (ms). */
  runAll: string;
  /** Every cell as `{ code, source, outputs }`, `outputs` the elements the cell's outputs are drawn in. */
  cells: string;
  /** The notebook with its outputs, as nbformat JSON. */
  toJSON: string;
  /** Shuts the notebook's kernel down. */
  close: string;
  /** Lets the page grow to show the whole notebook for a full-page screenshot. */
  unscroll(page: Page): Promise<void>;
}

/** Jupyter's classic Notebook UI (6.4), as `deno task start` opens it. */
export const CLASSIC: FrontEnd = {
  label: "the Notebook UI",
  suffix: "",
  ownErrors: JUPYTER_OWN_ERRORS,
  url: (base, token, name) => `${base}/notebooks/${encodeURIComponent(name)}?token=${token}`,
  ready: "window.Jupyter?.notebook?._fully_loaded && window.Jupyter.notebook.kernel?.is_connected?.()",
  // Never write outputs into the course's notebooks; note when the UI finishes each cell.
  runAll: `(() => {
    const nb = Jupyter.notebook;
    nb.set_autosave_interval(0);
    window.__course = { finished: {} };
    nb.events.on("finished_execute.CodeCell", (_e, d) => {
      window.__course.finished[nb.find_cell_index(d.cell)] = Date.now();
    });
    window.__course.started = Date.now();
    nb.execute_all_cells();
  })()`,
  cells: `Jupyter.notebook.get_cells().map((cell) => ({
    code: cell.cell_type === "code",
    source: cell.get_text(),
    outputs: cell.output_area ? [cell.output_area.element[0]] : [],
  }))`,
  toJSON: "Jupyter.notebook.toJSON()",
  close: "Jupyter.notebook.session.delete()",
  // The Notebook UI scrolls inside #site; let the document grow so the whole notebook is captured.
  unscroll: async (page) => {
    await page.evaluate(`(() => {
      document.body.style.overflow = "visible";
      document.body.style.height = "auto";
      const site = document.querySelector("#site");
      site.style.height = "auto";
      site.style.overflow = "visible";
      document.documentElement.style.overflow = "visible";
    })()`);
  },
};

/**
 * JupyterLab 4's notebook: the page `tools/notebooks/jupyterlab/` builds from JupyterLab's npm packages, served by the
 * same Notebook server (an extra static path). Its `main.ts` keeps `window.__course` for the check.
 */
export const LAB: FrontEnd = {
  label: "JupyterLab 4",
  suffix: "-lab",
  ownErrors: LAB_OWN_ERRORS,
  url: (base, token, name) => `${base}/static/${LAB_PAGE}?token=${token}&path=${encodeURIComponent(name)}`,
  ready: "window.__course?.ready === true || window.__course?.failed !== undefined",
  failed: "window.__course.failed",
  runAll: "window.__course.runAll()",
  cells: "window.__course.cells()",
  toJSON: "window.__course.toJSON()",
  close: "window.__course.shutdown()",
  // JupyterLab scrolls inside the notebook (.jp-WindowedPanel-outer): make the window tall enough to hold it.
  unscroll: async (page) => {
    for (let i = 0; i < 5; i++) {
      const { scroll, client } = await page.evaluate(`(() => {
        const outer = document.querySelector(".jp-WindowedPanel-outer");
        return { scroll: outer.scrollHeight, client: outer.clientHeight };
      })()`) as { scroll: number; client: number };
      if (scroll <= client) return;
      const viewport = page.viewport()!;
      await page.setViewport({ ...viewport, height: viewport.height + scroll - client });
      await sleep(200);
    }
  },
};

/** The code cells as the page shows them: which have finished, and their charts. */
const readCells = (ui: FrontEnd) =>
  `(() => (${ui.cells}).map((cell, index) => {
    if (!cell.code) return null;
    const svgs = cell.outputs.flatMap((o) => [...o.querySelectorAll("svg")]).filter((s) => !s.parentElement.closest("svg"));
    return {
      index,
      empty: cell.source.trim() === "",
      finished: window.__course.finished[index] ?? null,
      svgs: svgs.map((s) => {
        const r = s.getBoundingClientRect();
        return { width: r.width, height: r.height, marks: s.querySelectorAll("path, rect, circle, line, polyline, polygon, text, image").length };
      }),
    };
  }).filter((c) => c !== null))()`;

interface CellUi {
  index: number;
  empty: boolean;
  finished: number | null;
  svgs: { width: number; height: number; marks: number }[];
}

/** Chooses Run All and waits until every code cell has finished or the budget (+60 s) is spent. */
async function runAll(page: Page, ui: FrontEnd, budget: number, problems: string[]) {
  await page.evaluate(ui.runAll);
  const started = performance.now();
  const deadline = started + (budget + 60) * 1000;
  for (;;) {
    const cells = await page.evaluate(readCells(ui)) as CellUi[];
    if (cells.every((c) => c.empty || c.finished !== null)) break;
    if (performance.now() > deadline) {
      problems.push(
        `not finished after ${budget + 60} s: cells ${
          cells.filter((c) => !c.empty && c.finished === null).map((c) => c.index + 1).join(", ")
        }`,
      );
      break;
    }
    await sleep(200);
  }
  const seconds = (performance.now() - started) / 1000;
  // Anything still to come would be dropped by the UI; give it a moment to show that it is not.
  await sleep(300);
  const cells = await page.evaluate(readCells(ui)) as CellUi[];
  const executed = await page.evaluate(ui.toJSON) as Notebook;
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
  return { seconds, cells, executed };
}

/** What is wrong with what the page showed: outputs against the record, charts, time, page errors. */
function problemsOf(
  ui: FrontEnd,
  name: string,
  run: { seconds: number; cells: CellUi[]; executed: Notebook },
  budget: number,
  recorded: Record<string, string[]> | undefined,
  errors: PageError[],
) {
  const compared = compareWithRecord(run.executed, recorded);
  const problems = [...compared.problems, ...checkOutputs(run.executed)];
  for (const c of run.cells) {
    c.svgs.forEach((s, k) => {
      const what = `cell ${c.index + 1}, chart ${k + 1}`;
      if (!(s.width > 0 && s.height > 0)) problems.push(`${what} has no size on the page (${s.width} × ${s.height})`);
      else if (s.marks === 0) problems.push(`${what} is empty: nothing drawn in it`);
    });
  }
  const shown = run.cells.reduce((n, c) => n + c.svgs.length, 0);
  const held = outputSvgs(run.executed);
  if (shown !== held) problems.push(`${shown} chart(s) on the page, ${held} in the notebook's outputs`);
  if (run.seconds > budget) problems.push(`took ${run.seconds.toFixed(1)} s, over its budget of ${budget} s`);
  for (const e of errors) {
    if (ui.ownErrors.some((pattern) => pattern.test(e.text))) continue;
    problems.push(`${e.kind} error on the page: ${e.text.split("\n")[0]}`);
  }
  return { problems, lostCells: compared.cells };
}

/** Runs one notebook in the UI once; the page is closed and the kernel shut down afterwards. */
async function runInUi(
  ui: FrontEnd,
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
  try {
    await page.goto(ui.url(base, token, name), { waitUntil: "load" });
    await page.waitForFunction(ui.ready, { timeout: 60_000, polling: 100 });
    const failed = ui.failed && await page.evaluate(ui.failed);
    if (failed) throw new Error(`${ui.label} could not open ${name}: ${failed}`);
    const run = await runAll(page, ui, budget, problems);
    const checked = problemsOf(ui, name, run, budget, record[name], errors);
    problems.push(...checked.problems);
    if (shots) {
      await ui.unscroll(page);
      await screenshots(page, shots, name.replace(/\.ipynb$/, "") + ui.suffix + (pass > 1 ? `-pass${pass}` : ""));
    }
    return {
      notebook: name,
      pass,
      seconds: run.seconds,
      budget,
      problems,
      lostCells: checked.lostCells,
      executed: run.executed,
    };
  } finally {
    await page.evaluate(ui.close).catch(() => {});
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

/** The command line, checked. */
function parseOptions(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ui: { type: "string", default: "classic" },
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
  if (values.ui !== "classic" && values.ui !== "lab") {
    throw new RangeError(`--ui must be classic or lab, got ${values.ui}`);
  }
  return {
    ...values,
    kernel: values.kernel as "course" | "raw",
    ui: values.ui as "classic" | "lab",
    passes,
    positionals,
  };
}

/** Runs every notebook `passes` times in the front end; prints a line per run and its problems. */
async function runAllNotebooks(
  ui: FrontEnd,
  jupyter: { base: string; token: string },
  paths: string[],
  options: { passes: number; record: OutputRecord; shots?: string; out?: string },
): Promise<UiRun[]> {
  const browser = await launchBrowser();
  const runs: UiRun[] = [];
  try {
    for (let pass = 1; pass <= options.passes; pass++) {
      for (const path of paths) {
        let run: UiRun;
        try {
          const shots = pass === 1 ? options.shots : undefined;
          run = await runInUi(ui, browser, jupyter.base, jupyter.token, path, pass, options.record, shots);
          if (pass === 1 && options.out) {
            await Deno.writeTextFile(join(options.out, basename(path)), JSON.stringify(run.executed, null, 1) + "\n");
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
          `${ok ? "ok  " : "FAIL"}  ${run.notebook}${options.passes > 1 ? ` pass ${pass}` : ""}  ${
            run.seconds.toFixed(1)
          } s in ${ui.label} (budget ${run.budget} s)`,
        );
        for (const p of run.problems) console.log(`        ${p}`);
      }
    }
  } finally {
    await browser.close();
  }
  return runs;
}

/** The table of lost outputs per notebook over all passes; printed, and written to `json` if given. */
async function lossTable(runs: UiRun[], paths: string[], passes: number, kernel: string, json?: string) {
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
  console.log(`\nlost outputs over ${passes} pass(es), kernel: ${kernel}`);
  for (const t of table) {
    console.log(
      `${t.notebook.padEnd(34)} ${t.passesWithLoss} of ${t.passes} passes lost output${
        t.lost.length ? `: ${t.lost.map((l) => `pass ${l.pass} cells ${l.cells.join(",")}`).join("; ")}` : ""
      }`,
    );
  }
  if (json) await Deno.writeTextFile(json, JSON.stringify({ kernel, passes, table }, null, 1) + "\n");
}

/** Empties the screenshot folder of what this front end writes (the classic check: everything). */
async function clearShots(dir: string, ui: FrontEnd) {
  if (ui.suffix === "") await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  if (ui.suffix === "") return;
  for await (const f of Deno.readDir(dir)) {
    if (f.name.includes(`${ui.suffix}-`)) await Deno.remove(join(dir, f.name));
  }
}

export async function checkJupyter(args: string[]): Promise<number> {
  const options = parseOptions(args);
  const ui = options.ui === "lab" ? LAB : CLASSIC;
  const paths = options.positionals.length > 0
    ? options.positionals.map((p) => resolve(p))
    : await listNotebooks(join(ROOT, "notebooks"));
  for (const p of paths) {
    if (dirname(p) !== join(ROOT, "notebooks")) throw new RangeError(`${p} is not in notebooks/, which Jupyter serves`);
  }
  const record: OutputRecord = JSON.parse(await Deno.readTextFile(RECORD).catch(() => "{}"));
  const shots = options["no-shots"] ? undefined : resolve(options.shots);
  if (shots) await clearShots(shots, ui);
  // The classic check's executed copies feed the website (`deno task build --no-execute`); JupyterLab's do not.
  const out = ui === CLASSIC ? options.out : undefined;
  if (out) await Deno.mkdir(out, { recursive: true });
  const jupyterArgs: string[] = [];
  if (ui === LAB) {
    const { built, seconds } = await buildLabPage();
    console.log(`JupyterLab 4 page ${built ? `built in ${seconds.toFixed(1)} s` : "up to date"}: ${LAB_STATIC}`);
    jupyterArgs.push(`--NotebookApp.extra_static_paths=${JSON.stringify([LAB_STATIC])}`);
  }

  console.log(
    `Running ${paths.length} notebook(s) ${options.passes > 1 ? `${options.passes} times ` : ""}in ${
      ui === LAB ? "JupyterLab 4's notebook" : "Jupyter's Notebook UI"
    } (headless Chromium) with ${options.kernel === "raw" ? "Deno's own kernel" : "the course's kernel"}${
      out ? `; executed copies go to ${out}` : ""
    }`,
  );
  const jupyter = await startJupyter(options.kernel, jupyterArgs);
  let runs: UiRun[];
  try {
    runs = await runAllNotebooks(ui, jupyter, paths, { passes: options.passes, record, shots, out });
  } finally {
    await jupyter.stop();
  }
  if (options.passes > 1 || options.json) {
    await lossTable(runs, paths, options.passes, options.kernel, options.json);
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
