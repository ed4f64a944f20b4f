/**
 * The gate explorer's note under the table: what unit 0, the hero's unit, does with the word read, and
 * who the hero is after it (positive c₀ Vikram, negative Ravi: notebook 02's running example), in a `<p>`
 * whose `data-verdict` is "vikram", "ravi" or "none".
 *
 * @module
 */

import { EXAMPLE_UNITS, EXAMPLE_WORDS } from "../../core/running_example.ts";
import { fmt, type GateState, type GateStep } from "./state.ts";

const HERO = {
  vikram: "c₀ > 0: Vikram is still the hero.",
  ravi: "c₀ < 0: Ravi is the hero now.",
  none: "c₀ ≈ 0: no hero is held.",
};

/**
 * Rewrites `note` for `step`, computed from `state`. `gate` is the explorer's `data-gate`: opened on
 * the output gate ("bo", notebook 06) the note also says what unit 0 shows of its memory.
 */
export function writeNote(note: HTMLElement, state: GateState, { s, written }: GateStep, gate?: string): void {
  const word = EXAMPLE_WORDS[state.word];
  const verdict = s.c[0] > 0.05 ? "vikram" : s.c[0] < -0.05 ? "ravi" : "none";
  const shows = gate === "bo"
    ? ` The output gate o₀ = ${fmt(s.o[0])} lets that share of tanh(c₀) = ${fmt(s.tanhC[0])} through: h₀ = ${
      fmt(s.h[0])
    }.`
    : "";
  note.setAttribute("data-verdict", verdict);
  note.textContent = `Reading "${word}": unit 0 (${EXAMPLE_UNITS[0]}; positive is Vikram, negative Ravi) keeps ${
    (100 * s.f[0]).toFixed(0)
  } % of its old memory and writes ${fmt(written[0])}, so c₀ goes from ${fmt(state.cPrev[0])} to ${fmt(s.c[0])}. ${
    HERO[verdict]
  }${shows} Gates are blue, darker when open; memories blue when positive, red when negative.`;
}
