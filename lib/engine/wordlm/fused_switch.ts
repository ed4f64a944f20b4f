/**
 * The process-wide switch between the fused LSTM layer and the step-by-step one (`lib/engine/wordlm.ts`
 * is the word model's public entry).
 *
 * @module
 */

import { fusedLSTMAvailable } from "../fused_lstm.ts";
import { envValue } from "../../core/platform.ts";

/**
 * Whether LSTM layers run as one fused operation per window (`lib/engine/fused_lstm.ts`): by default when
 * native BLAS is loaded, unless the environment sets `COURSE_FUSED_LSTM=0`. `on` switches it for the
 * rest of the process (true only where BLAS is loaded), so that a test or benchmark can run both
 * paths; the step-by-step path is what differentiates with recurrent dropout, and GRUs always.
 *
 * @example
 * ```ts
 * import { initTfjs } from "@course/lib/engine/tfjs.ts";
 * import { useFusedLSTM } from "@course/lib/engine/wordlm.ts";
 * import assert from "node:assert/strict";
 *
 * await initTfjs();
 * const before = useFusedLSTM();
 * assert.equal(useFusedLSTM(false), false);
 * useFusedLSTM(before);
 * ```
 */
export function useFusedLSTM(on?: boolean): boolean {
  if (on !== undefined) fusedSetting = on && fusedLSTMAvailable();
  if (fusedSetting === undefined) {
    const off = envValue("COURSE_FUSED_LSTM") === "0"; // unset, no env permission or a browser: the default
    fusedSetting = !off && fusedLSTMAvailable();
  }
  return fusedSetting;
}
let fusedSetting: boolean | undefined;
