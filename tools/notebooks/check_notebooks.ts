/**
 * Type-checks and lints the code of every notebook, and reports how the notebooks read: words of
 * prose, lines of code, code cells longer than {@linkcode CELL_LIMIT} lines, and code repeated across
 * notebooks (a run of {@linkcode REPEAT_LINES} lines found in two of them belongs in `lib/`).
 *
 * The Deno kernel does not type-check cells (a wrong argument type runs; a misspelled named import
 * is `undefined`), and `deno check`/`deno lint` cannot read `.ipynb` files. So this joins each
 * notebook's code cells into `build/nbcheck/<name>.ts`, runs `deno check` and `deno lint` on those
 * files, and maps every error back to the notebook, cell and line it came from.
 *
 * ```sh
 * deno run -A tools/notebooks/check_notebooks.ts [NOTEBOOK.ipynb ...] [--strict]
 * ```
 *
 * `--strict` also fails on long cells and repeated code (the report alone does not).
 *
 * @module
 */

import { basename, join } from "node:path";
import { listNotebooks, readNotebook, sourceOf } from "./_notebook.ts";
import { ROOT } from "../_paths.ts";


/** A code cell should read at a glance: longer than this many lines is reported. */
export const CELL_LIMIT = 25;
/** This many consecutive lines of code found in two notebooks count as repeated code. */
export const REPEAT_LINES = 6;
/**
 * The lecture half, notebooks 01–06, must read in a sitting per notebook: at most this many words of
 * prose (markdown and `Deno.jupyter.md` templates) and non-blank code lines together (issue 27).
 */
export const LECTURE_BUDGET = { notebooks: /^0[1-6]-/, words: 7000, codeLines: 900 } as const;

/**
 * Notebooks read as a learner's guide, each with a word limit of its own (prose: markdown and `Deno.jupyter.md`
 * templates; issue 31). Their appendices (`09a-…`, `10a-…`) are not on the main path and have none.
 */
export const GUIDE_BUDGETS: readonly { readonly notebook: RegExp; readonly words: number }[] = [
  { notebook: /^09-/, words: 2500 },
  { notebook: /^10-/, words: 2200 },
];

/** Each given guide notebook's prose against its limit in {@linkcode GUIDE_BUDGETS}. */
export function guideBudgets(stats: readonly NotebookStats[]) {
  return GUIDE_BUDGETS.flatMap(({ notebook, words: limit }) =>
    stats.filter((s) => notebook.test(s.notebook)).map((s) => {
      const words = s.markdownWords + s.templateWords;
      return { notebook: s.notebook, words, limit, ok: words <= limit };
    })
  );
}

/** The lecture half's totals against {@linkcode LECTURE_BUDGET}, or undefined when none of 01–06 is given. */
export function lectureBudget(stats: readonly NotebookStats[]) {
  const lecture = stats.filter((s) => LECTURE_BUDGET.notebooks.test(s.notebook));
  if (lecture.length === 0) return undefined;
  const words = lecture.reduce((n, s) => n + s.markdownWords + s.templateWords, 0);
  const codeLines = lecture.reduce((n, s) => n + s.codeLines, 0);
  return {
    notebooks: lecture.length,
    words,
    codeLines,
    ok: words <= LECTURE_BUDGET.words && codeLines <= LECTURE_BUDGET.codeLines,
  };
}

/** How a notebook reads, in numbers. */
export interface NotebookStats {
  notebook: string;
  /** Words of markdown cells. */
  markdownWords: number;
  /** Words of text inside `Deno.jupyter.md` templates in code cells (prose that only shows when run). */
  templateWords: number;
  codeCells: number;
  /** Non-blank lines of code. */
  codeLines: number;
  /** The longest code cell (numbered from 1) and its non-blank lines. */
  longest: { cell: number; lines: number };
  /** Code cells over {@linkcode CELL_LIMIT} non-blank lines, numbered from 1. */
  longCells: { cell: number; lines: number }[];
  /**
   * Lines of Deno.jupyter.md templates over {@linkcode TEMPLATE_WIDTH} characters (cell and line from 1):
   * front ends clip long code lines, and markdown joins a template's lines into one paragraph anyway.
   */
  wideTemplateLines: { cell: number; line: number; length: number }[];
}

/** The widest a line of a Deno.jupyter.md template may be: about what a code cell shows at 1100 px. */
export const TEMPLATE_WIDTH = 100;

const words = (text: string) => text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

/** The numbers of one notebook. */
export function notebookStats(notebook: string, cells: { cell_type: string; source: string }[]): NotebookStats {
  const stats: NotebookStats = {
    notebook,
    markdownWords: 0,
    templateWords: 0,
    codeCells: 0,
    codeLines: 0,
    longest: { cell: 0, lines: 0 },
    longCells: [],
    wideTemplateLines: [],
  };
  cells.forEach((cell, index) => {
    if (cell.cell_type === "markdown") stats.markdownWords += words(cell.source);
    if (cell.cell_type !== "code" || cell.source.trim() === "") return;
    stats.codeCells++;
    const lines = cell.source.split("\n").filter((l) => l.trim() !== "").length;
    stats.codeLines += lines;
    if (lines > stats.longest.lines) stats.longest = { cell: index + 1, lines };
    if (lines > CELL_LIMIT) stats.longCells.push({ cell: index + 1, lines });
    for (const m of cell.source.matchAll(/Deno\.jupyter\.md`((?:[^`\\]|\\.)*)`/gs)) {
      stats.templateWords += words(m[1].replace(/\$\{[^}]*\}/g, " "));
      const first = cell.source.slice(0, m.index).split("\n").length; // the template's first line, from 1
      const start = cell.source.lastIndexOf("\n", m.index) + 1;
      cell.source.slice(start, m.index + m[0].length).split("\n").forEach((line, k) => {
        if (line.length > TEMPLATE_WIDTH) {
          stats.wideTemplateLines.push({ cell: index + 1, line: first + k, length: line.length });
        }
      });
    }
  });
  return stats;
}

/** Lines that say nothing on their own: blank, comments, brackets, imports. */
function meaningful(line: string): boolean {
  const t = line.trim();
  return t.length >= 12 && !t.startsWith("//") && !t.startsWith("import ") && !/^[\])}]+[;,)]*$/.test(t);
}

/**
 * Runs of {@linkcode REPEAT_LINES} consecutive meaningful lines of code (trimmed) that stand in more
 * than one notebook: where each is, and the first line.
 */
export function repeatedCode(
  notebooks: { notebook: string; cells: { cell_type: string; source: string }[] }[],
): { first: string; places: string[] }[] {
  const seen = new Map<string, Set<string>>();
  for (const { notebook, cells } of notebooks) {
    cells.forEach((cell, index) => {
      if (cell.cell_type !== "code") return;
      const lines = cell.source.split("\n").map((l) => l.trim()).filter(meaningful);
      for (let k = 0; k + REPEAT_LINES <= lines.length; k++) {
        const key = lines.slice(k, k + REPEAT_LINES).join("\n");
        if (!seen.has(key)) seen.set(key, new Set());
        seen.get(key)!.add(`${notebook} cell ${index + 1}`);
      }
    });
  }
  const out: { first: string; places: string[] }[] = [];
  const reported = new Set<string>();
  for (const [key, places] of seen) {
    const notebooksWith = new Set([...places].map((p) => p.split(" cell ")[0]));
    if (notebooksWith.size < 2) continue;
    const where = [...places].sort().join(", ");
    if (reported.has(where)) continue; // overlapping runs in the same cells: once
    reported.add(where);
    out.push({ first: key.split("\n")[0], places: [...places].sort() });
  }
  return out;
}
const OUT = join(ROOT, "build", "nbcheck");

/** Where each line of a joined file came from. */
interface Origin {
  notebook: string;
  cell: number;
  line: number;
}

/** Joins a notebook's code cells into one TypeScript module; returns its text and a line map. */
export function joinCells(notebookName: string, cells: { cell_type: string; source: string }[]) {
  const lines = [`// Code cells of notebooks/${notebookName}, joined for type checking. Generated; do not edit.`];
  const origins: (Origin | undefined)[] = [undefined];
  cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    lines.push(`// --- cell ${index + 1} ---`);
    origins.push(undefined);
    cell.source.split("\n").forEach((text, k) => {
      lines.push(text);
      origins.push({ notebook: notebookName, cell: index + 1, line: k + 1 });
    });
  });
  lines.push("export {};"); // a module, so top-level await type-checks even without imports
  origins.push(undefined);
  return { text: lines.join("\n") + "\n", origins };
}

/** Rewrites `build/nbcheck/NAME.ts:LINE:COL` in tool output to `notebooks/NAME.ipynb, cell C, line L:COL`. */
export function mapLocations(output: string, maps: Map<string, (Origin | undefined)[]>): string {
  return output.replace(
    /(?:file:\/\/)?[^\s'"()]*build\/nbcheck\/([^\s:'"()]+)\.ts:(\d+):(\d+)/g,
    (all, name, line, col) => {
      const origin = maps.get(name)?.[Number(line) - 1];
      return origin ? `notebooks/${origin.notebook}, cell ${origin.cell}, line ${origin.line}:${col}` : all;
    },
  );
}

async function run(args: string[]): Promise<{ ok: boolean; text: string }> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { ok: success, text: decoder.decode(stdout) + decoder.decode(stderr) };
}

/** Checks and lints the named notebooks (default: all); returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const strict = args.includes("--strict");
  args = args.filter((a) => a !== "--strict");
  const paths = args.length > 0 ? args : await listNotebooks(join(ROOT, "notebooks"));
  await Deno.remove(OUT, { recursive: true }).catch(() => {});
  await Deno.mkdir(OUT, { recursive: true });
  const maps = new Map<string, (Origin | undefined)[]>();
  const files: string[] = [];
  const all: { notebook: string; cells: { cell_type: string; source: string }[] }[] = [];
  for (const path of paths) {
    const nb = await readNotebook(path);
    const name = basename(path, ".ipynb");
    const cells = nb.cells.map((c) => ({ ...c, source: sourceOf(c) }));
    all.push({ notebook: `${name}.ipynb`, cells });
    const { text, origins } = joinCells(`${name}.ipynb`, cells);
    const file = join(OUT, `${name}.ts`);
    await Deno.writeTextFile(file, text);
    maps.set(name, origins);
    files.push(file);
  }
  if (files.length === 0) {
    console.log("no notebooks to check");
    return 0;
  }
  const check = await run(["check", "--quiet", ...files]);
  // Lint without the project config: it excludes build/, where the joined files live.
  const lint = await run(["lint", "--no-config", "--quiet", ...files]);
  for (const [what, result] of [["deno check", check], ["deno lint", lint]] as const) {
    if (!result.ok) console.log(`${what} found problems in notebook code:\n${mapLocations(result.text, maps)}`);
  }
  const stats = all.map(({ notebook, cells }) => notebookStats(notebook, cells));
  const sum = (f: (s: NotebookStats) => number) => stats.reduce((n, s) => n + f(s), 0);
  console.log("how the notebooks read (non-blank code lines; words of markdown, and of Deno.jupyter.md templates):");
  for (
    const s of [...stats, {
      notebook: "all",
      markdownWords: sum((s) => s.markdownWords),
      templateWords: sum((s) => s.templateWords),
      codeCells: sum((s) => s.codeCells),
      codeLines: sum((s) => s.codeLines),
      longest: stats.reduce((a, s) => s.longest.lines > a.lines ? { ...s.longest, notebook: s.notebook } : a, {
        cell: 0,
        lines: 0,
        notebook: "",
      }),
      longCells: stats.flatMap((s) => s.longCells),
      wideTemplateLines: stats.flatMap((s) => s.wideTemplateLines),
    }]
  ) {
    const longest = "notebook" in s.longest ? `${s.longest.notebook} cell ${s.longest.cell}` : `cell ${s.longest.cell}`;
    console.log(
      `  ${s.notebook.padEnd(32)} ${String(s.markdownWords).padStart(6)} words, ${
        String(s.templateWords).padStart(5)
      } in templates, ` +
        `${String(s.codeCells).padStart(3)} code cells, ${
          String(s.codeLines).padStart(5)
        } lines, longest ${s.longest.lines} (${longest}), ` +
        `${s.longCells.length} over ${CELL_LIMIT}`,
    );
  }
  const budget = lectureBudget(stats);
  if (budget) {
    console.log(
      `${
        budget.ok ? "ok" : "OVER BUDGET"
      }: notebooks 01–06 (${budget.notebooks} given) hold ${budget.words} words of prose ` +
        `(limit ${LECTURE_BUDGET.words}) and ${budget.codeLines} lines of code (limit ${LECTURE_BUDGET.codeLines})`,
    );
  }
  const guides = guideBudgets(stats);
  for (const g of guides) {
    console.log(`${g.ok ? "ok" : "OVER BUDGET"}: ${g.notebook} holds ${g.words} words of prose (limit ${g.limit})`);
  }
  const long = stats.flatMap((s) => s.longCells.map((c) => `${s.notebook} cell ${c.cell} (${c.lines} lines)`));
  if (long.length > 0) console.log(`cells over ${CELL_LIMIT} lines: ${long.join("; ")}`);
  const wide = stats.flatMap((s) =>
    s.wideTemplateLines.map((w) => `${s.notebook} cell ${w.cell} line ${w.line} (${w.length} characters)`)
  );
  if (wide.length > 0) {
    console.log(`Deno.jupyter.md template lines over ${TEMPLATE_WIDTH} characters (wrap them): ${wide.join("; ")}`);
  }
  const repeats = repeatedCode(all);
  for (const r of repeats) console.log(`code repeated across notebooks: ${r.places.join(", ")}: "${r.first}" …`);
  const ok = check.ok && lint.ok && (budget?.ok ?? true) && guides.every((g) => g.ok) && wide.length === 0 &&
    (!strict || (long.length === 0 && repeats.length === 0));
  console.log(`${ok ? "ok" : "FAIL"}: type-checked and linted the code of ${files.length} notebook(s)`);
  return ok ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
