/**
 * The plan phase's audit rows for the CLI's `--audit`.
 *
 * TEMPORARY: stands in for `src/audit`'s `planAuditRows(plan, ctx)` until it lands.
 */
import type { AuditRow } from '../audit/types.js';
import type { Plan } from '../plan/types.js';

export function planAuditRowsForCli(plan: Plan, ctx: { runId: string; now: Date }): AuditRow[] {
  const base = {
    timestamp: ctx.now.toISOString(),
    run_id: ctx.runId,
    plan_id: plan.planId,
    phase: 'plan' as const,
    policy_commit: plan.policy.commit ?? '',
    plan_digest: plan.digest,
    pr_number: '',
    approved_by: '',
    operation: '',
  };
  const rows: AuditRow[] = [];
  for (const a of plan.actions) {
    rows.push({
      ...base,
      rule_id: a.ruleIds.join(' '),
      account_id: a.accountId,
      email: a.email ?? '',
      name: a.name ?? '',
      product: a.product,
      site: a.site,
      last_active: a.lastActive ?? '',
      inactive_days: a.inactiveDays === null ? '' : String(a.inactiveDays),
      target: a.resourceId,
      outcome: a.status,
      detail: [a.reason, ...a.notes].join('; '),
    });
  }
  for (const p of plan.protected) {
    rows.push({
      ...base,
      rule_id: p.ruleIds.join(' '),
      account_id: p.accountId,
      email: p.email ?? '',
      name: p.name ?? '',
      product: p.product,
      site: p.site,
      last_active: '',
      inactive_days: '',
      target: p.resourceId,
      outcome: 'protected',
      detail: `${p.exclusion}: ${p.reason}`,
    });
  }
  for (const u of plan.upcoming) {
    rows.push({
      ...base,
      rule_id: u.ruleId,
      account_id: u.accountId,
      email: u.email ?? '',
      name: u.name ?? '',
      product: u.product,
      site: u.site,
      last_active: u.lastActive ?? '',
      inactive_days: '',
      target: u.resourceId,
      outcome: 'upcoming',
      detail: `eligible from ${u.eligibleAt}`,
    });
  }
  return rows;
}
