/**
 * The policy-change preview a pull request gets (SPEC §7): what the changed policy would do,
 * evaluated against the snapshot the last plan run uploaded, compared with what the policy of
 * the base branch does on the same snapshot. Rendered for one sticky comment.
 */
import { formatCount, formatDateTime, formatMoney, plural } from '../plan/format.js';
import { mdCode, mdText } from '../plan/markdown-escape.js';
import type { Redact } from '../plan/redact.js';
import { renderPlanMarkdown } from '../plan/render-plan.js';
import type { Plan, PlanAction } from '../plan/types.js';

export interface PlanDelta {
  /** Planned actions the change adds. */
  added: PlanAction[];
  /** Planned actions the base policy has and the change drops. */
  dropped: PlanAction[];
}

const planned = (plan: Plan) => plan.actions.filter((a) => a.status === 'planned');

export function comparePlans(base: Plan | null, next: Plan): PlanDelta {
  const before = new Map((base ? planned(base) : []).map((a) => [a.id, a]));
  const after = new Map(planned(next).map((a) => [a.id, a]));
  return {
    added: [...after.values()].filter((a) => !before.has(a.id)),
    dropped: [...before.values()].filter((a) => !after.has(a.id)),
  };
}

export interface SnapshotOrigin {
  fetchedAt: string;
  /** Link to the run that uploaded it, when known. */
  runUrl: string | null;
}

const MAX_LISTED = 50;
/** Room kept for the comment's own text around the embedded plan. */
const PLAN_ROOM = 50_000;

function who(action: PlanAction, redact: Redact): string {
  const account = mdCode(action.accountId);
  if (redact === 'all') return account;
  if (redact === 'emails') return `${mdText(action.name ?? '—')} (${account})`;
  return `${mdText(action.name ?? '—')} (${mdText(action.email ?? action.accountId)})`;
}

function listActions(title: string, actions: PlanAction[], redact: Redact): string {
  if (actions.length === 0) return '';
  const shown = actions
    .slice(0, MAX_LISTED)
    .map(
      (a) => `- ${who(a, redact)} — ${mdText(a.product)} on ${mdText(a.site)}: ${mdText(a.reason)}`,
    );
  const more =
    actions.length > MAX_LISTED ? [`- …and ${formatCount(actions.length - MAX_LISTED)} more`] : [];
  return [
    `<details><summary>${title} (${formatCount(actions.length)})</summary>`,
    '',
    ...shown,
    ...more,
    '',
    '</details>',
    '',
  ].join('\n');
}

function totalSavings(plan: Plan): number | null {
  let sum: number | null = null;
  for (const s of plan.summary) if (s.monthlySavings !== null) sum = (sum ?? 0) + s.monthlySavings;
  return sum;
}

export function renderPreviewComment(args: {
  next: Plan;
  base: Plan | null;
  origin: SnapshotOrigin;
  redact: Redact;
}): string {
  const { next, base, origin, redact } = args;
  const delta = comparePlans(base, next);
  const nextCount = planned(next).length;
  const baseCount = base ? planned(base).length : null;
  const savings = totalSavings(next);
  const from = origin.runUrl
    ? `the [last plan run](${origin.runUrl})'s snapshot of ${formatDateTime(origin.fetchedAt)}`
    : `the last plan run's snapshot of ${formatDateTime(origin.fetchedAt)}`;
  const lines = [
    '### License policy preview',
    '',
    `With this change, the policy would plan **${plural(nextCount, 'removal', 'removals')}**` +
      (savings === null
        ? ''
        : ` (est. ${formatMoney(savings, next.currency).replace(/\$/g, '\\$')}/month at list price)`) +
      (baseCount === null
        ? '.'
        : `; the base branch's policy plans ${formatCount(baseCount)} on the same data (${delta.added.length === 0 && delta.dropped.length === 0 ? 'no change' : `+${formatCount(delta.added.length)} / −${formatCount(delta.dropped.length)}`}).`),
    '',
    `Computed from ${from}, without contacting Atlassian. The next scheduled plan reads fresh data; nothing is applied until its plan PR is approved and merged.`,
    '',
  ];
  if (next.blocked.length > 0) {
    lines.push(
      `> [!WARNING]\n> The plan would be **blocked** (${[...new Set(next.blocked.map((b) => mdCode(b.code)))].join(', ')}).`,
      '',
    );
  }
  lines.push(listActions('Removals this change adds', delta.added, redact));
  lines.push(listActions('Removals this change drops', delta.dropped, redact));
  lines.push(
    '<details><summary>The plan with this change</summary>',
    '',
    renderPlanMarkdown(next, { redact, maxLength: PLAN_ROOM }),
    '',
    '</details>',
  );
  return lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n');
}

/** The comment when no preview can be computed, saying why. */
export function renderNoPreview(reason: string): string {
  return ['### License policy preview', '', reason, ''].join('\n');
}
