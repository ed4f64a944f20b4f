/**
 * `deno task build`: the course as a static website.
 *
 * ```sh
 * deno task build [--no-execute] [--executed build/notebooks] [--out build/site]
 * deno run -A tools/site/build_site.ts --runner-only [build/site]   # only the notebook runner, rebuilt
 * ```
 *
 * 1. executes every notebook top to bottom with the Deno kernel, headless, with the checks of
 *    `tools/notebooks/run_notebooks.ts` (errors, stderr, missing outputs, time budgets); executed copies go to
 *    build/notebooks/. `--no-execute` uses the copies already there instead (or in `--executed DIR`);
 * 2. converts each to HTML with Debian's `jupyter nbconvert` (lab template). Charts are SVG inside
 *    `text/html` outputs, which nbconvert keeps (it blanks bare `image/svg+xml`, jupyter/nbconvert#1849);
 * 3. makes the pages fit for a site (`tools/site/_site.ts`: no links into the builder's file system, links
 *    between notebooks, a navigation bar) and writes `index.html`, the table of contents, and
 *    `pages.json`, what `tools/site/check_site.ts` checks each page against;
 * 4. writes "Run it here" ({@linkcode writeRunner}: the notebook runner, `tools/site/runner/`, with the library
 *    bundled for the browser) and the files the library reads in a browser (`writeSiteData`: the corpus packed in
 *    one file, the lecture text, result files, the course's model, the library's sources).
 *
 * The site (git-ignored) opens from the file system or any static server: every page is one HTML file
 * with its charts inline. Running cells in a page needs it served over HTTP (any static server; no special
 * headers): a page opened from a file cannot start a module worker or fetch the data. Ends with the notebook runner's `N passed, N failed`; exits 1 if a notebook
 * failed or nbconvert did.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { cellSeconds, listNotebooks, readNotebook, sourceOf } from "../notebooks/_notebook.ts";
import { findPython, ROOT } from "../_paths.ts";
import { main as runNotebooks } from "../notebooks/run_notebooks.ts";
import { explorerPage, EXPLORERS, indexPage, type PageInfo, pageInfo, sitePage } from "./_site.ts";
import { writeSiteData } from "./site_data.ts";
import { gateExplorer } from "@course/lib/explorer/explorer.ts";

export async function build(args: string[]): Promise<number> {
  let out = join(ROOT, "build", "site");
  let execute = true;
  let executedDir = join(ROOT, "build", "notebooks");
  for (let k = 0; k < args.length; k++) {
    if (args[k] === "--out") out = resolve(args[++k]);
    else if (args[k] === "--no-execute") execute = false;
    else if (args[k] === "--executed") executedDir = resolve(args[++k]);
    else throw new RangeError(`Unknown argument ${args[k]}: expected --no-execute, --executed DIR or --out DIR`);
  }
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
  const cells: { index: number; source: string }[][] = [];
  for (const path of executed) {
    const nb = await readNotebook(path);
    const seconds = [...cellSeconds(nb).values()].reduce((a, b) => a + b, 0);
    pages.push(pageInfo(basename(path), nb, seconds));
    cells.push(nb.cells.flatMap((c, index) => c.cell_type === "code" ? [{ index, source: sourceOf(c) }] : []));
  }
  for (const [k, page] of pages.entries()) {
    const file = join(out, page.file);
    await Deno.writeTextFile(file, sitePage(await Deno.readTextFile(file), pages, k, cells[k]));
  }
  await Deno.writeTextFile(join(out, "index.html"), indexPage(pages, new Date().toISOString().slice(0, 16) + " UTC"));
  await writeExplorers(out);
  const runner = await writeRunner(out);
  const data = await writeSiteData(out);
  console.log(`site: the notebook runner (${runner.length} files in runner/) and ${data.length} data files`);
  await Deno.writeTextFile(join(out, "pages.json"), JSON.stringify(pages, null, 1) + "\n");
  console.log(
    `site: ${pages.length} pages and index.html in ${out} (converted in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s); open ${join(out, "index.html")}`,
  );
  return code;
}

/**
 * Writes the site's two explorable pages into `out`, with what the model explorer loads beside it:
 * `model-explorer.js` (lib/explorer/model_explorer.ts bundled by \`deno bundle\`), `brown-lstm.js` (the
 * course's best model, data/models/brown-lstm, as a script: a page opened from \`file://\` may load
 * scripts but not fetch files) and `tfjs-wasm.js` (tfjs's WebAssembly binary, likewise). Returns the
 * files written.
 */
export async function writeExplorers(out: string): Promise<string[]> {
  await Deno.mkdir(out, { recursive: true });
  const [gate, model] = EXPLORERS;
  const written: string[] = [];
  const write = async (name: string, text: string) => {
    await Deno.writeTextFile(join(out, name), text);
    written.push(name);
  };
  await write(
    gate.file,
    explorerPage(
      gate,
      `<p>One step of the running example's cell from notebooks 02–06: three units, four words. Unit 0 holds who the
story is about: positive for Vikram, negative for Ravi. Pick the word the cell reads, move the memory it starts from
(hₜ₋₁ and cₜ₋₁) and each gate's bias, and every number of the six equations follows, computed in this page by the
library's own <code>lstmStep</code>; the diagram under the table lights each gate by how open it is.</p>
<p>Try: read <i>Ravi</i> and raise b_f[0] until unit 0 keeps most of Vikram (fₜ near 1); Ravi is still written.
Then pick b_i and lower b_i[0] until nothing is written: the line under the table says Vikram is still the hero.
The reset button brings back the running example.</p>`,
      gateExplorer().html,
    ),
  );

  await bundle(join(ROOT, "lib", "explorer", "model_explorer.ts"), join(out, "model-explorer.js"));
  written.push("model-explorer.js");

  const dir = join(ROOT, "data", "models", "brown-lstm");
  const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
  const H: number = config.config.hiddenSize;
  const vocab = JSON.parse(await Deno.readTextFile(join(dir, "vocab.json")));
  const weights = base64(await Deno.readFile(join(dir, "weights.bin")));
  await write("brown-lstm.js", `globalThis.COURSE_MODEL = ${JSON.stringify({ config, vocab, weights })};\n`);
  const require = createRequire(import.meta.url);
  const wasm = await Deno.readFile(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  await write("tfjs-wasm.js", `globalThis.COURSE_TFJS_WASM = "${base64(wasm)}";\n`);

  await write(
    model.file,
    explorerPage(
      model,
      `<p>The course's best model (notebooks 08–10: an LSTM of ${H} units trained for an hour on the Brown corpus) is
loaded into this page by tfjs and reads what you type, word by word, as it read its training text. Under each word:
the probability it gave that word before seeing it, and its five guesses for the word after. The words are coloured
by one cell of its memory; notebook 10's search found the three offered by name. Below, the forget, input and output
gates of all ${H} units after each word, and a button that lets the model continue your text with the picking rules
of notebook 08.</p>
<p>Try: type a sentence that opens a quotation with <code>"</code> and watch unit 30: it turns blue on the opening
mark, stays blue inside the quotation and lets go on the closing mark itself. Then type the same words without the
quotation marks, and then with <i>you</i> among them: the cell stays white until <i>you</i>, a word of speech, turns
it blue too; a cell rarely tracks one thing alone (notebook 10 says why). Continue the text with greedy picking, press
Undo, and continue it again with top-p and a higher temperature: the same start, different writing.</p>`,
      `<div data-model-explorer>The model explorer needs JavaScript.</div>`,
      ["tfjs-wasm.js", "brown-lstm.js", "model-explorer.js"],
    ),
  );
  await write("explorers.json", JSON.stringify(EXPLORERS, null, 1) + "\n"); // what tools/site/check_site.ts opens
  return written;
}

/**
 * Writes the notebook runner into `out/runner/` ("Run it here" on every notebook page, `tools/site/runner/`):
 * `page.js`, the page's script (a small classic script, so a page opened from a file still loads), and
 * `run_mode.js`, which it loads when "Run it here" is pressed (the editors, CodeMirror); `worker.js`, the
 * module worker that runs the cells, and its chunks: the library, tfjs and Observable Plot bundled once by
 * `deno bundle --platform browser --format esm --code-splitting`, each module loaded when a cell first imports
 * it; tfjs's WebAssembly binaries beside them, where tfjs looks for them. Returns the files written.
 *
 * @throws {Error} with the bundler's message if a bundle fails
 */
export async function writeRunner(out: string): Promise<string[]> {
  const dir = join(out, "runner");
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const runner = join(ROOT, "tools", "site", "runner");
  const args = ["bundle", "--quiet", "--platform", "browser", "--format", "esm", "--code-splitting", "--minify"];
  const done = await new Deno.Command(Deno.execPath(), {
    args: [...args, "--outdir", dir, join(runner, "worker.ts")],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!done.success) throw new Error(`deno bundle worker.ts failed: ${new TextDecoder().decode(done.stderr).trim()}`);
  await bundle(join(runner, "page.ts"), join(dir, "page.js"));
  await bundle(join(runner, "run_mode.ts"), join(dir, "run_mode.js"));
  const require = createRequire(import.meta.url);
  const wasmDir = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  for (const name of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm"]) {
    await Deno.copyFile(join(wasmDir, name), join(dir, name));
  }
  return [...Deno.readDirSync(dir)].map((e) => `runner/${e.name}`).sort();
}

/**
 * A page script bundled for the browser by Deno's own bundler, as \`deno task bundle\` does for the gate
 * explorer: one minified script (IIFE) with everything it imports, tfjs included.
 *
 * @throws {Error} with the bundler's message if it fails
 */
export async function bundle(entry: string, out: string): Promise<void> {
  const args = ["bundle", "--quiet", "--platform", "browser", "--format", "iife", "--minify", "-o", out, entry];
  const done = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stdout: "piped", stderr: "piped" }).output();
  if (!done.success) throw new Error(`deno bundle ${entry} failed: ${new TextDecoder().decode(done.stderr).trim()}`);
}

/** Bytes as base64, in chunks (String.fromCharCode takes a limited number of arguments). */
function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let k = 0; k < bytes.length; k += 0x8000) binary += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  return btoa(binary);
}

if (import.meta.main) {
  if (Deno.args[0] === "--explorers-only") {
    const out = resolve(Deno.args[1] ?? join(ROOT, "build", "site"));
    console.log(`wrote ${(await writeExplorers(out)).join(", ")} in ${out}`);
  } else if (Deno.args[0] === "--runner-only") {
    const out = resolve(Deno.args[1] ?? join(ROOT, "build", "site"));
    console.log(`wrote ${(await writeRunner(out)).length} files in ${join(out, "runner")}`);
  } else Deno.exit(await build(Deno.args));
}
