// lib/core/running_example.ts: the hand-chosen cell of notebooks 02–06, and every number their text states.
import assert from "node:assert/strict";
import { EXAMPLE_COLUMNS, lstmStep, oneHot, runningExample, sigmoid, weightGrid } from "@course/lib";

/** Numbers the notebooks write to 2 or 3 decimals: within half of the last digit. */
const near = (a: number, b: number, digits: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 0.5 * 10 ** -digits + 1e-9, `${what}: ${a} vs ${b} (to ${digits} decimals)`);

Deno.test("runningExample: H = 3, X = 4, the states and input the notebooks name, a fresh copy each time", () => {
  const e = runningExample();
  assert.deepEqual([e.H, e.X, e.params.Wf.rows, e.params.Wf.cols], [3, 4, 3, 7]);
  assert.deepEqual([...e.hPrev].map((v) => +v.toFixed(2)), [0.1, 0.3, 0.9]);
  assert.deepEqual([...e.cPrev].map((v) => +v.toFixed(2)), [0.55, 0.6, 1.5]);
  assert.deepEqual([...e.x], [1, 0, 0, 0]);
  // The states fit each other: h = o ⊗ tanh(c) for some o in (0, 1) needs |h| ≤ |tanh(c)|.
  e.hPrev.forEach((h, k) => assert.ok(Math.abs(h) <= Math.abs(Math.tanh(e.cPrev[k])), `unit ${k}`));
  // Notebook 06 writes |tanh(cₜ₋₁)| = [0.50 0.54 0.91].
  assert.deepEqual([...e.cPrev].map((c) => Math.tanh(c).toFixed(2)), ["0.50", "0.54", "0.91"]);
  e.params.Wf.data[0] = 99;
  assert.equal(runningExample().params.Wf.data[0], 0);
  assert.deepEqual(EXAMPLE_COLUMNS, ["h₀", "h₁", "h₂", "Ravi", "he", "the", "asked"]);
});

Deno.test("the step notebooks 02–06 walk through: Vikram wiped, Ravi written, half of it shown", () => {
  const e = runningExample();
  const s = lstmStep(e.params, e.x, e.hPrev, e.cPrev);
  const expect = {
    f: [0.119, 0.119, 0.870],
    i: [0.881, 0.119, 0.574],
    cTilde: [-0.964, 0, 0.100],
    o: [0.5, 0.731, 0.289],
    c: [-0.784, 0.072, 1.362],
    tanhC: [-0.655, 0.071, 0.877],
    h: [-0.327, 0.052, 0.253],
  } as const;
  for (const [k, values] of Object.entries(expect)) {
    values.forEach((v, u) => near(s[k as keyof typeof expect][u], v, 3, `${k}[${u}]`));
  }
  near(s.f[0], sigmoid([-2])[0], 6, "f₀ = σ(−4 + 2)");
  near(s.i[0], sigmoid([2])[0], 6, "i₀ = σ(4 − 2)");
  near(s.cTilde[0], Math.tanh(-2), 6, "c̃₀ = tanh(−2)");
  near(s.f[2], sigmoid([1.9])[0], 6, "f₂ = σ(0.9 + 1)");
  near(s.f[0] * e.cPrev[0], 0.07, 2, "what is left of Vikram");
  near(s.i[0] * s.cTilde[0], -0.85, 2, "what is written of Ravi");
  near(s.o[2], sigmoid([-0.9])[0], 6, "o₂ = σ(−0.9)");
  // On the next word, "he", the hero's output gate opens to σ(2).
  const next = lstmStep(e.params, oneHot(1, 4), s.h, s.c);
  near(next.o[0], sigmoid([2])[0], 6, "o₀ on 'he'");
  near(next.f[0], sigmoid([2])[0], 6, "f₀ on 'he': Ravi is kept");
});

Deno.test("weightGrid: the 21 weights of W_f, labelled; anything but [3, 7] is refused", () => {
  const html = weightGrid(runningExample().params.Wf, "W_f").html;
  assert.ok(html.includes("<svg") && html.includes("asked") && html.includes("unit 0: who the story is about"));
  assert.throws(
    () => weightGrid({ rows: 2, cols: 7, data: new Float32Array(14) }, "x"),
    /got a \[2, 7\] matrix, expected \[3, 7\]/,
  );
});

Deno.test("the gate explorer's experiments in 05 and 06: a lower b_i[0] stops Ravi being written; a lower b_o[0] hides c₀ without changing it", () => {
  const e = runningExample();
  const step = (params: typeof e.params) => lstmStep(params, e.x, e.hPrev, e.cPrev);
  const base = step(e.params);
  const bi = Float32Array.from(e.params.bi), bo = Float32Array.from(e.params.bo);
  bi[0] -= 4;
  bo[0] -= 4;
  const shut = step({ ...e.params, bi });
  assert.ok(base.c[0] < -0.7 && shut.i[0] < 0.15 && Math.abs(shut.c[0]) < 0.2, `c₀ ${base.c[0]} → ${shut.c[0]}`);
  const hidden = step({ ...e.params, bo });
  assert.equal(hidden.c[0], base.c[0]);
  assert.ok(Math.abs(hidden.h[0]) < Math.abs(base.h[0]) / 4, `h₀ ${base.h[0]} → ${hidden.h[0]}`);
});

Deno.test("lectureErrata: the notes' tanh([4 5 6]) and xₜ size beside what the library computes", async () => {
  const { lectureErrata, LECTURE_NOTES, tanh } = await import("@course/lib");
  const [tanhRow, xRow] = lectureErrata();
  assert.equal(tanhRow.notes, "[0.1 0.3 0.9]");
  assert.equal(tanhRow.computed, "[0.9993 0.9999 1.0000]");
  // The notes' numbers are far from tanh's: more than 0.09 off in every entry.
  tanh([4, 5, 6]).forEach((t, k) => assert.ok(Math.abs(t - LECTURE_NOTES.tanhOf456[k]) > 0.09));
  assert.match(tanhRow.course, /oₜ₋₁ = \[0\.20 0\.56 0\.99\]/); // every entry in (0, 1): a possible gate
  assert.equal(xRow.computed, "W is H × (H + X); with H = 3, 7 columns need X = 4");
});
