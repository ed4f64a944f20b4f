// WebAssembly modules written out as bytes, for the engine's SIMD kernels (fused_adam.ts, tfjs.ts):
// the few instructions they use and a module of functions over an imported memory, the memory of
// tfjs's WASM backend, so that a kernel works in place on tfjs's tensors. Binary format:
// https://webassembly.github.io/spec/core/binary/ (SIMD opcodes: the fixed-width SIMD proposal, in
// every engine since 2021).

/** Value types. */
export const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;

/** Unsigned LEB128, the format's variable-length integer. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}
const simd = (opcode: number) => [0xfd, ...uleb(opcode)];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];
const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];

/** The instructions the kernels use. Addresses are byte offsets; memory accesses claim no alignment. */
export const op = {
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  /** i32.const for 0 ≤ n < 8192 (signed LEB128). */
  i32: (n: number) => {
    if (!(Number.isInteger(n) && n >= 0 && n < 8192)) throw new RangeError(`i32 constant ${n} is not in [0, 8192)`);
    return n < 64 ? [0x41, n] : [0x41, (n & 0x7f) | 0x80, n >> 7];
  },
  i32Add: [0x6a],
  i32GeU: [0x4f],
  /** block and loop without results; br and br_if to the enclosing label `depth`. */
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
  load: [...simd(0x00), 0, 0], // v128.load, align 2⁰, offset 0
  store: [...simd(0x0b), 0, 0], // v128.store
  splat: simd(0x13), // f32x4.splat
  /** f32.const x (rounded to float32). */
  f32: (x: number) => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)],
  sqrt: simd(0xe3),
  add: simd(0xe4),
  sub: simd(0xe5),
  mul: simd(0xe6),
  div: simd(0xe7),
  min: simd(0xe8),
  max: simd(0xe9),
  neg: simd(0xe1),
  nearest: simd(0x6a), // f32x4.nearest: round to the nearest integer, ties to even
  truncSat: simd(0xf8), // i32x4.trunc_sat_f32x4_s
  i32x4Splat: simd(0x11),
  i32x4Add: simd(0xae),
  i32x4Shl: simd(0xab), // shift count: an i32 on the stack
};

/** One exported function: its parameter types, extra locals as `[count, type]`, and its body's instructions. */
export interface WasmFunction {
  name: string;
  params: number[];
  locals: [number, number][];
  body: number[];
}

/** "\0asm", then version 1. */
const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A module importing `env.memory` and exporting `functions` (none returns a value). */
export function wasmModule(functions: WasmFunction[]): Uint8Array {
  return new Uint8Array([
    ...MAGIC,
    ...section(1, vec(functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]))),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, 0x01]])), // a memory of at least a page
    ...section(3, vec(functions.map((_, k) => uleb(k)))),
    ...section(7, vec(functions.map((f, k) => [...name(f.name), 0x00, ...uleb(k)]))),
    ...section(
      10,
      vec(functions.map((f) => {
        const code = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, 0x0b];
        return [...uleb(code.length), ...code];
      })),
    ),
  ]);
}

/** The functions of `bytes`, working in `memory`. */
export function instantiate(
  bytes: Uint8Array,
  memory: WebAssembly.Memory,
): Record<string, (...args: number[]) => void> {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), { env: { memory } });
  return instance.exports as Record<string, (...args: number[]) => void>;
}
