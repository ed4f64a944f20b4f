/**
 * `deno task crosscheck:layers`: is a second LSTM layer's slow start (notebook 09) the model's, or a
 * fault of the course's code? Trains notebook 09's base model with 1 and with 2 stacked layers for
 * 150,000 tokens, in the course's library and in PyTorch (tools/research/layers_pytorch.py: the same
 * initialisation, data order and training), scores both on the experiments' 32,000-token validation
 * sample, and writes data/results/layers_crosscheck.json, which notebook 09 quotes.
 *
 *   deno task crosscheck:layers [--tokens 150000]
 *
 * Needs PyTorch for /usr/bin/python3 (Debian: `apt install python3-torch`); about 5 minutes on 2 cores.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { brownCorpus } from "@course/lib";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import { BASE_CONFIG, BASE_OPTIONS, machineInfo, spreadSlice } from "@course/lib/course/experiments.ts";
import { disposeWordLM, evaluateWordLM, initWordLM, trainWordLM } from "@course/lib/engine/wordlm.ts";

const { values } = parseArgs({ args: Deno.args, options: { tokens: { type: "string" } }, strict: true });
const tokens = Number(values.tokens ?? 150_000);
if (!Number.isInteger(tokens) || tokens < 1_120) {
  console.error(`deno task crosscheck:layers: --tokens must be a whole number >= 1120, got ${values.tokens}`);
  Deno.exit(1);
}

await initTfjs();
const corpus = await brownCorpus();
const sample = spreadSlice(corpus.ids.valid, 32_000, 32);
const dir = "build/crosscheck";
await Deno.mkdir(dir, { recursive: true });
const bytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
await Deno.writeFile(`${dir}/train.i32`, bytes(corpus.ids.train));
await Deno.writeFile(`${dir}/valid.i32`, bytes(sample));

const course: Record<string, number> = {}, pytorch: Record<string, number> = {};
let torchVersion = "";
for (const layers of [1, 2]) {
  const model = initWordLM({ vocabularySize: corpus.vocabulary.size, ...BASE_CONFIG, layers, seed: 0 });
  await trainWordLM(model, corpus.ids.train, { ...BASE_OPTIONS, maxTokens: tokens });
  course[layers] = evaluateWordLM(model, sample, {}).perplexity;
  disposeWordLM(model);
  const py = await new Deno.Command("/usr/bin/python3", {
    args: ["tools/research/layers_pytorch.py", dir, String(tokens), String(layers)],
    stderr: "piped",
  }).output().catch(() => undefined);
  if (!py || py.code !== 0) {
    console.error(
      `deno task crosscheck:layers: PyTorch did not run (${
        py ? new TextDecoder().decode(py.stderr).trim().split("\n").at(-1) : "no /usr/bin/python3"
      }); apt install python3-torch`,
    );
    Deno.exit(1);
  }
  const line = JSON.parse(new TextDecoder().decode(py.stdout));
  pytorch[layers] = line.validPerplexity;
  torchVersion = line.torch;
  console.log(
    `${layers} layer(s): the course ${course[layers].toFixed(1)}, PyTorch ${pytorch[layers].toFixed(1)}`,
  );
}
await Deno.writeTextFile(
  "data/results/layers_crosscheck.json",
  JSON.stringify(
    {
      command: "deno task crosscheck:layers",
      about:
        "Notebook 09's base model with 1 and 2 LSTM layers, seed 0, trained for the same tokens by the course's library and by PyTorch (same initialisation rule, data order, optimiser, schedule, clipping and resets), scored on the experiments' 32,000-token validation sample",
      tokens,
      course,
      pytorch,
      torch: torchVersion,
      machine: machineInfo(),
      date: new Date().toISOString(),
    },
    null,
    1,
  ) + "\n",
);
console.log("wrote data/results/layers_crosscheck.json");
