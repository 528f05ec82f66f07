/**
 * The apply phase's audit rows (SPEC §6): one per decision, built the moment the decision is
 * made. An operation row names the write (`operation`, `target`); an action row (empty
 * `operation`) carries the action's settled outcome and targets the resource.
 *
 * `target` is machine-readable so that restore can give back exactly what was removed:
 * `group:<directoryId>/<groupId>` (the group's name is in `detail`), `role:<role>@<resourceId>`,
 * `directory:<directoryId>`.
 */
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

export function operationTarget(op: Operation): string {
  switch (op.type) {
    case 'remove-group-membership':
    case 'add-group-membership':
      return `group:${op.directoryId}/${op.groupId}`;
    case 'revoke-role':
    case 'assign-role':
      return `role:${op.role}@${op.resourceId}`;
    case 'suspend':
    case 'restore-user':
      return `directory:${op.directoryId}`;
  }
}

/** What a reader of the CSV needs beyond the target: the group's name. */
export function operationLabel(op: Operation): string {
  return op.type === 'remove-group-membership' || op.type === 'add-group-membership'
    ? `group "${op.groupName}"`
    : '';
}

interface RowFields {
  outcome: AuditOutcome;
  detail: string;
  action?: PlanAction;
  operation?: Operation;
}

export function applyAuditRow(plan: Plan, ctx: ApplyAuditContext, fields: RowFields): AuditRow {
  const { action, operation } = fields;
  const label = operation ? operationLabel(operation) : '';
  return {
    timestamp: ctx.clock().toISOString(),
    run_id: ctx.runId,
    plan_id: plan.planId,
    phase: 'apply',
    rule_id: action?.ruleIds.join(' ') ?? '',
    account_id: action?.accountId ?? '',
    email: action?.email ?? '',
    name: action?.name ?? '',
    product: action?.product ?? '',
    site: action?.site ?? '',
    last_active: action?.lastActive ?? '',
    inactive_days:
      action?.inactiveDays === null || action?.inactiveDays === undefined
        ? ''
        : String(action.inactiveDays),
    operation: operation?.type ?? '',
    target: operation ? operationTarget(operation) : (action?.resourceId ?? ''),
    outcome: fields.outcome,
    detail: label ? `${label}: ${fields.detail}` : fields.detail,
    policy_commit: ctx.policyCommit ?? plan.policy.commit ?? '',
    plan_digest: plan.digest,
    pr_number: ctx.prNumber === null || ctx.prNumber === undefined ? '' : String(ctx.prNumber),
    approved_by: (ctx.approvedBy ?? []).join(' '),
  };
}
