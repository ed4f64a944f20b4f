// tools/site/_site.ts: the website's pages and the checks run on them in Chromium (tools/site/check_site.ts).
import assert from "node:assert/strict";
import {
  checkRenderedIndex,
  checkRenderedPage,
  explorerPage,
  EXPLORERS,
  indexPage,
  navBar,
  type PageInfo,
  pageInfo,
  sitePage,
} from "../tools/site/_site.ts";
import type { Notebook } from "../tools/notebooks/_notebook.ts";

const notebook: Notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    {
      cell_type: "markdown",
      metadata: {},
      source: "# 02 · Two states\n\n*LSTM course, notebook 2 of 10.*\n\nRead this:\n\n> a quote\n\n" +
        "An LSTM keeps **two** states, the `c` and the `h`, and [four gates](https://example.org) that act on them.",
    },
    {
      cell_type: "code",
      metadata: { tags: ["chart"] },
      source: "plot()",
      outputs: [{
        output_type: "display_data",
        data: { "text/html": ["<figure><svg a>", "</svg><svg>x</svg></figure>"] },
      }],
    },
  ],
};

Deno.test("pageInfo: title, a summary of real prose, the svgs the outputs hold", () => {
  const info = pageInfo("02-two.ipynb", notebook, 1.5);
  assert.equal(info.file, "02-two.html");
  assert.equal(info.title, "02 · Two states");
  assert.equal(info.summary, "An LSTM keeps two states, the c and the h, and four gates that act on them.");
  assert.equal(info.svgs, 2);
  assert.equal(info.chartCells, 1);
});

const pages: PageInfo[] = [
  { file: "01-a.html", notebook: "01-a.ipynb", title: "01 · A", summary: "s", svgs: 1, chartCells: 1, seconds: 1 },
  { file: "02-b.html", notebook: "02-b.ipynb", title: "02 · B <x>", summary: "t", svgs: 0, chartCells: 0, seconds: 12 },
];

Deno.test("sitePage: no scripts into the builder's file system, links between notebooks, navigation, title", () => {
  const html = `<html><head><title>01-a</title>
<script src="file:///usr/share/javascript/requirejs/require.min.js"></script>
<script type="text/x-mathjax-config">MathJax.Hub.Config({});</script>
<script src="file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"></script>
</head><body class="jp-Notebook"><a href="02-b.ipynb">next</a> <a href="02a-b-checks.ipynb">appendix</a></body></html>`;
  const page = sitePage(html, pages, 0);
  assert.ok(!page.includes("file:///"), page);
  assert.ok(!page.includes("MathJax"));
  assert.match(page, /<a href="02-b.html">next<\/a>/);
  assert.match(page, /<a href="02a-b-checks.html">appendix<\/a>/);
  assert.match(page, /<title>01 · A · LSTM course<\/title>/);
  assert.equal(page.match(/<nav class="course-nav"/g)?.length, 2);
  assert.match(page, /white-space: pre-wrap.*<\/style>\n<\/head>/);
  assert.match(navBar(pages, 0), /the start of the course.*href="02-b.html">→ 02 · B &lt;x&gt;/);
  assert.match(navBar(pages, 1), /href="01-a.html">← 01 · A.*the end of the course/);
});

Deno.test("indexPage: every page in the contents, escaped", () => {
  const html = indexPage(pages, "today");
  assert.match(html, /href="01-a.html"/);
  assert.match(html, /02 · B &lt;x&gt;/);
  assert.match(html, /runs in 1.0 s/);
  assert.match(html, /runs in 12 s/);
});

Deno.test("checkRenderedPage: errors, missing charts, charts without size, marks or path data", () => {
  const good = { width: 300, height: 200, marks: 12, paths: 3, emptyPaths: 0 };
  assert.deepEqual(checkRenderedPage(pages[0], { svgs: [good], links: [], errors: [] }), []);
  assert.deepEqual(
    checkRenderedPage(pages[0], {
      svgs: [{ ...good, paths: 2, emptyPaths: 2 }, { ...good, width: 0 }],
      links: [],
      errors: [{ kind: "exception", text: "ReferenceError: x\n  at y" }],
    }),
    [
      "exception error: ReferenceError: x",
      "2 svg(s) rendered, expected 1 (from the notebook's outputs)",
      "svg 1 of 2 has 2 paths, all without data",
      "svg 2 of 2 has no size on the page (0 × 200)",
    ],
  );
  assert.deepEqual(checkRenderedPage(pages[0], { svgs: [], links: [], errors: [] }), [
    "0 svg(s) rendered, expected 1 (from the notebook's outputs)",
    "0 svg(s) rendered for 1 chart cells",
  ]);
});

Deno.test("checkRenderedIndex: the contents link to every page and explorable, and to nothing else", () => {
  const explorers = EXPLORERS.map((e) => e.file);
  assert.deepEqual(
    checkRenderedIndex(pages, { svgs: [], links: ["01-a.html", "02-b.html", ...explorers], errors: [] }, EXPLORERS),
    [],
  );
  assert.deepEqual(checkRenderedIndex(pages, { svgs: [], links: ["01-a.html", "03-c.html"], errors: [] }, EXPLORERS), [
    "the contents do not link to 02-b.html",
    ...explorers.map((f) => `the contents do not link to ${f}`),
    "the contents link to 03-c.html, which is not a page",
  ]);
});

Deno.test("the index lists the explorable pages; an explorable page has the site's navigation and its scripts", () => {
  const index = indexPage(pages, "now");
  for (const e of EXPLORERS) assert.ok(index.includes(`<a href="${e.file}">`), e.file);
  const page = explorerPage(EXPLORERS[1], "<p>intro</p>", "<div data-model-explorer></div>", ["a.js", "b.js"]);
  assert.match(page, /<a href="index.html"><b>LSTM course<\/b> · contents<\/a>/);
  assert.match(page, /<a href="gate-explorer.html">The gate explorer<\/a><span>The model explorer<\/span>/);
  assert.match(page, /<script src="a.js"><\/script>\n<script src="b.js"><\/script>/);
});
