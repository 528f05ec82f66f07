import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runApply } from '../../../src/action/apply.js';
import { stickyMarker } from '../../../src/github/comments.js';
import { runPlan } from '../../../src/action/plan.js';
import { runValidate } from '../../../src/action/validate.js';
import { serializePlan } from '../../../src/plan/plan-file.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { fakePipelines, modeDeps, planWith, TOKEN, VALID_POLICY } from './harness.js';

const PLAN_BRANCH = 'license-policy/plan';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub({ token: TOKEN, files: { 'policies/p.yml': VALID_POLICY } });
});
afterEach(() => gh.close());

describe('plan mode', () => {
  it('writes the plan file on the plan branch, opens one PR with one sticky comment, and saves the state', async () => {
    const plan = planWith();
    const { pipelines, calls } = fakePipelines(plan);
    const { deps } = modeDeps({
      github: gh,
      event: 'schedule',
      payload: gh.scheduleEvent(),
      pipelines,
    });
    const result = await runPlan(deps);

    expect(result.failures).toEqual([]);
    const planPath = `plans/${plan.planId}.json`;
    expect(gh.readFile(PLAN_BRANCH, planPath)).toBe(serializePlan(plan));
    expect(gh.pulls).toHaveLength(1);
    expect(gh.pulls[0]).toMatchObject({
      state: 'open',
      headRef: PLAN_BRANCH,
      baseRef: 'main',
      labels: ['license-policy'],
    });
    expect(gh.commentsOn(1).map((c) => c.body.split('\n')[0])).toEqual([stickyMarker('plan')]);
    // The same wording as the PR title: a list-price estimate.
    expect(gh.commentsOn(1)[0].body).toMatch(/, est\. \\\$\d[\d,]*\.\d\d\/month at list price\./);
    expect(JSON.parse(gh.readFile('license-policy/state', 'state.json')!)).toMatchObject({
      orgId: 'org-acme',
    });
    expect(calls.plan[0]).toMatchObject({
      policyDir: 'policies',
      atlassian: { orgId: 'org-acme', apiKey: 'atlassian-secret-key' },
    });
    expect(result.outputs).toMatchObject({ mode: 'plan', planFile: planPath, prNumber: 1 });
  });

  it('updates the same PR and comment on the next run, replacing the previous plan file', async () => {
    const first = planWith();
    await runPlan(
      modeDeps({
        github: gh,
        event: 'schedule',
        payload: gh.scheduleEvent(),
        pipelines: fakePipelines(first).pipelines,
      }).deps,
    );
    const second = planWith({
      createdAt: '2026-12-01T06:00:00.000Z',
      expiresAt: '2026-12-04T06:00:00.000Z',
    });
    await runPlan(
      modeDeps({
        github: gh,
        event: 'schedule',
        payload: gh.scheduleEvent(),
        pipelines: fakePipelines(second).pipelines,
      }).deps,
    );

    expect(gh.pulls).toHaveLength(1);
    expect(gh.commentsOn(1)).toHaveLength(1);
    const planFiles = Object.keys(gh.files(PLAN_BRANCH)).filter((f) => f.startsWith('plans/'));
    expect(planFiles).toEqual([`plans/${second.planId}.json`]);
    expect(gh.pull(1).title).toContain(second.planId.slice(0, 10));
  });

  it('never replaces a plan PR a person approved, and says a newer plan exists', async () => {
    const first = planWith();
    await runPlan(
      modeDeps({
        github: gh,
        event: 'schedule',
        payload: gh.scheduleEvent(),
        pipelines: fakePipelines(first).pipelines,
      }).deps,
    );
    const approvedHead = gh.head(PLAN_BRANCH);
    gh.review(1, 'bob', 'APPROVED');
    const bodyBefore = gh.pull(1).body;

    const second = planWith({
      createdAt: '2026-12-01T06:00:00.000Z',
      expiresAt: '2026-12-04T06:00:00.000Z',
    });
    const result = await runPlan(
      modeDeps({
        github: gh,
        event: 'schedule',
        payload: gh.scheduleEvent(),
        pipelines: fakePipelines(second).pipelines,
      }).deps,
    );

    expect(gh.head(PLAN_BRANCH)).toBe(approvedHead);
    expect(gh.pull(1).body).toBe(bodyBefore);
    const newer = gh.commentsOn(1).find((c) => c.body.startsWith(stickyMarker('newer-plan')));
    expect(newer?.body).toContain(second.planId);
    expect(result.outputs).toMatchObject({ prNumber: 1, planFile: '' });
  });

  it('refuses to plan from a branch other than the default branch, before reading Atlassian', async () => {
    const { pipelines, calls } = fakePipelines(planWith());
    const { deps } = modeDeps({
      github: gh,
      event: 'workflow_dispatch',
      payload: gh.dispatchEvent(),
      pipelines,
      ref: 'refs/heads/feature',
    });
    await expect(runPlan(deps)).rejects.toThrow('plan runs on the default branch "main"');
    expect(calls.plan).toEqual([]);
    expect(gh.pulls).toEqual([]);
  });

  it('closes the PR and deletes the branch when there is nothing to do', async () => {
    await runPlan(
      modeDeps({
        github: gh,
        event: 'schedule',
        payload: gh.scheduleEvent(),
        pipelines: fakePipelines(planWith()).pipelines,
      }).deps,
    );
    const nothing = planWith({ actions: [], blocked: [], createdAt: '2026-12-01T06:00:00.000Z' });
    await runPlan(
      modeDeps({
        github: gh,
        event: 'workflow_dispatch',
        payload: gh.dispatchEvent(),
        pipelines: fakePipelines(nothing).pipelines,
      }).deps,
    );

    expect(gh.pull(1).state).toBe('closed');
    expect(gh.branches.has(PLAN_BRANCH)).toBe(false);
    expect(gh.commentsOn(1)[0].body).toContain('Nothing to do');
  });
});

describe('apply mode', () => {
  function mergedPlanPr(options: { approve?: boolean; extraPlan?: boolean } = {}) {
    const plan = planWith();
    const file = `plans/${plan.planId}.json`;
    gh.pushCommit(PLAN_BRANCH, {
      [file]: serializePlan(plan),
      ...(options.extraPlan ? { 'plans/2026-11-01-00000000.json': '{}\n' } : {}),
    });
    const pr = gh.openPull(PLAN_BRANCH, 'plan', {
      user: { login: 'github-actions[bot]', id: 1, type: 'Bot' },
    });
    if (options.approve !== false) gh.review(pr.number, 'bob', 'APPROVED');
    const push = gh.mergePull(pr.number);
    return { plan, file, pr, push };
  }

  it('applies an approved, merged plan PR with the approvers and PR number in the audit context', async () => {
    const { plan, file, push } = mergedPlanPr();
    const { pipelines, calls } = fakePipelines(plan);
    const { deps, uploads } = modeDeps({
      github: gh,
      event: 'push',
      payload: push,
      pipelines,
      sha: push.after,
      workspaceFiles: { 'policies/p.yml': VALID_POLICY, [file]: serializePlan(plan) },
    });
    const result = await runApply(deps);

    expect(result.failures).toEqual([]);
    expect(calls.apply).toHaveLength(1);
    expect(calls.apply[0]).toMatchObject({
      audit: { prNumber: 1, approvedBy: ['bob'], policyCommit: push.after },
      overrideLimits: false,
    });
    expect(uploads.map((u) => u.name)).toEqual([`license-policy-audit-${plan.planId}-1`]);
    expect(Object.keys(gh.files('license-policy/audit'))).toEqual([
      `audit/2026/11/${plan.planId}-555-1.csv`,
    ]);
    expect(gh.commentsOn(1).some((c) => c.body.startsWith(stickyMarker('apply')))).toBe(true);
  });

  it('refuses an unapproved plan PR before any Atlassian call, with a refused audit row', async () => {
    const { plan, file, push } = mergedPlanPr({ approve: false });
    const { pipelines, calls } = fakePipelines(plan);
    const { deps } = modeDeps({
      github: gh,
      event: 'push',
      payload: push,
      pipelines,
      sha: push.after,
      workspaceFiles: { 'policies/p.yml': VALID_POLICY, [file]: serializePlan(plan) },
    });
    const result = await runApply(deps);

    expect(calls.apply).toEqual([]);
    expect(calls.refusals.map((r) => r.detail)).toEqual([
      expect.stringContaining('has no approving review on its head commit'),
    ]);
    expect(result.failures[0]).toMatch(/^Apply refused: PR #1 has no approving review/);
    expect(gh.commentsOn(1).find((c) => c.body.startsWith(stickyMarker('apply')))!.body).toContain(
      'Apply refused',
    );
    expect(Object.values(gh.files('license-policy/audit'))[0]).toContain('refused');
  });

  it('refuses a plan PR that changed two plan files', async () => {
    const { plan, file, push } = mergedPlanPr({ extraPlan: true });
    const { pipelines, calls } = fakePipelines(plan);
    const { deps } = modeDeps({
      github: gh,
      event: 'push',
      payload: push,
      pipelines,
      sha: push.after,
      workspaceFiles: { 'policies/p.yml': VALID_POLICY, [file]: serializePlan(plan) },
    });
    const result = await runApply(deps);
    expect(calls.apply).toEqual([]);
    expect(result.failures[0]).toContain('changed 2 plan files');
  });

  it('says on the PR when apply fails, keeps the audit, and fails the run', async () => {
    const { plan, file, push } = mergedPlanPr();
    const { pipelines } = fakePipelines(plan);
    pipelines.apply = () => Promise.reject(new Error('Atlassian unreachable: ECONNREFUSED'));
    const { deps } = modeDeps({
      github: gh,
      event: 'push',
      payload: push,
      pipelines,
      sha: push.after,
      workspaceFiles: { 'policies/p.yml': VALID_POLICY, [file]: serializePlan(plan) },
    });
    await expect(runApply(deps)).rejects.toThrow('Atlassian unreachable');
    const comment = gh.commentsOn(1).find((c) => c.body.startsWith(stickyMarker('apply')));
    expect(comment?.body).toContain('failed');
    expect(comment?.body).toContain('Atlassian unreachable');
  });

  it('does nothing for a push that changes no plan file', async () => {
    const before = gh.head('main');
    gh.pushCommit('main', { 'policies/p.yml': VALID_POLICY + '# edit\n' });
    const { pipelines, calls } = fakePipelines(planWith());
    const { deps } = modeDeps({
      github: gh,
      event: 'push',
      payload: gh.pushEvent('main', before),
      pipelines,
    });
    const result = await runApply(deps);
    expect(result.failures).toEqual([]);
    expect(calls.apply).toEqual([]);
    expect(calls.refusals).toEqual([]);
  });

  it('refuses a plan file pushed straight to the default branch', async () => {
    const plan = planWith();
    const before = gh.head('main');
    gh.pushCommit('main', { [`plans/${plan.planId}.json`]: serializePlan(plan) });
    const { pipelines, calls } = fakePipelines(plan);
    const { deps } = modeDeps({
      github: gh,
      event: 'push',
      payload: gh.pushEvent('main', before),
      pipelines,
    });
    const result = await runApply(deps);
    expect(calls.apply).toEqual([]);
    expect(result.failures[0]).toContain('belongs to no merged pull request');
  });
});

describe('validate mode', () => {
  it('annotates policy problems on their file and line', async () => {
    const { pipelines } = fakePipelines(planWith());
    const { deps, io } = modeDeps({
      github: gh,
      event: 'workflow_dispatch',
      payload: {},
      pipelines,
      inputs: { mode: 'validate' },
      workspaceFiles: {
        'policies/p.yml':
          'version: 1\nrules:\n  - id: x\n    product: jira-software\n    inactiveDays: 3\n    action: remove-product-access\n',
      },
    });
    const result = await runValidate(deps);
    expect(result.failures).toHaveLength(1);
    const errors = io.logs.filter((l) => l.level === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ file: 'policies/p.yml', line: 5 });
  });

  it('turns a plan PR with an edited plan red', async () => {
    const plan = planWith();
    const tampered = serializePlan({ ...plan, actions: plan.actions.slice(1) });
    gh.pushCommit(PLAN_BRANCH, { [`plans/${plan.planId}.json`]: tampered });
    const pr = gh.openPull(PLAN_BRANCH, 'plan');
    const { pipelines } = fakePipelines(plan);
    const { deps, io } = modeDeps({
      github: gh,
      event: 'pull_request',
      payload: gh.pullRequestEvent(pr.number),
      pipelines,
    });
    const result = await runValidate(deps);
    expect(result.failures.join('\n')).toContain('the digest does not match the content');
    expect(
      io.logs.find((l) => l.level === 'error' && l.file === `plans/${plan.planId}.json`),
    ).toBeDefined();
  });

  it('validates a fork PR only, and says why', async () => {
    gh.pushCommit('feature', { 'policies/p.yml': VALID_POLICY + '# change\n' });
    const pr = gh.openPull('feature', 'policy change', { fromFork: true });
    const { pipelines } = fakePipelines(planWith());
    const { deps, io } = modeDeps({
      github: gh,
      event: 'pull_request',
      payload: gh.pullRequestEvent(pr.number),
      pipelines,
    });
    const result = await runValidate(deps);
    expect(result.failures).toEqual([]);
    expect(io.logs.find((l) => l.level === 'notice')!.message).toContain(
      'comes from a fork: it is validated only',
    );
    expect(gh.commentsOn(pr.number)).toEqual([]);
  });
});
