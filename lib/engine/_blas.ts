// Native single-precision matrix products (cblas_sgemm) through Deno's FFI, when the machine has a
// BLAS library: OpenBLAS on Linux (Debian: libopenblas0-pthread), Accelerate on macOS. OpenBLAS
// runs on every core with AVX2/AVX-512 kernels, about 5-10 times the throughput of the WASM backend's
// single-threaded products on the large products of a language model. Used by tfjs.ts; when no
// library is found (or FFI is not permitted) the course runs on WASM alone.

import { timed } from "./_phases.ts";
import { expectWhole } from "../core/tensor.ts";
import { denoRuntime } from "../core/platform.ts";

/**
 * cblas_sgemm, row-major: C = op(A)·op(B) + beta·C (beta 0 unless given), with op(X) = X or Xᵀ;
 * op(A) is `[M, K]`, op(B) `[K, N]`, C `[M, N]`.
 *
 * @throws {RangeError} before the native call if M, N or K is not a whole number >= 0 or an operand
 *   holds fewer floats than its shape (the library would read or write past the buffer)
 */
export type Sgemm = (
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  beta?: number,
) => void;

/** A loaded BLAS: its file and its sgemm. */
export interface Blas {
  readonly library: string;
  readonly sgemm: Sgemm;
}

const CANDIDATES = [
  "libopenblas.so.0",
  "libopenblas.so",
  "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
  "/System/Library/Frameworks/Accelerate.framework/Accelerate",
  "libopenblas.dylib",
];

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112; // CBLAS enums

let cached: Blas | null | undefined;

/** The first BLAS library that loads, or null (none installed, no FFI permission, or a browser). */
export function loadBlas(): Blas | null {
  if (cached !== undefined) return cached;
  cached = null;
  const deno = denoRuntime();
  if (deno === undefined) return null; // a browser: no native library
  try {
    if (deno.env.get("COURSE_NO_BLAS") === "1") return null; // for measuring what BLAS buys

    if (deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
  } catch {
    return null;
  }
  for (const library of CANDIDATES) {
    try {
      const lib = deno.dlopen(library, {
        cblas_sgemm: {
          parameters: [
            "i32",
            "i32",
            "i32",
            "i32",
            "i32",
            "i32",
            "f32",
            "buffer",
            "i32",
            "buffer",
            "i32",
            "f32",
            "buffer",
            "i32",
          ],
          result: "void",
        },
      });
      const call = lib.symbols.cblas_sgemm;
      const sgemm: Sgemm = (transA, transB, M, N, K, a, b, c, beta = 0) => {
        checkOperands(M, N, K, a, b, c);
        const lda = transA ? M : K, ldb = transB ? K : N;
        timed(
          "matrix products",
          () =>
            call(
              ROW_MAJOR,
              transA ? TRANS : NO_TRANS,
              transB ? TRANS : NO_TRANS,
              M,
              N,
              K,
              1,
              a,
              lda,
              b,
              ldb,
              beta,
              c,
              N,
            ),
        );
      };
      cached = { library, sgemm };
      return cached;
    } catch {
      // not this one; try the next
    }
  }
  return null;
}

/** Refuses sizes that would make cblas_sgemm read or write past one of its buffers. */
function checkOperands(M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array): void {
  for (const [name, n] of [["M", M], ["N", N], ["K", K]] as const) expectWhole(n, name, "multiply", 0);
  for (const [name, x, need] of [["A", a, M * K], ["B", b, K * N], ["C", c, M * N]] as const) {
    if (x.length < need) {
      throw new RangeError(
        `Cannot multiply [${M}, ${K}]·[${K}, ${N}]: ${name} holds ${x.length} floats, expected ${need}`,
      );
    }
  }
}
