// Joining notebook cells for `deno check`, and mapping errors back to notebook, cell and line.
import assert from "node:assert/strict";
import { joinCells, mapLocations, notebookStats, repeatedCode } from "../tools/notebooks/check_notebooks.ts";

Deno.test("joinCells keeps code cells only and remembers where each line came from", () => {
  const { text, origins } = joinCells("03-x.ipynb", [
    { cell_type: "markdown", source: "# title" },
    { cell_type: "code", source: "const a = 1;\nconst b = a;" },
  ]);
  const lines = text.split("\n");
  assert.equal(lines[2], "const a = 1;");
  assert.deepEqual(origins[3], { notebook: "03-x.ipynb", cell: 2, line: 2 });
  assert.ok(!text.includes("# title"));
  assert.match(text, /export \{\};\n$/);
});

Deno.test("mapLocations rewrites file:line:col of joined files into notebook, cell and line", () => {
  const { origins } = joinCells("03-x.ipynb", [{ cell_type: "code", source: "a\nb" }]);
  const maps = new Map([["03-x", origins]]);
  assert.equal(
    mapLocations("at file:///repo/build/nbcheck/03-x.ts:4:7", maps),
    "at notebooks/03-x.ipynb, cell 1, line 2:7",
  );
  assert.equal(mapLocations("at lib/charts/plot.ts:4:7", maps), "at lib/charts/plot.ts:4:7");
});

Deno.test("notebookStats: words, template words, code lines, long cells; repeatedCode across notebooks", () => {
  const long = Array.from({ length: 30 }, (_, k) => `const value${k} = compute(${k}, "x");`).join("\n");
  const cells = [
    { cell_type: "markdown", source: "# Title\n\nTwo states, c and h." },
    { cell_type: "code", source: "const a = 1;\n\nDeno.jupyter.md`The answer is ${a} today.`" },
    { cell_type: "code", source: long },
  ];
  const stats = notebookStats("x.ipynb", cells);
  assert.equal(stats.markdownWords, 6);
  assert.equal(stats.templateWords, 4); // The answer is … today.
  assert.equal(stats.codeCells, 2);
  assert.equal(stats.codeLines, 32);
  assert.deepEqual(stats.longest, { cell: 3, lines: 30 });
  assert.deepEqual(stats.longCells, [{ cell: 3, lines: 30 }]);
  const repeats = repeatedCode([{ notebook: "a.ipynb", cells }, { notebook: "b.ipynb", cells: [cells[2]] }]);
  assert.equal(repeats.length > 0, true);
  assert.deepEqual(repeats[0].places, ["a.ipynb cell 3", "b.ipynb cell 1"]);
  assert.deepEqual(repeatedCode([{ notebook: "a.ipynb", cells }]), []); // within one notebook: not reported
});

Deno.test("the lecture half (notebooks 01–06) keeps its budget: at most 7,000 words of prose and 900 code lines", async () => {
  const { LECTURE_BUDGET, lectureBudget, notebookStats } = await import("../tools/notebooks/check_notebooks.ts");
  const { listNotebooks, readNotebook, sourceOf } = await import("../tools/notebooks/_notebook.ts");
  const stats = [];
  for (const path of await listNotebooks(new URL("../notebooks", import.meta.url).pathname)) {
    const nb = await readNotebook(path);
    stats.push(notebookStats(path.split("/").pop()!, nb.cells.map((c) => ({ ...c, source: sourceOf(c) }))));
  }
  const budget = lectureBudget(stats)!;
  assert.equal(budget.notebooks, 6);
  assert.ok(budget.words <= LECTURE_BUDGET.words, `${budget.words} words`);
  assert.ok(budget.codeLines <= LECTURE_BUDGET.codeLines, `${budget.codeLines} code lines`);
});

Deno.test("the guides (notebooks 09 and 10) keep their word limits: 2,500 and 2,200 words of prose", async () => {
  const { guideBudgets, notebookStats } = await import("../tools/notebooks/check_notebooks.ts");
  const { listNotebooks, readNotebook, sourceOf } = await import("../tools/notebooks/_notebook.ts");
  const stats = [];
  for (const path of await listNotebooks(new URL("../notebooks", import.meta.url).pathname)) {
    const nb = await readNotebook(path);
    stats.push(notebookStats(path.split("/").pop()!, nb.cells.map((c) => ({ ...c, source: sourceOf(c) }))));
  }
  const guides = guideBudgets(stats);
  assert.deepEqual(guides.map((g) => [g.notebook.slice(0, 3), g.limit]), [["09-", 2500], ["10-", 2200]]);
  for (const g of guides) assert.ok(g.ok, `${g.notebook}: ${g.words} words (limit ${g.limit})`);
});

Deno.test("notebookStats: template lines wider than TEMPLATE_WIDTH are reported by cell and line; every notebook has none", async () => {
  const { TEMPLATE_WIDTH } = await import("../tools/notebooks/check_notebooks.ts");
  const { listNotebooks, readNotebook, sourceOf } = await import("../tools/notebooks/_notebook.ts");
  const wide = "word ".repeat(30).trim(); // 149 characters
  const cells = [
    { cell_type: "code", source: `const x = 1;\nDeno.jupyter.md\`short\n${wide}\nend\`` },
    { cell_type: "code", source: `// ${wide}` }, // not a template: not reported
  ];
  assert.deepEqual(notebookStats("x.ipynb", cells).wideTemplateLines, [{ cell: 1, line: 3, length: wide.length }]);
  for (const path of await listNotebooks(new URL("../notebooks", import.meta.url).pathname)) {
    const nb = await readNotebook(path);
    const stats = notebookStats(path, nb.cells.map((c) => ({ ...c, source: sourceOf(c) })));
    assert.deepEqual(stats.wideTemplateLines, [], `${path}: template lines over ${TEMPLATE_WIDTH} characters`);
  }
});
