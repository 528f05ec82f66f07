/**
 * Audit rows (SPEC §6): one per decision. The plan's decisions are each action × operation
 * (with the action's status as outcome), each protected match and each upcoming removal. Apply
 * and restore build their rows with `actionAuditRow`, so every phase maps an action to the
 * columns the same way.
 */
import type { Operation, Plan, PlanAction } from '../plan/types.js';
import { operationTarget } from './target.js';
import { AUDIT_COLUMNS, type AuditOutcome, type AuditPhase, type AuditRow } from './types.js';

/** ISO 8601 UTC with milliseconds, `2026-11-30T06:00:00.000Z`. */
export function auditTimestamp(date: Date): string {
  return date.toISOString();
}

export interface AuditContext {
  runId: string;
  /** ISO 8601 UTC, see `auditTimestamp`. */
  timestamp: string;
  prNumber?: number | string;
  /** GitHub logins of the approving reviewers; written space-separated. */
  approvedBy?: string | readonly string[];
}

/** A row with every column empty except those given. */
export function auditRow(
  fields: Partial<Record<keyof AuditRow, string>> & { phase: AuditPhase; outcome: AuditOutcome },
): AuditRow {
  const row = {} as Record<string, string>;
  for (const column of AUDIT_COLUMNS) row[column] = fields[column] ?? '';
  return row as AuditRow;
}

function contextColumns(
  plan: Pick<Plan, 'planId' | 'digest' | 'policy'>,
  ctx: AuditContext,
): Pick<
  AuditRow,
  'timestamp' | 'run_id' | 'plan_id' | 'policy_commit' | 'plan_digest' | 'pr_number' | 'approved_by'
> {
  const approvedBy = ctx.approvedBy ?? '';
  return {
    timestamp: ctx.timestamp,
    run_id: ctx.runId,
    plan_id: plan.planId,
    policy_commit: plan.policy.commit ?? '',
    plan_digest: plan.digest,
    pr_number: ctx.prNumber === undefined ? '' : String(ctx.prNumber),
    approved_by: typeof approvedBy === 'string' ? approvedBy : approvedBy.join(' '),
  };
}

/** What the reviewer read, as one line: the reason, then the notes. */
export function actionDetail(action: PlanAction): string {
  const parts = [action.reason];
  if (action.kind === 'suspend' && action.removes !== undefined) {
    parts.push(
      `suspends the account: removes ${action.removes.map((r) => `${r.product} on ${r.site}`).join(', ')}`,
    );
  }
  parts.push(...action.notes);
  return parts.filter((p) => p !== '').join('; ');
}

/** The row for one action (and one of its operations, or none), in any phase. */
export function actionAuditRow(
  plan: Pick<Plan, 'planId' | 'digest' | 'policy'>,
  action: PlanAction,
  operation: Operation | null,
  fields: AuditContext & { phase: AuditPhase; outcome: AuditOutcome; detail?: string },
): AuditRow {
  return {
    ...contextColumns(plan, fields),
    phase: fields.phase,
    rule_id: action.ruleIds.join(' '),
    account_id: action.accountId,
    email: action.email ?? '',
    name: action.name ?? '',
    product: action.product,
    site: action.site,
    last_active: action.lastActive ?? '',
    inactive_days: action.inactiveDays === null ? '' : String(action.inactiveDays),
    operation: operation === null ? '' : operation.type,
    target: operation === null ? action.resourceId : operationTarget(operation),
    outcome: fields.outcome,
    detail: fields.detail ?? actionDetail(action),
  };
}

/** Every decision of a plan, in plan order: actions × operations, protected, upcoming. */
export function planAuditRows(plan: Plan, ctx: AuditContext): AuditRow[] {
  const rows: AuditRow[] = [];
  const fields = { ...ctx, phase: 'plan' as const };
  for (const action of plan.actions) {
    const outcome: AuditOutcome = action.status;
    if (action.operations.length === 0) {
      rows.push(actionAuditRow(plan, action, null, { ...fields, outcome }));
    }
    for (const operation of action.operations) {
      rows.push(actionAuditRow(plan, action, operation, { ...fields, outcome }));
    }
  }
  const context = contextColumns(plan, ctx);
  for (const p of plan.protected) {
    rows.push({
      ...context,
      phase: 'plan',
      rule_id: p.ruleIds.join(' '),
      account_id: p.accountId,
      email: p.email ?? '',
      name: p.name ?? '',
      product: p.product,
      site: p.site,
      last_active: '',
      inactive_days: '',
      operation: '',
      target: p.resourceId,
      outcome: 'protected',
      detail: `excluded (${p.exclusion}): ${p.reason}`,
    });
  }
  for (const u of plan.upcoming) {
    rows.push({
      ...context,
      phase: 'plan',
      rule_id: u.ruleId,
      account_id: u.accountId,
      email: u.email ?? '',
      name: u.name ?? '',
      product: u.product,
      site: u.site,
      last_active: u.lastActive ?? '',
      inactive_days: '',
      operation: '',
      target: u.resourceId,
      outcome: 'upcoming',
      detail: `eligible from ${u.eligibleAt} if still inactive`,
    });
  }
  return rows;
}
