/**
 * The action's restore dispatch (SPEC §9, §7 `workflow_dispatch`): a plan id (and optionally
 * account ids) in, a restore plan out, built from what git keeps — every audit CSV of that
 * plan's applies on the audit branch, and the applied plan file on the default branch (merging
 * the plan PR put it there). The caller (`src/action/restore.ts`) commits `planFileText` on the
 * restore branch `<plan-branch>-restore` and opens the restore PR; merging it after review
 * applies it like any plan.
 */
import { InputError } from '../errors.js';
import { PLAN_ID_PATTERN } from '../plan/plan-schema.js';
import {
  createRestorePlanFromAudit,
  type CreateRestorePlanInput,
  type CreatedRestorePlan,
  type SourceText,
} from './create.js';

/** What the restore dispatch reads from git (`GitHubRepository.branches` has both). */
export interface GitFiles {
  /** File names directly inside a directory at a ref (empty when it does not exist). */
  listDirectory(ref: string, dir: string): Promise<string[]>;
  /** A file's text at a ref, or null when there is none. */
  readFile(ref: string, path: string): Promise<string | null>;
}

export interface RestoreFromBranchesInput extends Omit<
  CreateRestorePlanInput,
  'audits' | 'appliedPlan' | 'planId' | 'only'
> {
  files: GitFiles;
  /** The `audit-branch` input. */
  auditBranch: string;
  /** Where merged plan files are: the default branch and the `plans-path` input. */
  defaultBranch: string;
  plansPath: string;
  /** The `restore-plan-id` dispatch input. */
  planId: string;
  /** The `restore-accounts` dispatch input, parsed (`parseAccountList`); empty = everyone. */
  accounts: readonly string[];
  /** How many months after the plan's day to look for its applies. Default 24. */
  monthsToSearch?: number;
}

/** `a, b c\nd` → `[a, b, c, d]`: account ids separated by commas or white space. */
export function parseAccountList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((id) => id !== ''))];
}

/** Checks a dispatch's plan id before anything is read. */
export function checkPlanId(planId: string, input = 'restore-plan-id'): string {
  const trimmed = planId.trim();
  if (!new RegExp(PLAN_ID_PATTERN).test(trimmed)) {
    throw new InputError(
      `Input '${input}' has the value "${planId}"; a plan id looks like 2026-11-30-a1b2c3d4 (the plan file's name without .json).`,
    );
  }
  return trimmed;
}

/**
 * The audit files of a plan's applies on the audit branch:
 * `audit/<yyyy>/<mm>/<planId>-<run id>-<attempt>.csv`, looked for from the month of the plan's
 * day (the apply follows the plan) for `months` months or until `now`, whichever is first.
 */
export async function findAuditFiles(
  files: GitFiles,
  branch: string,
  planId: string,
  now: Date,
  months = 24,
): Promise<string[]> {
  const year = Number(planId.slice(0, 4));
  const month = Number(planId.slice(5, 7));
  const last = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const found: string[] = [];
  for (let i = 0, m = year * 12 + (month - 1); i < months && m <= last; i++, m++) {
    const dir = `audit/${Math.floor(m / 12)}/${String((m % 12) + 1).padStart(2, '0')}`;
    for (const name of await files.listDirectory(branch, dir)) {
      if (name.startsWith(`${planId}-`) && name.endsWith('.csv')) found.push(`${dir}/${name}`);
    }
  }
  return found.sort();
}

export async function restorePlanFromBranches(
  input: RestoreFromBranchesInput,
): Promise<CreatedRestorePlan> {
  const planId = checkPlanId(input.planId);
  const paths = await findAuditFiles(
    input.files,
    input.auditBranch,
    planId,
    input.now,
    input.monthsToSearch,
  );
  if (paths.length === 0) {
    throw new InputError(
      `No audit of an apply of plan ${planId} is on ${input.auditBranch} (audit/<yyyy>/<mm>/${planId}-<run>-<attempt>.csv): restore gives back only what a recorded apply removed.`,
    );
  }
  const audits: SourceText[] = [];
  for (const path of paths) {
    const text = await input.files.readFile(input.auditBranch, path);
    if (text !== null) audits.push({ text, source: `${input.auditBranch}:${path}` });
  }
  const planPath = `${input.plansPath.replace(/\/+$/, '')}/${planId}.json`;
  return createRestorePlanFromAudit({
    ...input,
    audits,
    planId,
    only: input.accounts,
    appliedPlan: async () => {
      const text = await input.files.readFile(input.defaultBranch, planPath);
      return text === null ? null : { text, source: `${input.defaultBranch}:${planPath}` };
    },
  });
}
