/**
 * Plain-text results for a terminal (the CLI's stdout): the headline numbers of a plan or an
 * apply, one fact a line. The Markdown renderings are for GitHub; these are for people and scripts.
 */
import { describeBlocks } from '../apply/preconditions.js';
import { renderPrTitle } from '../plan/render-plan.js';
import type { ActionStatus, ApplyResult, Plan } from '../plan/types.js';

const STATUS_ORDER: ActionStatus[] = [
  'planned',
  'needs-idp-change',
  'needs-manual',
  'needs-review',
  'skipped-collateral',
];

export function planSummaryText(plan: Plan): string {
  const lines = [renderPrTitle(plan), `plan id: ${plan.planId}`, `org: ${plan.org.id}`];
  const byStatus = new Map<string, number>();
  for (const a of plan.actions) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
  lines.push(
    `actions: ${STATUS_ORDER.map((s) => `${s} ${byStatus.get(s) ?? 0}`).join(', ')}`,
    `protected: ${plan.protected.length}, upcoming: ${plan.upcoming.length}, activity unknown: ${plan.activityUnknown.length}`,
  );
  for (const s of plan.summary) {
    const savings =
      s.monthlySavings === null
        ? ''
        : `, est. ${plan.currency} ${s.monthlySavings.toFixed(2)}/month at list price`;
    lines.push(
      `  ${s.product} on ${s.site}: ${s.licensed} licensed, ${s.toRemove} to remove, ${s.after} after${savings}`,
    );
  }
  if (plan.blocked.length > 0) {
    const overridable = plan.blocked.every(
      (b) => b.overridable && b.code !== 'activity-data-missing',
    );
    lines.push(
      `BLOCKED: ${describeBlocks(plan.blocked)}`,
      overridable
        ? '  apply refuses this plan unless the limits are overridden after review (--override-limits)'
        : '  apply refuses this plan; activity-data-missing cannot be overridden',
    );
  }
  for (const w of plan.warnings) lines.push(`warning (${w.code}): ${w.message}`);
  return lines.join('\n') + '\n';
}

export function applySummaryText(result: ApplyResult): string {
  const total = result.outcomes.length;
  const counts = Object.entries(result.counts)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ');
  const lines = [
    `${result.dryRun ? 'Dry run of' : 'Applied'} plan ${result.planId}: ${total} planned action(s)${counts ? ` — ${counts}` : ''}`,
  ];
  for (const o of result.outcomes) {
    if (o.outcome === 'applied' || o.outcome === 'dry-run' || o.outcome === 'already-absent')
      continue;
    lines.push(`  ${o.outcome}: ${o.accountId} ${o.product} on ${o.site}: ${o.detail}`);
  }
  return lines.join('\n') + '\n';
}
