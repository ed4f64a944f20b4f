/**
 * The gate explorer's state: what the learner has set (the word read, hₜ₋₁, cₜ₋₁, the four biases, the
 * unit that lights the diagram), starting at the running example (`lib/core/running_example.ts`), and
 * the step `lstmStep` computes from it.
 *
 * @module
 */

import { lstmStep, type LSTMStepResult } from "../../core/lstm_cell.ts";
import { type RunningExample, runningExample } from "../../core/running_example.ts";

/** A number as the page shows it: three decimals, and "0.000" for anything that would round to ±0.000. */
export const fmt = (x: number): string => (Math.abs(x) < 0.0005 ? "0.000" : x.toFixed(3));

/** The four biases, each with its label: the order of the page's bias picker. */
export const BIASES = [["bf", "b_f"], ["bi", "b_i"], ["bc", "b_c"], ["bo", "b_o"]] as const;

/** A bias's key in {@linkcode GateState}. */
export type BiasKey = (typeof BIASES)[number][0];

/** What the sliders and radios set; each array one entry a unit (H = 3). */
export interface GateState {
  /** Which of the running example's words is read (xₜ is its one-hot vector, X = 4). */
  word: number;
  hPrev: number[];
  cPrev: number[];
  bf: number[];
  bi: number[];
  bc: number[];
  bo: number[];
  /** The unit whose gates light the diagram. */
  lit: number;
}

/** The running example's cell and its starting state: reading "Ravi", unit 0 lighting the diagram. */
export function initialState(example: RunningExample = runningExample()): GateState {
  return {
    word: 0,
    hPrev: [...example.hPrev],
    cPrev: [...example.cPrev],
    bf: [...example.params.bf],
    bi: [...example.params.bi],
    bc: [...example.params.bc],
    bo: [...example.params.bo],
    lit: 0,
  };
}

/** One step from the state, and the two parts of cₜ (each of length H). */
export interface GateStep {
  readonly s: LSTMStepResult;
  /** fₜ ⊗ cₜ₋₁: the old memory kept. */
  readonly kept: Float32Array;
  /** iₜ ⊗ c̃ₜ: the new memory written. */
  readonly written: Float32Array;
}

/** The cell's step for `state`: the running example's weights with the state's biases, its word and memories. */
export function gateStep(example: RunningExample, state: GateState): GateStep {
  const params = {
    ...example.params,
    bf: Float32Array.from(state.bf),
    bi: Float32Array.from(state.bi),
    bc: Float32Array.from(state.bc),
    bo: Float32Array.from(state.bo),
  };
  const x = new Float32Array(example.X);
  x[state.word] = 1;
  const s = lstmStep(params, x, state.hPrev, state.cPrev);
  const kept = s.f.map((f, k) => f * state.cPrev[k]), written = s.i.map((i, k) => i * s.cTilde[k]);
  return { s, kept, written };
}
