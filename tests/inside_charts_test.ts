// lib/course/inside_charts.ts: notebook 10's pictures draw what they are given, within the page's width.
import assert from "node:assert/strict";
import {
  correlationStrip,
  featureHistogram,
  gateGrid,
  positionChart,
  PREDICTION_CHART_WIDTH,
  predictionCharts,
  saturationChart,
  searchTable,
  tokenLabel,
} from "@course/lib/course/inside_charts.ts";
import { searchUnits } from "@course/lib/course/inside.ts";

const values = [[0, 1], [1, 0], [0, 1], [1, 0.5]].map((r) => Float32Array.from(r)); // [T=4][H=2]
const feature = Float64Array.from([0, 1, 0, 1]);
const found = [{
  name: "odd",
  ...searchUnits({ search: feature, evidence: feature }, { search: values, evidence: values, controls: [values] }),
}];
const width = (html: string) => Number(/<svg[^>]*width="(\d+)"/.exec(html)?.[1]);

Deno.test("tokenLabel names the quotation marks, which look alike in small rotated labels, and writes <eos> as ⏎", () => {
  assert.deepEqual(["``", "''", "<eos>", "the"].map(tokenLabel), ["open “", "close ”", "⏎", "the"]);
});

Deno.test("the search's table and strip: the picked unit named, the controls beside it", () => {
  const t = searchTable(found);
  assert.ok(JSON.stringify(t).includes("odd"));
  const strip = correlationStrip(found, ["control"]).html;
  assert.ok(strip.includes("unit 0") && strip.includes("odd · control"));
  assert.ok(width(strip) <= 860);
});

Deno.test("correlationStrip rings the runner-up with its number and says which controls are drawn", () => {
  // Unit 1 is picked; on the evidence text unit 2 comes next (|r| 0.8), then unit 0.
  const r = Float64Array.from([0.1, -0.9, 0.8]);
  const strip = correlationStrip(
    [{ name: "f", unit: 1, rEvidence: r, rControls: [r, r, r] }],
    ["untrained network", "seed 1", "seed 2"],
  ).html;
  assert.ok(strip.includes(">unit 1</text>") && strip.includes(">unit 2</text>"), "the pick and the runner-up");
  assert.ok(!strip.includes(">unit 0</text>"));
  assert.ok(strip.includes("red ring: the runner-up"));
  assert.ok(strip.includes("Grey: 2 of the table's 3 controls, named in their rows"));
});

Deno.test("positionChart, featureHistogram, saturationChart, gateGrid draw an <svg>", () => {
  const units = [{ name: "a", values: Float32Array.from({ length: 40 }, (_, t) => t % 2) }];
  const charts = [
    positionChart(units, Float64Array.from({ length: 40 }, (_, t) => t % 2), "p"),
    featureHistogram([0.1, 0.9, -0.2], [0, 1, 0], { yes: "in", no: "out", title: "h" }),
    saturationChart("forget gate f", { left: Float64Array.from([0.95, 0]), right: Float64Array.from([0, 0.95]) }, 100),
    gateGrid({ f: values, i: values, o: values }, ["a", "``", "b", "<eos>"], { from: 0, to: 4 }, [{
      unit: 1,
      label: "1",
    }]),
  ];
  for (const c of charts) {
    assert.ok(c.html.includes("<svg"));
    assert.ok(width(c.html) <= 860);
  }
});

Deno.test("predictionCharts: two charts within the classic Notebook UI's output, every token's bar in them", () => {
  assert.ok(PREDICTION_CHART_WIDTH <= 740);
  // 51 tokens, as in notebook 10's passage.
  const words = Array.from({ length: 51 }, (_, t) => ["w" + t, "``", "''", "<eos>"][t % 4]);
  const predictions = words.map((word, t) => ({
    t,
    word,
    next: "x",
    pNext: 0.1,
    top: [{ word: "x", p: 0.2 }],
    bits: 3,
  }));
  const html = predictionCharts(predictions).html;
  const widths = [...html.matchAll(/<svg [^>]*width="(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(widths, [PREDICTION_CHART_WIDTH, PREDICTION_CHART_WIDTH]);
  const bars = (html.match(/<rect /g) ?? []).length;
  assert.equal(bars, 2 * 51, "one bar per token in each chart");
  assert.ok(html.includes(">open “</text>") && html.includes(">close ”</text>"), "the quotation marks named");
  assert.ok(html.includes("a bar that reaches its tick means the top guess was right"));
});

Deno.test("featureHistogram: the group where the feature holds always on top, on an axis to 100 %", () => {
  // Plot would order the panels by name: "elsewhere" before "on a determiner".
  const html = featureHistogram([0.9, 0.1, 0.2], [1, 0, 0], { yes: "on a determiner", no: "elsewhere", title: "h" })
    .html;
  // The rects of each panel, top panel first: the orange group (the feature holds) above the grey one.
  const rects = html.slice(html.indexOf('aria-label="rect"'));
  const panels = [...rects.matchAll(/<g transform="translate\(0,([\d.]+)\)">(.*?)<\/g>/g)]
    .map((m) => ({ y: Number(m[1]), fill: /fill="(#[0-9a-f]+)"/.exec(m[2])?.[1] }))
    .sort((p, q) => p.y - q.y);
  assert.deepEqual(panels.map((p) => p.fill), ["#e08214", "#8c8c8c"]);
  const yes = html.indexOf("on a determiner (1 tokens)"), no = html.indexOf("elsewhere (2)");
  assert.ok(yes >= 0 && no >= 0 && yes < no, "the legend lists the feature's group first");
  assert.ok(html.includes("% of the group's tokens"));
  assert.ok(html.includes(">100</text>"), "the axis reaches 100 %");
});

Deno.test("saturationChart counts each corner's units in a label beside that corner", () => {
  const s = { left: Float64Array.from([0.95, 0, 0.92, 0.3]), right: Float64Array.from([0, 0.95, 0, 0.3]) };
  const html = saturationChart("forget gate f", s, 100).html.replaceAll("&gt;", ">");
  assert.ok(html.includes("← 1 units open > 90 %"), "the open corner's label");
  assert.ok(html.includes("← 2 units") && html.includes("shut > 90 %"), "the shut corner's label");
});

Deno.test("gateGrid labels every panel: its gate above it, the tokens under it", () => {
  const grid = gateGrid({ f: values, i: values, o: values }, ["a", "``", "b", "<eos>"], { from: 0, to: 4 }, [{
    unit: 1,
    label: "1",
  }]).html;
  const count = (text: string) => grid.split(`>${text}</text>`).length - 1;
  for (const token of ["a", "open “", "b", "⏎"]) assert.equal(count(token), 3, `token ${token} under each of 3 panels`);
  assert.ok(!grid.includes(">unit</text>"), "no axis label beside one panel only; the subtitle says what a row is");
  for (const gate of ["forget gate f", "input gate i", "output gate o"]) assert.equal(count(gate), 1, gate);
});
