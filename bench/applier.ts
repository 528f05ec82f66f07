/**
 * One apply of a reviewed plan, as the product does it (`applyPlan`: refusal checks, a fresh
 * evaluation, the writes, the verification re-read), in a process of its own. Arguments: one
 * JSON object (`ApplierArgs`) in argv[2]. Prints one JSON line (`ApplierReport`).
 */
import { performance } from 'node:perf_hooks';
import { AtlassianClient } from '../src/atlassian/client.js';
import type { HttpCounters } from '../src/atlassian/http.js';
import { readPlanFile, readStateFile } from '../src/io/plan-files.js';
import { loadPolicy } from '../src/policy/load.js';
import { applyPlan } from '../src/run/apply-run.js';
import { cpuMs, peakRssMb, report, since } from './lib/measure.js';

export interface ApplierArgs {
  url: string;
  orgId: string;
  apiKey: string;
  policyDir: string;
  /** The plan file; its state is beside it (`<file>.state.json`, written by the planner). */
  planFile: string;
}

export interface ApplierReport {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  client: HttpCounters;
  /** Actions per outcome (`applied`, `failed`, ...). */
  outcomes: Record<string, number>;
  auditRows: number;
  exitCode: number;
  /** When each phase ended, ms after the start (from the progress lines). */
  progress: Array<{ atMs: number; message: string }>;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ApplierArgs;
const plan = readPlanFile(args.planFile);
const state = readStateFile(`${args.planFile}.state.json`);
const policy = await loadPolicy(args.policyDir);
const client = new AtlassianClient({ orgId: args.orgId, apiKey: args.apiKey, baseUrl: args.url });
const progress: ApplierReport['progress'] = [];
let auditRows = 0;

const cpuAtStart = cpuMs();
const start = performance.now();
const applied = await applyPlan({
  plan,
  policy,
  client,
  state,
  dryRun: false,
  overrideLimits: false,
  audit: () => {
    auditRows += 1;
  },
  auditContext: { runId: 'bench-apply' },
  onProgress: (message) => progress.push({ atMs: since(start), message }),
});
const wallMs = since(start);

const result: ApplierReport = {
  wallMs,
  cpuMs: cpuMs() - cpuAtStart,
  peakRssMb: peakRssMb(),
  client: client.counters(),
  outcomes: applied.result.counts,
  auditRows,
  exitCode: applied.exitCode,
  progress,
};
report(result);
