/**
 * The restore dispatch and the restore PR in the action's modes, against the fake GitHub server
 * with recording pipelines: the restore PR comes from `<plan-branch>-restore`, holds exactly one
 * restore plan file, is replaced only while unapproved; apply and validate accept that branch
 * only for restore plans, and count restore outcomes.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { countOutcomes, runApply } from '../../../src/action/apply.js';
import { runPlan } from '../../../src/action/plan.js';
import { runRestore } from '../../../src/action/restore.js';
import { runValidate } from '../../../src/action/validate.js';
import { InputError, RefusedError } from '../../../src/errors.js';
import { stickyMarker } from '../../../src/github/comments.js';
import { serializePlan } from '../../../src/plan/plan-file.js';
import type { ApplyOutcomeEntry, Plan } from '../../../src/plan/types.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { fakePipelines, modeDeps, planWith, TOKEN, VALID_POLICY } from './harness.js';

const PLAN_BRANCH = 'license-policy/plan';
const RESTORE_BRANCH = 'license-policy/plan-restore';
const UNDONE = '2026-11-27-0abc1234';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub({ token: TOKEN, files: { 'policies/p.yml': VALID_POLICY } });
});
afterEach(() => gh.close());

function restorePlan(createdAt = '2026-11-30T07:00:00.000Z'): Plan {
  return planWith({
    kind: 'restore',
    createdAt,
    expiresAt: '2026-12-03T07:00:00.000Z',
    summary: [],
    restoreOf: { planId: UNDONE, planDigest: 'a'.repeat(64), auditFile: 'audit.csv' },
  });
}

function dispatch(plan: Plan, inputs: Record<string, string> = {}, restore?: Error) {
  const { pipelines, calls } = fakePipelines(
    plan,
    undefined,
    restore ?? { plan, planFileText: serializePlan(plan), refused: 1 },
  );
  const made = modeDeps({
    github: gh,
    event: 'workflow_dispatch',
    payload: gh.dispatchEvent(),
    pipelines,
    inputs: { 'restore-plan-id': UNDONE, ...inputs },
  });
  return { ...made, calls };
}

describe('restore mode', () => {
  it('opens one restore PR from <plan-branch>-restore with the restore plan file, labels and a sticky comment', async () => {
    const plan = restorePlan();
    const { deps, calls, uploads } = dispatch(plan, {
      'restore-accounts': 'acc-1, acc-2',
    });
    const result = await runRestore(deps);

    expect(result.failures).toEqual([]);
    expect(calls.restore).toHaveLength(1);
    expect(calls.restore[0]).toMatchObject({
      auditBranch: 'license-policy/audit',
      defaultBranch: 'main',
      plansPath: 'plans',
      planId: UNDONE,
      accounts: ['acc-1', 'acc-2'],
      atlassian: { orgId: 'org-acme', apiKey: 'atlassian-secret-key' },
      runId: '555',
    });
    const planPath = `plans/${plan.planId}.json`;
    const planned = plan.actions.filter((a) => a.status === 'planned').length;
    expect(planned).toBe(3);
    // Exactly one new file on the restore branch, built on the default branch.
    expect(gh.files(RESTORE_BRANCH)).toEqual({
      ...gh.files('main'),
      [planPath]: serializePlan(plan),
    });
    expect(gh.log(RESTORE_BRANCH)[1].sha).toBe(gh.head('main'));
    expect(gh.branches.has(PLAN_BRANCH)).toBe(false);
    expect(gh.pulls).toHaveLength(1);
    expect(gh.pull(1)).toMatchObject({
      state: 'open',
      headRef: RESTORE_BRANCH,
      baseRef: 'main',
      labels: ['license-policy', 'license-policy:restore'],
      title: `License policy restore plan ${plan.planId.slice(0, 10)}: restore ${planned} actions (undo ${UNDONE})`,
    });
    expect(gh.pull(1).body).toContain('License policy restore plan');
    const comments = gh.commentsOn(1);
    expect(comments).toHaveLength(1);
    expect(comments[0].body.startsWith(stickyMarker('plan'))).toBe(true);
    expect(comments[0].body).toContain(
      `**Restore plan \`${plan.planId}\`** — restores ${planned} actions removed by plan \`${UNDONE}\`; 1 operation left for a manual change.`,
    );
    expect(result.outputs).toMatchObject({
      mode: 'restore',
      planFile: planPath,
      prNumber: 1,
      applied: null,
      failed: null,
    });
    // The restore decisions are kept as the artifact of the restore plan.
    expect(uploads.map((u) => u.name)).toEqual([`license-policy-audit-${plan.planId}-1`]);
    expect(gh.branches.has('license-policy/audit')).toBe(false);
  });

  it('replaces an unapproved restore PR on the next dispatch: one PR, one comment, one plan file', async () => {
    await runRestore(dispatch(restorePlan()).deps);
    const second = restorePlan('2026-11-30T08:00:00.000Z');
    const result = await runRestore(dispatch(second).deps);

    expect(result.failures).toEqual([]);
    expect(gh.pulls).toHaveLength(1);
    expect(gh.commentsOn(1)).toHaveLength(1);
    expect(Object.keys(gh.files(RESTORE_BRANCH)).filter((f) => f.startsWith('plans/'))).toEqual([
      `plans/${second.planId}.json`,
    ]);
    expect(result.outputs).toMatchObject({ prNumber: 1, planFile: `plans/${second.planId}.json` });
  });

  it('never replaces an approved restore PR; the run fails and says what to do', async () => {
    const first = restorePlan();
    await runRestore(dispatch(first).deps);
    gh.review(1, 'bob', 'APPROVED');
    const head = gh.head(RESTORE_BRANCH);

    const result = await runRestore(dispatch(restorePlan('2026-11-30T08:00:00.000Z')).deps);
    expect(gh.head(RESTORE_BRANCH)).toBe(head);
    expect(result.failures).toEqual([
      `Restore PR #1 is approved by bob and waits to be merged, so it was not replaced by the restore of plan ${UNDONE}. Merge it (or close it), then start this restore again.`,
    ]);
    expect(
      gh.commentsOn(1).find((c) => c.body.startsWith(stickyMarker('newer-plan')))!.body,
    ).toContain('was **not replaced**');
  });

  it('a refused restore proposes nothing, keeps the refusal in the audit and fails', async () => {
    const plan = restorePlan();
    const { deps, uploads } = dispatch(
      plan,
      {},
      new RefusedError('restore-audit-mismatch', 'row 3 names an operation the plan never listed'),
    );
    const result = await runRestore(deps);
    expect(result.failures).toEqual([
      'Restore refused: row 3 names an operation the plan never listed. No restore PR was proposed and nothing was changed.',
    ]);
    expect(gh.pulls).toEqual([]);
    expect(gh.branches.has(RESTORE_BRANCH)).toBe(false);
    expect(uploads.map((u) => u.name)).toEqual([`license-policy-audit-${UNDONE}-1`]);
  });

  it('names the restore-accounts input when an account was not removed by that plan', async () => {
    const { deps } = dispatch(
      restorePlan(),
      { 'restore-accounts': 'acc-9' },
      new InputError(`--only: no applied removal of plan ${UNDONE} is recorded for acc-9`),
    );
    await expect(runRestore(deps)).rejects.toThrow(
      new InputError(
        `Input 'restore-accounts': no applied removal of plan ${UNDONE} is recorded for acc-9.`,
      ),
    );
    expect(gh.pulls).toEqual([]);
  });

  it('opens no PR when every removal is left for a manual change', async () => {
    const plan = restorePlan();
    const nothing = planWith({
      ...plan,
      actions: plan.actions.map((a) => ({ ...a, status: 'needs-manual' as const })),
    });
    const { deps, io } = dispatch(nothing);
    const result = await runRestore(deps);
    expect(result.failures).toEqual([]);
    expect(gh.pulls).toEqual([]);
    expect(io.logs.find((l) => l.level === 'warning')!.message).toContain(
      'Nothing to restore automatically',
    );
  });

  it('a scheduled plan run leaves the restore branch and PR alone', async () => {
    await runRestore(dispatch(restorePlan()).deps);
    const head = gh.head(RESTORE_BRANCH);
    await runPlan(
      modeDeps({
        github: gh,
        event: 'schedule',
        payload: gh.scheduleEvent(),
        pipelines: fakePipelines(planWith()).pipelines,
      }).deps,
    );
    expect(gh.head(RESTORE_BRANCH)).toBe(head);
    expect(gh.pulls.map((p) => [p.number, p.headRef, p.state])).toEqual([
      [1, RESTORE_BRANCH, 'open'],
      [2, PLAN_BRANCH, 'open'],
    ]);
  });
});

describe('apply of a merged restore PR', () => {
  function merged(branch: string, plan: Plan) {
    const file = `plans/${plan.planId}.json`;
    gh.pushCommit(branch, { [file]: serializePlan(plan) });
    const pr = gh.openPull(branch, 'restore', {
      user: { login: 'github-actions[bot]', id: 1, type: 'Bot' },
    });
    gh.review(pr.number, 'bob', 'APPROVED');
    const push = gh.mergePull(pr.number);
    const { pipelines, calls } = fakePipelines(plan, {
      result: {
        planId: plan.planId,
        outcomes: [
          outcome('restored'),
          outcome('restored'),
          outcome('needs-manual'),
          outcome('partial'),
        ],
        counts: {},
        dryRun: false,
      },
      exitCode: 1,
    });
    const { deps } = modeDeps({
      github: gh,
      event: 'push',
      payload: push,
      pipelines,
      sha: push.after,
      workspaceFiles: { 'policies/p.yml': VALID_POLICY, [file]: serializePlan(plan) },
    });
    return { deps, calls, pr };
  }

  it('applies a restore plan from the restore branch and counts restored as applied, needs-manual as failed', async () => {
    const plan = restorePlan();
    const { deps, calls } = merged(RESTORE_BRANCH, plan);
    const result = await runApply(deps);
    expect(calls.refusals).toEqual([]);
    expect(calls.apply.map((c) => c.plan.planId)).toEqual([plan.planId]);
    expect(result.outputs).toMatchObject({ mode: 'apply', applied: 2, skipped: 0, failed: 2 });
    expect(result.failures).toEqual([
      '2 actions failed, were partial or unverified, or were left for a manual change; see the audit and the PR comment.',
    ]);
    const comment = gh.commentsOn(1).find((c) => c.body.startsWith(stickyMarker('apply')))!;
    expect(comment.body).toContain(
      `**Applied restore plan \`${plan.planId}\`** (undoes plan \`${UNDONE}\`)`,
    );
    expect(comment.body).toContain(
      ': 2 restored, 0 skipped, 2 failed or left for a manual change.',
    );
  });

  it('refuses a removal plan smuggled onto the restore branch, before any Atlassian call', async () => {
    const removal = planWith();
    const { deps, calls } = merged(RESTORE_BRANCH, removal);
    const result = await runApply(deps);
    expect(calls.apply).toEqual([]);
    expect(calls.refusals.map((r) => [r.planId, r.plan?.planId, r.detail])).toEqual([
      [
        removal.planId,
        removal.planId,
        `PR #1 comes from the restore branch "${RESTORE_BRANCH}" but holds a removal plan; only restore plans come from that branch, removal plans only from "${PLAN_BRANCH}"`,
      ],
    ]);
    expect(result.failures[0]).toMatch(/^Apply refused: PR #1 comes from the restore branch/);
  });

  it('refuses a restore plan from the plan branch', async () => {
    const { deps, calls } = merged(PLAN_BRANCH, restorePlan());
    const result = await runApply(deps);
    expect(calls.apply).toEqual([]);
    expect(result.failures[0]).toContain('but holds a restore plan; restore plans come only from');
  });

  it('applies a merged restore plan named by plan-file on dispatch', async () => {
    const plan = restorePlan();
    const { pipelines, calls } = fakePipelines(plan);
    const file = `plans/${plan.planId}.json`;
    gh.pushCommit(RESTORE_BRANCH, { [file]: serializePlan(plan) });
    const pr = gh.openPull(RESTORE_BRANCH, 'restore');
    gh.review(pr.number, 'bob', 'APPROVED');
    gh.mergePull(pr.number);
    const { deps } = modeDeps({
      github: gh,
      event: 'workflow_dispatch',
      payload: gh.dispatchEvent(),
      pipelines,
      inputs: { mode: 'apply', 'plan-file': file },
      workspaceFiles: { 'policies/p.yml': VALID_POLICY, [file]: serializePlan(plan) },
    });
    const result = await runApply(deps);
    expect(result.failures).toEqual([]);
    expect(calls.apply.map((c) => [c.plan.planId, c.audit.prNumber])).toEqual([
      [plan.planId, pr.number],
    ]);
  });
});

describe('validate on a restore PR', () => {
  it('passes a restore plan from the restore branch and turns a removal plan there red', async () => {
    const plan = restorePlan();
    gh.pushCommit(RESTORE_BRANCH, { [`plans/${plan.planId}.json`]: serializePlan(plan) });
    const pr = gh.openPull(RESTORE_BRANCH, 'restore');
    const ok = modeDeps({
      github: gh,
      event: 'pull_request',
      payload: gh.pullRequestEvent(pr.number),
      pipelines: fakePipelines(plan).pipelines,
    });
    const passed = await runValidate(ok.deps);
    expect(passed.failures).toEqual([]);
    expect(ok.io.summaries[0]).toContain(
      `Restore PR checks passed: one restore plan file (${plan.planId}), digest intact, from ${RESTORE_BRANCH}.`,
    );

    const removal = planWith();
    gh.pushCommit(RESTORE_BRANCH, {
      [`plans/${plan.planId}.json`]: null,
      [`plans/${removal.planId}.json`]: serializePlan(removal),
    });
    const bad = modeDeps({
      github: gh,
      event: 'pull_request',
      payload: gh.pullRequestEvent(pr.number),
      pipelines: fakePipelines(removal).pipelines,
    });
    const failed = await runValidate(bad.deps);
    expect(failed.failures).toEqual([
      `plans/${removal.planId}.json: This PR comes from the restore branch "${RESTORE_BRANCH}" but holds a removal plan; only restore plans come from that branch, removal plans only from "${PLAN_BRANCH}". Apply would refuse it.`,
    ]);
  });
});

describe('countOutcomes', () => {
  it('counts restored with applied, needs-manual with the failures, skips apart', () => {
    expect(
      countOutcomes({
        planId: 'p',
        dryRun: false,
        counts: {},
        outcomes: [
          'applied',
          'restored',
          'needs-manual',
          'failed',
          'partial',
          'unverified',
          'already-absent',
          'skipped-now-active',
          'dry-run',
        ].map((o) => outcome(o as ApplyOutcomeEntry['outcome'])),
      }),
    ).toEqual({ applied: 2, skipped: 2, failed: 4 });
  });
});

function outcome(value: ApplyOutcomeEntry['outcome']): ApplyOutcomeEntry {
  return {
    actionId: `a-${value}`,
    accountId: 'acc',
    email: null,
    name: null,
    product: 'jira-software',
    site: 'acme.atlassian.net',
    outcome: value,
    detail: '',
  };
}
