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
 * The notebook column says which notebooks import each module (`tests/mod_map_test.ts` checks it against their
 * import statements); "—" marks a module the notebooks use only through others.
 *
 * | module | what | notebook |
 * | --- | --- | --- |
 * | `tensor.ts` | vectors and matrices as float arrays with shapes; `matVec`, `concat` | 02–04, 07, 11 |
 * | `pointwise.ts` | ⊗, +, tanh, σ and their derivatives | 02–04, 11 |
 * | `random.ts` | seeded random numbers and weight initialisers | — |
 * | `lstm_cell.ts` | one LSTM step, parameters, parameter count, initialisation (chrono) | 01, 02, 05, 06 |
 * | `running_example.ts` | the lecture's cell, H = 3, X = 4, with hand-chosen weights (Vikram, then Ravi) | 02–06 |
 * | `lstm.ts` | an LSTM over a sequence (`runLSTM`, a trace of every gate) and back (`backpropLSTM`) | 05, 11 |
 * | `rnn.ts` | the vanilla RNN, the same way | 01, 11 |
 * | `interop.ts` | weights from and to PyTorch (`fromTorchLSTM`) and Keras/tfjs (`fromKerasLSTM`) | — |
 * | `gradcheck.ts` | gradients against finite differences, in float64 | — |
 * | `dense.ts`, `loss.ts` | dense layer; softmax cross-entropy | — |
 * | `optim.ts` | SGD, Adam, gradient clipping | — |
 * | `stop.ts` | the Stop button: training loops end after the batch during which it was pressed | — |
 * | `disk_cache.ts` | results computed once and kept in `build/cache/` (the story networks 04 trains, 05 and 06 load) | — |
 * | `tasks.ts`, `train.ts` | the recall task; training a classifier from scratch | 01, 06, 07, 11 |
 * | `recall.ts` | notebook 01's experiment: RNN against LSTM on the recall task, over seeds | 01, 11 |
 * | `story.ts`, `story_charts.ts` | the story task (who is the hero now? asked at "who"), its trained LSTM and its gate figures; their charts | 04–06 |
 * | `corpus.ts` | the Brown corpus, split and with a vocabulary | 07–09, 09a, 10, 10a |
 * | `corpus_text.ts` | written text and corpus tokens, both ways: prompts read, generated text shown | 08 |
 * | `lm.ts` | a next-word model trained by this library alone (benchmarked beside tfjs) | — |
 * | `ngram.ts` | unigram and Kneser–Ney trigram baselines, perplexity | 08, 09 |
 * | `sampling.ts` | the top k words; greedy, temperature, top-k and top-p sampling | — |
 * | `mixture.ts` | mixing language models (interpolation, a unigram cache), weights fitted by EM | — |
 * | `plot.ts` | line charts, heatmaps and rows of charts that display in Jupyter | 01–05, 07–11 |
 * | `diagram.ts` | the LSTM cell diagram, parts highlighted | 01–07, 09 |
 * | `display.ts` | tables that display in Jupyter | 01–09, 09a, 10, 11 |
 * | `exercises.ts` | checking a notebook's exercises | — |
 * | `exercise_keys/` | each notebook's right and worked answers, off the page (`checkNotebookExercises`) | 01–10 |
 * | `source.ts` | the library's own code shown in a notebook, read from its file | 02, 07 |
 * | `tfjs.ts` | tfjs on WASM, ready to train (import `@course/lib/tfjs.ts`) | 07–09, 09a, 10, 10a |
 * | `nextword.ts` | the lecture's prefix model and masking (import `@course/lib/nextword.ts`) | 07 |
 * | `lecture_text.ts` | the lecture's pipeline on its small text: word ids, prefixes, the best any model can do (import `@course/lib/lecture_text.ts`) | 07 |
 * | `next_word_strategies.ts` | prefixes against a stream: cost and what each learns (import `@course/lib/next_word_strategies.ts`) | 07 |
 * | `wordlm.ts` | the course's next-word model: train, score, ask, save; tied, stacked, GRU, dropout, carried state | 08, 09, 09a, 10, 10a |
 * | `experiments.ts` | notebook 09's experiments, the full run's configuration, result files | 08, 09, 09a |
 * | `inside.ts`, `inside_charts.ts` | a trained model in the library: traces, unit search, controls, saturation; their charts | 08, 10, 10a |
 * | `next_word_after.ts` | what a word model predicts right after one word, over a text: why greedy writes "the the" | 08 |
 * | `live_training.ts` | a word model's training watched live: the loss chart and a status line (import `@course/lib/live_training.ts`) | 08 |
 * | `textview.ts` | text coloured by a cell, and the top next words under each token (import `@course/lib/textview.ts`) | 10 |
 * | `explorer.ts` | the gate explorer, one step of the running example with sliders (import `@course/lib/explorer.ts`) | 04–06 |
 *
 * The modules from `tfjs.ts` on are not re-exported here: most of them load tfjs, which most notebooks do not
 * need; notebooks import each by its own path.
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
