import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTfjs } from "@course/lib/engine/tfjs.ts";
import { initWordLM, trainWordLM } from "@course/lib/engine/wordlm.ts";
import {
  initSequenceClassifier,
  Interrupted,
  recallTask,
  STOP_FILE_ENV,
  stopRequested,
  throwIfStopRequested,
  trainSequenceClassifier,
} from "@course/lib";

/** Runs `body` with the stop file of the course's kernel in place (as after a press of Stop), then removes it. */
async function withStopPressed(body: () => Promise<void> | void): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/stop`;
  Deno.env.set(STOP_FILE_ENV, file);
  try {
    assert.equal(stopRequested(), false); // the variable alone does not stop: the file does
    Deno.writeTextFileSync(file, "");
    await body();
  } finally {
    Deno.env.delete(STOP_FILE_ENV);
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("stopRequested: false without the kernel's variable; throwIfStopRequested then does nothing", () => {
  assert.equal(Deno.env.get(STOP_FILE_ENV), undefined);
  assert.equal(stopRequested(), false);
  throwIfStopRequested("after batch 1");
});

Deno.test("Stop pressed: trainSequenceClassifier ends after its first batch with Interrupted, the weights hold that batch", async () => {
  const task = recallTask({ distractors: 2, count: 64, seed: 1 });
  const make = () =>
    initSequenceClassifier({ kind: "lstm", inputSize: task.inputSize, hiddenSize: 4, classes: task.classes });
  await withStopPressed(() => {
    const stopped = make();
    const start = stopped.out.W.data.slice();
    assert.throws(() => trainSequenceClassifier(stopped, task.examples, { epochs: 5, batchSize: 32, seed: 0 }), {
      name: "Interrupted",
      message:
        "Stopped by the Stop button in epoch 1 of 5, after batch 1: the weights keep what the finished batches taught them, and every variable is still defined.",
    });
    assert.notDeepEqual(stopped.out.W.data, start); // one update was made and kept
  });
});

Deno.test("Stop pressed: trainWordLM ends after its first batch with Interrupted and leaves no tensor behind", async () => {
  await initTfjs();
  const model = initWordLM({ vocabularySize: 50, embeddingSize: 8, hiddenSize: 8, seed: 1 });
  const before = tf.memory().numTensors;
  const ids = Int32Array.from({ length: 400 }, (_, t) => (t * 7) % 50);
  let batches = 0;
  await withStopPressed(async () => {
    await assert.rejects(
      trainWordLM(model, ids, { batchSize: 4, seqLength: 8, onBatch: () => void batches++ }),
      (e: unknown) =>
        e instanceof Interrupted && /^Stopped by the Stop button after batch 1 \(32 tokens\)/.test(e.message),
    );
  });
  assert.equal(batches, 1);
  assert.equal(tf.memory().numTensors, before, "tensors left behind");
});
