/**
 * `deno task build`: the course as a static website.
 *
 * ```sh
 * deno task build [--no-execute] [--out build/site]
 * ```
 *
 * 1. executes every notebook top to bottom with the Deno kernel, headless, with the checks of
 *    `tools/run_notebooks.ts` (errors, stderr, missing outputs, time budgets); executed copies go to
 *    build/notebooks/. `--no-execute` uses the copies already there instead;
 * 2. converts each to HTML with Debian's `jupyter nbconvert` (lab template). Charts are SVG inside
 *    `text/html` outputs, which nbconvert keeps (it blanks bare `image/svg+xml`, jupyter/nbconvert#1849);
 * 3. makes the pages fit for a site (`tools/_site.ts`: no links into the builder's file system, links
 *    between notebooks, a navigation bar) and writes `index.html`, the table of contents, and
 *    `pages.json`, what `tools/check_site.ts` checks each page against.
 *
 * The site (git-ignored) opens from the file system or any static server: every page is one HTML file
 * with its charts inline. Ends with the notebook runner's `N passed, N failed`; exits 1 if a notebook
 * failed or nbconvert did.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cellSeconds, listNotebooks, readNotebook } from "./_notebook.ts";
import { findPython, main as runNotebooks } from "./run_notebooks.ts";
import { indexPage, type PageInfo, pageInfo, sitePage } from "./_site.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export async function build(args: string[]): Promise<number> {
  let out = join(ROOT, "build", "site");
  let execute = true;
  for (let k = 0; k < args.length; k++) {
    if (args[k] === "--out") out = resolve(args[++k]);
    else if (args[k] === "--no-execute") execute = false;
    else throw new RangeError(`Unknown argument ${args[k]}: expected --no-execute or --out DIR`);
  }
  const executedDir = join(ROOT, "build", "notebooks");
  const sources = await listNotebooks(join(ROOT, "notebooks"));

  let code = 0;
  if (execute) code = await runNotebooks(sources);
  const executed = sources.map((s) => join(executedDir, basename(s)));
  for (const path of executed) {
    if (!await Deno.stat(path).then(() => true, () => false)) {
      console.log(`FAIL  ${basename(path)} has not been executed: run deno task build without --no-execute`);
      return 1;
    }
  }

  // One nbconvert for all pages: Python starts once.
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(out, { recursive: true });
  const started = performance.now();
  const python = await findPython();
  const convert = await new Deno.Command(python, {
    args: ["-m", "nbconvert", "--to", "html", "--template", "lab", "--output-dir", out, ...executed],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!convert.success) {
    console.log(`FAIL  nbconvert: ${new TextDecoder().decode(convert.stderr).trim().split("\n").slice(-5).join("\n")}`);
    return 1;
  }

  const pages: PageInfo[] = [];
  for (const path of executed) {
    const nb = await readNotebook(path);
    const seconds = [...cellSeconds(nb).values()].reduce((a, b) => a + b, 0);
    pages.push(pageInfo(basename(path), nb, seconds));
  }
  for (const [k, page] of pages.entries()) {
    const file = join(out, page.file);
    await Deno.writeTextFile(file, sitePage(await Deno.readTextFile(file), pages, k));
  }
  await Deno.writeTextFile(join(out, "index.html"), indexPage(pages, new Date().toISOString().slice(0, 16) + " UTC"));
  await Deno.writeTextFile(join(out, "pages.json"), JSON.stringify(pages, null, 1) + "\n");
  console.log(
    `site: ${pages.length} pages and index.html in ${out} (converted in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s); open ${join(out, "index.html")}`,
  );
  return code;
}

if (import.meta.main) Deno.exit(await build(Deno.args));
