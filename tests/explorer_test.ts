// lib/explorer.ts: the gate explorer runs the library's lstmStep in a real browser; moving a control
// changes the numbers on the page to what lstmStep gives in Deno. The committed bundle is up to date.
import assert from "node:assert/strict";
import { gateExplorer } from "@course/lib/explorer.ts";
import { lstmStep, runningExample } from "@course/lib";
import { launchBrowser } from "../tools/_browser.ts";

const root = new URL("../", import.meta.url);

Deno.test("the committed bundle is what deno task bundle makes from lib/explorer/gate_explorer.ts", async () => {
  const out = await Deno.makeTempFile({ suffix: ".js" });
  const { success } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--platform",
      "browser",
      "--format",
      "iife",
      "--minify",
      "-o",
      out,
      "lib/explorer/gate_explorer.ts",
    ],
    cwd: root,
    stdout: "null",
    stderr: "null",
  }).output();
  assert.ok(success);
  const committed = await Deno.readTextFile(new URL("lib/explorer/gate_explorer.bundle.js", root));
  assert.equal(await Deno.readTextFile(out), committed, "run deno task bundle and commit the result");
});

Deno.test("gate explorer in Chromium: the page's numbers are lstmStep's, before and after moving the controls", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.setContent(`<html><body>${gateExplorer().html}</body></html>`);
    const read = () =>
      page.$$eval(
        "[data-value]",
        (cells) => Object.fromEntries(cells.map((c) => [c.getAttribute("data-value"), Number(c.textContent)])),
      );
    const expected = (word: number, cPrev0: number, bf0: number) => {
      const e = runningExample();
      const cPrev = Float32Array.from(e.cPrev);
      cPrev[0] = cPrev0;
      const bf = Float32Array.from(e.params.bf);
      bf[0] = bf0;
      const x = new Float32Array(4);
      x[word] = 1;
      return lstmStep({ ...e.params, bf }, x, e.hPrev, cPrev);
    };
    const compare = async (s: ReturnType<typeof lstmStep>) => {
      // The diagram's gates are lit by their mean value over the three units.
      const lit = await page.$eval("[data-gate-explorer] [id$='-diagram']", (d) => ({
        forget: Number(d.getAttribute("data-forget")),
        output: Number(d.getAttribute("data-output")),
        opacity: Number(d.querySelector('g[data-part="forget"]')?.getAttribute("opacity")),
      }));
      const meanF = (s.f[0] + s.f[1] + s.f[2]) / 3, meanO = (s.o[0] + s.o[1] + s.o[2]) / 3;
      assert.ok(Math.abs(lit.forget - meanF) < 1e-3 && Math.abs(lit.output - meanO) < 1e-3, JSON.stringify(lit));
      assert.ok(Math.abs(lit.opacity - (0.15 + 0.85 * meanF)) < 1e-3);
      const shown = await read();
      for (const key of ["f", "i", "cTilde", "o", "c", "h"] as const) {
        for (let k = 0; k < 3; k++) {
          assert.ok(
            Math.abs(shown[`${key}${k}`] - s[key][k]) <= 0.0005 + 1e-9,
            `${key}${k}: page ${shown[`${key}${k}`]}, lstmStep ${s[key][k]}`,
          );
        }
      }
    };
    await compare(expected(0, 0.55, 2)); // the running example: reading "Ravi"
    // Move cPrev[0] to -1.2 and b_f[0] to 3.5, and read "he" instead.
    for (const [control, value] of [["cPrev0", "-1.2"], ["bf0", "3.5"]]) {
      await page.$eval(`[data-control="${control}"]`, (el, v) => {
        (el as HTMLInputElement).value = v as string;
        el.dispatchEvent(new Event("input"));
      }, value);
    }
    await page.click('[data-control="word-he"]');
    await compare(expected(1, -1.2, 3.5));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
