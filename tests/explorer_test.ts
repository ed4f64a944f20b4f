// lib/explorer/explorer.ts: the gate explorer runs the library's lstmStep in a real browser; moving a control
// changes the numbers on the page to what lstmStep gives in Deno. The committed bundle is up to date.
// The model explorer (the site's model-explorer.html, lib/explorer/model_explorer.ts) shows for a typed
// sentence what the nextword CLI and the library compute in Deno.
import assert from "node:assert/strict";
import { gateExplorer } from "@course/lib/explorer/explorer.ts";
import { lstmStep, runningExample } from "@course/lib";
import { launchBrowser, openPage, screenshots } from "../tools/_browser.ts";
import { bundle, writeExplorers } from "../tools/site/build_site.ts";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import { generateText, loadWordLM, readAlong, readPrompt } from "@course/lib/engine/wordlm.ts";
import { FOUND_UNITS, traceWords, wordLSTM } from "@course/lib/course/inside.ts";
import { courseModelDir } from "@course/lib/engine/course_model.ts";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = new URL("../", import.meta.url);

Deno.test("the committed bundle is what deno task bundle makes from lib/explorer/gate_explorer.ts", async () => {
  const out = await Deno.makeTempFile({ suffix: ".js" });
  await bundle("lib/explorer/gate_explorer.ts", out);
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
    const cPrevs = new Map<object, Float32Array>();
    const cPrevOf = (s: object) => cPrevs.get(s)!;
    const expected = (word: number, cPrev0: number, bf0: number, bi0?: number, bo2?: number) => {
      const e = runningExample();
      const cPrev = Float32Array.from(e.cPrev);
      cPrev[0] = cPrev0;
      const bf = Float32Array.from(e.params.bf),
        bi = Float32Array.from(e.params.bi),
        bo = Float32Array.from(e.params.bo);
      bf[0] = bf0;
      if (bi0 !== undefined) bi[0] = bi0;
      if (bo2 !== undefined) bo[2] = bo2;
      const x = new Float32Array(4);
      x[word] = 1;
      const s = lstmStep({ ...e.params, bf, bi, bo }, x, e.hPrev, cPrev);
      cPrevs.set(s, cPrev);
      return s;
    };
    const compare = async (s: ReturnType<typeof lstmStep>) => {
      // The diagram's gates are lit by unit 0's values.
      const lit = await page.$eval("[data-gate-explorer] [id$='-diagram']", (d) => ({
        forget: Number(d.getAttribute("data-forget")),
        output: Number(d.getAttribute("data-output")),
        opacity: Number(d.querySelector('g[data-part="forget"]')?.getAttribute("opacity")),
      }));
      assert.ok(Math.abs(lit.forget - s.f[0]) < 1e-3 && Math.abs(lit.output - s.o[0]) < 1e-3, JSON.stringify(lit));
      assert.ok(Math.abs(lit.opacity - (0.1 + 0.9 * s.f[0])) < 1e-3);
      const shown = await read();
      for (const key of ["f", "i", "cTilde", "o", "c", "h"] as const) {
        for (let k = 0; k < 3; k++) {
          assert.ok(
            Math.abs(shown[`${key}${k}`] - s[key][k]) <= 0.0005 + 1e-9,
            `${key}${k}: page ${shown[`${key}${k}`]}, lstmStep ${s[key][k]}`,
          );
        }
      }
      // The two parts of cₜ: what is kept and what is written.
      for (let k = 0; k < 3; k++) {
        assert.ok(Math.abs(shown[`kept${k}`] - s.f[k] * cPrevOf(s)[k]) <= 0.0005 + 1e-9, `kept${k}`);
        assert.ok(Math.abs(shown[`written${k}`] - s.i[k] * s.cTilde[k]) <= 0.0005 + 1e-9, `written${k}`);
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
    // The other biases: pick b_i, move unit 0's; pick b_o, move unit 2's.
    await page.click('[data-control="bias-bi"]');
    assert.ok(await page.$eval('[data-control="bi0"]', (e) => (e as HTMLElement).offsetParent !== null), "b_i shown");
    await page.$eval('[data-control="bi0"]', (el) => {
      (el as HTMLInputElement).value = "-2.5";
      el.dispatchEvent(new Event("input"));
    });
    await page.click('[data-control="bias-bo"]');
    await page.$eval('[data-control="bo2"]', (el) => {
      (el as HTMLInputElement).value = "1.75";
      el.dispatchEvent(new Event("input"));
    });
    await compare(expected(1, -1.2, 3.5, -2.5, 1.75));
    const verdict = () => page.$eval("[data-verdict]", (e) => e.getAttribute("data-verdict"));
    // Reset, then the page's "Try": reading Ravi, raise b_f[0] and lower b_i[0] until Vikram survives.
    await page.click('[data-control="reset"]');
    await compare(expected(0, 0.55, 2));
    assert.equal(await verdict(), "ravi");
    for (const [group, control, value] of [["bf", "bf0", "8"], ["bi", "bi0", "-8"]]) {
      await page.click(`[data-control="bias-${group}"]`);
      await page.$eval(`[data-control="${control}"]`, (el, v) => {
        (el as HTMLInputElement).value = v as string;
        el.dispatchEvent(new Event("input"));
      }, value);
    }
    await compare(expected(0, 0.55, 8, -8));
    assert.equal(await verdict(), "vikram");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

Deno.test("model explorer in Chromium: a typed sentence's top 5 are the CLI's (same words, p within 1e-4); each word's p, a cell's colour and continue are the library's", async () => {
  await initTfjs();
  const { model, vocabulary } = await loadWordLM(courseModelDir());
  const net = wordLSTM(model);
  const site = await Deno.makeTempDir({ prefix: "explorers-" });
  await writeExplorers(site);
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, 1100, 1000);
    await page.goto(pathToFileURL(join(site, "model-explorer.html")).href, { waitUntil: "load" });
    await page.waitForSelector("[data-model-explorer] [data-status=ready]", { timeout: 60_000 });
    assert.equal(await page.$eval("[data-status]", (e) => e.getAttribute("data-backend")), "wasm");

    // Type a sentence, as a learner does, and wait until the page has read all of it.
    const prompt = 'The president said, "We will';
    const tokens = readPrompt(vocabulary, prompt).tokens;
    await page.$eval("[data-control=text]", (t) => ((t as HTMLTextAreaElement).value = ""));
    await page.type("[data-control=text]", prompt);
    await page.waitForFunction(
      (n, last) => {
        const words = [...document.querySelectorAll("[data-token] [data-word]")];
        return words.length === n && words.at(-1)!.getAttribute("data-word") === last;
      },
      { timeout: 10_000 },
      tokens.length + 1,
      tokens.at(-1)!,
    );
    const shown = await page.$$eval("[data-token]", (boxes) =>
      boxes.map((b) => ({
        word: b.querySelector("[data-word]")!.getAttribute("data-word")!,
        p: b.querySelector("[data-p]")!.getAttribute("data-p")!,
        value: Number(b.querySelector("[data-word]")!.getAttribute("data-unit-value")),
        next: [...b.querySelectorAll("[data-next-word]")].map((w) => ({
          word: w.getAttribute("data-next-word")!,
          p: Number(w.getAttribute("data-next-p")),
        })),
      })));

    // The top 5 after the whole prompt: the nextword CLI's, run as a learner runs it.
    const cli = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-ffi",
        "tools/cli/nextword.ts",
        "predict",
        prompt,
        "--json",
      ],
      cwd: fileURLToPath(root),
      stdout: "piped",
      stderr: "null",
    }).output();
    assert.ok(cli.success);
    const expected = JSON.parse(new TextDecoder().decode(cli.stdout)) as { next: { word: string; p: number }[] };
    const last = shown.at(-1)!.next;
    assert.deepEqual(last.map((w) => w.word), expected.next.map((w) => w.word));
    last.forEach((w, k) =>
      assert.ok(Math.abs(w.p - expected.next[k].p) < 1e-4, `${w.word}: ${w.p} vs ${expected.next[k].p}`)
    );

    // Every word's probability and top 5, as readAlong computes them in Deno; the first found unit's tanh(c), as traceWords.
    const first = FOUND_UNITS[0].unit, other = FOUND_UNITS[2].unit;
    const along = readAlong(model, vocabulary, prompt);
    const trace = traceWords(net, along.prompt.ids);
    along.steps.forEach((s, t) => {
      assert.equal(shown[t].word, s.word);
      if (s.p !== null) assert.ok(Math.abs(Number(shown[t].p) - s.p) < 1e-4, `p(${s.word})`);
      assert.deepEqual(shown[t].next.map((w) => w.word), s.next.map((w) => w.word), `after ${s.word}`);
      assert.ok(Math.abs(shown[t].value - trace.tanhC[t][first]) < 1e-4, `unit ${first} after ${s.word}`);
    });

    // Another unit by number colours by its values; three heatmaps, one column per token.
    await page.$eval("[data-control=unit]", (e, unit) => {
      (e as HTMLInputElement).value = String(unit);
      e.dispatchEvent(new Event("input"));
    }, other);
    const valuesOther = await page.$$eval(
      "[data-token] [data-word]",
      (ws) => ws.map((w) => Number(w.getAttribute("data-unit-value"))),
    );
    valuesOther.forEach((v, t) => assert.ok(Math.abs(v - trace.tanhC[t][other]) < 1e-4, `unit ${other} at ${t}`));
    assert.equal(await page.$eval("[data-control=unit-select]", (e) => (e as HTMLSelectElement).value), String(other));
    assert.equal((await page.$$("canvas[data-heatmap]")).length, 3);
    assert.equal((await page.$$("canvas[data-unit-chart]")).length, 1, "the chosen unit's value and gates as lines");

    // Continue: greedy, then top-p with a seed, each the words generateText picks in Deno.
    // Continue runs after the click (the button is off meanwhile); wait until it has written.
    const clickContinue = async () => {
      const before = await page.$eval("[data-continued]", (e) => e.getAttribute("data-continued"));
      await page.click("[data-control=continue]");
      await page.waitForFunction(
        (b) => {
          const note = document.querySelector("[data-continued]")!;
          const button = document.querySelector("[data-control=continue]") as HTMLButtonElement;
          return !button.disabled && note.getAttribute("data-continued") !== b;
        },
        { timeout: 10_000 },
        before,
      );
    };
    await page.select("[data-control=rule]", "greedy");
    assert.ok(await page.$eval("[data-control=p]", (e) => (e as HTMLInputElement).disabled), "greedy reads no p");
    await page.$eval("[data-control=words]", (e) => ((e as HTMLInputElement).value = "6"));
    await clickContinue();
    const greedy = generateText(model, vocabulary, prompt, { words: 6, sampling: { kind: "greedy" } }).words;
    assert.equal(await page.$eval("[data-continued]", (e) => e.getAttribute("data-continued")), greedy.join(" "));
    const continued = await page.$eval("[data-control=text]", (t) => (t as HTMLTextAreaElement).value);
    assert.equal(continued, `${prompt} ${greedy.join(" ")}`);
    // The words the model wrote are marked; Undo brings the text back.
    assert.equal((await page.$$("[data-word][data-generated]")).length, 6);
    await page.click("[data-control=undo]");
    await page.waitForFunction(
      (p) => (document.querySelector("[data-control=text]") as HTMLTextAreaElement).value === p,
      {
        timeout: 5_000,
      },
      prompt,
    );
    await page.select("[data-control=rule]", "greedy");
    await clickContinue();
    await page.select("[data-control=rule]", "topP");
    await page.$eval("[data-control=seed]", (e) => ((e as HTMLInputElement).value = "7"));
    // Out-of-range boxes are brought within their limits, and the page says what it used.
    await page.$eval("[data-control=p]", (e) => ((e as HTMLInputElement).value = "1.5"));
    await clickContinue();
    assert.equal(await page.$eval("[data-control=p]", (e) => (e as HTMLInputElement).value), "1");
    const sampled = generateText(model, vocabulary, continued, {
      words: 6,
      sampling: { kind: "topP", p: 1, temperature: 1 },
      seed: 7,
    });
    assert.equal(
      await page.$eval("[data-continued]", (e) => e.getAttribute("data-continued")),
      sampled.words.join(" "),
    );

    // A word outside the vocabulary is named, not an error.
    await page.$eval("[data-control=text]", (t) => {
      (t as HTMLTextAreaElement).value = "the zyxwv said";
      t.dispatchEvent(new Event("input"));
    });
    await page.waitForFunction(() => document.body.textContent!.includes("read as <unk>: zyxwv"), { timeout: 10_000 });
    const shots = fileURLToPath(new URL("build/explorer-screenshots", root));
    await Deno.mkdir(shots, { recursive: true });
    await screenshots(page, shots, "model-explorer");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await Deno.remove(site, { recursive: true });
  }
});

Deno.test("gate explorer opens on the notebook's own gate: b_f by default, b_i for 05, b_o for 06", async () => {
  assert.throws(() => gateExplorer({ gate: "candidate" as "forget" }), {
    name: "RangeError",
    message: 'Cannot show the gate explorer: gate must be "forget", "input" or "output", got candidate',
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    for (const [gate, key] of [[undefined, "bf"], ["input", "bi"], ["output", "bo"]] as const) {
      await page.setContent(`<html><body>${gateExplorer(gate ? { gate } : {}).html}</body></html>`);
      const open = await page.$$eval(
        "[data-bias-group]",
        (groups) =>
          groups.filter((g) => (g as HTMLElement).style.display !== "none").map((g) =>
            g.getAttribute("data-bias-group")
          ),
      );
      const checked = await page.$eval("input[data-control^='bias-']:checked", (r) => r.getAttribute("value"));
      assert.deepEqual(open, [key]);
      assert.equal(checked, key);
    }
  } finally {
    await browser.close();
  }
});
