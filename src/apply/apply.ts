/**
 * Apply a reviewed plan (SPEC §5): refuse before anything else, re-evaluate against fresh data,
 * execute only what both the reviewed plan and the fresh evaluation agree on, verify, record
 * every decision as it happens, and say what the state becomes.
 *
 * Everything with side effects comes in: the fresh evaluation, the executor (live or dry run),
 * the audit sink and the clock. So this file is the same for the CLI, the action and the tests.
 */
import type { AuditRow } from '../audit/types.js';
import { RefusedError } from '../errors.js';
import { verifyPlanDigest } from '../plan/plan-file.js';
import type { ApplyOutcomeEntry, ApplyResult, Plan, PlanBody, State } from '../plan/types.js';
import type { Policy } from '../policy/types.js';
import type { Snapshot } from '../snapshot/types.js';
import { applyAuditRow, type ApplyAuditContext } from './audit-rows.js';
import type { ExecutedAction, Executor } from './executor.js';
import {
  decideApply,
  freshFactsOf,
  resourcesOfAction,
  type ApplyDecision,
  type ExecuteDecision,
} from './intersect.js';
import {
  applyResultOf,
  exitCodeOfResult,
  lastAppliedAfter,
  recordingHooks,
  type SettledOutcome,
} from './outcomes.js';
import { checkPreconditions, describeBlocks, isOverridable } from './preconditions.js';

/** What the plan pipeline returns for the same org now. */
export interface FreshEvaluation {
  plan: PlanBody;
  snapshot: Snapshot;
  nextState: State;
}

export interface ApplyReviewedPlanOptions {
  /** The reviewed plan as read from its file (digest not yet checked). */
  plan: Plan;
  /** The policy now (HEAD): its `planTtlHours` applies, and the fresh evaluation uses it. */
  policy: Policy;
  /** The org this run is configured for. */
  orgId: string;
  state: State;
  /** The real clock (injectable for tests only). */
  clock: () => Date;
  /** `--override-limits` / the override label. Never lifts `activity-data-missing`. */
  overrideLimits: boolean;
  /** Fresh snapshot + evaluation with `policy`, `state` and the clock: the plan pipeline. */
  reevaluate: () => Promise<FreshEvaluation>;
  /** `liveExecutor(...)` or `dryRunExecutor()`. */
  executor: Executor;
  /** True with `dryRunExecutor()`: reported in the result, and no state is returned. */
  dryRun: boolean;
  /** Appends one audit row; called the moment each decision is made. */
  audit: (row: AuditRow) => void;
  auditContext: ApplyAuditContext;
  /** One line of progress at a time (stderr in the CLI, the log in the action). */
  onProgress?: (message: string) => void;
}

export interface AppliedPlan {
  result: ApplyResult;
  /** The state to save, or null for a dry run (nothing changed). */
  nextState: State | null;
  /** 1 when any action failed, was partial or unverified; else 0. */
  exitCode: number;
  decisions: ApplyDecision[];
  executed: ExecutedAction[];
  /** Actions the fresh evaluation plans that the reviewed plan does not list: never applied. */
  newSinceReview: number;
}

export async function applyReviewedPlan(options: ApplyReviewedPlanOptions): Promise<AppliedPlan> {
  const { plan, audit, auditContext, onProgress } = options;
  const refuse = (error: RefusedError): never => {
    audit(applyAuditRow(plan, auditContext, { outcome: 'refused', detail: error.message }));
    throw error;
  };

  try {
    checkPreconditions(plan, {
      digestValid: verifyPlanDigest(plan),
      orgId: options.orgId,
      state: options.state,
      now: options.clock(),
      planTtlHours: options.policy.limits.planTtlHours,
      overrideLimits: options.overrideLimits,
    });
  } catch (error: unknown) {
    if (error instanceof RefusedError) refuse(error);
    throw error;
  }
  if (plan.blocked.length > 0) {
    onProgress?.(
      `plan ${plan.planId} is blocked (${describeBlocks(plan.blocked)}); applying it under the override`,
    );
  }

  onProgress?.('re-evaluating the plan against fresh data');
  const fresh = await options.reevaluate();
  // Fresh data that cannot be trusted cannot confirm anything the reviewed plan says: actions on
  // a product+site whose fresh activity data is missing are skipped; without a product+site, the
  // whole apply is refused.
  const hardBlocks = fresh.plan.blocked.filter((b) => !isOverridable(b));
  if (hardBlocks.some((b) => b.product === undefined || b.site === undefined)) {
    refuse(
      new RefusedError(
        'activity-data-missing',
        `the fresh evaluation is blocked: ${describeBlocks(hardBlocks)}`,
      ),
    );
  }
  const untrusted = new Map(hardBlocks.map((b) => [`${b.product} ${b.site}`, b]));
  const decisions = decideApply(plan.actions, fresh.plan, freshFactsOf(fresh.snapshot)).map(
    (decision): ApplyDecision => {
      const places = [decision.action, ...(decision.action.removes ?? [])];
      const block = places
        .map((p) => untrusted.get(`${p.product} ${p.site}`))
        .find((b) => b !== undefined);
      if (decision.kind === 'skip' || block === undefined) return decision;
      return {
        kind: 'skip',
        action: decision.action,
        outcome: 'skipped-policy-changed',
        detail: `not re-checked: fresh activity data is missing (${block.message})`,
      };
    },
  );
  const reviewedIds = new Set(plan.actions.map((a) => a.id));
  const newSinceReview = fresh.plan.actions.filter(
    (a) => a.status === 'planned' && !reviewedIds.has(a.id),
  ).length;

  const outcomes = new Map<string, SettledOutcome>();
  const toExecute: ExecuteDecision[] = [];
  for (const decision of decisions) {
    if (decision.kind === 'skip') {
      audit(
        applyAuditRow(plan, auditContext, {
          outcome: decision.outcome,
          detail: decision.detail,
          action: decision.action,
        }),
      );
      outcomes.set(decision.action.id, { outcome: decision.outcome, detail: decision.detail });
    } else {
      toExecute.push(decision);
    }
  }
  const skipped = decisions.length - toExecute.length;
  onProgress?.(
    `${decisions.length} planned action(s): ${toExecute.length} to ${options.dryRun ? 'check (dry run)' : 'apply'}, ${skipped} skipped` +
      (newSinceReview > 0 ? `, ${newSinceReview} new since review (left for the next plan)` : ''),
  );

  for (const decision of toExecute) {
    for (const op of decision.notNeeded) {
      audit(
        applyAuditRow(plan, auditContext, {
          outcome: 'already-absent',
          detail: 'the fresh read shows this access path is already gone',
          action: decision.action,
          operation: op,
        }),
      );
    }
  }

  const executed = await options.executor(
    toExecute,
    recordingHooks(
      (fields) => audit(applyAuditRow(plan, auditContext, fields)),
      outcomes,
      options.dryRun ? 'checked' : 'applied',
      onProgress,
    ),
  );

  const result = applyResultOf(
    plan.planId,
    decisions.map((d) => d.action),
    outcomes,
    options.dryRun,
  );
  return {
    result,
    nextState: options.dryRun
      ? null
      : stateAfterApply(plan, fresh.nextState, decisions, result.outcomes),
    exitCode: exitCodeOfResult(result),
    decisions,
    executed,
    newSinceReview,
  };
}

/**
 * The fresh evaluation's state, with this plan recorded as applied and the licences that are
 * now gone forgotten (a licence given back later starts a new `licensedSince`).
 */
function stateAfterApply(
  plan: Plan,
  freshState: State,
  decisions: readonly ApplyDecision[],
  entries: readonly ApplyOutcomeEntry[],
): State {
  const gone = new Set(
    entries
      .filter((e) => e.outcome === 'applied' || e.outcome === 'already-absent')
      .map((e) => e.actionId),
  );
  const licensedSince = freshState.licensedSince.copy();
  for (const d of decisions) {
    if (!gone.has(d.action.id)) continue;
    for (const resourceId of resourcesOfAction(d.action)) {
      licensedSince.delete(d.action.accountId, resourceId);
    }
  }
  return {
    ...freshState,
    orgId: plan.org.id,
    licensedSince,
    lastApplied: lastAppliedAfter(plan, freshState),
  };
}
