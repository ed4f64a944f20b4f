/**
 * The machine a result was measured on, as the result files of data/results/ record it.
 *
 * @module
 */

import { cpus } from "node:os";
import { tfjsEngine } from "../../engine/tfjs.ts";

/**
 * The machine a result was measured on, for the result files. Each field the process may not read
 * (Deno reads /proc/cpuinfo only with --allow-all; `node:os` needs --allow-sys=cpus) is "unknown".
 */
export function machineInfo(): {
  cpu: string;
  cores: number;
  memoryGiB: number | null;
  os: string;
  deno: string;
  engine: string;
} {
  const tryOr = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch {
      return fallback;
    }
  };
  return {
    cpu: tryOr(() => cpus()[0]?.model ?? "unknown", "unknown"),
    cores: navigator.hardwareConcurrency,
    memoryGiB: tryOr(() => Math.round(Deno.systemMemoryInfo().total / 2 ** 30), null),
    os: tryOr(() => `${Deno.build.os} ${Deno.osRelease()}`, Deno.build.os),
    deno: Deno.version.deno,
    engine: tfjsEngine(),
  };
}
