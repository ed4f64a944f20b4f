/**
 * `deno task kernel`: registers the course's Deno kernel with Jupyter (`deno task start` does it too).
 *
 * The course's kernel is Deno's own (`deno jupyter --kernel`) behind a small proxy,
 * `tools/kernel/deno_kernel.py`, that holds each cell's `idle` until every output of the cell has
 * been published. Deno's kernel alone often says `idle` first, and Jupyter's front ends then drop the
 * cell's last outputs (the README, "The course's kernel"; `tests/fixtures/output_race.ipynb` reproduces it).
 * The proxy needs only pyzmq, which Jupyter itself depends on, so it runs with Jupyter's own Python.
 *
 * ```sh
 * deno task kernel                 # the course's kernel, as "deno" in Jupyter's user data dir
 * deno task kernel --raw           # Deno's kernel alone (what `deno jupyter --install` registers)
 * deno task kernel --name deno-raw --raw --data-dir /tmp/jupyter   # another name, another place
 * ```
 *
 * Registering is idempotent: it overwrites the kernelspec of that name. `jupyter --data-dir` says where
 * Jupyter looks (it honours `JUPYTER_DATA_DIR`).
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { findPython, ROOT, which } from "../_paths.ts";

const PROXY = join(ROOT, "tools", "kernel", "deno_kernel.py");
/** The proxy and the modules it imports (from its own folder), copied into the kernelspec together. */
const PROXY_FILES = ["deno_kernel.py", "jupyter_wire.py", "cell_errors.py", "parent_watch.py"];

/** What to register. */
export interface KernelOptions {
  /** The kernelspec's name; notebooks ask for "deno" (default). */
  name?: string;
  /** Jupyter's data directory; default: what `jupyter --data-dir` prints. */
  dataDir?: string;
  /** Deno's kernel alone, without the output-ordering proxy (default false). */
  raw?: boolean;
}

/** The kernelspec written to `kernel.json`. */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  metadata?: Record<string, unknown>;
}

async function output(command: string, args: string[], env?: Record<string, string>): Promise<string> {
  const out = await new Deno.Command(command, { args, env, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${command} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/** An absolute path for `command`: itself when it has a slash, else the first match on PATH. */
async function absolute(command: string): Promise<string> {
  if (command.includes("/")) return resolve(command);
  const path = await which(command);
  if (path === undefined) throw new Error(`${command} is not on PATH`);
  return path;
}

/**
 * The deno executable to put in the kernelspec: the one on PATH when it is this same binary (so an
 * upgrade in place keeps working, as `deno jupyter --install` does), else this binary.
 */
async function denoPath(): Promise<string> {
  const exec = Deno.execPath();
  const real = await Deno.realPath(exec);
  try {
    const onPath = await absolute("deno");
    if (await Deno.realPath(onPath) === real) return onPath;
  } catch { /* not on PATH */ }
  return exec;
}

/**
 * The kernelspec for the course's kernel (or, `raw`, Deno's own). `proxy` is the absolute path of the
 * kernelspec's copy of `deno_kernel.py` (not `{resource_dir}`, which VS Code's Jupyter extension did
 * not substitute before its 2025.2 release, microsoft/vscode-jupyter#16344).
 */
export function kernelSpec(deno: string, python: string, raw: boolean, proxy = "deno_kernel.py"): KernelSpec {
  if (raw) {
    return {
      argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
      display_name: "Deno",
      language: "typescript",
    };
  }
  return {
    argv: [python, proxy, "--deno", deno, "{connection_file}"],
    display_name: "Deno (LSTM course)",
    language: "typescript",
    metadata: { lstm_course: { kernel: "deno_kernel.py: Deno's kernel, every output before idle" } },
  };
}

/**
 * Registers the kernel; returns the kernelspec's folder. The logos come from `deno jupyter --install`,
 * run into the same folder (Deno installs into `$DENO_TEST_JUPYTER_PATH` when it is set).
 */
export async function installKernel(options: KernelOptions = {}): Promise<string> {
  const name = options.name ?? "deno";
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new RangeError(`Kernel name must be letters, digits, . _ -; got "${name}"`);
  }
  const python = await absolute(await findPython());
  const dataDir = options.dataDir ?? await output(python, ["-m", "jupyter", "--data-dir"]);
  const dir = join(dataDir, "kernels", name);
  await output(Deno.execPath(), ["jupyter", "--install", "--force", "--name", name], {
    DENO_TEST_JUPYTER_PATH: dataDir,
    NO_COLOR: "1",
  });
  await Deno.mkdir(dir, { recursive: true });
  if (!options.raw) {
    const probe = await new Deno.Command(python, { args: ["-c", "import zmq"], stdout: "null", stderr: "null" })
      .output();
    if (!probe.success) throw new Error(`${python} cannot import zmq (pyzmq), which Jupyter needs; reinstall Jupyter`);
    for (const file of PROXY_FILES) await Deno.copyFile(join(dirname(PROXY), file), join(dir, file));
  } else {
    for (const file of PROXY_FILES) await Deno.remove(join(dir, file)).catch(() => {});
  }
  const spec = kernelSpec(await denoPath(), python, options.raw ?? false, join(dir, "deno_kernel.py"));
  await Deno.writeTextFile(join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  return dir;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { name: { type: "string" }, "data-dir": { type: "string" }, raw: { type: "boolean" } },
    strict: true,
  });
  try {
    const dir = await installKernel({ name: values.name, dataDir: values["data-dir"], raw: values.raw });
    console.log(`${values.raw ? "Deno's own kernel" : "The course's Deno kernel"} is registered in ${dir}`);
  } catch (e) {
    console.error(`Cannot register the kernel: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
