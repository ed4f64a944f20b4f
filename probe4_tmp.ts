import * as tf from "@tensorflow/tfjs";
import { initTfjs, tfjsEngine } from "@course/lib/tfjs.ts";
import { nextWordModel, sparseSoftmaxCrossEntropy } from "@course/lib/nextword.ts";
await initTfjs();
console.log(tfjsEngine());
const V = 10000, B = 32, T = 35;
const model = nextWordModel({ vocabularySize: V, embeddingSize: 128, hiddenSize: 256 });
const x = tf.randomUniform([B, T], 0, V, "int32"), y = tf.randomUniform([B, T], 0, V, "int32");
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
const step = () => tf.tidy(() => {
  const { value, grads } = tf.variableGrads(() => {
    const logits = (model.apply(x, { training: true }) as tf.Tensor).reshape([-1, V]);
    return sparseSoftmaxCrossEntropy(logits as tf.Tensor2D, y.flatten() as tf.Tensor1D);
  }, vars);
  return value.dataSync()[0];
});
step();
const prof = await tf.profile(() => { step(); return tf.scalar(0); });
const by = new Map<string, { ms: number; n: number }>();
for (const k of prof.kernels) { const e = by.get(k.name) ?? { ms: 0, n: 0 }; e.ms += k.kernelTimeMs as number; e.n++; by.set(k.name, e); }
console.log([...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 18).map(([n, e]) => `${n.padEnd(22)} ${e.ms.toFixed(0).padStart(6)} ms  ${e.n}`).join("\n"));
console.log("total", prof.kernels.reduce((s, k) => s + (k.kernelTimeMs as number), 0).toFixed(0), "kernels", prof.kernels.length);
const t0 = performance.now(); step(); console.log("step", (performance.now() - t0).toFixed(0));
