/**
 * Looking inside a trained word-level LSTM (notebook 10): the tfjs model's weights moved into the
 * library's own LSTM, so that `runLSTM`'s trace records every gate at every token; the
 * next-word distribution read off each hidden state; and the statistics that Karpathy, Johnson &
 * Fei-Fei (2015, "Visualizing and Understanding Recurrent Networks") used to read a trained network:
 * how often each gate is saturated, and which cells track something a reader can name.
 *
 * ```text
 * ids ─embedding rows─▶ x_t [E] ─runLSTM (every f, i, c̃, o, c, h)─▶ h_t [H] ─W h_t + b─▶ scores [V] ─softmax─▶ P(next word)
 * ```
 *
 * This module is the front door of notebooks 10 and 10a; the concepts have modules of their own:
 *
 * | module | what |
 * | --- | --- |
 * | `../engine/word_lstm.ts` | a trained tfjs word model as the library's LSTM (`wordLSTM`), its trace, its next-word distribution |
 * | `inside/units.ts` | statistics over units: saturation, correlation with a feature, the search for a unit, the most moving units |
 * | `inside/features.ts` | features of a text a reader can name, one number per token |
 * | `inside/controls.ts` | control networks: what a cell follows without having learned anything |
 * | `inside/passages.ts` | stretches of text to read closely, and what the model expected along them |
 * | `inside/profiles.ts` | one unit's values by sentence position, or split by a feature |
 * | `inside/findings.ts` | the units notebook 10 found in the course's model |
 *
 * The course model's folder is `courseModelDir` in `lib/engine/course_model.ts`.
 *
 * @module
 */

export { nextWordProbabilities, traceWords, type WordLSTM, wordLSTM } from "../engine/word_lstm.ts";
/** The `k` most probable entries of a distribution (one implementation for the course: `lib/text/sampling.ts`). */
export { topWords } from "../text/sampling.ts";
export {
  correlations,
  mostMovingUnits,
  runnerUp,
  type Saturation,
  saturation,
  searchUnits,
  strongest,
  strongestControl,
  type UnitSearch,
  unitValues,
} from "./inside/units.ts";
export { DETERMINERS, textFeatures, wordsOf } from "./inside/features.ts";
export { controlNetworks } from "./inside/controls.ts";
export {
  entropyBits,
  findPassage,
  passagePredictions,
  sentenceStarts,
  shortestQuotedSentence,
  type Span,
  type TokenPrediction,
} from "./inside/passages.ts";
export { positionProfile, splitByFeature } from "./inside/profiles.ts";
export { FOUND_UNITS } from "./inside/findings.ts";
