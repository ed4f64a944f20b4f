/**
 * Type-checks and lints the code of every notebook.
 *
 * The Deno kernel does not type-check cells (a wrong argument type runs; a misspelled named import
 * is `undefined`), and `deno check`/`deno lint` cannot read `.ipynb` files. So this joins each
 * notebook's code cells into `build/nbcheck/<name>.ts`, runs `deno check` and `deno lint` on those
 * files, and maps every error back to the notebook, cell and line it came from.
 *
 * ```sh
 * deno run -A tools/check_notebooks.ts [NOTEBOOK.ipynb ...]
 * ```
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listNotebooks, readNotebook, sourceOf } from "./_notebook.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
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
  const paths = args.length > 0 ? args : await listNotebooks(join(ROOT, "notebooks"));
  await Deno.remove(OUT, { recursive: true }).catch(() => {});
  await Deno.mkdir(OUT, { recursive: true });
  const maps = new Map<string, (Origin | undefined)[]>();
  const files: string[] = [];
  for (const path of paths) {
    const nb = await readNotebook(path);
    const name = basename(path, ".ipynb");
    const { text, origins } = joinCells(`${name}.ipynb`, nb.cells.map((c) => ({ ...c, source: sourceOf(c) })));
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
  const ok = check.ok && lint.ok;
  console.log(`${ok ? "ok" : "FAIL"}: type-checked and linted the code of ${files.length} notebook(s)`);
  return ok ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
