/**
 * The plan as Markdown for review (SPEC §4): PR body, sticky comment, job summary, `--markdown`.
 * Every piece of text that comes from Atlassian or a policy file goes through `mdText`/`htmlText`,
 * `redact` is applied to everything, and the result always fits `maxLength` (see markdown-fit).
 */
import { formatCount, formatDate, formatDateTime, formatMoney, plural } from './format.js';
import { type DocumentPart, fitDocument } from './markdown-fit.js';
import { Cells, safeUrl } from './markdown-cells.js';
import { htmlText, mdCode, mdText } from './markdown-escape.js';
import { type Column, tableHeader, tableRow } from './markdown-table.js';
import type { Redact } from './redact.js';
import { planFileName } from './plan-file.js';
import type {
  ActionStatus,
  BlockReason,
  Operation,
  Plan,
  PlanAction,
  ProductSiteSummary,
} from './types.js';

/** GitHub's limit for PR bodies and comments. */
export const PR_BODY_LIMIT = 65_536;
/** GitHub's limit for a step's job summary (1 MiB). */
export const JOB_SUMMARY_LIMIT = 1_048_576;

export interface RenderPlanOptions {
  redact: Redact;
  /** Upper bound on the output's size (UTF-8 bytes). Default `PR_BODY_LIMIT`. */
  maxLength?: number;
  /** A link to the full plan (the file on the plan branch, or the run's artifacts). */
  fullPlanUrl?: string;
  /** Where the plan file is, as the reader would find it. Default `plans/<planId>.json`. */
  planPath?: string;
}

const MAX_CHART_BARS = 20;
const MAX_LISTED = 100;
const MAX_GROUPS_IN_CELL = 5;

const STATUS_LABELS: Record<ActionStatus, string> = {
  planned: 'planned',
  'needs-idp-change': 'needs IdP change',
  'needs-manual': 'needs manual change',
  'needs-review': 'needs review',
  'skipped-collateral': 'skipped (collateral)',
};

export function renderPlanMarkdown(plan: Plan, options: RenderPlanOptions): string {
  const cells = new Cells(options.redact);
  const planPath = options.planPath ?? `plans/${planFileName(plan.planId)}`;
  const parts: DocumentPart[] = [];
  const fixed = (text: string): void => {
    parts.push({ kind: 'fixed', text });
  };

  const kindTitle = plan.kind === 'restore' ? 'License policy restore plan' : 'License policy plan';
  fixed(`## ${kindTitle} ${mdCode(plan.planId)}\n\n${verdict(plan)}\n\n`);
  if (plan.blocked.length > 0) fixed(blockedCallout(plan.blocked, cells));
  parts.push({ kind: 'notice' });
  const glance = atAGlance(plan);
  if (glance !== '') fixed(glance);

  if (plan.summary.length > 0) {
    fixed(`### Seats by product and site\n\n${summaryTable(plan, cells)}\n`);
    const chart = seatsChart(plan.summary);
    if (chart !== '') fixed(chart);
  }

  actionsByRule(plan, cells, parts);
  idpAndManual(plan, cells, parts);
  simpleActionSection(
    plan,
    cells,
    parts,
    'skipped-collateral',
    '### Skipped: the group grants more than the rules ask',
    'These users keep their access: removing them from the granting group would also take away a product or site the rules do not remove (set `allowCollateral: true` on the rule to allow it).',
  );
  simpleActionSection(
    plan,
    cells,
    parts,
    'needs-review',
    '### Needs review',
    'Access reached only through an inferred assignment, or otherwise not safe to remove automatically. Nothing is done for these users.',
  );
  activityUnknownSection(plan, cells, parts);
  protectedSection(plan, cells, parts);
  upcomingSection(plan, cells, parts);
  warningsSection(plan, cells, parts);
  fixed(footer(plan));

  const hint =
    `${mdCode(planPath)}` +
    (options.fullPlanUrl !== undefined && safeUrl(options.fullPlanUrl) !== undefined
      ? ` ([full plan](${safeUrl(options.fullPlanUrl)}))`
      : '');
  return fitDocument(parts, { maxLength: options.maxLength ?? PR_BODY_LIMIT, fullListHint: hint })
    .text;
}

/** `License policy plan 2026-11-30: remove 412 licences, est. $3,108/month`. Plain text. */
export function renderPrTitle(plan: Plan): string {
  const day = plan.planId.slice(0, 10);
  const totals = totalsOf(plan);
  if (plan.kind === 'restore') {
    const undo = plan.restoreOf ? ` (undo ${plan.restoreOf.planId})` : '';
    return `License policy restore plan ${day}: restore ${plural(totals.actions, 'action', 'actions')}${undo}`;
  }
  const blocked = plan.blocked.length > 0 ? ' (blocked)' : '';
  if (totals.licences === 0) return `License policy plan ${day}${blocked}: nothing to remove`;
  const money =
    totals.monthlySavings === null
      ? ''
      : `, est. ${formatMoney(totals.monthlySavings, plan.currency, true)}/month` +
        (totals.yearlySavings === null
          ? ''
          : ` (${formatMoney(totals.yearlySavings, plan.currency, true)}/year)`) +
        ' at list price';
  return `License policy plan ${day}${blocked}: remove ${plural(totals.licences, 'licence', 'licences')}${money}`;
}

interface Totals {
  licences: number;
  sites: number;
  /** null when no product site with removals has a price. */
  monthlySavings: number | null;
  yearlySavings: number | null;
  /** Some product site with removals has no price. */
  unpriced: boolean;
  suspensions: number;
  /** Planned actions. */
  actions: number;
}

function totalsOf(plan: Plan): Totals {
  const planned = plan.actions.filter((a) => a.status === 'planned');
  const suspensions = planned.filter((a) => a.kind === 'suspend').length;
  const withRemovals = plan.summary.filter((s) => s.toRemove > 0);
  let licences = withRemovals.reduce((sum, s) => sum + s.toRemove, 0);
  if (plan.summary.length === 0) {
    licences = planned.reduce((sum, a) => sum + (a.removes?.length ?? 1), 0);
  }
  let monthly: number | null = null;
  let yearly: number | null = null;
  let unpriced = false;
  for (const s of withRemovals) {
    if (s.monthlySavings === null) unpriced = true;
    else monthly = (monthly ?? 0) + s.monthlySavings;
    if (s.yearlySavings !== null) yearly = (yearly ?? 0) + s.yearlySavings;
  }
  return {
    licences,
    sites: withRemovals.length,
    monthlySavings: monthly === null ? null : Math.round(monthly * 100) / 100,
    yearlySavings: yearly === null ? null : Math.round(yearly * 100) / 100,
    unpriced,
    suspensions,
    actions: planned.length,
  };
}

/** A money amount for Markdown: `$` escaped, as GitHub reads `$…$` as math. */
function mdMoney(amount: number, currency: string, wholeUnits = false): string {
  return formatMoney(amount, currency, wholeUnits).replace(/\$/g, '\\$');
}

function verdict(plan: Plan): string {
  const t = totalsOf(plan);
  if (plan.kind === 'restore') {
    const undo = plan.restoreOf ? `, undoing plan ${mdCode(plan.restoreOf.planId)}` : '';
    return t.actions === 0
      ? `**Nothing to restore**${undo}.`
      : `**Restores access for ${plural(t.actions, 'user and product', 'users and products')}**${undo}.`;
  }
  const across = `across ${plural(t.sites, 'product site', 'product sites')}`;
  const suspended =
    t.suspensions > 0 ? ` (${plural(t.suspensions, 'account', 'accounts')} suspended)` : '';
  let savings: string;
  if (t.monthlySavings === null) savings = ' (no price in the policy, so no savings estimate)';
  else {
    savings = `, saving an estimated ${mdMoney(t.monthlySavings, plan.currency)}/month at list price`;
    if (t.unpriced) savings += ' (products without a price not counted)';
  }
  const removes = `${plural(t.licences, 'licence', 'licences')}${suspended} ${across}${savings}`;
  if (plan.blocked.length > 0) {
    const codes = [...new Set(plan.blocked.map((b) => b.code))].map(mdCode).join(', ');
    const overridable = plan.blocked.every((b) => b.overridable);
    const refusal = overridable
      ? 'apply refuses it unless the limits are overridden'
      : 'apply refuses it, and this cannot be overridden';
    return t.licences === 0
      ? `**Blocked** (${codes}): ${refusal}.`
      : `**Blocked** (${codes}): this plan would remove ${removes}; ${refusal}.`;
  }
  if (t.licences === 0) return '**Nothing to remove.**';
  return `**Removes ${plural(t.licences, 'licence', 'licences')}**${suspended} ${across}${savings}.`;
}

function blockedCallout(blocked: BlockReason[], cells: Cells): string {
  const lines = ['> [!CAUTION]', '> **This plan is blocked.** Apply refuses it:'];
  for (const b of blocked) {
    const where =
      b.product !== undefined
        ? ` on ${cells.label(b.product)}${b.site !== undefined ? ` / ${cells.label(b.site)}` : ''}`
        : '';
    const override = b.overridable
      ? 'can be overridden (override label on the PR, or `--override-limits`)'
      : 'cannot be overridden';
    lines.push(
      `> - ${mdCode(b.code)}${where}: ${cells.text(b.message, undefined, 500)} (limit ${formatNumber(b.limit)}, actual ${formatNumber(b.actual)}; ${override})`,
    );
    for (const u of (b.unmatchedActivity ?? []).slice(0, 20)) {
      lines.push(
        `>   - activity entry ${mdText(u.id, 120)}${u.key !== null ? ` (key ${mdText(u.key, 60)})` : ''} matched no governed resource: ${plural(u.users, 'user', 'users')}`,
      );
    }
    const more = (b.unmatchedActivity?.length ?? 0) - 20;
    if (more > 0)
      lines.push(`>   - and ${formatCount(more)} more activity entries (see the plan file)`);
  }
  return lines.join('\n') + '\n\n';
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? formatCount(n) : String(Math.round(n * 100) / 100);
}

function countStatus(plan: Plan, status: ActionStatus): number {
  let n = 0;
  for (const a of plan.actions) if (a.status === status) n++;
  return n;
}

function atAGlance(plan: Plan): string {
  const lines: string[] = [];
  const idp = countStatus(plan, 'needs-idp-change');
  const manual = countStatus(plan, 'needs-manual');
  const review = countStatus(plan, 'needs-review');
  const collateral = countStatus(plan, 'skipped-collateral');
  if (idp > 0)
    lines.push(
      `${plural(idp, 'licence needs', 'licences need')} a change in the identity provider`,
    );
  if (manual > 0)
    lines.push(
      `${plural(manual, 'licence needs', 'licences need')} a manual change (locked group)`,
    );
  if (collateral > 0)
    lines.push(
      `${plural(collateral, 'licence is', 'licences are')} skipped: the group grants more than the rules ask`,
    );
  if (review > 0) lines.push(`${plural(review, 'licence needs', 'licences need')} review`);
  if (plan.activityUnknown.length > 0) {
    lines.push(
      `${plural(plan.activityUnknown.length, 'user has', 'users have')} unknown activity (never removed)`,
    );
  }
  if (plan.protected.length > 0) {
    lines.push(
      `${plural(plan.protected.length, 'match is', 'matches are')} protected by exclusions`,
    );
  }
  if (plan.upcoming.length > 0) {
    lines.push(
      `${plural(plan.upcoming.length, 'user becomes', 'users become')} eligible within the notice period`,
    );
  }
  if (plan.kind === 'removal' && plan.actions.length > 0) {
    lines.push(
      'Apply re-checks every action against fresh directory data and the policy at that time, and skips anything that no longer holds',
    );
  }
  return lines.length === 0 ? '' : lines.map((l) => `- ${l}.`).join('\n') + '\n\n';
}

function summaryTable(plan: Plan, cells: Cells): string {
  const columns: Column[] = [
    { title: 'Product' },
    { title: 'Site' },
    { title: 'Licensed', align: 'right' },
    { title: 'To remove', align: 'right' },
    { title: 'After', align: 'right' },
    { title: 'Licence tier', align: 'right' },
    { title: 'Monthly savings*', align: 'right' },
    { title: 'Yearly savings*', align: 'right' },
  ];
  const money = (v: number | null): string => (v === null ? '—' : mdMoney(v, plan.currency));
  let out = tableHeader(columns);
  for (const s of plan.summary) {
    out += tableRow([
      cells.label(s.product, 80),
      cells.label(s.site, 120),
      formatCount(s.licensed),
      formatCount(s.toRemove),
      formatCount(s.after),
      s.capacity === null ? '—' : formatCount(s.capacity),
      money(s.monthlySavings),
      money(s.yearlySavings),
    ]);
  }
  if (plan.summary.length > 1) {
    const sum = (f: (s: ProductSiteSummary) => number): number =>
      plan.summary.reduce((total, s) => total + f(s), 0);
    const sumMoney = (f: (s: ProductSiteSummary) => number | null): string => {
      const priced = plan.summary.map(f).filter((v): v is number => v !== null);
      return priced.length === 0 ? '—' : money(priced.reduce((a, b) => a + b, 0));
    };
    out += tableRow([
      '**Total**',
      '',
      `**${formatCount(sum((s) => s.licensed))}**`,
      `**${formatCount(sum((s) => s.toRemove))}**`,
      `**${formatCount(sum((s) => s.after))}**`,
      '',
      `**${sumMoney((s) => s.monthlySavings)}**`,
      `**${sumMoney((s) => s.yearlySavings)}**`,
    ]);
  }
  out +=
    '\n\\* Estimated at list price (the policy’s `monthlyCostPerUser` × licences removed). ' +
    'Savings are realised at the next renewal or licence-tier change, not immediately.\n';
  return out + tierLines(plan, cells);
}

/**
 * Seats after the plan against the licence tier Atlassian reports for the workspace
 * (`capacity`). Only what the data says: Atlassian reports the current tier, not the tiers below
 * it, so the text gives the headroom and leaves "which smaller tier fits" to the renewal.
 */
function tierLines(plan: Plan, cells: Cells): string {
  const lines: string[] = [];
  for (const s of plan.summary) {
    // Atlassian's own samples show `capacity: 0` as a placeholder: no tier of 0 seats exists.
    if (s.capacity === null || s.capacity <= 0) continue;
    const where = siteCell(s.product, s.site, cells);
    const tier = `${formatCount(s.capacity)}-seat licence tier`;
    if (s.after > s.capacity) {
      lines.push(
        `- ${where}: ${formatCount(s.after)} seats after this plan, ${plural(s.after - s.capacity, 'seat', 'seats')} above the ${tier}.`,
      );
      continue;
    }
    const freed = s.toRemove > 0 ? `, ${formatCount(s.toRemove)} of them freed by this plan` : '';
    lines.push(
      `- ${where}: after this plan ${formatCount(s.after)} of the ${tier}: ${plural(s.capacity - s.after, 'seat', 'seats')} of headroom${freed}.`,
    );
  }
  if (lines.length === 0) return '';
  return (
    `\n**Seats after this plan against the licence tier** (as Atlassian reports it):\n\n${lines.join('\n')}\n\n` +
    'Atlassian reports the current tier, not the tiers below it: if the seats after this plan fit a smaller tier of your subscription, it can be chosen at the next renewal.\n'
  );
}

/** Mermaid labels: a safe character set, so nothing can end the string or the code block. */
function chartLabel(s: ProductSiteSummary): string {
  const site = s.site.replace(/\.atlassian\.net$/, '');
  return `${s.product} ${site}`.replace(/[^A-Za-z0-9 ._/-]/g, '_').slice(0, 40);
}

/** Two overlaid bar series: seats licensed now, and seats after this plan. */
function seatsChart(summary: ProductSiteSummary[]): string {
  const shown = [...summary]
    .filter((s) => s.licensed > 0)
    .sort((a, b) => b.licensed - a.licensed)
    .slice(0, MAX_CHART_BARS);
  if (shown.length === 0) return '';
  const max = Math.max(...shown.map((s) => s.licensed));
  const lines = [
    '```mermaid',
    'xychart-beta',
    '  title "Licensed seats now and after this plan"',
    `  x-axis [${shown.map((s) => `"${chartLabel(s)}"`).join(', ')}]`,
    `  y-axis "Seats" 0 --> ${max}`,
    `  bar [${shown.map((s) => s.licensed).join(', ')}]`,
    `  bar [${shown.map((s) => s.after).join(', ')}]`,
    '```',
  ];
  const note =
    summary.length > shown.length
      ? ` The chart shows the ${shown.length} largest of ${summary.length} product sites.`
      : '';
  return (
    lines.join('\n') +
    `\n\nEach bar is the seats licensed now; the bar drawn over it is the seats left after this plan.${note}\n\n`
  );
}

function groupsCell(groups: string[], cells: Cells): string {
  const shown = groups.slice(0, MAX_GROUPS_IN_CELL).map((g) => cells.label(g, 80));
  const more = groups.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` +${formatCount(more)} more` : '');
}

function statusCell(action: PlanAction, cells: Cells): string {
  let text = STATUS_LABELS[action.status];
  if (action.kind === 'suspend') {
    const what = (action.removes ?? []).map((r) => `${r.product} ${r.site}`).join(', ');
    text = `**suspends the account**${what === '' ? '' : ` (removes ${cells.label(what, 300)})`}; ${text}`;
  }
  if (action.ruleIds.length > 1) text += `; also ${action.ruleIds.slice(1).map(mdCode).join(', ')}`;
  if (action.notes.length > 0) text += ` — ${cells.text(action.notes.join('; '), action, 300)}`;
  return text;
}

function siteCell(product: string, site: string, cells: Cells): string {
  return `${cells.label(product, 60)} · ${cells.label(site, 120)}`;
}

function actionsByRule(plan: Plan, cells: Cells, parts: DocumentPart[]): void {
  if (plan.actions.length === 0) return;
  const byRule = new Map<string, PlanAction[]>();
  for (const action of plan.actions) {
    const rule = action.ruleIds[0] ?? '';
    let list = byRule.get(rule);
    if (list === undefined) byRule.set(rule, (list = []));
    list.push(action);
  }
  const heading = plan.kind === 'restore' ? 'Restorations' : 'Users by rule';
  parts.push({ kind: 'fixed', text: `### ${heading}\n\n` });
  const columns: Column[] = [
    ...cells.personColumns(),
    { title: 'Product · site' },
    { title: 'Last active' },
    { title: 'Days inactive', align: 'right' },
    { title: 'Licensed since' },
    { title: 'Groups' },
    { title: 'Status' },
  ];
  for (const [rule, actions] of byRule) {
    const statuses = new Map<ActionStatus, number>();
    for (const a of actions) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    const breakdown = [...statuses].map(([s, n]) => `${formatCount(n)} ${STATUS_LABELS[s]}`);
    const products = [...new Set(actions.map((a) => a.product))].join(', ');
    parts.push({
      kind: 'fixed',
      text:
        `<details><summary><b>${htmlText(rule, 100)}</b> (${htmlText(products, 200)}): ` +
        `${plural(actions.length, 'user', 'users')} — ${breakdown.join(', ')}</summary>\n\n`,
    });
    parts.push({
      kind: 'table',
      label: `users of rule ${mdCode(rule)}`,
      header: tableHeader(columns),
      rows: actions.map((a) =>
        tableRow([
          ...cells.person(a),
          siteCell(a.product, a.site, cells),
          a.lastActive === null ? 'never' : mdText(formatDate(a.lastActive)),
          a.inactiveDays === null ? '—' : formatCount(a.inactiveDays),
          a.licensedSince === null ? 'unknown' : mdText(formatDate(a.licensedSince)),
          groupsCell(a.groups, cells),
          statusCell(a, cells),
        ]),
      ),
    });
    parts.push({ kind: 'fixed', text: '\n</details>\n\n' });
  }
}

/** The group operations an IdP or manual action is waiting for. */
function blockedGroupOperations(
  action: PlanAction,
): Array<Extract<Operation, { type: 'remove-group-membership' }>> {
  const groupOps = action.operations.filter(
    (op): op is Extract<Operation, { type: 'remove-group-membership' }> =>
      op.type === 'remove-group-membership',
  );
  const marked = groupOps.filter((op) => op.blockedBy !== undefined);
  return marked.length > 0 ? marked : groupOps;
}

function idpAndManual(plan: Plan, cells: Cells, parts: DocumentPart[]): void {
  const waiting = plan.actions.filter(
    (a) => a.status === 'needs-idp-change' || a.status === 'needs-manual',
  );
  if (waiting.length === 0) return;
  interface GroupEntry {
    name: string;
    id: string;
    change: string;
    rows: string[];
  }
  const groups = new Map<string, GroupEntry>();
  const change = (a: PlanAction, op?: { blockedBy?: string }): string =>
    op?.blockedBy === 'not-modifiable' ||
    (op?.blockedBy === undefined && a.status === 'needs-manual')
      ? 'remove by hand (group not modifiable by the API)'
      : 'remove in the identity provider';
  for (const action of waiting) {
    const ops = blockedGroupOperations(action);
    const targets = ops.length > 0 ? ops : [undefined];
    for (const op of targets) {
      const key = op === undefined ? '' : `${op.directoryId} ${op.groupId}`;
      let entry = groups.get(key);
      if (entry === undefined) {
        entry = {
          name: op?.groupName ?? '(no group named: see notes)',
          id: op?.groupId ?? '',
          change: change(action, op),
          rows: [],
        };
        groups.set(key, entry);
      }
      entry.rows.push(
        tableRow([
          cells.label(entry.name, 120),
          ...cells.person(action),
          siteCell(action.product, action.site, cells),
          cells.text([action.reason, ...action.notes].join('; '), action, 200),
        ]),
      );
    }
  }
  const sorted = [...groups.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const list = sorted
    .slice(0, MAX_LISTED)
    .map(
      (g) =>
        `- ${cells.label(g.name, 120)}${g.id === '' ? '' : ` (${mdCode(g.id)})`}: ${plural(g.rows.length, 'user', 'users')}, ${g.change}`,
    );
  if (sorted.length > MAX_LISTED) {
    list.push(
      `- and ${formatCount(sorted.length - MAX_LISTED)} more groups (see the table and the plan file)`,
    );
  }
  parts.push({
    kind: 'fixed',
    text:
      `### IdP and manual changes needed\n\n` +
      `This tool cannot remove these licences: the granting group is synced from the identity provider or locked. ` +
      `Remove the users from these groups at the source; the next plan picks up the change.\n\n` +
      `${list.join('\n')}\n\n` +
      `<details><summary>${plural(waiting.length, 'licence', 'licences')} by group</summary>\n\n`,
  });
  parts.push({
    kind: 'table',
    label: 'IdP and manual changes',
    header: tableHeader([
      { title: 'Group' },
      ...cells.personColumns(),
      { title: 'Product · site' },
      { title: 'Why' },
    ]),
    rows: sorted.flatMap((g) => g.rows),
  });
  parts.push({ kind: 'fixed', text: '\n</details>\n\n' });
}

function simpleActionSection(
  plan: Plan,
  cells: Cells,
  parts: DocumentPart[],
  status: ActionStatus,
  heading: string,
  explanation: string,
): void {
  const actions = plan.actions.filter((a) => a.status === status);
  if (actions.length === 0) return;
  parts.push({
    kind: 'fixed',
    text:
      `${heading}\n\n${explanation}\n\n` +
      `<details><summary>${plural(actions.length, 'licence', 'licences')}</summary>\n\n`,
  });
  parts.push({
    kind: 'table',
    label: `${STATUS_LABELS[status]} rows`,
    header: tableHeader([
      ...cells.personColumns(),
      { title: 'Product · site' },
      { title: 'Rules' },
      { title: 'Why' },
    ]),
    rows: actions.map((a) =>
      tableRow([
        ...cells.person(a),
        siteCell(a.product, a.site, cells),
        a.ruleIds.map(mdCode).join(', '),
        cells.text([a.reason, ...a.notes].join('; '), a, 300),
      ]),
    ),
  });
  parts.push({ kind: 'fixed', text: '\n</details>\n\n' });
}

function activityUnknownSection(plan: Plan, cells: Cells, parts: DocumentPart[]): void {
  if (plan.activityUnknown.length === 0) return;
  parts.push({
    kind: 'fixed',
    text:
      `### Activity unknown\n\n` +
      `Atlassian reports no usable activity for these licensed users, and no licence start is known: they are never removed on missing data.\n\n` +
      `<details><summary>${plural(plan.activityUnknown.length, 'user', 'users')}</summary>\n\n`,
  });
  parts.push({
    kind: 'table',
    label: 'users with unknown activity',
    header: tableHeader([...cells.personColumns(), { title: 'Product · site' }, { title: 'Why' }]),
    rows: plan.activityUnknown.map((e) =>
      tableRow([
        ...cells.person(e),
        siteCell(e.product, e.site, cells),
        cells.text(e.reason, e, 200),
      ]),
    ),
  });
  parts.push({ kind: 'fixed', text: '\n</details>\n\n' });
}

function protectedSection(plan: Plan, cells: Cells, parts: DocumentPart[]): void {
  if (plan.protected.length === 0) return;
  const byReason = new Map<string, number>();
  for (const p of plan.protected) {
    const key = `${p.reason} (${p.exclusion})`;
    byReason.set(key, (byReason.get(key) ?? 0) + 1);
  }
  const reasons = [...byReason].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const list = reasons
    .slice(0, MAX_LISTED)
    .map(
      ([reason, n]) => `- ${cells.text(reason, undefined, 200)}: ${plural(n, 'match', 'matches')}`,
    );
  if (reasons.length > MAX_LISTED)
    list.push(`- and ${formatCount(reasons.length - MAX_LISTED)} more reasons`);
  const sorted = [...plan.protected].sort((a, b) =>
    a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0,
  );
  parts.push({
    kind: 'fixed',
    text:
      `### Protected by exclusions\n\nThese users match a rule but an exclusion wins; nothing is done.\n\n${list.join('\n')}\n\n` +
      `<details><summary>${plural(plan.protected.length, 'protected match', 'protected matches')}</summary>\n\n`,
  });
  parts.push({
    kind: 'table',
    label: 'protected matches',
    header: tableHeader([
      { title: 'Reason' },
      ...cells.personColumns(),
      { title: 'Product · site' },
      { title: 'Rules' },
    ]),
    rows: sorted.map((p) =>
      tableRow([
        `${cells.text(p.reason, p, 120)} (${cells.label(p.exclusion, 40)})`,
        ...cells.person(p),
        siteCell(p.product, p.site, cells),
        p.ruleIds.map(mdCode).join(', '),
      ]),
    ),
  });
  parts.push({ kind: 'fixed', text: '\n</details>\n\n' });
}

function upcomingSection(plan: Plan, cells: Cells, parts: DocumentPart[]): void {
  if (plan.upcoming.length === 0) return;
  const sorted = [...plan.upcoming].sort((a, b) =>
    a.eligibleAt < b.eligibleAt ? -1 : a.eligibleAt > b.eligibleAt ? 1 : 0,
  );
  parts.push({
    kind: 'fixed',
    text:
      `### Upcoming removals\n\nThese users become eligible within their rule's notice period if they stay inactive: a good time to warn them.\n\n` +
      `<details><summary>${plural(plan.upcoming.length, 'user', 'users')}</summary>\n\n`,
  });
  parts.push({
    kind: 'table',
    label: 'upcoming removals',
    header: tableHeader([
      ...cells.personColumns(),
      { title: 'Product · site' },
      { title: 'Rule' },
      { title: 'Eligible on' },
      { title: 'Last active' },
    ]),
    rows: sorted.map((u) =>
      tableRow([
        ...cells.person(u),
        siteCell(u.product, u.site, cells),
        mdCode(u.ruleId),
        mdText(formatDate(u.eligibleAt)),
        u.lastActive === null ? 'never' : mdText(formatDate(u.lastActive)),
      ]),
    ),
  });
  parts.push({ kind: 'fixed', text: '\n</details>\n\n' });
}

function warningsSection(plan: Plan, cells: Cells, parts: DocumentPart[]): void {
  const lines: string[] = [];
  for (const s of plan.summary) {
    if (s.shortOfTarget !== undefined && s.shortOfTarget > 0) {
      lines.push(
        `- **Target not reachable** on ${siteCell(s.product, s.site, cells)}: ${plural(s.shortOfTarget, 'seat', 'seats')} above the \`keepAtMost\` target after this plan.`,
      );
    }
  }
  for (const w of plan.warnings.slice(0, MAX_LISTED)) {
    lines.push(`- ${mdCode(w.code)}: ${cells.text(w.message, undefined, 500)}`);
  }
  if (plan.warnings.length > MAX_LISTED) {
    lines.push(
      `- and ${formatCount(plan.warnings.length - MAX_LISTED)} more warnings in the plan file.`,
    );
  }
  if (lines.length === 0) return;
  parts.push({ kind: 'fixed', text: `### Warnings\n\n${lines.join('\n')}\n\n` });
}

function footer(plan: Plan): string {
  const commit = plan.policy.commit === null ? 'uncommitted' : mdCode(plan.policy.commit);
  const restore = plan.restoreOf
    ? ` · restores plan ${mdCode(plan.restoreOf.planId)} from ${mdText(plan.restoreOf.auditFile, 200)}`
    : '';
  return (
    `---\n<sub>Plan ${mdCode(plan.planId)} · digest ${mdCode(plan.digest)} · policy commit ${commit} · ` +
    `policy digest ${mdCode(plan.policy.digest)} · created ${formatDateTime(plan.createdAt)} · ` +
    `expires ${formatDateTime(plan.expiresAt)} · directory read ${formatDateTime(plan.snapshot.fetchedAt)}${restore} · ` +
    `generated by atlassian-license-policy</sub>\n`
  );
}
