import assert from "node:assert/strict";
import {
  Adam,
  classifierTensors,
  exampleGradients,
  initSequenceClassifier,
  recallTask,
  trainSequenceClassifier,
} from "@course/lib";

Deno.test("exampleGradients: one parameter's gradient through dense, softmax and time matches finite differences", () => {
  // The classifier is float32, so compare loosely against float32 finite differences (tolerance 2e-2 relative);
  // the float64 checks of each part are in lstm_test, dense_test and loss_test.
  const task = recallTask({ distractors: 3, count: 1, seed: 0 });
  const model = initSequenceClassifier({ kind: "lstm", inputSize: task.inputSize, hiddenSize: 4, classes: 4 });
  const example = task.examples[0];
  const { grads } = exampleGradients(model, example);
  const W = classifierTensors(model)["cell.Wi"];
  const eps = 1e-2;
  for (const k of [0, 5, 17]) {
    const saved = W[k];
    W[k] = saved + eps;
    const up = exampleGradients(model, example).loss;
    W[k] = saved - eps;
    const down = exampleGradients(model, example).loss;
    W[k] = saved;
    const numerical = (up - down) / (2 * eps);
    assert.ok(Math.abs(grads["cell.Wi"][k] - numerical) < 2e-2 * Math.abs(numerical) + 1e-4, `Wi[${k}]`);
  }
});

Deno.test("trainSequenceClassifier: an LSTM learns to recall a symbol over 20 distractors (>= 99 %)", () => {
  const T = 20;
  const fresh = (seed: number) => recallTask({ distractors: T, count: 500, symbols: 4, noise: 4, seed }).examples;
  const model = initSequenceClassifier({ kind: "lstm", inputSize: 8, hiddenSize: 8, classes: 4, chrono: T + 1 });
  const history = trainSequenceClassifier(model, (epoch) => fresh(100 + epoch), {
    epochs: 15,
    optimizer: new Adam({ lr: 0.01 }),
    validation: fresh(1),
    stopAtAccuracy: 0.99,
  });
  const last = history.at(-1)!;
  assert.ok(last.valAccuracy! >= 0.99, `validation accuracy ${last.valAccuracy} after ${history.length} epochs`);
});

Deno.test("trainSequenceClassifier: same seeds, same history (deterministic)", () => {
  const task = recallTask({ distractors: 3, count: 64, seed: 9 });
  const run = () => {
    const model = initSequenceClassifier({
      kind: "rnn",
      inputSize: task.inputSize,
      hiddenSize: 6,
      classes: 4,
      seed: 2,
    });
    return trainSequenceClassifier(model, task.examples, { epochs: 2, seed: 3 }).map((
      { loss, accuracy },
    ) => [loss, accuracy]);
  };
  assert.deepEqual(run(), run());
});

Deno.test("recallComparison: notebook 01's three networks, each trained and scored on the same data", async () => {
  const { recallComparison, RECALL_CONTENDERS } = await import("@course/lib");
  const results = recallComparison({ gaps: [3], epochs: 2, perEpoch: 100, validationCount: 50, testCount: 100 });
  assert.deepEqual(results.map((r) => r.contender), ["rnn", "lstm", "chrono"]);
  assert.deepEqual(results.map((r) => r.model.kind), ["rnn", "lstm", "lstm"]);
  for (const r of results) assert.ok(r.epochs >= 1 && r.epochs <= 2 && r.accuracy >= 0 && r.accuracy <= 1);
  // Chrono sets the forget biases for the gap: log(U[1, gap + 1]) instead of the default 1 (Tallec & Ollivier 2018).
  const [, biasOne, chrono] = results.map((r) => r.model);
  assert.ok(biasOne.kind === "lstm" && chrono.kind === "lstm");
  assert.deepEqual(Object.keys(RECALL_CONTENDERS), ["rnn", "lstm", "chrono"]);
  assert.throws(() => recallComparison({ gaps: [] }), /gaps must be whole numbers >= 1/);
  assert.throws(
    () => recallComparison({ gaps: [2], contenders: ["gru" as "rnn"] }),
    /contender "gru", expected one of rnn, lstm, chrono/,
  );
});
