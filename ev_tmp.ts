import { brownCorpus } from "@course/lib";
import { initTfjs } from "@course/lib/tfjs.ts";
import { initWordLM, evaluateWordLM } from "@course/lib/wordlm.ts";
await initTfjs();
const c = await brownCorpus();
const model = initWordLM({ vocabularySize: c.vocabulary.size, embeddingSize: 128, hiddenSize: 128, seed: 0 });
for (const perToken of [true, false]) {
  const t0 = performance.now();
  const e = evaluateWordLM(model, c.ids.valid, { maxTokens: 50000, perToken });
  console.log(perToken ? "old" : "new", e.perplexity, ((performance.now() - t0) / 1000).toFixed(2), "s");
}
