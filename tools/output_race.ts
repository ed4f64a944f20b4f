/**
 * Measures the Deno kernel's output race: how often a cell's outputs arrive after the kernel said the
 * cell was finished, so that a front end drops them.
 *
 * ```sh
 * deno run -A tools/output_race.ts [--runs 20] [--notebook tests/fixtures/output_race.ipynb] [--json]
 * ```
 *
 * Registers two kernels in a temporary Jupyter data dir, Deno's own (`deno jupyter --kernel`) and the
 * course's (`tools/kernel.ts`: Deno's behind the output-ordering proxy), and runs the notebook with
 * each, alternately, `--runs` times, with plain nbclient: like every Jupyter front end it stops
 * listening to a cell at `idle`. Each run is compared with the outputs saved in the notebook (number
 * and kinds, `compareWithRecord`). Prints, per kernel, the runs that lost something and the cells and
 * outputs lost. A figure to compare within one run: the rate depends on the machine and its load.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compareWithRecord, outputKinds, readNotebook, recordOf } from "./_notebook.ts";
import { installKernel } from "./kernel.ts";
import { findPython } from "./run_notebooks.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Per kernel: how much of the notebook's output the runs lost. */
export interface RaceTally {
  kernel: string;
  runs: number;
  runsWithLoss: number;
  cellsRun: number;
  cellsWithLoss: number;
  outputsExpected: number;
  outputsLost: number;
  seconds: number;
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
    const tallies = new Map<string, RaceTally>(chosen.map(({ kernel, label }) => [kernel, {
      kernel: label,
      runs: 0,
      runsWithLoss: 0,
      cellsRun: 0,
      cellsWithLoss: 0,
      outputsExpected: 0,
      outputsLost: 0,
      seconds: 0,
    }]));
    for (let run = 1; run <= runs; run++) {
      for (const { kernel } of chosen) {
        const out = join(work, `${kernel}-${run}.ipynb`);
        const started = performance.now();
        const result = await new Deno.Command(python, {
          args: [
            join(ROOT, "tools", "_nbexec.py"),
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
        if (!report.ok) {
          const err = new TextDecoder().decode(result.stderr).split("\n").filter((l) => !/unstable/.test(l)).slice(-8);
          throw new Error(`${kernel} run ${run} failed: ${report.error}\n${err.join("\n")}`);
        }
        const { differences } = compareWithRecord(await readNotebook(out), recordOf(expected));
        const t = tallies.get(kernel)!;
        t.runs++;
        t.seconds += (performance.now() - started) / 1000;
        const codeCells = expected.cells.filter((c) => c.cell_type === "code");
        t.cellsRun += codeCells.length;
        t.outputsExpected += codeCells.reduce((n, c) => n + outputKinds(c).length, 0);
        if (differences.length > 0) t.runsWithLoss++;
        t.cellsWithLoss += differences.length;
        t.outputsLost += differences.reduce((n, d) => n + missing(d.expected, d.actual), 0);
        if (log) {
          console.log(
            `run ${run} ${kernel.padEnd(11)} ${
              differences.length === 0
                ? "nothing lost"
                : `lost outputs in cells ${
                  differences.map((d) => d.cell + 1).join(", ")
                } (counted from 1, markdown too)`
            }`,
          );
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
        `${t.kernel}: ${t.runsWithLoss} of ${t.runs} runs lost output; ${t.cellsWithLoss} of ${t.cellsRun} cells, ` +
          `${t.outputsLost} of ${t.outputsExpected} outputs (${
            (100 * t.outputsLost / t.outputsExpected).toFixed(1)
          } %); ` +
          `${(t.seconds / t.runs).toFixed(2)} s a run (mostly starting the kernel)`,
      );
    }
  }
}
