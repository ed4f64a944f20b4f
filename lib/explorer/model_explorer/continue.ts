/**
 * The model explorer's continue control: a button that continues the text by a number of words
 * (`generateText`, seeded) with one of notebook 08's four picking rules (greedy, temperature, top-k,
 * top-p), the words it wrote in `data-continued`, and an Undo.
 *
 * @module
 */

import { generateText } from "../../engine/wordlm.ts";
import { continuationText } from "../../text/corpus_text.ts";
import type { Sampling } from "../../text/sampling.ts";
import { elementMaker, type MakeElement } from "../_element.ts";
import type { Loaded } from "./load.ts";
import { GREY } from "../../charts/palette.ts";

/** Each box's limits and whether it takes whole numbers: a value out of them is brought within and shown so. */
const LIMITS: Record<string, [number, number, boolean]> = {
  words: [1, 100, true],
  temperature: [0.1, 3, false],
  k: [1, 1000, true],
  p: [0.05, 1, false],
  seed: [0, 1_000_000, true],
};

/** The picking rule's menu and the number boxes (each named by its `data-control`). */
interface Boxes {
  readonly rule: HTMLSelectElement;
  readonly temperature: HTMLInputElement;
  readonly k: HTMLInputElement;
  readonly p: HTMLInputElement;
  readonly words: HTMLInputElement;
  readonly seed: HTMLInputElement;
}

/** Where the text is, and where the control says which of its tokens the model wrote. */
export interface ContinueTarget {
  readonly text: HTMLTextAreaElement;
  /** The first token the last Continue wrote, while the text is as it left it (Infinity: none). */
  generatedFrom: number;
  /** Reads the text again after it changed. */
  readonly read: () => void;
}

/** The continue control: its box, and what the page calls when the learner edits the text. */
export interface ContinueControl {
  readonly box: HTMLElement;
  /** The learner changed the text: there is nothing to undo. */
  textEdited(): void;
}

function boxes(el: MakeElement): Boxes {
  const rule = el("select", { "data-control": "rule" });
  for (
    const [v, label] of [["topP", "top-p"], ["topK", "top-k"], ["temperature", "temperature"], ["greedy", "greedy"]]
  ) {
    rule.append(el("option", { value: v }, label));
  }
  const num = (name: string, value: string, attrs: Record<string, string>) =>
    el("input", { type: "number", value, "data-control": name, style: "width: 4.5em;", ...attrs });
  return {
    rule,
    temperature: num("temperature", "1", { min: "0.1", max: "3", step: "0.1" }),
    k: num("k", "10", { min: "1", max: "1000", step: "1" }),
    p: num("p", "0.9", { min: "0.05", max: "1", step: "0.05" }),
    words: num("words", "15", { min: "1", max: "100", step: "1" }),
    seed: num("seed", "1", { min: "0", step: "1" }),
  };
}

/** A box's value within its {@linkcode LIMITS} (its default when not a number), rewritten in the box if it was not. */
function boxValue(input: HTMLInputElement): number {
  const [lo, hi, whole] = LIMITS[input.getAttribute("data-control")!];
  let v = Number(input.value);
  if (!Number.isFinite(v) || input.value.trim() === "") v = Number(input.defaultValue);
  v = Math.max(lo, Math.min(hi, whole ? Math.round(v) : v));
  if (String(v) !== input.value) input.value = String(v);
  return v;
}

/** The picking rule the boxes say. */
function samplingOf({ rule, temperature, k, p }: Boxes): Sampling {
  const tau = boxValue(temperature);
  switch (rule.value) {
    case "greedy":
      return { kind: "greedy" };
    case "temperature":
      return { kind: "temperature", temperature: tau };
    case "topK":
      return { kind: "topK", k: boxValue(k), temperature: tau };
    default:
      return { kind: "topP", p: boxValue(p), temperature: tau };
  }
}

/** Turns on only the boxes the chosen rule reads: greedy none, temperature its τ, top-k k and τ, top-p p and τ. */
function enableBoxes({ rule, temperature, k, p }: Boxes): void {
  const uses: Record<string, HTMLInputElement[]> = {
    greedy: [],
    temperature: [temperature],
    topK: [k, temperature],
    topP: [p, temperature],
  };
  for (const input of [temperature, k, p]) input.disabled = !uses[rule.value].includes(input);
}

/** The continue control for the model `m`, continuing `target`'s text. */
export function continueControl(doc: Document, m: Loaded, target: ContinueTarget): ContinueControl {
  const el = elementMaker(doc);
  const b = boxes(el);
  const button = el("button", { "data-control": "continue", style: "font: inherit; padding: 2px 12px;" }, "Continue ▸");
  const undo = el(
    "button",
    { "data-control": "undo", style: "font: inherit; padding: 2px 8px;", disabled: "" },
    "Undo",
  );
  const note = el("span", { "data-continued": "", style: `margin-left: 8px; color: ${GREY.muted};` });
  const label = (t: string, input: HTMLElement) => {
    const l = el("label", { style: "margin-right: 12px; white-space: nowrap;" }, t + " ");
    l.append(input);
    return l;
  };
  const box = el("div", { style: `margin: 14px 0; padding: 8px 10px; background: ${GREY.panel}; border-radius: 6px;` });
  box.append(button, " ", undo, " ", label("words", b.words), label("picking", b.rule));
  box.append(label("temperature", b.temperature), label("k", b.k), label("p", b.p), label("seed", b.seed), note);
  b.rule.addEventListener("change", () => enableBoxes(b));
  enableBoxes(b);

  const text = target.text;
  let before: string | undefined;
  button.addEventListener("click", () => {
    if (text.value.trim() === "") {
      note.textContent = "Type a few words first: the model continues your text.";
      return;
    }
    button.disabled = true;
    note.textContent = "writing…";
    // After the browser has drawn the disabled button: generating 100 words takes a moment.
    setTimeout(() => {
      try {
        const count = boxValue(b.words);
        const out = generateText(m.model, m.vocabulary, text.value, {
          words: count,
          sampling: samplingOf(b),
          seed: boxValue(b.seed),
        });
        // Added as text (capitals, quotes, no space before a comma): the prompt reader reads it back
        // to the same tokens, <eos> after each sentence end (lib/text/corpus_text.ts).
        const added = continuationText(out.prompt.tokens, out.words);
        note.textContent = `added:${added}`;
        note.setAttribute("data-continued", out.words.join(" "));
        before = text.value;
        target.generatedFrom = out.prompt.tokens.length + 1; // after <eos> and the prompt's tokens
        text.value = `${text.value.trimEnd()}${added}`;
        undo.disabled = false;
        target.read();
      } catch (e) {
        note.textContent = (e as Error).message;
      } finally {
        button.disabled = false;
      }
    }, 0);
  });
  undo.addEventListener("click", () => {
    if (before === undefined) return;
    text.value = before;
    before = undefined;
    target.generatedFrom = Infinity;
    undo.disabled = true;
    note.textContent = "";
    note.setAttribute("data-continued", "");
    target.read();
  });
  return { box, textEdited: () => (undo.disabled = true) };
}
