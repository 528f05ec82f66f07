/**
 * The apply phase's audit rows (SPEC §6), built with the audit module's `actionAuditRow` so that
 * every phase maps an action to the columns the same way. An operation row names the write
 * (`operation`, and the operation as JSON in `target`, which restore reads back); an action row
 * (empty `operation`) carries the action's settled outcome and targets the resource.
 */
import { actionAuditRow, auditRow, auditTimestamp } from '../audit/rows.js';
import type { AuditOutcome, AuditRow } from '../audit/types.js';
import type { Operation, Plan, PlanAction } from '../plan/types.js';

export interface ApplyAuditContext {
  /** The workflow run id, or a local run id for the CLI. */
  runId: string;
  /** Commit of the policy the fresh evaluation used (HEAD); falls back to the plan's. */
  policyCommit?: string | null;
  prNumber?: number | null;
  /** Logins of the approving reviewers (the action). */
  approvedBy?: readonly string[];
  /** The real clock: rows are stamped when the outcome happens. */
  clock: () => Date;
}

export interface ApplyRowFields {
  outcome: AuditOutcome;
  detail: string;
  action?: PlanAction;
  operation?: Operation;
}

export function applyAuditRow(
  plan: Plan,
  ctx: ApplyAuditContext,
  fields: ApplyRowFields,
): AuditRow {
  const context = {
    runId: ctx.runId,
    timestamp: auditTimestamp(ctx.clock()),
    ...(ctx.prNumber === null || ctx.prNumber === undefined ? {} : { prNumber: ctx.prNumber }),
    ...(ctx.approvedBy ? { approvedBy: ctx.approvedBy } : {}),
  };
  const policyCommit = ctx.policyCommit ?? plan.policy.commit ?? '';
  if (!fields.action) {
    // A decision about the whole plan (a refusal).
    return auditRow({
      timestamp: context.timestamp,
      run_id: ctx.runId,
      plan_id: plan.planId,
      phase: 'apply',
      outcome: fields.outcome,
      detail: fields.detail,
      policy_commit: policyCommit,
      plan_digest: plan.digest,
      pr_number: context.prNumber === undefined ? '' : String(context.prNumber),
      approved_by: (ctx.approvedBy ?? []).join(' '),
    });
  }
  return {
    ...actionAuditRow(plan, fields.action, fields.operation ?? null, {
      ...context,
      phase: 'apply',
      outcome: fields.outcome,
      detail: fields.detail,
    }),
    policy_commit: policyCommit,
  };
}
