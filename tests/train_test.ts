import assert from "node:assert/strict";
import {
  Adam,
  argmax,
  castLSTMParams,
  classifierTensors,
  dense,
  evaluateClassifier,
  exampleGradients,
  gradCheck,
  initSequenceClassifier,
  oneHot,
  recallTask,
  runLSTM,
  seededRng,
  type SequenceClassifier,
  type SequenceExample,
  softmaxCrossEntropy,
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

// ---------------------------------------------------------------------------------------------
// Per-step targets (SequenceExample.targets), used by the story task of notebooks 04-06.

/** The classifier in float64, so finite differences are exact enough for gradCheck (runtime types only). */
function float64Classifier(seed: number): SequenceClassifier {
  const model = initSequenceClassifier({ kind: "lstm", inputSize: 3, hiddenSize: 4, classes: 3, seed });
  if (model.kind !== "lstm") throw new Error("unreachable");
  const out = model.out;
  return {
    kind: "lstm",
    cell: castLSTMParams(model.cell, "float64"),
    out: { ...out, W: { ...out.W, data: Float64Array.from(out.W.data) }, b: Float64Array.from(out.b) },
  } as unknown as SequenceClassifier;
}

const stepExample = (targets: (number | null)[]): SequenceExample => ({
  xs: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1]].map((x) => Float32Array.from(x)),
  target: targets.at(-1)!,
  targets,
});

Deno.test("exampleGradients with per-step targets: every gradient matches finite differences (float64, 1e-6)", () => {
  const model = float64Classifier(3);
  if (model.kind !== "lstm") throw new Error("unreachable");
  const example = stepExample([2, null, 0, null, 1]);
  const { grads, loss, steps } = exampleGradients(model, example);
  assert.equal(steps, 3);
  const tensors = classifierTensors(model) as unknown as Record<string, Float64Array>;
  const check = gradCheck(
    () => exampleGradients(model, example).loss,
    Object.fromEntries(Object.entries(tensors).map(([name, values]) => [name, { values, grad: grads[name] }])),
  );
  assert.ok(check.worst < 1e-6, `worst relative error ${check.worst}`);
  // The loss is the mean of the three steps' cross-entropies, the dense layer applied to each h_t.
  const trace = runLSTM(model.cell, example.xs);
  const ce = (t: number, y: number) => softmaxCrossEntropy(dense(model.out, trace.h[t]), y).loss;
  assert.ok(Math.abs(loss - (ce(0, 2) + ce(2, 0) + ce(4, 1)) / 3) < 1e-12);
  assert.ok(Math.abs(evaluateClassifier(model, [example]).loss - loss) < 1e-12);
});

Deno.test("per-step targets: null everywhere but the last step is exactly the last-step example", () => {
  const model = initSequenceClassifier({ kind: "lstm", inputSize: 3, hiddenSize: 4, classes: 3, seed: 1 });
  const withTargets = stepExample([null, null, null, null, 2]);
  const plain = { xs: withTargets.xs, target: 2 };
  const a = exampleGradients(model, withTargets), b = exampleGradients(model, plain);
  assert.equal(a.loss, b.loss);
  assert.equal(a.correct, b.correct);
  assert.equal(a.accuracy, b.correct ? 1 : 0);
  assert.equal(b.steps, 1);
  for (const name of Object.keys(b.grads)) assert.deepEqual(a.grads[name], b.grads[name], name);
  assert.deepEqual(evaluateClassifier(model, [withTargets]), evaluateClassifier(model, [plain]));
});

Deno.test("per-step targets: accuracy is the fraction of the targeted steps that are right", () => {
  const model = initSequenceClassifier({ kind: "lstm", inputSize: 3, hiddenSize: 4, classes: 3, seed: 1 });
  const xs = stepExample([0]).xs;
  const trace = runLSTM(model.kind === "lstm" ? model.cell : (null as never), xs);
  const pick = (t: number) => argmax(dense(model.out, trace.h[t]));
  // Right at steps 0 and 4, wrong at step 2: 2 of 3.
  const targets = [pick(0), null, (pick(2) + 1) % 3, null, pick(4)];
  const result = exampleGradients(model, { xs, target: targets[4]!, targets });
  assert.equal(result.steps, 3);
  assert.ok(Math.abs(result.accuracy - 2 / 3) < 1e-12);
  assert.equal(result.correct, false);
  assert.ok(Math.abs(evaluateClassifier(model, [{ xs, target: targets[4]!, targets }]).accuracy - 2 / 3) < 1e-12);
});

Deno.test("trainSequenceClassifier with per-step targets: learns to echo the previous input at every step", () => {
  // x_t is one of 3 one-hot symbols; the target at step t >= 1 is the symbol of step t-1 (no loss at step 0).
  const rng = seededRng(5);
  const make = (count: number) =>
    Array.from({ length: count }, () => {
      const symbols = Array.from({ length: 8 }, () => rng.int(3));
      const targets = symbols.map((_, t) => t === 0 ? null : symbols[t - 1]);
      return { xs: symbols.map((s) => oneHot(s, 3)), target: targets[7]!, targets };
    });
  const model = initSequenceClassifier({ kind: "lstm", inputSize: 3, hiddenSize: 8, classes: 3, seed: 0 });
  const history = trainSequenceClassifier(model, make(300), { epochs: 15, validation: make(100) });
  assert.ok(history.at(-1)!.valAccuracy! >= 0.99, `validation accuracy ${history.at(-1)!.valAccuracy}`);
});

Deno.test("per-step targets: bad targets are RangeErrors that say what is wrong", () => {
  const model = initSequenceClassifier({ kind: "lstm", inputSize: 3, hiddenSize: 4, classes: 3 });
  const xs = stepExample([0]).xs;
  const cases: [unknown, number, RegExp][] = [
    [[0, 1], 1, /targets has length 2, expected 5 \(one class or null per step of xs\)/],
    [[0, 1, 3, null, 1], 1, /targets\[2\] is 3, expected null or a whole number in \[0, 3\)/],
    [[0, 1, 1.5, null, 1], 1, /targets\[2\] is 1\.5, expected null/],
    [[0, 1, 2, null, 1], 2, /targets\[4\] is 1 but target is 2; the last step's target must be target/],
    [[0, 1, 2, null, null], 2, /targets\[4\] is null but target is 2/],
    ["01210", 0, /targets has length the string "01210", expected 5/],
  ];
  for (const [targets, target, message] of cases) {
    const example = { xs, target, targets } as SequenceExample;
    assert.throws(() => exampleGradients(model, example), { name: "RangeError", message });
    assert.throws(() => evaluateClassifier(model, [example]), { name: "RangeError", message });
    assert.throws(() => trainSequenceClassifier(model, [example], { epochs: 1 }), { name: "RangeError", message });
  }
  assert.throws(() => exampleGradients(model, { xs, target: 0, targets: [0, 0, 0, 0, 1] }), {
    message: /^Cannot train sequence classifier: targets\[4\] is 1 but target is 0/,
  });
  assert.throws(() => evaluateClassifier(model, [{ xs, target: 0, targets: [0, 0, 0, 0, 1] }]), {
    message: /^Cannot evaluate classifier: targets\[4\] is 1/,
  });
});

Deno.test("recurrentDecay shrinks only the columns that read hₜ₋₁, by 1 − lr·λ per update; bad values are refused", async () => {
  const { Adam, initSequenceClassifier, trainSequenceClassifier } = await import("@course/lib");
  const example = { xs: [Float32Array.of(1, 0), Float32Array.of(0, 1)], target: 0 };
  const make = () => initSequenceClassifier({ kind: "lstm", inputSize: 2, hiddenSize: 3, classes: 2, seed: 4 });
  const plain = make(), decayed = make();
  // One update with and without the decay, from the same start: the difference is exactly the shrink of the
  // recurrent part (float32: 1e-7).
  trainSequenceClassifier(plain, [example], { epochs: 1, optimizer: new Adam({ lr: 0.01 }) });
  trainSequenceClassifier(decayed, [example], { epochs: 1, optimizer: new Adam({ lr: 0.01 }), recurrentDecay: 10 });
  if (plain.kind !== "lstm" || decayed.kind !== "lstm") throw new TypeError("expected LSTMs");
  const H = 3, cols = 5;
  for (const name of ["Wf", "Wi", "Wc", "Wo"] as const) {
    plain.cell[name].data.forEach((w, k) => {
      const expected = k % cols < H ? w * (1 - 0.01 * 10) : w; // [H, H+X]: the first H columns read hₜ₋₁
      assert.ok(Math.abs(decayed.cell[name].data[k] - expected) <= 1e-7, `${name}[${k}]`);
    });
  }
  assert.deepEqual(decayed.cell.bf, plain.cell.bf); // biases are not decayed
  assert.throws(() => trainSequenceClassifier(make(), [example], { recurrentDecay: -1 }), {
    name: "RangeError",
    message: "Cannot train classifier: recurrentDecay must be a number >= 0, got -1",
  });
  assert.throws(() => trainSequenceClassifier(make(), [example], { recurrentDecay: 200 }), {
    name: "RangeError",
    message: "Cannot train classifier: recurrentDecay × lr must be below 1, got 200 × 0.01",
  });
});

Deno.test("activationPenalty: the gradients of cross-entropy + α·mean hₜ[u]² match finite differences (float64, 1e-6); bad α refused", async () => {
  const { initSequenceClassifier, trainSequenceClassifier } = await import("@course/lib");
  const model = float64Classifier(3);
  if (model.kind !== "lstm") throw new Error("unreachable");
  const example = stepExample([2, null, 0, null, 1]);
  const alpha = 0.7;
  const { grads, loss } = exampleGradients(model, example, { activationPenalty: alpha });
  assert.equal(loss, exampleGradients(model, example).loss); // the reported loss is the cross-entropy alone
  const penalised = () => {
    const trace = runLSTM(model.cell, example.xs);
    const squares = trace.h.reduce((sum, h) => sum + h.reduce((a: number, v: number) => a + v * v, 0), 0);
    return exampleGradients(model, example).loss + alpha * squares / (trace.h.length * 4); // mean over T·H (H = 4)
  };
  const tensors = classifierTensors(model) as unknown as Record<string, Float64Array>;
  const check = gradCheck(
    penalised,
    Object.fromEntries(Object.entries(tensors).map(([name, values]) => [name, { values, grad: grads[name] }])),
  );
  assert.ok(check.worst < 1e-6, `worst relative error ${check.worst}`);
  for (const bad of [-1, NaN, Infinity]) {
    assert.throws(() => exampleGradients(model, example, { activationPenalty: bad }), {
      name: "RangeError",
      message: `Cannot train sequence classifier: activationPenalty must be a number >= 0, got ${bad}`,
    });
  }
  const small = initSequenceClassifier({ kind: "lstm", inputSize: 3, hiddenSize: 2, classes: 3, seed: 1 });
  assert.throws(() => trainSequenceClassifier(small, [example], { activationPenalty: -0.5 }), {
    name: "RangeError",
    message: "Cannot train classifier: activationPenalty must be a number >= 0, got -0.5",
  });
});

Deno.test("gradientReach: the mean ‖∂L/∂xₜ‖ per step, as exampleGradients gives it; bad input is a RangeError", async () => {
  const { gradientReach, initSequenceClassifier, recallTask } = await import("@course/lib");
  const task = recallTask({ distractors: 3, count: 4, seed: 2 });
  const model = initSequenceClassifier({
    kind: "rnn",
    inputSize: task.inputSize,
    hiddenSize: 4,
    classes: task.classes,
  });
  const reach = gradientReach(model, task.examples);
  const expected = new Float64Array(4);
  for (const e of task.examples) {
    exampleGradients(model, e).dxs.forEach((dx, t) => expected[t] += Math.hypot(...dx) / 4);
  }
  reach.forEach((r, t) => assert.ok(Math.abs(r - expected[t]) <= 1e-12, `step ${t}`));
  assert.throws(() => gradientReach(model, []), {
    name: "RangeError",
    message: "Cannot measure gradient reach: got 0 examples, expected at least 1",
  });
  const short = recallTask({ distractors: 1, count: 1 }).examples[0];
  assert.throws(() => gradientReach(model, [task.examples[0], short]), {
    name: "RangeError",
    message: "Cannot measure gradient reach: examples must all have 4 steps, example 1 has 2",
  });
});
