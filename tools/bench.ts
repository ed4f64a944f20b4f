/**
 * `deno task bench`: training throughput of the course's next-word model, one line per engine and config.
 *
 *   deno task bench [--json] [--quick] [--engine NAME] [--config NAME]
 *
 * --quick (under a minute) measures 10 steps of the default engine and of `scratch`; without it every
 * engine runs (about 6 minutes, most of it tfjs-cpu).
 *
 * Configs (batches of 32 windows of T = 35 tokens, Adam, gradients clipped at norm 5):
 *   brown-base  V 10,000, E 128, H 256
 *   small       V 2,000,  E 64,  H 128
 * Engines, each in its own process (tfjs's backend and kernels are global):
 *   tfjs-wasm+blas  the course's default: WASM plus native BLAS for large products (lib/tfjs.ts), when found
 *   tfjs-wasm       WASM with the course's kernels, no BLAS
 *   tfjs-cpu        tfjs's pure-JavaScript backend (small only, and not with --quick: about 23 s a step)
 *   scratch         this library alone, no tfjs (lib/lm.ts; small only)
 * tfjs engines are timed on `trainWordLM`, the path notebooks 08–09 and `deno task nextword` use, with
 * random ids; warm-up steps are excluded and the median step of the rest reported (at least 10).
 * PyTorch's figure for the same configs: `tools/bench_pytorch.py`, run where PyTorch is installed.
 */

import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initScratchLM, seededRng, trainScratchLM } from "@course/lib";
import { initTfjs, tfjsEngine } from "@course/lib/tfjs.ts";
import { loadBlas } from "@course/lib/_blas.ts";
import { disposeWordLM, initWordLM, trainWordLM } from "@course/lib/wordlm.ts";

const CONFIGS = {
  "brown-base": { vocabularySize: 10_000, embeddingSize: 128, hiddenSize: 256 },
  small: { vocabularySize: 2_000, embeddingSize: 64, hiddenSize: 128 },
} as const;
type ConfigName = keyof typeof CONFIGS;
const B = 32, T = 35;
const ENGINES = ["tfjs-wasm+blas", "tfjs-wasm", "tfjs-cpu", "scratch"] as const;
type EngineName = typeof ENGINES[number];

const { values } = parseArgs({
  args: Deno.args,
  options: {
    json: { type: "boolean" },
    quick: { type: "boolean" },
    engine: { type: "string" },
    config: { type: "string" },
    child: { type: "boolean" },
  },
});

function configsOf(engine: EngineName): ConfigName[] {
  if (engine === "tfjs-cpu") return values.quick ? [] : ["small"];
  if (engine === "tfjs-wasm" && values.quick && loadBlas() !== null) return []; // --quick: the default engine only
  if (engine === "scratch") return ["small"];
  return ["brown-base", "small"];
}

function median(xs: number[]): number {
  const s = xs.toSorted((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Step times (ms) of `warmup + measured` training steps on random ids. */
async function stepTimes(engine: EngineName, configName: ConfigName, steps: number): Promise<number[]> {
  const config = CONFIGS[configName];
  const rng = seededRng(1);
  const ids = Int32Array.from({ length: steps * B * T + 1 }, () => rng.int(config.vocabularySize));
  const times: number[] = [];
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    times.push(now - last);
    last = now;
  };
  if (engine === "scratch") {
    await trainScratchLM(initScratchLM({ ...config, seed: 0 }), ids, { batchSize: B, seqLength: T, onBatch: tick });
  } else {
    const model = initWordLM({ ...config, seed: 0 });
    await trainWordLM(model, ids, { batchSize: B, seqLength: T, onBatch: tick });
    disposeWordLM(model);
  }
  return times;
}

async function runChild(engine: EngineName) {
  let label: string = engine;
  if (engine === "tfjs-cpu") {
    tf.enableProdMode();
    await tf.setBackend("cpu");
  } else if (engine !== "scratch") {
    await initTfjs({ blas: engine === "tfjs-wasm+blas" });
    label = tfjsEngine();
    if (engine === "tfjs-wasm+blas" && label === "tfjs-wasm") {
      console.error("no native BLAS found: tfjs-wasm+blas is the same as tfjs-wasm here; skipped");
      return;
    }
  }
  for (const configName of configsOf(engine)) {
    if (values.config && configName !== values.config) continue;
    const warmup = engine === "tfjs-cpu" ? 1 : 2;
    const measured = values.quick ? 10 : engine === "tfjs-cpu" ? 10 : 20;
    const kept = (await stepTimes(engine, configName, warmup + measured)).slice(warmup);
    const stepMs = median(kept);
    const result = {
      engine: label,
      config: configName,
      tokens_per_s: Math.round((B * T) / (stepMs / 1000)),
      step_ms_median: Number(stepMs.toFixed(1)),
      steps: kept.length,
    };
    if (values.json) console.log(JSON.stringify(result));
    else {
      console.log(
        `${result.engine.padEnd(42)} ${result.config.padEnd(11)} ${
          String(result.tokens_per_s).padStart(7)
        } tokens/s  ` +
          `(median step ${result.step_ms_median} ms over ${result.steps} steps)`,
      );
    }
  }
}

if (values.child) {
  await runChild(values.engine as EngineName);
} else {
  const chosen = values.engine === undefined ? ENGINES : ENGINES.filter((e) => e === values.engine);
  if (chosen.length === 0) {
    console.error(`error: unknown engine ${JSON.stringify(values.engine)}; choose one of ${ENGINES.join(", ")}`);
    Deno.exit(1);
  }
  if (!values.json) {
    console.log(
      `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, tfjs ${tf.version.tfjs}; batch ${B} × ${T} tokens`,
    );
  }
  for (const engine of chosen) {
    const args = ["run", "--allow-all", new URL(import.meta.url).pathname, "--child", "--engine", engine];
    if (values.json) args.push("--json");
    if (values.quick) args.push("--quick");
    if (values.config) args.push("--config", values.config);
    const { success } = await new Deno.Command(Deno.execPath(), { args, stdout: "inherit", stderr: "inherit" })
      .output();
    if (!success) Deno.exit(1);
  }
}
