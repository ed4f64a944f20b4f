// lib/core/platform.ts under Deno: repository files found from any working folder, read, written and renamed
// as Deno does; environment switches; the machine as the result files record it. Then the browser's side of
// the choice, with Deno's namespace hidden for a moment: paths under COURSE_DATA_BASE, no environment, a page's
// Deno.jupyter shim not taken for Deno. tests/platform_browser_test.ts runs the library in Chromium.
import assert from "node:assert/strict";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DATA_BASE_GLOBAL,
  denoRuntime,
  envValue,
  exists,
  FileNotFound,
  hostMachine,
  isNotFound,
  makeFolder,
  readBytes,
  readText,
  remove,
  rename,
  repoPath,
  repoUrl,
  savedFiles,
  writeBytes,
} from "@course/lib/core/platform.ts";
import { courseModelDir } from "@course/lib/engine/course_model.ts";
import { machineInfo } from "@course/lib/course/experiments.ts";
import { stopRequested } from "@course/lib";

const root = new URL("../", import.meta.url);

Deno.test("platform under Deno: repository files by URL and by path, read whatever the working folder", async () => {
  assert.equal(denoRuntime(), Deno);
  assert.equal(repoUrl("data/lecture/vikram.txt").href, new URL("data/lecture/vikram.txt", root).href);
  assert.equal(repoUrl("data/results/").href, new URL("data/results/", root).href);
  assert.equal(repoPath("data/models/brown-lstm"), fileURLToPath(new URL("data/models/brown-lstm", root)));
  assert.equal(courseModelDir(), join(fileURLToPath(root), "data", "models", "brown-lstm"));
  const text = await readText(repoUrl("data/lecture/vikram.txt"));
  assert.equal(text, await Deno.readTextFile(new URL("data/lecture/vikram.txt", root)));
  assert.deepEqual(await readBytes(repoUrl("data/lecture/vikram.txt")), new TextEncoder().encode(text));
  assert.equal(await exists(repoUrl("data/lecture/vikram.txt")), true);
  assert.equal(await exists(repoUrl("data/lecture/nothing.txt")), false);
  const missing = await readText(repoUrl("data/lecture/nothing.txt")).catch((e) => e);
  assert.ok(missing instanceof Deno.errors.NotFound && isNotFound(missing));
  assert.ok(isNotFound(new FileNotFound("x")) && !isNotFound(new Error("x")) && !isNotFound("x"));
});

Deno.test("platform: a path that is not inside the repository is refused, naming what came", () => {
  for (const bad of ["", "/etc/passwd", "\\share", "https://example.com/x", "file:///x"]) {
    assert.throws(() => repoUrl(bad), (e) => e instanceof RangeError && e.message.includes(JSON.stringify(bad)));
  }
  assert.throws(() => repoUrl(3 as unknown as string), TypeError);
});

Deno.test("platform under Deno: files written, renamed and removed on disk; nothing kept in memory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const folder = join(dir, "a", "b");
    await makeFolder(folder);
    await writeBytes(join(folder, ".x.saving"), new Uint8Array([1, 2, 3]));
    await rename(join(folder, ".x.saving"), join(folder, "x"));
    assert.deepEqual(await Deno.readFile(join(folder, "x")), new Uint8Array([1, 2, 3]));
    assert.equal(await exists(join(folder, ".x.saving")), false);
    await remove(join(folder, "x"));
    assert.equal(await exists(join(folder, "x")), false);
    assert.ok(isNotFound(await remove(join(folder, "x")).catch((e) => e)));
    assert.equal(savedFiles().size, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("platform under Deno: environment switches, and the machine as machineInfo recorded it before", () => {
  const name = "COURSE_PLATFORM_TEST";
  assert.equal(envValue(name), undefined);
  Deno.env.set(name, "1");
  try {
    assert.equal(envValue(name), "1");
  } finally {
    Deno.env.delete(name);
  }
  const machine = hostMachine();
  assert.deepEqual(machine, {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    runtime: Deno.version.deno,
  });
  const info = machineInfo();
  assert.deepEqual(Object.keys(info), ["cpu", "cores", "memoryGiB", "os", "deno", "engine"]);
  assert.equal(info.deno, Deno.version.deno);
});

/** Runs `f` with `globalThis.Deno` replaced by `value` (synchronous only: nothing else runs meanwhile). */
function withDeno<T>(value: unknown, f: () => T): T {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "Deno")!;
  Object.defineProperty(globalThis, "Deno", { ...descriptor, value });
  try {
    return f();
  } finally {
    Object.defineProperty(globalThis, "Deno", descriptor);
  }
}

Deno.test("platform in a browser's place: files under COURSE_DATA_BASE, no environment, a Deno.jupyter shim is no Deno", () => {
  const g = globalThis as Record<string, unknown>;
  try {
    const seen = withDeno({ jupyter: {} }, () => {
      g[DATA_BASE_GLOBAL] = "https://example.com/course"; // a folder, with or without its final slash
      const url = repoUrl("data/lecture/vikram.txt").href;
      g[DATA_BASE_GLOBAL] = "https://example.com/site/";
      return {
        deno: denoRuntime(),
        url,
        path: repoPath("data/models/brown-lstm"),
        env: envValue("PATH"),
        stop: stopRequested(),
        machine: hostMachine(),
      };
    });
    assert.equal(seen.deno, undefined);
    assert.equal(seen.url, "https://example.com/course/data/lecture/vikram.txt");
    assert.equal(seen.path, "https://example.com/site/data/models/brown-lstm");
    assert.equal(seen.env, undefined);
    assert.equal(seen.stop, false);
    assert.equal(seen.machine.cpu, "unknown");
    assert.equal(seen.machine.cores, navigator.hardwareConcurrency);
    assert.equal(seen.machine.runtime, navigator.userAgent);
    delete g[DATA_BASE_GLOBAL];
    assert.throws(() => withDeno(undefined, () => repoUrl("data/x")), /COURSE_DATA_BASE/); // Deno has no location
  } finally {
    delete g[DATA_BASE_GLOBAL];
  }
  assert.equal(denoRuntime(), Deno);
});
