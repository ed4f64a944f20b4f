// tools/site/check_site.ts in headless Chromium (puppeteer-core): a good page passes, and a broken site
// fails on each fault it must catch: a console error, an exception, a missing chart, an empty
// chart, a chart without a size, a dead link, a missing image, an index that misses a page.
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deadLinks } from "../tools/site/_site.ts";
import { countTopLevelSvgs } from "../tools/notebooks/_notebook.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

const chart = '<svg width="100" height="50"><path d="M0,0L100,50"></path></svg>';
const page = (body: string) =>
  `<!DOCTYPE html><html><head><title>t</title></head><body><h1 id="top">t</h1>${body}</body></html>`;
const output = (html: string) => `<div class="jp-OutputArea-output">${html}</div>`;

async function site(files: Record<string, string>, pages: { file: string; svgs: number }[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "course-site-" });
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, name), text);
  const info = pages.map((p) => ({
    ...p,
    notebook: p.file.replace(/\.html$/, ".ipynb"),
    title: p.file,
    summary: "",
    chartCells: p.svgs,
    seconds: 1,
  }));
  await Deno.writeTextFile(join(dir, "pages.json"), JSON.stringify(info));
  return dir;
}

async function check(dir: string): Promise<{ code: number; out: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      join(ROOT, "tools", "site", "check_site.ts"),
      "--site",
      dir,
      "--shots",
      join(dir, "shots"),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, out: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr) };
}

Deno.test("check_site passes a good site, with an explorable page that starts", async () => {
  const dir = await site({
    "index.html": page('<a href="a.html">a</a> <a href="e.html">e</a>'),
    "a.html": page(output(chart) + '<a href="#top">up</a> <a href="index.html">contents</a>'),
    "e.html": page('<div id="x"></div><script src="e.js"></script>'),
    "e.js": "setTimeout(() => document.getElementById('x').setAttribute('data-ready', ''), 200);",
    "explorers.json": JSON.stringify([{ file: "e.html", title: "e", summary: "", ready: "#x[data-ready]" }]),
  }, [{ file: "a.html", svgs: 1 }]);
  try {
    const { code, out } = await check(dir);
    assert.equal(code, 0, out);
    assert.match(out, /3 passed, 0 failed/);
    assert.match(out, /ok {4}e\.html {2}explorable, started/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check_site fails a broken site on each fault", async () => {
  const dir = await site({
    "index.html": page('<a href="a.html">a</a> <a href="gone.html">gone</a>'),
    "a.html": page(
      output(chart) + "<script>console.error('boom')</script>" +
        '<a href="nowhere.html">x</a> <a href="#no-such-heading">y</a> <img src="missing.png">',
    ),
    "b.html": page(output('<svg width="0" height="0"><path d="M0,0L1,1"></path></svg>') + "<script>null.x</script>"),
    "c.html": page(
      output('<svg width="100" height="50"></svg>') + output('<svg width="9" height="9"><path d=""></path></svg>'),
    ),
    "d.html": page("<p>the chart went missing</p>"),
  }, [{ file: "a.html", svgs: 1 }, { file: "b.html", svgs: 1 }, { file: "c.html", svgs: 2 }, {
    file: "d.html",
    svgs: 1,
  }]);
  try {
    const { code, out } = await check(dir);
    assert.equal(code, 1, out);
    assert.match(out, /0 passed, 5 failed/);
    for (
      const expected of [
        /contents link to gone\.html, which is not a page/,
        /the contents do not link to b\.html/,
        /console error: boom/,
        /dead link: nowhere\.html/,
        /dead link: #no-such-heading/,
        /missing\.png/,
        /exception error: .*null/i,
        /svg 1 of 1 has no size/,
        /svg 1 of 2 is empty/,
        /svg 2 of 2 has 1 paths, all without data/,
        /0 svg\(s\) rendered, expected 1/,
      ]
    ) assert.match(out, expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deadLinks: files, anchors as written or percent-decoded, file: URLs; other hosts not followed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "a.html"), "");
    const ids = new Set(["05-%C2%B7-Gate", "plain", "caf\u00e9"]);
    const links = [
      "a.html",
      "a.html#x",
      "b.html",
      "#plain",
      "#05-%C2%B7-Gate",
      "#caf%C3%A9",
      "#gone",
      "file:///x",
      "https://x.org/y",
      "",
    ];
    assert.deepEqual(await deadLinks(dir, "a.html", links, ids), ["b.html", "#gone", "file:///x"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("countTopLevelSvgs: nested and self-closing svgs", () => {
  assert.equal(countTopLevelSvgs("<figure><svg a><svg inner></svg></svg><svg/><p>svg</p></figure>"), 2);
  assert.equal(countTopLevelSvgs("no charts"), 0);
});
