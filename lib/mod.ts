/**
 * The LSTM course library: everything the notebooks compute and draw, typed and tested.
 *
 * Notebooks import it through the alias in `deno.json`, the same way whatever folder the
 * kernel runs in:
 *
 * ```ts
 * import { lstmStep, initLSTMParams, runLSTM, heatmap } from "@course/lib";
 * ```
 *
 * | module | what | notebook |
 * | --- | --- | --- |
 * | `tensor.ts` | vectors and matrices as float arrays with shapes; `matVec`, `concat` | 03 |
 * | `pointwise.ts` | ⊗, +, tanh, σ and their derivatives | 03 |
 * | `random.ts` | seeded random numbers and weight initialisers | 03 |
 * | `lstm_cell.ts` | one LSTM step, parameters, parameter count, initialisation (chrono) | 02–06 |
 * | `running_example.ts` | the lecture's cell, H = 3, X = 4, with hand-chosen weights (Vikram, then Ravi) | 02–06 |
 * | `lstm.ts` | an LSTM over a sequence (`runLSTM`, a trace of every gate) and back (`backpropLSTM`) | 05, 09 |
 * | `rnn.ts` | the vanilla RNN, the same way | 01 |
 * | `interop.ts` | weights from and to PyTorch (`fromTorchLSTM`) and Keras/tfjs (`fromKerasLSTM`) | 02 |
 * | `gradcheck.ts` | gradients against finite differences, in float64 | 09 |
 * | `dense.ts`, `loss.ts` | dense layer; softmax cross-entropy | 07 |
 * | `optim.ts` | SGD, Adam, gradient clipping | 09 |
 * | `stop.ts` | the Stop button: training loops end after the batch during which it was pressed | 08, 09 |
 * | `disk_cache.ts` | results computed once and kept in `build/cache/` (the story networks 04 trains, 05 and 06 load) | 01, 04–06 |
 * | `tasks.ts`, `train.ts` | the recall task; training a classifier from scratch | 01, 09 |
 * | `recall.ts` | notebook 01's experiment: RNN against LSTM on the recall task, over seeds | 01 |
 * | `story.ts`, `story_charts.ts` | the story task (who is the hero now? asked at "who"), its trained LSTM and its gate figures; their charts | 04–06 |
 * | `corpus.ts` | the Brown corpus, split and with a vocabulary | 07, 08 |
 * | `corpus_text.ts` | written text and corpus tokens, both ways: prompts read, generated text shown | 08 |
 * | `lm.ts` | a next-word model trained by this library alone (benchmarked beside tfjs) | 09 |
 * | `ngram.ts` | unigram and Kneser–Ney trigram baselines, perplexity | 08 |
 * | `sampling.ts` | the top k words; greedy, temperature, top-k and top-p sampling | 07, 08 |
 * | `mixture.ts` | mixing language models (interpolation, a unigram cache), weights fitted by EM | 09 |
 * | `plot.ts` | line charts, heatmaps and rows of charts that display in Jupyter | all |
 * | `diagram.ts` | the LSTM cell diagram, parts highlighted | 03–06 |
 * | `display.ts` | tables that display in Jupyter | all |
 * | `exercises.ts` | checking a notebook's exercises | all |
 * | `exercise_keys/` | each notebook's right and worked answers, off the page (`checkNotebookExercises`) | all |
 * | `source.ts` | the library's own code shown in a notebook, read from its file | 02 |
 * | `tfjs.ts` | tfjs on WASM, ready to train (import `@course/lib/tfjs.ts`) | 07–09 |
 * | `nextword.ts` | the lecture's prefix model and masking (import `@course/lib/nextword.ts`) | 07 |
 * | `lecture_text.ts` | the lecture's pipeline on its small text: word ids, prefixes, the best any model can do (import `@course/lib/lecture_text.ts`) | 07 |
 * | `next_word_strategies.ts` | prefixes against a stream: cost and what each learns (import `@course/lib/next_word_strategies.ts`) | 07 |
 * | `wordlm.ts` | the course's next-word model: train, score, ask, save; tied, stacked, GRU, dropout, carried state | 08–10 |
 * | `experiments.ts` | notebook 09's experiments, the full run's configuration, result files | 09 |
 * | `inside.ts`, `inside_charts.ts` | a trained model in the library: traces, unit search, controls, saturation; their charts | 10 |
 * | `next_word_after.ts` | what a word model predicts right after one word, over a text: why greedy writes "the the" | 08 |
 *
 * The last seven are not re-exported here: they load tfjs, which most notebooks do not need.
 *
 * @module
 */

export * from "./tensor.ts";
export * from "./pointwise.ts";
export * from "./random.ts";
export * from "./stop.ts";
export * from "./disk_cache.ts";
export * from "./lstm_cell.ts";
export * from "./running_example.ts";
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
export * from "./recall.ts";
export * from "./interop.ts";
export * from "./story.ts";
export * from "./story_charts.ts";
export * from "./corpus.ts";
export * from "./corpus_text.ts";
export * from "./ngram.ts";
export * from "./mixture.ts";
export * from "./lm.ts";
export * from "./sampling.ts";
export * from "./exercises.ts";
export {
  checkNotebookExercises,
  type ExerciseAnswers,
  type ExerciseContext,
  type NotebookExercises,
  type NotebookId,
} from "./exercise_keys/mod.ts";
export * from "./source.ts";
