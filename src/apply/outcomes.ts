/**
 * What apply and restore do with the executor's outcomes: write each to the audit the moment it
 * is known and remember it, then build the run's result, one entry per action in the plan's
 * order, and say what the state records as the last applied plan.
 */
import type { AuditOutcome } from '../audit/types.js';
import type { ApplyOutcomeEntry, ApplyResult, Plan, PlanAction, State } from '../plan/types.js';
import type { ApplyRowFields } from './audit-rows.js';
import type { ExecutorHooks } from './executor.js';

export type SettledOutcome = Pick<ApplyOutcomeEntry, 'outcome' | 'detail'>;

/** The run fails for these; `needs-manual` is a restore the re-check left for a person. */
export const FAILING_OUTCOMES: ReadonlySet<string> = new Set([
  'failed',
  'partial',
  'unverified',
  'needs-manual',
]);

/**
 * Executor hooks that record every operation's and action's outcome through `record` as it
 * happens, keep each action's outcome in `outcomes`, and report progress as
 * `actions <verb> <done>/<total>`.
 */
export function recordingHooks<N extends { done: AuditOutcome; unchanged: AuditOutcome }>(
  record: (fields: ApplyRowFields) => void,
  outcomes: Map<string, SettledOutcome>,
  verb: string,
  onProgress: ((message: string) => void) | undefined,
): ExecutorHooks<N> {
  return {
    onOperation: (action, result) =>
      record({ outcome: result.outcome, detail: result.detail, action, operation: result.op }),
    onAction: (result) => {
      record({ outcome: result.outcome, detail: result.detail, action: result.action });
      outcomes.set(result.action.id, { outcome: result.outcome, detail: result.detail });
    },
    // About twenty lines for a long run, not one per action.
    onProgress: (done, total) => {
      if (done === total || done % Math.max(1, Math.ceil(total / 20)) === 0) {
        onProgress?.(`actions ${verb} ${done}/${total}`);
      }
    },
  };
}

/** One entry per action, in the order given; an action with no recorded outcome counts as failed. */
export function applyResultOf(
  planId: string,
  actions: readonly PlanAction[],
  outcomes: ReadonlyMap<string, SettledOutcome>,
  dryRun: boolean,
): ApplyResult {
  const entries = actions.map((action): ApplyOutcomeEntry => ({
    actionId: action.id,
    accountId: action.accountId,
    email: action.email,
    name: action.name,
    product: action.product,
    site: action.site,
    ...(outcomes.get(action.id) ?? { outcome: 'failed', detail: 'no outcome was recorded' }),
  }));
  const counts: Record<string, number> = {};
  for (const e of entries) counts[e.outcome] = (counts[e.outcome] ?? 0) + 1;
  return { planId, outcomes: entries, counts, dryRun };
}

/** 1 when any action failed, was partial or unverified, or was left for a manual change; else 0. */
export function exitCodeOfResult(result: ApplyResult): number {
  return result.outcomes.some((e) => FAILING_OUTCOMES.has(e.outcome)) ? 1 : 0;
}

/** This plan as the last applied, unless a newer plan was applied meanwhile. */
export function lastAppliedAfter(plan: Plan, state: State): NonNullable<State['lastApplied']> {
  const previous = state.lastApplied;
  return previous && Date.parse(previous.createdAt) > Date.parse(plan.createdAt)
    ? previous
    : { planId: plan.planId, createdAt: plan.createdAt };
}
