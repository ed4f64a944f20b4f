// The library's layers, one folder each, from the bottom up; a module may import only from its own layer or a
// lower one. lib/mod.ts, the front door, sits above them all.

import assert from "node:assert/strict";

/** The layers of lib/, lowest first. */
export const LAYERS = ["core", "text", "charts", "engine", "course", "explorer"] as const;

const LIB = new URL("../lib/", import.meta.url);

/** Every .ts file under `dir`, as paths relative to lib/. */
function filesUnder(dir: URL, prefix = ""): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory
      ? filesUnder(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`)
      : e.name.endsWith(".ts")
      ? [`${prefix}${e.name}`]
      : []
  );
}

Deno.test("lib/ is one folder a layer, and no module imports from a layer above its own", () => {
  const files = filesUnder(LIB);
  const loose = files.filter((f) => !f.includes("/") && f !== "mod.ts");
  assert.deepEqual(loose, [], "every module but mod.ts sits in a layer's folder");
  const folders = [...new Set(files.filter((f) => f.includes("/")).map((f) => f.split("/")[0]))].sort();
  assert.deepEqual(folders, [...LAYERS].sort(), "the folders are the layers");
  const upward: string[] = [];
  for (const file of files.filter((f) => f !== "mod.ts")) {
    const layer = LAYERS.indexOf(file.split("/")[0] as (typeof LAYERS)[number]);
    const source = Deno.readTextFileSync(new URL(file, LIB));
    for (const m of source.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[\w/.-]+)"/g)) {
      const target = new URL(m[1], new URL(file, LIB)).href.slice(LIB.href.length);
      assert.ok(!target.startsWith("../") && target.includes("/"), `${file} imports ${m[1]}, outside the layers`);
      const to = LAYERS.indexOf(target.split("/")[0] as (typeof LAYERS)[number]);
      if (to > layer) upward.push(`${file} → ${target}`);
    }
  }
  assert.deepEqual(upward, [], "imports that run up a layer");
});

Deno.test("the layer test sees an upward import", () => {
  const href = new URL("core/x.ts", LIB);
  const target = new URL("../engine/tfjs.ts", href).href.slice(LIB.href.length);
  assert.equal(target, "engine/tfjs.ts");
  assert.ok(LAYERS.indexOf("engine") > LAYERS.indexOf("core"));
});
