import assert from "node:assert/strict";
import { table } from "@course/lib";

Deno.test("table: HTML and aligned text, vectors printed the lecture's way, HTML escaped", () => {
  const t = table([
    { op: "a ⊗ b", result: new Float32Array([4, 10, 18]) },
    { op: "<b>", result: 0.5 },
  ], { caption: "Worked numbers" });
  assert.deepEqual(t.cells, [["a ⊗ b", "[4 10 18]"], ["<b>", "0.5"]]);
  assert.match(t.html, /<p[^>]*>Worked numbers<\/p><table>/);
  assert.match(t.html, /&lt;b&gt;/);
  assert.equal(String(t), "Worked numbers\nop     result\n-----  ---------\na ⊗ b  [4 10 18]\n<b>    0.5");
  const bundle = (t as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
  assert.equal(bundle["text/html"], t.html);
});

Deno.test("table refuses a row that lacks a column", () => {
  assert.throws(() => table([{ a: 1, b: 2 }, { a: 3 } as unknown as { a: number; b: number }]), {
    name: "RangeError",
    message: 'Cannot make table: row 1 has no column "b", expected every row to have it',
  });
});
