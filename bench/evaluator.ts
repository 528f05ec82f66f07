/**
 * Evaluates a stored NDJSON snapshot the way `license-policy plan` does with a complete snapshot:
 * `readSnapshotNdjson` (streamed), `evaluate`, `finalizePlan` — in a process of its own so that its
 * peak RSS is the evaluation's. `findCandidates` is the read protocol (which reads to make before
 * evaluating); a snapshot that already holds its reads needs no such pass, and `evaluate` itself
 * throws if anyone it would act on lacks a role read. It is timed afterwards, outside the total,
 * CPU and peak RSS, as an informational figure. Arguments: one JSON object (`EvaluatorArgs`) in
 * argv[2]. Prints one JSON line (`EvaluatorReport`).
 */
import { performance } from 'node:perf_hooks';
import { evaluate, findCandidates } from '../src/engine/index.js';
import { finalizePlan } from '../src/plan/plan-file.js';
import { loadPolicy } from '../src/policy/load.js';
import { readSnapshotNdjson } from '../src/snapshot/ndjson.js';
import { cpuMs, peakRssMb, report, round } from './lib/measure.js';

export interface EvaluatorArgs {
  file: string;
  policyDir: string;
  now: string;
}

export interface EvaluatorReport {
  /** Stream the NDJSON into the snapshot. */
  readMs: number;
  /**
   * Informational, not part of the total: `findCandidates` (the read protocol) over the same
   * snapshot, run after the measured evaluation.
   */
  candidatesMs: number;
  /** `evaluate`: the plan body and the next state. */
  evaluateMs: number;
  /** `finalizePlan`: plan id and the RFC 8785 digest over the whole plan. */
  finalizeMs: number;
  /** Read to finished plan. */
  totalMs: number;
  cpuMs: number;
  peakRssMb: number;
  /** Heap in use after each phase (MB): what the phase left alive, garbage included. */
  heapAfterMb: { read: number; evaluate: number; finalize: number };
  users: number;
  licensedEntries: number;
  /** Reads `findCandidates` asks for that the snapshot lacks (0 for a complete snapshot). */
  missingReads: number;
  actions: number;
  planned: number;
  protected: number;
  upcoming: number;
  activityUnknown: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as EvaluatorArgs;
const policy = await loadPolicy(args.policyDir);
const now = new Date(args.now);

const cpuAtStart = cpuMs();
const t0 = performance.now();
const heapMb = () => round(process.memoryUsage().heapUsed / 1e6);
const snapshot = await readSnapshotNdjson(args.file);
const t1 = performance.now();
const heapAfterRead = heapMb();
const evaluation = evaluate({ policy, snapshot, state: null, now, policyCommit: null });
const t2 = performance.now();
const heapAfterEvaluate = heapMb();
const plan = finalizePlan(evaluation.plan);
const t3 = performance.now();
const heapAfterFinalize = heapMb();
const cpuOfEvaluation = cpuMs() - cpuAtStart;
const peakRssOfEvaluation = peakRssMb();

// Informational: the read protocol's pass, which a complete snapshot does not need.
const t4 = performance.now();
const wanted = findCandidates(policy, snapshot, null, now);
const missingRoles = wanted.roleReads.filter((id) => !snapshot.userRoles.has(id));
const missingTokens = wanted.apiTokenReads.filter((id) => !snapshot.apiTokenLastUsed.has(id));
const t5 = performance.now();

let licensedEntries = 0;
for (const user of snapshot.users) licensedEntries += user.licensedOn.length;
const result: EvaluatorReport = {
  readMs: round(t1 - t0, 1),
  candidatesMs: round(t5 - t4, 1),
  evaluateMs: round(t2 - t1, 1),
  finalizeMs: round(t3 - t2, 1),
  totalMs: round(t3 - t0, 1),
  cpuMs: cpuOfEvaluation,
  peakRssMb: peakRssOfEvaluation,
  heapAfterMb: {
    read: heapAfterRead,
    evaluate: heapAfterEvaluate,
    finalize: heapAfterFinalize,
  },
  users: snapshot.users.length,
  licensedEntries,
  missingReads: missingRoles.length + missingTokens.length,
  actions: plan.actions.length,
  planned: plan.actions.filter((a) => a.status === 'planned').length,
  protected: plan.protected.length,
  upcoming: plan.upcoming.length,
  activityUnknown: plan.activityUnknown.length,
};
report(result);
