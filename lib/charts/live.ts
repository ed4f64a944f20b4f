/**
 * Outputs that a running cell redraws in place: a live chart under a status line while a model
 * trains (notebooks 07 and 08). The kernel's `Deno.jupyter.display` is passed in, so the library
 * itself never touches `Deno.jupyter`, which exists only inside the kernel.
 *
 * @module
 */

/** What `Deno.jupyter.display` looks like, for {@linkcode liveOutputs} (the library never calls it itself). */
export type JupyterDisplay = (
  obj: unknown,
  options?: { raw?: boolean; update?: boolean; display_id?: string },
) => Promise<void>;

/**
 * Outputs that a running cell redraws in place (a live chart, a status line): `show` displays each
 * once under its own display id, `update` replaces them. Pass the kernel's `Deno.jupyter.display`
 * (the library itself never touches `Deno.jupyter`, which exists only inside the kernel). Each value
 * is anything Jupyter displays: a chart, a table, `Deno.jupyter.md` text.
 *
 * @example
 * ```ts
 * import { liveOutputs } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const calls: unknown[] = [];
 * const live = liveOutputs(async (obj, options) => void calls.push([obj, options]), ["chart", "status"]);
 * await live.show("a", "b");
 * await live.update("c", "d");
 * assert.deepEqual(calls[3], ["d", { display_id: "status", update: true }]);
 * ```
 */
export function liveOutputs(display: JupyterDisplay, ids: readonly string[]) {
  if (typeof display !== "function") throw new TypeError("Cannot make live outputs: pass Deno.jupyter.display");
  const put = async (values: unknown[], update: boolean) => {
    if (values.length !== ids.length) {
      throw new RangeError(
        `Cannot show live outputs: ${values.length} values for ${ids.length} outputs (${ids.join(", ")})`,
      );
    }
    for (const [k, value] of values.entries()) {
      await display(value, { display_id: ids[k], ...(update ? { update: true } : {}) });
    }
  };
  return {
    /** Displays each value once, under its id. */
    show: (...values: unknown[]) => put(values, false),
    /** Replaces what the ids show. */
    update: (...values: unknown[]) => put(values, true),
  };
}
