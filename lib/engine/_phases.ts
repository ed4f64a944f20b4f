// Where a training step's time goes, for `deno task bench` (issue 29's profile): named phases timed
// around the engine's own code, each phase's time exclusive of the phases nested in it (the BLAS
// products inside the fused LSTM layer count as products, not as LSTM work). Off unless a program
// turns it on: then each `timed` call costs two performance.now() readings.

let on = false;
const totals = new Map<string, number>();
const stack: { name: string; nested: number }[] = [];

/** The phases the engine reports, in the order a table lists them. */
export const PHASES = [
  "matrix products",
  "softmax and cross-entropy",
  "LSTM element-wise",
  "Adam and clipping",
  "gathers and scatters",
] as const;
export type Phase = typeof PHASES[number];

/** Starts (or stops) recording, and clears what was recorded. */
export function recordPhases(enabled: boolean): void {
  on = enabled;
  totals.clear();
  stack.length = 0;
}

/** Milliseconds spent in each phase since {@linkcode recordPhases}, exclusive of nested phases. */
export function phaseTotals(): Map<string, number> {
  return new Map(totals);
}

/** `f()`, its time added to `phase` when recording. */
export function timed<T>(phase: Phase, f: () => T): T {
  if (!on) return f();
  const started = performance.now();
  stack.push({ name: phase, nested: 0 });
  try {
    return f();
  } finally {
    const frame = stack.pop()!, ms = performance.now() - started;
    totals.set(phase, (totals.get(phase) ?? 0) + ms - frame.nested);
    if (stack.length) stack[stack.length - 1].nested += ms;
  }
}
