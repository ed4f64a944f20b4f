/**
 * Values as plain text, the way Deno's `console.log` and Jupyter kernel show them, without colours: what the site's
 * notebook runner prints for `console.log` and shows as a cell's `text/plain` result. Close to Deno's inspect
 * (`[ 1, 2, 3 ]`, `{ a: 1 }`, `Float32Array(2) [ 1, 2 ]`, `Map(1) { "a" => 1 }`, strings in double quotes inside
 * objects), not identical: long arrays and objects break one entry a line rather than in columns.
 *
 * Pure (tested in tests/runner_test.ts).
 *
 * @module
 */

/** Options for {@linkcode inspect}. */
export interface InspectOptions {
  /** How deep objects are shown before `[Object]` (default 4, as Deno). */
  depth?: number;
  /** Entries shown of an array, map or set before "... N more items" (default 100, as Deno). */
  maxItems?: number;
}

const LINE_WIDTH = 80;

/**
 * A value as Deno's inspect shows it, in plain text. A string at the top level is quoted (as a cell's result);
 * {@linkcode formatLog} prints it bare (as `console.log`).
 */
export function inspect(value: unknown, options: InspectOptions = {}): string {
  return show(value, options.depth ?? 4, options.maxItems ?? 100, new Set(), 0);
}

/**
 * `console.log`'s arguments as one line of text: strings bare, other values inspected, separated by spaces;
 * a first string with `%s`, `%d`, `%i`, `%f`, `%o`, `%O`, `%c` takes the arguments that follow, as in Deno.
 */
export function formatLog(args: readonly unknown[]): string {
  const rest = [...args];
  let head = "";
  if (typeof rest[0] === "string" && /%[sdifoOjc%]/.test(rest[0])) {
    const template = rest.shift() as string;
    head = template.replace(/%([sdifoOjc%])/g, (whole, kind: string) => {
      if (kind === "%") return "%";
      if (rest.length === 0) return whole;
      const v = rest.shift();
      switch (kind) {
        case "s":
          return typeof v === "string" ? v : inspect(v, { depth: 1 });
        case "d":
        case "i":
          return typeof v === "bigint" ? `${v}n` : String(kind === "i" ? Math.trunc(Number(v)) : Number(v));
        case "f":
          return String(Number(v));
        case "c":
          return "";
        default:
          return inspect(v);
      }
    });
    if (rest.length === 0) return head;
    head += " ";
  }
  return head + rest.map((v) => typeof v === "string" ? v : inspect(v)).join(" ");
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function key(k: string | symbol): string {
  if (typeof k === "symbol") return `[${k.toString()}]`;
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
}

function show(v: unknown, depth: number, maxItems: number, seen: Set<object>, level: number): string {
  switch (typeof v) {
    case "string":
      return quote(v);
    case "number":
      return Object.is(v, -0) ? "-0" : String(v);
    case "bigint":
      return `${v}n`;
    case "boolean":
    case "undefined":
      return String(v);
    case "symbol":
      return v.toString();
    case "function":
      return functionName(v as (...args: never[]) => unknown);
  }
  if (v === null) return "null";
  const o = v as object;
  if (seen.has(o)) return "[Circular]";
  if (o instanceof Date) return isNaN(o.getTime()) ? "Invalid Date" : o.toISOString();
  if (o instanceof RegExp) return String(o);
  if (o instanceof Error) return o.stack ?? `${o.name}: ${o.message}`;
  if (o instanceof Promise) return "Promise { <unknown> }";
  if (o instanceof WeakMap || o instanceof WeakSet) return `${o.constructor.name} { <items unknown> }`;
  const name = constructorName(o);
  if (depth < 0) return Array.isArray(o) ? "[Array]" : `[${name ?? "Object"}]`;
  seen.add(o);
  try {
    const inner = (x: unknown) => show(x, depth - 1, maxItems, seen, level + 1);
    if (Array.isArray(o) || ArrayBuffer.isView(o)) return list(o as ArrayLike<unknown>, name, inner, maxItems, level);
    if (o instanceof Map) {
      const items = [...o].slice(0, maxItems).map(([k, x]) => `${inner(k)} => ${inner(x)}`);
      return wrap(`Map(${o.size}) `, "{", "}", more(items, o.size, maxItems), level);
    }
    if (o instanceof Set) {
      return wrap(`Set(${o.size}) `, "{", "}", more([...o].slice(0, maxItems).map(inner), o.size, maxItems), level);
    }
    const keys: (string | symbol)[] = [...Object.keys(o), ...Object.getOwnPropertySymbols(o)];
    const items = keys.map((k) => `${key(k)}: ${inner((o as Record<string | symbol, unknown>)[k])}`);
    const prefix = name === undefined ? "[Object: null prototype] " : name === "Object" ? "" : `${name} `;
    return items.length === 0 ? `${prefix}{}` : wrap(prefix, "{", "}", items, level);
  } finally {
    seen.delete(o);
  }
}

function list(
  a: ArrayLike<unknown>,
  name: string | undefined,
  inner: (x: unknown) => string,
  maxItems: number,
  level: number,
): string {
  const items: string[] = [];
  for (let k = 0; k < Math.min(a.length, maxItems); k++) items.push(k in a ? inner(a[k]) : "<empty item>");
  const prefix = Array.isArray(a) && name === "Array" ? "" : `${name ?? "Array"}(${a.length}) `;
  return a.length === 0 ? `${prefix}[]` : wrap(prefix, "[", "]", more(items, a.length, maxItems), level);
}

function more(items: string[], size: number, maxItems: number): string[] {
  return size > maxItems ? [...items, `... ${size - maxItems} more item${size - maxItems === 1 ? "" : "s"}`] : items;
}

/** `{ a, b }` on one line when it fits, else one entry a line, indented two spaces a level. */
function wrap(prefix: string, open: string, close: string, items: string[], level: number): string {
  const line = `${prefix}${open} ${items.join(", ")} ${close}`;
  if (line.length + 2 * level <= LINE_WIDTH && !line.includes("\n")) return line;
  const pad = "  ".repeat(level + 1);
  return `${prefix}${open}\n${items.map((i) => pad + i).join(",\n")}\n${"  ".repeat(level)}${close}`;
}

function constructorName(o: object): string | undefined {
  const proto = Object.getPrototypeOf(o);
  if (proto === null) return undefined;
  const ctor = proto.constructor;
  return typeof ctor === "function" && ctor.name ? ctor.name : "Object";
}

function functionName(f: (...args: never[]) => unknown): string {
  const source = Function.prototype.toString.call(f);
  if (/^class\b/.test(source)) return `[class ${f.name || "(anonymous)"}]`;
  const kind = f.constructor?.name === "AsyncFunction" ? "AsyncFunction" : "Function";
  return `[${kind}: ${f.name || "(anonymous)"}]`;
}
