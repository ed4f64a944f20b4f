/**
 * The LSTM course library: everything the notebooks compute and draw, typed and tested.
 *
 * Notebooks import it through the alias in `deno.json`, the same way whatever folder the
 * kernel runs in:
 *
 * ```ts
 * import { lstmStep, initLSTMParams, heatmap } from "@course/lib";
 * ```
 *
 * | module | what | notebook |
 * | --- | --- | --- |
 * | `tensor.ts` | vectors and matrices as `Float32Array` with shapes; `matVec`, `concat` | 03 |
 * | `pointwise.ts` | ⊗, +, tanh, σ and their derivatives | 03 |
 * | `random.ts` | seeded random numbers and weight initialisers | 03 |
 * | `lstm_cell.ts` | one LSTM step, parameters, parameter count | 02–06 |
 * | `plot.ts` | line charts and heatmaps that display in Jupyter | all |
 * | `diagram.ts` | the LSTM cell diagram, parts highlighted | 03–06 |
 * | `display.ts` | tables that display in Jupyter | all |
 *
 * @module
 */

export * from "./tensor.ts";
export * from "./pointwise.ts";
export * from "./random.ts";
export * from "./lstm_cell.ts";
export * from "./plot.ts";
export * from "./display.ts";
export * from "./diagram.ts";
export * from "./lstm.ts";
export * from "./rnn.ts";
export * from "./gradcheck.ts";
export * from "./dense.ts";
export * from "./loss.ts";
export * from "./optim.ts";
export * from "./tasks.ts";
export * from "./train.ts";
export * from "./interop.ts";
