/**
 * Make a restore plan from audit CSVs (SPEC §9): the CLI's `restore` command and the action's
 * restore dispatch both call `createRestorePlanFromAudit`. It reads the audits strictly, checks
 * every row of the chosen plan against that plan's unedited file (`selectAppliedRemovals`),
 * reads the org for the targets (`readRestoreTargets`), and returns the restore plan, its file
 * text, its Markdown and PR title, and the audit rows of the decision. Writing files, branches
 * and PRs is the caller's: this function only reads Atlassian.
 */
import type { AtlassianClient } from '../atlassian/client.js';
import { parseAuditCsv } from '../audit/csv.js';
import { actionAuditRow, auditRow, auditTimestamp } from '../audit/rows.js';
import type { AuditRow } from '../audit/types.js';
import { InputError, RefusedError } from '../errors.js';
import { finalizePlan, parsePlan, serializePlan } from '../plan/plan-file.js';
import { renderPlanMarkdown, renderPrTitle, type RenderPlanOptions } from '../plan/render-plan.js';
import type { Plan } from '../plan/types.js';
import { DEFAULT_LIMITS } from '../policy/types.js';
import { buildRestorePlanBody, type RefusedRestore } from './build.js';
import {
  chooseAppliedPlanId,
  inverseOperation,
  selectAppliedRemovals,
  type AppliedRemoval,
  type LocatedRow,
} from './select.js';
import { judgeRestoreOperation, readRestoreTargets } from './targets.js';

/** A file's text and where it came from (a path, or `audit-branch:audit/2026/11/x.csv`). */
export interface SourceText {
  text: string;
  source: string;
}

export interface CreateRestorePlanInput {
  /** One or more audit CSVs (an apply and its re-runs may be in several files). */
  audits: readonly SourceText[];
  /**
   * The applied plan's file, or how to find it by plan id (the plans directory, the default
   * branch); the lookup returns null when there is no such file.
   */
  appliedPlan: SourceText | ((planId: string) => Promise<SourceText | null>);
  /** Which plan's apply to undo, when the audits record several. */
  planId?: string;
  /** Restore these accounts only (`--only`). */
  only?: readonly string[];
  /** Configured for the org: a plan of another org is refused. */
  client: AtlassianClient;
  /** The clock: the restore plan's `createdAt`. */
  now: Date;
  /** Hours until the restore plan expires. Default `limits.planTtlHours`' default (72). */
  ttlHours?: number;
  /** Run id for the audit rows. */
  runId: string;
  onProgress?: (message: string) => void;
  /** How to render the Markdown (default: no redaction, PR body limit). */
  markdown?: RenderPlanOptions;
  /**
   * Gets the `refused` row (phase `restore`) when the restore is refused as a whole, before the
   * error is thrown. The rows of a restore plan that was made are in the result instead.
   */
  onRefused?: (row: AuditRow) => void;
}

export interface CreatedRestorePlan {
  plan: Plan;
  /** The plan file's exact text (sorted keys, LF, final newline). */
  planFileText: string;
  /** The PR body / `--markdown` text. */
  markdown: string;
  /** The PR title. */
  title: string;
  /** Phase `restore`: `planned` per operation, `refused` per operation left out. */
  auditRows: AuditRow[];
  refused: RefusedRestore[];
  /** The applied plan the restore undoes. */
  source: Plan;
  removals: AppliedRemoval[];
}

/** Every row of every audit, located for messages (`file row 12`). */
export function readAuditRows(audits: readonly SourceText[]): LocatedRow[] {
  const rows: LocatedRow[] = [];
  for (const audit of audits) {
    parseAuditCsv(audit.text, audit.source).forEach((row, i) => {
      rows.push({ row, where: `${audit.source} row ${i + 1}` });
    });
  }
  return rows;
}

export async function createRestorePlanFromAudit(
  input: CreateRestorePlanInput,
): Promise<CreatedRestorePlan> {
  const sources = input.audits.map((a) => a.source).join(', ');
  const rows = readAuditRows(input.audits);
  const planId = chooseAppliedPlanId(rows, input.planId, sources);
  try {
    return await createFor(input, rows, planId, sources);
  } catch (error: unknown) {
    if (error instanceof RefusedError) {
      input.onRefused?.(
        restoreRefusalRow({ planId, runId: input.runId, now: input.now, detail: error.message }),
      );
    }
    throw error;
  }
}

async function createFor(
  input: CreateRestorePlanInput,
  rows: readonly LocatedRow[],
  planId: string,
  sources: string,
): Promise<CreatedRestorePlan> {
  const planText =
    typeof input.appliedPlan === 'function' ? await input.appliedPlan(planId) : input.appliedPlan;
  if (planText === null) {
    throw new InputError(
      `the file of plan ${planId} was not found: restore checks the audit against the applied plan's file (plans/${planId}.json; or pass it with --plan)`,
    );
  }
  const source = parsePlan(planText.text, planText.source);
  if (source.planId !== planId) {
    throw new InputError(
      `${planText.source} holds plan ${source.planId}, not plan ${planId} whose apply the audit records`,
    );
  }
  const removals = selectAppliedRemovals({
    rows,
    plan: source,
    planSource: planText.source,
    only: input.only,
  });
  if (source.org.id !== input.client.orgId) {
    throw new RefusedError(
      'org-mismatch',
      `plan ${source.planId} is for organization ${source.org.id}, but this run is configured for ${input.client.orgId}`,
    );
  }
  const operations = removals.reduce((n, r) => n + r.operations.length, 0);
  input.onProgress?.(
    `plan ${source.planId}: ${operations} applied removal operation(s) of ${removals.length} action(s) to give back`,
  );

  const checkedAt = input.now;
  const targeted = removals.flatMap((removal) =>
    removal.operations.map((removed) => ({
      accountId: removal.action.accountId,
      directoryId: removal.action.directoryId,
      op: inverseOperation(removed),
    })),
  );
  const targets = await readRestoreTargets(input.client, targeted);
  input.onProgress?.(
    `checked the accounts, groups and roles to give back (${targets.reads} reads)`,
  );

  const built = buildRestorePlanBody({
    source,
    removals,
    judge: (removal, op) =>
      judgeRestoreOperation(targets, {
        accountId: removal.action.accountId,
        directoryId: removal.action.directoryId,
        op,
      }),
    now: input.now,
    ttlHours: input.ttlHours ?? DEFAULT_LIMITS.planTtlHours,
    auditFile: sources,
    checkedAt,
    counts: {
      resources: new Set(
        removals.flatMap((r) => [
          r.action.resourceId,
          ...(r.action.removes ?? []).map((x) => x.resourceId),
        ]),
      ).size,
      groups: targets.groups.size,
      users: new Set(removals.map((r) => r.action.accountId)).size,
    },
  });
  const plan = finalizePlan(built.body);

  const timestamp = auditTimestamp(input.now);
  const context = { runId: input.runId, timestamp };
  const auditRows: AuditRow[] = [];
  for (const action of plan.actions) {
    for (const op of action.operations) {
      auditRows.push(
        actionAuditRow(plan, action, op, { ...context, phase: 'restore', outcome: 'planned' }),
      );
    }
  }
  for (const r of built.refused) {
    auditRows.push(
      actionAuditRow(plan, r.action, r.op, {
        ...context,
        phase: 'restore',
        outcome: 'refused',
        detail: `not restored: ${r.reason}`,
      }),
    );
  }

  const markdownOptions = input.markdown ?? { redact: 'none' };
  return {
    plan,
    planFileText: serializePlan(plan),
    markdown: renderPlanMarkdown(plan, markdownOptions),
    title: renderPrTitle(plan),
    auditRows,
    refused: built.refused,
    source,
    removals,
  };
}

/** The audit row of a restore refused as a whole (a forged audit, an edited plan file). */
export function restoreRefusalRow(input: {
  planId: string;
  planDigest?: string;
  runId: string;
  now: Date;
  detail: string;
}): AuditRow {
  return auditRow({
    timestamp: auditTimestamp(input.now),
    run_id: input.runId,
    plan_id: input.planId,
    phase: 'restore',
    outcome: 'refused',
    detail: input.detail,
    plan_digest: input.planDigest ?? '',
  });
}
