/**
 * Executes notebooks with the Deno kernel, headless, and checks them.
 *
 * ```sh
 * deno run -A tools/notebooks/run_notebooks.ts [NOTEBOOK.ipynb ...] [--out DIR] [--record]
 * ```
 *
 * With no notebooks named, runs every notebook in `notebooks/`, in course order. Each runs top to
 * bottom in a fresh kernel, in its own folder (as Jupyter runs it); the executed copy is written to
 * `build/notebooks/` (git-ignored). A notebook fails on an error, on stderr output, on a code cell
 * whose expected output is missing, or when it takes longer than its budget
 * (`metadata.course.budget_seconds`, default 60); see `tools/notebooks/_notebook.ts` for the conventions.
 * A notebook also fails when its outputs differ in number or kind from the record,
 * `tests/fixtures/notebook_outputs.json`, which `--record` rewrites for the notebooks run (do that
 * after changing a notebook). `tools/notebooks/check_jupyter.ts` holds what Jupyter's UI shows to the same record.
 * Prints one line per notebook, then `N passed, N failed`; exits 1 if any failed.
 *
 * The execution itself is `tools/notebooks/_nbexec.py`, an nbclient subclass that keeps reading outputs for
 * 0.1 s after the kernel says it is idle: the Deno kernel often sends `idle` before a cell's last
 * outputs, and stock nbconvert then loses them (README, "The course's kernel").
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import {
  budgetOf,
  cellSeconds,
  checkOutputs,
  compareWithRecord,
  listNotebooks,
  type Notebook,
  type OutputRecord,
  readNotebook,
  RECORD,
  recordOf,
} from "./_notebook.ts";
import { findPython, ROOT } from "../_paths.ts";

const EXEC = join(ROOT, "tools", "notebooks", "_nbexec.py");

/** The result of running one notebook. */
export interface NotebookResult {
  path: string;
  ok: boolean;
  seconds: number;
  budget: number;
  problems: string[];
  slowest?: { cell: number; seconds: number };
  executed?: Notebook;
}

/** Executes one notebook into `outDir` and checks it. */
export async function runNotebook(
  path: string,
  outDir: string,
  python: string,
  recorded?: Record<string, string[]>,
): Promise<NotebookResult> {
  const source = await readNotebook(path);
  const budget = budgetOf(source);
  const out = join(outDir, basename(path));
  const started = performance.now();
  const child = new Deno.Command(python, {
    args: [EXEC, path, out, "--cwd", dirname(resolve(path)), "--timeout", String(Math.ceil(budget))],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // A hung kernel must not hang the test run: kill it well after the budget (kernel start included).
  const killer = setTimeout(() => child.kill("SIGKILL"), (budget + 60) * 1000);
  const { stdout, stderr, success } = await child.output();
  clearTimeout(killer);
  const seconds = (performance.now() - started) / 1000;

  const problems: string[] = [];
  const report = new TextDecoder().decode(stdout).trim().split("\n").at(-1) ?? "";
  let executedOk = false;
  try {
    const parsed = JSON.parse(report) as { ok: boolean; error: string | null };
    executedOk = parsed.ok;
    if (!parsed.ok && parsed.error) problems.push(firstLines(parsed.error, 12));
  } catch {
    problems.push(
      `the executor failed (exit ${success ? 0 : "non-zero"}): ${firstLines(new TextDecoder().decode(stderr), 12)}`,
    );
  }
  let slowest: NotebookResult["slowest"];
  const executed = await readNotebook(out).catch(() => undefined);
  if (executed) {
    if (executedOk) problems.push(...checkOutputs(executed));
    if (executedOk && recorded) problems.push(...compareWithRecord(executed, recorded).problems);
    for (const [cell, s] of cellSeconds(executed)) {
      if (!slowest || s > slowest.seconds) slowest = { cell: cell + 1, seconds: s };
    }
  }
  if (seconds > budget) problems.push(`took ${seconds.toFixed(1)} s, over its budget of ${budget} s`);
  return { path, ok: problems.length === 0, seconds, budget, problems, slowest, executed };
}

function firstLines(text: string, n: number): string {
  const lines = text.trim().split("\n");
  return lines.slice(0, n).join("\n") + (lines.length > n ? `\n… (${lines.length - n} more lines)` : "");
}

/** Runs the notebooks named on the command line (default: all of `notebooks/`); returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let outDir = join(ROOT, "build", "notebooks");
  const paths: string[] = [];
  let write = false;
  for (let k = 0; k < args.length; k++) {
    if (args[k] === "--out") outDir = resolve(args[++k]);
    else if (args[k] === "--record") write = true;
    else paths.push(args[k]);
  }
  const record: OutputRecord = JSON.parse(await Deno.readTextFile(RECORD).catch(() => "{}"));
  if (paths.length === 0) paths.push(...await listNotebooks(join(ROOT, "notebooks")));
  await Deno.mkdir(outDir, { recursive: true });
  const python = await findPython();

  let passed = 0, failed = 0;
  for (const path of paths) {
    const r = await runNotebook(path, outDir, python, write ? undefined : record[basename(path)]);
    if (write && r.ok && r.executed) record[basename(path)] = recordOf(r.executed);
    const slow = r.slowest ? `, slowest cell ${r.slowest.cell}: ${r.slowest.seconds.toFixed(1)} s` : "";
    console.log(
      `${r.ok ? "ok  " : "FAIL"}  ${basename(path)}  ${r.seconds.toFixed(1)} s (budget ${r.budget} s${slow})`,
    );
    for (const problem of r.problems) console.log(problem.replace(/^/gm, "        "));
    if (r.ok) passed++;
    else failed++;
  }
  console.log(`executed copies in ${outDir}`);
  if (write) {
    const sorted = Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
    await Deno.writeTextFile(RECORD, JSON.stringify(sorted, null, 2) + "\n");
    console.log(`outputs recorded in ${RECORD}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
