/** Small measurement helpers shared by the benchmark processes. */
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

/** Peak resident set size of this process so far, in MB (the kernel's high-water mark). */
export function peakRssMb(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

/** CPU time this process has used (user + system), in ms. */
/**
 * The highest V8 heap in use, sampled every 20 ms from now on: what the process's data needed,
 * as against peak RSS, which also counts what V8 chose to reserve.
 */
export function sampleHeapInUse(): () => number {
  let peak = getHeapStatistics().used_heap_size;
  const timer = setInterval(() => {
    peak = Math.max(peak, getHeapStatistics().used_heap_size);
  }, 20);
  timer.unref();
  return () => round(Math.max(peak, getHeapStatistics().used_heap_size) / 1e6);
}

export function cpuMs(): number {
  const usage = process.cpuUsage();
  return Math.round((usage.user + usage.system) / 1000);
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Milliseconds since `start` (a `performance.now()` reading). */
export function since(start: number): number {
  return round(performance.now() - start, 1);
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGb: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Writes one JSON report line on stdout: how a measured child process hands back its figures. */
export function report(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** The 1-, 5- and 15-minute load averages: the machine is shared, so every result records them. */
export function loadAverage(): number[] {
  return loadavg().map((n) => round(n, 2));
}
