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

/** The folders of tools/, lowest first; "." is the top level's shared modules (_paths.ts, _browser.ts). */
export const TOOL_LAYERS = [".", "kernel", "notebooks", "site", "cli", "research", "bench"] as const;
/** Top-level tools that sit above every folder: the two commands a learner or CI runs first. */
const TOOL_ENTRIES = ["start.ts", "test.ts"];

const TOOLS = new URL("../tools/", import.meta.url);

Deno.test("tools/ is grouped by layer, and no tool imports from a folder above its own", () => {
  const files = filesUnder(TOOLS).filter((f) => !f.startsWith("notebooks/jupyterlab/"));
  const rank = (file: string) => {
    if (TOOL_ENTRIES.includes(file)) return TOOL_LAYERS.length;
    const folder = file.includes("/") ? file.split("/")[0] : ".";
    return TOOL_LAYERS.indexOf(folder as (typeof TOOL_LAYERS)[number]);
  };
  const loose = files.filter((f) => rank(f) < 0 || (!f.includes("/") && !f.startsWith("_") && rank(f) === 0));
  assert.deepEqual(
    loose,
    [],
    "every tool sits in a layer's folder (the top level holds only _shared modules, start and test)",
  );
  const upward: string[] = [];
  for (const file of files) {
    const source = Deno.readTextFileSync(new URL(file, TOOLS));
    for (const m of source.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[\w/.-]+)"/g)) {
      const target = new URL(m[1], new URL(file, TOOLS)).href.slice(TOOLS.href.length);
      if (target.startsWith("../") || target.startsWith("notebooks/jupyterlab/")) continue;
      if (rank(target) > rank(file)) upward.push(`${file} → ${target}`);
    }
  }
  assert.deepEqual(upward, [], "imports that run up a layer");
});

/** The limits of DEVELOPERS' rules: a module holds one concept, a function one step. */
const MAX_FILE_LINES = 600, MAX_FUNCTION_LINES = 100;

/**
 * The functions, methods and function-valued constants of a deno-fmt-formatted source, with their lengths in
 * lines, from the declaration to the `}` at the declaration's own indentation (inner functions count in the outer).
 */
export function functionLengths(source: string): { name: string; line: number; lines: number }[] {
  const lines = source.split("\n"), found: { name: string; line: number; lines: number }[] = [];
  const start =
    /^(\s*)(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?\s+(\w+)|(?:const|let)\s+(\w+)\s*=\s*(?:async\s+)?(?:\([^)]*\)|\w+)\s*(?::\s*[^=]+)?=>\s*\{$|(?:(?:private|public|static|async|get|set)\s+)*(\w+)\s*\([^;]*\)\s*(?::\s*[^{;]+)?\{$)/;
  const keywords = new Set(["if", "for", "while", "switch", "catch", "return", "with", "function"]);
  lines.forEach((text, k) => {
    const m = start.exec(text);
    const name = m && (m[2] ?? m[3] ?? m[4]);
    if (!m || !name || keywords.has(name)) return;
    if (m[4] && m[1].length === 0) return; // a call at the top level, not a method
    const close = lines.findIndex((l, j) =>
      j > k && l.startsWith(`${m[1]}}`) && !l.startsWith(`${m[1]}} `.trimEnd() + " ")
    );
    if (close > k) found.push({ name, line: k + 1, lines: close - k + 1 });
  });
  return found;
}

Deno.test("functionLengths counts declarations, arrow constants and methods to their closing brace", () => {
  const src = [
    "export function a(x: number): number {",
    "  const inner = (y: number) => {",
    "    return y;",
    "  };",
    "  return inner(x);",
    "}",
    "class C {",
    "  method(v: string): void {",
    "    if (v) {",
    "      return;",
    "    }",
    "  }",
    "}",
    "const b = async (z: number) => {",
    "  return z;",
    "};",
  ].join("\n");
  assert.deepEqual(functionLengths(src).map((f) => [f.name, f.lines]), [["a", 6], ["inner", 3], ["method", 5], [
    "b",
    3,
  ]]);
});

Deno.test("every module of lib/ and tools/ is under 600 lines and every function under 100 (largest printed)", () => {
  const files = [
    ...filesUnder(LIB).map((f) => new URL(f, LIB)),
    ...filesUnder(TOOLS).map((f) => new URL(f, TOOLS)),
  ];
  const root = new URL("../", import.meta.url).href;
  const sizes = files.map((u) => {
    const source = Deno.readTextFileSync(u);
    return {
      file: u.href.slice(root.length),
      lines: source.trimEnd().split("\n").length,
      functions: functionLengths(source),
    };
  });
  const longest = sizes.flatMap((s) => s.functions.map((f) => ({ ...f, file: s.file })))
    .sort((a, b) => b.lines - a.lines);
  const largest = [...sizes].sort((a, b) => b.lines - a.lines);
  console.log("largest modules:", largest.slice(0, 5).map((s) => `${s.file} ${s.lines}`).join(", "));
  console.log(
    "longest functions:",
    longest.slice(0, 5).map((f) => `${f.file}:${f.line} ${f.name} ${f.lines}`).join(", "),
  );
  assert.deepEqual(largest.filter((s) => s.lines > MAX_FILE_LINES).map((s) => `${s.file} ${s.lines}`), []);
  assert.deepEqual(
    longest.filter((f) => f.lines > MAX_FUNCTION_LINES).map((f) => `${f.file}:${f.line} ${f.name} ${f.lines}`),
    [],
  );
});
