import { describe, expect, it } from '@jest/globals';
import {
  approvalOf,
  checkMergedPlanPr,
  checkPlanKind,
  isPlanFilePath,
  planFilesInPush,
  planSourceOf,
  selectMergedPlanPr,
  type MergeContext,
} from '../../../src/action/merge-checks.js';
import type { PullFile, PullSummary, Review } from '../../../src/github/pulls.js';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const MERGE = 'c'.repeat(40);

const ctx: MergeContext = {
  planBranch: 'license-policy/plan',
  restoreBranch: 'license-policy/plan-restore',
  defaultBranch: 'main',
  repository: 'acme/licences',
  plansPath: 'plans',
  requireApproval: true,
};

function pr(over: Partial<PullSummary> = {}): PullSummary {
  return {
    number: 7,
    state: 'closed',
    title: 'plan',
    body: '',
    headRef: 'license-policy/plan',
    headSha: HEAD,
    headRepo: 'acme/licences',
    baseRef: 'main',
    mergedAt: '2026-11-30T10:00:00Z',
    mergeCommitSha: MERGE,
    labels: [],
    author: 'github-actions[bot]',
    htmlUrl: 'https://github.com/acme/licences/pull/7',
    ...over,
  };
}

let reviewId = 0;
function review(
  login: string,
  state: string,
  commitId = HEAD,
  at = '2026-11-30T09:00:00Z',
): Review {
  return {
    id: ++reviewId,
    login,
    isBot: login.endsWith('[bot]'),
    state,
    commitId,
    submittedAt: at,
  };
}

const planFile: PullFile = {
  filename: 'plans/2026-11-30-a1b2c3d4.json',
  status: 'added',
  previousFilename: null,
};

describe('plan file paths', () => {
  it('are json files directly inside plans-path', () => {
    expect(isPlanFilePath('plans/2026-11-30-a1b2c3d4.json', 'plans')).toBe(true);
    expect(isPlanFilePath('plans/sub/x.json', 'plans')).toBe(false);
    expect(isPlanFilePath('plans/x.md', 'plans')).toBe(false);
    expect(isPlanFilePath('plansx/x.json', 'plans')).toBe(false);
  });

  it('reads the plan files a push adds or changes, minus those it later removes', () => {
    expect(
      planFilesInPush(
        {
          commits: [
            { id: '1', added: ['plans/a.json', 'policies/p.yml'], modified: [], removed: [] },
            {
              id: '2',
              added: ['plans/b.json'],
              modified: ['plans/c.json'],
              removed: ['plans/a.json'],
            },
          ],
        },
        'plans',
      ),
    ).toEqual(['plans/b.json', 'plans/c.json']);
    expect(planFilesInPush({ commits: [{ id: '1', added: ['policies/p.yml'] }] }, 'plans')).toEqual(
      [],
    );
  });
});

describe('approval', () => {
  it('counts each person’s latest deciding review on the head commit', () => {
    const a = approvalOf(
      [
        review('bob', 'APPROVED', OLD, '2026-11-30T08:00:00Z'),
        review('bob', 'COMMENTED', HEAD, '2026-11-30T08:30:00Z'),
        review('dana', 'APPROVED', HEAD, '2026-11-30T08:00:00Z'),
        review('erin', 'CHANGES_REQUESTED', HEAD, '2026-11-30T07:00:00Z'),
        review('erin', 'APPROVED', HEAD, '2026-11-30T09:00:00Z'),
      ],
      HEAD,
      'github-actions[bot]',
    );
    expect(a).toEqual({
      approvers: ['dana', 'erin'],
      changesRequestedBy: [],
      staleApprovers: ['bob'],
    });
  });

  it('never counts bots or the PR author, and a dismissal withdraws an approval', () => {
    const a = approvalOf(
      [
        review('github-actions[bot]', 'APPROVED'),
        review('alice', 'APPROVED'),
        review('frank', 'APPROVED', HEAD, '2026-11-30T08:00:00Z'),
        review('frank', 'DISMISSED', HEAD, '2026-11-30T09:00:00Z'),
      ],
      HEAD,
      'alice',
    );
    expect(a.approvers).toEqual([]);
  });
});

describe('the merged plan PR of a push', () => {
  it('is the merged PR from the plan branch whose merge commit was pushed', () => {
    const chosen = selectMergedPlanPr([pr({ number: 3, mergeCommitSha: OLD }), pr()], MERGE, ctx);
    expect(chosen).toEqual({ pr: pr() });
  });

  it('refuses a commit from another branch, a fork, or no PR at all', () => {
    expect(selectMergedPlanPr([pr({ headRef: 'feature' })], MERGE, ctx)).toEqual({
      reason: expect.stringContaining(
        'head branch is "feature", not the plan branch "license-policy/plan"',
      ),
    });
    expect(selectMergedPlanPr([pr({ headRepo: 'mallory/licences' })], MERGE, ctx)).toEqual({
      reason: expect.stringContaining('in mallory/licences'),
    });
    expect(selectMergedPlanPr([pr({ mergedAt: null })], MERGE, ctx)).toEqual({
      reason: expect.stringContaining('belongs to no merged pull request into main'),
    });
  });
});

describe('the checks on the merged plan PR', () => {
  it('pass with one plan file and a person’s approval on the head commit', () => {
    const check = checkMergedPlanPr(
      pr(),
      [planFile],
      [review('bob', 'APPROVED')],
      planFile.filename,
      ctx,
    );
    expect(check).toMatchObject({
      ok: true,
      planFile: planFile.filename,
      approval: { approvers: ['bob'] },
    });
  });

  it('refuse two plan files, none, or another file than the pushed one', () => {
    const second = { ...planFile, filename: 'plans/2026-11-29-00000000.json' };
    expect(
      checkMergedPlanPr(pr(), [planFile, second], [review('bob', 'APPROVED')], null, ctx),
    ).toMatchObject({
      ok: false,
      reason:
        'PR #7 changed 2 plan files (plans/2026-11-30-a1b2c3d4.json, plans/2026-11-29-00000000.json); a plan PR must change exactly one',
    });
    expect(checkMergedPlanPr(pr(), [], [review('bob', 'APPROVED')], null, ctx)).toMatchObject({
      ok: false,
    });
    expect(
      checkMergedPlanPr(pr(), [planFile], [review('bob', 'APPROVED')], 'plans/other.json', ctx),
    ).toMatchObject({
      ok: false,
    });
  });

  it('refuse without an approval on the head commit, naming stale approvals', () => {
    expect(
      checkMergedPlanPr(pr(), [planFile], [review('bob', 'APPROVED', OLD)], null, ctx),
    ).toEqual({
      ok: false,
      pr: pr(),
      reason: `PR #7 has no approving review on its head commit ${HEAD.slice(0, 12)} (bob approved an older commit); require-approval is on`,
    });
    expect(
      checkMergedPlanPr(
        pr(),
        [planFile],
        [review('bob', 'APPROVED'), review('erin', 'CHANGES_REQUESTED')],
        null,
        ctx,
      ),
    ).toMatchObject({ ok: false, reason: 'PR #7 has changes requested by erin' });
  });

  it('do not ask for an approval when require-approval is off', () => {
    expect(
      checkMergedPlanPr(pr(), [planFile], [], null, { ...ctx, requireApproval: false }),
    ).toMatchObject({ ok: true });
  });
});

describe('restore PRs from <plan-branch>-restore', () => {
  const restorePr = (over: Partial<PullSummary> = {}) =>
    pr({ headRef: 'license-policy/plan-restore', ...over });

  it('a merged PR from the restore branch passes the merge checks, marked as a restore source', () => {
    expect(selectMergedPlanPr([restorePr()], MERGE, ctx)).toEqual({ pr: restorePr() });
    expect(
      checkMergedPlanPr(restorePr(), [planFile], [review('bob', 'APPROVED')], null, ctx),
    ).toMatchObject({ ok: true, source: 'restore', approval: { approvers: ['bob'] } });
    expect(
      checkMergedPlanPr(pr(), [planFile], [review('bob', 'APPROVED')], null, ctx),
    ).toMatchObject({ ok: true, source: 'plan' });
  });

  it('needs the same approval as a plan PR', () => {
    expect(checkMergedPlanPr(restorePr(), [planFile], [], null, ctx)).toMatchObject({
      ok: false,
      reason: `PR #7 has no approving review on its head commit ${HEAD.slice(0, 12)}; require-approval is on`,
    });
  });

  it('a restore branch in a fork, or a look-alike branch, is neither source', () => {
    expect(planSourceOf(restorePr({ headRepo: 'mallory/licences' }), ctx)).toBeNull();
    expect(planSourceOf(pr({ headRef: 'license-policy/plan-restore2' }), ctx)).toBeNull();
    expect(
      checkMergedPlanPr(
        restorePr({ headRepo: 'mallory/licences' }),
        [planFile],
        [review('bob', 'APPROVED')],
        null,
        ctx,
      ),
    ).toMatchObject({
      ok: false,
      reason:
        'PR #7 comes from "license-policy/plan-restore" in mallory/licences, not the plan branch "license-policy/plan" nor the restore branch "license-policy/plan-restore"',
    });
  });

  it('each branch carries one kind of plan: removals from plan-branch, restores from the restore branch', () => {
    expect(checkPlanKind('restore', 'restore', 'PR #7', ctx)).toBeNull();
    expect(checkPlanKind('removal', 'plan', 'PR #7', ctx)).toBeNull();
    expect(checkPlanKind('removal', 'restore', 'PR #7', ctx)).toBe(
      'PR #7 comes from the restore branch "license-policy/plan-restore" but holds a removal plan; only restore plans come from that branch, removal plans only from "license-policy/plan"',
    );
    expect(checkPlanKind('restore', 'plan', 'PR #7', ctx)).toBe(
      'PR #7 comes from the plan branch "license-policy/plan" but holds a restore plan; restore plans come only from "license-policy/plan-restore"',
    );
  });
});
