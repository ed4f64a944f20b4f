import { GREY } from "../../charts/palette.ts";
/**
 * The words under a canvas chart's columns (the model explorer's unit chart and gate heatmaps).
 *
 * @module
 */

/**
 * Writes `words` under a chart's columns on `g`, leaning down to the right: word t at x(t), from
 * height `y` (px), one label every few columns when they are closer than about 10 px (`spacing` px
 * apart), each cut to 10 characters.
 */
export function wordLabels(
  g: CanvasRenderingContext2D,
  words: readonly string[],
  x: (t: number) => number,
  y: number,
  spacing: number,
): void {
  g.fillStyle = GREY.ink;
  g.font = "10px system-ui, sans-serif";
  for (let t = 0; t < words.length; t += Math.max(1, Math.ceil(10 / spacing))) {
    g.save();
    g.translate(x(t), y);
    g.rotate(Math.PI / 3);
    g.fillText(words[t].slice(0, 10), 0, 0);
    g.restore();
  }
}
