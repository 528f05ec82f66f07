/**
 * The merge checks that guard apply in the action (SPEC §7), and the plan-PR checks validate
 * runs before anyone merges: the plan came through a merged PR from `plan-branch` (a removal
 * plan) or from `<plan-branch>-restore` (a restore plan, SPEC §9) into the default branch, that
 * PR changed exactly one plan file, and — with `require-approval` — a person approved its head
 * commit. Each branch carries one kind of plan only (`checkPlanKind`), so a removal plan pushed
 * onto the restore branch is refused like any plan from an unknown branch. Pure decisions over
 * what the GitHub adapter fetched.
 */
import path from 'node:path';
import type { EventPayload } from '../github/context.js';
import type { PullFile, PullSummary, Review } from '../github/pulls.js';
import type { Plan } from '../plan/types.js';

/** A plan file is `<plans-path>/<name>.json`, directly inside the plans directory. */
export function isPlanFilePath(file: string, plansPath: string): boolean {
  if (!file.startsWith(`${plansPath}/`) || !file.endsWith('.json')) return false;
  return !file.slice(plansPath.length + 1).includes('/');
}

/** Plan files a PR adds or changes (a removed plan file is history, not a plan to apply). */
export function changedPlanFiles(files: readonly PullFile[], plansPath: string): string[] {
  return files
    .filter((f) => f.status !== 'removed' && isPlanFilePath(f.filename, plansPath))
    .map((f) => f.filename);
}

/** Plan files a push adds or changes, from the event's commit list (oldest first). */
export function planFilesInPush(payload: EventPayload, plansPath: string): string[] {
  const present = new Set<string>();
  const commits = payload.commits?.length
    ? payload.commits
    : payload.head_commit
      ? [payload.head_commit]
      : [];
  for (const commit of commits) {
    for (const f of [...(commit.added ?? []), ...(commit.modified ?? [])]) {
      if (isPlanFilePath(f, plansPath)) present.add(f);
    }
    for (const f of commit.removed ?? []) present.delete(f);
  }
  return [...present].sort();
}

export interface Approval {
  /** People whose latest review approves the head commit. */
  approvers: string[];
  /** People whose latest review requests changes. */
  changesRequestedBy: string[];
  /** People who approved an older commit only. */
  staleApprovers: string[];
}

/**
 * Who approved the PR's head commit. Each person's latest deciding review counts (a comment
 * changes nothing, a dismissal withdraws). Bots and the PR's author never count: an approval is
 * a person's decision, and a token that may approve PRs must not approve its own plan.
 */
export function approvalOf(
  reviews: readonly Review[],
  headSha: string,
  author: string | null,
): Approval {
  const ordered = [...reviews].sort(
    (a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? '') || a.id - b.id,
  );
  const latest = new Map<string, Review>();
  for (const review of ordered) {
    if (!review.login || review.isBot || review.login === author) continue;
    if (review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    latest.set(review.login, review);
  }
  const approval: Approval = { approvers: [], changesRequestedBy: [], staleApprovers: [] };
  for (const [login, review] of [...latest].sort(([a], [b]) => a.localeCompare(b))) {
    if (review.state === 'APPROVED') {
      if (review.commitId === headSha) approval.approvers.push(login);
      else approval.staleApprovers.push(login);
    } else if (review.state === 'CHANGES_REQUESTED') {
      approval.changesRequestedBy.push(login);
    }
  }
  return approval;
}

export function isApproved(approval: Approval): boolean {
  return approval.approvers.length > 0 && approval.changesRequestedBy.length === 0;
}

export interface MergeContext {
  planBranch: string;
  /** The head branch of restore PRs (`restoreBranchOf(planBranch)`). */
  restoreBranch: string;
  defaultBranch: string;
  /** `owner/repo`. */
  repository: string;
  plansPath: string;
  requireApproval: boolean;
}

/** Which branch a plan PR came from: `plan-branch` (removals) or the restore branch. */
export type PlanSource = 'plan' | 'restore';

export type MergeCheck =
  | { ok: true; pr: PullSummary; approval: Approval; planFile: string; source: PlanSource }
  | { ok: false; reason: string; pr: PullSummary | null };

/** The kind of plan PR a PR's head is, or null when it is neither branch of this repository. */
export function planSourceOf(
  pr: Pick<PullSummary, 'headRef' | 'headRepo'>,
  ctx: Pick<MergeContext, 'planBranch' | 'restoreBranch' | 'repository'>,
): PlanSource | null {
  if (pr.headRepo !== null && pr.headRepo !== ctx.repository) return null;
  if (pr.headRef === ctx.planBranch) return 'plan';
  if (pr.headRef === ctx.restoreBranch) return 'restore';
  return null;
}

/** `the plan branch "x" nor the restore branch "x-restore"`, after "not", for messages. */
function planBranches(ctx: Pick<MergeContext, 'planBranch' | 'restoreBranch'>): string {
  return `the plan branch "${ctx.planBranch}" nor the restore branch "${ctx.restoreBranch}"`;
}

/**
 * Each branch carries one kind of plan: removals only from `plan-branch`, restores only from the
 * restore branch. Null when the plan's kind matches its branch, else why not.
 */
export function checkPlanKind(
  kind: Plan['kind'],
  source: PlanSource,
  where: string,
  ctx: Pick<MergeContext, 'planBranch' | 'restoreBranch'>,
): string | null {
  if (source === 'restore' && kind !== 'restore') {
    return `${where} comes from the restore branch "${ctx.restoreBranch}" but holds a ${kind} plan; only restore plans come from that branch, removal plans only from "${ctx.planBranch}"`;
  }
  if (source === 'plan' && kind !== 'removal') {
    return `${where} comes from the plan branch "${ctx.planBranch}" but holds a ${kind} plan; restore plans come only from "${ctx.restoreBranch}"`;
  }
  return null;
}

/** The merged plan PR a pushed commit belongs to, or why there is none. */
export function selectMergedPlanPr(
  prs: readonly PullSummary[],
  sha: string,
  ctx: MergeContext,
): { pr: PullSummary } | { reason: string } {
  const merged = prs.filter((pr) => pr.mergedAt !== null && pr.baseRef === ctx.defaultBranch);
  const candidates = merged.filter((pr) => planSourceOf(pr, ctx) !== null);
  const exact = candidates.filter((pr) => pr.mergeCommitSha === sha);
  const chosen = exact.length > 0 ? exact : candidates;
  if (chosen.length === 1) return { pr: chosen[0] };
  if (chosen.length > 1) {
    return {
      reason: `commit ${sha.slice(0, 12)} belongs to several merged PRs from ${ctx.planBranch} or ${ctx.restoreBranch} (${chosen.map((p) => `#${p.number}`).join(', ')}); apply one plan file with workflow_dispatch and plan-file instead`,
    };
  }
  if (merged.length > 0) {
    const other = merged[0];
    return {
      reason: `commit ${sha.slice(0, 12)} comes from PR #${other.number} whose head branch is "${other.headRef}"${other.headRepo && other.headRepo !== ctx.repository ? ` in ${other.headRepo}` : ''}, not ${planBranches(ctx)}`,
    };
  }
  return {
    reason: `commit ${sha.slice(0, 12)} belongs to no merged pull request into ${ctx.defaultBranch}: plan files are applied only when a reviewed plan PR from "${ctx.planBranch}" (or restore PR from "${ctx.restoreBranch}") is merged`,
  };
}

/**
 * The checks on the merged PR itself: it comes from `plan-branch` or the restore branch of this
 * repository, changed exactly one plan file (the one being applied) and, with
 * `require-approval`, a person approved its head commit. The plan's kind is checked against the
 * branch (`checkPlanKind`) once the file is read.
 */
export function checkMergedPlanPr(
  pr: PullSummary,
  files: readonly PullFile[],
  reviews: readonly Review[],
  expectedPlanFile: string | null,
  ctx: MergeContext,
): MergeCheck {
  const fail = (reason: string): MergeCheck => ({ ok: false, reason, pr });
  if (pr.mergedAt === null) return fail(`PR #${pr.number} is not merged`);
  const source = planSourceOf(pr, ctx);
  if (source === null) {
    return fail(
      `PR #${pr.number} comes from "${pr.headRef}"${pr.headRepo && pr.headRepo !== ctx.repository ? ` in ${pr.headRepo}` : ''}, not ${planBranches(ctx)}`,
    );
  }
  if (pr.baseRef !== ctx.defaultBranch) {
    return fail(
      `PR #${pr.number} was merged into "${pr.baseRef}", not the default branch "${ctx.defaultBranch}"`,
    );
  }
  const planFiles = changedPlanFiles(files, ctx.plansPath);
  if (planFiles.length !== 1) {
    return fail(
      planFiles.length === 0
        ? `PR #${pr.number} changed no plan file in ${ctx.plansPath}/`
        : `PR #${pr.number} changed ${planFiles.length} plan files (${planFiles.join(', ')}); a plan PR must change exactly one`,
    );
  }
  const planFile = planFiles[0];
  if (expectedPlanFile !== null && planFile !== expectedPlanFile) {
    return fail(`PR #${pr.number} changed ${planFile}, not ${expectedPlanFile}`);
  }
  const approval = approvalOf(reviews, pr.headSha, pr.author);
  if (ctx.requireApproval && !isApproved(approval)) {
    if (approval.changesRequestedBy.length > 0) {
      return fail(
        `PR #${pr.number} has changes requested by ${approval.changesRequestedBy.join(', ')}`,
      );
    }
    const stale =
      approval.staleApprovers.length > 0
        ? ` (${approval.staleApprovers.join(', ')} approved an older commit)`
        : '';
    return fail(
      `PR #${pr.number} has no approving review on its head commit ${pr.headSha.slice(0, 12)}${stale}; require-approval is on`,
    );
  }
  return { ok: true, pr, approval, planFile, source };
}

/** The plan id a plan file's name carries (`plans/<planId>.json`). */
export function planIdOfPath(file: string): string {
  return path.posix.basename(file, '.json');
}
