import { brownCorpus } from "@course/lib";
import { initTfjs } from "@course/lib/tfjs.ts";
import { initWordLM, trainWordLM, evaluateWordLM } from "@course/lib/wordlm.ts";
import { spreadSlice } from "@course/lib/experiments.ts";
await initTfjs();
const [which] = Deno.args;
const c = await brownCorpus();
const opts: Record<string, object> = {
  A: { learningRate: 0.002, resetEvery: 100 },
  B: { learningRate: 0.003, schedule: "linear", resetEvery: 100 },
  C: { learningRate: 0.005, schedule: "linear", resetEvery: 100 },
  D: { learningRate: 0.01, schedule: "linear", resetEvery: 100 },
  E: { learningRate: 0.01, resetEvery: 100 },
};
const model = initWordLM({ vocabularySize: c.vocabulary.size, embeddingSize: 128, hiddenSize: 128, seed: 0 });
const curve = spreadSlice(c.ids.valid, 32000, 32);
const t0 = performance.now();
const h = await trainWordLM(model, c.ids.train, {
  batchSize: 32, seqLength: 35, optimizer: "adam", clipNorm: 5, carryState: true, seed: 0, epochs: 1,
  ...opts[which], validation: { ids: curve, every: 200000 },
  onValidation: (v) => console.log(which, v.tokens, v.perplexity.toFixed(1), v.trainPerplexity?.toFixed(1)),
});
const s = (performance.now() - t0) / 1000;
const e = evaluateWordLM(model, c.ids.valid, {});
const e1 = { perplexity: NaN };
console.log(which, "tokens", h.tokens, "s", s.toFixed(0), "valid all", e.perplexity.toFixed(2), "one-row 50k", e1.perplexity.toFixed(2), "eval s", ((performance.now() - t0) / 1000 - s).toFixed(0));
