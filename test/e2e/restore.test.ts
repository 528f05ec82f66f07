/**
 * Undo in the action (SPEC §9) through the committed bundle: schedule -> plan PR -> approved
 * merge -> apply (removals) -> dispatch with restore-plan-id (once narrowed to one account with
 * restore-accounts) -> restore PR from `<plan-branch>-restore` -> approved merge -> push ->
 * apply gives back exactly the removed memberships and roles, and the org's access is what it
 * was. An unapproved restore merge and a removal plan smuggled onto the restore branch are
 * refused with nothing written to Atlassian.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { stickyMarker } from '../../src/github/comments.js';
import type { Plan } from '../../src/plan/types.js';
import type { OrgModel } from '../../src/sandbox/model.js';
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
const RESTORE_BRANCH = 'license-policy/plan-restore';

/** Each account's status, groups and direct grants per directory: what a restore gives back. */
function accessOf(model: OrgModel, accounts?: ReadonlySet<string>): string[] {
  return model
    .users()
    .filter((u) => !accounts || accounts.has(u.accountId))
    .map(
      (u) =>
        `${u.accountId}@${u.directoryId} ${u.membershipStatus} groups=[${u.groups
          .map((g) => g.id)
          .sort()
          .join(',')}] grants=[${u.grants
          .map((g) => `${g.role}@${g.resourceId}/${g.method}`)
          .sort()
          .join(',')}]`,
    )
    .sort();
}

/**
 * The write that gives back each removal the sandbox logged: a removed membership is added
 * again, a revoked role assigned again. Computed from the removal apply's own write log.
 */
function inverseWrites(removals: string[]): string[] {
  return removals
    .map((write) => {
      const membership =
        /^DELETE (\/admin\/v2\/orgs\/[^/]+\/directories\/[^/]+\/groups\/[^/]+\/memberships)\/([^/ ]+)$/.exec(
          write,
        );
      if (membership)
        return `POST ${membership[1]} ${JSON.stringify({ accountId: membership[2] })}`;
      const role = /^POST (\/admin\/v1\/orgs\/[^/]+\/users\/[^/]+\/roles)\/revoke (.*)$/.exec(
        write,
      );
      if (role) return `POST ${role[1]}/assign ${role[2]}`;
      throw new Error(`no inverse for ${write}`);
    })
    .sort();
}

/** Files a branch adds or changes relative to the default branch. */
function changedFrom(world: World, branch: string): string[] {
  const base = world.github.files(world.github.defaultBranch);
  return Object.entries(world.github.files(branch))
    .filter(([file, text]) => base[file] !== text)
    .map(([file]) => file)
    .sort();
}

describe('undo a removal: dispatch -> restore PR -> approved merge -> apply', () => {
  let world: World;
  const runs: RunResult[] = [];
  let original: string[] = [];
  let removal: Plan;
  /** A valid removal plan that was never applied (replaced on the plan branch by a newer one). */
  let unappliedRemovalText = '';
  let removalWrites: string[] = [];
  let removedAccounts = new Set<string>();

  beforeAll(async () => {
    world = await startWorld({ policy: E2E_POLICY });
  });
  afterAll(() => world.close());

  const job = async (options: Parameters<typeof runJob>[1]) => {
    const run = await runJob(world, options);
    runs.push(run);
    return run;
  };
  const dispatchRestore = (inputs: Record<string, string>) =>
    job({
      event: 'workflow_dispatch',
      payload: world.github.dispatchEvent(inputs),
      inputs: { ...atlassianInputs(world), ...inputs },
    });
  const push = (payload: object) => job({ event: 'push', payload, inputs: atlassianInputs(world) });

  it('removes licences: schedule -> plan PR -> approved merge -> apply', async () => {
    const first = await scheduledPlan(world, runs);
    unappliedRemovalText = world.github.readFile(PLAN_BRANCH, first.outputs['plan-file'])!;
    // Two of the people to be removed also hold their seat by a direct grant, so the apply
    // revokes roles as well as memberships, and the restore assigns them back.
    const firstPlan = JSON.parse(unappliedRemovalText) as Plan;
    const viaGroup = firstPlan.actions.filter(
      (a) =>
        a.status === 'planned' &&
        a.operations.some((op) => op.type === 'remove-group-membership') &&
        !a.operations.some((op) => op.type === 'revoke-role'),
    );
    expect(viaGroup.length).toBeGreaterThan(2);
    for (const action of viaGroup.slice(0, 2)) {
      world.sandbox.org.grantRole(action.accountId, action.resourceId, 'atlassian/user');
    }
    original = accessOf(world.sandbox.org);
    const second = await scheduledPlan(world, runs);
    const planFile = second.outputs['plan-file'];
    expect(planFile).not.toBe(first.outputs['plan-file']);
    removal = JSON.parse(world.github.readFile(PLAN_BRANCH, planFile)!) as Plan;

    world.github.review(1, 'bob', 'APPROVED');
    const apply = await push(world.github.mergePull(1));
    expectSuccess(apply);
    expect(apply.outputs).toMatchObject({ mode: 'apply', 'plan-file': planFile, failed: '0' });
    removalWrites = actualWrites(world);
    // Both kinds of removal happened, so both kinds of restore are exercised below.
    expect(removalWrites.filter((w) => w.startsWith('DELETE ')).length).toBeGreaterThan(0);
    expect(removalWrites.filter((w) => w.includes('/roles/revoke ')).length).toBeGreaterThan(0);
    removedAccounts = new Set(
      removal.actions.filter((a) => a.status === 'planned').map((a) => a.accountId),
    );
    expect(accessOf(world.sandbox.org)).not.toEqual(original);
    world.sandbox.resetLog();
  });

  it('a dispatch with restore-accounts opens a restore PR from the restore branch for that account only', async () => {
    const removed = removal.actions.find(
      (a) => a.status === 'planned' && a.operations.some((op) => op.type === 'revoke-role'),
    )!;
    const account = removed.accountId;
    const planBranchHead = world.github.head(PLAN_BRANCH);
    const run = await dispatchRestore({
      'restore-plan-id': removal.planId,
      'restore-accounts': ` ${account} `,
    });
    expectSuccess(run);
    expect(run.outputs).toMatchObject({ mode: 'restore', 'pr-number': '2', applied: '' });
    const planFile = run.outputs['plan-file'];
    expect(changedFrom(world, RESTORE_BRANCH)).toEqual([planFile]);
    const restore = JSON.parse(world.github.readFile(RESTORE_BRANCH, planFile)!) as Plan;
    expect(restore).toMatchObject({
      kind: 'restore',
      restoreOf: { planId: removal.planId, planDigest: removal.digest },
    });
    // The account's own removals, inverted: the memberships and the direct role it lost.
    expect(restore.actions.map((a) => [a.accountId, a.operations])).toEqual([
      [
        account,
        removed.operations.map((op) =>
          op.type === 'remove-group-membership'
            ? { ...op, type: 'add-group-membership' }
            : op.type === 'revoke-role'
              ? { ...op, type: 'assign-role' }
              : op,
        ),
      ],
    ]);

    const pr = world.github.pull(2);
    expect(pr).toMatchObject({
      state: 'open',
      headRef: RESTORE_BRANCH,
      baseRef: 'main',
      labels: ['license-policy', 'license-policy:restore'],
    });
    expect(pr.title).toContain(`(undo ${removal.planId})`);
    expect(world.github.commentsOn(2).map((c) => c.body.split('\n')[0])).toEqual([
      stickyMarker('plan'),
    ]);
    // The restore decisions are the run's artifact; making the plan writes nothing.
    expect(
      world.artifacts.artifacts.some(
        (a) => a.name === `license-policy-audit-${restore.planId}-1` && a.finalized,
      ),
    ).toBe(true);
    expect(readFileSync(run.outputs['audit-csv'], 'utf8')).toContain(',restore,');
    expect(actualWrites(world)).toEqual([]);
    // The plan PR's branch was not touched.
    expect(world.github.head(PLAN_BRANCH)).toBe(planBranchHead);
  });

  it('an unapproved restore merge is refused before any write', async () => {
    const apply = await push(world.github.mergePull(2));
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toContain(
      'Apply refused: PR #2 has no approving review on its head commit',
    );
    expect(actualWrites(world)).toEqual([]);
    expect(
      world.github.commentsOn(2).find((c) => c.body.startsWith(stickyMarker('apply')))!.body,
    ).toContain('Apply refused');
  });

  let restore: Plan;
  it('a dispatch without restore-accounts proposes giving back everything the apply removed', async () => {
    const run = await dispatchRestore({ 'restore-plan-id': removal.planId });
    expectSuccess(run);
    expect(run.outputs).toMatchObject({ mode: 'restore', 'pr-number': '3' });
    const planFile = run.outputs['plan-file'];
    // One new plan file: the restore branch was rebuilt on the default branch.
    expect(world.github.pull(3).headRef).toBe(RESTORE_BRANCH);
    expect(changedFrom(world, RESTORE_BRANCH)).toEqual([planFile]);
    restore = JSON.parse(world.github.readFile(RESTORE_BRANCH, planFile)!) as Plan;
    expect(restore.kind).toBe('restore');
    expect(restore.warnings.filter((w) => w.code === 'restore-refused')).toEqual([]);
    expect(new Set(restore.actions.map((a) => a.accountId))).toEqual(removedAccounts);

    const check = await job({
      event: 'pull_request',
      payload: world.github.pullRequestEvent(3),
      checkout: RESTORE_BRANCH,
      ref: 'refs/pull/3/merge',
    });
    expectSuccess(check);
    expect(check.summary).toContain('Restore PR checks passed');
    expect(actualWrites(world)).toEqual([]);
  });

  it('the approved merge applies exactly the inverse of the removals, and the org is back as it was', async () => {
    world.github.review(3, 'dana', 'APPROVED');
    const apply = await push(world.github.mergePull(3));
    expectSuccess(apply);

    expect(actualWrites(world)).toEqual(inverseWrites(removalWrites));
    expect(accessOf(world.sandbox.org, removedAccounts)).toEqual(
      original.filter((line) => removedAccounts.has(line.split('@')[0])),
    );
    expect(accessOf(world.sandbox.org)).toEqual(original);

    const actions = restore.actions.filter((a) => a.status === 'planned').length;
    expect(apply.outputs).toMatchObject({
      mode: 'apply',
      'plan-file': `plans/${restore.planId}.json`,
      'pr-number': '3',
      applied: String(actions),
      skipped: '0',
      failed: '0',
    });
    const comment = world.github
      .commentsOn(3)
      .find((c) => c.body.startsWith(stickyMarker('apply')))!;
    expect(comment.body).toContain(
      `**Applied restore plan \`${restore.planId}\`** (undoes plan \`${removal.planId}\`)`,
    );
    expect(comment.body).toContain(`approved by dana: ${actions} restored, 0 skipped, 0 failed`);

    // The audit of the restore is kept like any apply's, phase restore.
    const csv = readFileSync(apply.outputs['audit-csv'], 'utf8');
    const restored = csv
      .split('\r\n')
      .filter((r) => r.includes(',restore,') && r.includes(',restored,'));
    expect(restored.length).toBeGreaterThanOrEqual(actions);
    const onBranch = Object.entries(world.github.files('license-policy/audit')).filter(([f]) =>
      f.includes(`/${restore.planId}-${apply.runId}-1.csv`),
    );
    expect(onBranch.map(([, text]) => text)).toEqual([csv]);
    const state = JSON.parse(world.github.readFile('license-policy/state', 'state.json')!);
    expect(state.lastApplied).toEqual({ planId: restore.planId, createdAt: restore.createdAt });
    world.sandbox.resetLog();
  });

  it('a removal plan smuggled onto the restore branch is red on its PR and refused at merge', async () => {
    const smuggled = JSON.parse(unappliedRemovalText) as Plan;
    expect(smuggled.kind).toBe('removal');
    const file = `plans/${smuggled.planId}.json`;
    world.github.pushCommit(RESTORE_BRANCH, { [file]: unappliedRemovalText }, 'Restore more');
    const pr = world.github.openPull(RESTORE_BRANCH, 'More restores');

    const check = await job({
      event: 'pull_request',
      payload: world.github.pullRequestEvent(pr.number),
      checkout: RESTORE_BRANCH,
      ref: `refs/pull/${pr.number}/merge`,
    });
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain(
      `comes from the restore branch "${RESTORE_BRANCH}" but holds a removal plan`,
    );

    world.github.review(pr.number, 'bob', 'APPROVED');
    const apply = await push(world.github.mergePull(pr.number));
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toContain(
      `Apply refused: PR #${pr.number} comes from the restore branch "${RESTORE_BRANCH}" but holds a removal plan`,
    );
    expect(actualWrites(world)).toEqual([]);
    expect(accessOf(world.sandbox.org)).toEqual(original);
    const rows = readFileSync(apply.outputs['audit-csv'], 'utf8').trim().split('\r\n').slice(1);
    expect(rows.map((r) => r.split(',')[14])).toEqual(['refused']);
  });

  it('never shows the Atlassian key or the GitHub token anywhere', () => {
    for (const text of everythingWritten(world, runs)) {
      expect(text.includes(world.sandbox.apiKey)).toBe(false);
      expect(text.includes(GITHUB_TOKEN)).toBe(false);
    }
  });
});
