/**
 * The exercise key of notebook 01, the core idea: which state is the long-term memory, how many
 * states an RNN carries, the RNN's accuracy at a gap of 50 (from the notebook's own table), and the
 * LSTM's parameter count.
 *
 * @module
 */

import { lstmParamCount } from "../../core/lstm_cell.ts";
import type { RecallSummaryRow } from "../recall_experiment.ts";
import { rnnParamCount } from "../../core/rnn.ts";
import type { ExerciseKey } from "./_key.ts";

/** The learner's answers to notebook 01's exercises; `undefined` is not answered yet. */
export interface CoreIdeaAnswers {
  /** Exercise 1: the LSTM's long-term memory. */
  longTerm?: "c" | "h";
  /** Exercise 2: state vectors a vanilla RNN carries. */
  rnnStates?: number;
  /** Exercise 3: the RNN's mean accuracy at a gap of 50, in percent. */
  rnnAt50?: number;
  /** Exercise 4: the parameters of section 1's LSTM. */
  lstmParams?: number;
}

/** What notebook 01's key reads from the notebook. */
export interface CoreIdeaContext {
  /** Section 2's table, `summariseRecall(experiment)`: accuracy (a fraction) per network and test gap. */
  readonly summary: readonly Pick<RecallSummaryRow, "gap" | "contender" | "mean">[];
}

/** Section 1's sizes, as exercise 4 states them. */
const X = 16, H = 16;

const rnnAt50 = ({ summary }: CoreIdeaContext) =>
  100 * summary.find((r) => r.gap === 50 && r.contender === "rnn")!.mean;

/** Notebook 01's exercises. */
export const coreIdeaKey: ExerciseKey<CoreIdeaAnswers, CoreIdeaContext> = {
  notebook: "01",
  context: {
    summary: {
      expected: "section 2's summariseRecall(experiment), with the RNN's row at gap 50",
      is: (v) =>
        Array.isArray(v) &&
        v.some((r) => r?.gap === 50 && r?.contender === "rnn" && Number.isFinite(r?.mean)),
    },
  },
  exercises: [
    {
      answer: "longTerm",
      expected: () => "c",
      why: () =>
        "c, the cell state: it changes only through the forget and input gates. h is recomputed at every step.",
    },
    {
      answer: "rnnStates",
      expected: () => 1,
      why: () => "1: the hidden state hₜ. The LSTM carries 2 (cₜ and hₜ).",
    },
    {
      answer: "rnnAt50",
      expected: rnnAt50,
      tolerance: 0.051, // one decimal is enough
      why: (c) => `${rnnAt50(c).toFixed(1)} %: the RNN column's last row, about two in eight (chance is one in eight).`,
    },
    {
      answer: "lstmParams",
      expected: () => lstmParamCount(X, H),
      why: () =>
        `${lstmParamCount(X, H)}: four layers, each H·(H + X) + H = ${lstmParamCount(X, H) / 4}; the RNN has one (${
          rnnParamCount(X, H)
        }). Notebook 02 derives it.`,
    },
  ],
};
