/**
 * The gate explorer's cell diagram (`lstmDiagram`'s SVG, which `gateExplorer` puts in the page), lit
 * by how open one unit's gates are: each gate's wires and layer box at opacity 0.1 + 0.9·gate, the
 * gate's value written beside it and kept in the diagram's `data-forget`, `data-input`, `data-output`.
 *
 * @module
 */

import type { LSTMStepResult } from "../../core/lstm_cell.ts";
import { ACCENT } from "../../charts/palette.ts";

/** Where each gate's value is written in the diagram's SVG: clear of the wires and labels. */
const WHERE = { forget: [178, 106], input: [344, 100], output: [440, 216] } as const;

/** Lights `diagram` (if the page has one) by unit `lit`'s forget, input and output gates in `s`. */
export function lightDiagram(diagram: HTMLElement | null, s: LSTMStepResult, lit: number): void {
  const open = { forget: s.f[lit], input: s.i[lit], output: s.o[lit] };
  const layers = diagram?.querySelectorAll('g[data-part="layer"]');
  Object.entries(open).forEach(([part, value], g) => {
    const opacity = (0.1 + 0.9 * value).toFixed(3);
    diagram?.querySelectorAll(`g[data-part="${part}"]`).forEach((e) => e.setAttribute("opacity", opacity));
    layers?.[g]?.setAttribute("opacity", opacity);
    diagram?.setAttribute(`data-${part}`, value.toFixed(3));
    const svg = diagram?.querySelector("svg");
    if (!svg) return;
    let text = svg.querySelector<SVGTextElement>(`text[data-gate-value="${part}"]`);
    if (!text) {
      text = svg.ownerDocument.createElementNS("http://www.w3.org/2000/svg", "text") as SVGTextElement;
      text.setAttribute("data-gate-value", part);
      text.setAttribute("x", String(WHERE[part as keyof typeof WHERE][0]));
      text.setAttribute("y", String(WHERE[part as keyof typeof WHERE][1]));
      text.setAttribute("font-size", "13");
      text.setAttribute("font-weight", "600");
      text.setAttribute("fill", ACCENT.link);
      svg.append(text);
    }
    text.textContent = `${part[0]}${"₀₁₂"[lit]} = ${value.toFixed(2)}`;
  });
  diagram?.setAttribute("data-unit", String(lit));
}
