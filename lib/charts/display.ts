/**
 * What a notebook cell ends with, displayed in Jupyter: the one way every output of the library
 * shows itself ({@linkcode Displayable}), and tables (shapes, parameter counts, worked examples).
 *
 * Jupyter's Deno kernel displays an object through its `Symbol.for("Jupyter.display")` method, which
 * returns a MIME bundle. Charts, tables, text views and the library's source answer with `text/html`
 * and a plain-text fallback; nothing here touches `Deno.jupyter` (it exists only inside the kernel), so
 * the same code runs in `deno test`, and nothing prints.
 *
 * @module
 */

import { escapeHtml } from "./_html.ts";
import { formatNumber, formatVector } from "../core/tensor.ts";

/** A Jupyter MIME bundle: output type → content, e.g. `{ "text/html": "<svg …", "text/plain": "Chart: loss" }`. */
export type MimeBundle = Record<string, string>;

/**
 * The bundle of an HTML output with a plain-text fallback for consoles, in this key order:
 * `{ "text/html": html, "text/plain": text }`.
 *
 * @example
 * ```ts
 * import { htmlBundle } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(htmlBundle("<b>hi</b>", "hi"), { "text/html": "<b>hi</b>", "text/plain": "hi" });
 * ```
 */
export function htmlBundle(html: string, text: string): MimeBundle {
  return { "text/html": html, "text/plain": text };
}

/**
 * Something Jupyter displays: a subclass says what in {@linkcode Displayable.bundle} (usually
 * {@linkcode htmlBundle}), and the kernel's `Symbol.for("Jupyter.display")` method, defined here once,
 * returns it.
 *
 * @example
 * ```ts
 * import { Displayable, htmlBundle } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * class Note extends Displayable {
 *   bundle() {
 *     return htmlBundle("<em>note</em>", "note");
 *   }
 * }
 * const shown = (new Note() as unknown as Record<symbol, () => unknown>)[Symbol.for("Jupyter.display")]();
 * assert.deepEqual(shown, { "text/html": "<em>note</em>", "text/plain": "note" });
 * ```
 */
export abstract class Displayable {
  /**
   * The object as a Jupyter MIME bundle: what the kernel shows, and what a notebook passes to
   * `Deno.jupyter.broadcast("update_display_data", …)` to redraw an output in place.
   */
  abstract bundle(): MimeBundle;

  /** What Jupyter's Deno kernel calls to display the object: its {@linkcode Displayable.bundle}. */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return this.bundle();
  }
}

/** A table cell: text, a number, or a vector (printed the lecture's way, `[4 10 18]`). */
export type TableValue = string | number | boolean | Float32Array | readonly number[];

/** Options for {@linkcode table}. */
export interface TableOptions {
  /** A caption above the table. */
  caption?: string;
  /** The columns to show, in order (default: the keys of the first row). */
  columns?: readonly string[];
  /** Decimals for numbers and vectors (default 4; trailing zeros are dropped). */
  digits?: number;
}

/**
 * A displayable table: `text/html` for Jupyter, and plain text elsewhere. Made by {@linkcode table}.
 *
 * @example
 * ```ts
 * import { table } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const t = table([{ gate: "f", value: 0.5 }]);
 * assert.ok(t.html.includes("<table"));
 * ```
 */
export class Table extends Displayable {
  /** Column names, in order. */
  readonly columns: readonly string[];
  /** Every cell as the text shown. */
  readonly cells: readonly (readonly string[])[];
  /** The caption, if any. */
  readonly caption: string | undefined;

  constructor(columns: readonly string[], cells: readonly (readonly string[])[], caption?: string) {
    super();
    this.columns = columns;
    this.cells = cells;
    this.caption = caption;
  }

  /** The table as an HTML `<table>`. */
  get html(): string {
    const head = this.columns.map((c) => `<th style="text-align:left">${escapeHtml(c)}</th>`).join("");
    const body = this.cells
      .map((row) => `<tr>${row.map((cell) => `<td style="text-align:left">${escapeHtml(cell)}</td>`).join("")}</tr>`)
      .join("");
    // A paragraph rather than <caption>: a caption is as narrow as its table and wraps badly.
    const caption = this.caption === undefined ? "" : `<p style="margin:0 0 6px">${escapeHtml(this.caption)}</p>`;
    return `<div>${caption}<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
  }

  /** The table as aligned plain text. */
  override toString(): string {
    const widths = this.columns.map((c, j) => Math.max(c.length, ...this.cells.map((row) => row[j].length)));
    const line = (row: readonly string[]) => row.map((cell, j) => cell.padEnd(widths[j])).join("  ").trimEnd();
    const rule = widths.map((w) => "-".repeat(w)).join("  ");
    return [this.caption, line(this.columns), rule, ...this.cells.map(line)].filter((l) => l !== undefined).join("\n");
  }

  /** What Jupyter shows: the HTML table, and the text table as fallback. */
  bundle(): MimeBundle {
    return htmlBundle(this.html, this.toString());
  }
}

/**
 * A table from a list of rows (objects with the same keys).
 *
 * @example
 * ```ts
 * import { table } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const t = table([{ name: "W_f", shape: "3×7", count: 21 }, { name: "b_f", shape: "3", count: 3 }]);
 * assert.equal(t.cells[0][2], "21");
 * assert.match(t.html, /<td style="text-align:left">W_f<\/td>/);
 * ```
 */
export function table(rows: readonly Record<string, TableValue>[], options: TableOptions = {}): Table {
  const columns = options.columns ?? Object.keys(rows[0] ?? {});
  const digits = options.digits ?? 4;
  const cells = rows.map((row, r) =>
    columns.map((column) => {
      if (!(column in row)) {
        throw new RangeError(`Cannot make table: row ${r} has no column "${column}", expected every row to have it`);
      }
      return formatCell(row[column], digits);
    })
  );
  return new Table(columns, cells, options.caption);
}

function formatCell(value: TableValue, digits: number): string {
  if (typeof value === "number") return formatNumber(value, digits);
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  return formatVector(value, digits);
}
