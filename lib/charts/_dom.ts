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
import { parseColor } from "./palette.ts";

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
        rgba = parseColor(color, "paint legend");
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

/** Makes a fresh linkedom document whose `createElement("canvas")` returns a {@linkcode RampCanvas}. */
export function createDocument(): Document {
  const { document } = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");
  const createElement = document.createElement.bind(document);
  // deno-lint-ignore no-explicit-any
  (document as any).createElement = (name: string, options?: unknown) =>
    name.toLowerCase() === "canvas" ? new RampCanvas() : createElement(name, options as ElementCreationOptions);
  return document as unknown as Document;
}
