/**
 * Benchmark `evaluate`: a stored snapshot of 1,000,000 accounts with 450,000 licensed product
 * entries (`snapshot-writer.ts`), streamed from NDJSON and evaluated with the example policy
 * into a finished plan, in a process of its own (peak RSS is the evaluation's alone).
 * Writes bench/results/evaluate.json.
 */
import { mkdirSync } from 'node:fs';
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
const log = (message: string) => process.stderr.write(`[evaluate] ${message}\n`);

log('writing the 1,000,000-account snapshot');
const writerArgs: SnapshotWriterArgs = { file, now: NOW };
const written = await runChild<SnapshotWriterReport>(buildDir, 'snapshot-writer', writerArgs, {
  nodeFlags: ['--max-old-space-size=6144'],
});
log(`${(written.bytes / 1e6).toFixed(0)} MB in ${written.writeMs} ms; evaluating`);

const evaluatorArgs: EvaluatorArgs = { file, policyDir: POLICY_DIR, now: NOW };
// Node's default flags, as the CLI and the action run: peak RSS is what V8 chooses to use.
const evaluation = await runChild<EvaluatorReport>(buildDir, 'evaluator', evaluatorArgs);
log(
  `read ${evaluation.readMs} ms, total ${evaluation.totalMs} ms, peak RSS ${evaluation.peakRssMb} MB`,
);

saveResult(envelope, { snapshot: written, evaluation });
