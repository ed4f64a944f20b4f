/**
 * Builds the JupyterLab 4 notebook page (`main.ts`, `style.css` and `index.html` beside this file) with
 * esbuild into `build/jupyterlab/lab/`, which `tools/notebooks/check_jupyter.ts --ui lab` gives the Notebook server
 * as an extra static path (the page is then `/static/lab/index.html`).
 *
 * ```sh
 * deno run -A tools/notebooks/jupyterlab/build.ts [--force]
 * ```
 *
 * The packages are JupyterLab's own from npm, pinned in `tools/notebooks/jupyterlab/deno.json` and `deno.lock` and
 * installed by `deno install` into `node_modules/`, where esbuild finds them. A build whose inputs (these
 * files, the lockfile) are unchanged is reused; a fresh one takes a few seconds.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { ROOT } from "../../_paths.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The folder to serve as `--NotebookApp.extra_static_paths`. */
export const LAB_STATIC = join(ROOT, "build", "jupyterlab");
/** The page, under the server's `/static/`. */
export const LAB_PAGE = "lab/index.html";
const INPUTS = ["main.ts", "style.css", "index.html", "build.ts", "deno.json"].map((f) => join(HERE, f))
  .concat(join(ROOT, "deno.lock"));

/**
 * What JupyterLab's webpack build does that esbuild does not by itself: CSS imports written
 * `~package/file.css`; SVG icons as text when imported from JS (LabIcon) but as data URLs in CSS
 * `url()`; one copy of yjs and lib0, whose `require()` calls would otherwise pick their CommonJS builds
 * beside the ES modules (yjs then warns that it was imported twice).
 */
const jupyterlabResolver: esbuild.Plugin = {
  name: "jupyterlab",
  setup(build) {
    build.onResolve(
      { filter: /^~/ },
      (args) => build.resolve(args.path.slice(1), { kind: args.kind, resolveDir: args.resolveDir }),
    );
    build.onResolve({ filter: /\.svg$/ }, async (args) => {
      if (args.kind !== "url-token") return undefined;
      // CSS url()s are relative even without "./" (`url('icons/x.svg')`).
      const path = /^[.~/]/.test(args.path) ? args.path.replace(/^~/, "") : `./${args.path}`;
      const found = await build.resolve(path, { kind: "import-statement", resolveDir: args.resolveDir });
      return found.errors.length ? found : { path: found.path, namespace: "svg-url" };
    });
    build.onLoad({ filter: /.*/, namespace: "svg-url" }, async (args) => ({
      contents: await Deno.readFile(args.path),
      loader: "dataurl",
    }));
    build.onResolve(
      { filter: /^(yjs|lib0)(\/|$)/ },
      (args) =>
        args.kind === "require-call"
          ? build.resolve(args.path, { kind: "import-statement", resolveDir: args.resolveDir })
          : undefined,
    );
  },
};

async function inputsHash(): Promise<string> {
  const hash = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(
      (await Promise.all(INPUTS.map((f) => Deno.readTextFile(f)))).join("\0") + esbuild.version,
    ),
  );
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Builds the page unless an up-to-date build is there; says whether it built and how long it took. */
export async function buildLabPage(force = false): Promise<{ built: boolean; seconds: number; dir: string }> {
  const started = performance.now();
  const out = join(LAB_STATIC, dirname(LAB_PAGE));
  const stamp = join(out, "inputs.sha256");
  const hash = await inputsHash();
  if (!force && await Deno.readTextFile(stamp).then((s) => s === hash, () => false)) {
    return { built: false, seconds: (performance.now() - started) / 1000, dir: LAB_STATIC };
  }
  await Deno.remove(out, { recursive: true }).catch(() => {});
  try {
    await esbuild.build({
      entryPoints: [join(HERE, "main.ts"), join(HERE, "style.css")],
      outdir: out,
      bundle: true,
      format: "iife",
      platform: "browser",
      target: "es2022",
      minify: true,
      logLevel: "error",
      loader: { ".svg": "text", ".md": "text", ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file" },
      // mathjax-full's loader reads __dirname; some packages test process.env.NODE_ENV.
      define: { "__dirname": '"/"', "global": "globalThis", "process.env.NODE_ENV": '"production"' },
      plugins: [jupyterlabResolver],
    });
  } finally {
    await esbuild.stop();
  }
  await Deno.copyFile(join(HERE, "index.html"), join(out, "index.html"));
  await Deno.writeTextFile(stamp, hash);
  return { built: true, seconds: (performance.now() - started) / 1000, dir: LAB_STATIC };
}

if (import.meta.main) {
  const { built, seconds } = await buildLabPage(Deno.args.includes("--force"));
  console.log(`${built ? "built" : "up to date:"} ${join(LAB_STATIC, LAB_PAGE)} (${seconds.toFixed(1)} s)`);
}
