// lib/charts/textview.ts: text coloured by a cell, and the top next words under each token.
import assert from "node:assert/strict";
import { coloredText, divergingColor, wordsUnderTokens } from "@course/lib/charts/textview.ts";

Deno.test("divergingColor: blue at −1, near-white at 0, red at +1, clamped outside the domain", () => {
  assert.equal(divergingColor(-1), "rgb(33,102,172)");
  assert.equal(divergingColor(0), "rgb(247,247,247)");
  assert.equal(divergingColor(1), "rgb(178,24,43)");
  assert.equal(divergingColor(5), divergingColor(1));
  assert.equal(divergingColor(0.5, 0, 1), "rgb(247,247,247)"); // the middle of a one-signed domain
  assert.throws(() => divergingColor(NaN), /got NaN, expected a finite number/);
  assert.throws(() => divergingColor(0, 1, 1), /expected lo < hi/);
});

Deno.test("coloredText: one span per token with its value in the tooltip; text is escaped; <eos> breaks the line", () => {
  const view = coloredText(["<b>", "<eos>", "x"], [0.5, -1, 0], { title: "unit 3" });
  assert.equal(view.html.match(/<span title=/g)?.length, 3);
  assert.match(view.html, /title="&lt;b&gt;: \+0\.500"/);
  assert.match(view.html, /⏎<\/span><br>/);
  assert.ok(!view.html.includes("<b>"));
  assert.equal(view.text, "unit 3\n<b>(+0.50) ⏎(-1.00) x(+0.00)");
  const bundle = (view as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
  assert.equal(bundle["text/html"], view.html);
  assert.throws(() => coloredText(["a"], [1, 2]), /2 values for 1 tokens/);
});

Deno.test("wordsUnderTokens: the real next word is marked when it is among the guesses", () => {
  const view = wordsUnderTokens([
    { token: "of", next: "the", top: [{ word: "the", p: 0.6 }, { word: "a", p: 0.1 }] },
    { token: "the", next: "end", top: [{ word: "<unk>", p: 0.2 }] },
  ]);
  assert.equal(view.html.match(/font-weight:bold/g)?.length, 1);
  assert.match(view.html, /&lt;unk&gt;/);
  assert.equal(view.text, "of → the 60.0% ✓, a 10.0%\nthe → <unk> 20.0%");
});
