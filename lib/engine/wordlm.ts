/**
 * The course's next-word model, written in tfjs operations: notebooks 08–10, `deno task nextword`,
 * `deno task experiments` and `deno task fullrun` all use it, and every knob the lecture's "how to
 * improve performance?" names can be turned here.
 *
 * ```text
 * ids [B, T] ─Embedding(V → E)─▶ dropout ─▶ LSTM or GRU (H) ×L ─▶ dropout ─▶ output (H → V) ─▶ scores [B·T, V]
 *                                            state (h, c) carried from one window to the next
 * ```
 *
 * - **the streaming strategy** of notebook 07: the model predicts the next word at every position of
 *   the running text, and a prompt is read the same way, after `<eos>` (`readPrompt`);
 * - **tied embeddings**: the output layer reuses the embedding matrix, scores = h · Embᵀ + b
 *   (Press & Wolf 2017; Inan et al. 2017), which needs E = H;
 * - **state carried between windows**: the text is cut into B long streams read side by side, and
 *   the state at the end of one window starts the next (Zaremba et al. 2014), so a word can be
 *   predicted from more than T words of context while gradients still stop after T steps;
 * - **dropout on the non-recurrent connections** (Zaremba et al. 2014) and **variational recurrent
 *   dropout**, one mask on h_{t−1} for a whole window (Gal & Ghahramani 2016);
 * - asking it: `predictNext`, and `generateText` with the sampling rules of `lib/text/sampling.ts`.
 *
 * Weights follow the Keras layout (kernel `[X, 4H]`, recurrent kernel `[H, 4H]`, bias `[4H]`, gate
 * order i, f, c̃, o), so `fromKerasLSTM` brings a trained layer into the library's `runLSTM`.
 *
 * Needs {@linkcode initTfjs} first. Not re-exported by `mod.ts` (it loads tfjs): import
 * `@course/lib/engine/wordlm.ts`.
 *
 * The code lives in `lib/engine/wordlm/`, one concept a module: `model.ts` (config, parameters, state),
 * `forward.ts` (the forward pass), `fused_switch.ts` (fused LSTM or step by step), `output_layer.ts` (the
 * fused output layer and its gradient), `batches.ts` (rows and windows), `train.ts`, `evaluate.ts`,
 * `files.ts` (save and load) and `ask.ts` (prompts, predictions, generated text), with `layout.ts` (every
 * weight's name and shape), `checks.ts`, `loss.ts`, `float16.ts` and `model_files.ts`; its training loop is the
 * engine's `train_loop.ts`. This module is their public face: import from here.
 *
 * @module
 */

export { DivergenceError } from "./train_loop.ts";
export type { Float16Report } from "./wordlm/float16.ts";
export {
  disposeState,
  disposeWordLM,
  initWordLM,
  setUnigramBias,
  type WordLM,
  type WordLMConfig,
  wordLMParamCounts,
  type WordLMState,
  zeroState,
} from "./wordlm/model.ts";
export { type DropoutSeeds, wordLMForward, wordLMLoss } from "./wordlm/forward.ts";
export { useFusedLSTM } from "./wordlm/fused_switch.ts";
export { outputCrossEntropy } from "./wordlm/output_layer.ts";
export { streamRows } from "./wordlm/batches.ts";
export {
  trainWordLM,
  type TrainWordLMOptions,
  type WordLMHistory,
  type WordLMProgress,
  type WordLMValidation,
} from "./wordlm/train.ts";
export { earlyStoppingPoint, evaluateWordLM, type EvaluateWordLMOptions, type WordLMScore } from "./wordlm/evaluate.ts";
export { loadWordLM, type SavedWordLM, saveWordLM, type SaveWordLMOptions, wordLMFromFiles } from "./wordlm/files.ts";
export {
  type AskOptions,
  generateText,
  nextWordDistribution,
  predictNext,
  type Prompt,
  readAlong,
  type ReadAlongStep,
  readPrompt,
} from "./wordlm/ask.ts";
