(() => {
  function p(t, e = "vector", o = "use vector") {
    if (t instanceof Float32Array) return t;
    if (t instanceof Float64Array) return Float32Array.from(t);
    if (!Array.isArray(t)) throw new TypeError(`Cannot ${o}: ${e} must be a number[] or a float array, got ${N(t)}`);
    let a = new Float32Array(t.length);
    for (let r = 0; r < t.length; r++) {
      let n = t[r];
      if (typeof n != "number") throw new TypeError(`Cannot ${o}: ${e}[${r}] must be a number, got ${N(n)}`);
      a[r] = n;
    }
    return a;
  }
  function v(t, e, o, a) {
    if (t.length !== e) throw new RangeError(`Cannot ${a}: ${o} has length ${t.length}, expected ${e}`);
  }
  function k(t) {
    return R(t, "n", "make zeros"), new Float32Array(t);
  }
  function O(t, e, o) {
    if (R(t, "rows", "make matrix"), R(e, "cols", "make matrix"), o === void 0) {
      return { rows: t, cols: e, data: new Float32Array(t * e) };
    }
    let a = p(o, "data", "make matrix");
    if (a.length !== t * e) {
      throw new RangeError(`Cannot make matrix: a ${t}\xD7${e} matrix needs ${t * e} numbers, data has ${a.length}`);
    }
    return { rows: t, cols: e, data: Float32Array.from(a) };
  }
  function F(t, e) {
    let o = p(e, "x", "multiply matrix by vector");
    if (o.length !== t.cols) {
      throw new RangeError(
        `Cannot multiply matrix by vector: W is ${t.rows}\xD7${t.cols}, so x must have length ${t.cols}, but it has length ${o.length}`,
      );
    }
    let a = new Float32Array(t.rows);
    for (let r = 0; r < t.rows; r++) {
      let n = r * t.cols, l = 0;
      for (let f = 0; f < t.cols; f++) l += t.data[n + f] * o[f];
      a[r] = l;
    }
    return a;
  }
  function V(t) {
    let e = t.map((r, n) => p(r, `part ${n}`, "concatenate vectors")),
      o = new Float32Array(e.reduce((r, n) => r + n.length, 0)),
      a = 0;
    for (let r of e) o.set(r, a), a += r.length;
    return o;
  }
  function q(t, e, o) {
    for (let a = 0; a < t.length; a++) {
      if (!Number.isFinite(t[a])) {
        throw new RangeError(`Cannot ${o}: ${e}[${a}] is ${t[a]}, expected a finite number`);
      }
    }
  }
  function R(t, e, o) {
    if (!Number.isInteger(t) || t < 0) throw new RangeError(`Cannot ${o}: ${e} must be a whole number >= 0, got ${t}`);
  }
  function N(t) {
    return t === null
      ? "null"
      : Array.isArray(t)
      ? `an array of length ${t.length}`
      : ArrayBuffer.isView(t)
      ? `a ${t.constructor.name}`
      : typeof t == "string"
      ? `the string ${JSON.stringify(t.slice(0, 20))}`
      : typeof t == "object"
      ? `an object (${t.constructor?.name ?? "Object"})`
      : `${typeof t} ${String(t)}`;
  }
  function A(t, e) {
    let [o, a] = j(t, e, "multiply element-wise (\u2297)"), r = new Float32Array(o.length);
    for (let n = 0; n < o.length; n++) r[n] = o[n] * a[n];
    return r;
  }
  function y(t, e) {
    let [o, a] = j(t, e, "add element-wise (+)"), r = new Float32Array(o.length);
    for (let n = 0; n < o.length; n++) r[n] = o[n] + a[n];
    return r;
  }
  function L(t) {
    return I(t, Math.tanh, "apply tanh");
  }
  function M(t) {
    return I(t, K, "apply sigmoid");
  }
  function K(t) {
    if (t >= 0) return 1 / (1 + Math.exp(-t));
    let e = Math.exp(t);
    return e / (1 + e);
  }
  function I(t, e, o) {
    let a = p(t, "x", o), r = new Float32Array(a.length);
    for (let n = 0; n < a.length; n++) r[n] = e(a[n]);
    return r;
  }
  function j(t, e, o) {
    let a = p(t, "a", o), r = p(e, "b", o);
    if (a.length !== r.length) {
      throw new RangeError(
        `Cannot ${o}: a has length ${a.length} but b has length ${r.length}; both must have the same length`,
      );
    }
    return [a, r];
  }
  function D(t, e, o, a) {
    let r = "run LSTM step", { hiddenSize: n, inputSize: l } = t, f = p(e, "x", r);
    v(f, l, "x", r);
    let u = o === void 0 ? k(n) : p(o, "hPrev", r);
    v(u, n, "hPrev", r);
    let h = a === void 0 ? k(n) : p(a, "cPrev", r);
    v(h, n, "cPrev", r);
    for (let [d, s] of [["x", f], ["hPrev", u], ["cPrev", h]]) q(s, d, r);
    return Q(t, f, u, h);
  }
  function Q(t, e, o, a) {
    let r = V([o, e]),
      n = M(y(F(t.Wf, r), t.bf)),
      l = M(y(F(t.Wi, r), t.bi)),
      f = L(y(F(t.Wc, r), t.bc)),
      u = y(A(n, a), A(l, f)),
      h = M(y(F(t.Wo, r), t.bo)),
      d = L(u),
      s = A(h, d);
    return { hx: r, f: n, i: l, cTilde: f, o: h, c: u, tanhC: d, h: s };
  }
  var S = ["Ravi", "he", "the", "asked"],
    X = ["who the story is about", "a name comes next", "a sentence is under way"],
    mt = ["h\u2080", "h\u2081", "h\u2082", ...S],
    b = {
      Wf: [[0, 0, 0, -4, 0, 0, 0], [0, 0, 0, -2, 0, 0, 2], [0, 0, 1, 0, 0, 0, 0]],
      Wi: [[0, 0, 0, 4, 0, 0, 0], [0, 0, 0, 0, 0, 0, 4], [0, 1, 0, 0, 0, 0, 0]],
      Wc: [[0, 0, 0, -2, 0, 0, 0], [0, 0, 0, 0, 0, 0, 2], [1, 0, 0, 0, 1, 1, 1]],
      Wo: [[0, 0, 0, 0, 2, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, -1, 0, 0, 0, 0]],
      bf: [2, 0, 1],
      bi: [-2, -2, 0],
      bc: [0, 0, 0],
      bo: [0, 1, 0],
    };
  function U() {
    let o = (r) => O(3, 7, r.flat());
    return {
      X: 4,
      H: 3,
      params: {
        inputSize: 4,
        hiddenSize: 3,
        Wf: o(b.Wf),
        Wi: o(b.Wi),
        Wc: o(b.Wc),
        Wo: o(b.Wo),
        bf: Float32Array.from(b.bf),
        bi: Float32Array.from(b.bi),
        bc: Float32Array.from(b.bc),
        bo: Float32Array.from(b.bo),
      },
      hPrev: Float32Array.from([.1, .3, .9]),
      cPrev: Float32Array.from([.55, .6, 1.5]),
      x: Float32Array.from([1, 0, 0, 0]),
    };
  }
  var w = (t) => Math.abs(t) < 5e-4 ? "0.000" : t.toFixed(3);
  function Y(t) {
    let e = U(), o = { word: 0, hPrev: [...e.hPrev], cPrev: [...e.cPrev], bf: [...e.params.bf] };
    t.innerHTML = "";
    let a = t.ownerDocument,
      r = (s, c = {}, i = "") => {
        let m = a.createElement(s);
        for (let [$, g] of Object.entries(c)) m.setAttribute($, g);
        return i && (m.textContent = i), m;
      };
    t.setAttribute(
      "style",
      "font: 14px system-ui, sans-serif; display: grid; grid-template-columns: 300px 1fr; gap: 16px; max-width: 820px;",
    );
    let n = r("div"), l = r("div");
    t.append(n, l),
      n.append(r("div", { style: "font-weight: 600; margin-bottom: 4px" }, "the word read, x\u209C")),
      S.forEach((s, c) => {
        let i = r("label", { style: "margin-right: 10px" }),
          m = r("input", { type: "radio", name: `word-${t.id}`, value: String(c), "data-control": `word-${s}` });
        m.checked = c === o.word,
          m.addEventListener("change", () => {
            o.word = c, d();
          }),
          i.append(m, a.createTextNode(` ${s}`)),
          n.append(i);
      });
    let f = (s, c, i, m, $) => {
      let g = r("div", { style: "display: flex; align-items: center; gap: 6px; margin: 2px 0" }),
        W = r("input", {
          type: "range",
          min: String(m),
          max: String($),
          step: "0.01",
          value: String(c[i]),
          "data-control": `${s}${i}`,
          style: "width: 150px",
        }),
        x = r("span", { style: "width: 48px; text-align: right; font-variant-numeric: tabular-nums" }, w(c[i]));
      W.addEventListener("input", () => {
        c[i] = Number(W.value), x.textContent = w(c[i]), d();
      }),
        g.append(r("span", { style: "width: 70px" }, `${s}[${i}]`), W, x),
        n.append(g);
    };
    n.append(r("div", { style: "font-weight: 600; margin: 8px 0 2px" }, "h\u209C\u208B\u2081, short-term memory")),
      o.hPrev.forEach((s, c) => f("hPrev", o.hPrev, c, -1, 1)),
      n.append(r("div", { style: "font-weight: 600; margin: 8px 0 2px" }, "c\u209C\u208B\u2081, long-term memory")),
      o.cPrev.forEach((s, c) => f("cPrev", o.cPrev, c, -2, 2)),
      n.append(r("div", { style: "font-weight: 600; margin: 8px 0 2px" }, "b_f, the forget gate's bias")),
      o.bf.forEach((s, c) => f("bf", o.bf, c, -4, 4));
    let u = r("table", { style: "border-collapse: collapse; font-variant-numeric: tabular-nums" });
    l.append(u);
    let h = r("p", { style: "color: #555; margin: 6px 0 0" });
    l.append(h);
    function d() {
      let s = { ...e.params, bf: Float32Array.from(o.bf) }, c = new Float32Array(4);
      c[o.word] = 1;
      let i = D(s, c, o.hPrev, o.cPrev),
        m = [
          ["f\u209C", "\u03C3(W_f\xB7[h\u209C\u208B\u2081, x\u209C] + b_f)", i.f],
          ["i\u209C", "\u03C3(W_i\xB7[h\u209C\u208B\u2081, x\u209C] + b_i)", i.i],
          ["c\u0303\u209C", "tanh(W_c\xB7[h\u209C\u208B\u2081, x\u209C] + b_c)", i.cTilde],
          ["o\u209C", "\u03C3(W_o\xB7[h\u209C\u208B\u2081, x\u209C] + b_o)", i.o],
          ["c\u209C", "f\u209C \u2297 c\u209C\u208B\u2081 + i\u209C \u2297 c\u0303\u209C", i.c],
          ["h\u209C", "o\u209C \u2297 tanh(c\u209C)", i.h],
        ],
        $ = ["f", "i", "cTilde", "o", "c", "h"];
      u.innerHTML = "";
      let g = r("tr");
      for (let x of ["", "equation", ...X.map((_, P) => `unit ${P}`)]) {
        g.append(r("th", { style: "text-align: left; padding: 2px 8px; border-bottom: 1px solid #ccc" }, x));
      }
      u.append(g),
        m.forEach(([x, _, P], C) => {
          let T = r("tr");
          T.append(
            r("td", { style: "padding: 2px 8px; font-weight: 600" }, x),
            r("td", { style: "padding: 2px 8px; color: #555" }, _),
          ),
            P.forEach((E, G) => {
              let z = C <= 3 && C !== 2,
                H = z ? E : Math.min(1, Math.abs(E)),
                J = z || E >= 0 ? `rgba(66, 105, 208, ${.15 + .6 * H})` : `rgba(214, 39, 40, ${.15 + .6 * H})`;
              T.append(
                r(
                  "td",
                  { "data-value": `${$[C]}${G}`, style: `padding: 2px 8px; text-align: right; background: ${J}` },
                  w(E),
                ),
              );
            }),
            u.append(T);
        });
      let W = S[o.word];
      h.textContent = `Reading "${W}": unit 0 (${X[0]}) keeps ${
        (100 * i.f[0]).toFixed(0)
      } % of its old memory and writes ${w(i.i[0] * i.cTilde[0])}, so c\u2080 goes from ${w(o.cPrev[0])} to ${
        w(i.c[0])
      }.`;
    }
    d();
  }
  if (typeof document < "u") {
    for (let t of document.querySelectorAll("[data-gate-explorer]")) {
      t.dataset.mounted || (t.dataset.mounted = "1", Y(t));
    }
  }
})();
