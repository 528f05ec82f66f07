/** Where benchmark results go, and what every result records. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadAverage, machineInfo, type MachineInfo } from './measure.js';

export interface ResultEnvelope {
  benchmark: string;
  /** How to run this benchmark alone. */
  command: string;
  /** ISO time the benchmark started. */
  date: string;
  machine: MachineInfo;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  elapsedMs: number;
}

export function resultsDir(): string {
  return path.resolve(process.cwd(), 'bench', 'results');
}

export function startEnvelope(
  benchmark: string,
): Omit<ResultEnvelope, 'loadAverageAtEnd' | 'elapsedMs'> & { startedAt: number } {
  return {
    benchmark,
    command: `node bench/run-all.mjs ${benchmark}`,
    date: new Date().toISOString(),
    machine: machineInfo(),
    loadAverageAtStart: loadAverage(),
    startedAt: Date.now(),
  };
}

/** Writes `bench/results/<benchmark>.json` (the figures RESULTS.md is rendered from). */
export function saveResult<T extends object>(
  envelope: ReturnType<typeof startEnvelope>,
  figures: T,
): ResultEnvelope & T {
  const { startedAt, ...rest } = envelope;
  const result = {
    ...rest,
    loadAverageAtEnd: loadAverage(),
    elapsedMs: Date.now() - startedAt,
    ...figures,
  };
  mkdirSync(resultsDir(), { recursive: true });
  writeFileSync(
    path.join(resultsDir(), `${envelope.benchmark}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  return result;
}
