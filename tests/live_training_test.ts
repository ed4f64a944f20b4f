import assert from "node:assert/strict";
import { watchTraining } from "@course/lib/course/live_training.ts";

Deno.test("watchTraining: redraws at most once a second, reports the first crossing, refuses a bad target", async () => {
  const shown: [unknown, unknown][] = [];
  const view = watchTraining((obj, options) => Promise.resolve(void shown.push([obj, options])), {
    title: "loss",
    baselines: { trigram: 120, unigram: 360 },
    target: "trigram",
    seconds: 60,
  });
  await view.show();
  assert.equal(shown.length, 2); // the chart and the status line
  const batch = (seconds: number) => ({
    epoch: 0,
    step: 1,
    tokens: 1_000 * seconds,
    loss: 5,
    seconds,
    learningRate: 0.02,
  });
  await view.onBatch(batch(0.5));
  await view.onBatch(batch(0.9)); // under a second after the first redraw (at 0.5 s): none
  await view.onBatch(batch(1.6));
  assert.equal(shown.length, 6); // redrawn at 0.5 s and at 1.6 s
  view.onValidation({ tokens: 50_000, seconds: 20, epoch: 0, perplexity: 119, trainPerplexity: 130 });
  view.onValidation({ tokens: 60_000, seconds: 30, epoch: 0, perplexity: 100, trainPerplexity: 110 });
  assert.equal(view.crossed, 20);
  await view.finish({ batches: [batch(60)], validations: [], tokens: 60_000, seconds: 60, stopped: "maxSeconds" });
  const status = shown.at(-1)![0] as { [k: symbol]: () => Record<string, string> };
  assert.equal(
    status[Symbol.for("Jupyter.display")]()["text/markdown"].replace(/ on .*;/, ";"),
    "60 s of 60, 60,000 tokens, 1000 tokens/s; below the trigram since 20 s",
  );
  assert.throws(
    () => watchTraining(() => Promise.resolve(), { title: "t", baselines: { a: 1 }, target: "b" }),
    /target must be one of a, got "b"/,
  );
  assert.throws(
    () => watchTraining(() => Promise.resolve(), { title: "t", baselines: { a: NaN }, target: "a" }),
    /baseline "a" must be a perplexity > 0, got NaN/,
  );
});
