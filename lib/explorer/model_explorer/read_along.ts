/**
 * The model explorer's read-along: the text the learner types, and under every word of it the
 * probability the model gave that word and its five guesses for the word after it (`readAlong`, the
 * library's own, as the `nextword` CLI computes them), a line saying how long that took, and the
 * cell's trace over the text (`traceWords`) for the views that colour and chart it.
 *
 * @module
 */

import { readAlong, type ReadAlongStep } from "../../engine/wordlm.ts";
import { traceWords } from "../../engine/word_lstm.ts";
import type { LSTMTrace } from "../../core/lstm.ts";
import { elementMaker, type MakeElement } from "../_element.ts";
import type { Loaded } from "./load.ts";
import { GREY } from "../../charts/palette.ts";

/** The sentence the page opens with: a quotation, so that the quotation cell has something to show. */
export const FIRST_TEXT = `He said, "The jury will find that the city was not to blame." Then he left.`;

const LEGEND =
  "How to read it: the model first reads <eos>, the end of a sentence, as every sentence of its training " +
  "text follows one. `` and '' open and close a quotation, as the Brown corpus writes them. Under each word: p, " +
  "the probability the model gave that word before seeing it (3.1e-4 means 0.00031), then its five guesses " +
  "for the word after it. A dashed box is a word the model does not know: it reads <unk>, which stands for " +
  "every rare word, and p is the probability of <unk>.";

/** The read-along's elements: the text box, the timing line, how to read it, the words. */
export interface ReadAlongView {
  readonly text: HTMLTextAreaElement;
  /** The timing line, or why the text was not read (then with a `data-error` attribute). */
  readonly timing: HTMLElement;
  readonly legend: HTMLElement;
  /** A `[data-token]` box for every token read, `<eos>` first. */
  readonly tokens: HTMLElement;
}

/** The read-along's elements, the text box holding {@linkcode FIRST_TEXT}. */
export function readAlongView(doc: Document): ReadAlongView {
  const el = elementMaker(doc);
  const text = el("textarea", {
    "data-control": "text",
    rows: "3",
    spellcheck: "false",
    style: "width: 100%; font: inherit; padding: 6px; box-sizing: border-box;",
  });
  text.value = FIRST_TEXT;
  const timing = el("p", { style: `color: ${GREY.muted}; margin: 4px 0 2px;` });
  const legend = el("p", { style: `color: ${GREY.muted}; font-size: 13px; margin: 0 0 10px;` }, LEGEND);
  const tokens = el("div", {
    "data-tokens": "",
    style: "display: flex; flex-wrap: wrap; gap: 6px 4px; margin: 10px 0;",
  });
  return { text, timing, legend, tokens };
}

/** The text as read: its tokens (`<eos>` first, T of them) and the cell's trace over them, each `[T][H]`. */
export interface Reading {
  readonly words: readonly string[];
  readonly trace: LSTMTrace;
}

/**
 * Reads the text in `view` with the model `m` and shows it word by word, the tokens from
 * `generatedFrom` on marked as the model's. Returns undefined, and says why in the timing line,
 * when the text is empty or cannot be read.
 */
export function readText(view: ReadAlongView, m: Loaded, generatedFrom: number): Reading | undefined {
  const { text, timing, tokens } = view;
  const el = elementMaker(text.ownerDocument);
  const started = performance.now();
  let along: ReturnType<typeof readAlong>;
  const fail = (message: string) => {
    timing.textContent = message;
    timing.setAttribute("data-error", "");
    tokens.innerHTML = "";
    return undefined;
  };
  if (text.value.trim() === "") return fail("Type a sentence above: the model reads it word by word.");
  try {
    along = readAlong(m.model, m.vocabulary, text.value, { k: 5 });
  } catch (e) {
    return fail((e as Error).message);
  }
  timing.removeAttribute("data-error");
  const ms = performance.now() - started;
  const trace = traceWords(m.net, along.prompt.ids);
  tokens.innerHTML = "";
  const unk = m.vocabulary.id("<unk>");
  along.steps.forEach((s, t) => {
    tokens.append(tokenBox(el, s, t, t > 0 && along.prompt.ids[t] === unk, t >= generatedFrom));
  });
  const unknown = along.prompt.unknown;
  timing.textContent = `${along.steps.length - 1} tokens read and the top 5 after each in ${ms.toFixed(1)} ms` +
    (unknown.length ? `; not in the vocabulary, read as <unk>: ${unknown.join(", ")}` : "") +
    (generatedFrom < along.steps.length ? ". Words in italics, underlined, were written by the model." : ".");
  timing.setAttribute("data-ms", ms.toFixed(2));
  return { words: along.steps.map((s) => s.word), trace };
}

/** Token t's box: the word (dashed when read as `<unk>`, italic when the model wrote it), its p, its top 5. */
function tokenBox(el: MakeElement, s: ReadAlongStep, t: number, unknown: boolean, generated: boolean): HTMLElement {
  const box = el("div", { "data-token": String(t), style: "min-width: 64px; font-size: 12px;" });
  const word = el("div", {
    "data-word": s.word,
    "data-note": (unknown ? "; not one of the model's words: read as <unk>" : "") +
      (generated ? "; written by the model" : ""),
    style: `font-size: 15px; padding: 1px 4px; border-radius: 3px; border: 1px ${
      unknown ? `dashed ${GREY.rule}` : `solid ${GREY.frame}`
    };${generated ? ` font-style: italic; text-decoration: underline dotted ${GREY.baseline};` : ""}`,
  }, s.word);
  if (generated) word.setAttribute("data-generated", "");
  const pWord = el(
    "div",
    {
      "data-p": s.p === null ? "" : String(s.p),
      style: `color: ${GREY.muted};`,
      title: "P(this word | the words before)",
    },
    s.p === null ? "start" : `p ${s.p < 0.001 ? s.p.toExponential(1) : s.p.toFixed(3)}`,
  );
  const next = el("ol", { style: `margin: 2px 0 0; padding-left: 0; list-style: none; color: ${GREY.ink};` });
  for (const w of s.next) {
    next.append(el("li", { "data-next-word": w.word, "data-next-p": String(w.p) }, `${w.word} ${w.p.toFixed(2)}`));
  }
  box.append(word, pWord, next);
  return box;
}
