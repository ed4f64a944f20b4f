// lib/core/disk_cache.ts: results kept on disk only for the same inputs and the same library, written atomically.
import assert from "node:assert/strict";
import { cached, courseCacheDir, libraryFingerprint } from "@course/lib";

const codec = { encode: (v: number[]) => v, decode: (j: unknown) => j as number[] };

function counter() {
  const calls = { n: 0 };
  return { calls, compute: () => (calls.n++, [calls.n, 0.1, Math.fround(1 / 3)]) };
}

Deno.test("cached: computes once per inputs; refresh recomputes and keeps; off neither loads nor keeps", () => {
  const dir = Deno.makeTempDirSync();
  const { calls, compute } = counter();
  assert.deepEqual(cached("runs", { seed: 1 }, compute, codec, { dir }), [1, 0.1, Math.fround(1 / 3)]);
  assert.deepEqual(cached("runs", { seed: 1 }, compute, codec, { dir }), [1, 0.1, Math.fround(1 / 3)]); // exact
  assert.equal(calls.n, 1);
  assert.deepEqual(cached("runs", { seed: 2 }, compute, codec, { dir })[0], 2); // other inputs: computed
  assert.deepEqual(cached("runs", { seed: 1 }, compute, codec, { dir, mode: "refresh" })[0], 3);
  assert.deepEqual(cached("runs", { seed: 1 }, compute, codec, { dir })[0], 3); // what refresh kept
  assert.deepEqual(cached("runs", { seed: 1 }, compute, codec, { dir, mode: "off" })[0], 4);
  assert.deepEqual(cached("runs", { seed: 1 }, compute, codec, { dir })[0], 3);
  assert.deepEqual(cached("runs", { seed: 1 }, compute, codec, { dir: null })[0], 5); // no folder: no cache
  assert.equal([...Deno.readDirSync(`${dir}/runs`)].length, 2); // one file per inputs, no temporary left
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("cached: a damaged entry, or one from another library, is computed again and replaced", () => {
  const dir = Deno.makeTempDirSync();
  const { calls, compute } = counter();
  cached("runs", {}, compute, codec, { dir });
  const [file] = [...Deno.readDirSync(`${dir}/runs`)].map((e) => `${dir}/runs/${e.name}`);
  for (const damage of ["", "{", JSON.stringify({ key: "another", value: [9] })]) {
    Deno.writeTextFileSync(file, damage);
    const before = calls.n;
    assert.equal(cached("runs", {}, compute, codec, { dir })[0], before + 1);
  }
  // A decode that throws (a kept value of the wrong shape) also computes again.
  const strict = {
    encode: (v: number[]) => v,
    decode: (): number[] => {
      throw new RangeError("wrong shape");
    },
  };
  assert.equal(cached("runs", {}, compute, strict, { dir })[0], calls.n);
  // An entry made by another version of the library, and an old temporary file, are removed on the next write.
  const stale = `${dir}/runs/0000000000000000.json`, temporary = `${dir}/runs/x.json.1.abc.tmp`;
  Deno.writeTextFileSync(stale, JSON.stringify({ key: JSON.stringify({ library: "old" }), value: [0] }));
  Deno.writeTextFileSync(temporary, "{");
  Deno.utimeSync(temporary, new Date(0), new Date(0));
  cached("runs", { other: true }, compute, codec, { dir });
  const left = [...Deno.readDirSync(`${dir}/runs`)].map((e) => e.name);
  assert.ok(!left.includes("0000000000000000.json") && !left.some((n) => n.endsWith(".tmp")), left.join(", "));
  assert.equal(left.length, 2);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("cached: bad names and modes are named; the folder is build/cache and the fingerprint is stable", () => {
  const { compute } = counter();
  assert.throws(() => cached("../x", {}, compute, codec), {
    name: "TypeError",
    message: 'Cannot cache result: name must be letters, digits, - and _, got "../x"',
  });
  assert.throws(
    () => cached("x", {}, compute, codec, { mode: "always" as "use" }),
    /mode must be "use", "refresh" or "off", got "always"/,
  );
  assert.ok(courseCacheDir()!.endsWith("/build/cache"));
  assert.match(libraryFingerprint(), /^[0-9a-f]{16}$/);
  assert.equal(libraryFingerprint(), libraryFingerprint());
});
