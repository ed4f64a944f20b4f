/**
 * The model explorer's unit chart: the chosen unit over the text, its value (tanh(c) or h) and its three
 * gates after each word as lines on one axis from −1 to 1, on a `<canvas data-unit-chart>`.
 *
 * @module
 */

import type { LSTMTrace } from "../../core/lstm.ts";
import { elementMaker } from "../_element.ts";
import { wordLabels } from "./word_labels.ts";
import { DIVERGING, GATE_COLORS, GREY } from "../../charts/palette.ts";

/**
 * Redraws `box` for unit `u`: `values` (`[T][H]`, tanh(c) or h, named `which`) and the gates of `trace`,
 * one point a word of `words` (length T).
 */
export function drawUnitChart(
  box: HTMLElement,
  words: readonly string[],
  trace: LSTMTrace,
  u: number,
  which: string,
  values: readonly Float32Array[],
): void {
  const el = elementMaker(box.ownerDocument);
  box.innerHTML = "";
  const T = values.length, left = 34, right = 10, top = 8, plotH = 120, labels = 56;
  const width = 880, step = (width - left - right) / Math.max(1, T - 1);
  const canvas = el("canvas", { width: String(width), height: String(top + plotH + labels), "data-unit-chart": "" });
  const g = canvas.getContext("2d")!;
  const y = (v: number) => top + (1 - (v + 1) / 2) * plotH;
  const x = (t: number) => left + t * step;
  g.strokeStyle = GREY.frame;
  g.fillStyle = GREY.muted;
  g.font = "10px system-ui, sans-serif";
  for (const v of [-1, 0, 1]) {
    g.beginPath();
    g.moveTo(left, y(v));
    g.lineTo(width - right, y(v));
    g.stroke();
    g.fillText(String(v), 8, y(v) + 3);
  }
  const lines: [string, string, readonly ArrayLike<number>[]][] = [
    [which, DIVERGING.positive, values],
    ["forget f", GATE_COLORS.f, trace.f],
    ["input i", GATE_COLORS.i, trace.i],
    ["output o", GATE_COLORS.o, trace.o],
  ];
  for (const [, colour, series] of lines) {
    g.strokeStyle = colour;
    g.lineWidth = colour === DIVERGING.positive ? 2.5 : 1.5;
    g.beginPath();
    for (let t = 0; t < T; t++) (t === 0 ? g.moveTo : g.lineTo).call(g, x(t), y(series[t][u]));
    g.stroke();
  }
  wordLabels(g, words, (t) => x(t) + 2, top + plotH + 6, step);
  const key = el("div", { style: `font-size: 13px; color: ${GREY.ink};` }, `Unit ${u} after each word: `);
  for (const [name, colour] of lines) {
    key.append(el("span", { style: `color: ${colour}; font-weight: 600; margin-right: 12px;` }, `— ${name}`));
  }
  box.append(key, canvas);
}
