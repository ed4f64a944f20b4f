import assert from "node:assert/strict";
import {
  BEST_CONFIG,
  BEST_TRAINING,
  bestVariants,
  bpttAxesTable,
  combineSeeds,
  curveAt,
  EARLIER_FULL_RUN,
  EXPERIMENTS,
  type ExperimentsFile,
  experimentView,
  firstPassChart,
  type FirstPassFile,
  firstPassReadingsTable,
  fullRunCharts,
  fullRunEvidence,
  type FullRunFile,
  ONE_EPOCH,
  type OneEpochFile,
  passesChart,
  performRun,
  readResults,
  RECIPE_RUNS,
  recipeRegimeView,
  type RunResult,
  RUNS,
  seedRange,
  SEEDS,
  seedVerdict,
  signedChange,
  SMALL_VOCABULARY,
  smallRun,
  smallVersusFullTable,
  spreadSlice,
  stuckRowsTable,
  summaryTable,
  testScoreTable,
  toSmallVocabulary,
} from "@course/lib/course/experiments.ts";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import { earlyStoppingPoint, streamRows } from "@course/lib/engine/wordlm.ts";
import { brownCorpus, kneserNeyTrigram, ngramPerplexity } from "@course/lib";
import { claims09, claimsFullRun, claimsRecipe, type LayersCrosscheck, wallMinutes } from "./_claims09.ts";
import { resultsBlock } from "../tools/research/results_readme.ts";
import { readNotebook, sourceOf } from "../tools/notebooks/_notebook.ts";

await initTfjs();

Deno.test("EXPERIMENTS: every experiment compares runs that exist, and every run changes one thing of the base", () => {
  const ids = new Set(RUNS.map((r) => r.id));
  assert.equal(ids.size, RUNS.length, "run ids are unique");
  for (const e of EXPERIMENTS) for (const r of e.runs) assert.ok(ids.has(r), `${e.id} names ${r}`);
  const base = RUNS.find((r) => r.id === "base")!;
  for (const run of RUNS) {
    const changed = [
      ...Object.keys({ ...run.config, ...base.config }).filter((k) =>
        (run.config as Record<string, unknown>)[k] !== (base.config as Record<string, unknown>)[k]
      ),
      ...Object.keys({ ...run.options, ...base.options }).filter((k) =>
        (run.options as Record<string, unknown>)[k] !== (base.options as Record<string, unknown>)[k]
      ),
      ...(run.trainTokens !== base.trainTokens ? ["data"] : []),
    ];
    // Slice runs change the data and, at most, one more thing (dropout); SGD comes with its own learning rate.
    const allowed = run.trainTokens === 20_000 || run.options.optimizer === "sgd" ? 2 : 1;
    assert.ok(changed.length <= allowed, `${run.id} changes ${changed}`);
  }
});

Deno.test("the figures notebook 09 and the README state about the runs", () => {
  assert.equal(RUNS.length, 24);
  assert.deepEqual([...SEEDS], [0, 1, 2]);
  const base = RUNS.find((r) => r.id === "base")!;
  assert.deepEqual(base.config, { embeddingSize: 128, hiddenSize: 128 });
  assert.deepEqual(
    [base.options.learningRate, base.options.schedule, base.options.resetEvery, base.options.seqLength],
    [0.01, "linear", 100, 35],
  );
  assert.deepEqual(
    [base.budgetTokens, base.validEvery, base.curveValidTokens, base.finalValidTokens],
    [835_520, 104_440, 32_000, 211_690],
  );
  // One epoch: with B = 32 each row of the 835,523-id training split holds 26,110 tokens to predict.
  assert.equal(ONE_EPOCH, 32 * Math.floor((835_523 - 1) / 32));
  const slices = RUNS.filter((r) => r.trainTokens === 20_000);
  assert.deepEqual(slices.map((r) => r.id), ["slice", "sliceDrop3", "sliceDrop5", "sliceRec3"]);
  for (const r of slices) assert.deepEqual([r.budgetTokens, r.validEvery], [8 * 20_000, 20_000]);
  const small = smallRun(base);
  assert.deepEqual([small.config.embeddingSize, small.config.hiddenSize, small.budgetTokens], [32, 32, 20_000]);
  assert.equal(RUNS.filter((r) => r.trainTokens !== 20_000).length * SEEDS.length, 60, "60 one-epoch trainings");
});

Deno.test("combineSeeds and seedVerdict: means, ranges, and a difference real only beyond the seeds", () => {
  const spec = RUNS[0];
  const result = (seed: number, final: number, curve: number[]): RunResult => ({
    ...spec,
    seed,
    parameters: 1,
    curve: curve.map((v, k) => ({ tokens: k, seconds: k, epoch: k, validPerplexity: v, trainPerplexity: v })),
    tokens: 10,
    seconds: 2,
    tokensPerSecond: 5,
    finalValidPerplexity: final,
    finalValidTokens: 3,
  });
  const a = combineSeeds([result(0, 100, [300, 200]), result(1, 104, [310, 190]), result(2, 102, [320, 210])]);
  assert.equal(a.finalValidPerplexity, 102);
  assert.deepEqual(a.finalRange, [100, 104]);
  assert.deepEqual(a.curve.map((p) => p.validPerplexity), [310, 200]);
  assert.deepEqual(a.curveRange, [{ low: 300, high: 320 }, { low: 190, high: 210 }]);
  assert.equal(a.seeds.length, 3);
  assert.equal(seedRange(a), "100.0–104.0");
  const b = combineSeeds([result(0, 105, [1, 1]), result(1, 106, [1, 1])]);
  const c = combineSeeds([result(0, 103, [1, 1]), result(1, 110, [1, 1])]);
  assert.equal(seedVerdict(b, a), "worse");
  assert.equal(seedVerdict(a, b), "better");
  assert.equal(seedVerdict(c, a), "within the seed band");
  assert.throws(() => combineSeeds([]), /Cannot combine seeds: no results/);
  assert.throws(
    () => combineSeeds([result(0, 1, [1, 2]), result(1, 1, [1])]),
    /expected results of base with 2 curve points, got base with 1/,
  );
});

Deno.test("smallRun: sizes ÷ 4, data and budget ÷ 10; toSmallVocabulary maps rare ids to <unk>", () => {
  const s = smallRun(RUNS.find((r) => r.id === "hid256")!);
  assert.equal(s.config.hiddenSize, 64);
  assert.equal(s.config.embeddingSize, 32);
  assert.equal(s.trainTokens, 80_000);
  assert.equal(s.budgetTokens, 20_000);
  assert.equal(smallRun(RUNS.find((r) => r.id === "slice")!).trainTokens, 2_000);
  assert.deepEqual([...toSmallVocabulary(Int32Array.from([0, 5, 1999, 2000, 9999]))], [0, 5, 1999, 0, 0]);
  assert.equal(SMALL_VOCABULARY, 2_000);
});

Deno.test("performRun: a tiny run gives a curve and a final score", async () => {
  const stream = Int32Array.from({ length: 3_000 }, (_, t) => [2, 3, 4, 1][t % 4]);
  const spec = {
    ...smallRun(RUNS[0]),
    config: { embeddingSize: 8, hiddenSize: 8 },
    trainTokens: 2_000,
    budgetTokens: 1_280,
    validEvery: 640,
    curveValidTokens: 1_600, // spread over the 3,000-token stream, one stretch per row
  };
  const r = await performRun(spec, { train: stream, valid: stream, vocabularySize: 6 });
  assert.equal(r.tokens, 1_280);
  assert.equal(r.curve.length, 2);
  assert.ok(r.finalValidPerplexity < 6, `${r.finalValidPerplexity}`); // better than a uniform guess among 6
});

Deno.test("readResults: a missing file is named, with where to look", async () => {
  await assert.rejects(() => readResults("nothing.json"), /data\/results\/nothing.json: it does not exist yet/);
});

// The result files: written by long commands, committed, read by notebook 09 and the README. These tests
// check that they still describe what the code would run, and hold the figures the course quotes.

Deno.test("data/results/experiments.json: one result per run, made with today's specs", async () => {
  const file = await readResults<ExperimentsFile>("experiments.json");
  for (const spec of RUNS) {
    const r = file.runs[spec.id];
    assert.ok(r, `no result for ${spec.id}`);
    assert.deepEqual(
      { config: r.config, options: r.options, budget: r.budgetTokens, data: r.trainTokens },
      {
        config: spec.config,
        options: JSON.parse(JSON.stringify(spec.options)),
        budget: spec.budgetTokens,
        data: spec.trainTokens,
      },
      `${spec.id} was made with other settings: run deno task experiments --only ${spec.id}`,
    );
    assert.deepEqual(r.seeds.map((x) => x.seed), [...SEEDS], `${spec.id}: every seed`);
    for (const x of r.seeds) {
      assert.deepEqual(x.config, r.config);
      // Training stops at the end of the first batch that reaches the budget.
      const batch = (spec.options.batchSize ?? 32) * (spec.options.seqLength ?? 35);
      assert.ok(
        x.tokens >= spec.budgetTokens && x.tokens < spec.budgetTokens + batch,
        `${spec.id}: ${x.tokens} tokens`,
      );
    }
    assert.deepEqual(combineSeeds(r.seeds), r, `${spec.id}: the mean and range are the seeds'`);
  }
});

Deno.test("data/results/experiments.json: the findings notebook 09's sentences report", async () => {
  const file = await readResults<ExperimentsFile>("experiments.json");
  const run = (id: string) => file.runs[id];
  const v = (id: string) => run(id).finalValidPerplexity;
  const real = (a: string, b: string) => seedVerdict(run(a), run(b)) === "better"; // a beats b beyond the seeds
  // "more data helps more than anything else on the list": no other pair of runs in one experiment is as far apart.
  const ratio = v("data50k") / v("base");
  for (const e of EXPERIMENTS.filter((e) => e.id !== "data")) {
    const vs = e.runs.map(v);
    assert.ok(Math.max(...vs) / Math.min(...vs) < ratio, `${e.id} spreads wider than the data experiment`);
  }
  assert.ok(real("base", "data200k") && real("data200k", "data50k"), "more data, better, beyond the seeds");
  const small = run("data50k").curve;
  assert.ok(small.at(-1)!.validPerplexity > small[0].validPerplexity, "going round 50,000 tokens overfits");
  assert.ok(small.at(-1)!.trainPerplexity < small[0].trainPerplexity);
  // "Bigger word vectors help, but much less than a bigger state"; H 256 the largest gain per token.
  assert.ok(real("emb256", "base") && v("base") / v("emb256") < v("base") / v("hid256"));
  assert.equal(bestVariants(file).filter((b) => b.experiment.id !== "data")[0].best, "hid256");
  // "at a fixed time it has not yet caught up", and T 5 likewise: both slower per second than the base.
  for (const id of ["hid256", "bptt5"]) {
    assert.ok(run(id).tokensPerSecond < run("base").tokensPerSecond, `${id} is slower`);
    const end = run("base").curve.at(-1)!;
    const before = run(id).curve.filter((p) => p.seconds <= end.seconds).at(-1)!;
    assert.ok(before.validPerplexity > end.validPerplexity, `${id} had not caught up when the base ended`);
  }
  // "after a whole epoch the two-layer model is still worse than the one-layer model was after an eighth of one"
  assert.ok(run("layers2").curve.at(-1)!.validPerplexity > run("base").curve[0].validPerplexity);
  // The three ideas that "did not help after one epoch": dropout, a second layer, tied embeddings.
  assert.ok(real("base", "drop3") && real("base", "layers2") && v("tied") >= v("base"));
  // Dropout pays on the slice.
  assert.ok(real("sliceDrop5", "slice") || real("sliceDrop3", "slice"), "dropout helps on the slice, beyond the seeds");
});

Deno.test("data/results/full_run.json: the best configuration, within 60 minutes, beating the trigram", async () => {
  const fr = await readResults<{
    training: { config: Record<string, unknown>; options: Record<string, unknown>; seconds: number };
    scores: {
      test: {
        knTrigram: number;
        lstm: { perplexity: number };
        lstmPlusKn: number;
        lstmPlusKnPlusCache: number;
        unigram: number;
      };
    };
  }>("full_run.json");
  assert.deepEqual(fr.training.config, { vocabularySize: 10_000, ...BEST_CONFIG });
  assert.deepEqual(fr.training.options, { ...JSON.parse(JSON.stringify(BEST_TRAINING)), maxSeconds: 3600 });
  assert.ok(fr.training.seconds <= 3600 + 60, `trained ${fr.training.seconds} s`); // ends at the first batch past 60 min
  const t = fr.scores.test;
  assert.ok(Math.abs(t.knTrigram - 131.8) < 0.1, `KN trigram ${t.knTrigram}`); // notebook 08's figure, same split
  // Issue 19's target, 0.62 × the trigram: the LSTM alone reached 0.65 ×, better than the earlier run's 0.69 ×;
  // mixed with the trigram it reaches the target.
  const earlier = await readResults<FullRunFile>("full_run_earlier.json");
  const ratio = t.lstm.perplexity / t.knTrigram;
  assert.ok(ratio <= 0.65 && ratio < earlier.scores.test.lstm.perplexity / t.knTrigram, `the LSTM alone: ${ratio}`);
  assert.ok(t.lstmPlusKn <= 0.62 * t.knTrigram, `the LSTM + KN: ${t.lstmPlusKn / t.knTrigram}`);
  assert.ok(t.lstmPlusKnPlusCache < t.lstm.perplexity, "the mixture improves on the LSTM alone");
});

Deno.test("README.md: the results block quotes the result files as they are (deno task results)", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  assert.ok(readme.includes(await resultsBlock()), "README.md's results block is out of date: run deno task results");
});

Deno.test("experimentView: notebook 09's curves and table of an experiment, from the results file", async () => {
  const full = await readResults<ExperimentsFile>("experiments.json");
  const view = experimentView(full, {}, "data", { curve: 170, final: 168.4 });
  assert.equal((view.charts.html.match(/<svg/g) ?? []).length >= 2, true);
  assert.match(view.table.html, /reference/);
  assert.match(view.charts.html, /fill-opacity="0.25"/, "the seed bands are drawn");
  assert.match(view.table.html, /within the seed band|better|worse/);
  assert.match(view.table.html, /Kneser–Ney trigram: 168\.4/);
  assert.throws(
    () => experimentView(full, {}, "nope", { curve: 1, final: 1 }),
    /Cannot show experiment "nope": expected one of/,
  );
  assert.equal(signedChange(-0.032), "−3.2 %");
  assert.equal(signedChange(0.01), "+1.0 %");
});

/** Notebook 09's markdown cells, as one text. */
/** The markdown of one notebook. */
async function markdownOf(name: string): Promise<string> {
  const nb = await readNotebook(new URL(`../notebooks/${name}`, import.meta.url).pathname);
  return nb.cells.filter((c) => c.cell_type === "markdown").map(sourceOf).join("\n");
}

/** Notebook 09's markdown and its appendix 09a's: the numbers behind 09's sentences are in 09a. */
async function markdown09(): Promise<string> {
  return (await markdownOf("09-improving-performance.ipynb")) + "\n" +
    (await markdownOf("09a-improving-evidence.ipynb"));
}

// Notebook 09 is the guide: one or two sentences of meaning under each chart, few numbers. Each sentence is
// checked against the results it reads, so that a new run of the experiments fails here until the text follows.
Deno.test("notebook 09's guide: each sentence of meaning follows the results", async () => {
  const md = await markdownOf("09-improving-performance.ipynb");
  const full = await readResults<ExperimentsFile>("experiments.json");
  const fr = await readResults<FullRunFile>("full_run.json");
  const cross = await readResults<LayersCrosscheck>("layers_crosscheck.json");
  const run = (id: string) => full.runs[id];
  const v = (id: string) => run(id).finalValidPerplexity;
  const change = (id: string, ref = "base") => v(id) / v(ref) - 1;
  const speed = (id: string) => run(id).tokensPerSecond / run("base").tokensPerSecond;
  const says = (sentence: string, holds: boolean) => {
    assert.ok(md.includes(sentence), `notebook 09 should say: ${sentence}`);
    assert.ok(holds, `the results contradict: ${sentence}`);
  };
  const best = bestVariants(full);
  says(
    "Per token, the largest gains come from the data and from the size of the state",
    best[0].experiment.id === "data" && best[1].experiment.id === "hidden",
  );
  says("per second, the bigger state and the shorter window are slower", speed("hid256") < 1 && speed("bptt5") < 1);
  says(
    "Of the ideas that lose after one pass, three belong to longer training: dropout on text read once, tied embeddings, and a second layer",
    ["drop3", "tied", "layers2"].every((id) => seedVerdict(run(id), run("base")) === "worse"),
  );
  const modelChanges = ["emb256", "hid256", "gru", "tied", "layers2", "drop3", "forget0"].map((id) =>
    Math.abs(change(id))
  );
  says(
    "Fresh text beats the same text read again by more than any change to the model does",
    -change("base", "data200k") > Math.max(...modelChanges.filter((c) => c < 1)),
  );
  const slice = run("slice").curve;
  const lowest = Math.min(...slice.map((p) => p.validPerplexity));
  says(
    "Validation levels off after a few passes while training perplexity keeps falling",
    slice.slice(3).every((p) => p.validPerplexity < 1.02 * lowest) &&
      slice.every((p, k) => k === 0 || p.trainPerplexity < slice[k - 1].trainPerplexity),
  );
  says("Both help per token, H far more than E", change("hid256") < 2 * change("emb256") && change("emb256") < 0);
  const baseEnd = run("base").curve.at(-1)!;
  says(
    "But H = 256 trains at under two thirds of the base model's speed, and when the base model had finished it was still behind",
    speed("hid256") < 2 / 3 && curveAt(run("hid256"), "seconds", baseEnd.seconds)! > baseEnd.validPerplexity,
  );
  says("two layers end far behind one after a pass", v("layers2") > 1.5 * v("base"));
  says(
    "PyTorch trained with the same settings starts as slowly (09a gives both)",
    Math.abs(cross.pytorch[2] / cross.course[2] - 1) < 0.05 && cross.pytorch[2] > 1.5 * cross.pytorch[1],
  );
  says(
    "Where text repeats it pays: dropout 0.5 beyond the seeds, 0.3 within them. Recurrent dropout",
    seedVerdict(run("sliceDrop5"), run("slice")) === "better" &&
      seedVerdict(run("sliceDrop3"), run("slice")) === "within the seed band" &&
      seedVerdict(run("sliceRec3"), run("slice")) !== "better",
  );
  const sameToTheDigit = run("noclip").seeds.every((s, k) =>
    s.finalValidPerplexity === run("base").seeds[k].finalValidPerplexity
  );
  says(
    "bias 0 did slightly better, and the two clipping runs are the same to the last digit, so clipping never fired",
    change("forget0") < 0 && sameToTheDigit,
  );
  const fall = 1 - v("lr02") / v("lr002");
  says(
    "The rate matters and costs nothing: from Adam at 0.002 to 0.02 perplexity falls by almost a third",
    fall > 0.28 && fall < 1 / 3 && Math.abs(speed("lr02") - 1) < 0.2 && Math.abs(speed("lr002") - 1) < 0.2,
  );
  says(
    "Plain SGD at 1.0 is far behind after one pass",
    ["lr002", "base", "lr02"].every((id) => v(id) < 0.7 * v("sgd")),
  );
  says(
    "After one pass the decay made no difference the seeds could tell apart",
    seedVerdict(run("constant"), run("base")) === "within the seed band",
  );
  const updates = (id: string) => ONE_EPOCH / (run(id).options.batchSize! * run(id).options.seqLength!);
  const shortest = Math.min(...["bptt5", "base", "bptt100", "nocarry"].map((id) => run(id).curve.at(-1)!.seconds));
  const atSeconds = (id: string) => curveAt(run(id), "seconds", shortest)!;
  says(
    "At equal updates the longer windows are ahead, since each update learns from more tokens, and at equal seconds T = 35 is",
    curveAt(run("bptt100"), "updates", updates("bptt100"))! < curveAt(run("base"), "updates", updates("bptt100"))! &&
      curveAt(run("base"), "updates", updates("base"))! < curveAt(run("bptt5"), "updates", updates("base"))! &&
      ["bptt5", "bptt100", "nocarry"].every((id) => atSeconds("base") < atSeconds(id)),
  );
  says(
    "T = 5's lead per token comes from its seven times as many updates, bought at under half the speed",
    Math.round(updates("bptt5") / updates("base")) === 7 && speed("bptt5") < 0.5,
  );
  says(
    "Carrying the state ends better than starting every window from zero",
    seedVerdict(run("base"), run("nocarry")) === "better",
  );
  const params = run("tied").parameters / run("base").parameters;
  says(
    "After one pass, tying costs a little, with about half the parameters",
    change("tied") > 0 && change("tied") < 0.03 && params > 0.45 && params < 0.6,
  );
  says("The LSTM wins clearly here", seedVerdict(run("gru"), run("base")) === "worse");
  // The figures 09's prose states, from the files and the corpus they describe.
  says(`reading it ${fr.training.epochs.toFixed(1)} times`, true);
  says(`835,520 of its 835,523 tokens`, ONE_EPOCH === 835_520 && run("base").budgetTokens === ONE_EPOCH);
  says(
    `That removes H · V parameters (${
      ((run("base").parameters - run("tied").parameters) / 1e6).toFixed(2)
    } million here)`,
    run("base").parameters - run("tied").parameters === 128 * 10_000,
  );
  const t = fr.scores.test;
  says(
    "An hour takes the LSTM well below the trigram, and mixing in the trigram and a cache of recent words",
    t.lstm.perplexity < 0.8 * t.knTrigram && t.lstmPlusKn < t.lstm.perplexity &&
      t.lstmPlusKnPlusCache < t.lstmPlusKn,
  );
});

Deno.test("notebook 09's recipe section follows data/results/recipe_regime.json", async () => {
  const md = await markdownOf("09-improving-performance.ipynb");
  const full = await readResults<ExperimentsFile>("experiments.json");
  const regime = await readResults<ExperimentsFile>("recipe_regime.json");
  assert.deepEqual(Object.keys(regime.runs), RECIPE_RUNS.map((r) => r.id));
  for (const sentence of claimsRecipe(regime, full)) {
    assert.ok(md.includes(sentence), `notebook 09 should say: ${sentence}`);
  }
  const v = (id: string) => regime.runs[id].finalValidPerplexity;
  // "three of the four choices cost perplexity here … the opposite of what one pass over all the text said"
  for (const undone of ["recipeUntied", "recipeNoDropout", "recipeLr02"]) {
    assert.ok(v(undone) > v("recipe"), `${undone} costs perplexity where text repeats`);
  }
  assert.ok(full.runs.tied.finalValidPerplexity > full.runs.base.finalValidPerplexity, "tying lost after one pass");
  assert.ok(full.runs.drop3.finalValidPerplexity > full.runs.base.finalValidPerplexity, "dropout lost after one pass");
  assert.ok(full.runs.lr02.finalValidPerplexity < full.runs.base.finalValidPerplexity, "0.02 won after one pass");
  // The regime: the recipe at the full run's size on 200,000 tokens read 4.2 times, one seed each.
  for (const r of Object.values(regime.runs)) {
    assert.equal(r.trainTokens, 200_000);
    assert.equal((r.config as { hiddenSize: number }).hiddenSize, BEST_CONFIG.hiddenSize);
    assert.equal(r.seeds.length, 1);
  }
});

Deno.test("notebook 09's tables: BPTT on three axes, and the small runs beside the full ones", async () => {
  const full = await readResults<ExperimentsFile>("experiments.json");
  const axes = bpttAxesTable(full);
  assert.deepEqual(axes.columns, [
    "run",
    "updates in the run",
    "tokens/s",
    "after 835,520 tokens",
    "after 262 updates",
    "after 746 updates",
    `after ${
      Math.min(...["bptt5", "base", "bptt100", "nocarry"].map((id) => full.runs[id].curve.at(-1)!.seconds)).toFixed(0)
    } s`,
  ]);
  assert.equal(axes.cells[0][4], "—", "T = 5 has no measurement before its first point");
  // curveAt: exact at measured points, log-linear between them, undefined outside.
  const base = full.runs.base;
  assert.equal(curveAt(base, "tokens", base.curve[2].tokens), base.curve[2].validPerplexity);
  const mid = (base.curve[2].tokens + base.curve[3].tokens) / 2;
  const expected = Math.sqrt(base.curve[2].validPerplexity * base.curve[3].validPerplexity);
  assert.ok(Math.abs(curveAt(base, "tokens", mid)! - expected) < 1e-9 * expected);
  assert.equal(curveAt(base, "tokens", 1), undefined);
  assert.equal(curveAt(base, "seconds", 1e9), undefined);
  // The small runs beside the full ones: ranks 1..n at each scale.
  const live = Object.fromEntries(
    ["base", "sgd"].map((id) => [id, { ...full.runs[id].seeds[0], finalValidPerplexity: id === "sgd" ? 100 : 200 }]),
  );
  const small = smallVersusFullTable(full, live as Record<string, RunResult>);
  assert.deepEqual(small.cells.map((r) => r.at(-1)), ["no", "no"]);
  assert.throws(
    () => smallVersusFullTable(full, { nope: live.base as RunResult }),
    /run "nope" has no full-scale result/,
  );
});

// Notebook 09's conclusions are plain markdown: each sentence below is rebuilt from the result files
// and must appear in the notebook as it stands, so a new run of the experiments fails here until
// the notebook's text follows it.
Deno.test("notebook 09's markdown quotes the result files", async () => {
  const md = await markdown09();
  const full = await readResults<ExperimentsFile>("experiments.json");
  const fr = await readResults<FullRunFile>("full_run.json");
  const oneEpoch = await readResults<OneEpochFile>("one_epoch.json");
  const t = fr.scores.test, tr = fr.training;
  const pair = (c: { validPerplexity: number; trainPerplexity: number }) =>
    `${c.validPerplexity.toFixed(0)} against ${c.trainPerplexity.toFixed(0)}`;
  const earlierFile = await readResults<FullRunFile>("full_run_earlier.json"), earlier = earlierFile.training;
  const firstPass = earlier.curve.filter((c) => c.tokens <= 835_523),
    later = earlier.curve.filter((c) => c.tokens > 835_523);
  const corpus = await brownCorpus();
  const kn = ngramPerplexity(kneserNeyTrigram(corpus.ids.train, corpus.vocabulary.size), corpus.ids.valid).perplexity;
  const cross = await readResults<LayersCrosscheck>("layers_crosscheck.json");
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  assert.ok(readme.includes(`data/results/experiments.json (${wallMinutes(full)} min, 2 at a time;`), "README's time");
  for (const [section, sentences] of Object.entries(claims09(full, cross, kn))) {
    for (const sentence of sentences) {
      assert.ok(md.includes(sentence), `notebook 09 (${section}) should say: ${sentence}`);
    }
  }
  const expected = [
    `(${firstPass.map(pair).join(", then ")}), and from the second pass on it was below it`,
    `(${later.map(pair).join(", ")})`,
    ...claimsFullRun(fr, oneEpoch, earlierFile),
  ];
  for (const sentence of expected) assert.ok(md.includes(sentence), `notebook 09 should say: ${sentence}`);
  // "the trigram on the same tokens, which the LSTM passes within its first epoch".
  const knSample = ngramPerplexity(
    kneserNeyTrigram(corpus.ids.train, corpus.vocabulary.size),
    spreadSlice(corpus.ids.valid, 32_000, 32),
  ).perplexity;
  assert.ok(tr.curve[0].validPerplexity > knSample && tr.curve[1].validPerplexity < knSample);
  assert.ok(tr.curve[1].tokens <= tr.tokens / tr.epochs, "the second point is within the first epoch");
  // "stays below training perplexity for most of the hour", and ends above it.
  const below = tr.curve.filter((c) => c.validPerplexity < c.trainPerplexity).length;
  assert.ok(below >= 0.6 * tr.curve.length && tr.curve.at(-1)!.trainPerplexity < tr.curve.at(-1)!.validPerplexity);
  // The target, 0.62 × the trigram: "The LSTM alone falls short of it; mixed with the trigram it reaches it, and
  // with the cache as well it passes it."
  assert.ok(t.lstm.perplexity / t.knTrigram > 0.62 && t.lstmPlusKn / t.knTrigram <= 0.62);
  assert.ok(t.lstmPlusKnPlusCache / t.knTrigram < 0.62);
  // Section 4's reasons for each choice.
  const speedOf = (id: string) => full.runs[id].tokensPerSecond / full.runs.base.tokensPerSecond;
  const change = (id: string) => (100 * (full.runs[id].finalValidPerplexity / full.runs.base.finalValidPerplexity - 1));
  const reasons = [
    `Tying cost ${
      change("tied").toFixed(1)
    } % after one epoch, but untied, E = H = ${BEST_CONFIG.hiddenSize} would add ${
      (BEST_CONFIG.hiddenSize * 10_000 / 1e6).toFixed(1)
    } million output weights`,
    `T = 5 was better per token but read ${speedOf("bptt5").toFixed(2)} times as many tokens per second`,
    `bias 0 was ${(-change("forget0")).toFixed(1)} % better after one epoch`,
  ];
  for (const r of reasons) assert.ok(md.includes(r), `notebook 09 should say: ${r}`);
  assert.ok(md.includes("an hour reads the training text about a dozen times") && tr.epochs > 10.5 && tr.epochs < 13.5);
  assert.ok(
    seedVerdict(full.runs.base, full.runs.lr002) === "better" &&
      seedVerdict(full.runs.lr02, full.runs.base) === "better",
  );
  // The settings line, from the file.
  const c = tr.config as typeof BEST_CONFIG,
    o = tr.options as unknown as typeof BEST_TRAINING & { maxSeconds: number };
  assert.equal(o.schedule, "linear"); // "to a tenth": trainWordLM's linear schedule ends at a tenth of the rate
  assert.ok(c.tied && o.carryState && o.optimizer === "adam");
  const settings =
    `E ${c.embeddingSize} · H ${c.hiddenSize} · tied embeddings · dropout ${c.dropout} · forget bias ${c.forgetBias} · seed ${c.seed} · B ${o.batchSize} · T ${o.seqLength} · Adam at ${o.learningRate} on a linear schedule to a tenth · ` +
    `clipping at ${o.clipNorm} · state carried, every row restarted from zero every ${o.resetEvery} windows · at most ${o.epochs} epochs or ${
      o.maxSeconds.toLocaleString("en-US")
    } s.`;
  assert.ok(md.includes(settings), `notebook 09 should list the settings: ${settings}`);
});

Deno.test("notebook 09's views: an experiment shows charts then table; the full run's charts and tables", async () => {
  const full = await readResults<ExperimentsFile>("experiments.json");
  const fr = await readResults<FullRunFile>("full_run.json");
  const oneEpoch = await readResults<OneEpochFile>("one_epoch.json");
  const shown = experimentView(full, {}, "tied", { curve: 170, final: 168.4 }).html;
  assert.ok(shown.indexOf("<svg") < shown.indexOf("<table"));
  assert.ok(shown.includes("measured on a 32,000-token validation sample"), "each chart names its sample");
  assert.ok(experimentView(full, {}, "layers", { curve: 170, final: 168.4 }).html.includes("not tuned"));
  // The recipe where text repeats: one seed, so no seed columns.
  const regime = recipeRegimeView(await readResults<ExperimentsFile>("recipe_regime.json"), { curve: 170, final: 168 });
  assert.ok(regime.html.indexOf("<svg") < regime.html.indexOf("<table"));
  assert.deepEqual(regime.table.columns, ["run", "parameters", "valid perplexity", "change"]); // no speeds: shared machine
  assert.throws(() => recipeRegimeView({ runs: {} }, { curve: 1, final: 1 }), /run "recipe" is not in the results/);
  const curves = fullRunCharts(fr, 148.2).html;
  assert.match(curves, /12\.8 epochs/);
  assert.ok(curves.includes("The 32,000-token validation sample") && curves.includes("dropout on"));
  assert.ok(fullRunEvidence(full).cells.every((row) => /[−+]\d+\.\d %/.test(row[1])));
  const scores = testScoreTable(fr, oneEpoch, 1.5);
  assert.deepEqual(scores.cells.map((r) => r[2]).slice(0, 2), [
    (fr.scores.test.unigram / fr.scores.test.knTrigram).toFixed(2),
    "1.00",
  ]);
  const summary = summaryTable(full);
  assert.equal(summary.cells.length, EXPERIMENTS.filter((e) => e.runs.length > 1).length);
  assert.ok(passesChart(full.runs.slice, "t").html.includes("<svg"));
  assert.throws(() => earlyStoppingPoint([1, 2], 0), /patience must be a whole number >= 1, got 0/);
});

Deno.test("data/results/full_run.json: the full run's samples, recorded along its training", async () => {
  const fr = await readResults<FullRunFile>("full_run.json");
  const samples = fr.training.samples!;
  assert.equal(samples[0].tokens, 0);
  assert.equal(samples.at(-1)!.tokens, fr.training.tokens);
  assert.ok(samples.length >= 10, `${samples.length} checkpoints`);
  // Notebook 08's reading of the "the city" column: "the" takes over at 35,840 tokens, then word pairs, then phrases.
  const greedy = samples.map((c) => c.samples["the city"]["greedy"]);
  assert.equal(samples[1].tokens, 35_840);
  assert.ok(greedy[1].split(" ").filter((w) => w === "the").length >= 10);
  for (const phrase of ["the first", "of the united states", "the new york times"]) {
    assert.ok(greedy.some((g) => g.includes(phrase)), phrase);
  }
  // Section 8's reading: greedy keeps looping to the end (a 4-word phrase repeats in the last sample); the sampled
  // column has a sentence end within the first pass; valid perplexity is measured at every checkpoint from one pass on.
  const last = greedy.at(-1)!.split(" ");
  const fourGrams = last.slice(0, -3).map((_, k) => last.slice(k, k + 4).join(" "));
  assert.ok(new Set(fourGrams).size < fourGrams.length, "the last greedy sample repeats a phrase");
  assert.ok(samples.some((c) => c.epochs < 1 && c.samples["the city"]["top-p 0.9"].includes(". <eos>")));
  const measured = new Set(fr.training.curve.map((p) => p.tokens));
  const onePass = (c: { epochs: number }) => c.epochs > 0.999; // one pass is 835,520 of the 835,522 tokens a row set holds
  assert.ok(samples.filter(onePass).every((c) => measured.has(c.tokens)));
  assert.ok(samples.filter((c) => !onePass(c)).every((c) => !measured.has(c.tokens)), "'not measured' before one pass");
  for (const c of samples) {
    assert.deepEqual(Object.keys(c.samples), ["the city", "he said that", "in the morning"]);
    for (const writing of Object.values(c.samples)) {
      assert.deepEqual(Object.keys(writing), ["greedy", "top-p 0.9"]);
      assert.equal(writing["greedy"].split(" ").length, 20);
    }
  }
});

Deno.test("first_pass.json and first_pass_resets.json replay the earlier full run (full_run_earlier.json)", async () => {
  const earlier = await readResults<FullRunFile>("full_run_earlier.json");
  const plain = (x: unknown) => JSON.parse(JSON.stringify(x));
  assert.deepEqual(earlier.training.config, { vocabularySize: 10_000, ...EARLIER_FULL_RUN.config });
  assert.deepEqual(earlier.training.options, { ...plain(EARLIER_FULL_RUN.training), maxSeconds: 3600 });
  assert.equal(earlier.training.tokens, EARLIER_FULL_RUN.tokens);
  for (const file of ["first_pass.json", "first_pass_resets.json"]) {
    const replay = await readResults<{ config: unknown; options: Record<string, unknown> }>(file);
    assert.deepEqual(replay.config, earlier.training.config, file);
    const { until: _u, every: _e, resetEvery: _r, maxTokens, ...options } = replay.options;
    assert.deepEqual(options, plain(EARLIER_FULL_RUN.training), file);
    assert.equal(maxTokens, EARLIER_FULL_RUN.tokens, file);
  }
});

Deno.test("notebook 09's first-pass section quotes data/results/first_pass.json; its chart and table draw", async () => {
  const md = await markdown09();
  const fp = await readResults<FirstPassFile>("first_pass.json");
  const earlier = await readResults<FullRunFile>("full_run_earlier.json");
  const at = (tokens: number) => fp.checkpoints.find((c) => c.tokens === tokens)!;
  const full = (tokens: number) => earlier.training.curve.find((c) => c.tokens === tokens)!.validPerplexity.toFixed(0);
  const n = (x: number) => x.toFixed(0);
  const point = at(400_960), rows = point.validationRows!;
  const words = ["blind", "truck", "composer", "strain"];
  assert.deepEqual(rows.stuck.map((r) => r.firstWord), words);
  const expected = [
    `761 at 400,960 tokens (the earlier run: ${full(400_960)}), 563 at 800,800 (${full(800_800)}), 149 at 1,200,640 (${
      full(1_200_640)
    })`,
    `at 400,960 tokens, ${rows.stuck.length} of the 32 have perplexities near 10⁷`,
    `(*blind* ${rows.stuck[0].firstWordReadAsInput} times, *truck* ${rows.stuck[1].firstWordReadAsInput}, *composer* ${
      rows.stuck[2].firstWordReadAsInput
    }, *strain* ${rows.stuck[3].firstWordReadAsInput}; the table below)`,
    `the stretch from token 5,000 to 20,000, which holds the text of stuck rows 5 and 8, scores ${
      n(point.validationOneRowByPosition.find((b) => b.from === 5_000)!.perplexity)
    }`,
    `raise its perplexity by under ${Math.ceil(100 * (point.validation / point.seenWords.perplexity - 1))} %`,
    `Four rows out of 32 are enough to turn ${n(rows.withoutStuck)} into ${n(point.validation)}`,
    `Without those rows the slice scores ${
      n(rows.withoutStuck)
    }; its first 20,000 tokens read as one row, the state carried, score ${
      n(point.validationOneRow)
    }; training, with dropout on, ${n(point.trainPerplexityWithDropout!)}`,
    `they are ${(100 * point.unseenWords.share).toFixed(2)} % of the slice`,
    `no row of the slice is stuck: it scores ${n(at(900_480).validation)}`,
    `(32 rows, each from a zero state) with dropout off, score ${n(point.lastTrainedWithoutDropout!)}, far above the ${
      n(point.trainPerplexityWithDropout!)
    } that training reported with dropout on`,
  ];
  assert.equal(n(point.validation), "761");
  assert.equal(n(at(800_800).validation), "563");
  assert.equal(n(at(1_200_640).validation), "149");
  for (const e of expected) assert.ok(md.includes(e), `notebook 09 should say: ${e}`);
  // The stuck rows are near 10⁷, "every other row stays under 300"; none is stuck once the second pass has begun.
  assert.ok(rows.stuck.every((r) => r.perplexity > 5e6 && r.perplexity < 2e7));
  assert.ok(rows.rows.every((p) => p > 5_000 || p < 300), "under 300 here");
  assert.ok(
    fp.checkpoints.filter((c) => c.tokens > 0).every((c) =>
      c.validationRows!.rows.every((p) => p > 5_000 || p < 1_000)
    ),
    "under 1,000 at every checkpoint",
  );
  // "training had read it only a few times": the first word of every row, counted as the first pass read it.
  const corpus = await brownCorpus();
  const counts = new Int32Array(corpus.vocabulary.size);
  for (const row of streamRows(corpus.ids.train, 32).rows) for (let k = 0; k < 400_960 / 32; k++) counts[row[k]]++;
  const firsts = Array.from({ length: 32 }, (_, b) => corpus.ids.valid[b * 1_562]);
  rows.stuck.forEach((r) => assert.equal(counts[firsts[r.row]], r.firstWordReadAsInput, r.firstWord));
  const pursued = firsts.findIndex((id) => corpus.vocabulary.words[id] === "pursued");
  assert.ok(md.includes("the row that starts on *pursued*, read 3 times, does not"));
  assert.equal(counts[firsts[pursued]], 3);
  assert.ok(rows.rows[pursued] < 300);
  assert.equal(at(900_480).validationRows!.stuck.length, 0);
  // The six readings side by side, without and with the resets.
  const withResets = await readResults<FirstPassFile>("first_pass_resets.json");
  const readings = firstPassReadingsTable(fp, withResets);
  assert.equal(readings.cells.length, 6);
  assert.deepEqual(readings.cells.map((r) => r.slice(1, 3).map((x) => Number(x.replaceAll(",", "")))), [
    [761, 203],
    [
      Math.round(rows.withoutStuck),
      Math.round(withResets.checkpoints.find((c) => c.tokens === 400_960)!.validationRows!.withoutStuck),
    ],
    [208, 212],
    [Math.round(point.validationOneRowByPosition.find((b) => b.from === 5_000)!.perplexity), 204],
    [736, 197],
    [265, 282],
  ]);
  // "within 2e-6": the library's LSTM against tfjs at every checkpoint.
  assert.ok(fp.checkpoints.every((c) => c.independent.relativeDifference < 2e-6));
  assert.ok(md.includes("(within 2e-6, relative)"));
  // "65,000 tokens into it": 900,480 tokens is that far past the first pass's 835,522.
  assert.equal(Math.round((900_480 - 835_522) / 5_000) * 5, 65);
  // The test of the explanation: the same first pass with every row from zero every 100 windows.
  const resets = await readResults<FirstPassFile>("first_pass_resets.json");
  const r = (tokens: number) => resets.checkpoints.find((c) => c.tokens === tokens)!;
  assert.equal(resets.options.resetEvery, 100);
  assert.ok(resets.checkpoints.filter((c) => c.tokens > 0).every((c) => c.validationRows!.stuck.length === 0));
  assert.ok(md.includes(
    `has no stuck row at any checkpoint, and the curve's reading of the slice scores ${
      n(r(400_960).validation)
    } at 400,960 tokens and ${n(r(800_800).validation)} at 800,800, instead of ${n(point.validation)} and ${
      n(at(800_800).validation)
    }`,
  ));
  assert.ok(md.includes(
    `Read as one row it scores ${n(r(400_960).validationOneRow)} and ${n(r(800_800).validationOneRow)}, against ${
      n(point.validationOneRow)
    } and ${n(at(800_800).validationOneRow)} without the resets`,
  ));
  assert.ok(firstPassChart(fp, earlier).html.includes("<svg"));
  assert.equal(stuckRowsTable(fp, 400_960).cells.length, 4);
});

Deno.test("data/models/brown-lstm: its size and test perplexity as README.md, data/README.md and notebook 08 state them", async () => {
  const root = new URL("../", import.meta.url);
  const bytes = (await Deno.stat(new URL("data/models/brown-lstm/weights.bin", root))).size;
  const fr = await readResults<FullRunFile>("full_run.json");
  assert.equal(bytes, 2 * fr.training.parameters.total, "float16: two bytes a parameter");
  const mb = `${(bytes / 1e6).toFixed(1)} MB`, perplexity = fr.scores.test.lstm.perplexity.toFixed(1);
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const dataReadme = await Deno.readTextFile(new URL("data/README.md", root));
  const nb08 = await readNotebook(new URL("notebooks/08-next-word-model.ipynb", root).pathname);
  const md08 = nb08.cells.filter((c) => c.cell_type === "markdown").map(sourceOf).join("\n");
  assert.ok(readme.includes(`in float16, ${mb}`) && readme.includes(`test perplexity ${perplexity})`), "README.md");
  assert.ok(readme.includes(`# its test perplexity (${perplexity})`), "README.md's task list");
  assert.ok(dataReadme.includes(`float16 copy (${mb})`) && dataReadme.includes(`test perplexity ${perplexity},`));
  assert.ok(dataReadme.includes(`${fr.training.parameters.total.toLocaleString("en-US")} parameters`));
  assert.ok(md08.includes(`in float16, ${mb}.`), "notebook 08");
});
