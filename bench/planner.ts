/**
 * One plan, as the product makes it (`createPlan`: snapshot, candidate reads, evaluation, plan
 * file, Markdown), in a process of its own so that its wall time, requests and peak RSS are the
 * planner's alone. Arguments: one JSON object (`PlannerArgs`) in argv[2]. Prints one JSON line
 * (`PlannerReport`).
 */
import { performance } from 'node:perf_hooks';
import { AtlassianClient } from '../src/atlassian/client.js';
import type { HttpCounters } from '../src/atlassian/http.js';
import { writeStateFile, writeTextFileAtomic } from '../src/io/plan-files.js';
import { serializePlan } from '../src/plan/plan-file.js';
import { emptyState } from '../src/plan/state.js';
import { loadPolicy } from '../src/policy/load.js';
import { createPlan } from '../src/run/plan-run.js';
import { cpuMs, peakRssMb, report, sampleHeap, since } from './lib/measure.js';

export interface PlannerArgs {
  url: string;
  orgId: string;
  apiKey: string;
  /** The plan's `now` (ISO). */
  now: string;
  policyDir: string;
  /** Write the plan file here (and the state beside it as `<file>.state.json`). */
  planOut?: string;
  /**
   * Turn off `countApiTokenUse` on every rule: a variant that shows what the API-token reads
   * (one per managed candidate) cost. The example policy leaves it on (the default).
   */
  withoutApiTokenUse?: boolean;
}

export interface PlannerReport {
  wallMs: number;
  /** CPU time of the planning process during the plan (user + system). */
  cpuMs: number;
  peakRssMb: number;
  /** Highest V8 heap in use during the plan (sampled every 20 ms), MB. */
  peakHeapInUseMb?: number;
  /** Highest space V8 reserved for new objects, and for old ones, during the plan, MB. */
  peakNewSpaceMb?: number;
  peakOldSpaceMb?: number;
  /** The Node version that ran the planner. */
  node?: string;
  client: HttpCounters;
  /** What the API minimum is computed from. */
  governed: Array<{ resourceId: string; product: string; site: string; licensed: number }>;
  /** Accounts whose role assignments were read (one read each). */
  candidates: number;
  /** Groups read with their role assignments (granting a governed resource, or named by the policy). */
  groupsRead: number;
  directories: number;
  workspaces: number;
  snapshotUsers: number;
  actions: Record<string, number>;
  planned: number;
  protected: number;
  upcoming: number;
  blocked: string[];
  planId: string;
  planBytes: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as PlannerArgs;
const loaded = await loadPolicy(args.policyDir);
const policy = args.withoutApiTokenUse
  ? { ...loaded, rules: loaded.rules.map((rule) => ({ ...rule, countApiTokenUse: false })) }
  : loaded;
const client = new AtlassianClient({ orgId: args.orgId, apiKey: args.apiKey, baseUrl: args.url });

const heapPeaks = sampleHeap();
const cpuAtStart = cpuMs();
const start = performance.now();
const created = await createPlan({
  policy,
  client,
  state: emptyState(),
  now: new Date(args.now),
  policyCommit: null,
  onProgress: process.env.BENCH_VERBOSE
    ? (message) => process.stderr.write(`[${since(start)} ms] ${message}\n`)
    : undefined,
});
const text = serializePlan(created.plan);
const wallMs = since(start);
const heap = heapPeaks();
const planCpuMs = cpuMs() - cpuAtStart;

if (args.planOut) {
  writeTextFileAtomic(args.planOut, text);
  writeStateFile(`${args.planOut}.state.json`, created.nextState);
}

const { plan, snapshot } = created;
const actions: Record<string, number> = {};
for (const action of plan.actions) actions[action.status] = (actions[action.status] ?? 0) + 1;
const result: PlannerReport = {
  wallMs,
  cpuMs: planCpuMs,
  peakRssMb: peakRssMb(),
  peakHeapInUseMb: heap.inUseMb,
  peakNewSpaceMb: heap.newSpaceMb,
  peakOldSpaceMb: heap.oldSpaceMb,
  node: process.version,
  client: client.counters(),
  governed: plan.summary.map((s) => ({
    resourceId: s.resourceId,
    product: s.product,
    site: s.site,
    licensed: s.licensed,
  })),
  candidates: snapshot.userRoles.size,
  groupsRead: snapshot.groups.length,
  directories: snapshot.directories.length,
  workspaces: snapshot.resources.length,
  snapshotUsers: snapshot.users.length,
  actions,
  planned: actions.planned ?? 0,
  protected: plan.protected.length,
  upcoming: plan.upcoming.length,
  blocked: plan.blocked.map((b) => b.code),
  planId: plan.planId,
  planBytes: Buffer.byteLength(text),
};
report(result);
