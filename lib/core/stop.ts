/**
 * Stop between batches: how the Stop button of Jupyter ends the course's training loops without
 * losing the learner's variables.
 *
 * Deno's kernel (2.9.6) cannot interrupt a cell while it awaits (denoland/deno#24491), and the
 * course's training cells await between batches. So the course's kernel (`tools/kernel/deno_kernel.py`)
 * answers the Stop button by creating a file, whose path it gives Deno in the environment variable
 * {@linkcode STOP_FILE_ENV}; every training loop of this library looks for that file after each batch
 * and, if it is there, throws {@linkcode Interrupted}. The cell ends with that error, the weights keep
 * everything the finished batches taught them, and every variable of the notebook stays. The kernel
 * removes the file before the next cell runs.
 *
 * Outside that kernel (tests, scripts, the browser) the variable is not set and nothing ever stops.
 *
 * @module
 */

import { denoRuntime } from "./platform.ts";

/** The environment variable that names the stop file (set by the course's kernel for Deno). */
export const STOP_FILE_ENV = "LSTM_COURSE_STOP_FILE";

/** What a training loop throws when the Stop button was pressed: the cell ends, the kernel and its variables stay. */
export class Interrupted extends Error {
  override name = "Interrupted";
}

/**
 * Whether the Stop button has been pressed since the cell started: the stop file named by
 * {@linkcode STOP_FILE_ENV} exists. False outside the course's kernel, and where Deno (or its
 * permission to read the environment and the file) is missing. About 10 µs: cheap after every batch.
 */
export function stopRequested(): boolean {
  const deno = denoRuntime();
  if (deno === undefined) return false; // a browser: its page stops the worker instead
  try {
    const path = deno.env.get(STOP_FILE_ENV);
    if (!path) return false;
    deno.statSync(path);
    return true;
  } catch {
    return false; // no such file, or no permission: no stop
  }
}

/**
 * Throws {@linkcode Interrupted} if the Stop button has been pressed ({@linkcode stopRequested}).
 * Training loops call it after each batch, so that the weights hold every finished batch.
 *
 * @param done what has been done, for the message, e.g. `"after batch 12 of 30"`
 * @throws {Interrupted} "Stopped by the Stop button after batch 12 of 30: the weights keep what the
 *   finished batches taught them, and every variable is still defined."
 *
 * @example
 * ```ts
 * import { throwIfStopRequested } from "@course/lib";
 *
 * throwIfStopRequested("after batch 1"); // outside the course's kernel: never throws
 * ```
 */
export function throwIfStopRequested(done: string): void {
  if (!stopRequested()) return;
  throw new Interrupted(
    `Stopped by the Stop button ${done}: the weights keep what the finished batches taught them, and every variable is still defined.`,
  );
}
