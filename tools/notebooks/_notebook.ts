/**
 * Reading Jupyter notebooks (nbformat 4) and the course's conventions for them.
 *
 * Conventions, read by the runner and the checker:
 * - `metadata.course.budget_seconds`: how long a top-to-bottom run may take (default 60).
 * - cell tags (`metadata.tags`):
 *   - `no-output`: the cell is expected to print nothing (imports, definitions);
 *   - `chart`: the cell must display a chart (HTML holding an `<svg>`);
 *   - `allow-stderr`: the cell may write to stderr (otherwise stderr output fails the run).
 *   Every other code cell must produce at least one output: a cell whose output went missing
 *   (the Deno kernel's output race: README, "The course's kernel") is a failure, not a silent gap.
 *
 * @module
 */

import { join } from "node:path";
import { TESTS } from "../_paths.ts";

/**
 * The output kinds of every notebook's code cells as the headless runner recorded them
 * (`tools/notebooks/run_notebooks.ts --record`); Jupyter's UI must show the same (`tools/notebooks/check_jupyter.ts`).
 */
export const RECORD = join(TESTS, "fixtures", "notebook_outputs.json");

/** A notebook cell output (the parts the course looks at). */
export interface Output {
  output_type: "stream" | "display_data" | "execute_result" | "error" | "update_display_data";
  name?: "stdout" | "stderr";
  text?: string | string[];
  data?: Record<string, string | string[] | unknown>;
  ename?: string;
  evalue?: string;
}

/** A notebook cell. */
export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: { tags?: string[]; execution?: Record<string, string>; [key: string]: unknown };
  outputs?: Output[];
  execution_count?: number | null;
}

/** A notebook (nbformat 4). */
export interface Notebook {
  cells: Cell[];
  metadata: { course?: { budget_seconds?: number }; [key: string]: unknown };
  nbformat: number;
  nbformat_minor: number;
}

/** The default time budget for a whole notebook, in seconds. */
export const DEFAULT_BUDGET_SECONDS = 60;

/** Reads and parses a notebook file. */
export async function readNotebook(path: string): Promise<Notebook> {
  const nb = JSON.parse(await Deno.readTextFile(path)) as Notebook;
  if (!Array.isArray(nb.cells) || nb.nbformat !== 4) {
    throw new TypeError(`Cannot read notebook ${path}: expected nbformat 4 with a cells list`);
  }
  return nb;
}

/** A cell's source as one string. */
export function sourceOf(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** A cell's tags. */
export function tagsOf(cell: Cell): string[] {
  return cell.metadata?.tags ?? [];
}

/** The notebook's time budget in seconds. */
export function budgetOf(nb: Notebook): number {
  return nb.metadata.course?.budget_seconds ?? DEFAULT_BUDGET_SECONDS;
}

/** All `.ipynb` files directly in `dir`, sorted by name (the course order). */
export async function listNotebooks(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".ipynb")) names.push(`${dir}/${entry.name}`);
  }
  return names.sort();
}

/**
 * The problems with an executed notebook, one sentence each (empty when all is well):
 * errors, stderr output, code cells whose expected output is missing, chart cells without a chart.
 */
export function checkOutputs(executed: Notebook): string[] {
  const problems: string[] = [];
  executed.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || sourceOf(cell).trim() === "") return;
    const where = `cell ${index + 1}`;
    const tags = tagsOf(cell);
    const outputs = cell.outputs ?? [];
    for (const out of outputs) {
      if (out.output_type === "error") problems.push(`${where} raised ${out.ename}: ${out.evalue}`);
      if (out.output_type === "stream" && out.name === "stderr" && !tags.includes("allow-stderr")) {
        problems.push(`${where} wrote to stderr: ${firstLine(textOf(out.text))}`);
      }
    }
    if (tags.includes("no-output")) {
      if (outputs.length > 0) problems.push(`${where} is tagged no-output but produced ${outputs.length} output(s)`);
      return;
    }
    if (outputs.length === 0) {
      problems.push(`${where} produced no output (expected some; tag it no-output if that is intended)`);
    }
    if (tags.includes("chart")) {
      const charts = outputs.filter((out) => /<svg/.test(textOf(out.data?.["text/html"] as string | string[])));
      if (charts.length === 0) problems.push(`${where} is tagged chart but displayed no chart (no <svg> in text/html)`);
    }
  });
  return problems;
}

/** Seconds each code cell took, from the timing nbclient records (`record_timing`), by cell index. */
export function cellSeconds(executed: Notebook): Map<number, number> {
  const seconds = new Map<number, number>();
  executed.cells.forEach((cell, index) => {
    const t = cell.metadata?.execution;
    const start = t?.["iopub.execute_input"], end = t?.["shell.execute_reply"];
    if (start && end) seconds.set(index, (Date.parse(end) - Date.parse(start)) / 1000);
  });
  return seconds;
}

function textOf(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join("") : text ?? "";
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

/**
 * What a code cell showed, as a list of kinds a front end would draw: `stream:stdout`,
 * `display_data:text/html+text/plain`, `execute_result:text/markdown`, `error:Name`. Consecutive
 * stream outputs of one name count once, as front ends and nbformat merge them (nbclient does not).
 */
export function outputKinds(cell: Cell): string[] {
  const kinds: string[] = [];
  for (const out of cell.outputs ?? []) {
    let kind: string;
    if (out.output_type === "stream") kind = `stream:${out.name}`;
    else if (out.output_type === "error") kind = `error:${out.ename}`;
    else kind = `${out.output_type}:${Object.keys(out.data ?? {}).sort().join("+")}`;
    if (out.output_type === "stream" && kinds.at(-1) === kind) continue;
    kinds.push(kind);
  }
  return kinds;
}

/** Output kinds of every code cell, by notebook file name and cell index (`outputKinds`). */
export type OutputRecord = Record<string, Record<string, string[]>>;

/** The record's entry for a notebook as `outputKinds` gives it. */
export function recordOf(nb: Notebook): Record<string, string[]> {
  const entry: Record<string, string[]> = {};
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type === "code") entry[String(index)] = outputKinds(cell);
  });
  return entry;
}

/** The code cells whose output kinds differ from the record, with a sentence for each. */
export function compareWithRecord(
  executed: Notebook,
  recorded: Record<string, string[]> | undefined,
): { cells: number[]; problems: string[]; differences: { cell: number; expected: string[]; actual: string[] }[] } {
  if (!recorded) {
    return {
      cells: [],
      problems: ["no recorded outputs: run deno run -A tools/notebooks/run_notebooks.ts --record"],
      differences: [],
    };
  }
  const actual = recordOf(executed);
  const problems: string[] = [];
  const differences: { cell: number; expected: string[]; actual: string[] }[] = [];
  const indices = new Set([...Object.keys(recorded), ...Object.keys(actual)]);
  for (const index of [...indices].sort((a, b) => Number(a) - Number(b))) {
    const want = recorded[index], got = actual[index];
    if (!want || !got) {
      problems.push(`cell ${Number(index) + 1}: the notebook's cells changed since the record; re-record it`);
      continue;
    }
    if (want.join(" ") !== got.join(" ")) {
      differences.push({ cell: Number(index), expected: want, actual: got });
      problems.push(
        `cell ${Number(index) + 1}: outputs [${got.join(", ")}], recorded [${want.join(", ")}]`,
      );
    }
  }
  return { cells: differences.map((d) => d.cell), problems, differences };
}

/** `<svg>` elements not inside another `<svg>`: the charts an output holds, counted as a page shows them. */
export function countTopLevelSvgs(html: string): number {
  let depth = 0, n = 0;
  for (const m of html.matchAll(/<(\/?)svg\b[^>]*?(\/?)>/g)) {
    if (m[1] === "/") depth = Math.max(0, depth - 1);
    else if (m[2] === "/") {
      if (depth === 0) n++;
    } else {
      if (depth === 0) n++;
      depth++;
    }
  }
  return n;
}

/** How many `<svg>` a notebook's code-cell outputs hold (charts, legends, diagrams; nested ones not counted apart). */
export function outputSvgs(executed: Notebook): number {
  let svgs = 0;
  for (const cell of executed.cells) {
    if (cell.cell_type !== "code") continue;
    for (const out of cell.outputs ?? []) {
      const html = out.data?.["text/html"];
      svgs += countTopLevelSvgs(Array.isArray(html) ? html.join("") : typeof html === "string" ? html : "");
    }
  }
  return svgs;
}
