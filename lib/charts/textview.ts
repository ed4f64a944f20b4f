/**
 * Text as HTML, token by token (notebook 10): a passage coloured by one cell's value, in the manner
 * of Karpathy, Johnson & Fei-Fei (2015, "Visualizing and Understanding Recurrent Networks"), and the
 * model's top next words written under each token.
 *
 * Like a chart, an {@linkcode HtmlView} displays in Jupyter (a {@linkcode Displayable}) as `text/html`
 * with inline styles only (no scripts, no classes), so it looks the same in the notebook and in the
 * course website, and never prints.
 *
 * @module
 */

import { escapeHtml } from "./_html.ts";
import { Displayable, htmlBundle, type MimeBundle } from "./display.ts";
import { ACCENT, DIVERGING, GREY, parseColor, SERIES } from "./palette.ts";

/** A piece of HTML that Jupyter displays, with a plain-text fallback. */
export class HtmlView extends Displayable {
  /** The HTML (inline styles only). */
  readonly html: string;
  /** What a console prints. */
  readonly text: string;

  constructor(html: string, text: string) {
    super();
    this.html = html;
    this.text = text;
  }

  /** What Jupyter shows: the HTML, and the plain text as fallback. */
  bundle(): MimeBundle {
    return htmlBundle(this.html, this.text);
  }

  override toString(): string {
    return this.text;
  }
}

// Red-blue diverging colours (ColorBrewer RdBu): blue for −1, near-white for 0, red for +1, so the
// sign of a cell reads at a glance and a value near 0 fades into the page.
const [NEGATIVE, MIDDLE, POSITIVE] = [DIVERGING.negative, DIVERGING.middle, DIVERGING.positive]
  .map((color) => parseColor(color).slice(0, 3));

/** The colour of `value` on a red-blue scale over `[lo, hi]` (0 in the middle when lo < 0 < hi), as `rgb(…)`. */
export function divergingColor(value: number, lo = -1, hi = 1): string {
  if (!Number.isFinite(value)) throw new RangeError(`Cannot colour a value: got ${value}, expected a finite number`);
  if (!(lo < hi)) throw new RangeError(`Cannot colour a value: the domain is [${lo}, ${hi}], expected lo < hi`);
  const mid = lo < 0 && hi > 0 ? 0 : (lo + hi) / 2;
  const s = value >= mid ? Math.min(1, (value - mid) / (hi - mid)) : -Math.min(1, (mid - value) / (mid - lo));
  const end = s >= 0 ? POSITIVE : NEGATIVE, a = Math.abs(s);
  const rgb = MIDDLE.map((m, k) => Math.round(m + (end[k] - m) * a));
  return `rgb(${rgb.join(",")})`;
}

/** How a token is written: `<eos>` as ⏎ (and a line break after it). */
function shown(token: string): string {
  return token === "<eos>" ? "⏎" : token;
}

/** Options for {@linkcode coloredText}. */
export interface ColoredTextOptions {
  /** A heading above the text, e.g. "unit 13: tanh(c)". */
  title?: string;
  /** The values at the two ends of the colours (default [−1, 1], the range of tanh(c)). */
  domain?: [number, number];
  /** Start a new line after each `<eos>` (default true). */
  breakAtEos?: boolean;
}

/**
 * A passage with each token's background coloured by a value (red positive, blue negative, white 0),
 * the value itself in the token's tooltip, and a colour key.
 *
 * @param tokens the words, `[T]`
 * @param values one number per token, `[T]` (for example unit k of `trace.tanhC`)
 * @throws {RangeError} if the lengths differ or a value is not finite
 *
 * @example
 * ```ts
 * import { coloredText } from "@course/lib/charts/textview.ts";
 * import assert from "node:assert/strict";
 *
 * const view = coloredText(["the", "cat", "<eos>"], [0.9, -0.9, 0]);
 * assert.match(view.html, /background:rgb\(/);
 * assert.equal(view.text, "the(+0.90) cat(-0.90) ⏎(+0.00)");
 * ```
 */
export function coloredText(
  tokens: readonly string[],
  values: ArrayLike<number>,
  options: ColoredTextOptions = {},
): HtmlView {
  if (tokens.length !== values.length) {
    throw new RangeError(`Cannot colour text: ${values.length} values for ${tokens.length} tokens, expected one each`);
  }
  const [lo, hi] = options.domain ?? [-1, 1];
  const breakAtEos = options.breakAtEos ?? true;
  const spans = tokens.map((token, t) => {
    const v = values[t];
    const tip = `${token}: ${v >= 0 ? "+" : ""}${v.toFixed(3)}`;
    // Dark backgrounds (the outer 45 % of each half of the scale) get white text.
    const mid = lo < 0 && hi > 0 ? 0 : (lo + hi) / 2;
    const strong = v >= mid ? (v - mid) / (hi - mid) > 0.55 : (mid - v) / (mid - lo) > 0.55;
    const span = `<span title="${escapeHtml(tip)}" style="background:${divergingColor(v, lo, hi)};${
      strong ? "color:white;" : ""
    }padding:1px 3px;margin:0 1px;border-radius:3px;line-height:1.9">${escapeHtml(shown(token))}</span>`;
    return token === "<eos>" && breakAtEos ? `${span}<br>` : span;
  });
  const key = [lo, (lo + hi) / 2, hi].map((v, k) =>
    `<span style="background:${divergingColor(v, lo, hi)};color:${
      k === 1 ? GREY.text : "white"
    };padding:1px 6px;border-radius:3px">${formatSigned(v)}</span>`
  ).join(" … ");
  const title = options.title
    ? `<div style="font-weight:bold;margin-bottom:4px">${escapeHtml(options.title)}</div>`
    : "";
  const html = `<div style="font-family:Georgia,serif;font-size:14px;max-width:900px">${title}` +
    `<div>${
      spans.join(" ")
    }</div><div style="font-size:12px;color:${GREY.muted};margin-top:6px">colour key: ${key}</div></div>`;
  const text = tokens.map((token, t) => `${shown(token)}(${formatSigned(values[t])})`).join(" ");
  return new HtmlView(html, options.title ? `${options.title}\n${text}` : text);
}

/** A probability as a whole percentage, or "<1%" for one that would round to 0. */
function percent(p: number): string {
  return p < 0.005 ? "<1%" : `${(100 * p).toFixed(0)}%`;
}

function formatSigned(v: number): string {
  return `${v >= 0 ? "+" : ""}${v.toFixed(2)}`;
}

/** One column of {@linkcode wordsUnderTokens}: a token, what really came next, and the model's guesses. */
export interface TokenGuesses {
  /** The token just read. */
  token: string;
  /** The word that really came next (highlighted among the guesses when it is one of them). */
  next?: string;
  /** The most probable next words, most probable first. */
  top: readonly { word: string; p: number }[];
}

/**
 * Each token of a passage with the model's most probable next words written under it, each with its
 * probability as a bar; the word that really came next is in bold on green when the model had it.
 *
 * @example
 * ```ts
 * import { wordsUnderTokens } from "@course/lib/charts/textview.ts";
 * import assert from "node:assert/strict";
 *
 * const view = wordsUnderTokens([{ token: "the", next: "cat", top: [{ word: "cat", p: 0.5 }, { word: "dog", p: 0.2 }] }]);
 * assert.match(view.html, /cat/);
 * assert.equal(view.text, "the → cat 50.0% ✓, dog 20.0%");
 * ```
 */
export function wordsUnderTokens(columns: readonly TokenGuesses[]): HtmlView {
  const cells = columns.map(({ token, next, top }) => {
    const rows = top.map(({ word, p }) => {
      const hit = word === next;
      const bar = `<div style="height:3px;background:${SERIES.blue};width:${Math.max(1, Math.round(70 * p))}px"></div>`;
      return `<div style="padding:1px 2px;${hit ? `background:${ACCENT.hit};font-weight:bold;` : ""}" title="${
        escapeHtml(`P(${word}) = ${(100 * p).toFixed(1)} %`)
      }">${escapeHtml(shown(word))} <span style="color:${GREY.faint}">${percent(p)}</span>${bar}</div>`;
    }).join("");
    return `<div style="display:inline-block;vertical-align:top;min-width:78px;margin:0 4px 10px 0;font-size:12px">` +
      `<div style="font-family:Georgia,serif;font-size:15px;border-bottom:1px solid ${GREY.rule};margin-bottom:2px">${
        escapeHtml(shown(token))
      }</div>${rows}</div>`;
  });
  const html = `<div style="max-width:1000px">${cells.join("")}</div>`;
  const text = columns.map(({ token, next, top }) =>
    `${shown(token)} → ${
      top.map(({ word, p }) => `${shown(word)} ${(100 * p).toFixed(1)}%${word === next ? " ✓" : ""}`).join(", ")
    }`
  ).join("\n");
  return new HtmlView(html, text);
}
