/**
 * Benchmark `evaluate`: an org of 1,000,000 accounts with 450,000 licensed product entries
 * (`snapshot-writer.ts`), its stored snapshot streamed from NDJSON and evaluated into a finished
 * plan, each in a process of its own (peak RSS is the evaluation's alone). Two snapshots of the
 * same org:
 * - every account: 1,000,000 user records (the literal reading of the target; `plan` never
 *   writes accounts without a governed seat, so this is the heavier case);
 * - seat holders: what `plan` reads and keeps for that org — the accounts holding a governed
 *   seat and the accounts the policy names.
 * Each snapshot is evaluated RUNS times (`BENCH_EVALUATE_RUNS`, default 5), every run a fresh
 * process, the two snapshots interleaved (every account, seat holders, every account, …) so that
 * the shared machine's noise falls on both alike; one run varies ±15% from the next. Writes
 * bench/results/evaluate.json with every run's report and the figures judged: the median run
 * by total, the highest peak RSS (`summarizeEvaluations`).
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { EvaluatorArgs, EvaluatorReport } from './evaluator.js';
import { runChild } from './lib/child.js';
import { summarizeEvaluations } from './lib/figures.js';
import { saveResult, startEnvelope } from './lib/results.js';
import type { SnapshotWriterArgs, SnapshotWriterReport } from './snapshot-writer.js';

const buildDir = path.dirname(new URL(import.meta.url).pathname);
const envelope = startEnvelope('evaluate');
const NOW = '2026-11-30T12:00:00.000Z';
const POLICY_DIR = 'bench/policies/evaluate-1m';
const workDir = path.resolve('.tmp', 'bench-evaluate');
mkdirSync(workDir, { recursive: true });
const file = path.join(workDir, 'snapshot-1m.ndjson');
const seatHoldersFile = path.join(workDir, 'snapshot-1m-seat-holders.ndjson');
const log = (message: string) => process.stderr.write(`[evaluate] ${message}\n`);

function runsFromEnv(): number {
  const raw = process.env.BENCH_EVALUATE_RUNS;
  if (raw === undefined || raw === '') return 5;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(
      `BENCH_EVALUATE_RUNS must be a whole number of runs, at least 1 (got "${raw}")`,
    );
  }
  return runs;
}
const RUNS = runsFromEnv();

log('writing the 1,000,000-account snapshot');
const writerArgs: SnapshotWriterArgs = { file, seatHoldersFile, now: NOW };
const written = await runChild<SnapshotWriterReport>(buildDir, 'snapshot-writer', writerArgs, {
  nodeFlags: ['--max-old-space-size=6144'],
});
log(
  `${(written.bytes / 1e6).toFixed(0)} MB in ${written.writeMs} ms; evaluating each snapshot ${RUNS} times, interleaved`,
);

// Node's default flags, as the CLI and the action run: peak RSS is what V8 chooses to use.
const evaluateFile = (snapshotFile: string) =>
  runChild<EvaluatorReport>(buildDir, 'evaluator', {
    file: snapshotFile,
    policyDir: POLICY_DIR,
    now: NOW,
  } satisfies EvaluatorArgs);
const snapshots = [
  { label: 'every account', file, runs: [] as EvaluatorReport[] },
  { label: 'seat holders', file: seatHoldersFile, runs: [] as EvaluatorReport[] },
];
// One at a time, never in parallel: the machine has 2 cores and each run is bound by CPU.
for (let run = 1; run <= RUNS; run++) {
  for (const snapshot of snapshots) {
    const e = await evaluateFile(snapshot.file);
    snapshot.runs.push(e);
    log(
      `${snapshot.label}, run ${run}/${RUNS}: read ${e.readMs} ms, evaluate ${e.evaluateMs} ms, ` +
        `finalize ${e.finalizeMs} ms, total ${e.totalMs} ms, CPU ${e.cpuMs} ms, peak RSS ${e.peakRssMb} MB`,
    );
  }
}
const [everyAccount, seatHolders] = snapshots.map((s) => summarizeEvaluations(s.runs));
for (const [label, s] of [
  ['every account', everyAccount],
  ['seat holders', seatHolders],
] as const) {
  log(
    `${label}: median total ${s.totalMs.median} ms (run ${s.medianRunIndex + 1}; ` +
      `${s.totalMs.min}–${s.totalMs.max} ms), highest peak RSS ${s.peakRssMb.max} MB`,
  );
}

saveResult(envelope, { snapshot: written, runsPerSnapshot: RUNS, everyAccount, seatHolders });
// A gigabyte of snapshots is not worth keeping between runs (BENCH_KEEP=1 keeps them).
if (!process.env.BENCH_KEEP) rmSync(workDir, { recursive: true, force: true });
