/**
 * The course website's pages, as pure functions over strings (tested in tests/site_test.ts):
 * what `tools/site/build_site.ts` does to nbconvert's HTML, and the index page it writes.
 *
 * @module
 */

import { type Notebook, outputSvgs, sourceOf, tagsOf } from "../notebooks/_notebook.ts";

/** What the site knows about one notebook page. */
export interface PageInfo {
  /** File name of the page, e.g. `03-pointwise-operations.html`. */
  file: string;
  /** The notebook it was made from, e.g. `03-pointwise-operations.ipynb`. */
  notebook: string;
  /** The notebook's title: its first heading, without the `#`. */
  title: string;
  /** The first paragraph of prose after the title and the italic course line, as plain text. */
  summary: string;
  /** How many `<svg>` the page's outputs hold (charts, legends, diagrams). */
  svgs: number;
  /** How many cells are tagged `chart` (each must show at least one svg). */
  chartCells: number;
  /** Seconds the notebook took to run, top to bottom. */
  seconds: number;
}

/** Reads a page's facts from its executed notebook. */
export function pageInfo(notebookFile: string, executed: Notebook, seconds: number): PageInfo {
  const markdown = executed.cells.filter((c) => c.cell_type === "markdown").map(sourceOf);
  const first = markdown[0] ?? "";
  const title = /^#\s+(.+)$/m.exec(first)?.[1].trim() ?? notebookFile.replace(/\.ipynb$/, "");
  // The first paragraph of prose long enough to say something (at least 80 characters, not ending in a
  // colon that introduces what follows): not the heading, not the italic "LSTM course, notebook N of 10"
  // line, not a quotation, list, table or code block.
  const paragraphs = first.split(/\n\s*\n/).map((p) => p.trim()).filter((p) =>
    p !== "" && !/^(#|>|- |\d+\. |\||```)/.test(p) && !/^\*[^*].*\*$/.test(p)
  );
  const summary = plainText(paragraphs.find((p) => p.length >= 80 && !p.endsWith(":")) ?? paragraphs[0] ?? "");
  const chartCells = executed.cells.filter((c) => c.cell_type === "code" && tagsOf(c).includes("chart")).length;
  const svgs = outputSvgs(executed);
  return {
    file: notebookFile.replace(/\.ipynb$/, ".html"),
    notebook: notebookFile,
    title,
    summary,
    svgs,
    chartCells,
    seconds,
  };
}

/** Markdown to plain text, enough for a summary line: links keep their text, emphasis and code marks go. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/\*([^*]+)\*/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const NAV_STYLE = "font: 14px/1.5 system-ui, sans-serif; display: flex; gap: 18px; align-items: baseline; " +
  "padding: 10px 24px; background: #f4f6fa; border-bottom: 1px solid #dde3ee; flex-wrap: wrap;";

const WRAP_CODE = "<style>.jp-InputArea-editor pre, .jp-OutputArea-output pre " +
  "{ white-space: pre-wrap; overflow-wrap: anywhere; }</style>";

/** The bar at the top and bottom of every notebook page: back to the contents, previous and next. */
export function navBar(pages: readonly PageInfo[], index: number): string {
  const link = (p: PageInfo | undefined, label: string) =>
    p
      ? `<a href="${p.file}">${label} ${escape(p.title)}</a>`
      : `<span style="color:#999">${label} ${
        label === "←" ? "the start of the course" : "the end of the course"
      }</span>`;
  return `<nav class="course-nav" style="${NAV_STYLE}"><a href="index.html"><b>LSTM course</b> · contents</a>` +
    `${link(pages[index - 1], "←")}${link(pages[index + 1], "→")}</nav>`;
}

/**
 * nbconvert's HTML made fit for the site:
 * - the scripts nbconvert links (MathJax and require.js, from `file:///usr/share/javascript` on Debian) are
 *   removed: no notebook uses TeX, every output is static HTML, and a site must not point into the
 *   builder's file system;
 * - links to `NN-name.ipynb` point to `NN-name.html`, and an appendix's `NNa-name.ipynb` to `NNa-name.html`;
 * - a navigation bar goes at the top and the bottom, and the page gets the notebook's title;
 * - long code lines wrap instead of running off the right edge (a notebook page is read, not edited);
 * - given the notebook's code `cells`, the page gets "Run it here" ({@linkcode runnerTags}).
 */
export function sitePage(
  html: string,
  pages: readonly PageInfo[],
  index: number,
  cells?: readonly { index: number; source: string }[],
): string {
  const nav = navBar(pages, index);
  const page = html
    .replace(/<script\b[^>]*\bsrc="[^"]*(?:mathjax|require)[^"]*"[^>]*>\s*<\/script>/gi, "")
    .replace(/<script type="text\/x-mathjax-config">[\s\S]*?<\/script>/gi, "")
    .replace(/<title>[\s\S]*?<\/title>/, `<title>${escape(pages[index].title)} · LSTM course</title>`)
    .replace(/href="(\.\/)?(\d\d[a-z]?-[\w-]+)\.ipynb"/g, 'href="$2.html"')
    .replace(/<\/head>/, `${WRAP_CODE}\n</head>`)
    .replace(/<body([^>]*)>/, `<body$1>\n${nav}`)
    .replace(/<\/body>/, `${nav}\n</body>`);
  return cells ? page.replace(/<\/body>/, () => `${runnerTags(cells)}\n</body>`) : page;
}

/**
 * What a notebook page needs for "Run it here" (`tools/site/runner/page.ts`): its code cells' sources, by
 * notebook index in page order (JSON, `<` escaped so no source can close the script), and the runner's page
 * script, which `tools/site/build_site.ts` writes to `runner/page.js`.
 */
export function runnerTags(cells: readonly { index: number; source: string }[]): string {
  const json = JSON.stringify(cells).replace(/</g, "\\u003c");
  return `<script type="application/json" id="course-cells">${json}</script>\n` +
    `<script src="runner/page.js" defer></script>`;
}

/** The site's front page: what the course is, and the table of contents with a line on each notebook. */
export function indexPage(pages: readonly PageInfo[], builtAt: string): string {
  const items = pages.map((p) =>
    `<li><a href="${p.file}">${escape(p.title)}</a><p>${escape(p.summary)}</p>` +
    `<p class="meta">${p.chartCells} chart${p.chartCells === 1 ? "" : "s"} · runs in ${
      p.seconds < 10 ? p.seconds.toFixed(1) : p.seconds.toFixed(0)
    } s · <code>notebooks/${escape(p.notebook)}</code></p></li>`
  ).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LSTM course · contents</title>
<style>
  body { font: 16px/1.6 Georgia, serif; max-width: 860px; margin: 0 auto; padding: 24px; color: #222; }
  h1 { font: 600 30px/1.3 system-ui, sans-serif; margin-bottom: 4px; }
  h2 { font: 600 22px/1.3 system-ui, sans-serif; margin: 28px 0 0; }
  .lead { color: #444; }
  ol { padding-left: 0; list-style: none; }
  li { margin: 18px 0; padding: 12px 16px; border: 1px solid #dde3ee; border-radius: 8px; background: #fafbfd; }
  li > a { font: 600 18px/1.4 system-ui, sans-serif; text-decoration: none; color: #1f4fa0; }
  li p { margin: 6px 0 0; }
  .meta { font: 13px/1.4 system-ui, sans-serif; color: #666; }
  footer { font: 13px/1.4 system-ui, sans-serif; color: #666; margin-top: 30px; }
</style>
</head>
<body>
<h1>LSTM networks, hands on</h1>
<p class="lead">A course in ${pages.length} notebooks: what an LSTM keeps in its two states, how each gate works,
a next-word predictor trained on the Brown corpus, how to make it better, and what it remembers inside.
Every page below is a notebook executed top to bottom with the Deno kernel; every number and chart on it was
computed when the site was built. <strong>To run them yourself with nothing to install</strong>, open a notebook and
press <em>Run it here</em> in the bar at its top: every code cell becomes an editor you can change and run in your
browser (Shift+Enter runs a cell, <em>Run all</em> runs them in order, <em>Stop</em> restarts). To run them in Jupyter
instead, open <code>notebooks/</code> with the course's Deno kernel (see the README).</p>
<ol>
${items}
</ol>
<h2>Explorables</h2>
<p class="lead">Two pages where you move things and the library computes, in your browser:</p>
<ol>
${EXPLORERS.map((e) => `<li><a href="${e.file}">${escape(e.title)}</a><p>${escape(e.summary)}</p></li>`).join("\n")}
</ol>
<footer>Built ${escape(builtAt)} by <code>deno task build</code>.</footer>
</body>
</html>
`;
}

/** What `tools/site/check_site.ts` reads from a rendered page. */
export interface RenderedPage {
  /** Every `<svg>` inside a notebook output (nested svgs not counted apart), with its size and content. */
  svgs: { width: number; height: number; marks: number; paths: number; emptyPaths: number }[];
  /** The `href` of every link in the page. */
  links: string[];
  /** Errors the page reported while loading. */
  errors: { kind: string; text: string }[];
}

/**
 * The problems with a rendered notebook page, one sentence each (empty when it is fine): errors it
 * logged, charts missing (fewer svgs than its outputs hold), and charts empty (no size, no marks,
 * or only paths without data, which is what nbconvert's sanitizer leaves of a bare SVG output).
 */
export function checkRenderedPage(page: PageInfo, rendered: RenderedPage): string[] {
  const problems = rendered.errors.map((e) => `${e.kind} error: ${e.text.split("\n")[0]}`);
  if (rendered.svgs.length !== page.svgs) {
    problems.push(`${rendered.svgs.length} svg(s) rendered, expected ${page.svgs} (from the notebook's outputs)`);
  }
  if (rendered.svgs.length < page.chartCells) {
    problems.push(`${rendered.svgs.length} svg(s) rendered for ${page.chartCells} chart cells`);
  }
  rendered.svgs.forEach((s, k) => {
    const what = `svg ${k + 1} of ${rendered.svgs.length}`;
    if (!(s.width > 0 && s.height > 0)) problems.push(`${what} has no size on the page (${s.width} × ${s.height})`);
    else if (s.marks === 0) problems.push(`${what} is empty: nothing drawn in it`);
    else if (s.paths > 0 && s.emptyPaths === s.paths) problems.push(`${what} has ${s.paths} paths, all without data`);
  });
  return problems;
}

/**
 * The problems with the rendered index: errors, and a table of contents that misses a page or an
 * explorable page (`explorers`, what the build wrote in `explorers.json`) or links nowhere.
 */
export function checkRenderedIndex(
  pages: readonly PageInfo[],
  rendered: RenderedPage,
  explorers: readonly ExplorerInfo[] = [],
): string[] {
  const problems = rendered.errors.map((e) => `${e.kind} error: ${e.text.split("\n")[0]}`);
  const files = new Set(pages.map((p) => p.file));
  for (const p of pages) if (!rendered.links.includes(p.file)) problems.push(`the contents do not link to ${p.file}`);
  for (const e of explorers) {
    if (!rendered.links.includes(e.file)) problems.push(`the contents do not link to ${e.file}`);
  }
  for (const href of rendered.links) {
    if (href.endsWith(".html") && !files.has(href) && !explorers.some((e) => e.file === href)) {
      problems.push(`the contents link to ${href}, which is not a page`);
    }
  }
  return problems;
}

/** An explorable page of the site: not a notebook, a page whose script runs the library in the browser. */
export interface ExplorerInfo {
  file: string;
  title: string;
  summary: string;
  /** What the page's script sets when it has finished starting: a CSS selector `tools/site/check_site.ts` waits for. */
  ready: string;
}

/** The site's explorable pages, written by `tools/site/build_site.ts` beside the notebooks' pages. */
export const EXPLORERS: readonly ExplorerInfo[] = [
  {
    file: "gate-explorer.html",
    title: "The gate explorer: one LSTM step you can move",
    summary: "The running example's cell (H = 3, X = 4) from notebooks 02–06: choose the word read, move " +
      "hₜ₋₁, cₜ₋₁ and the gates' biases, and watch the six equations and the cell's diagram follow, " +
      "computed by the library's own lstmStep. Best after notebook 04.",
    ready: "[data-gate-explorer] [data-value]",
  },
  {
    file: "model-explorer.html",
    title: "The model explorer: type a sentence, watch the course's best model read it",
    summary: "The model of notebooks 08–10 running in your browser: its probability for each word you type and its " +
      "five guesses for the next, the text coloured by any cell (the quotation cell of notebook 10 and the others " +
      "by name), its forget, input and output gates over the sentence, and a button that continues the text. Best " +
      "after notebook 10.",
    ready: "[data-model-explorer] [data-status=ready]",
  },
];

/**
 * An explorable page: the site's navigation, a title, the lesson's framing in `intro` (HTML), the
 * explorer's `body` (HTML, with its inline script or its `scripts` loaded after it, in order).
 */
export function explorerPage(
  explorer: ExplorerInfo,
  intro: string,
  body: string,
  scripts: readonly string[] = [],
): string {
  const nav = `<nav class="course-nav" style="${NAV_STYLE}"><a href="index.html"><b>LSTM course</b> · contents</a>` +
    EXPLORERS.map((e) =>
      e.file === explorer.file
        ? `<span>${escape(e.title.split(":")[0])}</span>`
        : `<a href="${e.file}">${escape(e.title.split(":")[0])}</a>`
    ).join("") + `</nav>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(explorer.title)} · LSTM course</title>
<style>
  body { margin: 0; color: #222; }
  main { font: 16px/1.6 Georgia, serif; max-width: 980px; margin: 0 auto; padding: 8px 24px 40px; }
  h1 { font: 600 26px/1.3 system-ui, sans-serif; }
</style>
</head>
<body>
${nav}
<main>
<h1>${escape(explorer.title)}</h1>
${intro}
${body}
</main>
${scripts.map((src) => `<script src="${src}"></script>`).join("\n")}
</body>
</html>
`;
}

/**
 * The links of a page of the site that lead nowhere: a relative link, stylesheet or image whose file
 * is not in `site`, an anchor (`#id`) that is not on the page (`ids`), or a `file:` URL (a path on
 * the builder's machine). Links to other hosts are not followed (the check runs offline).
 */
export async function deadLinks(site: string, page: string, links: readonly string[], ids: ReadonlySet<string>) {
  const dead: string[] = [];
  const base = new URL(`file:///site/${page}`);
  for (const href of new Set(links)) {
    if (href === "" || href === "#") continue;
    if (href.startsWith("#")) {
      // As browsers look a fragment up: as written, then percent-decoded (HTML, "indicated part").
      const raw = href.slice(1);
      if (!ids.has(raw) && !ids.has(safeDecode(raw))) dead.push(href);
      continue;
    }
    if (/^file:/i.test(href)) {
      dead.push(href);
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) continue; // http:, https:, mailto:, data:
    const url = new URL(href, base);
    const path = safeDecode(url.pathname).replace(/^\/site\//, "");
    if (path.startsWith("/") || !await Deno.stat(`${site}/${path}`).then((s) => s.isFile, () => false)) dead.push(href);
  }
  return dead;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
