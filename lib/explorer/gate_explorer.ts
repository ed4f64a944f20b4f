/**
 * The gate explorer's page script (notebooks 03–06, the course website): the running example's cell,
 * H = 3, X = 4, computed by the library's own `lstmStep` in the browser as the learner moves the
 * sliders: the word read, hₜ₋₁, cₜ₋₁ and each gate's bias. Bundled for the browser by `deno task bundle` into `gate_explorer.bundle.js`, which
 * {@linkcode gateExplorer} (in `lib/explorer/explorer.ts`) inlines into an HTML output.
 *
 * Every number on the page is in an element with a `data-value` attribute naming it (`f0`, `c2`, …),
 * so that `tests/explorer_test.ts` can read them back and compare them with `lstmStep` in Deno. The
 * cell diagram under the table lights each gate's wires and layer by how open one unit's gate is
 * (unit 0 unless another is chosen), with the value beside it. A reset button returns to the running
 * example.
 *
 * @module
 */

import { lstmStep } from "../core/lstm_cell.ts";
import { EXAMPLE_UNITS, EXAMPLE_WORDS, runningExample } from "../core/running_example.ts";

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
  const resets: (() => void)[] = []; // what the reset button runs: each control back to the running example
  const keep = root.ownerDocument.getElementById(`${root.id}-diagram`);
  root.innerHTML = "";
  const doc = root.ownerDocument;
  const el = (tag: string, attrs: Record<string, string> = {}, text = "") => {
    const e = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    return e;
  };
  // Controls beside the table on a wide page, above it on a narrow one.
  root.setAttribute(
    "style",
    "font: 14px system-ui, sans-serif; display: flex; flex-wrap: wrap; gap: 16px; max-width: 860px;",
  );
  const controls = el("div", { style: "flex: 0 0 300px; max-width: 100%" });
  const out = el("div", { style: "flex: 1 1 400px; min-width: 0; overflow-x: auto" });
  root.append(controls, out);
  if (keep) {
    keep.setAttribute("style", "flex: 1 1 100%; max-width: 560px");
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
    resets.push(() => (radio.checked = k === 0));
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
    const start = values[k];
    resets.push(() => {
      values[k] = start;
      input.value = String(start);
      shown.textContent = fmt(start);
    });
    row.append(el("span", { style: "width: 70px" }, `${name}[${k}]`), input, shown);
    parent.append(row);
  };
  controls.append(el("div", { style: "font-weight: 600; margin: 8px 0 2px" }, "hₜ₋₁, short-term memory"));
  state.hPrev.forEach((_, k) => slider("hPrev", state.hPrev, k, -1, 1));
  controls.append(el("div", { style: "font-weight: 600; margin: 8px 0 2px" }, "cₜ₋₁, long-term memory"));
  state.cPrev.forEach((_, k) => slider("cPrev", state.cPrev, k, -2, 2));
  // The four biases, one gate's at a time: the notebook's own gate first (`data-gate`, default b_f).
  controls.append(el("div", { style: "font-weight: 600; margin: 8px 0 2px" }, "the biases"));
  const biases = [["bf", "b_f"], ["bi", "b_i"], ["bc", "b_c"], ["bo", "b_o"]] as const;
  const opening = Math.max(0, biases.findIndex(([key]) => key === root.dataset.gate));
  const groups = biases.map(([key], g) => {
    const group = el("div", { "data-bias-group": key, style: g === opening ? "" : "display: none" });
    state[key].forEach((_, k) => slider(key, state[key], k, -8, 8, group));
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
    radio.checked = g === opening;
    radio.addEventListener("change", () => groups.forEach((d, j) => (d.style.display = j === g ? "" : "none")));
    l.append(radio, doc.createTextNode(` ${label}`));
    pick.append(l);
  });
  controls.append(pick, ...groups);
  const reset = el(
    "button",
    { "data-control": "reset", style: "margin-top: 8px; font: inherit" },
    "Reset to the running example",
  );
  reset.addEventListener("click", () => {
    state.word = 0;
    resets.forEach((r) => r());
    render();
  });
  controls.append(reset);
  // Which unit lights the diagram (unit 0, the hero's, by default).
  const unitPick = el("div", { style: "margin: 8px 0 0" }, "light the diagram for ");
  let lit = 0;
  EXAMPLE_UNITS.forEach((_, k) => {
    const l = el("label", { style: "margin-right: 8px" });
    const radio = el("input", {
      type: "radio",
      name: `lit-${root.id}`,
      "data-control": `lit-${k}`,
    }) as HTMLInputElement;
    radio.checked = k === 0;
    radio.addEventListener("change", () => {
      lit = k;
      render();
    });
    l.append(radio, doc.createTextNode(` unit ${k}`));
    unitPick.append(l);
  });
  controls.append(unitPick);

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
    const kept = s.f.map((f, k) => f * state.cPrev[k]), written = s.i.map((i, k) => i * s.cTilde[k]);
    const rows: [string, string, Float32Array][] = [
      ["fₜ", "σ(W_f·[hₜ₋₁, xₜ] + b_f)", s.f],
      ["iₜ", "σ(W_i·[hₜ₋₁, xₜ] + b_i)", s.i],
      ["c̃ₜ", "tanh(W_c·[hₜ₋₁, xₜ] + b_c)", s.cTilde],
      ["oₜ", "σ(W_o·[hₜ₋₁, xₜ] + b_o)", s.o],
      ["kept", "fₜ ⊗ cₜ₋₁: the old memory kept", kept],
      ["written", "iₜ ⊗ c̃ₜ: the new memory written", written],
      ["cₜ", "fₜ ⊗ cₜ₋₁ + iₜ ⊗ c̃ₜ", s.c],
      ["hₜ", "oₜ ⊗ tanh(cₜ)", s.h],
    ];
    const keys = ["f", "i", "cTilde", "o", "kept", "written", "c", "h"];
    table.innerHTML = "";
    const head = el("tr");
    for (const [k, t] of ["", "equation", ...EXAMPLE_UNITS.map((_, k) => `unit ${k}`)].entries()) {
      const th = el("th", { style: "text-align: left; padding: 2px 8px; border-bottom: 1px solid #ccc" }, t);
      if (k >= 2) th.setAttribute("title", EXAMPLE_UNITS[k - 2]);
      head.append(th);
    }
    table.append(head);
    rows.forEach(([symbol, equation, values], r) => {
      const tr = el("tr");
      tr.append(
        el("td", { style: "padding: 2px 8px; font-weight: 600" }, symbol),
        el("td", { style: "padding: 2px 8px; color: #555" }, equation),
      );
      values.forEach((v, k) => {
        // Gates in blue, darker when open; memory in red or blue by sign.
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
    // Light each gate's wires and layer box by how open the chosen unit's gate is, its value beside it.
    const open = { forget: s.f[lit], input: s.i[lit], output: s.o[lit] };
    const layers = diagram?.querySelectorAll('g[data-part="layer"]');
    const where = { forget: [178, 106], input: [344, 100], output: [440, 216] }; // clear of the wires and labels
    Object.entries(open).forEach(([part, value], g) => {
      const opacity = (0.1 + 0.9 * value).toFixed(3);
      diagram?.querySelectorAll(`g[data-part="${part}"]`).forEach((e) => e.setAttribute("opacity", opacity));
      layers?.[g]?.setAttribute("opacity", opacity);
      diagram?.setAttribute(`data-${part}`, value.toFixed(3));
      const svg = diagram?.querySelector("svg");
      if (!svg) return;
      let text = svg.querySelector<SVGTextElement>(`text[data-gate-value="${part}"]`);
      if (!text) {
        text = doc.createElementNS("http://www.w3.org/2000/svg", "text") as SVGTextElement;
        text.setAttribute("data-gate-value", part);
        text.setAttribute("x", String(where[part as keyof typeof where][0]));
        text.setAttribute("y", String(where[part as keyof typeof where][1]));
        text.setAttribute("font-size", "13");
        text.setAttribute("font-weight", "600");
        text.setAttribute("fill", "#1f4fa0");
        svg.append(text);
      }
      text.textContent = `${part[0]}${"₀₁₂"[lit]} = ${value.toFixed(2)}`;
    });
    diagram?.setAttribute("data-unit", String(lit));
    const word = EXAMPLE_WORDS[state.word];
    // Unit 0 holds the hero: positive for Vikram, negative for Ravi (notebook 02's running example).
    const verdict = s.c[0] > 0.05 ? "vikram" : s.c[0] < -0.05 ? "ravi" : "none";
    const hero = {
      vikram: "c₀ > 0: Vikram is still the hero.",
      ravi: "c₀ < 0: Ravi is the hero now.",
      none: "c₀ ≈ 0: no hero is held.",
    };
    // Opened on the output gate (notebook 06): say what unit 0 shows of its memory.
    const shows = (st: typeof s) =>
      root.dataset.gate === "bo"
        ? ` The output gate o₀ = ${fmt(st.o[0])} lets that share of tanh(c₀) = ${fmt(st.tanhC[0])} through: h₀ = ${
          fmt(st.h[0])
        }.`
        : "";
    note.setAttribute("data-verdict", verdict);
    note.textContent = `Reading "${word}": unit 0 (${EXAMPLE_UNITS[0]}; positive is Vikram, negative Ravi) keeps ${
      (100 * s.f[0]).toFixed(0)
    } % of its old memory and writes ${fmt(written[0])}, so c₀ goes from ${fmt(state.cPrev[0])} to ${fmt(s.c[0])}. ${
      hero[verdict]
    }${shows(s)} Gates are blue, darker when open; memories blue when positive, red when negative.`;
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
