// The chart helpers produce SVG with the expected marks, display as HTML in Jupyter, and check their input.
import assert from "node:assert/strict";
import { Chart, heatmap, lineChart, plot, TrainingChart } from "@course/lib";
import * as Plot from "@observablehq/plot";

const JUPYTER = Symbol.for("Jupyter.display");

function marks(chart: Chart, label: string): Element[] {
  return [...chart.element.querySelectorAll(`g[aria-label="${label}"]`)];
}

Deno.test("lineChart: one path per series, axes, a legend naming each series, and a title", () => {
  const x = [0, 1, 2, 3];
  const chart = lineChart(x, { a: [0, 1, 4, 9], b: [0, 1, 2, 3], c: [3, 2, 1, 0] }, {
    title: "Three series",
    xLabel: "x",
    yLabel: "y",
  });
  const [lines] = marks(chart, "line");
  assert.equal(lines.querySelectorAll("path").length, 3);
  assert.equal(marks(chart, "x-axis tick").length, 1);
  assert.equal(marks(chart, "y-axis tick").length, 1);
  assert.equal(chart.element.querySelector("h2")?.textContent, "Three series");
  for (const name of ["a", "b", "c"]) assert.match(chart.html, new RegExp(`>${name}</span>|>${name}<`));
  assert.equal(String(chart), "Chart: Three series");
});

Deno.test("lineChart: one series draws one line and no legend", () => {
  const chart = lineChart([0, 1], { only: [1, 2] });
  assert.equal(marks(chart, "line")[0].querySelectorAll("path").length, 1);
  assert.equal(chart.element.tagName.toLowerCase(), "svg"); // no figure wrapper: no legend, no title
});

Deno.test("lineChart refuses series of the wrong length", () => {
  assert.throws(() => lineChart([0, 1, 2], { y: [1, 2] }), {
    name: "RangeError",
    message: 'Cannot draw line chart: series "y" has length 2, expected 3 (the length of x)',
  });
  assert.throws(() => lineChart([0], {}), { name: "RangeError" });
});

Deno.test("heatmap: T×H cells, labelled axes, a continuous legend painted as PNG, and values in cells", () => {
  const T = 5, H = 3;
  const columns = Array.from({ length: T }, (_, t) => Array.from({ length: H }, (_, k) => (t + k) / 8));
  const chart = heatmap(columns, { domain: [0, 1], label: "f_t", digits: 2, title: "Forget gate" });
  const [cells] = marks(chart, "cell");
  assert.equal(cells.querySelectorAll("rect").length, T * H);
  const [texts] = marks(chart, "text");
  assert.equal(texts.querySelectorAll("text").length, T * H);
  assert.match(texts.textContent ?? "", /0\.13/); // 1/8 = 0.125 shown with 2 decimals
  assert.match(chart.html, /<image[^>]+href="data:image\/png;base64,iVBORw0KGgo/); // PNG signature in base64
  assert.match(chart.html, /time step t/);
  assert.match(chart.html, />unit</);
});

Deno.test("heatmap: a domain with both signs uses a diverging scale centred on 0", () => {
  const chart = heatmap([[-0.5, 0.25], [0.9, -0.1]]);
  const fills = [...marks(chart, "cell")[0].querySelectorAll("rect")].map((r) => r.getAttribute("fill"));
  assert.equal(fills.length, 4);
  assert.equal(new Set(fills).size, 4);
});

Deno.test("heatmap refuses ragged columns and wrong label counts", () => {
  assert.throws(() => heatmap([[1, 2], [1]]), {
    name: "RangeError",
    message: "Cannot draw heatmap: column 1 has length 1, expected 2 (the length of column 0)",
  });
  assert.throws(() => heatmap([[1, 2]], { rows: ["a"] }), {
    name: "RangeError",
    message: "Cannot draw heatmap: rows has 1 labels, expected 2",
  });
  assert.throws(() => heatmap([]), { name: "RangeError" });
});

Deno.test("charts display in Jupyter as text/html holding the SVG (nbconvert blanks bare image/svg+xml)", () => {
  const chart = plot({ marks: [Plot.dot([[1, 2]])] });
  const bundle = (chart as unknown as Record<symbol, () => Record<string, string>>)[JUPYTER]();
  assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  assert.match(bundle["text/html"], /^<svg[^>]+viewBox="0 0 640 400"/);
  assert.equal(bundle["image/svg+xml"], undefined);
});

Deno.test("charts are deterministic: the same data draws the same markup", () => {
  const draw = () => heatmap([[0.1, 0.2], [0.3, 0.4]], { domain: [0, 1] }).html;
  assert.equal(draw(), draw());
});

Deno.test("lineChart: a log y axis spans orders of magnitude and draws no zero line", () => {
  const t = [0, 1, 2, 3];
  const chart = lineChart(t, { decay: t.map((k) => 0.1 ** k) }, { yType: "log", yDomain: [0.001, 1] });
  assert.equal(marks(chart, "rule").length, 0);
  assert.equal(marks(chart, "line")[0].querySelectorAll("path").length, 1);
  const labels = [...chart.element.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((e) =>
    e.textContent
  );
  assert.deepEqual(labels.filter((l) => l !== ""), ["10⁻³", "10⁻²", "10⁻¹", "1"]); // powers of ten only
});

Deno.test("heatmap: 400 steps × 400 units (160,000 cells) draw without overflowing the call stack", () => {
  const columns = Array.from({ length: 400 }, (_, t) => Array.from({ length: 400 }, (_, k) => Math.sin(t + k)));
  const chart = heatmap(columns);
  assert.equal(marks(chart, "cell")[0].querySelectorAll("rect").length, 160_000);
});

Deno.test("lineChart: end labels name each line only where the ends are apart", () => {
  const x = [0, 1, 2];
  const apart = lineChart(x, { up: [0, 1, 2], down: [0, -1, -2] });
  assert.equal(marks(apart, "text").length, 1);
  const together = lineChart(x, { a: [0, 1, 2], b: [1, 1.5, 2] }); // both end at 2
  assert.equal(marks(together, "text").length, 0);
});

Deno.test("heatmap: with an explicit diverging scheme, text is white only on strong colours", () => {
  const chart = heatmap([[0.12, -0.9, 0.8]], { scheme: "rdbu", domain: [-1, 1], digits: 2 });
  const fills = [...chart.element.querySelectorAll("text")]
    .filter((t) => ["0.12", "-0.9", "0.8"].includes(t.textContent ?? ""))
    .map((t) => [t.textContent, t.getAttribute("fill")]);
  assert.deepEqual(fills, [["0.12", "black"], ["-0.9", "white"], ["0.8", "white"]]);
});

Deno.test("TrainingChart: points by kind, baselines dashed, y from just under the lowest loss", () => {
  const live = new TrainingChart({ title: "t", baselines: { trigram: 4.9, unigram: 5.9 } });
  live.add(1, 9.2, "training batch");
  live.add(2, 6.8, "validation");
  assert.throws(() => live.add(3, NaN, "validation"), /must be finite, got 3 and NaN/);
  const html = live.chart().html;
  assert.match(html, /trigram/);
  assert.match(html, /stroke-dasharray="4 4"/);
  const ticks = [...html.matchAll(/<text[^>]*>([\d.]+)<\/text>/g)].map((m) => Number(m[1]));
  assert.equal(ticks[0], 5, "the y axis starts just under the lowest baseline (4.9), not at 0 or 1");
});

Deno.test("heatmap: a given domain the data leaves is widened to the data, never a silent clip", () => {
  const chart = heatmap([[-1, 0.5, 1.36]], { domain: [-1, 1], scheme: "rdbu" });
  const legend = chart.html.match(/<svg[^>]*ramp[\s\S]*?<\/svg>/)?.[0] ?? "";
  // The diverging scale runs from −1.36 to 1.36, so the tick at 1 sits inside the ramp, not at its end.
  const ticks = [...legend.matchAll(/translate\(([\d.]+),0\)[^>]*class="tick"/g)].map((m) => Number(m[1]));
  const ramp = legend.match(/<image[^>]*width="([\d.]+)"[^>]*x="([\d.]+)"/)!;
  const [rampWidth, rampX] = [Number(ramp[1]), Number(ramp[2])];
  assert.ok(ticks.length >= 3);
  assert.ok(
    Math.max(...ticks) < rampX + rampWidth - 10,
    `the tick at 1 is ${Math.max(...ticks)}, ramp ends ${rampX + rampWidth}`,
  );
});

Deno.test("plot: a colour ramp legend keeps room for its end labels (16 px each side)", () => {
  const chart = heatmap([[0, 0.5, 1]], { domain: [0, 1] });
  const image = chart.html.match(/<svg[^>]*ramp[\s\S]*?<image[^>]*>/)?.[0] ?? "";
  assert.match(image, /x="16"/);
});

Deno.test("lineChart: a band per series is shaded in its colour; a band of a missing series or wrong length is refused", () => {
  const chart = lineChart([1, 2, 3], { mean: [1, 2, 3], other: [3, 2, 1] }, {
    bands: { mean: { low: [0.5, 1.5, 2.5], high: [1.5, 2.5, 3.5] } },
  });
  assert.equal(chart.element.querySelectorAll('g[aria-label="area"] path').length, 1);
  assert.throws(() => lineChart([1, 2], { a: [1, 2] }, { bands: { b: { low: [0, 0], high: [1, 1] } } }), {
    name: "RangeError",
    message: 'Cannot draw line chart: band "b" names no series; expected one of a',
  });
  assert.throws(() => lineChart([1, 2], { a: [1, 2] }, { bands: { a: { low: [0], high: [1, 1] } } }), {
    name: "RangeError",
    message: 'Cannot draw line chart: band "a" has 1 low and 2 high values, expected 2 each',
  });
});
