/**
 * `deno task start`: registers the course's Deno kernel with Jupyter and opens Jupyter on `notebooks/`.
 *
 * The kernel is Deno's own behind a proxy that delivers every output of a cell before the cell is
 * reported finished (`tools/kernel/install.ts`; Deno's kernel alone lets front ends drop late outputs).
 * Registering (re)writes the kernelspec "deno", so running this twice is safe. Opens JupyterLab where it is installed, else the classic Notebook. Extra arguments
 * go to Jupyter, e.g. `deno task start --no-browser --port 8890`.
 *
 * @module
 */

import { join } from "node:path";
import { installKernel } from "./kernel/install.ts";
import { ROOT } from "./_paths.ts";


async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, { args, stdout: "null", stderr: "null" }).output();
    return success;
  } catch {
    return false; // not installed
  }
}

/** Which Jupyter front end to open: `lab` when JupyterLab is installed, else `notebook`; undefined if neither. */
export async function chooseFrontEnd(): Promise<"lab" | "notebook" | undefined> {
  if (await succeeds("jupyter", ["lab", "--version"])) return "lab";
  if (await succeeds("jupyter", ["notebook", "--version"])) return "notebook";
  return undefined;
}

if (import.meta.main) {
  const frontEnd = await chooseFrontEnd();
  if (!frontEnd) {
    console.error(
      "Jupyter is not installed. Install it, then run `deno task start` again:\n" +
        "  Debian/Ubuntu: sudo apt install jupyter-notebook jupyter-nbconvert python3-nbclient\n" +
        "  elsewhere:     pip install jupyterlab nbclient",
    );
    Deno.exit(1);
  }
  try {
    console.log(`The course's Deno kernel is registered in ${await installKernel()}`);
  } catch (e) {
    console.error(`Could not register the course's Deno kernel: ${(e as Error).message}`);
    Deno.exit(1);
  }
  const notebooks = join(ROOT, "notebooks");
  console.log(`Opening Jupyter ${frontEnd === "lab" ? "Lab" : "Notebook"} on ${notebooks} (Ctrl+C to stop)`);
  // Jupyter refuses to run as root without --allow-root; containers and CI machines often are root.
  const ownDir = Deno.args.some((a) => a.startsWith("--notebook-dir")) ? [] : [`--notebook-dir=${notebooks}`];
  const asRoot = Deno.uid() === 0 && !Deno.args.includes("--allow-root") ? ["--allow-root"] : [];
  const jupyter = new Deno.Command("jupyter", {
    args: [frontEnd, ...ownDir, ...asRoot, ...Deno.args],
    cwd: ROOT,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // Ctrl+C reaches Jupyter too (same process group); wait for it to shut down cleanly.
  Deno.addSignalListener("SIGINT", () => {});
  Deno.exit((await jupyter.status).code);
}
