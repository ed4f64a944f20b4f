// lib/inside_charts.ts: notebook 10's pictures draw what they are given, within the page's width.
import assert from "node:assert/strict";
import {
  correlationStrip,
  featureHistogram,
  gateGrid,
  positionChart,
  predictionCharts,
  saturationChart,
  searchTable,
  tokenLabel,
} from "@course/lib/inside_charts.ts";
import { searchUnits } from "@course/lib/inside.ts";

const values = [[0, 1], [1, 0], [0, 1], [1, 0.5]].map((r) => Float32Array.from(r)); // [T=4][H=2]
const feature = Float64Array.from([0, 1, 0, 1]);
const found = [{
  name: "odd",
  ...searchUnits({ search: feature, evidence: feature }, { search: values, evidence: values, controls: [values] }),
}];
const width = (html: string) => Number(/<svg[^>]*width="(\d+)"/.exec(html)?.[1]);

Deno.test("tokenLabel writes quotes and <eos> as a reader sees them", () => {
  assert.deepEqual(["``", "''", "<eos>", "the"].map(tokenLabel), ["“", "”", "⏎", "the"]);
});

Deno.test("the search's table and strip: the picked unit named, the controls beside it", () => {
  const t = searchTable(found);
  assert.ok(JSON.stringify(t).includes("odd"));
  const strip = correlationStrip(found, ["control"]).html;
  assert.ok(strip.includes("unit 0") && strip.includes("odd · control"));
  assert.ok(width(strip) <= 860);
});

Deno.test("positionChart, featureHistogram, saturationChart, gateGrid, predictionCharts draw an <svg>", () => {
  const units = [{ name: "a", values: Float32Array.from({ length: 40 }, (_, t) => t % 2) }];
  const charts = [
    positionChart(units, Float64Array.from({ length: 40 }, (_, t) => t % 2), "p"),
    featureHistogram([0.1, 0.9, -0.2], [0, 1, 0], { yes: "in", no: "out", title: "h" }),
    saturationChart("forget gate f", { left: Float64Array.from([0.95, 0]), right: Float64Array.from([0, 0.95]) }, 100),
    gateGrid({ f: values, i: values, o: values }, ["a", "``", "b", "<eos>"], { from: 0, to: 4 }, [{
      unit: 1,
      label: "1",
    }]),
    predictionCharts([{ t: 0, word: "the", next: "cat", pNext: 0.1, top: [{ word: "dog", p: 0.2 }], bits: 3 }]),
  ];
  for (const c of charts) {
    assert.ok(c.html.includes("<svg"));
    assert.ok(width(c.html) <= 860);
  }
  assert.ok(
    charts[2].html.includes("1 units open on &gt; 90 % of tokens") ||
      charts[2].html.includes("1 units open on > 90 % of tokens"),
  );
});
