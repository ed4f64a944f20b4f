/**
 * The model explorer's gate heatmaps: the forget, input and output gates of all H units over the text,
 * side by side, one column a word and one row a unit, on `<canvas data-heatmap="f|i|o">`; the chosen
 * unit marked by red ticks, a value on hover.
 *
 * @module
 */

import type { LSTMTrace } from "../../core/lstm.ts";
import { elementMaker } from "../_element.ts";
import { wordLabels } from "./word_labels.ts";
import { ACCENT } from "../../charts/palette.ts";

/** A colour for a gate value in [0, 1]: white when shut, dark teal when open. */
function gateColor(v: number): [number, number, number] {
  const t = Math.max(0, Math.min(1, v));
  return [Math.round(255 - 240 * t), Math.round(255 - 145 * t), Math.round(255 - 125 * t)];
}

/**
 * Redraws `box`: the three gates of `trace` (`[T][H]` each) after each word of `words` (length T),
 * unit `u` marked.
 */
export function drawHeatmaps(box: HTMLElement, words: readonly string[], trace: LSTMTrace, u: number): void {
  const el = elementMaker(box.ownerDocument);
  box.innerHTML = "";
  const T = trace.h.length, H = trace.hiddenSize;
  // Three side by side, one column per token (squeezed past 260 tokens), one row per unit, the chosen
  // unit marked by ticks on both sides, the words written under the columns when there is room.
  const colW = Math.max(1, Math.min(18, Math.floor(260 / T))), margin = 6, labels = 60;
  const gridW = T * colW, width = gridW + 2 * margin + 30;
  box.append(
    el(
      "div",
      { style: "font-weight: 600; margin-bottom: 4px;" },
      `The gates of all ${H} units (rows) after each word (columns): white shut (0), dark open (1). ` +
        `The red ticks mark unit ${u}. Hover for a value.`,
    ),
  );
  const row = el("div", { style: "display: flex; gap: 10px; overflow-x: auto;" });
  for (
    const [name, gate] of [["forget gate f", trace.f], ["input gate i", trace.i], ["output gate o", trace.o]] as const
  ) {
    const panel = el("div", { style: "flex: 0 0 auto;" });
    panel.append(el("div", { style: "font-size: 13px;" }, name));
    const canvas = el("canvas", { width: String(width), height: String(H + labels), "data-heatmap": name[0] });
    const g = canvas.getContext("2d")!;
    const image = g.createImageData(gridW, H);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < H; j++) {
        const [r, gg, b] = gateColor(gate[t][j]);
        for (let x = t * colW; x < (t + 1) * colW; x++) {
          const at = (j * gridW + x) * 4;
          image.data[at] = r, image.data[at + 1] = gg, image.data[at + 2] = b, image.data[at + 3] = 255;
        }
      }
    }
    g.putImageData(image, margin, 0);
    g.fillStyle = ACCENT.red;
    g.fillRect(0, u - 1, margin - 1, 3);
    g.fillRect(margin + gridW + 1, u - 1, margin - 1, 3);
    wordLabels(g, words, (t) => margin + t * colW + colW / 2 + 3, H + 4, colW);
    canvas.addEventListener("mousemove", (e) => {
      const x = e.offsetX - margin, y = e.offsetY;
      if (x < 0 || x >= gridW || y < 0 || y >= H) {
        canvas.title = "";
        return;
      }
      const t = Math.floor(x / colW);
      canvas.title = `unit ${y}, after "${words[t]}": ${name[0]} = ${gate[t][y].toFixed(3)}`;
    });
    panel.append(canvas);
    row.append(panel);
  }
  box.append(row);
}
