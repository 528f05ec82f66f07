/**
 * Pull-request jobs through the committed bundle, as the example workflow runs them: no
 * Atlassian key in the job at all. Policy problems become annotations on the YAML lines; a valid
 * policy change gets one sticky preview comment computed from the last plan run's snapshot
 * artifact, without a single request to Atlassian; a fork PR is validated only.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stickyMarker } from '../../src/github/comments.js';
import type { RunResult } from '../support/runner.js';
import {
  atlassianInputs,
  E2E_POLICY,
  everythingWritten,
  expectSuccess,
  GITHUB_TOKEN,
  logOf,
  runJob,
  startWorld,
  type World,
} from './world.js';

describe('policy pull requests', () => {
  let world: World;
  const runs: RunResult[] = [];

  beforeAll(async () => {
    world = await startWorld({ policy: E2E_POLICY });
    // The scheduled plan run that leaves the snapshot previews use.
    const plan = await runJob(world, {
      event: 'schedule',
      payload: world.github.scheduleEvent(),
      inputs: atlassianInputs(world),
    });
    runs.push(plan);
    if (plan.exitCode !== 0) throw new Error(logOf(plan));
  });
  afterAll(() => world.close());

  /** A pull-request job exactly as the example workflow's validate job: no key, no org secret. */
  const validate = async (prNumber: number, branch: string) => {
    const requestsBefore = world.sandbox.requests.length;
    const run = await runJob(world, {
      event: 'pull_request',
      payload: world.github.pullRequestEvent(prNumber),
      checkout: branch,
      ref: `refs/pull/${prNumber}/merge`,
      inputs: { 'atlassian-org-id': world.sandbox.orgId },
    });
    runs.push(run);
    expect(Object.values(run.env).some((v) => v.includes(world.sandbox.apiKey))).toBe(false);
    expect(world.sandbox.requests.length).toBe(requestsBefore);
    return run;
  };

  it('a broken policy gets annotations on its YAML lines and a red check', async () => {
    const broken = E2E_POLICY.replace(
      'inactiveDays: 30 # at least 7',
      'inactiveDays: 3 # at least 7',
    );
    world.github.pushCommit(
      'policy/too-eager',
      { 'policies/license-policy.yml': broken },
      'Three days',
    );
    const pr = world.github.openPull('policy/too-eager', 'Remove after three days');
    const run = await validate(pr.number, 'policy/too-eager');

    expect(run.exitCode).toBe(1);
    const line = broken.split('\n').findIndex((l) => l.includes('inactiveDays: 3 #')) + 1;
    const errors = run.annotations.filter(
      (a) => a.level === 'error' && a.file === 'policies/license-policy.yml',
    );
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].line).toBe(line);
    expect(errors[0].message).toMatch(/7/);
    // No preview was ever posted, so none is created for a broken policy.
    expect(world.github.commentsOn(pr.number)).toEqual([]);
  });

  it('a valid policy change gets one preview comment from the snapshot, updated on the next push', async () => {
    const stricter = E2E_POLICY.replace(
      'inactiveDays: 30 # at least 7',
      'inactiveDays: 14 # at least 7',
    ).replace('graceDays: 30', 'graceDays: 14');
    world.github.pushCommit(
      'policy/fourteen-days',
      { 'policies/license-policy.yml': stricter },
      'Fourteen days',
    );
    const pr = world.github.openPull('policy/fourteen-days', 'Remove after 14 days');
    const run = await validate(pr.number, 'policy/fourteen-days');
    expectSuccess(run);

    const comments = world.github.commentsOn(pr.number);
    expect(comments).toHaveLength(1);
    const preview = comments[0].body;
    expect(preview.startsWith(stickyMarker('preview'))).toBe(true);
    expect(preview).toContain('### License policy preview');
    const counts =
      /would plan \*\*(\d+) removals?\*\*.*base branch's policy plans (\d+) on the same data \(\+(\d+) \/ −(\d+)\)/.exec(
        preview,
      );
    expect(counts).not.toBeNull();
    const [, next, base, added] = counts!.map(Number);
    expect(next).toBeGreaterThan(base);
    expect(added).toBe(next - base);

    // A second push to the PR edits the same comment.
    world.github.pushCommit('policy/fourteen-days', {
      'policies/license-policy.yml': stricter.replace(
        'inactiveDays: 14 # at least 7',
        'inactiveDays: 21 # at least 7',
      ),
    });
    const again = await validate(pr.number, 'policy/fourteen-days');
    expect(again.exitCode).toBe(0);
    const after = world.github.commentsOn(pr.number);
    expect(after.map((c) => c.id)).toEqual([comments[0].id]);
    expect(after[0].body).not.toBe(preview);
  });

  it('a fork PR is validated only, and says why', async () => {
    world.github.pushCommit('fork-change', {
      'policies/license-policy.yml': E2E_POLICY + '\n# from a fork\n',
    });
    const pr = world.github.openPull('fork-change', 'From a fork', {
      fromFork: true,
      user: { login: 'outsider', id: 77, type: 'User' },
    });
    const run = await validate(pr.number, 'fork-change');
    expect(run.exitCode).toBe(0);
    expect(run.annotations.find((a) => a.level === 'notice')?.message).toContain(
      'comes from a fork: it is validated only',
    );
    expect(world.github.commentsOn(pr.number)).toEqual([]);
  });

  it('never shows the Atlassian key or the GitHub token anywhere', () => {
    for (const text of everythingWritten(world, runs)) {
      expect(text.includes(world.sandbox.apiKey)).toBe(false);
      expect(text.includes(GITHUB_TOKEN)).toBe(false);
    }
  });
});
