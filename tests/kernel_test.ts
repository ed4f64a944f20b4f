// The course's Deno kernel (tools/kernel.ts, tools/kernel/deno_kernel.py): registered where Jupyter
// looks, and every output of tests/fixtures/output_race.ipynb arrives before its cell's `idle`, read
// the way every front end reads it (plain nbclient, which stops at `idle`).
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installKernel, kernelSpec } from "../tools/kernel.ts";
import { findPython } from "../tools/run_notebooks.ts";
import { measureRace } from "../tools/output_race.ts";

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
      assert.ok((await Deno.stat(join(dir, "deno_kernel.py"))).isFile);
      assert.ok((await Deno.stat(join(dir, "logo-64x64.png"))).isFile);
    }
    await assert.rejects(installKernel({ dataDir, name: "../x" }), RangeError);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test({
  name: "the course's kernel: no output of the race fixture arrives after its cell's idle, " +
    "20,000 lines included (3 runs)",
  async fn() {
    const [tally] = await measureRace(join(ROOT, "tests", "fixtures", "output_race.ipynb"), 3, {
      log: false,
      kernels: ["course"],
    });
    assert.equal(tally.runs, 3);
    assert.equal(tally.cellsRun, 3 * 18);
    assert.equal(tally.cellsWithLoss, 0, JSON.stringify(tally));
    assert.equal(tally.linesExpected, 3 * 20_001); // the 20,000 lines and the "next" after them
    assert.equal(tally.linesDelivered, tally.linesExpected, JSON.stringify(tally));
    assert.equal(tally.linesElsewhere, 0, JSON.stringify(tally));
  },
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
    // Three cells sent at once, the first throwing: the other two are answered aborted and not run.
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
    assert.match(String(r.after_busy_sigint), /42/, "a variable defined before survives SIGINT");
    assert.match(String(r.after_busy_message), /42/, "a variable defined before survives interrupt_request");
    const awaiting = r.await_sigint as Run;
    assert.match(JSON.stringify(awaiting.errors), /restarting/, show);
    assert.equal(r.await_kernel_ended, true, "the kernel process ends so that Jupyter restarts it");
  },
});
