/**
 * A server-side DOM for Observable Plot: Deno has no `document`, so charts are built in a
 * linkedom document and handed to Jupyter as HTML. Private to the library.
 *
 * linkedom has no canvas, and Plot paints the colour ramp of a continuous legend on a canvas
 * (`legends/ramp.js`: `fillStyle`, `fillRect`, then `toDataURL()`). {@linkcode RampCanvas}
 * implements exactly those calls and returns a real PNG, so continuous legends work.
 *
 * @module
 */

import { parseHTML } from "linkedom";
import { pngDataUrl } from "./_png.ts";

/** A canvas that supports what Plot's ramp legend uses: `getContext("2d")`, `fillStyle`, `fillRect`, `toDataURL`. */
export class RampCanvas {
  width = 300;
  height = 150;
  #pixels: Uint8Array | undefined;

  getContext(kind: string) {
    if (kind !== "2d") return null;
    let rgba: [number, number, number, number] = [0, 0, 0, 255];
    const fillRect = (x: number, y: number, w: number, h: number) => this.#fillRect(rgba, x, y, w, h);
    return {
      set fillStyle(color: string) {
        rgba = parseColor(color);
      },
      get fillStyle() {
        return `rgba(${rgba.join(",")})`;
      },
      fillRect,
    };
  }

  #fillRect(rgba: readonly number[], x: number, y: number, w: number, h: number): void {
    const pixels = this.#buffer();
    for (let row = Math.max(0, y); row < Math.min(this.height, y + h); row++) {
      for (let col = Math.max(0, x); col < Math.min(this.width, x + w); col++) {
        pixels.set(rgba, (row * this.width + col) * 4);
      }
    }
  }

  toDataURL(): string {
    return pngDataUrl(this.width, this.height, this.#buffer());
  }

  #buffer(): Uint8Array {
    const size = this.width * this.height * 4;
    if (this.#pixels?.length !== size) this.#pixels = new Uint8Array(size);
    return this.#pixels;
  }
}

/** Parses the colours d3 interpolators produce: `#rgb`, `#rrggbb`, `rgb(r, g, b)`, `rgba(r, g, b, a)`. */
export function parseColor(color: string): [number, number, number, number] {
  const text = color.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((d) => d + d).join("") : hex[1];
    return [0, 2, 4].map((k) => parseInt(h.slice(k, k + 2), 16)).concat(255) as [number, number, number, number];
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+))?\s*\)$/i.exec(text);
  if (rgb) {
    const [r, g, b] = [rgb[1], rgb[2], rgb[3]].map((v) => Math.round(Number(v)));
    const a = rgb[4] === undefined ? 255 : Math.round(Number(rgb[4]) * 255);
    return [r, g, b, a];
  }
  throw new TypeError(`Cannot paint legend: unsupported colour ${JSON.stringify(color)}, expected #rrggbb or rgb(...)`);
}

/** Makes a fresh linkedom document whose `createElement("canvas")` returns a {@linkcode RampCanvas}. */
export function createDocument(): Document {
  const { document } = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");
  const createElement = document.createElement.bind(document);
  // deno-lint-ignore no-explicit-any
  (document as any).createElement = (name: string, options?: unknown) =>
    name.toLowerCase() === "canvas" ? new RampCanvas() : createElement(name, options as ElementCreationOptions);
  return document as unknown as Document;
}
