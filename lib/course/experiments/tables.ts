/**
 * Notebook 09's and 09a's tables of results: the BPTT runs on three axes, the small scale beside the full
 * scale, the first-pass evidence, the full run's choices and test scores, and the summary of every experiment.
 *
 * @module
 */

import { type Table, table } from "../../charts/display.ts";
import { EXPERIMENTS, type ExperimentSpec, referenceOf, titleOf } from "./configs.ts";
import type { RunResult } from "./runner.ts";
import { curveAt, type SeededRun, seedRange, seedVerdict, signedChange } from "./stats.ts";
import type { ExperimentsFile, FirstPassFile, FullRunFile, OneEpochFile } from "./results.ts";

/**
 * The truncated-BPTT runs on three axes: at equal training tokens (the experiment's own axis), at equal updates
 * (a window of T tokens in each of B rows is one update, so a fixed token budget gives T = 5 seven times as many
 * updates as T = 35) and at equal seconds (the shortest run's time). Every value is the seeds' mean on the curve's
 * validation sample ({@linkcode curveAt}); "—" where a run has no measurement there.
 *
 * @throws {RangeError} if a BPTT run is missing from `full`
 */
export function bpttAxesTable(full: Pick<ExperimentsFile, "runs">): Table {
  const spec = EXPERIMENTS.find((e) => e.id === "bptt")!;
  const runs = spec.runs.map((id) => {
    const run = full.runs[id];
    if (!run) throw new RangeError(`Cannot compare the BPTT runs: run "${id}" is not in the results`);
    return run;
  });
  const updates = (r: SeededRun) => r.curve.at(-1)!.tokens / (r.options.batchSize! * r.options.seqLength!);
  const checkpoints = [...new Set(runs.map(updates))].sort((a, b) => a - b).filter((u) =>
    u < Math.max(...runs.map(updates))
  );
  const seconds = Math.min(...runs.map((r) => r.curve.at(-1)!.seconds));
  const cell = (x: number | undefined) => x === undefined ? "—" : x.toFixed(0);
  const tokens = runs[0].curve.at(-1)!.tokens;
  return table(
    runs.map((r) => ({
      run: r.label,
      "updates in the run": Math.ceil(updates(r) - 1e-9).toLocaleString("en-US"),
      "tokens/s": Math.round(r.tokensPerSecond).toLocaleString("en-US"),
      [`after ${tokens.toLocaleString("en-US")} tokens`]: cell(r.curve.at(-1)!.validPerplexity),
      ...Object.fromEntries(
        checkpoints.map((
          u,
        ) => [`after ${Math.ceil(u - 1e-9).toLocaleString("en-US")} updates`, cell(curveAt(r, "updates", u))]),
      ),
      [`after ${seconds.toFixed(0)} s`]: cell(curveAt(r, "seconds", seconds)),
    })),
    {
      caption:
        `Truncated-BPTT length T on three axes: validation perplexity on the ${
          runs[0].curveValidTokens.toLocaleString("en-US")
        }-token validation sample (mean of ${
          runs[0].seeds.length
        } seeds) at equal tokens, at equal updates and at equal ` +
        `seconds (the shortest run's time); log-linear between measured points; "—" where a run has no measurement ` +
        `there (before its first point or after its last)`,
    },
  );
}

/**
 * The small runs a notebook trained live beside their full-scale versions: each run's validation perplexity and its
 * rank among the runs at each scale (1 = best). Where the ranks differ, the small scale cannot judge the idea.
 *
 * @throws {RangeError} if a live run has no full-scale result in `full`
 */
export function smallVersusFullTable(
  full: Pick<ExperimentsFile, "runs">,
  live: Readonly<Record<string, RunResult>>,
): Table {
  const ids = Object.keys(live);
  for (const id of ids) {
    if (!full.runs[id]) throw new RangeError(`Cannot compare scales: run "${id}" has no full-scale result`);
  }
  const rank = (value: (id: string) => number) => {
    const order = [...ids].sort((a, b) => value(a) - value(b));
    return (id: string) => order.indexOf(id) + 1;
  };
  const small = (id: string) => live[id].finalValidPerplexity,
    large = (id: string) => full.runs[id].finalValidPerplexity;
  const smallRank = rank(small), largeRank = rank(large);
  return table(
    ids.map((id) => ({
      run: full.runs[id].label,
      "small scale, V = 2,000: valid perplexity": small(id),
      "rank at small scale": smallRank(id),
      "full scale, V = 10,000: valid perplexity": large(id),
      "rank at full scale": largeRank(id),
      "same rank?": smallRank(id) === largeRank(id) ? "yes" : "no",
    })),
    {
      caption: "The live small runs beside the full-scale runs they shrink: perplexities over different vocabularies " +
        "cannot be compared, their ranks can (1 = best)",
      digits: 1,
    },
  );
}

/** The stuck rows of the validation slice at one checkpoint: where each starts, on which word, how often training had read it. */
export function stuckRowsTable(fp: FirstPassFile, tokens: number): Table {
  const point = fp.checkpoints.find((c) => c.tokens === tokens);
  if (point?.validationRows === undefined) {
    throw new RangeError(`No row scores at ${tokens} tokens in first_pass.json: run deno task firstpass --rows`);
  }
  return table(
    point.validationRows.stuck.map((r) => ({
      row: r.row,
      "starts at validation token": (r.row * 1_562).toLocaleString("en-US"),
      "first word": r.firstWord,
      "read as an input so far": `${r.firstWordReadAsInput}×`,
      "the row's perplexity": r.perplexity.toExponential(1),
    })),
    { caption: `The stuck rows after ${tokens.toLocaleString("en-US")} training tokens (32 rows of 1,562 tokens)` },
  );
}

/**
 * The evidence of notebook 09's first-pass section in one table: the same checkpoints read six ways,
 * trained as the full run was (`first_pass.json`) and with every row restarted from zero every 100
 * windows (`first_pass_resets.json`), at the checkpoints `at` (by default the two the notebook quotes).
 *
 * @throws {RangeError} if a file has no checkpoint at one of `at`
 */
export function firstPassReadingsTable(
  fp: FirstPassFile,
  resets: FirstPassFile,
  at: readonly number[] = [400_960, 800_800],
): Table {
  const shared = fp.checkpoints.filter((c) =>
    at.includes(c.tokens) && resets.checkpoints.some((r) => r.tokens === c.tokens)
  );
  if (shared.length !== at.length) {
    throw new RangeError(`Cannot compare the first passes: both files need checkpoints at ${at.join(", ")} tokens`);
  }
  type Point = FirstPassFile["checkpoints"][number];
  const readings: [string, (c: Point) => number | null | undefined][] = [
    ["the curve's validation slice: 32 rows, each from a zero state", (c) => c.validation],
    ["the same, without its stuck rows (above 5,000)", (c) => c.validationRows?.withoutStuck],
    ["its first 20,000 tokens as one row, the state carried", (c) => c.validationOneRow],
    [
      "tokens 5,000 to 20,000 of that row",
      (c) => c.validationOneRowByPosition.find((b) => b.from === 5_000)?.perplexity,
    ],
    ["the last 50,000 training tokens read, 32 rows from zero, dropout off", (c) => c.lastTrainedWithoutDropout],
    ["training itself, dropout on (since the last checkpoint)", (c) => c.trainPerplexityWithDropout],
  ];
  const n = (x: number) => x.toLocaleString("en-US");
  return table(
    readings.map(([reading, get]) => ({
      reading,
      ...Object.fromEntries(shared.flatMap((c) => {
        const r = resets.checkpoints.find((p) => p.tokens === c.tokens)!;
        return [
          [`as the full run trained, ${n(c.tokens)} tokens`, get(c) ?? "–"],
          [`rows restarted every 100 windows, ${n(c.tokens)}`, get(r) ?? "–"],
        ];
      })),
    })),
    {
      caption:
        "Perplexity of the first pass's checkpoints read six ways (deno task firstpass; the right-hand columns: --reset-every 100)",
      digits: 0,
    },
  );
}

/**
 * Each of the full run's choices beside the experiment that speaks to it: the variant's change in
 * validation perplexity against its reference (negative is better).
 */
export function fullRunEvidence(full: Pick<ExperimentsFile, "runs">): Table {
  const choices: [string, string, string][] = [
    ["H = 512 (the experiments tried H = 256, with E = 128)", "hid256", "base"],
    ["E = H = 512, tied (tying needs E = H; the experiments tied at 128)", "tied", "base"],
    ["dropout 0.5, since an hour reads the text many times over", "sliceDrop5", "slice"],
    ["… which costs where text is read once", "drop3", "base"],
    ["Adam at 0.01 (0.02 won at H = 128; kept at 0.01 for a 4× larger H)", "lr02", "base"],
    ["Adam, not SGD", "sgd", "base"],
    ["decayed linearly to a tenth", "constant", "base"],
    ["state carried, rows restarted every 100 windows", "nocarry", "base"],
    ["forget bias 1", "forget0", "base"],
    ["clipping at 5", "noclip", "base"],
  ];
  const v = (id: string) => full.runs[id].finalValidPerplexity;
  return table(
    choices.map(([choice, variant, reference]) => ({
      choice,
      "what the experiments say": `${full.runs[variant].label}: ${
        signedChange(v(variant) / v(reference) - 1)
      } against ${full.runs[reference].label.split(":")[0]}`,
      "beyond the seeds?": seedVerdict(full.runs[variant], full.runs[reference]),
    })),
    {
      caption:
        "Each choice and the experiment that speaks to it (perplexity change of the variant against the reference, mean of 3 seeds: negative is better)",
    },
  );
}

/**
 * The test table of notebook 09: the unigram, the trigram, notebook 08's model, the full run's LSTM
 * and its two mixtures, each with its perplexity, its ratio to the trigram, its size and training time.
 *
 * @param knSeconds how long counting the trigram took here
 */
export function testScoreTable(fr: FullRunFile, oneEpoch: OneEpochFile, knSeconds: number): Table {
  const t = fr.scores.test;
  const time = (s: number) => (s < 60 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);
  const row = (model: string, perplexity: number, parameters: string, training: string) => ({
    model,
    "test perplexity": perplexity,
    "÷ KN trigram": (perplexity / t.knTrigram).toFixed(2),
    parameters,
    training,
  });
  const n = (x: number) => x.toLocaleString("en-US");
  const { embeddingSize: E, hiddenSize: H } = oneEpoch.config;
  return table([
    row("unigram", t.unigram, "10,000 counts", "counting"),
    row("Kneser–Ney trigram", t.knTrigram, "n-gram counts", time(knSeconds)),
    row(
      `the one-epoch model (notebook 08's LONG_RUN: E ${E}, H ${H})`,
      oneEpoch.test.perplexity,
      n(oneEpoch.parameters),
      time(oneEpoch.seconds),
    ),
    row(
      `the course's best model (full run, ${fr.training.epochs.toFixed(1)} epochs)`,
      t.lstm.perplexity,
      n(fr.training.parameters.total),
      time(fr.training.seconds),
    ),
    row("best model + KN trigram", t.lstmPlusKn, "both", "as above + weights fitted on validation"),
    row("best model + KN trigram + cache", t.lstmPlusKnPlusCache, "all three", "as above"),
  ], {
    caption: `Test split, V = 10,000: the trigram, the course's best model and its mixtures on the same ${
      n(t.tokens)
    } tokens; the unigram from the third token on, the one-epoch model on its own rows`,
    digits: 1,
  });
}

/**
 * Each experiment's best variant (lowest mean over the seeds) against its reference
 * ({@linkcode referenceOf}), with {@linkcode seedVerdict}, largest gain first: notebook 09's summary.
 */
export function bestVariants(full: Pick<ExperimentsFile, "runs">): {
  experiment: ExperimentSpec;
  reference: string;
  best: string;
  change: number;
  verdict: ReturnType<typeof seedVerdict>;
}[] {
  const v = (id: string) => full.runs[id].finalValidPerplexity;
  return EXPERIMENTS.filter((e) => e.runs.length > 1).map((experiment) => {
    const reference = referenceOf(experiment);
    const best = experiment.runs.filter((r) => r !== reference).reduce((a, b) => (v(a) <= v(b) ? a : b));
    return {
      experiment,
      reference,
      best,
      change: v(best) / v(reference) - 1,
      verdict: seedVerdict(full.runs[best], full.runs[reference]),
    };
  }).sort((a, b) => a.change - b.change);
}

/** A run's name as a variant in an experiment: the base run is "all the training text" in the data experiment. */
function variantLabel(experiment: ExperimentSpec, run: SeededRun): string {
  return experiment.id === "data" && run.id === "base" ? "all the training text (the base run)" : run.label;
}

/** {@linkcode bestVariants} as a table, with each best variant's seed range and speed against its reference. */
export function summaryTable(full: Pick<ExperimentsFile, "runs">): Table {
  return table(
    bestVariants(full).map(({ experiment, reference, best, change, verdict }) => ({
      idea: titleOf(experiment),
      "best variant": variantLabel(experiment, full.runs[best]),
      reference: full.runs[reference].label.split(":")[0],
      "valid perplexity": full.runs[best].finalValidPerplexity,
      "its seeds": seedRange(full.runs[best]),
      "change vs reference": signedChange(change),
      "reference's seeds": seedRange(full.runs[reference]),
      "beyond the seeds?": verdict,
      "tokens/s vs reference": `${
        (full.runs[best].tokensPerSecond / full.runs[reference].tokensPerSecond).toFixed(2)
      } ×`,
    })),
    {
      caption:
        "Each experiment's best variant against its reference, largest gain first (full scale, mean of 3 seeds on the whole validation split; negative change is better; a difference is real only beyond the seeds)",
      digits: 1,
    },
  );
}
