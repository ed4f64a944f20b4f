/**
 * `deno task test`: the course's one test command.
 *
 * 1. type-check `lib/`, `tests/`, `tools/` and the code of every notebook;
 * 2. lint them, and check their formatting (`deno fmt --check`; notebooks are left out: fmt reported them unformatted with an empty diff);
 * 3. `deno test` on `tests/` and `deno test --doc` on `lib/` (so every JSDoc example runs), in three processes
 *    at once: the tests that compute, the tests that wait on Jupyter, kernels and Chromium (`WAITING_TESTS`),
 *    and the JSDoc examples;
 * 4. run every notebook as a learner does (`tools/notebooks/check_jupyter.ts`): Jupyter started by `deno task start`,
 *    each notebook opened in the classic Notebook UI in headless Chromium, Run All; every code cell
 *    must show the outputs the headless runner records, every chart a size, the page no JavaScript
 *    error, the notebook its time budget; executed copies go to build/notebooks/, screenshots to
 *    build/jupyter-screenshots/;
 * 5. build the course website from those executed notebooks (`tools/site/build_site.ts --no-execute`);
 * 6. open the index and every page in headless Chromium (`tools/site/check_site.ts`): no console errors,
 *    every chart present and non-empty, no dead link; screenshots go to build/site-screenshots/; beside it,
 *    notebooks run in the site's pages ("Run it here", `tools/site/check_runner.ts`: the site served on 127.0.0.1,
 *    Run all in notebooks 02–07, each cell's outputs against the record, a cell edited and run, Stop pressed
 *    during a long cell); screenshots go to build/runner-screenshots/;
 * 7. step 4 again, for every notebook, in JupyterLab 4's notebook (`tools/notebooks/check_jupyter.ts --ui lab`: a page
 *    built with esbuild from JupyterLab's npm packages, `tools/notebooks/jupyterlab/`), with its own Jupyter server;
 *    screenshots `NN-name-lab-K.png` go beside step 4's. It runs while steps 4–6 run (the machine has two
 *    cores; each notebook's kernel mostly uses one), so the suite stays under 8 minutes.
 *
 * Step 4's executed notebooks make the website; `deno task build` alone executes them headless.
 *
 * Every step runs even when an earlier one fails, so one run shows every problem. Ends with a
 * table of steps and times, then `N passed, N failed` over all tests and notebooks; exits 1 on
 * any failure.
 *
 * @module
 */

import { ROOT } from "./_paths.ts";

interface Step {
  name: string;
  args: string[];
  /** Reads how many tests passed and failed from the step's output; default: the step counts as one. */
  count?: (output: string) => { passed: number; failed: number } | undefined;
  /** Steps run at the same time as this one (their output lines prefixed with their names). */
  beside?: Step[];
}

/** Reads `ok | 43 passed (2 steps) | 0 failed` from `deno test`. */
export function countDenoTest(output: string): { passed: number; failed: number } | undefined {
  const m = /(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(output);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
}

/** Reads the `N passed, N failed` line that the notebook runner ends with. */
export function countPlain(output: string): { passed: number; failed: number } | undefined {
  const m = /^(\d+) passed, (\d+) failed$/m.exec(output);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
}

/**
 * What a failed step printed about its failures, for the summary (a CI log is often read from its end):
 * `deno test`'s ERRORS section when there is one, otherwise the step's last lines; at most `maxLines` lines.
 */
export function failureDigest(output: string, maxLines = 60): string[] {
  const lines = output.split("\n");
  const start = lines.findIndex((l) => l.trim() === "ERRORS");
  const end = lines.findIndex((l, k) => k > start && /^FAILED \|/.test(l));
  const picked = start >= 0 ? lines.slice(start, end > start ? end : undefined) : lines.slice(-30);
  const kept = picked.filter((l) => l.trim() !== "");
  return kept.length > maxLines ? [...kept.slice(0, maxLines), `… ${kept.length - maxLines} more lines`] : kept;
}

/** The test files that spend most of their time waiting on other processes (Jupyter, kernels, Chromium, the CLI). */
const WAITING_TESTS = [
  "tests/kernel_test.ts",
  "tests/platform_browser_test.ts",
  "tests/stop_ui_test.ts",
  "tests/explorer_test.ts",
  "tests/start_test.ts",
  "tests/check_site_test.ts",
  "tests/nextword_cli_test.ts",
];

const STEPS: Step[] = [
  { name: "type-check lib, tests, tools", args: ["check", "--quiet", "lib/", "tests/", "tools/"] },
  { name: "type-check and lint notebooks", args: ["run", "--allow-all", "tools/notebooks/check_notebooks.ts"] },
  { name: "lint lib, tests, tools", args: ["lint", "--quiet", "lib/", "tests/", "tools/"] },
  { name: "format check lib, tests, tools", args: ["fmt", "--check", "--quiet", "lib/", "tests/", "tools/"] },
  {
    name: "deno test tests/ (computing)",
    args: ["test", "--allow-all", "--quiet", `--ignore=${WAITING_TESTS.join(",")}`, "tests/"],
    count: countDenoTest,
    // Beside it, in processes of their own: the tests that mostly wait on Jupyter, kernels and Chromium, and
    // the JSDoc examples (most of their time is loading 146 small modules).
    beside: [
      {
        name: "deno test tests/ (waiting)",
        args: ["test", "--allow-all", "--quiet", ...WAITING_TESTS],
        count: countDenoTest,
      },
      { name: "deno test --doc lib/", args: ["test", "--doc", "--allow-all", "--quiet", "lib/"], count: countDenoTest },
    ],
  },
  {
    name: "notebooks in Jupyter's Notebook UI",
    args: ["run", "--allow-all", "tools/notebooks/check_jupyter.ts"],
    count: countPlain,
  },
  { name: "build site from them", args: ["run", "--allow-all", "tools/site/build_site.ts", "--no-execute"] },
  {
    name: "site in headless Chromium",
    args: ["run", "--allow-all", "tools/site/check_site.ts"],
    count: countPlain,
    // Beside it, in a process of its own (both only read build/site/): the notebooks run in the site's pages.
    beside: [{
      name: "notebooks run in the site's pages",
      args: ["run", "--allow-all", "tools/site/check_runner.ts"],
      count: countPlain,
    }],
  },
];

/** Step 7: run at the same time as the steps after `deno test` (its output lines are prefixed `[lab] `). */
const ALONGSIDE: Step = {
  name: "notebooks in JupyterLab 4",
  args: ["run", "--allow-all", "tools/notebooks/check_jupyter.ts", "--ui", "lab"],
  count: countPlain,
};
/** The step after which {@linkcode ALONGSIDE} starts. */
const START_ALONGSIDE_AFTER = "deno test tests/ (computing)";

/** Runs one step, echoing its output as it comes (each line prefixed with `prefix`, if given). */
async function runStep(step: Step, prefix = "") {
  console.log(`\n${prefix}=== ${step.name}: deno ${step.args.join(" ")}`);
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: step.args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Echo the output as it comes, and keep it to read the counts from.
  let text = "";
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const pump = async (stream: ReadableStream<Uint8Array>, sink: { write(p: Uint8Array): Promise<number> }) => {
    const lineDecoder = new TextDecoder();
    let partial = "";
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      if (!prefix) {
        await sink.write(chunk);
        continue;
      }
      // Whole lines only, so that two steps' output never mixes within a line.
      const lines = (partial + lineDecoder.decode(chunk, { stream: true })).split("\n");
      partial = lines.pop()!;
      if (lines.length) await sink.write(encoder.encode(lines.map((l) => prefix + l + "\n").join("")));
    }
    if (partial) await sink.write(encoder.encode(prefix + partial + "\n"));
  };
  const [status] = await Promise.all([child.status, pump(child.stdout, Deno.stdout), pump(child.stderr, Deno.stderr)]);
  const seconds = (performance.now() - started) / 1000;
  const counted = step.count?.(text);
  const counts = counted ?? { passed: status.success ? 1 : 0, failed: status.success ? 0 : 1 };
  // A step that exits non-zero fails even if its counts say otherwise (a crash after the summary).
  if (!status.success && counts.failed === 0) counts.failed = 1;
  return { name: step.name, ok: status.success, seconds, ...counts, digest: status.success ? [] : failureDigest(text) };
}

if (import.meta.main) {
  const started = performance.now();
  const results = [];
  let alongside: ReturnType<typeof runStep> | undefined;
  for (const step of STEPS) {
    const beside = (step.beside ?? []).map((b) => runStep(b, `[${b.name}] `));
    results.push(await runStep(step));
    results.push(...await Promise.all(beside));
    if (step.name === START_ALONGSIDE_AFTER) alongside = runStep(ALONGSIDE, "[lab] ");
  }
  if (alongside) results.push(await alongside);
  console.log("\n=== summary");
  for (const r of results) {
    console.log(`${r.ok ? "ok  " : "FAIL"}  ${r.name.padEnd(32)} ${r.seconds.toFixed(1).padStart(6)} s`);
  }
  for (const r of results.filter((r) => !r.ok)) {
    console.log(`\n=== what "${r.name}" printed about its failures`);
    for (const line of r.digest) console.log(`  ${line}`);
  }
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  Deno.exit(results.every((r) => r.ok) ? 0 : 1);
}
