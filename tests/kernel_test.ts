// The course's Deno kernel (tools/kernel/install.ts, tools/kernel/deno_kernel.py): registered where Jupyter
// looks, and every output of tests/fixtures/output_race.ipynb arrives before its cell's `idle`, read
// the way every front end reads it (plain nbclient, which stops at `idle`).
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installKernel, kernelSpec } from "../tools/kernel/install.ts";
import { findPython } from "../tools/_paths.ts";
import { measureRace } from "../tools/notebooks/output_race.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

Deno.test("kernelSpec: the course's kernel is Deno's behind the proxy; raw is what deno jupyter --install writes", () => {
  const course = kernelSpec("/bin/deno", "/usr/bin/python3", false, "/k/deno_kernel.py");
  assert.deepEqual(course.argv, ["/usr/bin/python3", "/k/deno_kernel.py", "--deno", "/bin/deno", "{connection_file}"]);
  assert.equal(course.display_name, "Deno (LSTM course)");
  assert.ok(course.metadata?.lstm_course);
  assert.deepEqual(kernelSpec("/bin/deno", "/usr/bin/python3", true).argv, [
    "/bin/deno",
    "jupyter",
    "--kernel",
    "--conn",
    "{connection_file}",
  ]);
});

Deno.test("installKernel writes kernel.json, the proxy and the logos into the data dir; re-running is safe", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    for (let k = 0; k < 2; k++) {
      const dir = await installKernel({ dataDir });
      assert.equal(dir, join(dataDir, "kernels", "deno"));
      const spec = JSON.parse(await Deno.readTextFile(join(dir, "kernel.json")));
      assert.equal(spec.argv[1], join(dir, "deno_kernel.py")); // absolute: VS Code did not expand {resource_dir}
      for (const file of ["deno_kernel.py", "jupyter_wire.py", "cell_errors.py", "parent_watch.py"]) {
        assert.ok((await Deno.stat(join(dir, file))).isFile, `${file} is in the kernelspec`); // the proxy imports them
      }
      assert.ok((await Deno.stat(join(dir, "logo-64x64.png"))).isFile);
    }
    await assert.rejects(installKernel({ dataDir, name: "../x" }), RangeError);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test({
  name: "the course's kernel: no output of the race fixture arrives after its cell's idle, " +
    "20,000 lines included (2 runs)",
  async fn() {
    const [tally] = await measureRace(join(ROOT, "tests", "fixtures", "output_race.ipynb"), 2, {
      log: false,
      kernels: ["course"],
    });
    assert.equal(tally.runs, 2);
    assert.equal(tally.runsFailed, 0, tally.failures.join("\n")); // e.g. a message Deno signed wrongly (from_deno)
    assert.equal(tally.cellsRun, 2 * 18);
    assert.equal(tally.cellsWithLoss, 0, JSON.stringify(tally));
    assert.equal(tally.linesExpected, 2 * 20_001); // the 20,000 lines and the "next" after them
    assert.equal(tally.linesDelivered, tally.linesExpected, JSON.stringify(tally));
    assert.equal(tally.linesElsewhere, 0, JSON.stringify(tally));
  },
});

Deno.test("the proxy signs again a message Deno signed wrongly (Deno 2.9.6, large outputs), and drops one that does not parse", async () => {
  const out = await new Deno.Command(await findPython(), {
    args: [join(ROOT, "tests", "kernel", "resign.py")],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
  const result = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  assert.deepEqual(result, {
    good: "unchanged",
    bad: "signed again",
    badValid: true,
    broken: "ValueError",
    resigned: 1,
  });
});

/** Runs a script of tests/kernel/ against the course's kernel registered in a temporary data dir. */
async function runKernelScript(script: string): Promise<Record<string, unknown>> {
  const dataDir = await Deno.makeTempDir();
  try {
    await installKernel({ dataDir });
    const out = await new Deno.Command(await findPython(), {
      args: [join(ROOT, "tests", "kernel", script)],
      env: { JUPYTER_DATA_DIR: dataDir, JUPYTER_RUNTIME_DIR: join(dataDir, "runtime") },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
    return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test({
  name: "the course's kernel: Run All stops at an error (aborted replies); a syntax error shows in the cell",
  async fn() {
    const r = await runKernelScript("protocol.py");
    const show = JSON.stringify(r);
    // Three cells sent at once, the first throwing after half a second: the two queued behind it are answered aborted.
    assert.deepEqual(r.run_all_statuses, ["error", "aborted", "aborted"], show);
    assert.deepEqual(r.run_all_idle, [true, true, true], show);
    assert.deepEqual(r.run_all_outputs, [["error"], [], []], show);
    assert.match(String(r.second_side_effect), /undefined/, "the second cell must not have run");
    assert.match(String(r.first_side_effect), /boolean/);
    // stop_on_error false: every cell runs.
    assert.deepEqual(r.no_stop_statuses, ["error", "ok", "ok"], show);
    assert.match(String(r.no_stop_side_effect), /boolean/);
    // `let x = ;`: an error output in the cell and a reply that say what and where.
    const reply = r.syntax_reply as { status: string; ename: string; evalue: string; traceback: string[] };
    assert.equal(reply.status, "error");
    assert.equal(reply.ename, "SyntaxError");
    assert.match(reply.evalue, /Expression expected \(line 2, column 9\)/);
    assert.ok(reply.traceback.some((line) => line.includes("let x = ;")), show);
    const outputs = r.syntax_outputs as { ename: string; evalue: string; traceback: string[] }[];
    assert.equal(outputs.length, 1, show);
    assert.deepEqual(outputs[0], { ename: reply.ename, evalue: reply.evalue, traceback: reply.traceback });
    assert.match(String(r.after_syntax_error), /still here/);
  },
});

/** Runs tests/kernel/conformance.py (`python3 -m unittest -v`) against the course's kernel registered in a
 * temporary data dir; returns each test's outcome ("ok", "skipped '<reason>'", or "" when a subtest failed)
 * and the log. */
async function runConformance(): Promise<{ success: boolean; outcomes: Record<string, string>; log: string }> {
  const dataDir = await Deno.makeTempDir();
  try {
    await installKernel({ dataDir });
    const out = await new Deno.Command(await findPython(), {
      args: ["-m", "unittest", "-v", "conformance"],
      cwd: join(ROOT, "tests", "kernel"),
      env: { JUPYTER_DATA_DIR: dataDir, JUPYTER_RUNTIME_DIR: join(dataDir, "runtime"), PYTHONDONTWRITEBYTECODE: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(out.stderr);
    const lines = log.matchAll(/^(test_\w+) \(conformance\.\w+\.\w+\) \.\.\. ?(.*)$/gm);
    return { success: out.success, outcomes: Object.fromEntries([...lines].map((m) => [m[1], m[2]])), log };
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test({
  name: "the course's kernel passes the Jupyter kernel test suite (jupyter_kernel_test), skipping only what Deno " +
    "lacks: inspect, a pager, history",
  async fn() {
    const { success, outcomes, log } = await runConformance();
    assert.doesNotMatch(log, /No module named 'jupyter_kernel_test'/, "install python3-jupyter-kernel-test (Debian)");
    assert.ok(success, log.slice(-3000));
    const passing = [
      "test_kernel_info",
      "test_execute_stdout",
      "test_execute_stderr",
      "test_completion",
      "test_is_complete", // "invalid" for `const = ;`: the proxy's, Deno says "complete"
      "test_error",
      "test_execute_result", // "42", not "\x1b[33m42\x1b[39m": the proxy's
      "test_display_data",
      "test_clear_output",
      "test_colour_kept_in_streams_and_tracebacks",
      "test_display_data_text_plain_uncoloured",
    ];
    const skipped = { test_inspect: /denoland\/deno#20664/, test_pager: /no pager/, test_history: /no history/ };
    assert.deepEqual(Object.keys(outcomes).sort(), [...passing, ...Object.keys(skipped)].sort(), log.slice(-3000));
    for (const name of passing) assert.equal(outcomes[name], "ok", `${name}: ${outcomes[name]}\n${log.slice(-3000)}`);
    for (const [name, reason] of Object.entries(skipped)) assert.match(outcomes[name], reason);
  },
});

Deno.test({
  name: "the course's kernel survives bad messages and a cell that replaces broadcast, stops quickly, leaves no files",
  async fn() {
    const dataDir = await Deno.makeTempDir();
    try {
      await installKernel({ dataDir });
      const out = await new Deno.Command(await findPython(), {
        args: [join(ROOT, "tests", "kernel", "robustness.py")],
        env: { JUPYTER_DATA_DIR: dataDir, JUPYTER_RUNTIME_DIR: join(dataDir, "runtime") },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout).trim();
      assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
      const r = JSON.parse(text.split("\n").at(-1)!);
      assert.equal(r.alive_after_bad_messages, true);
      const [t1, status1, outs1] = r.cell_after_bad_messages;
      assert.ok(t1 < 5 && status1 === "ok" && outs1.includes("execute_result"), JSON.stringify(r));
      assert.equal(
        r.connection_files_left_while_running,
        0,
        "Deno's connection file (it holds the key) is removed once read",
      );
      const [t2, status2, outs2] = r.cell_after_broadcast_replaced;
      assert.ok(t2 < 2, `a cell after broadcast was replaced took ${t2} s`);
      assert.equal(status2, "ok");
      assert.deepEqual(outs2, ["stream", "execute_result"]);
      assert.ok(r.shutdown_seconds < 3, `shutdown took ${r.shutdown_seconds} s`);
      assert.equal(r.connection_files_left, 0);
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "the course's kernel: Interrupt stops a busy cell and keeps the variables; an awaiting cell ends the kernel " +
    "with a message, never a hang",
  async fn() {
    const r = await runKernelScript("interrupt.py");
    const show = JSON.stringify(r);
    type Run = { seconds: number; reply: { status: string; ename: string } | null; errors: { ename: string }[] };
    for (const key of ["busy_sigint", "busy_message"]) {
      const run = r[key] as Run;
      assert.equal(run.reply?.status, "error", show);
      assert.equal(run.reply?.ename, "Interrupted", show);
      assert.equal(run.errors.length, 1, show);
      assert.ok(run.seconds < 2, show);
    }
    const valueOf = (x: unknown) => String((x as { value: string[] }).value);
    assert.match(valueOf(r.after_busy_sigint), /42/, `a variable defined before survives SIGINT: ${show}`);
    assert.match(valueOf(r.after_busy_message), /42/, `a variable defined before survives interrupt_request: ${show}`);
    const awaiting = r.await_sigint as Run;
    assert.match(JSON.stringify(awaiting.errors), /restarting/, show);
    assert.equal(r.await_kernel_ended, true, "the kernel process ends so that Jupyter restarts it");
  },
});

Deno.test({
  name: "the course's kernel: a Deno that cannot start, exits or is killed says so in one line and leaves no key " +
    "file; the kernel ends when the front end that started it is killed",
  async fn() {
    const r = await runKernelScript("lifecycle.py");
    const show = JSON.stringify(r);
    type Run = { code: number; stderr: string[]; left: string[] };
    for (const key of ["missing", "not_executable"]) {
      const run = r[key] as Run;
      assert.notEqual(run.code, 0, show);
      assert.equal(run.stderr.length, 1, show); // one line, no Python traceback
      assert.match(run.stderr[0], /^deno_kernel\.py: cannot start the kernel \((No such file|Permission denied)/, show);
      assert.deepEqual(run.left, [], "no copy of the connection file (it holds the key) is left behind");
    }
    const exit3 = r.exit_3 as Run;
    assert.equal(exit3.code, 3, show);
    assert.deepEqual(exit3.stderr, ["mode 600", "deno_kernel.py: Deno's kernel exited with code 3"], show);
    assert.deepEqual(exit3.left, [], show);
    for (const key of ["self_killed", "real_killed"]) {
      const run = r[key] as Run;
      assert.equal(run.code, 128 + 9, show);
      assert.deepEqual(run.stderr, ["deno_kernel.py: Deno was killed by SIGKILL (out of memory?)"], show);
    }
    const parent = r.parent_killed as { processes: number; gone: boolean; seconds: number; stderr: string[] };
    assert.equal(parent.processes, 2, show); // the proxy and Deno
    assert.equal(parent.gone, true, show);
    assert.ok(parent.seconds < 5, show);
    assert.match(parent.stderr.join("\n"), /the front end that started the kernel \(pid \d+\) is gone/, show);
  },
});

Deno.test({
  name: "the course's kernel: prompt() reaches the front end that asked, bad stdin messages are dropped, the " +
    "heartbeat is Deno's, a second client with the same identity is answered",
  async fn() {
    const r = await runKernelScript("channels.py");
    const show = JSON.stringify(r);
    type Prompt = { printed: [string, string][]; prompts: string[] };
    const prompt = (key: string) => r[key] as Prompt;
    assert.equal(r.default_identities_same, true, show); // jupyter_client: one identity for shell and stdin
    assert.equal(r.identities_differ, true, show);
    assert.deepEqual(prompt("same_client").printed, [["stdout", '"Ada"']], show);
    // The other front end's first prompt cannot reach it: an empty answer and a note, not a hung cell.
    assert.deepEqual(prompt("other_first").prompts, [], show);
    const note = "prompt(): this front end does not listen on the kernel's stdin channel; the answer is empty";
    assert.deepEqual(prompt("other_first").printed, [["stderr", note], ["stdout", '""']], show);
    // Once it has spoken on stdin, its prompts go to its stdin identity; a forged answer is not taken.
    assert.deepEqual(prompt("other_after_speaking").prompts, ["name?"], show);
    assert.deepEqual(prompt("other_after_speaking").printed, [["stdout", '"Grace"']], show);
    assert.deepEqual(prompt("after_prompts").printed, [["stdout", '"Alan"']], show);
    const stderr = (r.stderr as string[]).join("\n");
    assert.match(stderr, /bad signature on a stdin message/, show);
    assert.match(stderr, /an input_reply while no prompt\(\) waits for one/, show);
    const hb = r.heartbeat as Record<string, number | boolean>;
    assert.equal(hb.beating_through_busy_cell, true, show); // a long synchronous cell is not a dead kernel
    assert.equal(hb.beating_while_stopped, false, show);
    assert.ok((hb.dead_after_sigstop as number) < 5, show);
    assert.equal(hb.beating_after_sigcont, true, show);
    assert.ok((hb.alive_after_sigcont as number) < 5, show);
    assert.ok(r.second_client_kernel_info !== null && (r.second_client_kernel_info as number) < 5, show);
    assert.deepEqual(r.second_client_result, ['"second client"'], show);
  },
});
