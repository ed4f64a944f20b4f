// deno task nextword (tools/cli/nextword.ts): the course's best model answers from a clean clone; a model
// trained into any folder is read back; every bad input gets exit code 2 and one line, no stack trace.
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../tools/cli/nextword.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** Runs the CLI in this process, capturing what it prints. */
async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    return { code: await main(args), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

Deno.test("predict reads a prompt as the corpus writes it: <eos> after a sentence end, the closing quote before the mark", async () => {
  const p = await cli("predict", "The jury met. It", "--json");
  assert.equal(p.code, 0, p.err.join("\n"));
  const answer = JSON.parse(p.out[0]);
  assert.deepEqual(answer.tokens, ["the", "jury", "met", ".", "<eos>", "it"]);
  // Measured 2026-12-06 (float16 model): is 36.0 %, was 21.5 % (read without <eos>: <unk> 8.2 %, "," 5.7 %).
  assert.deepEqual(answer.next.slice(0, 2).map((w: { word: string }) => w.word), ["is", "was"]);
  assert.ok(Math.abs(answer.next[0].p - 0.360) < 0.01, `is: ${answer.next[0].p}`);
  const q = await cli("predict", 'He said, "I will go."', "--json");
  assert.deepEqual(JSON.parse(q.out[0]).tokens.slice(-4), ["go", "''", ".", "<eos>"]);
  const g = await cli("generate", 'He said, "I will', "--words", "8", "--seed", "1");
  assert.match(g.out.at(-1)!, /^He said, \u201cI will /); // shown as text
  const raw = await cli("generate", 'He said, "I will', "--words", "8", "--seed", "1", "--raw");
  assert.match(raw.out.at(-1)!, /^he said , `` i will /); // --raw: the tokens
});

Deno.test("predict and generate answer from data/models/brown-lstm when no --model is given", async () => {
  const p = await cli("predict", "The jury said, that", "--json");
  assert.equal(p.code, 0, p.err.join("\n"));
  const answer = JSON.parse(p.out[0]);
  assert.deepEqual(answer.tokens, ["the", "jury", "said", ",", "that"]);
  assert.deepEqual(answer.unknown, []);
  assert.equal(answer.next.length, 5);
  assert.equal(answer.next[0].word, "the");
  assert.ok(answer.next.every((w: { word: string }) => w.word !== "<unk>"));
  const g1 = await cli("generate", "The king, who", "--words", "12", "--seed", "3", "--json");
  const g2 = await cli("generate", "The king, who", "--words", "12", "--seed", "3", "--json");
  assert.equal(g1.code, 0, g1.err.join("\n"));
  assert.deepEqual(JSON.parse(g1.out[0]).words, JSON.parse(g2.out[0]).words); // seeded
  assert.equal(JSON.parse(g1.out[0]).words.length, 12);
  assert.deepEqual(JSON.parse(g1.out[0]).sampling, { kind: "topP", p: 0.9 });
  const greedy = await cli("generate", "the city", "--greedy", "--words", "6", "--json");
  // As the full run recorded its own greedy text at the end of training (float32; the CLI reads float16).
  const recorded = JSON.parse(await Deno.readTextFile(join(ROOT, "data", "results", "full_run.json"))).training.samples;
  const last = recorded.at(-1).samples["the city"]["greedy"].split(" ");
  assert.deepEqual(JSON.parse(greedy.out[0]).words.slice(0, 4), last.slice(0, 4));
  const unk = await cli("predict", "the zzqx of the");
  assert.equal(unk.code, 0);
  assert.match(unk.out[0], /not in the vocabulary, read as <unk>: zzqx/);
});

Deno.test("train --model DIR writes a folder anywhere, which predict, generate and eval read back", async () => {
  const dir = join(await Deno.makeTempDir({ prefix: "course-model-" }), "my model");
  try {
    const child = await new Deno.Command(Deno.execPath(), {
      args: [
        "task",
        "nextword",
        "train",
        "--quick",
        "--minutes",
        "0.02",
        "--embedding",
        "8",
        "--hidden",
        "8",
        "--model",
        dir,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(child.stdout) + new TextDecoder().decode(child.stderr);
    assert.ok(child.success, text);
    for (const f of ["config.json", "weights.bin", "vocab.json"]) assert.ok((await Deno.stat(join(dir, f))).isFile, f);
    const p = await cli("predict", "the king", "--model", dir, "--k", "3", "--json");
    assert.equal(p.code, 0, p.err.join("\n"));
    assert.equal(JSON.parse(p.out[0]).next.length, 3);
    assert.equal((await cli("generate", "the king", "--model", dir, "--words", "3")).code, 0);
    const e = await cli("eval", "--model", dir, "--tokens", "2000", "--json");
    assert.equal(e.code, 0, e.err.join("\n"));
    assert.ok(JSON.parse(e.out[0]).perplexity > 1);
  } finally {
    await Deno.remove(dirname(dir), { recursive: true }).catch(() => {});
  }
});

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

Deno.test("every bad input: exit code 2, one line naming the problem, no stack trace (also with --json)", async () => {
  const empty = await Deno.makeTempDir();
  const notModel = await Deno.makeTempDir();
  await Deno.writeTextFile(join(notModel, "config.json"), '{"hello": 1}');
  await Deno.writeTextFile(join(notModel, "vocab.json"), "[]");
  await Deno.writeFile(join(notModel, "weights.bin"), new Uint8Array(4));
  const truncated = await Deno.makeTempDir();
  const model = join(ROOT, "data", "models", "brown-lstm");
  for (const f of ["config.json", "vocab.json"]) await Deno.copyFile(join(model, f), join(truncated, f));
  await Deno.writeFile(
    join(truncated, "weights.bin"),
    (await Deno.readFile(join(model, "weights.bin"))).subarray(0, 1000),
  );
  const corrupt = await Deno.makeTempDir();
  for (const f of ["weights.bin", "vocab.json"]) await Deno.copyFile(join(model, f), join(corrupt, f));
  await Deno.writeTextFile(join(corrupt, "config.json"), "{ not json");
  const cases: [string[], RegExp][] = [
    [["predict", ""], /the prompt is empty/],
    [["predict"], /the prompt is empty/],
    [["predict", "zzqx blorf"], /none of the prompt's words is in the model's vocabulary \(zzqx, blorf\)/],
    [["predict", "the", "--k", "0"], /--k must be a whole number >= 1 and <= 1000, got "0"/],
    [["predict", "the", "--k", "2.5"], /--k must be a whole number/],
    [["generate", "the", "--k", "0"], /--k must be a whole number >= 1, got "0"/],
    [["generate", "the", "--temperature", "0"], /--temperature must be a number > 0/],
    [["generate", "the", "--temperature", "hot"], /--temperature must be a number > 0 and <= 100, got "hot"/],
    [["generate", "the", "--top-p", "1.5"], /--top-p must be a number > 0 and <= 1, got "1.5"/],
    [["generate", "the", "--top-p", "0"], /--top-p must be a number > 0/],
    [["generate", "the", "--greedy", "--temperature", "0.7"], /--greedy takes no --temperature/],
    [["generate", "the", "--k", "5", "--top-p", "0.9"], /--k or --top-p, not both/],
    [["generate", "the", "--words", "-3"], /--words needs a value; for one that starts with "-", write --words=VALUE/],
    [["generate", "the", "--words=-3"], /--words must be a whole number >= 1/],
    [["generate", "the", "--k", "20000"], /k must be a whole number from 1 to 9999/],
    [["predict", "the", "--model", join(empty, "missing")], /missing\/config\.json does not exist/],
    [["predict", "the", "--model", empty], /config\.json does not exist/],
    [["predict", "the", "--model", notModel], /config\.json is not a wordlm-1 model/],
    [["predict", "the", "--model", truncated], /weights\.bin has 1000 bytes, expected/],
    [["predict", "the", "--model", corrupt], /config\.json is not valid JSON/],
    [["predict", "the", "--colour"], /Unknown option '--colour'/],
    [["predict", "the", "--seed", "1"], /predict takes no --seed/],
    [["eval", "--split", "train"], /--split must be test or valid, got "train"/],
    [["eval", "--tokens", "100"], /--tokens must be a whole number >= 1000, got "100"/],
    [
      ["predict", "the", "--model", join(model, "config.json")],
      /--model must be a model's folder; .*config\.json is a file/,
    ],
    [["predict", "the", "--model", ""], /--model needs a folder/],
    [
      ["train", "--tied", "--embedding", "8", "--hidden", "16"],
      /--tied needs --hidden equal to --embedding, got 16 and 8/,
    ],
    [["train", "--results", "/nonexistent/x.json"], /the folder \/nonexistent does not exist/],
    [["train", "--batch", "1000000"], /--batch 1000000 × --seq 35 is more than the 835,523 training tokens/],
    [["eval", "the words"], /eval takes no words/],
    [["fly"], /unknown command "fly"/],
    [[], /no command given/],
  ];
  const trainJson = await cli("train", "--json");
  assert.equal(trainJson.code, 2);
  assert.match(JSON.parse(trainJson.out[0]).error, /train takes no --json/);
  try {
    for (const [args, message] of cases) {
      const plain = await cli(...args);
      assert.equal(plain.code, 2, `${args.join(" ")}: exit ${plain.code}, ${plain.err.join(" | ")}`);
      assert.equal(plain.out.length, 0, args.join(" "));
      assert.equal(plain.err.length, 1, `${args.join(" ")}: ${plain.err.join(" | ")}`);
      assert.ok(!plain.err[0].includes("\n") && !/\bat .+:\d+:\d+/.test(plain.err[0]), plain.err[0]);
      assert.match(plain.err[0], message, args.join(" "));
      if (args[0] === "train") continue; // train takes no --json (checked above)
      const json = await cli(...args, "--json");
      assert.equal(json.code, 2, `${args.join(" ")} --json`);
      assert.equal(json.err.length, 0, `${args.join(" ")} --json: ${json.err.join(" | ")}`);
      assert.match(JSON.parse(json.out[0]).error, message);
    }
  } finally {
    for (const d of [empty, notModel, truncated, corrupt]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("the real process: exit code 2 and one line on stderr", async () => {
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["task", "nextword", "generate", "the", "--top-p", "1.5"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(child.code, 2);
  const lines = new TextDecoder().decode(child.stderr).trim().split("\n").filter((l) => !l.startsWith("Task "));
  assert.deepEqual(lines.length, 1, lines.join("\n"));
  assert.match(lines[0], /^error: --top-p must be a number > 0 and <= 1, got "1.5"/);
});

Deno.test("train that diverges fails at once (issue 32): exit code 2, one line naming the batch, nothing saved", async () => {
  const dir = await Deno.makeTempDir({ prefix: "course-diverged-" });
  try {
    const cases: [string, RegExp][] = [
      // Adam at 1e38 overflows the scores at batch 2: the library stops at the NaN loss.
      [
        "1e38",
        /^error: training diverged at batch 2 \(epoch 1\): its loss was NaN; try a smaller --lr \(it was 1e\+38\)\. Nothing was saved\.$/,
      ],
      // At 1e10 the weights stay far from float32's limit (about 3.4e38) but the loss is some 1e11 nats a token:
      // a perplexity beyond float64. (At 1e25 the scores may already overflow, to a NaN loss, depending on the
      // machine's BLAS kernels: seen on two machines.)
      [
        "1e10",
        /^error: training diverged at batch 2 \(epoch 1\): its loss was [\d.]+e\+\d+ nats a token, a perplexity beyond float64; try a smaller --lr/,
      ],
    ];
    for (const [lr, message] of cases) {
      const started = performance.now();
      const run = await cli("train", "--quick", "--minutes", "60", "--lr", lr, "--model", join(dir, lr));
      assert.equal(run.code, 2, run.err.join("\n"));
      assert.equal(run.err.length, 1, run.err.join(" | "));
      assert.match(run.err[0], message);
      assert.ok(performance.now() - started < 60_000, "at once, not after the hour");
      assert.deepEqual([...Deno.readDirSync(join(dir, lr))], [], "nothing saved");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
