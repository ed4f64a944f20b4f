/**
 * The gate explorer's page script (notebooks 03–06, the course website): the running example's cell,
 * H = 3, X = 4, computed by the library's own `lstmStep` in the browser as the learner moves the
 * sliders: the word read, hₜ₋₁, cₜ₋₁ and each gate's bias. Bundled for the browser by `deno task bundle` into `gate_explorer.bundle.js`, which
 * {@linkcode gateExplorer} (in `lib/explorer.ts`) inlines into an HTML output.
 *
 * Every number on the page is in an element with a `data-value` attribute naming it (`f0`, `c2`, …),
 * so that `tests/explorer_test.ts` can read them back and compare them with `lstmStep` in Deno. The
 * cell diagram under the table lights each gate's part by how open the gate is (its mean over the
 * three units).
 *
 * @module
 */

import { lstmStep } from "../lstm_cell.ts";
import { EXAMPLE_UNITS, EXAMPLE_WORDS, runningExample } from "../running_example.ts";

const fmt = (x: number) => (Math.abs(x) < 0.0005 ? "0.000" : x.toFixed(3));

/** Builds the explorer inside `root`: sliders, the six equations with live numbers, a lit diagram. */
export function mountGateExplorer(root: HTMLElement): void {
  const example = runningExample();
  const state = {
    word: 0,
    hPrev: [...example.hPrev],
    cPrev: [...example.cPrev],
    bf: [...example.params.bf],
    bi: [...example.params.bi],
    bc: [...example.params.bc],
    bo: [...example.params.bo],
  };
  const keep = root.ownerDocument.getElementById(`${root.id}-diagram`);
  root.innerHTML = "";
  const doc = root.ownerDocument;
  const el = (tag: string, attrs: Record<string, string> = {}, text = "") => {
    const e = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    return e;
  };
  root.setAttribute(
    "style",
    "font: 14px system-ui, sans-serif; display: grid; grid-template-columns: 300px 1fr; gap: 16px; max-width: 820px;",
  );
  const controls = el("div");
  const out = el("div");
  root.append(controls, out);
  if (keep) {
    keep.setAttribute("style", "grid-column: 1 / span 2; max-width: 560px");
    root.append(keep);
  }

  controls.append(el("div", { style: "font-weight: 600; margin-bottom: 4px" }, "the word read, xₜ"));
  EXAMPLE_WORDS.forEach((word, k) => {
    const label = el("label", { style: "margin-right: 10px" });
    const radio = el("input", {
      type: "radio",
      name: `word-${root.id}`,
      value: String(k),
      "data-control": `word-${word}`,
    }) as HTMLInputElement;
    radio.checked = k === state.word;
    radio.addEventListener("change", () => {
      state.word = k;
      render();
    });
    label.append(radio, doc.createTextNode(` ${word}`));
    controls.append(label);
  });
  const slider = (
    name: string,
    values: number[],
    k: number,
    lo: number,
    hi: number,
    parent: HTMLElement = controls,
  ) => {
    const row = el("div", { style: "display: flex; align-items: center; gap: 6px; margin: 2px 0" });
    const input = el("input", {
      type: "range",
      min: String(lo),
      max: String(hi),
      step: "0.01",
      value: String(values[k]),
      "data-control": `${name}${k}`,
      style: "width: 150px",
    }) as HTMLInputElement;
    const shown = el(
      "span",
      { style: "width: 48px; text-align: right; font-variant-numeric: tabular-nums" },
      fmt(values[k]),
    );
    input.addEventListener("input", () => {
      values[k] = Number(input.value);
      shown.textContent = fmt(values[k]);
      render();
    });
    row.append(el("span", { style: "width: 70px" }, `${name}[${k}]`), input, shown);
    parent.append(row);
  };
  controls.append(el("div", { style: "font-weight: 600; margin: 8px 0 2px" }, "hₜ₋₁, short-term memory"));
  state.hPrev.forEach((_, k) => slider("hPrev", state.hPrev, k, -1, 1));
  controls.append(el("div", { style: "font-weight: 600; margin: 8px 0 2px" }, "cₜ₋₁, long-term memory"));
  state.cPrev.forEach((_, k) => slider("cPrev", state.cPrev, k, -2, 2));
  // The four biases, one gate's at a time (b_f first: the forget gate's is the one the lessons move).
  controls.append(el("div", { style: "font-weight: 600; margin: 8px 0 2px" }, "the biases"));
  const biases = [["bf", "b_f"], ["bi", "b_i"], ["bc", "b_c"], ["bo", "b_o"]] as const;
  const groups = biases.map(([key]) => {
    const group = el("div", { "data-bias-group": key, style: key === "bf" ? "" : "display: none" });
    state[key].forEach((_, k) => slider(key, state[key], k, -4, 4, group));
    return group;
  });
  const pick = el("div", { style: "margin: 2px 0" });
  biases.forEach(([key, label], g) => {
    const l = el("label", { style: "margin-right: 10px" });
    const radio = el("input", {
      type: "radio",
      name: `bias-${root.id}`,
      value: key,
      "data-control": `bias-${key}`,
    }) as HTMLInputElement;
    radio.checked = g === 0;
    radio.addEventListener("change", () => groups.forEach((d, j) => (d.style.display = j === g ? "" : "none")));
    l.append(radio, doc.createTextNode(` ${label}`));
    pick.append(l);
  });
  controls.append(pick, ...groups);

  // The cell diagram the page brought along (gateExplorer puts lstmDiagram's SVG in the root), moved under the table.
  const diagram = root.ownerDocument.getElementById(`${root.id}-diagram`);
  const table = el("table", { style: "border-collapse: collapse; font-variant-numeric: tabular-nums" });
  out.append(table);
  const note = el("p", { style: "color: #555; margin: 6px 0 0" });
  out.append(note);

  function render() {
    const params = {
      ...example.params,
      bf: Float32Array.from(state.bf),
      bi: Float32Array.from(state.bi),
      bc: Float32Array.from(state.bc),
      bo: Float32Array.from(state.bo),
    };
    const x = new Float32Array(4);
    x[state.word] = 1;
    const s = lstmStep(params, x, state.hPrev, state.cPrev);
    const rows: [string, string, Float32Array][] = [
      ["fₜ", "σ(W_f·[hₜ₋₁, xₜ] + b_f)", s.f],
      ["iₜ", "σ(W_i·[hₜ₋₁, xₜ] + b_i)", s.i],
      ["c̃ₜ", "tanh(W_c·[hₜ₋₁, xₜ] + b_c)", s.cTilde],
      ["oₜ", "σ(W_o·[hₜ₋₁, xₜ] + b_o)", s.o],
      ["cₜ", "fₜ ⊗ cₜ₋₁ + iₜ ⊗ c̃ₜ", s.c],
      ["hₜ", "oₜ ⊗ tanh(cₜ)", s.h],
    ];
    const keys = ["f", "i", "cTilde", "o", "c", "h"];
    table.innerHTML = "";
    const head = el("tr");
    for (const t of ["", "equation", ...EXAMPLE_UNITS.map((_, k) => `unit ${k}`)]) {
      head.append(el("th", { style: "text-align: left; padding: 2px 8px; border-bottom: 1px solid #ccc" }, t));
    }
    table.append(head);
    rows.forEach(([symbol, equation, values], r) => {
      const tr = el("tr");
      tr.append(
        el("td", { style: "padding: 2px 8px; font-weight: 600" }, symbol),
        el("td", { style: "padding: 2px 8px; color: #555" }, equation),
      );
      values.forEach((v, k) => {
        // Gates in blue, brighter when open; memory in red or blue by sign.
        const gate = r <= 3 && r !== 2;
        const a = gate ? v : Math.min(1, Math.abs(v));
        const colour = gate || v >= 0
          ? `rgba(66, 105, 208, ${0.15 + 0.6 * a})`
          : `rgba(214, 39, 40, ${0.15 + 0.6 * a})`;
        tr.append(
          el("td", {
            "data-value": `${keys[r]}${k}`,
            style: `padding: 2px 8px; text-align: right; background: ${colour}`,
          }, fmt(v)),
        );
      });
      table.append(tr);
    });
    // Light each gate's part of the diagram by how open the gate is, on average over the three units.
    const mean = (v: Float32Array) => (v[0] + v[1] + v[2]) / 3;
    const open = { forget: mean(s.f), input: mean(s.i), output: mean(s.o) };
    for (const [part, value] of Object.entries(open)) {
      diagram?.querySelectorAll(`g[data-part="${part}"]`).forEach((g) =>
        g.setAttribute("opacity", (0.15 + 0.85 * value).toFixed(3))
      );
      diagram?.setAttribute(`data-${part}`, value.toFixed(3));
    }
    const word = EXAMPLE_WORDS[state.word];
    note.textContent = `Reading "${word}": unit 0 (${EXAMPLE_UNITS[0]}) keeps ${
      (100 * s.f[0]).toFixed(0)
    } % of its old memory and writes ${fmt(s.i[0] * s.cTilde[0])}, so c₀ goes from ${fmt(state.cPrev[0])} to ${
      fmt(s.c[0])
    }.`;
  }
  render();
}

// In a page: mount every explorer the HTML holds.
if (typeof document !== "undefined") {
  for (const root of document.querySelectorAll<HTMLElement>("[data-gate-explorer]")) {
    if (!root.dataset.mounted) {
      root.dataset.mounted = "1";
      mountGateExplorer(root);
    }
  }
}
