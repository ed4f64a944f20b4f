// The sentences notebook 09's markdown states about data/results/experiments.json, rebuilt from the
// results: tests/experiments_test.ts checks that each appears in the notebook as it stands, so that a
// new run of the experiments fails the tests until the notebook's text follows it.

import {
  curveAt,
  type ExperimentsFile,
  type FullRunFile,
  type OneEpochFile,
  type SeededRun,
  seedRange,
  seedVerdict,
} from "@course/lib/course/experiments.ts";
import { earlyStoppingPoint } from "@course/lib/engine/wordlm.ts";

/** data/results/layers_crosscheck.json (`deno task crosscheck:layers`). */
export interface LayersCrosscheck {
  readonly tokens: number;
  readonly course: Readonly<Record<string, number>>;
  readonly pytorch: Readonly<Record<string, number>>;
}

/**
 * How long `deno task experiments` took, in whole minutes: from the first training's start (its end
 * `date` less its `wallSeconds`) to the last one's end, over every seed's saved result.
 */
export function wallMinutes(full: ExperimentsFile): number {
  const seeds = Object.values(full.runs).flatMap((r) => r.seeds) as unknown as { date: string; wallSeconds: number }[];
  const ends = seeds.map((s) => Date.parse(s.date) / 1000);
  const starts = seeds.map((s, k) => ends[k] - s.wallSeconds);
  return Math.round((Math.max(...ends) - Math.min(...starts)) / 60);
}

/** Every sentence, by the section it belongs to. */
export function claims09(
  full: ExperimentsFile,
  cross: LayersCrosscheck,
  knValid: number,
): Record<string, string[]> {
  const run = (id: string): SeededRun => full.runs[id];
  const v = (id: string) => run(id).finalValidPerplexity;
  const pm = (id: string) => `**${v(id).toFixed(1)}** (seeds ${seedRange(run(id))})`;
  const pct = (a: string, b: string) => `${Math.abs(100 * (v(a) / v(b) - 1)).toFixed(1)} %`;
  const dir = (a: string, b: string) => (v(a) < v(b) ? "better" : "worse");
  const band = (a: string, b: string) =>
    seedVerdict(run(a), run(b)) === "within the seed band" ? "within the seed bands" : "beyond the seed bands";
  const compared = (a: string, b: string) => `${pct(a, b)} ${dir(a, b)}, ${band(a, b)}`;
  const speed = (id: string) => Math.round(run(id).tokensPerSecond).toLocaleString("en-US");
  const passes = (id: string) => run(id).curve.at(-1)!.epoch.toFixed(1);
  const n = (x: number) => x.toFixed(0);
  const updates = (id: string) =>
    Math.ceil(run(id).budgetTokens / (run(id).options.batchSize! * run(id).options.seqLength!)).toLocaleString(
      "en-US",
    );
  const slice = run("slice").curve.map((c) => c.validPerplexity);
  const { stop, kept } = earlyStoppingPoint(slice, 2);
  const small = run("data50k").curve.map((c) => c.validPerplexity);
  const lowest = small.indexOf(Math.min(...small));
  const dropouts = ["sliceDrop3", "sliceDrop5", "sliceRec3"];
  const bestDropout = dropouts.reduce((a, b) => (v(a) <= v(b) ? a : b));
  const optimisers = ["lr002", "base", "lr02", "sgd"];
  const bestOpt = optimisers.reduce((a, b) => (v(a) <= v(b) ? a : b));
  const worstOpt = optimisers.reduce((a, b) => (v(a) >= v(b) ? a : b));
  const label = (id: string) => id === "base" ? "Adam 0.01" : run(id).label;
  const sameToTheDigit = run("noclip").seeds.every((s, k) =>
    s.finalValidPerplexity === run("base").seeds[k].finalValidPerplexity
  );
  // Runs that do the same work per token (the base model's size, T 35, Adam): their speeds differ only by noise.
  const sameWork = ["base", "data50k", "data200k", "drop3", "forget0", "noclip", "lr002", "lr02", "constant", "nocarry"]
    .map((id) => run(id).tokensPerSecond);
  const noise = `${(100 * (Math.max(...sameWork) / Math.min(...sameWork) - 1)).toFixed(0)} %`;
  // A run's validation perplexity after `seconds` of training, read off its mean curve (log-linear between points).
  const atSeconds = (id: string, seconds: number) => {
    const p = curveAt(run(id), "seconds", seconds);
    if (p === undefined) throw new RangeError(`${id} has no curve point on both sides of ${seconds} s`);
    return p;
  };
  const whenBaseEnded = (id: string) => {
    const end = run("base").curve.at(-1)!;
    return `after ${n(end.seconds)} s, when the base model had finished at ${n(end.validPerplexity)}, ${
      run(id).label
    } stood at ${n(atSeconds(id, end.seconds))}`;
  };
  const bestLabel = (id: string) =>
    (id === "base" ? "all the training text" : run(id).label).replace("20,000-token slice, ", "");
  return {
    intro: [
      `regenerates the file (${wallMinutes(full)} minutes on the course's 2-core machine, two trainings at a time;`,
    ],
    method: [
      `the base model ends at ${pm("base")} on the whole validation split, ${
        (v("base") / knValid).toFixed(2)
      } × the Kneser–Ney trigram's ${knValid.toFixed(1)}`,
    ],
    data: [
      `50,000 different tokens gone round ${passes("data50k")} times give ${pm("data50k")}, 200,000 tokens gone round ${
        passes("data200k")
      } times ${pm("data200k")}, and the whole split once ${pm("base")}.`,
      `Repeating a small text ends at ${
        (v("data50k") / v("base")).toFixed(2)
      } times the perplexity of reading fresh text for the same number of steps`,
      `the 50,000-token run was at its lowest measured point, ${n(small[lowest])}, after ${
        run("data50k").curve[lowest].epoch.toFixed(1)
      } passes, and ended at ${
        n(small.at(-1)!)
      } (on the 32,000-token sample), while its training perplexity fell from ${
        n(run("data50k").curve[0].trainPerplexity)
      } to ${n(run("data50k").curve.at(-1)!.trainPerplexity)}`,
      `the tokens/s of the runs that do the same work per token (the base model's size, T 35, Adam) differ by up to ${noise}`,
    ],
    epochs: [
      `After each pass, validation perplexity on the 32,000-token sample (the mean of the seeds) was ${
        slice.map(n).join(", ")
      }, and training perplexity ${run("slice").curve.map((c) => n(c.trainPerplexity)).join(", ")}.`,
      `early stopping with a patience of 2 stops after pass ${stop + 1} and keeps the weights of pass ${
        kept + 1
      }, perplexity **${slice[kept].toFixed(1)}**, against ${slice.at(-1)!.toFixed(1)} for training on`,
    ],
    embedding: [
      `E = 32 gives ${pm("emb32")}, E = 128 ${pm("base")}, E = 256 ${pm("emb256")}, at ${speed("emb32")}, ${
        speed("base")
      } and ${speed("emb256")} tokens/s.`,
      `E = 256 is ${compared("emb256", "base")}; E = 32 is ${compared("emb32", "base")}.`,
    ],
    hidden: [
      `H = 64 gives ${pm("hid64")}, H = 128 ${pm("base")}, H = 256 ${pm("hid256")}; H = 256 trains at ${
        speed("hid256")
      } tokens/s against ${speed("base")} for H = 128.`,
      `Per token, H = 256 is ${compared("hid256", "base")}; H = 64 is ${compared("hid64", "base")}.`,
      `Per second it is another story: ${whenBaseEnded("hid256")} on the same sample`,
    ],
    layers: [
      `Two layers give ${pm("layers2")} against ${pm("base")} for one, at ${speed("layers2")} against ${
        speed("base")
      } tokens/s.`,
      `after ${cross.tokens.toLocaleString("en-US")} tokens PyTorch's two layers score ${
        n(cross.pytorch[2])
      } and its one ${n(cross.pytorch[1])}; the course's, ${n(cross.course[2])} and ${n(cross.course[1])}.`,
    ],
    dropout: [
      `Dropout 0.3 gives ${pm("drop3")} against ${pm("base")} without: ${compared("drop3", "base")}.`,
    ],
    dropoutSlice: [
      `After eight passes over the slice: no dropout ${pm("slice")}, dropout 0.3 ${pm("sliceDrop3")}, dropout 0.5 ${
        pm("sliceDrop5")
      }, recurrent dropout 0.3 ${pm("sliceRec3")}.`,
      `The best of the three, ${bestLabel(bestDropout)}, is ${compared(bestDropout, "slice")}`,
    ],
    forget: [
      `Forget bias 0 gives ${pm("forget0")}, forget bias 1 ${pm("base")}: bias 0 is ${compared("forget0", "base")}.`,
    ],
    clip: [
      `Without clipping: ${pm("noclip")}; with the norm clipped to 5: ${pm("base")}.`,
      sameToTheDigit
        ? "The same runs to the last digit, for every seed: no gradient here ever reached the limit"
        : `Clipping changed the runs: without it ${compared("noclip", "base")}`,
    ],
    optimiser: [
      `Adam 0.002: ${pm("lr002")}, Adam 0.01: ${pm("base")}, Adam 0.02: ${pm("lr02")}, SGD 1.0: ${pm("sgd")}.`,
      `The best of the four, ${label(bestOpt)}, is ${
        (v(worstOpt) / v(bestOpt)).toFixed(2)
      } times better than the worst, ${label(worstOpt)}`,
    ],
    schedule: [
      `Kept at 0.01 to the end: ${pm("constant")}; decayed to a tenth: ${pm("base")}. Without the decay the run ends ${
        compared("constant", "base")
      }.`,
    ],
    bptt: [
      `T = 5: ${pm("bptt5")}, T = 35: ${pm("base")}, T = 100: ${pm("bptt100")}, T = 35 without the carried state: ${
        pm("nocarry")
      }.`,
      `the number of updates: ${updates("bptt5")} for T = 5, ${updates("base")} for T = 35, ${
        updates("bptt100")
      } for T = 100.`,
      `Per token, T = 5 is ${compared("bptt5", "base")}, at ${speed("bptt5")} against ${speed("base")} tokens/s:`,
      `${whenBaseEnded("bptt5")} on the 32,000-token sample.`,
      `Starting every window from zero is ${compared("nocarry", "base")}.`,
    ],
    tied: [
      `Tied: ${pm("tied")} with ${run("tied").parameters.toLocaleString("en-US")} parameters; untied: ${
        pm("base")
      } with ${run("base").parameters.toLocaleString("en-US")}.`,
      `After one epoch tying is ${compared("tied", "base")}, with ${
        (100 * (1 - run("tied").parameters / run("base").parameters)).toFixed(0)
      } % fewer parameters.`,
    ],
    gru: [
      `GRU: ${pm("gru")} at ${speed("gru")} tokens/s; LSTM: ${pm("base")} at ${speed("base")} tokens/s.`,
      `The GRU is ${compared("gru", "base")}.`,
    ],
  };
}

/**
 * The sentences of notebook 09's section 4 about the full run (data/results/full_run.json), the
 * one-epoch model and the earlier full run, rebuilt from their files.
 */
export function claimsFullRun(fr: FullRunFile, oneEpoch: OneEpochFile, earlier: FullRunFile): string[] {
  const t = fr.scores.test, tr = fr.training, curve = tr.curve;
  const ratio = (x: number) => (x / t.knTrigram).toFixed(2);
  const one = (x: number) => x.toFixed(1);
  const epochsAt = (k: number) => curve[k].tokens / (tr.tokens / tr.epochs);
  const at = (epochs: number) => {
    const k = curve.findIndex((_, j) => Math.abs(epochsAt(j) - epochs) < 0.01);
    if (k < 0) throw new RangeError(`no curve point at ${epochs} epochs`);
    return curve[k];
  };
  const end = curve.at(-1)!, middle = at(6.5);
  const fell = (a: number, b: number) => `${(100 * (1 - b / a)).toFixed(0)} %`;
  const m = tr.machine;
  const ratioEarlier = (earlier.scores.test.lstm.perplexity / earlier.scores.test.knTrigram).toFixed(2);
  return [
    `Validation perplexity falls fast for the first two epochs (${n0(at(0.5).validPerplexity)} after half an epoch, ${
      n0(at(2).validPerplexity)
    } after two), then slowly: ${n0(at(6).validPerplexity)} after six, ${one(end.validPerplexity)} at the end (${
      tr.epochs.toFixed(1)
    } epochs).`,
    `Over the second half of the hour, from 6.5 epochs on, it fell ${
      fell(middle.validPerplexity, end.validPerplexity)
    }, while training perplexity (dropout on) fell ${fell(middle.trainPerplexity, end.trainPerplexity)}, from ${
      n0(middle.trainPerplexity)
    } to ${n0(end.trainPerplexity)}, and ended below validation perplexity (${n0(end.trainPerplexity)} against ${
      n0(end.validPerplexity)
    })`,
    `Read with dropout off, as validation text is, a 32,000-token sample of the training text spread the same way scores ${
      one(fr.fit!.train)
    } at the end, against ${one(fr.fit!.valid)} on the validation sample`,
    `The full run trained ${tr.tokens.toLocaleString("en-US")} tokens (${tr.epochs.toFixed(1)} epochs) in ${
      (tr.seconds / 60).toFixed(1)
    } minutes at ${Math.round(tr.tokensPerSecond).toLocaleString("en-US")} tokens/s on ${m.cores} cores (${
      m.engine.replace("tfjs-wasm + BLAS (libopenblas.so.0)", "tfjs-wasm with OpenBLAS")
    }, Deno ${m.deno}), on ${tr.date.slice(0, 10)}.`,
    `Alone, the LSTM reaches test perplexity **${one(t.lstm.perplexity)}**, ${
      ratio(t.lstm.perplexity)
    } × the Kneser–Ney trigram's ${one(t.knTrigram)}, and ${
      (oneEpoch.test.perplexity / t.lstm.perplexity).toFixed(2)
    } times better than the one-epoch model`,
    `Mixed with the trigram (weights ${
      fr.mixtures.lstmPlusKn.weights.map((w) => w.toFixed(2)).join(" and ")
    }) it reaches **${one(t.lstmPlusKn)}**, ${ratio(t.lstmPlusKn)} × the trigram, and with the cache as well (weights ${
      fr.mixtures.lstmPlusKnPlusCache.weights.map((w) => w.toFixed(2)).join(", ").replace(/, (\S+)$/, " and $1")
    }) **${one(t.lstmPlusKnPlusCache)}**, ${ratio(t.lstmPlusKnPlusCache)} × the trigram.`,
    `Top-1 accuracy of the LSTM alone: ${(100 * t.lstm.top1).toFixed(1)} %; top-5: ${
      (100 * t.lstm.top5).toFixed(1)
    } %.`,
    `The earlier full run (the last subsection of this section) reached ${
      one(earlier.scores.test.lstm.perplexity)
    } alone, ${ratioEarlier} × the trigram.`,
    `The LSTM alone: ${ratio(t.lstm.perplexity)} × the trigram; the LSTM + KN trigram: ${
      ratio(t.lstmPlusKn)
    } ×; the LSTM + KN trigram + cache: ${ratio(t.lstmPlusKnPlusCache)} ×`,
    `(on the test split; on the validation split the ratios are ${
      (fr.scores.valid.lstm.perplexity / fr.scores.valid.knTrigram).toFixed(2)
    } and ${(fr.scores.valid.lstmPlusKn / fr.scores.valid.knTrigram).toFixed(2)})`,
  ];
}

const n0 = (x: number) => x.toFixed(0);

/**
 * The sentences of notebook 09's section 11 about data/results/recipe_regime.json (`deno task experiments
 * --recipe`): each choice of the recipe undone, against the recipe, as a signed change; and the forget bias's
 * change beside the spread of the base run's seeds, the noise a one-seed difference must beat.
 */
export function claimsRecipe(regime: ExperimentsFile, full: ExperimentsFile): string[] {
  const v = (id: string) => regime.runs[id].finalValidPerplexity;
  const pct = (id: string) => `${(100 * (v(id) / v("recipe") - 1)).toFixed(1)} %`;
  const base = full.runs.base;
  const spread = `${(100 * (base.finalRange[1] / base.finalRange[0] - 1)).toFixed(1)} %`;
  const spreadOf = (id: string) => (v(id) / v("recipe") - 1) / (base.finalRange[1] / base.finalRange[0] - 1);
  const ratios = ["recipeUntied", "recipeNoDropout", "recipeLr02"].map(spreadOf);
  if (Math.min(...ratios) < 10 || Math.max(...ratios) > 40) {
    throw new RangeError(`"those three are 10 to 40 times it" no longer holds: ${ratios.map((r) => r.toFixed(1))}`);
  }
  return [
    "With one seed each, a difference counts only well beyond the seeds' spread of the one-pass runs; those three are 10 to 40 times it.",
    `untied embeddings (+${pct("recipeUntied")}), no dropout (+${pct("recipeNoDropout")}) and Adam at 0.02 (+${
      pct("recipeLr02")
    })`,
    `The forget bias makes no difference one seed can tell: bias 0 ends ${
      v("recipeForget0") > v("recipe") ? "+" : "−"
    }${pct("recipeForget0").replace("-", "")} against the recipe, less than the ${spread} between the base run's seeds`,
  ];
}
