// The course's Deno kernel (tools/kernel.ts, tools/kernel/deno_kernel.py): registered where Jupyter
// looks, and every output of tests/fixtures/output_race.ipynb arrives before its cell's `idle`, read
// the way every front end reads it (plain nbclient, which stops at `idle`).
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installKernel, kernelSpec } from "../tools/kernel.ts";
import { measureRace } from "../tools/output_race.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

Deno.test("kernelSpec: the course's kernel is Deno's behind the proxy; raw is what deno jupyter --install writes", () => {
  const course = kernelSpec("/bin/deno", "/usr/bin/python3", false);
  assert.deepEqual(course.argv, [
    "/usr/bin/python3",
    "{resource_dir}/deno_kernel.py",
    "--deno",
    "/bin/deno",
    "{connection_file}",
  ]);
  assert.equal(course.display_name, "Deno");
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
      assert.equal(spec.argv[1], "{resource_dir}/deno_kernel.py");
      assert.ok((await Deno.stat(join(dir, "deno_kernel.py"))).isFile);
      assert.ok((await Deno.stat(join(dir, "logo-64x64.png"))).isFile);
    }
    await assert.rejects(installKernel({ dataDir, name: "../x" }), RangeError);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test({
  name: "the course's kernel: no output of the race fixture arrives after its cell's idle (3 runs)",
  async fn() {
    const [tally] = await measureRace(join(ROOT, "tests", "fixtures", "output_race.ipynb"), 3, {
      log: false,
      kernels: ["course"],
    });
    assert.equal(tally.runs, 3);
    assert.equal(tally.cellsRun, 3 * 16);
    assert.equal(tally.cellsWithLoss, 0, JSON.stringify(tally));
  },
});
