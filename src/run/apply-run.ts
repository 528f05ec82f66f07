/**
 * The apply pipeline, shared by the CLI (`apply`, `demo`) and the action's apply mode: refuse
 * (SPEC §5), re-evaluate with the plan pipeline, execute through the Atlassian client — or,
 * for a dry run, through an executor that has no way to write — verify, and render the result.
 */
import type { AtlassianClient } from '../atlassian/client.js';
import { readCurrentSeats } from '../atlassian/snapshot-reader.js';
import { applyReviewedPlan, type AppliedPlan } from '../apply/apply.js';
import type { ApplyAuditContext } from '../apply/audit-rows.js';
import {
  dryRunExecutor,
  liveExecutor,
  type LiveExecutorOptions,
  type SeatWriter,
} from '../apply/executor.js';
import type { AuditRow } from '../audit/types.js';
import { renderApplyMarkdown, type RenderApplyOptions } from '../plan/render-apply.js';
import type { Plan, State } from '../plan/types.js';
import { loadPolicy } from '../policy/load.js';
import type { Policy } from '../policy/types.js';
import { applyRestorePlan } from '../restore/apply.js';
import { evaluateOrg, type ProgressListener } from './plan-run.js';

export const DEFAULT_APPLY_CONCURRENCY = 4;

export interface ApplyPlanOptions {
  /** The reviewed plan as read from its file (`parsePlan`); its digest is checked here. */
  plan: Plan;
  /** The policy now (HEAD), or the directory to load it from (default `policies`). */
  policy?: Policy;
  policyDir?: string;
  /** Commit of the policy now, recorded in the audit. */
  policyCommit?: string | null;
  /** Configured for the org to apply to: a plan for another org is refused. */
  client: AtlassianClient;
  state: State;
  /** Writes nothing: every check and the fresh evaluation run, outcomes are `dry-run`. */
  dryRun: boolean;
  /** `--override-limits` / the override label on the merged PR. */
  overrideLimits: boolean;
  /** Actions written at once. Default 4. */
  concurrency?: number;
  /** Appends one audit row, synchronously, the moment the decision is made. */
  audit: (row: AuditRow) => void;
  auditContext: Omit<ApplyAuditContext, 'clock' | 'policyCommit'>;
  /** The real clock; injectable for tests only (apply never takes a `--now`). */
  clock?: () => Date;
  onProgress?: ProgressListener;
  /** How to render the result (default: no redaction, PR comment limit). */
  markdown?: RenderApplyOptions;
  /** Re-reads of seats still held after the writes (eventual consistency); tests inject `sleep`. */
  verify?: Pick<LiveExecutorOptions, 'verifyRereads' | 'verifyDelayMs' | 'sleep'>;
}

export interface AppliedPlanRun extends AppliedPlan {
  markdown: string;
}

/** The writes and the verification read, through the client's rate-limit handling. */
export function atlassianSeatWriter(client: AtlassianClient): SeatWriter {
  return {
    execute: async (op, accountId) => {
      await client.executeOperation(op, accountId);
    },
    seatsHeld: (resourceId, accountIds) => readCurrentSeats(client, resourceId, accountIds),
  };
}

export async function applyPlan(options: ApplyPlanOptions): Promise<AppliedPlanRun> {
  // A restore plan (SPEC §9) takes the same way in, with its own re-check and executor.
  if (options.plan.kind === 'restore') return applyRestorePlan(options);
  const clock = options.clock ?? (() => new Date());
  const policy = options.policy ?? (await loadPolicy(options.policyDir ?? 'policies'));
  const policyCommit = options.policyCommit ?? null;
  const executor = options.dryRun
    ? dryRunExecutor()
    : liveExecutor(atlassianSeatWriter(options.client), {
        ...options.verify,
        concurrency: options.concurrency ?? DEFAULT_APPLY_CONCURRENCY,
      });
  const applied = await applyReviewedPlan({
    plan: options.plan,
    policy,
    orgId: options.client.orgId,
    state: options.state,
    clock,
    overrideLimits: options.overrideLimits,
    dryRun: options.dryRun,
    executor,
    audit: options.audit,
    auditContext: { ...options.auditContext, policyCommit, clock },
    onProgress: options.onProgress,
    reevaluate: async () => {
      const fresh = await evaluateOrg({
        policy,
        client: options.client,
        state: options.state,
        now: clock(),
        policyCommit,
        onProgress: options.onProgress,
      });
      return { plan: fresh.body, snapshot: fresh.snapshot, nextState: fresh.nextState };
    },
  });
  const markdown = renderApplyMarkdown(applied.result, options.markdown ?? { redact: 'none' });
  return { ...applied, markdown };
}
