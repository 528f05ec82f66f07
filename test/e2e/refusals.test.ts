/**
 * What must not happen, through the committed bundle: a plan PR with a second plan file is red
 * and its merge is refused; an unapproved merge is refused; nothing is written to Atlassian in
 * either case; a manual run with nothing to do closes the open plan PR and deletes its branch.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { stickyMarker } from '../../src/github/comments.js';
import type { PushEvent } from '../support/fake-github.js';
import type { RunResult } from '../support/runner.js';
import {
  actualWrites,
  atlassianInputs,
  E2E_POLICY,
  everythingWritten,
  expectSuccess,
  GITHUB_TOKEN,
  runJob,
  scheduledPlan,
  startWorld,
  type World,
} from './world.js';

const PLAN_BRANCH = 'license-policy/plan';

describe('refusals and nothing to do', () => {
  let world: World;
  const runs: RunResult[] = [];

  beforeAll(async () => {
    world = await startWorld({ policy: E2E_POLICY });
  });
  afterAll(() => world.close());

  const schedule = () => scheduledPlan(world, runs);
  /** The push job a plan PR's merge starts, recorded. */
  const applyMerge = async (push: PushEvent) => {
    const run = await runJob(world, {
      event: 'push',
      payload: push,
      inputs: atlassianInputs(world),
    });
    runs.push(run);
    return run;
  };

  it('a second plan file in the plan PR turns its check red, and its merge is refused', async () => {
    await schedule();
    world.github.pushCommit(
      PLAN_BRANCH,
      { 'plans/2026-01-01-0badf00d.json': '{"schemaVersion":1}\n' },
      'Sneak in a second plan',
    );

    const check = await runJob(world, {
      event: 'pull_request',
      payload: world.github.pullRequestEvent(1),
      checkout: PLAN_BRANCH,
      ref: 'refs/pull/1/merge',
    });
    runs.push(check);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain('a plan PR must change exactly one');
    expect(check.annotations.filter((a) => a.level === 'error').map((a) => a.file)).toEqual(
      expect.arrayContaining(['plans/2026-01-01-0badf00d.json']),
    );

    world.github.review(1, 'bob', 'APPROVED');
    const push = world.github.mergePull(1);
    const apply = await applyMerge(push);
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toContain('Apply refused');
    expect(apply.stdout).toContain('changed 2 plan files');
    expect(actualWrites(world)).toEqual([]);
    // The refusal is recorded: a refused row in the artifact, the audit branch and a PR comment.
    const csv = readFileSync(apply.outputs['audit-csv'], 'utf8');
    expect(
      csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((r) => r.split(',')[14]),
    ).toEqual(['refused']);
    expect(apply.outputs['artifact-id']).not.toBe('');
    expect(Object.values(world.github.files('license-policy/audit')).join('')).toContain(
      ',refused,',
    );
    expect(
      world.github.commentsOn(1).find((c) => c.body.startsWith(stickyMarker('apply')))!.body,
    ).toContain('Apply refused');
  });

  it('an unapproved merge is refused before any write', async () => {
    const plan = await schedule();
    const prNumber = Number(plan.outputs['pr-number']);
    expect(prNumber).toBe(2);
    const push = world.github.mergePull(prNumber);
    const apply = await applyMerge(push);
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toContain(`PR #${prNumber} has no approving review on its head commit`);
    expect(actualWrites(world)).toEqual([]);
    expect(apply.outputs).toMatchObject({
      mode: 'apply',
      'pr-number': String(prNumber),
      applied: '',
    });
  });

  it('an approval by a bot does not count', async () => {
    const plan = await schedule();
    const prNumber = Number(plan.outputs['pr-number']);
    world.github.review(prNumber, 'github-actions[bot]', 'APPROVED');
    const push = world.github.mergePull(prNumber);
    const apply = await applyMerge(push);
    expect(apply.exitCode).toBe(1);
    expect(actualWrites(world)).toEqual([]);
  });

  it('a manual run with nothing to do closes the open plan PR and deletes the branch', async () => {
    const plan = await schedule();
    const prNumber = Number(plan.outputs['pr-number']);
    // A policy change merged meanwhile: nobody is inactive for ten years.
    world.github.pushCommit('main', {
      'policies/license-policy.yml': E2E_POLICY.replace(/inactiveDays: 30/, 'inactiveDays: 3650')
        .replace(/graceDays: 30/, 'graceDays: 3650')
        .replace(/keepAtMost: 4500/, 'keepAtMost: 100000'),
    });
    const run = await runJob(world, {
      event: 'workflow_dispatch',
      payload: world.github.dispatchEvent(),
      inputs: atlassianInputs(world),
    });
    runs.push(run);
    expectSuccess(run);
    expect(run.outputs).toMatchObject({ mode: 'plan', removals: '0', 'plan-file': '' });
    expect(world.github.pull(prNumber).state).toBe('closed');
    expect(world.github.branches.has(PLAN_BRANCH)).toBe(false);
    expect(
      world.github.commentsOn(prNumber).find((c) => c.body.startsWith(stickyMarker('plan')))!.body,
    ).toContain('Nothing to do');
  });

  it('never shows the Atlassian key or the GitHub token anywhere', () => {
    for (const text of everythingWritten(world, runs)) {
      expect(text.includes(world.sandbox.apiKey)).toBe(false);
      expect(text.includes(GITHUB_TOKEN)).toBe(false);
    }
  });
});
