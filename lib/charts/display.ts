/**
 * Tables that a notebook cell ends with: shapes, parameter counts, worked examples.
 *
 * Like a {@linkcode Chart}, a {@linkcode Table} displays in Jupyter through
 * `Symbol.for("Jupyter.display")` (HTML, with an aligned text fallback) and never prints.
 *
 * @module
 */

import { escapeHtml } from "./_html.ts";
import { formatNumber, formatVector } from "../core/tensor.ts";

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
export class Table {
  /** Column names, in order. */
  readonly columns: readonly string[];
  /** Every cell as the text shown. */
  readonly cells: readonly (readonly string[])[];
  /** The caption, if any. */
  readonly caption: string | undefined;

  constructor(columns: readonly string[], cells: readonly (readonly string[])[], caption?: string) {
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
  toString(): string {
    const widths = this.columns.map((c, j) => Math.max(c.length, ...this.cells.map((row) => row[j].length)));
    const line = (row: readonly string[]) => row.map((cell, j) => cell.padEnd(widths[j])).join("  ").trimEnd();
    const rule = widths.map((w) => "-".repeat(w)).join("  ");
    return [this.caption, line(this.columns), rule, ...this.cells.map(line)].filter((l) => l !== undefined).join("\n");
  }

  /** What Jupyter shows: the HTML table, and the text table as fallback. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.html, "text/plain": this.toString() };
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
