/**
 * Where things are, for every tool: the repository's root and its main folders, as absolute paths,
 * and the programs tools run (a command on PATH; the Python that Jupyter was installed for).
 * Tools import these instead of computing `..` from their own file, so a tool can move between
 * tools/'s folders without its paths going wrong.
 *
 * tools/ is grouped by what a tool serves, lowest first:
 * - `_paths.ts`, `_browser.ts`: shared by all (paths; headless Chromium through puppeteer-core);
 * - `kernel/`: the course's Jupyter kernel (the proxy in Python, `install.ts`, the output-race measurement);
 * - `notebooks/`: running, recording and checking the notebooks (nbclient, the Notebook UI, JupyterLab 4);
 * - `site/`: building and checking the course website;
 * - `cli/`, `research/`, `bench/`: the `nextword` CLI; the runs behind data/results and data/models; benchmarks;
 * - `start.ts` and `test.ts`: `deno task start` and `deno task test`.
 *
 * @module
 */

import { basename, delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));
/** The tests and their fixtures. */
export const TESTS: string = join(ROOT, "tests");
/** The data folder (corpus, results, models). */
export const DATA: string = join(ROOT, "data");

/**
 * Finds a Python that can import nbclient: `$JUPYTER_PYTHON`, then the interpreter named in the
 * `jupyter` command's first line (Jupyter's own Python), then `python3`, `/usr/bin/python3`, `python`.
 * The first `python3` on PATH is not always the one Jupyter was installed for (pyenv, conda, Homebrew).
 */
export async function findPython(): Promise<string> {
  const candidates: string[] = [];
  const fromEnv = Deno.env.get("JUPYTER_PYTHON");
  if (fromEnv) candidates.push(fromEnv);
  const jupyter = await which("jupyter");
  if (jupyter) {
    const head = (await Deno.readTextFile(jupyter).catch(() => "")).split("\n")[0];
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(head);
    if (shebang) candidates.push(basename(shebang[1]) === "env" && shebang[2] ? shebang[2] : shebang[1]);
  }
  candidates.push("python3", "/usr/bin/python3", "python");
  for (const python of candidates) {
    const probe = await new Deno.Command(python, {
      args: ["-c", "import nbclient, nbformat"],
      stdout: "null",
      stderr: "null",
    }).output().catch(() => undefined);
    if (probe?.success) return python;
  }
  throw new Error(
    `Cannot run notebooks: no Python with nbclient found (tried ${candidates.join(", ")}). ` +
      "Install Jupyter (Debian/Ubuntu: apt install jupyter-notebook jupyter-nbconvert python3-nbclient; " +
      "elsewhere: pip install notebook nbclient) or set JUPYTER_PYTHON.",
  );
}

/** The first file named `command` on PATH, or undefined. */
export async function which(command: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    const path = join(dir, command);
    if (await Deno.stat(path).then((s) => s.isFile, () => false)) return path;
  }
  return undefined;
}
