/**
 * A cancelled apply still leaves its evidence: the main step is interrupted mid-apply (as a
 * cancellation does), and the post step uploads the rows it had written as the artifact and
 * commits them to the audit branch.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  atlassianInputs,
  E2E_POLICY,
  runJob,
  scheduledPlan,
  startWorld,
  type World,
} from './world.js';

describe('the post step after a cancelled apply', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ policy: E2E_POLICY });
  });
  afterAll(() => world.close());

  it('keeps the rows the interrupted main step wrote, as the artifact and on the audit branch', async () => {
    const plan = await scheduledPlan(world);
    const planId = plan.outputs['plan-file'].slice('plans/'.length, -'.json'.length);
    world.github.review(1, 'bob', 'APPROVED');
    const push = world.github.mergePull(1);

    // Once the fresh evaluation is done, slow the writes (one at a time) so the run can be
    // interrupted after the first.
    const apply = await runJob(world, {
      event: 'push',
      payload: push,
      inputs: { ...atlassianInputs(world), concurrency: '1' },
      cancelWhen: (stdout) => {
        if (/\d+ to apply, \d+ skipped/.test(stdout)) world.sandboxOptions.latencyMs = 200;
        return /actions applied 1\//.test(stdout);
      },
    });
    world.sandboxOptions.latencyMs = 0;

    expect(apply.signal ?? apply.exitCode).not.toBe(0);
    expect(apply.state['audit-kept']).toBeUndefined();
    const writes = world.sandbox.writes().length;
    expect(writes).toBeGreaterThan(0);

    // The post step ran and kept the audit.
    expect(apply.post?.exitCode).toBe(0);
    const csv = readFileSync(apply.state['audit-file'], 'utf8');
    const rows = csv.trim().split('\r\n');
    expect(rows.length).toBeGreaterThan(1);
    const artifact = world.artifacts.artifacts.find(
      (a) =>
        a.name === `license-policy-audit-${planId}-1` && a.runBackendId === String(apply.runId),
    );
    expect(artifact).toBeDefined();
    expect(Object.values(world.artifacts.files(artifact!))[0].toString('utf8')).toBe(csv);
    const branchFiles = world.github.files('license-policy/audit');
    expect(Object.values(branchFiles)).toEqual([csv]);
    expect(apply.post!.stdout).toContain('did not finish keeping the audit');
  });
});
