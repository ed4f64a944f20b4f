// The site's notebook runner, the parts that need no browser: a cell's TypeScript made runnable with Jupyter's
// semantics (tools/site/runner/transform.ts), values shown as text (inspect.ts), Deno.jupyter (jupyter.ts), and
// the modules the runner offers against the notebooks' imports (modules.ts).
import assert from "node:assert/strict";
import {
  CellSyntaxError,
  errorLine,
  moduleKey,
  RUNTIME,
  SCOPE,
  stripTypes,
  transformCell,
} from "../tools/site/runner/transform.ts";

/** Runs cells one after another on one scope, as the worker does (modules are the given objects). */
function session(modules: Record<string, unknown> = {}) {
  const scope = Object.create(
    new Proxy({}, {
      get(_, name) {
        if (typeof name === "string") throw new ReferenceError(`${name} is not defined`);
      },
    }),
  );
  const runtime = {
    import: (spec: string) => {
      if (!(spec in modules)) throw new TypeError(`no module ${spec}`);
      return Promise.resolve(modules[spec]);
    },
    declare: (name: string) => {
      if (!Object.hasOwn(scope, name)) scope[name] = undefined;
    },
  };
  let n = 0;
  return {
    scope,
    async run(source: string): Promise<unknown> {
      const url = `cell-${++n}.ts`;
      const { code } = transformCell(source, {
        known: Object.keys(scope),
        isGlobal: (name) => name in globalThis,
        sourceURL: url,
      });
      const fn = (0, eval)(code) as (s: unknown, r: unknown) => Promise<unknown>;
      return await fn(scope, runtime);
    },
  };
}

Deno.test("stripTypes removes types and keeps every line where it was", () => {
  const source =
    "const a: number[] = [1];\ninterface P {\n  x: number;\n}\nfunction f(x: P): number {\n  return x.x;\n}";
  const js = stripTypes(source);
  assert.equal(js.split("\n").length, source.split("\n").length);
  assert.match(js, /^const a = \[1\];/);
  assert.match(js.split("\n")[4], /function f\(x\) \{/);
});

Deno.test("a cell's declarations are seen by later cells, and a cell run again may declare them anew", async () => {
  const s = session();
  assert.equal(await s.run("const a: number = 2;\nlet b = a + 1, [c, { d = 4 }] = [5, {}];"), undefined);
  assert.equal(await s.run("a + b + c + d"), 14);
  assert.equal(await s.run("const a = 10;\na"), 10);
  await s.run("function twice(x: number) { return 2 * x }\nclass Box { constructor(readonly v: number) {} }");
  assert.equal(await s.run("twice(new Box(a).v)"), 20);
  assert.equal(await s.run("hoisted(); function hoisted() { return 'up' }"), undefined);
  assert.equal(await s.run("hoisted()"), "up");
});

Deno.test("closures see the shared scope live, and local names shadow it", async () => {
  const s = session();
  await s.run("let count = 0;\nconst bump = () => { count++; };\nconst later = () => laterName;");
  await s.run("bump(); bump();");
  assert.equal(await s.run("count"), 2);
  await s.run("const laterName = 'declared after';");
  assert.equal(await s.run("later()"), "declared after");
  assert.equal(await s.run("{ const count = 99; }\nfunction g(count: number) { return count }\ng(7) + count"), 9);
  assert.equal(await s.run("const o = { count, bump };\no.count"), 2);
  assert.equal(await s.run("const { count: renamed } = o;\nrenamed"), 2);
  assert.equal(await s.run("for (var k = 0; k < 3; k++) {}\nk"), 3);
  assert.equal(await s.run("const xs = [];\nfor (const x of [1, 2]) xs.push(x);\nxs.length"), 2);
  assert.equal(await s.run("typeof neverDeclared"), "undefined");
});

Deno.test("imports become look-ups in the runner's modules; top-level await works; the last expression is returned", async () => {
  const lib = { table: (x: number) => `table ${x}`, answer: 42 };
  const s = session({ "@course/lib": lib, "@observablehq/plot": { dot: "dot" } });
  await s.run(
    'import { table, answer as a } from "@course/lib";\nimport * as Plot from "@observablehq/plot";\nimport type { X } from "y";',
  );
  assert.equal(await s.run("table(a)"), "table 42");
  assert.equal(await s.run("Plot.dot"), "dot");
  assert.equal(await s.run("await new Promise((r) => setTimeout(() => r(5), 1))"), 5);
  assert.equal(await s.run("const m = await import('@course/lib');\nm.answer"), 42);
  assert.equal(await s.run("const x = 1;"), undefined, "a declaration shows nothing");
  assert.equal(await s.run("x = 3 // assignment\n"), 3);
});

Deno.test("errors name the cell's line: syntax errors from the parser, runtime errors from the stack", async () => {
  assert.throws(() => transformCell("const a = 1;\nconst b = ;"), (e: unknown) => {
    assert.ok(e instanceof CellSyntaxError);
    assert.equal(e.line, 2);
    assert.match(e.message, /line 2: const b = ;/);
    return true;
  });
  assert.throws(() => transformCell("let x: = 1"), CellSyntaxError);
  assert.throws(() => transformCell("export const a = 1; export default a"), /cannot export/);
  const s = session();
  try {
    await s.run("const a = 1;\n\nnull.boom;");
    assert.fail("should throw");
  } catch (e) {
    assert.ok(e instanceof TypeError);
    assert.equal(errorLine(e, "cell-1.ts"), 3);
  }
  await assert.rejects(() => s.run("missing + 1"), /missing is not defined/);
});

Deno.test("the transformed code uses the scope and runtime names, and lists declarations and imports", () => {
  const p = transformCell('import { a } from "npm:x@1";\nconst b = a;\nfunction f() {}\nb', { sourceURL: "c.ts" });
  assert.deepEqual(p.declared.sort(), ["a", "b", "f"]);
  assert.deepEqual(p.imports, ["npm:x@1"]);
  assert.match(p.code, new RegExp(`^\\(async \\(${SCOPE}, ${RUNTIME}\\) =>`));
  assert.match(p.code, /\/\/# sourceURL=c\.ts$/);
  assert.equal(p.code.split("\n").length, 4 + 2, "the cell's lines, the closing line and the sourceURL");
});

Deno.test("moduleKey drops npm: and the version", () => {
  assert.equal(moduleKey("npm:@observablehq/plot@0.6.17"), "@observablehq/plot");
  assert.equal(moduleKey("npm:@tensorflow/tfjs"), "@tensorflow/tfjs");
  assert.equal(moduleKey("npm:marked@18/lib/x.js"), "marked/lib/x.js");
  assert.equal(moduleKey("@course/lib/engine/tfjs.ts"), "@course/lib/engine/tfjs.ts");
});

Deno.test("every code cell of every notebook transforms, and every module they import is offered", async () => {
  const { MODULES } = await import("../tools/site/runner/modules.ts");
  const missing: string[] = [];
  let cells = 0;
  const names = [...Deno.readDirSync(new URL("../notebooks/", import.meta.url))].map((e) => e.name).sort();
  for (const name of names.filter((n) => n.endsWith(".ipynb"))) {
    const nb = JSON.parse(Deno.readTextFileSync(new URL(`../notebooks/${name}`, import.meta.url)));
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      const { imports } = transformCell(source, { isGlobal: (name) => name in globalThis });
      cells++;
      for (const spec of imports) if (!(moduleKey(spec) in MODULES)) missing.push(`${name}: ${spec}`);
    }
  }
  assert.ok(cells > 100, `${cells} code cells read`);
  assert.deepEqual(missing, []);
});

Deno.test("inspect shows values as Deno does, in plain text; formatLog prints console.log's arguments", async () => {
  const { formatLog, inspect } = await import("../tools/site/runner/inspect.ts");
  assert.equal(inspect("hi"), '"hi"');
  assert.equal(inspect([1, 2, 3]), "[ 1, 2, 3 ]");
  assert.equal(inspect({ a: 1, "b c": [true, null] }), '{ a: 1, "b c": [ true, null ] }');
  assert.equal(inspect(new Float32Array([1, 0.5])), "Float32Array(2) [ 1, 0.5 ]");
  assert.equal(inspect(new Map([["a", 1]])), 'Map(1) { "a" => 1 }');
  assert.equal(inspect(new Set([1])), "Set(1) { 1 }");
  assert.equal(inspect(-0), "-0");
  assert.equal(inspect(10n), "10n");
  assert.equal(inspect(undefined), "undefined");
  assert.equal(inspect([]), "[]");
  assert.equal(inspect({}), "{}");
  assert.equal(inspect(function named() {}), "[Function: named]");
  assert.equal(inspect(class Box {}), "[class Box]");
  assert.equal(inspect(new (class Box {})()), "Box {}");
  assert.equal(inspect({ a: { b: { c: { d: { e: { f: 1 } } } } } }), "{ a: { b: { c: { d: { e: [Object] } } } } }");
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  assert.equal(inspect(loop), "{ self: [Circular] }");
  assert.match(inspect(Array.from({ length: 120 }, (_, k) => k)), /\.\.\. 20 more items\n\]$/);
  const long = inspect({ first: "a".repeat(40), second: "b".repeat(40) });
  assert.equal(long, `{\n  first: "${"a".repeat(40)}",\n  second: "${"b".repeat(40)}"\n}`);
  assert.equal(formatLog(["edited", [2, 4], "x"]), "edited [ 2, 4 ] x");
  assert.equal(formatLog(["%s has %d items", "list", 3, "more"]), "list has 3 items more");
});

Deno.test("Deno.jupyter in the page: md, html, display with ids, broadcast, format", async () => {
  const { denoJupyter, format } = await import("../tools/site/runner/deno_shim.ts");
  const outputs: unknown[] = [];
  const jupyter = denoJupyter((o) => void outputs.push(o));
  const shown = jupyter.md`**${1 + 1}** and ${undefined}none`;
  assert.deepEqual(await format(shown), { "text/markdown": "**2** and none" });
  assert.deepEqual(await format(jupyter.html`<b>x</b>`), { "text/html": "<b>x</b>" });
  assert.deepEqual(await format([1]), { "text/plain": "[ 1 ]" });
  await jupyter.display(shown, { display_id: "status" });
  await jupyter.display({ "text/plain": "raw" }, { raw: true, update: true, display_id: "status" });
  await jupyter.broadcast("display_data", { data: { "text/html": "<i>b</i>" } });
  await jupyter.broadcast("comm_open", {});
  assert.deepEqual(outputs, [
    {
      output_type: "display_data",
      data: { "text/markdown": "**2** and none" },
      metadata: {},
      transient: { display_id: "status" },
    },
    {
      output_type: "update_display_data",
      data: { "text/plain": "raw" },
      metadata: {},
      transient: { display_id: "status" },
    },
    { output_type: "display_data", data: { "text/html": "<i>b</i>" }, metadata: {} },
  ]);
});

Deno.test("a notebook page carries its code cells for the runner, with no way for a source to end the script", async () => {
  const { runnerTags, sitePage } = await import("../tools/site/_site.ts");
  const tags = runnerTags([{ index: 1, source: 'const s = "</script><b>";' }]);
  assert.ok(!tags.slice(0, tags.indexOf("</script>")).includes("</script><b>"));
  const json = /<script type="application\/json" id="course-cells">(.*?)<\/script>/.exec(tags)![1];
  assert.deepEqual(JSON.parse(json), [{ index: 1, source: 'const s = "</script><b>";' }]);
  assert.match(tags, /<script src="runner\/page\.js" defer><\/script>$/);
  const page = sitePage(
    "<html><head></head><body><p>x</p></body></html>",
    [{
      file: "03-x.html",
      notebook: "03-x.ipynb",
      title: "X",
      summary: "",
      svgs: 0,
      chartCells: 0,
      seconds: 1,
    }],
    0,
    [{ index: 0, source: "1" }],
  );
  assert.match(
    page,
    /id="course-cells">\[\{"index":0,"source":"1"\}\]<\/script>\n<script src="runner\/page\.js" defer><\/script>\n<\/body>/,
  );
});

Deno.test("the browser check compares a page's cells with the record, and texts with a tolerance on numbers", async () => {
  const { compareCells, sameText } = await import("../tools/site/check_runner.ts");
  assert.ok(sameText("loss 2.501 after 12 s", "loss 2.5 after 12.1 s"));
  assert.ok(!sameText("loss 2.5", "loss 3.5"));
  assert.ok(!sameText("loss 2.5", "gain 2.5"));
  const record = { "1": [], "2": ["execute_result:text/html+text/plain"], "3": ["stream:stdout"] };
  const cell = (index: number, state: string, kinds: string[]) => ({ index, state, kinds, text: "" });
  assert.deepEqual(
    compareCells([cell(1, "done", []), cell(2, "done", ["execute_result:text/html+text/plain"])], record),
    [],
  );
  assert.deepEqual(compareCells([cell(3, "error", ["error:TypeError"])], record), ["cell 4: error"]);
  assert.deepEqual(compareCells([cell(3, "done", ["stream:stderr"])], record), [
    "cell 4: outputs [stream:stderr], recorded [stream:stdout]",
  ]);
  assert.deepEqual(compareCells([cell(9, "done", [])], record), [
    "cell 10: not in the record (re-record the notebook)",
  ]);
});
