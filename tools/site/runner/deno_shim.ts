/**
 * `Deno.jupyter` for cells that run in the site's notebook runner: `md`, `html`, `svg` (tagged templates),
 * `display(obj, { raw, update, display_id })`, `broadcast("display_data" | "update_display_data", …)` and
 * `format`, doing what Deno's kernel does with them (its `40_jupyter.js`), with the outputs going to `emit`
 * instead of to Jupyter. `Deno.env.get` answers undefined for every name (a page has no environment).
 *
 * @module
 */

import { inspect } from "./inspect.ts";
import type { MimeBundle, Output } from "./protocol.ts";

/** The symbol Jupyter's Deno kernel calls to display an object: it returns a MIME bundle. */
export const $display: unique symbol = Symbol.for("Jupyter.display") as never;

/** Options of `Deno.jupyter.display`. */
export interface DisplayOptions {
  /** `obj` is a MIME bundle already. */
  raw?: boolean;
  /** Replace what was displayed under `display_id` instead of adding an output. */
  update?: boolean;
  display_id?: string;
}

/**
 * How Jupyter shows a value: its `Symbol.for("Jupyter.display")` bundle when it has one, otherwise
 * `text/plain` as Deno's inspect writes it.
 */
export async function format(obj: unknown): Promise<MimeBundle> {
  const method = obj !== null && (typeof obj === "object" || typeof obj === "function")
    ? (obj as Record<symbol, unknown>)[$display]
    : undefined;
  if (typeof method === "function") return await method.call(obj) as MimeBundle;
  return { "text/plain": inspect(obj) };
}

function displayable(bundle: MimeBundle) {
  return { [$display]: () => bundle };
}

/** A tagged template whose text is displayed as `mime`: `md\`**${x}**\``. */
function tagged(mime: string) {
  return (strings: TemplateStringsArray, ...values: unknown[]) =>
    displayable({
      [mime]: strings.reduce(
        (text, s, k) => text + s + (values[k] !== undefined && k < values.length ? values[k] : ""),
        "",
      ),
    });
}

/** `Deno.jupyter` whose outputs go to `emit`. */
export function denoJupyter(emit: (output: Output) => void) {
  async function broadcast(
    msgType: string,
    content: { data?: MimeBundle; metadata?: Record<string, unknown>; transient?: { display_id?: string } },
  ): Promise<void> {
    if (msgType !== "display_data" && msgType !== "update_display_data") return;
    emit({
      output_type: msgType,
      data: content.data ?? {},
      metadata: content.metadata ?? {},
      ...(content.transient ? { transient: content.transient } : {}),
    });
    await Promise.resolve();
  }
  async function display(obj: unknown, options: DisplayOptions = {}): Promise<void> {
    const data = options.raw ? obj as MimeBundle : await format(obj);
    await broadcast(options.update ? "update_display_data" : "display_data", {
      data,
      metadata: {},
      transient: options.display_id ? { display_id: options.display_id } : {},
    });
  }
  return {
    $display,
    broadcast,
    display,
    format,
    md: tagged("text/markdown"),
    html: tagged("text/html"),
    svg: tagged("image/svg+xml"),
  };
}

/**
 * The `Deno` global of a cell running in a page: `jupyter` (outputs to `emit`), and an `env` without variables.
 * Nothing else: the library's own browser paths do not look for Deno's file system here.
 */
export function denoGlobal(emit: (output: Output) => void) {
  return {
    jupyter: denoJupyter(emit),
    env: {
      get: (_name: string): string | undefined => undefined,
      has: (_name: string) => false,
      toObject: () => ({}),
    },
  };
}
