/**
 * Measures the Deno kernel's output race: how often a cell's outputs arrive after the kernel said the
 * cell was finished, so that a front end drops them.
 *
 * ```sh
 * deno run -A tools/notebooks/output_race.ts [--runs 20] [--notebook tests/fixtures/output_race.ipynb] [--json]
 * ```
 *
 * Registers two kernels in a temporary Jupyter data dir, Deno's own (`deno jupyter --kernel`) and the
 * course's (`tools/kernel/install.ts`: Deno's behind the output-ordering proxy), and runs the notebook with
 * each, alternately, `--runs` times, with plain nbclient: like every Jupyter front end it stops
 * listening to a cell at `idle`. Each run is compared with the outputs saved in the notebook (number
 * and kinds, `compareWithRecord`). Prints, per kernel, the runs that lost something and the cells and
 * outputs lost. A figure to compare within one run: the rate depends on the machine and its load.
 *
 * Heavy cells (thousands of `console.log` lines, a 5 MB display) say in `metadata.output_race` what they
 * really print (`stdout_lines`, `data_chars`; their saved outputs are shortened), and are counted line by
 * line: the lines and large outputs that arrived in their own cell, and the lines that landed in another.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Cell, compareWithRecord, type Notebook, outputKinds, readNotebook, recordOf } from "./_notebook.ts";
import { installKernel } from "../kernel/install.ts";
import { findPython, ROOT } from "../_paths.ts";

/** Per kernel: how much of the notebook's output the runs lost. */
export interface RaceTally {
  kernel: string;
  runs: number;
  runsWithLoss: number;
  /** Runs that nbclient could not finish (e.g. "Invalid Signature" on a message): counted in runsWithLoss too. */
  runsFailed: number;
  /** Why each of those runs failed (nbclient's error and the end of its stderr). */
  failures: string[];
  cellsRun: number;
  cellsWithLoss: number;
  outputsExpected: number;
  outputsLost: number;
  /** `console.log` lines of the cells with `metadata.output_race.stdout_lines`, over all runs. */
  linesExpected: number;
  /** ... of which arrived in their own cell. */
  linesDelivered: number;
  /** Lines beyond a cell's own count: another cell's late output shown under it. */
  linesElsewhere: number;
  /** Outputs of the cells with `metadata.output_race.data_chars` (a display that long), over all runs. */
  largeExpected: number;
  /** ... of which arrived whole in their own cell. */
  largeDelivered: number;
  seconds: number;
}

/** What a heavy cell (or the small cell after one) prints, from its `metadata.output_race`; no `stdout_lines`: none. */
interface HeavyCell {
  stdout_lines?: number;
  data_chars?: number;
}

/** The stdout lines of a cell and the length of its longest text output. */
function measureCell(cell: Cell): { lines: number; longest: number } {
  let lines = 0, longest = 0;
  for (const out of cell.outputs ?? []) {
    if (out.output_type === "stream" && out.name === "stdout") {
      const text = Array.isArray(out.text) ? out.text.join("") : String(out.text ?? "");
      lines += text.split("\n").length - 1;
    }
    for (const value of Object.values(out.data ?? {})) {
      const text = Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "";
      longest = Math.max(longest, text.length);
    }
  }
  return { lines, longest };
}

/** Line counts of the heavy cells of one run: `executed` against what `expected` says they print. */
export function countHeavy(
  executed: Notebook,
  expected: Notebook,
): {
  linesExpected: number;
  linesDelivered: number;
  linesElsewhere: number;
  largeExpected: number;
  largeDelivered: number;
  /** The heavy cells (indices) whose large output did not arrive whole. */
  largeMissing: number[];
} {
  const counts = {
    linesExpected: 0,
    linesDelivered: 0,
    linesElsewhere: 0,
    largeExpected: 0,
    largeDelivered: 0,
    largeMissing: [] as number[],
  };
  expected.cells.forEach((cell, index) => {
    const want = cell.metadata.output_race as HeavyCell | undefined;
    const got = executed.cells[index];
    if (!want || !got) return;
    const { lines, longest } = measureCell(got);
    const own = want.stdout_lines ?? 0;
    counts.linesExpected += own;
    counts.linesDelivered += Math.min(lines, own);
    counts.linesElsewhere += Math.max(0, lines - own);
    if (want.data_chars !== undefined) {
      counts.largeExpected++;
      if (longest >= want.data_chars) counts.largeDelivered++;
      else counts.largeMissing.push(index);
    }
  });
  return counts;
}

/** How many of `expected` are not in `actual`, counting repeats (a multiset difference). */
function missing(expected: string[], actual: string[]): number {
  const left = [...actual];
  let n = 0;
  for (const kind of expected) {
    const k = left.indexOf(kind);
    if (k < 0) n++;
    else left.splice(k, 1);
  }
  return n;
}

/** An empty tally for one kernel. */
function emptyTally(kernel: string): RaceTally {
  return {
    kernel,
    runs: 0,
    runsWithLoss: 0,
    runsFailed: 0,
    failures: [],
    cellsRun: 0,
    cellsWithLoss: 0,
    outputsExpected: 0,
    outputsLost: 0,
    linesExpected: 0,
    linesDelivered: 0,
    linesElsewhere: 0,
    largeExpected: 0,
    largeDelivered: 0,
    seconds: 0,
  };
}

/** Executes `notebook` once into `out` under `kernel`, stopping at idle as front ends do (`--stock`). */
async function executeOnce(
  python: string,
  notebook: string,
  out: string,
  { work, kernel, dataDir }: { work: string; kernel: string; dataDir: string },
): Promise<{ ok: boolean; error?: string; stderr: string[] }> {
  const result = await new Deno.Command(python, {
    args: [
      join(ROOT, "tools", "notebooks", "_nbexec.py"),
      notebook,
      out,
      "--cwd",
      work,
      "--timeout",
      "60",
      "--kernel",
      kernel,
      "--stock",
    ],
    env: { JUPYTER_DATA_DIR: dataDir },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const report = JSON.parse(new TextDecoder().decode(result.stdout).trim().split("\n").at(-1) ?? "{}");
  const stderr = new TextDecoder().decode(result.stderr).split("\n").filter((l) => l.trim() && !/unstable/.test(l));
  return { ok: Boolean(report.ok), error: report.error, stderr };
}

/** Adds one finished run to `t`; returns whether it lost anything, and what arrived, as phrases. */
function tallyRun(t: RaceTally, executed: Notebook, expected: Notebook): { lost: boolean; phrases: string[] } {
  const { differences } = compareWithRecord(executed, recordOf(expected));
  const heavy = countHeavy(executed, expected);
  const heavyLoss = heavy.linesDelivered < heavy.linesExpected || heavy.linesElsewhere > 0 ||
    heavy.largeDelivered < heavy.largeExpected;
  t.runs++;
  const codeCells = expected.cells.filter((c) => c.cell_type === "code");
  t.cellsRun += codeCells.length;
  t.outputsExpected += codeCells.reduce((n, c) => n + outputKinds(c).length, 0);
  if (differences.length > 0 || heavyLoss) t.runsWithLoss++;
  t.cellsWithLoss += differences.length;
  t.outputsLost += differences.reduce((n, d) => n + missing(d.expected, d.actual), 0);
  t.linesExpected += heavy.linesExpected;
  t.linesDelivered += heavy.linesDelivered;
  t.linesElsewhere += heavy.linesElsewhere;
  t.largeExpected += heavy.largeExpected;
  t.largeDelivered += heavy.largeDelivered;
  const phrases = [
    ...(differences.length === 0 ? [] : [
      `lost outputs in cells ${differences.map((d) => d.cell + 1).join(", ")} (counted from 1, markdown too)`,
    ]),
    ...(heavy.linesExpected === 0 ? [] : [
      `${heavy.linesDelivered} of ${heavy.linesExpected} heavy lines in their own cell` +
      (heavy.linesElsewhere ? `, ${heavy.linesElsewhere} under another cell` : ""),
    ]),
    ...(heavy.largeExpected === 0 ? [] : [
      `${heavy.largeDelivered} of ${heavy.largeExpected} large outputs whole` +
      (heavy.largeMissing.length ? ` (not cells ${heavy.largeMissing.map((c) => c + 1).join(", ")})` : ""),
    ]),
  ];
  return { lost: differences.length > 0 || heavyLoss, phrases };
}

/** Runs `notebook` `runs` times under each of `kernels` ("raw": Deno's alone, "course": the course's). */
export async function measureRace(
  notebook: string,
  runs: number,
  { log = true, kernels = ["raw", "course"] }: { log?: boolean; kernels?: ("raw" | "course")[] } = {},
): Promise<RaceTally[]> {
  const python = await findPython();
  const dataDir = await Deno.makeTempDir({ prefix: "course-jupyter-" });
  const work = await Deno.makeTempDir({ prefix: "course-race-" });
  try {
    const chosen = [
      { kernel: "deno-raw", label: "Deno's kernel alone", raw: true },
      { kernel: "deno-course", label: "the course's kernel", raw: false },
    ].filter((k) => kernels.includes(k.raw ? "raw" : "course"));
    for (const k of chosen) await installKernel({ name: k.kernel, dataDir, raw: k.raw });
    const expected = await readNotebook(notebook);
    const tallies = new Map<string, RaceTally>(chosen.map(({ kernel, label }) => [kernel, emptyTally(label)]));
    for (let run = 1; run <= runs; run++) {
      for (const { kernel } of chosen) {
        const out = join(work, `${kernel}-${run}.ipynb`), t = tallies.get(kernel)!;
        const started = performance.now();
        const report = await executeOnce(python, notebook, out, { work, kernel, dataDir });
        if (!report.ok) { // the notebook did not finish: a run that lost everything after the failure
          t.runs++;
          t.runsFailed++;
          t.runsWithLoss++;
          t.failures.push(`run ${run}: ${report.error}; stderr: ${report.stderr.slice(-6).join(" | ")}`);
          t.seconds += (performance.now() - started) / 1000;
          if (log) console.log(`run ${run} ${kernel.padEnd(11)} FAILED: ${String(report.error).slice(0, 160)}`);
          continue;
        }
        const { lost, phrases } = tallyRun(t, await readNotebook(out), expected);
        t.seconds += (performance.now() - started) / 1000;
        if (log) {
          console.log(`run ${run} ${kernel.padEnd(11)} ${lost ? "" : "nothing lost; "}${phrases.join("; ")}`);
        }
      }
    }
    return [...tallies.values()];
  } finally {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "20" },
      notebook: { type: "string", default: join(ROOT, "tests", "fixtures", "output_race.ipynb") },
      json: { type: "boolean" },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs must be a whole number of at least 1, got ${values.runs}`);
    Deno.exit(2);
  }
  const tallies = await measureRace(values.notebook, runs, { log: !values.json });
  if (values.json) console.log(JSON.stringify(tallies, null, 1));
  else {
    for (const t of tallies) {
      console.log(
        `${t.kernel}: ${t.runsWithLoss} of ${t.runs} runs lost output (${t.runsFailed} did not finish); ` +
          `${t.cellsWithLoss} of ${t.cellsRun} cells, ` +
          `${t.outputsLost} of ${t.outputsExpected} outputs (${
            (100 * t.outputsLost / t.outputsExpected).toFixed(1)
          } %); ` +
          (t.linesExpected
            ? `heavy lines in their own cell ${t.linesDelivered} of ${t.linesExpected}` +
              `, under another cell ${t.linesElsewhere}; `
            : "") +
          (t.largeExpected ? `large outputs whole ${t.largeDelivered} of ${t.largeExpected}; ` : "") +
          `${(t.seconds / t.runs).toFixed(2)} s a run (mostly starting the kernel)`,
      );
    }
  }
}
