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
