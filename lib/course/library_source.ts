/**
 * The library's own code, shown in a notebook: a region of a file of `lib/`, read from the file when
 * the cell runs, so the page shows exactly the code that computes its numbers (never a copy that
 * could drift). Regions are marked in the source with `// #region NAME` … `// #endregion`.
 *
 * @module
 */

import { escapeHtml } from "../charts/_html.ts";
import { Displayable, htmlBundle, type MimeBundle } from "../charts/display.ts";
import { CODE_BACKGROUND, GREY } from "../charts/palette.ts";
import { readText, repoUrl } from "../core/platform.ts";

/** A piece of the library's source; displays in Jupyter as code with its file and lines. */
export class SourceRegion extends Displayable {
  constructor(
    /** The file, relative to `lib/`. */
    readonly file: string,
    /** The region's name. */
    readonly region: string,
    /** The first line shown, counting from 1 in the file. */
    readonly firstLine: number,
    /** The lines, their common indentation removed. */
    readonly lines: readonly string[],
  ) {
    super();
  }

  /** Where the code is: `lib/FILE, lines A–B`. */
  get where(): string {
    return `lib/${this.file}, lines ${this.firstLine}–${this.firstLine + this.lines.length - 1}`;
  }

  /** The code as HTML: where it comes from, then the lines in a `<pre>`. */
  get html(): string {
    const code = escapeHtml(this.lines.join("\n"));
    const caption = `<div style="font-size: 0.85em; color: ${GREY.muted}">${
      escapeHtml(this.where)
    } (read from the file as this cell ran)</div>`;
    return `<figure style="margin: 0">${caption}<pre style="background: ${CODE_BACKGROUND}; padding: 8px; overflow-x: auto"><code>${code}</code></pre></figure>`;
  }

  /** Where the code is, then its lines: what a console prints. */
  override toString(): string {
    return `${this.where}\n${this.lines.join("\n")}`;
  }

  /** What Jupyter shows: the code, with where it comes from. */
  bundle(): MimeBundle {
    return htmlBundle(this.html, this.toString());
  }
}

/**
 * Reads the region `region` of `lib/FILE` (between `// #region REGION` and the next `// #endregion`).
 *
 * @throws {RangeError} if the file has no such region
 *
 * @example
 * ```ts
 * import { librarySource } from "@course/lib";
 * import assert from "node:assert/strict";
 *
 * const core = await librarySource("core/lstm_cell.ts", "the six equations");
 * assert.ok(core.lines.some((l) => l.startsWith("const f = sigmoid(")));
 * ```
 */
export async function librarySource(file: string, region: string): Promise<SourceRegion> {
  if (!/^[\w./-]+\.ts$/.test(file) || file.includes("..")) {
    throw new RangeError(
      `Cannot show library source: expected a file of lib/ such as "core/lstm_cell.ts", got "${file}"`,
    );
  }
  const text = await readText(repoUrl(`lib/${file}`)); // in a browser: the site's copy of lib/
  const all = text.split("\n");
  const start = all.findIndex((l) => l.trim() === `// #region ${region}`);
  const end = start < 0 ? -1 : all.findIndex((l, k) => k > start && l.trim() === "// #endregion");
  if (start < 0 || end < 0) {
    const names = all.map((l) => /^\s*\/\/ #region (.+)$/.exec(l)?.[1]).filter((n) => n !== undefined);
    throw new RangeError(
      `Cannot show library source: lib/${file} has no region "${region}" (regions: ${names.join(", ") || "none"})`,
    );
  }
  const lines = all.slice(start + 1, end);
  const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length));
  return new SourceRegion(file, region, start + 2, lines.map((l) => l.slice(indent)));
}
