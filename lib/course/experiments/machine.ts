/**
 * The machine a result was measured on, as the result files of data/results/ record it.
 *
 * @module
 */

import { tfjsEngine } from "../../engine/tfjs.ts";
import { hostMachine } from "../../core/platform.ts";

/**
 * The machine a result was measured on, for the result files. Each field the process may not read
 * (Deno reads /proc/cpuinfo only with --allow-all; `node:os` needs --allow-sys=cpus) is "unknown" (null for
 * the memory). In a browser `deno` is the browser's user agent (`hostMachine` of `lib/core/platform.ts`).
 */
export function machineInfo(): {
  cpu: string;
  cores: number;
  memoryGiB: number | null;
  os: string;
  deno: string;
  engine: string;
} {
  const { cpu, cores, memoryGiB, os, runtime } = hostMachine();
  return { cpu, cores, memoryGiB, os, deno: runtime, engine: tfjsEngine() };
}
