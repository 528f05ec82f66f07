/**
 * The whole job through the committed bundle: scheduled plan -> plan PR -> second schedule
 * (same PR, same comment) -> approval -> a newer plan does not replace the approved PR -> merge
 * -> push -> apply with exactly the reviewed writes -> comment, artifact, audit branch, state.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { stickyMarker } from '../../src/github/comments.js';
import type { Plan } from '../../src/plan/types.js';
import type { RunResult } from '../support/runner.js';
import type { PushEvent } from '../support/fake-github.js';
import {
  actualWrites,
  atlassianInputs,
  E2E_POLICY,
  everythingWritten,
  expectSuccess,
  expectedWrites,
  GITHUB_TOKEN,
  runJob,
  scheduledPlan,
  startWorld,
  type World,
} from './world.js';

const PLAN_BRANCH = 'license-policy/plan';

describe('schedule -> plan PR -> approved merge -> apply', () => {
  let world: World;
  const runs: RunResult[] = [];
  let firstPlanFile = '';
  let approvedPlanFile = '';
  let push: PushEvent;

  beforeAll(async () => {
    world = await startWorld({ policy: E2E_POLICY });
  });
  afterAll(() => world.close());

  const schedule = () => scheduledPlan(world, runs);

  it('a scheduled run writes the plan file on the plan branch, opens one PR, and keeps the state', async () => {
    const run = await schedule();
    firstPlanFile = run.outputs['plan-file']!;
    expect(firstPlanFile).toMatch(/^plans\/\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.json$/);
    expect(run.outputs).toMatchObject({ mode: 'plan', 'pr-number': '1', blocked: 'false' });
    expect(Number(run.outputs['removals'])).toBeGreaterThan(0);

    const plan = JSON.parse(world.github.readFile(PLAN_BRANCH, firstPlanFile)!);
    expect(plan.planId).toBe(firstPlanFile.slice('plans/'.length, -'.json'.length));
    expect(world.github.pulls).toHaveLength(1);
    const pr = world.github.pull(1);
    expect(pr).toMatchObject({
      state: 'open',
      headRef: PLAN_BRANCH,
      baseRef: 'main',
      labels: ['license-policy'],
    });
    expect(pr.title).toMatch(/^License policy plan \d{4}-\d{2}-\d{2}: remove \d+ licences/);
    expect(pr.body).toContain(plan.planId);
    expect(world.github.commentsOn(1)).toHaveLength(1);
    expect(world.github.commentsOn(1)[0].body.startsWith(stickyMarker('plan'))).toBe(true);

    const state = JSON.parse(world.github.readFile('license-policy/state', 'state.json')!);
    expect(state.orgId).toBe(world.sandbox.orgId);
    expect(Object.keys(state.licensedSince as object).length).toBeGreaterThan(0);
    expect(world.artifacts.byName('license-policy-snapshot')).toBeDefined();
    expect(run.summary).toContain('## License policy: plan');
    // Plan mode reads; it never writes to Atlassian.
    expect(actualWrites(world)).toEqual([]);
  });

  it('the next scheduled run updates the same PR and the same comment', async () => {
    const commentId = world.github.commentsOn(1)[0].id;
    const before = world.github.commentsOn(1)[0].body;
    const run = await schedule();
    expect(run.outputs['pr-number']).toBe('1');
    expect(world.github.pulls).toHaveLength(1);
    const comments = world.github.commentsOn(1);
    expect(comments.map((c) => c.id)).toEqual([commentId]);
    expect(comments[0].body).not.toBe(before);
    const planFiles = Object.keys(world.github.files(PLAN_BRANCH)).filter((f) =>
      f.startsWith('plans/'),
    );
    expect(planFiles).toEqual([run.outputs['plan-file']]);
    approvedPlanFile = run.outputs['plan-file']!;
    expect(approvedPlanFile).not.toBe(firstPlanFile);
  });

  it('validate on the plan PR passes: one plan file, digest intact, from the plan branch', async () => {
    const run = await runJob(world, {
      event: 'pull_request',
      payload: world.github.pullRequestEvent(1),
      checkout: PLAN_BRANCH,
      ref: 'refs/pull/1/merge',
    });
    runs.push(run);
    expectSuccess(run);
    expect(run.summary).toContain('Plan PR checks passed');
  });

  it('a pull_request run never applies, even when told to', async () => {
    const run = await runJob(world, {
      event: 'pull_request',
      payload: world.github.pullRequestEvent(1),
      checkout: PLAN_BRANCH,
      ref: 'refs/pull/1/merge',
      inputs: { ...atlassianInputs(world), mode: 'apply', 'plan-file': approvedPlanFile },
    });
    runs.push(run);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['mode']).toBe('validate');
    expect(
      run.annotations.some(
        (a) => a.level === 'warning' && a.message.includes('never plans or applies'),
      ),
    ).toBe(true);
    expect(actualWrites(world)).toEqual([]);
  });

  it('once approved, a newer plan does not replace the PR; the PR is told a newer plan exists', async () => {
    world.github.review(1, 'bob', 'APPROVED');
    const approvedHead = world.github.head(PLAN_BRANCH);
    const body = world.github.pull(1).body;
    const run = await schedule();
    expect(run.outputs['pr-number']).toBe('1');
    expect(world.github.head(PLAN_BRANCH)).toBe(approvedHead);
    expect(world.github.pull(1).body).toBe(body);
    const newer = world.github
      .commentsOn(1)
      .filter((c) => c.body.startsWith(stickyMarker('newer-plan')));
    expect(newer).toHaveLength(1);
    expect(newer[0].body).toContain('was **not replaced**');
  });

  it('merging the approved PR applies exactly the reviewed writes, comments, and keeps the audit', async () => {
    const reviewed = JSON.parse(world.github.readFile(PLAN_BRANCH, approvedPlanFile)!) as Plan;
    push = world.github.mergePull(1);
    const run = await runJob(world, {
      event: 'push',
      payload: push,
      inputs: atlassianInputs(world),
    });
    runs.push(run);
    expectSuccess(run);

    // Exactly the operations of the reviewed plan's planned actions, nothing else.
    const expected = expectedWrites(reviewed, world.sandbox.orgId);
    expect(expected.length).toBeGreaterThan(0);
    expect(actualWrites(world)).toEqual(expected);

    expect(run.outputs).toMatchObject({
      mode: 'apply',
      'plan-file': approvedPlanFile,
      'pr-number': '1',
      applied: String(reviewed.actions.filter((a) => a.status === 'planned').length),
      failed: '0',
    });

    const comment = world.github
      .commentsOn(1)
      .find((c) => c.body.startsWith(stickyMarker('apply')));
    expect(comment?.body).toContain(`Applied plan \`${reviewed.planId}\``);
    expect(comment?.body).toContain('approved by bob');

    // The artifact's zip holds the audit CSV byte for byte, and so does the audit branch.
    const csv = readFileSync(run.outputs['audit-csv']);
    const artifact = world.artifacts.artifacts.find(
      (a) =>
        a.name === `license-policy-audit-${reviewed.planId}-1` &&
        a.runBackendId === String(run.runId),
    )!;
    expect(String(artifact.id)).toBe(run.outputs['artifact-id']);
    const files = world.artifacts.files(artifact);
    expect(Object.keys(files)).toHaveLength(1);
    expect(Object.values(files)[0].equals(csv)).toBe(true);
    const auditFiles = Object.entries(world.github.files('license-policy/audit'));
    expect(auditFiles.map(([file]) => file)).toEqual([
      expect.stringMatching(
        new RegExp(`^audit/\\d{4}/\\d{2}/${reviewed.planId}-${run.runId}-1\\.csv$`),
      ),
    ]);
    const onBranch = auditFiles[0][1];
    expect(onBranch).toBe(csv.toString('utf8'));

    const rows = csv.toString('utf8').trim().split('\r\n');
    expect(rows[0]).toBe(
      'timestamp,run_id,plan_id,phase,rule_id,account_id,email,name,product,site,last_active,inactive_days,operation,target,outcome,detail,policy_commit,plan_digest,pr_number,approved_by',
    );
    const applied = rows.filter((r) => r.includes(',applied,'));
    expect(applied.length).toBeGreaterThan(0);
    for (const row of applied)
      expect(row).toMatch(new RegExp(`,${run.runId},${reviewed.planId},apply,.*,1,bob$`));

    const state = JSON.parse(world.github.readFile('license-policy/state', 'state.json')!);
    expect(state.lastApplied).toEqual({ planId: reviewed.planId, createdAt: reviewed.createdAt });
  });

  it('applying the same push again changes nothing new (re-runs are safe)', async () => {
    const writesBefore = actualWrites(world).length;
    const run = await runJob(world, {
      event: 'push',
      payload: push,
      inputs: atlassianInputs(world),
      runAttempt: 2,
    });
    runs.push(run);
    expect(run.exitCode).toBe(0);
    expect(actualWrites(world).length).toBe(writesBefore);
    expect(run.outputs['applied']).toBe('0');
  });

  it('never shows the Atlassian key or the GitHub token anywhere', () => {
    const secrets = [world.sandbox.apiKey, GITHUB_TOKEN];
    for (const text of everythingWritten(world, runs)) {
      for (const secret of secrets) expect(text.includes(secret)).toBe(false);
    }
    // The runner was told to mask both.
    expect(runs[0].masks).toEqual(expect.arrayContaining(secrets));
  });
});
