/**
 * `deno task bench`: training throughput of the course's next-word model, one line per engine and config.
 *
 *   deno task bench [--json] [--quick] [--engine NAME[,NAME…]] [--config NAME]
 *
 * --quick (under a minute) measures 10 steps of the default engine and of `scratch`; without it every
 * engine runs (about 6 minutes, most of it tfjs-cpu).
 *
 * Configs (batches of 32 windows of T = 35 tokens, Adam, gradients clipped at norm 5):
 *   brown-base  V 10,000, E 128, H 256
 *   small       V 2,000,  E 64,  H 128
 * Engines, each in its own process (tfjs's backend and kernels are global):
 *   tfjs-wasm+blas  the course's default: WASM plus native BLAS for large products (lib/engine/tfjs.ts), when found
 *   tfjs-wasm       WASM with the course's kernels, no BLAS
 *   tfjs-cpu        tfjs's pure-JavaScript backend (small only, and not with --quick: about 23 s a step)
 *   scratch         this library alone, no tfjs (lib/core/scratch_lm.ts; small only)
 * tfjs engines are timed on `trainWordLM`, the path notebooks 08–09 and `deno task nextword` use, with
 * random ids; warm-up steps are excluded and the median step of the rest reported (at least 10). Under
 * each tfjs line, where a step's time goes (mean ms a step, `lib/engine/_phases.ts`): matrix products (BLAS, or
 * WASM below its size threshold), softmax and cross-entropy (forward and gradient), the LSTM's
 * element-wise work (the fused layer's gates, forward and backward), Adam and clipping, gathers and
 * scatters (the embedding), and the rest (tfjs's per-operation dispatch and autograd, copies).
 *   pytorch         tools/bench/bench_pytorch.py (Debian's python3-torch with OpenBLAS), when python3 can import torch;
 *                   it reports the faster of 1 thread and all cores
 *   matrix products alone  after the default engine, each config's step with nothing but its matrix
 *                   products (the same BLAS, the same shapes): the ceiling of any fp32 engine on this machine
 * Every engine runs in the same invocation, one after the other, so the ratios compare like with like;
 * the summary gives each tfjs engine's tokens/s (and the products' ceiling) as a multiple of PyTorch's
 * on the same config. `--engine tfjs-wasm+blas,pytorch` runs just those two (about a minute).
 */

import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initScratchLM, seededRng, trainScratchLM } from "@course/lib";
import { initTfjs, tfjsEngine } from "@course/lib/engine/tfjs.ts";
import { loadBlas } from "@course/lib/engine/_blas.ts";
import { type Phase, PHASES, phaseTotals, recordPhases, timed } from "@course/lib/engine/_phases.ts";
import { disposeWordLM, initWordLM, trainWordLM } from "@course/lib/engine/wordlm.ts";

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

/**
 * Step times (ms) of `warmup + measured` training steps on random ids, and after each step the time
 * spent so far in each phase (`lib/engine/_phases.ts`; empty for `scratch`).
 */
async function stepTimes(
  engine: EngineName,
  configName: ConfigName,
  steps: number,
): Promise<{ times: number[]; phases: Map<string, number>[] }> {
  const config = CONFIGS[configName];
  const rng = seededRng(1);
  const ids = Int32Array.from({ length: steps * B * T + 1 }, () => rng.int(config.vocabularySize));
  const times: number[] = [], phases: Map<string, number>[] = [];
  recordPhases(true);
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    times.push(now - last);
    phases.push(phaseTotals());
    last = now;
  };
  if (engine === "scratch") {
    await trainScratchLM(initScratchLM({ ...config, seed: 0 }), ids, { batchSize: B, seqLength: T, onBatch: tick });
  } else {
    const model = initWordLM({ ...config, seed: 0 });
    await trainWordLM(model, ids, { batchSize: B, seqLength: T, onBatch: tick });
    disposeWordLM(model);
  }
  recordPhases(false);
  return { times, phases };
}

/**
 * Where the measured steps' time went: each phase's mean ms a step (the totals after the warm-up
 * steps subtracted), and the rest of the mean step: tfjs's dispatch and autograd bookkeeping, copies,
 * the embedding's gradient outside its scatter, and whatever no phase covers.
 */
function phaseProfile(times: number[], phases: Map<string, number>[], warmup: number): Record<string, number> {
  const n = times.length - warmup, mean = times.slice(warmup).reduce((a, b) => a + b, 0) / n;
  const before = phases[warmup - 1] ?? new Map(), after = phases.at(-1)!;
  const profile: Record<string, number> = {};
  let covered = 0;
  for (const phase of PHASES) {
    const ms = ((after.get(phase) ?? 0) - (before.get(phase) ?? 0)) / n;
    profile[phase] = Number(ms.toFixed(1));
    covered += ms;
  }
  profile["the rest"] = Number((mean - covered).toFixed(1));
  profile["mean step"] = Number(mean.toFixed(1));
  return profile;
}

/**
 * tfjs kernels timed as phases, wrapped here: the embedding's gather and the scatter of its gradient, and the
 * matrix products (which `lib/engine/tfjs.ts` times itself when BLAS runs them; without BLAS they are WASM's own).
 */
function timeKernels(): void {
  const phases: [string, Phase][] = [
    ["GatherV2", "gathers and scatters"],
    ["UnsortedSegmentSum", "gathers and scatters"],
    ["ScatterNd", "gathers and scatters"],
    ["GatherNd", "gathers and scatters"],
    ["BatchMatMul", "matrix products"],
    ["_FusedMatMul", "matrix products"],
  ];
  for (const [name, phase] of phases) {
    const kernel = tf.getKernel(name, tf.getBackend());
    if (kernel === undefined) continue;
    const inner = kernel.kernelFunc;
    tf.unregisterKernel(name, tf.getBackend());
    tf.registerKernel({
      ...kernel,
      kernelFunc: ((args: Parameters<typeof inner>[0]) => timed(phase, () => inner(args))) as never,
    });
  }
}

/**
 * The floor under any fp32 engine on this machine: the matrix products of one training step alone,
 * through the same BLAS, with nothing else (no softmax, no gates, no optimizer). Shapes for N = B·T
 * tokens and G = 4H, as the fused engine runs them: forward x·W [N,E]×[E,G], T × hPrev·R [B,H]×[H,G],
 * h·W_out [N,H]×[H,V]; backward dlogits·W_out [N,V]×[V,H], hᵀ·dlogits [H,N]×[N,V], T × dz·Rᵀ
 * [B,G]×[G,H], Σ hPrevᵀ·dz [H,N]×[N,G], xᵀ·dz [E,N]×[N,G], dz·Wᵀ [N,G]×[G,E]. Returns the median of
 * 7 repetitions (ms) and the GFLOP per step.
 */
function productsFloor(configName: ConfigName): { ms: number; gflop: number } | null {
  const blas = loadBlas();
  if (blas === null) return null;
  const { vocabularySize: V, embeddingSize: E, hiddenSize: H } = CONFIGS[configName];
  const N = B * T, G = 4 * H;
  // [transA, transB, M, N, K, repeats]
  const products: [boolean, boolean, number, number, number, number][] = [
    [false, false, N, G, E, 1],
    [false, false, B, G, H, T],
    [false, false, N, V, H, 1],
    [false, false, N, H, V, 1],
    [true, false, H, V, N, 1],
    [false, true, B, H, G, T],
    [true, false, H, G, N, 1],
    [true, false, E, G, N, 1],
    [false, true, N, E, G, 1],
  ];
  const rng = seededRng(2);
  const random = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);
  const operands = products.map(([, , m, n, k]) => [random(m * k), random(k * n), new Float32Array(m * n)] as const);
  const gflop = products.reduce((s, [, , m, n, k, r]) => s + 2 * m * n * k * r, 0) / 1e9;
  const times: number[] = [];
  for (let rep = 0; rep < 8; rep++) {
    const t0 = performance.now();
    products.forEach(([ta, tb, m, n, k, r], j) => {
      for (let i = 0; i < r; i++) blas.sgemm(ta, tb, m, n, k, operands[j][0], operands[j][1], operands[j][2]);
    });
    if (rep > 0) times.push(performance.now() - t0); // the first warms BLAS's threads and buffers
  }
  return { ms: median(times), gflop };
}

async function runChild(engine: EngineName) {
  let label: string = engine;
  if (engine === "tfjs-cpu") {
    tf.enableProdMode();
    await tf.setBackend("cpu");
  } else if (engine !== "scratch") {
    await initTfjs({ blas: engine === "tfjs-wasm+blas" });
    timeKernels();
    label = tfjsEngine() +
      (engine === "tfjs-wasm+blas" && Deno.env.get("COURSE_FUSED_LSTM") !== "0" ? ", fused LSTM" : "");
    if (engine === "tfjs-wasm+blas" && label === "tfjs-wasm") {
      console.error("no native BLAS found: tfjs-wasm+blas is the same as tfjs-wasm here; skipped");
      return;
    }
  }
  for (const configName of configsOf(engine)) {
    if (values.config && configName !== values.config) continue;
    const warmup = engine === "tfjs-cpu" ? 1 : 2;
    const measured = values.quick ? 10 : engine === "tfjs-cpu" ? 10 : 20;
    const run = await stepTimes(engine, configName, warmup + measured);
    const kept = run.times.slice(warmup);
    const stepMs = median(kept);
    const result = {
      engine: label,
      config: configName,
      tokens_per_s: Math.round((B * T) / (stepMs / 1000)),
      step_ms_median: Number(stepMs.toFixed(1)),
      steps: kept.length,
      // The process's resident memory after the steps: tfjs's WASM heap grows to its peak and stays.
      rss_mb: Math.round(Deno.memoryUsage().rss / 2 ** 20),
      tensors: engine === "scratch" ? undefined : tf.memory().numTensors,
      phases: engine === "scratch" ? undefined : phaseProfile(run.times, run.phases, warmup),
    };
    console.log(JSON.stringify(result)); // the parent collects, prints and compares
    const floor = engine === "tfjs-wasm+blas" ? productsFloor(configName) : null;
    if (floor !== null) {
      console.log(JSON.stringify({
        engine: `matrix products alone (${floor.gflop.toFixed(1)} GFLOP a step, the fp32 floor)`,
        config: configName,
        tokens_per_s: Math.round((B * T) / (floor.ms / 1000)),
        step_ms_median: Number(floor.ms.toFixed(1)),
        steps: 7,
        gflop_per_s: Math.round(floor.gflop / (floor.ms / 1000)),
        floor: true,
      }));
    }
  }
}

interface BenchResult {
  engine: string;
  config: string;
  tokens_per_s: number;
  step_ms_median: number;
  steps: number;
  rss_mb?: number;
  tensors?: number;
  /** Mean ms a step in each phase (`phaseProfile`), for tfjs engines. */
  phases?: Record<string, number>;
  /** The products-alone line: not an engine, the ceiling every fp32 engine here stays under. */
  floor?: boolean;
  gflop_per_s?: number;
}

/** The JSON lines a child wrote, or null when it failed. */
async function collect(cmd: string, args: string[]): Promise<BenchResult[] | null> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "inherit" }).output();
  if (!out.success) return null;
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}

function show(r: BenchResult) {
  if (values.json) console.log(JSON.stringify(r));
  else {
    console.log(
      `${r.engine.padEnd(52)} ${r.config.padEnd(11)} ${String(r.tokens_per_s).padStart(7)} tokens/s  ` +
        `(median step ${r.step_ms_median} ms over ${r.steps} steps${r.rss_mb ? `, ${r.rss_mb} MB resident` : ""})`,
    );
    if (r.phases) {
      const mean = r.phases["mean step"];
      const parts = Object.entries(r.phases).filter(([name]) => name !== "mean step")
        .map(([name, ms]) => `${name} ${ms} ms (${Math.round((100 * ms) / mean)} %)`);
      console.log(`${"".padEnd(4)}where a step goes (mean ${mean} ms): ${parts.join(", ")}`);
    }
  }
}

/** A python3 that can import torch: Debian's own first (a pyenv or venv python3 on PATH may lack it), or null. */
async function torchPython(): Promise<string | null> {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const { success } = await new Deno.Command(python, {
        args: ["-c", "import torch"],
        stdout: "null",
        stderr: "null",
      })
        .output();
      if (success) return python;
    } catch {
      // not installed here; try the next
    }
  }
  return null;
}

if (values.child) {
  await runChild(values.engine as EngineName);
} else {
  const all = [...ENGINES, "pytorch"] as const;
  const asked = values.engine?.split(",") ?? [...all];
  const unknown = asked.filter((e) => !(all as readonly string[]).includes(e));
  if (unknown.length > 0) {
    console.error(`error: unknown engine ${JSON.stringify(unknown[0])}; choose among ${all.join(", ")}`);
    Deno.exit(1);
  }
  const chosen = all.filter((e) => asked.includes(e));
  if (!values.json) {
    console.log(
      `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, tfjs ${tf.version.tfjs}; batch ${B} × ${T} tokens; ${
        new Date().toISOString().slice(0, 10)
      }`,
    );
  }
  const results: BenchResult[] = [];
  for (const engine of chosen) {
    let got: BenchResult[] | null;
    if (engine === "pytorch") {
      const python = await torchPython();
      if (python === null) {
        console.error("pytorch: no python3 here can import torch (Debian: apt install python3-torch); skipped");
        continue;
      }
      const script = new URL("bench_pytorch.py", import.meta.url).pathname;
      got = await collect(python, [script, ...(values.quick ? ["--quick"] : [])]);
      // bench_pytorch.py measures 1 thread and all cores: keep the faster per config.
      got = got &&
        Object.values(Object.groupBy(got, (r) => r.config)).map((rs) =>
          rs!.reduce((a, b) => (b.tokens_per_s > a.tokens_per_s ? b : a))
        ).filter((r) => !values.config || r.config === values.config);
    } else {
      const args = ["run", "--allow-all", new URL(import.meta.url).pathname, "--child", "--engine", engine, "--json"];
      if (values.quick) args.push("--quick");
      if (values.config) args.push("--config", values.config);
      got = await collect(Deno.execPath(), args);
    }
    if (got === null) Deno.exit(1);
    got.forEach(show);
    results.push(...got);
  }
  // Each engine as a multiple of PyTorch on the same config, measured in this run.
  const torch = results.filter((r) => r.engine.startsWith("pytorch"));
  const ratios = results.filter((r) => !r.engine.startsWith("pytorch")).flatMap((r) => {
    const ref = torch.find((t) => t.config === r.config);
    return ref
      ? [{
        engine: r.engine,
        config: r.config,
        ratio_to_pytorch: Number((r.tokens_per_s / ref.tokens_per_s).toFixed(2)),
      }]
      : [];
  });
  if (values.json) ratios.forEach((r) => console.log(JSON.stringify(r)));
  else if (ratios.length > 0) {
    console.log("\nagainst PyTorch, same config, this run:");
    for (const r of ratios) {
      console.log(`  ${r.engine.padEnd(50)} ${r.config.padEnd(11)} ${r.ratio_to_pytorch.toFixed(2)} ×`);
    }
  }
}
