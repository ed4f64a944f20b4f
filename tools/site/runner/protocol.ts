/**
 * The messages between a notebook page (`page.ts`) and the worker that runs its cells (`worker.ts`), and the
 * outputs a cell makes, shaped as nbformat 4 has them (so that what a page shows compares with what Jupyter
 * recorded, `tests/fixtures/notebook_outputs.json`).
 *
 * @module
 */

/** What the page says when Stop has restarted the notebook (in the bar, and under the cell that was running). */
export const STOPPED = "Stopped: the notebook restarted, run the cells again from the top";

/** A Jupyter MIME bundle: type → content (`{ "text/html": "<svg…", "text/plain": "Chart: loss" }`). */
export type MimeBundle = Record<string, unknown>;

/** One output of a cell, as in an nbformat 4 notebook (`update_display_data` replaces an earlier output's data). */
export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | {
    output_type: "display_data" | "update_display_data";
    data: MimeBundle;
    metadata: Record<string, unknown>;
    transient?: { display_id?: string };
  }
  | { output_type: "execute_result"; data: MimeBundle; metadata: Record<string, unknown>; execution_count: number }
  | {
    output_type: "error";
    ename: string;
    evalue: string;
    traceback: string[];
    /** The cell's line where it was thrown (1-based), when the error came from the cell's own code. */
    line?: number;
  };

/** Page → worker: run a cell's source (`run` numbers the request; `count` is its execution count, `[n]`). */
export interface RunRequest {
  type: "run";
  run: number;
  count: number;
  source: string;
}

/** Worker → page. */
export type WorkerMessage =
  /** The worker has started and waits for cells. */
  | { type: "ready" }
  /** An output of run `run` (outputs that come after a run ended belong to the last run). */
  | { type: "output"; run: number; output: Output }
  /** Run `run` ended: without an error (`ok`) or with one (its output came before), after `seconds`. */
  | { type: "done"; run: number; ok: boolean; seconds: number };
