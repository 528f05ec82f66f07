/**
 * Benchmark `evaluate`: an org of 1,000,000 accounts with 450,000 licensed product entries
 * (`snapshot-writer.ts`), its stored snapshot streamed from NDJSON and evaluated into a finished
 * plan, each in a process of its own (peak RSS is the evaluation's alone). Two snapshots of the
 * same org:
 * - every account: 1,000,000 user records (the literal reading of the target; `plan` never
 *   writes accounts without a governed seat, so this is the heavier case);
 * - seat holders: what `plan` reads and keeps for that org — the accounts holding a governed
 *   seat and the accounts the policy names.
 * Writes bench/results/evaluate.json.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { EvaluatorArgs, EvaluatorReport } from './evaluator.js';
import { runChild } from './lib/child.js';
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

log('writing the 1,000,000-account snapshot');
const writerArgs: SnapshotWriterArgs = { file, seatHoldersFile, now: NOW };
const written = await runChild<SnapshotWriterReport>(buildDir, 'snapshot-writer', writerArgs, {
  nodeFlags: ['--max-old-space-size=6144'],
});
log(`${(written.bytes / 1e6).toFixed(0)} MB in ${written.writeMs} ms; evaluating`);

// Node's default flags, as the CLI and the action run: peak RSS is what V8 chooses to use.
const evaluateFile = (snapshotFile: string) =>
  runChild<EvaluatorReport>(buildDir, 'evaluator', {
    file: snapshotFile,
    policyDir: POLICY_DIR,
    now: NOW,
  } satisfies EvaluatorArgs);
const everyAccount = await evaluateFile(file);
log(
  `every account: read ${everyAccount.readMs} ms, total ${everyAccount.totalMs} ms, peak RSS ${everyAccount.peakRssMb} MB`,
);
const seatHolders = await evaluateFile(seatHoldersFile);
log(
  `seat holders: read ${seatHolders.readMs} ms, total ${seatHolders.totalMs} ms, peak RSS ${seatHolders.peakRssMb} MB`,
);

saveResult(envelope, { snapshot: written, everyAccount, seatHolders });
// A gigabyte of snapshots is not worth keeping between runs (BENCH_KEEP=1 keeps them).
if (!process.env.BENCH_KEEP) rmSync(workDir, { recursive: true, force: true });
