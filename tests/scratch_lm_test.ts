import assert from "node:assert/strict";
import { Adam, initScratchLM, scratchLMGradients, scratchLMTensors, trainScratchLM, windows } from "@course/lib";

Deno.test("windows of T + 1 tokens advance by T, neighbours sharing one token", () => {
  assert.deepEqual(windows(Int32Array.from([0, 1, 2, 3, 4, 5, 6]), 3).map((w) => [...w]), [[0, 1, 2, 3], [3, 4, 5, 6]]);
  assert.throws(() => windows(Int32Array.of(1, 2), 0), /seqLength must be a whole number >= 1, got 0/);
});

Deno.test("scratch LM: embedding, LSTM and output gradients match finite differences (float32, 2 % relative)", () => {
  const lm = initScratchLM({ vocabularySize: 7, embeddingSize: 3, hiddenSize: 4, seed: 1 });
  const windows = [Int32Array.from([1, 4, 2, 6, 3]), Int32Array.from([5, 5, 0, 1, 2])];
  const { grads } = scratchLMGradients(lm, windows);
  const params = scratchLMTensors(lm);
  const eps = 1e-2;
  for (
    const [name, k] of [["embedding", 4 * 3 + 1], ["cell.Wf", 5], ["cell.bo", 2], ["out.W", 9], ["out.b", 6]] as const
  ) {
    const w = params[name];
    const saved = w[k];
    w[k] = saved + eps;
    const up = scratchLMGradients(lm, windows).loss;
    w[k] = saved - eps;
    const down = scratchLMGradients(lm, windows).loss;
    w[k] = saved;
    const numerical = (up - down) / (2 * eps);
    assert.ok(
      Math.abs(grads[name][k] - numerical) <= 0.02 * Math.abs(numerical) + 2e-4,
      `${name}[${k}]: ${grads[name][k]} vs ${numerical}`,
    );
  }
});

Deno.test("scratch LM learns a repeating sentence", async () => {
  const lm = initScratchLM({ vocabularySize: 6, embeddingSize: 4, hiddenSize: 8 });
  const ids = Int32Array.from({ length: 401 }, (_, t) => [2, 3, 4, 5, 1][t % 5]);
  const losses: number[] = [];
  const optimizer = new Adam({ lr: 0.05 });
  for (let epoch = 0; epoch < 10; epoch++) {
    await trainScratchLM(lm, ids, {
      batchSize: 4,
      seqLength: 10,
      seed: epoch,
      optimizer,
      onBatch: (p) => void losses.push(p.loss),
    });
  }
  assert.ok(losses.at(-1)! < 0.3 * losses[0], `loss ${losses[0]} -> ${losses.at(-1)}`);
});
