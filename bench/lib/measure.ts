/** Small measurement helpers shared by the benchmark processes. */
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** Peak resident set size of this process so far, in MB (the kernel's high-water mark). */
export function peakRssMb(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

/** CPU time this process has used (user + system), in ms. */
export interface HeapPeaks {
  /** Highest V8 heap in use: what the process's data needed. */
  inUseMb: number;
  /** Highest space V8 reserved for the young generation (new objects) and the old one. */
  newSpaceMb: number;
  oldSpaceMb: number;
}

/**
 * The V8 heap's peaks, sampled every 20 ms from now on, as against peak RSS, which also counts
 * what V8 chose to reserve (its young generation above all).
 */
export function sampleHeap(): () => HeapPeaks {
  const peaks = { inUse: 0, newSpace: 0, oldSpace: 0 };
  const sample = () => {
    peaks.inUse = Math.max(peaks.inUse, getHeapStatistics().used_heap_size);
    for (const space of getHeapSpaceStatistics()) {
      if (space.space_name === 'new_space') {
        peaks.newSpace = Math.max(peaks.newSpace, space.space_size);
      } else if (space.space_name === 'old_space') {
        peaks.oldSpace = Math.max(peaks.oldSpace, space.space_size);
      }
    }
  };
  sample();
  const timer = setInterval(sample, 20);
  timer.unref();
  return () => {
    sample();
    return {
      inUseMb: round(peaks.inUse / 1e6),
      newSpaceMb: round(peaks.newSpace / 1e6),
      oldSpaceMb: round(peaks.oldSpace / 1e6),
    };
  };
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
