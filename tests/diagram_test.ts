import assert from "node:assert/strict";
import { lstmDiagram } from "@course/lib";

const opacity = (html: string, part: string) =>
  [...html.matchAll(new RegExp(`data-part="${part}" opacity="([\\d.]+)"`, "g"))].map((m) => m[1]);

Deno.test("lstmDiagram: 4 yellow layers, 5 pink pointwise operations, both states in and out", () => {
  const d = lstmDiagram();
  assert.equal(d.element.querySelectorAll('g[data-part="layer"] rect').length, 4);
  assert.equal(d.element.querySelectorAll('g[data-part="op"] ellipse').length, 5);
  for (const name of ["cₜ₋₁", "cₜ", "hₜ₋₁", "hₜ", "xₜ", "fₜ", "iₜ", "c̃ₜ", "oₜ"]) {
    assert.ok(d.html.includes(`>${name}</text>`), name);
  }
  assert.ok(opacity(d.html, "[a-z]+").every((o) => o === "1"), "nothing faded without a highlight");
});

Deno.test("lstmDiagram: highlighting the pointwise operations fades the layers and gate wires", () => {
  const html = lstmDiagram({ highlight: ["pointwise"] }).html;
  assert.deepEqual(opacity(html, "op"), ["1", "1", "1"]);
  assert.deepEqual(opacity(html, "layer"), ["0.3", "0.3", "0.3"]);
  assert.deepEqual(opacity(html, "forget"), ["0.3"]);
  assert.deepEqual(opacity(html, "labels"), ["1"]); // what each wire carries stays readable
});

Deno.test("lstmDiagram: a title, and text/html for Jupyter", () => {
  const d = lstmDiagram({ title: "The forget gate", highlight: ["forget"] });
  assert.equal(d.element.querySelector("h3")?.textContent, "The forget gate");
  const bundle = (d as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/html"], /<svg[^>]+viewBox="0 0 690 360"/);
  assert.deepEqual(opacity(d.html, "forget"), ["1"]);
});

Deno.test("lstmDiagram: the title is escaped, so it cannot break the markup", () => {
  const d = lstmDiagram({ title: "a < b & c" });
  assert.equal(d.element.querySelector("h3")?.textContent, "a < b & c");
  assert.match(d.html, /<title>a &lt; b &amp; c<\/title>/);
});

Deno.test("unrolledDiagram: one box per step, zeros where windows are cut, the gradient link by link", async () => {
  const { unrolledDiagram } = await import("@course/lib");
  const d = unrolledDiagram({ inputs: ["a", "b", "c", "d"], windowStarts: [2] });
  assert.equal(d.element.querySelectorAll('g[data-part="step"]').length, 4);
  assert.equal(d.element.querySelectorAll('g[data-part="zero"]').length, 4, "c and h from 0 at steps 0 and 2");
  const carried = unrolledDiagram({ inputs: ["a", "b", "c", "d"], windowStarts: [2], carry: true, kind: "rnn" });
  assert.equal(carried.element.querySelectorAll('g[data-part="zero"]').length, 1);
  assert.match(carried.html, /state carried/);
  const g = unrolledDiagram({ inputs: ["a", "b", "c"], gradient: { from: 2, to: 0 }, outputs: "last" });
  assert.match(g.html, /×f₃/);
  assert.match(unrolledDiagram({ inputs: ["a", "b"], kind: "rnn", gradient: { from: 1, to: 0 } }).html, /×J₂/);
  assert.equal(
    g.element.querySelectorAll('g[data-part="step"] text').length,
    2 * 3 + 1,
    "an output only after the last",
  );
  assert.throws(() => unrolledDiagram({ inputs: [] }), /got 0 inputs, expected 1 to 10/);
  assert.throws(() => unrolledDiagram({ inputs: ["a"], kind: "rnn", gradient: { from: 0, to: 0 } }), /from > to/);
  assert.throws(
    () => unrolledDiagram({ inputs: ["a", "b"], kind: "rnn", gradient: { from: 1, to: 0, through: "c" } }),
    /no cell state/,
  );
  assert.throws(() => unrolledDiagram({ inputs: ["a"], windowStarts: [3] }), /window start 3 is not a step/);
});
