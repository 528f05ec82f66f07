/**
 * The figures the targets of issue 6 are judged on, computed from the recorded results
 * (bench/results/*.json). One place, so that RESULTS.md and the report say the same thing.
 */
import type { ApplierReport } from '../applier.js';
import type { NaivePlanReport } from '../baseline/naive-plan.js';
import type { EvaluatorReport } from '../evaluator.js';
import type { PlannerReport } from '../planner.js';
import type { SnapshotWriterReport } from '../snapshot-writer.js';
import type { SandboxCounters } from '../../src/sandbox/index.js';
import type { ResultEnvelope } from './results.js';

export type Measured<T> = T & { sandbox: SandboxCounters; sandboxCpuMs: number; orgUsers: number };

export interface PlanResult extends ResultEnvelope {
  settings: {
    seed: number;
    now: string;
    latencyMs: number;
    rateLimit: number;
    lastActiveRateLimit: number;
  };
  runs: {
    ours6500: Measured<PlannerReport>;
    baseline6500: Measured<NaivePlanReport>;
    ours65000: Measured<PlannerReport>;
    ours65000NoTokens: Measured<PlannerReport>;
    /** The same plan run by the action's runtime (Node 24), three times; absent in older results. */
    ours65000Node24Runs?: Array<Measured<PlannerReport>>;
  };
}

export interface ApplyResult extends ResultEnvelope {
  settings: {
    users: number;
    seed: number;
    policyDir: string;
    latencyMs: number;
    rateLimit: number;
  };
  plan: { planned: number; actions: Record<string, number>; requests: number };
  apply: ApplierReport;
  server: SandboxCounters;
  seats: Array<{ resourceId: string; before: number; after: number }>;
}

/**
 * One snapshot evaluated several times, each run a fresh process. The machine is shared, so one
 * run is no fair figure: time is judged on the median run, memory on the worst run.
 */
export interface EvaluationSeries {
  /** Every run's report, in the order the runs were made. */
  runs: EvaluatorReport[];
  /**
   * Position in `runs` (0-based) of the median run by `totalMs`: the run whose total is the
   * median (for an even number of runs, the slower of the two middle ones).
   */
  medianRunIndex: number;
  /** The median run's report, whole, so that its phases add up to its total. */
  median: EvaluatorReport;
  /** Total (read + evaluate + finalizePlan) over the runs. */
  totalMs: { min: number; median: number; max: number };
  /** Peak RSS over the runs; the target is judged on `max`, the worst case for memory. */
  peakRssMb: { min: number; max: number };
}

export interface EvaluateResult extends ResultEnvelope {
  snapshot: SnapshotWriterReport;
  /**
   * Fresh-process runs of each snapshot, made interleaved (every account, seat holders, every
   * account, …) so that the machine's noise falls on both alike.
   */
  runsPerSnapshot: number;
  /** The snapshot with every account of the org (1,000,000 user records). */
  everyAccount: EvaluationSeries;
  /** The snapshot `plan` writes for that org: seat holders and named accounts. */
  seatHolders: EvaluationSeries;
}

/** evaluate.json as stored: results from before the series held one run per snapshot. */
export type StoredEvaluateResult = Omit<
  EvaluateResult,
  'runsPerSnapshot' | 'everyAccount' | 'seatHolders'
> & {
  runsPerSnapshot?: number;
  everyAccount: EvaluationSeries | EvaluatorReport;
  seatHolders: EvaluationSeries | EvaluatorReport;
};

/** The figures of a series of runs of one snapshot (at least one run). */
export function summarizeEvaluations(runs: EvaluatorReport[]): EvaluationSeries {
  if (runs.length === 0) throw new Error('an evaluation series needs at least one run');
  const byTotal = runs
    .map((run, index) => ({ run, index }))
    .sort((a, b) => a.run.totalMs - b.run.totalMs || a.index - b.index);
  const middle = byTotal[Math.floor(runs.length / 2)];
  const totals = byTotal.map((e) => e.run.totalMs);
  const rss = runs.map((r) => r.peakRssMb);
  return {
    runs,
    medianRunIndex: middle.index,
    median: middle.run,
    totalMs: { min: totals[0], median: middle.run.totalMs, max: totals[totals.length - 1] },
    peakRssMb: { min: Math.min(...rss), max: Math.max(...rss) },
  };
}

/** Reads a stored evaluate result of either shape; a single-run result becomes a series of one. */
export function normalizeEvaluateResult(stored: StoredEvaluateResult): EvaluateResult {
  const series = (value: EvaluationSeries | EvaluatorReport) =>
    'runs' in value ? value : summarizeEvaluations([value]);
  const everyAccount = series(stored.everyAccount);
  return {
    ...stored,
    runsPerSnapshot: stored.runsPerSnapshot ?? everyAccount.runs.length,
    everyAccount,
    seatHolders: series(stored.seatHolders),
  };
}

/** "4.6 s (median of 5; 4.4–5.1 s)": the median run's total, the range and the number of runs. */
export function medianTotal(s: EvaluationSeries): string {
  const n = s.runs.length;
  if (n === 1) return `${seconds(s.totalMs.median)} (1 run)`;
  return (
    `${seconds(s.totalMs.median)} (median of ${n}; ` +
    `${fmt(s.totalMs.min / 1000, 1)}–${seconds(s.totalMs.max)})`
  );
}

/** "1,290 MB (highest of 5; 1,240–1,290 MB)": the worst run's peak RSS, the range, the count. */
export function highestPeakRss(s: EvaluationSeries): string {
  const n = s.runs.length;
  if (n === 1) return `${fmt(s.peakRssMb.max)} MB (1 run)`;
  return (
    `${fmt(s.peakRssMb.max)} MB (highest of ${n}; ` +
    `${fmt(s.peakRssMb.min)}–${fmt(s.peakRssMb.max)} MB)`
  );
}

export const ROUTES = {
  userSearch: 'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search',
  groupSearch: 'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/search',
  groupRoles:
    'GET /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments',
  userRoles:
    'GET /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/role-assignments',
  workspaces: 'POST /admin/v2/orgs/{orgId}/workspaces',
  directories: 'GET /admin/v2/orgs/{orgId}/directories',
  serviceAccounts: 'GET /admin/api-access/v1/orgs/{orgId}/service-accounts',
  apiTokens: 'GET /users/{account_id}/manage/api-tokens',
  orgApiTokens: 'GET /admin/api-access/v1/orgs/{orgId}/api-tokens',
  lastActive: 'GET /admin/v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates',
} as const;

/** The API minimum of issue 6 for one plan, term by term. */
export interface ApiMinimum {
  /** Σ over governed resources of ⌈licensed/100⌉. */
  licensedPages: number;
  /** One role-assignment read per candidate. */
  roleReads: number;
  /** Group searches and one role-assignments read per group read (measured: what the plan needs). */
  groupReads: number;
  /** Workspace listing pages. */
  workspaceReads: number;
  total: number;
  /**
   * Not in issue 6's formula: the reads of API-token use the example policy asks for
   * (`countApiTokenUse`): the org-wide token listing's pages, or one read per managed candidate.
   */
  apiTokenReads: number;
}

export function apiMinimum(run: PlannerReport): ApiMinimum {
  const by = run.client.byRoute;
  const licensedPages = run.governed.reduce((n, g) => n + Math.ceil(g.licensed / 100), 0);
  const roleReads = run.candidates;
  const groupReads = (by[ROUTES.groupSearch] ?? 0) + (by[ROUTES.groupRoles] ?? 0);
  const workspaceReads = by[ROUTES.workspaces] ?? 0;
  return {
    licensedPages,
    roleReads,
    groupReads,
    workspaceReads,
    total: licensedPages + roleReads + groupReads + workspaceReads,
    apiTokenReads: (by[ROUTES.apiTokens] ?? 0) + (by[ROUTES.orgApiTokens] ?? 0),
  };
}

/** Requests beyond the minimum, by route: what they are for. */
export function overhead(run: PlannerReport, min: ApiMinimum): Array<[string, number, string]> {
  const by = run.client.byRoute;
  return [
    [
      ROUTES.userSearch,
      (by[ROUTES.userSearch] ?? 0) - min.licensedPages,
      'users/search pages beyond Σ⌈licensed/100⌉: the admin-role search (SPEC §3), the exclusion ' +
        'lookups, a page per directory, and seat holders that are no billable seat (service and app accounts)',
    ],
    [
      ROUTES.directories,
      by[ROUTES.directories] ?? 0,
      'the directory list (every search is per directory)',
    ],
    [
      ROUTES.serviceAccounts,
      by[ROUTES.serviceAccounts] ?? 0,
      'the service-account list (exclude.serviceAccounts)',
    ],
    [
      ROUTES.userRoles,
      (by[ROUTES.userRoles] ?? 0) - min.roleReads,
      'role-assignment reads beyond one per candidate',
    ],
    [
      ROUTES.orgApiTokens,
      by[ROUTES.orgApiTokens] ?? 0,
      'API-token use of the managed candidates (countApiTokenUse, on by default): the org-wide ' +
        'token listing, page by page',
    ],
    [
      ROUTES.apiTokens,
      by[ROUTES.apiTokens] ?? 0,
      'API-token use read account by account (only when the listing is refused or too long)',
    ],
  ];
}

export interface Target {
  what: string;
  target: string;
  figure: string;
  met: boolean;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (ms: number, digits = 1) => `${fmt(ms / 1000, digits)} s`;

export interface PlanFigures {
  min: ApiMinimum;
  minNoTokens: ApiMinimum;
  requests: number;
  requestsNoTokens: number;
  ratioToMinimum: number;
  ratioNoTokensToMinimum: number;
  baselineScale: number;
  baselineProjectedRequests: number;
  baselineProjectedMs: number;
  /** At Atlassian's 200 last-active requests a minute (arithmetic, not measured). */
  baselineProjectedAt200PerMinuteMs: number;
  fewerThanBaseline: number;
  fasterAt6500: number;
  fasterAt65000: number;
}

export function planFigures(r: PlanResult): PlanFigures {
  const { ours6500, baseline6500, ours65000, ours65000NoTokens } = r.runs;
  const min = apiMinimum(ours65000);
  const minNoTokens = apiMinimum(ours65000NoTokens);
  const requests = ours65000.client.requests;
  const scale = ours65000.orgUsers / baseline6500.orgUsers;
  const projectedRequests = baseline6500.requests * scale;
  const projectedMs = baseline6500.wallMs * scale;
  const lastActive = (baseline6500.byRoute[ROUTES.lastActive] ?? 0) * scale;
  const pages = projectedRequests - lastActive;
  const perRequestMs = baseline6500.wallMs / baseline6500.requests;
  return {
    min,
    minNoTokens,
    requests,
    requestsNoTokens: ours65000NoTokens.client.requests,
    ratioToMinimum: requests / min.total,
    ratioNoTokensToMinimum: ours65000NoTokens.client.requests / minNoTokens.total,
    baselineScale: scale,
    baselineProjectedRequests: projectedRequests,
    baselineProjectedMs: projectedMs,
    baselineProjectedAt200PerMinuteMs: (lastActive / 200) * 60_000 + pages * perRequestMs,
    fewerThanBaseline: projectedRequests / requests,
    fasterAt6500: baseline6500.wallMs / ours6500.wallMs,
    fasterAt65000: projectedMs / ours65000.wallMs,
  };
}

export interface ApplyFigures {
  removals: number;
  needed: number;
  allowedMs: number;
  ratio: number;
  failed: number;
  rateLimitedShare: number;
}

export function applyFigures(r: ApplyResult): ApplyFigures {
  const { client, outcomes, wallMs } = r.apply;
  const needed = client.requests - client.rateLimited;
  const allowedMs = (needed / r.settings.rateLimit) * 60_000;
  return {
    removals: r.plan.planned,
    needed,
    allowedMs,
    ratio: wallMs / allowedMs,
    failed: (outcomes.failed ?? 0) + (outcomes.partial ?? 0) + (outcomes.unverified ?? 0),
    rateLimitedShare: client.rateLimited / client.requests,
  };
}

/** The run with the highest peak RSS (the worst case for memory), or null for none. */
export function highestRss<T extends { peakRssMb: number }>(runs: readonly T[]): T | null {
  return runs.reduce<T | null>(
    (worst, r) => (worst && worst.peakRssMb >= r.peakRssMb ? worst : r),
    null,
  );
}

export function targets(
  plan: PlanResult | null,
  apply: ApplyResult | null,
  evaluate: EvaluateResult | null,
): Target[] {
  const out: Target[] = [];
  if (plan) {
    const f = planFigures(plan);
    const { ours65000, ours6500, baseline6500 } = plan.runs;
    out.push(
      {
        what: 'Plan requests, 65,000 accounts, example policy',
        target: '≤ 1.1 × API minimum (issue 6 formula)',
        figure: `${fmt(f.requests)} / ${fmt(f.min.total)} = ${fmt(f.ratioToMinimum, 2)}×`,
        met: f.ratioToMinimum <= 1.1,
      },
      {
        what: '… same org, rules with countApiTokenUse: false (variant)',
        target: '≤ 1.1 × API minimum',
        figure: `${fmt(f.requestsNoTokens)} / ${fmt(f.minNoTokens.total)} = ${fmt(f.ratioNoTokensToMinimum, 2)}×`,
        met: f.ratioNoTokensToMinimum <= 1.1,
      },
      {
        what: 'Plan requests vs the baseline projected to 65,000',
        target: '≥ 25× fewer',
        figure: `${fmt(f.baselineProjectedRequests)} / ${fmt(f.requests)} = ${fmt(f.fewerThanBaseline, 1)}×`,
        met: f.fewerThanBaseline >= 25,
      },
      {
        what: 'Plan wall time, 65,000 accounts, 50 ms latency',
        target: '≤ 15 s',
        figure: seconds(ours65000.wallMs),
        met: ours65000.wallMs <= 15_000,
      },
      {
        what: 'Faster than the baseline at 6,500 accounts (both measured)',
        target: '≥ 100×',
        figure: `${seconds(baseline6500.wallMs)} / ${seconds(ours6500.wallMs, 2)} = ${fmt(f.fasterAt6500)}×`,
        met: f.fasterAt6500 >= 100,
      },
      {
        what: 'Faster than the baseline at 65,000 (baseline projected)',
        target: '≥ 100×',
        figure: `${seconds(f.baselineProjectedMs, 0)} / ${seconds(ours65000.wallMs)} = ${fmt(f.fasterAt65000)}×`,
        met: f.fasterAt65000 >= 100,
      },
      {
        what: `Peak RSS of the planning process, 65,000 accounts${ours65000.node ? ` (${ours65000.node})` : ''}`,
        target: '≤ 250 MB',
        figure: `${fmt(ours65000.peakRssMb)} MB`,
        met: ours65000.peakRssMb <= 250,
      },
    );
    const node24 = highestRss(plan.runs.ours65000Node24Runs ?? []);
    if (node24) {
      const runs = plan.runs.ours65000Node24Runs!;
      out.push({
        what: `… the same plan on ${node24.node ?? 'Node 24'}, the action's runtime (highest of ${runs.length} runs)`,
        target: '≤ 250 MB',
        figure:
          `${fmt(node24.peakRssMb)} MB (${runs.map((r) => fmt(r.peakRssMb)).join(' · ')}; heap in use ` +
          `${fmt(node24.peakHeapInUseMb ?? 0)} MB, young generation reserved ${fmt(node24.peakNewSpaceMb ?? 0)} MB)`,
        met: node24.peakRssMb <= 250,
      });
    }
  }
  if (apply) {
    const f = applyFigures(apply);
    out.push(
      {
        what: `Apply of ${fmt(f.removals)} removals at 6,000 requests/minute`,
        target: '≤ 1.2 × the time the limit allows',
        figure: `${seconds(apply.apply.wallMs)} / ${seconds(f.allowedMs)} = ${fmt(f.ratio, 2)}×`,
        met: f.ratio <= 1.2,
      },
      {
        what: '… failed actions (failed, partial, unverified)',
        target: '0',
        figure: fmt(f.failed),
        met: f.failed === 0,
      },
      {
        what: '… requests answered 429',
        target: '< 5%',
        figure: `${fmt(apply.apply.client.rateLimited)} of ${fmt(apply.apply.client.requests)} (${fmt(100 * f.rateLimitedShare, 2)}%)`,
        met: f.rateLimitedShare < 0.05,
      },
    );
  }
  if (evaluate) {
    const cases: Array<[string, EvaluationSeries]> = [
      ['every account', evaluate.everyAccount],
      ['seat holders, as plan writes it', evaluate.seatHolders],
    ];
    // Time on the median run (the machine is shared), memory on the worst run.
    for (const [label, s] of cases) {
      out.push(
        {
          what: `Evaluate the NDJSON snapshot of a 1,000,000-account org, 450,000 licensed entries: ${label} (${fmt(s.median.users)} user records)`,
          target: '≤ 5 s',
          figure: `${medianTotal(s)}, CPU ${seconds(s.median.cpuMs)}`,
          met: s.totalMs.median <= 5_000,
        },
        {
          what: '… peak RSS',
          target: '≤ 1.5 GB',
          figure: highestPeakRss(s),
          met: s.peakRssMb.max <= 1_536,
        },
      );
    }
  }
  return out;
}

export { fmt, seconds };
