/**
 * An apply's outcome as Markdown (PR comment, job summary): counts per outcome, every failure
 * visible, the rest collapsible, escaped and redacted like the plan, within the size limit.
 */
import type { AuditOutcome } from '../audit/types.js';
import { formatCount, plural } from './format.js';
import { type DocumentPart, fitDocument } from './markdown-fit.js';
import { Cells, safeUrl } from './markdown-cells.js';
import { mdCode, mdText } from './markdown-escape.js';
import { tableHeader, tableRow } from './markdown-table.js';
import type { Redact } from './redact.js';
import { PR_BODY_LIMIT } from './render-plan.js';
import type { ApplyOutcomeEntry, ApplyResult } from './types.js';

export interface RenderApplyOptions {
  redact: Redact;
  /** Upper bound on the output's size (UTF-8 bytes). Default `PR_BODY_LIMIT`. */
  maxLength?: number;
  /** Where the full record is: the audit CSV artifact or the audit branch file. Markdown-safe text is made of it. */
  auditPath?: string;
  auditUrl?: string;
}

/** Outcomes in the order a reader wants them, with what each means. */
const OUTCOME_TEXT: Array<[AuditOutcome, string]> = [
  ['failed', 'the write failed'],
  ['partial', 'only some of the operations succeeded'],
  ['unverified', 'written, but the seat was still there when re-read'],
  ['refused', 'refused before any write'],
  ['applied', 'removed and verified'],
  ['restored', 'given back'],
  ['dry-run', 'would be applied (dry run: nothing written)'],
  ['already-absent', 'already gone (confirmed by a read)'],
  ['skipped-now-active', 'skipped: the user is active again'],
  ['skipped-now-excluded', 'skipped: an exclusion now protects the user'],
  ['skipped-policy-changed', 'skipped: the policy at merge time no longer does this'],
  ['needs-idp-change', 'left for the identity provider'],
  ['needs-manual', 'left for a manual change'],
  ['needs-review', 'left for review'],
  ['skipped-collateral', 'skipped: collateral'],
  ['planned', 'planned'],
  ['upcoming', 'upcoming'],
  ['protected', 'protected'],
];

const PROBLEMS = new Set<string>(['failed', 'partial', 'unverified', 'refused']);
const DONE = new Set<string>(['applied', 'restored', 'dry-run']);

export function renderApplyMarkdown(result: ApplyResult, options?: RenderApplyOptions): string {
  const cells = new Cells(options?.redact ?? 'none');
  const counts = countsOf(result);
  const problems = result.outcomes.filter((o) => PROBLEMS.has(o.outcome));
  const done = result.outcomes.filter((o) => DONE.has(o.outcome));
  const others = result.outcomes.filter((o) => !PROBLEMS.has(o.outcome) && !DONE.has(o.outcome));
  const total = result.outcomes.length;
  const problemCount = [...PROBLEMS].reduce((sum, o) => sum + (counts.get(o) ?? 0), 0);

  const parts: DocumentPart[] = [];
  const fixed = (text: string): void => {
    parts.push({ kind: 'fixed', text });
  };
  const title = result.dryRun ? 'License policy dry run' : 'License policy apply';
  fixed(
    `## ${title}: plan ${mdCode(result.planId)}\n\n${headline(result, counts, total, problemCount)}\n\n`,
  );
  if (problemCount > 0 && !result.dryRun) {
    fixed(
      `> [!WARNING]\n> ${plural(problemCount, 'action did', 'actions did')} not complete; the run fails. ` +
        'Re-running the same plan is safe: what is already done is skipped.\n\n',
    );
  }
  parts.push({ kind: 'notice' });

  let countTable = tableHeader([
    { title: 'Outcome' },
    { title: 'Actions', align: 'right' },
    { title: 'Meaning' },
  ]);
  const known = new Set<string>();
  for (const [outcome, meaning] of OUTCOME_TEXT) {
    known.add(outcome);
    const n = counts.get(outcome) ?? 0;
    if (n > 0) countTable += tableRow([mdCode(outcome), formatCount(n), meaning]);
  }
  for (const [outcome, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!known.has(outcome) && n > 0) countTable += tableRow([mdText(outcome), formatCount(n), '']);
  }
  fixed(`${countTable}\n`);

  const section = (heading: string, entries: ApplyOutcomeEntry[], collapsed: boolean): void => {
    if (entries.length === 0) return;
    fixed(
      collapsed
        ? `<details><summary>${heading} (${formatCount(entries.length)})</summary>\n\n`
        : `### ${heading}\n\n`,
    );
    parts.push({
      kind: 'table',
      label: `${heading.toLowerCase()} rows`,
      header: tableHeader([
        ...cells.personColumns(),
        { title: 'Product · site' },
        { title: 'Outcome' },
        { title: 'Detail' },
      ]),
      rows: entries.map((o) =>
        tableRow([
          ...cells.person(o),
          `${cells.label(o.product, 60)} · ${cells.label(o.site, 120)}`,
          mdCode(o.outcome),
          cells.text(o.detail, o, 500),
        ]),
      ),
    });
    fixed(collapsed ? '\n</details>\n\n' : '\n');
  };
  section('Failures', problems, false);
  section('Skipped and left for others', others, true);
  section(result.dryRun ? 'Would be applied' : 'Done', done, true);

  const hint = auditHint(options);
  fixed(`---\n<sub>Plan ${mdCode(result.planId)} · every decision is recorded in ${hint}</sub>\n`);
  return fitDocument(parts, { maxLength: options?.maxLength ?? PR_BODY_LIMIT, fullListHint: hint })
    .text;
}

function countsOf(result: ApplyResult): Map<string, number> {
  const counts = new Map<string, number>();
  const fromOutcomes = new Map<string, number>();
  for (const o of result.outcomes)
    fromOutcomes.set(o.outcome, (fromOutcomes.get(o.outcome) ?? 0) + 1);
  // The caller's counts win (they may count actions not listed, e.g. a refusal); outcomes fill gaps.
  for (const [k, v] of fromOutcomes) counts.set(k, v);
  for (const [k, v] of Object.entries(result.counts)) counts.set(k, v);
  return counts;
}

function headline(
  result: ApplyResult,
  counts: Map<string, number>,
  total: number,
  problemCount: number,
): string {
  const n = (k: string): number => counts.get(k) ?? 0;
  const skipped =
    n('already-absent') +
    n('skipped-now-active') +
    n('skipped-now-excluded') +
    n('skipped-policy-changed') +
    n('skipped-collateral');
  const skippedText = skipped > 0 ? `, ${formatCount(skipped)} skipped` : '';
  if (n('refused') > 0 && n('applied') === 0) return '**Refused**: nothing was changed.';
  if (result.dryRun) {
    return `**Dry run**: nothing was changed. ${plural(n('dry-run'), 'action', 'actions')} would be applied${skippedText}.`;
  }
  const doneCount = n('applied') + n('restored');
  if (problemCount === 0 && doneCount === 0) return `**Nothing applied**${skippedText}.`;
  const verb = n('restored') > 0 && n('applied') === 0 ? 'Restored' : 'Applied';
  const problems = problemCount > 0 ? `, **${formatCount(problemCount)} not completed**` : '';
  return `**${verb} ${formatCount(doneCount)} of ${plural(total, 'action', 'actions')}**${problems}${skippedText}.`;
}

function auditHint(options: RenderApplyOptions | undefined): string {
  const path =
    options?.auditPath === undefined ? 'the audit CSV artifact' : mdCode(options.auditPath);
  const url = options?.auditUrl === undefined ? undefined : safeUrl(options.auditUrl);
  return url === undefined ? path : `${path} ([download](${url}))`;
}
