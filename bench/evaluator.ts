/**
 * Evaluates a stored NDJSON snapshot the way a plan preview does (`readSnapshotNdjson`, the
 * `findCandidates` check, `evaluate`, `finalizePlan`), in a process of its own so that its peak RSS
 * is the evaluation's. Arguments: one JSON object (`EvaluatorArgs`) in argv[2]. Prints one JSON
 * line (`EvaluatorReport`).
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
  /** `findCandidates`: which reads the evaluation needs (none must be missing). */
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
  heapAfterMb: { read: number; candidates: number; evaluate: number; finalize: number };
  users: number;
  licensedEntries: number;
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
const wanted = findCandidates(policy, snapshot, null, now);
const missingRoles = wanted.roleReads.filter((id) => !Object.hasOwn(snapshot.userRoles, id));
const missingTokens = wanted.apiTokenReads.filter(
  (id) => !Object.hasOwn(snapshot.apiTokenLastUsed, id),
);
const t2 = performance.now();
const heapAfterCandidates = heapMb();
const evaluation = evaluate({ policy, snapshot, state: null, now, policyCommit: null });
const t3 = performance.now();
const heapAfterEvaluate = heapMb();
const plan = finalizePlan(evaluation.plan);
const t4 = performance.now();
const heapAfterFinalize = heapMb();

let licensedEntries = 0;
for (const user of snapshot.users) licensedEntries += user.licensedOn.length;
const result: EvaluatorReport = {
  readMs: round(t1 - t0, 1),
  candidatesMs: round(t2 - t1, 1),
  evaluateMs: round(t3 - t2, 1),
  finalizeMs: round(t4 - t3, 1),
  totalMs: round(t4 - t0, 1),
  cpuMs: cpuMs() - cpuAtStart,
  peakRssMb: peakRssMb(),
  heapAfterMb: {
    read: heapAfterRead,
    candidates: heapAfterCandidates,
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
