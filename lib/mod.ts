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
 * | `core/tensor.ts` | vectors and matrices as float arrays with shapes; `matVec`, `concat` | 02–04, 07, 11 |
 * | `core/pointwise.ts` | ⊗, +, tanh, σ and their derivatives | 02–04, 11 |
 * | `core/random.ts` | seeded random numbers and weight initialisers | — |
 * | `core/lstm_cell.ts` | one LSTM step, parameters, parameter count, initialisation (chrono) | 01, 02, 05, 06 |
 * | `core/running_example.ts` | the lecture's cell, H = 3, X = 4, with hand-chosen weights (Vikram, then Ravi) | 02–06 |
 * | `core/lstm.ts` | an LSTM over a sequence (`runLSTM`, a trace of every gate) and back (`backpropLSTM`) | 05, 11 |
 * | `core/rnn.ts` | the vanilla RNN, the same way | 01, 11 |
 * | `core/weight_formats.ts` | weights from and to PyTorch (`fromTorchLSTM`) and Keras/tfjs (`fromKerasLSTM`) | — |
 * | `core/gradcheck.ts` | gradients against finite differences, in float64 | — |
 * | `core/dense.ts`, `core/loss.ts` | dense layer; softmax cross-entropy | — |
 * | `core/optim.ts` | SGD, Adam, gradient clipping | — |
 * | `core/stop.ts` | the Stop button: training loops end after the batch during which it was pressed | — |
 * | `core/disk_cache.ts` | results computed once and kept in `build/cache/` (the story networks 04 trains, 05 and 06 load) | — |
 * | `core/platform.ts` | the host the library runs on, Deno or a browser's Web Worker: repository files, saves, environment, machine (import `@course/lib/core/platform.ts`) | — |
 * | `core/tasks.ts`, `core/train.ts` | the recall task; training a classifier from scratch | 01, 06, 07, 11 |
 * | `core/train_loop.ts` | the from-scratch engine's one mini-batch loop (the classifier and `core/scratch_lm.ts` train through it) | — |
 * | `course/recall_experiment.ts` | notebook 01's experiment: RNN against LSTM on the recall task, over seeds | 01, 11 |
 * | `course/story.ts`, `course/story_gates.ts`, `course/story_charts.ts` | the story task (who is the hero now? asked at "who") and its trained LSTM; its gates, measured; their charts | 04–06 |
 * | `text/corpus.ts` | the Brown corpus, split and with a vocabulary | 07–09, 09a, 10, 10a |
 * | `text/corpus_text.ts` | written text and corpus tokens, both ways: prompts read, generated text shown | 08 |
 * | `core/scratch_lm.ts` | a next-word model trained by this library alone (benchmarked beside tfjs); text cut into windows | 07 |
 * | `text/ngram.ts` | unigram and Kneser–Ney trigram baselines, perplexity | 08, 09 |
 * | `text/sampling.ts` | the top k words; greedy, temperature, top-k and top-p sampling | — |
 * | `text/mixture.ts` | mixing language models (interpolation, a unigram cache), weights fitted by EM | — |
 * | `charts/plot.ts` | line charts, rows of charts and any Observable Plot chart, displayed in Jupyter; loss and accuracy by epoch | 01, 03, 04, 07, 09–11 |
 * | `charts/heatmap.ts` | heatmaps: gates over time, a matrix as written | 02, 05, 11 |
 * | `charts/live.ts` | outputs a running cell redraws in place (a live chart, a status line) | 07 |
 * | `charts/palette.ts` | the course's colours, named once (import `@course/lib/charts/palette.ts`) | — |
 * | `course/word_model_charts.ts` | notebook 08's charts: the live loss chart, the top next words of prompts | 08 |
 * | `charts/diagram.ts` | the LSTM cell diagram, parts highlighted | 01–07, 09 |
 * | `charts/display.ts` | how every output displays in Jupyter (`Displayable`); tables | 01–09, 09a, 10, 11 |
 * | `course/exercises.ts` | checking a notebook's exercises | — |
 * | `course/exercise_keys/` | each notebook's right and worked answers, off the page (`checkNotebookExercises`) | 01–10 |
 * | `course/library_source.ts` | the library's own code shown in a notebook, read from its file | 02, 07 |
 * | `engine/tfjs.ts` | tfjs on WASM, ready to train (import `@course/lib/engine/tfjs.ts`) | 07–09, 09a, 10, 10a |
 * | `engine/prefix_model.ts` | the lecture's prefix model and masking (import `@course/lib/engine/prefix_model.ts`) | 07 |
 * | `course/lecture_text.ts` | the lecture's pipeline on its small text: word ids, prefixes, the best any model can do (import `@course/lib/course/lecture_text.ts`) | 07 |
 * | `course/next_word_strategies.ts` | prefixes against a stream: cost and what each learns (import `@course/lib/course/next_word_strategies.ts`) | 07 |
 * | `engine/wordlm.ts` | the course's next-word model: train, score, ask, save; tied, stacked, GRU, dropout, carried state (its modules in `engine/wordlm/`) | 08, 09, 09a, 10, 10a |
 * | `engine/word_lstm.ts` | a trained word model as the library's LSTM: every gate traced, the next word read off each h_t (import `@course/lib/engine/word_lstm.ts`) | 08 |
 * | `engine/course_model.ts` | where the course's trained model is kept, `courseModelDir` (import `@course/lib/engine/course_model.ts`) | 08, 10, 10a |
 * | `course/experiments.ts` | notebook 09's experiments, the full run's configuration, result files (one module a concept in `course/experiments/`) | 08, 09, 09a |
 * | `course/inside.ts`, `course/inside_charts.ts` | a trained model's units: unit search, features, controls, saturation, passages (one module a concept in `course/inside/`); their charts | 10, 10a |
 * | `course/next_word_after.ts` | what a word model predicts right after one word, over a text: why greedy writes "the the" | 08 |
 * | `course/live_training.ts` | a word model's training watched live: the loss chart and a status line (import `@course/lib/course/live_training.ts`) | 08 |
 * | `charts/textview.ts` | text coloured by a cell, and the top next words under each token (import `@course/lib/charts/textview.ts`) | 10 |
 * | `explorer/explorer.ts` | the gate explorer, one step of the running example with sliders; its page script `explorer/gate_explorer.ts` (parts in `explorer/gate_explorer/`) (import `@course/lib/explorer/explorer.ts`) | 04–06 |
 *
 * The modules from `tfjs.ts` on are not re-exported here: most of them load tfjs, which most notebooks do not
 * need; notebooks import each by its own path.
 *
 * @module
 */

export * from "./core/tensor.ts";
export * from "./core/pointwise.ts";
export * from "./core/random.ts";
export * from "./core/stop.ts";
export * from "./core/disk_cache.ts";
export * from "./core/lstm_cell.ts";
export * from "./core/running_example.ts";
export * from "./charts/plot.ts";
export * from "./charts/heatmap.ts";
export * from "./charts/live.ts";
export * from "./charts/display.ts";
export * from "./charts/diagram.ts";
export * from "./core/lstm.ts";
export * from "./core/rnn.ts";
export * from "./core/gradcheck.ts";
export * from "./core/dense.ts";
export * from "./core/loss.ts";
export * from "./core/optim.ts";
export * from "./core/tasks.ts";
export * from "./core/train.ts";
export * from "./core/train_loop.ts";
export * from "./course/recall_experiment.ts";
export * from "./core/weight_formats.ts";
export * from "./course/story.ts";
export * from "./course/story_gates.ts";
export * from "./course/story_charts.ts";
export * from "./course/word_model_charts.ts";
export * from "./text/corpus.ts";
export * from "./text/corpus_text.ts";
export * from "./text/ngram.ts";
export * from "./text/mixture.ts";
export * from "./core/scratch_lm.ts";
export * from "./text/sampling.ts";
export * from "./course/exercises.ts";
export {
  checkNotebookExercises,
  type ExerciseAnswers,
  type ExerciseContext,
  type NotebookExercises,
  type NotebookId,
} from "./course/exercise_keys/mod.ts";
export * from "./course/library_source.ts";
