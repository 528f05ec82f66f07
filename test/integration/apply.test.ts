/**
 * Apply against the sandbox over real HTTP: the exact writes, the refusals (no Atlassian call at
 * all), the re-check against fresh data and the policy at HEAD, 404s, failures and dry runs.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { RefusedError } from '../../src/errors.js';
import { emptyState } from '../../src/plan/state.js';
import type { Plan, State } from '../../src/plan/types.js';
import { applyPlan, type ApplyPlanOptions } from '../../src/run/apply-run.js';
import { createPlan } from '../../src/run/plan-run.js';
import { createAtlassianClient } from '../../src/run/settings.js';
import {
  BASE_POLICY,
  rowsCollector,
  startTestOrg,
  writeRequests,
  type TestOrg,
} from './apply-org.js';

let org: TestOrg;
beforeEach(async () => {
  org = await startTestOrg();
});
afterEach(async () => {
  await org.close();
});

async function makePlan(): Promise<{ plan: Plan; state: State }> {
  const { plan, nextState } = await createPlan({
    policyDir: org.policyDir,
    client: org.client(),
    state: emptyState(),
    now: new Date(),
    policyCommit: 'c0ffee',
  });
  org.sandbox.resetLog();
  return { plan, state: nextState };
}

function runApply(plan: Plan, state: State, overrides: Partial<ApplyPlanOptions> = {}) {
  const audit = rowsCollector();
  const run = applyPlan({
    plan,
    policyDir: org.policyDir,
    policyCommit: 'd00d',
    client: org.client(),
    state,
    dryRun: false,
    overrideLimits: false,
    audit: audit.audit,
    auditContext: { runId: 'run-1' },
    // Re-reads of seats still held happen at once: no test waits in real time.
    verify: { sleep: () => Promise.resolve() },
    ...overrides,
  });
  return { run, rows: audit.rows };
}

const outcomeOf = (applied: Awaited<ReturnType<typeof applyPlan>>, accountId: string) =>
  applied.result.outcomes.find((o) => o.accountId === accountId)?.outcome;

describe('apply against the sandbox', () => {
  it('sends exactly the reviewed writes, verifies them, and records every decision', async () => {
    const { plan, state } = await makePlan();
    const { alice, bob, dave, erin, carol } = org.ids;
    expect(
      plan.actions
        .filter((a) => a.status === 'planned')
        .map((a) => a.accountId)
        .sort(),
    ).toEqual([alice, bob, dave, erin].sort());

    const { run, rows } = runApply(plan, state);
    const applied = await run;

    const membership = (id: string) =>
      `DELETE /admin/v2/orgs/${org.sandbox.orgId}/directories/${org.directoryId}/groups/${org.groupId}/memberships/${id}`;
    expect(writeRequests(org.sandbox)).toEqual(
      [
        membership(alice),
        membership(bob),
        `POST /admin/v1/orgs/${org.sandbox.orgId}/users/${bob}/roles/revoke ${JSON.stringify({ role: 'atlassian/user', resource: org.jiraId })}`,
        membership(dave),
        membership(erin),
      ].sort(),
    );
    expect(applied.exitCode).toBe(0);
    expect(applied.result.counts).toEqual({ applied: 4 });
    const licensed = org.model.licensedUsers(org.jiraId).map((u) => u.accountId);
    expect(licensed).toEqual([carol]);

    // One row per write and one per action, all for this plan and run.
    expect(rows.map((r) => [r.account_id, r.operation, r.outcome]).sort()).toEqual(
      [
        [alice, 'remove-group-membership', 'applied'],
        [alice, '', 'applied'],
        [bob, 'remove-group-membership', 'applied'],
        [bob, 'revoke-role', 'applied'],
        [bob, '', 'applied'],
        [dave, 'remove-group-membership', 'applied'],
        [dave, '', 'applied'],
        [erin, 'remove-group-membership', 'applied'],
        [erin, '', 'applied'],
      ].sort(),
    );
    expect(
      new Set(rows.map((r) => `${r.plan_id} ${r.plan_digest} ${r.run_id} ${r.policy_commit}`)),
    ).toEqual(new Set([`${plan.planId} ${plan.digest} run-1 d00d`]));
    expect(applied.nextState?.lastApplied).toEqual({
      planId: plan.planId,
      createdAt: plan.createdAt,
    });
    expect(Object.keys(applied.nextState!.licensedSince.toRecord())).toEqual([
      `${carol} ${org.jiraId}`,
    ]);
    expect(applied.markdown).toContain('Applied 4 of 4');
  });

  it('does nothing the second time the same plan is applied: every action is already absent', async () => {
    const { plan, state } = await makePlan();
    const first = await runApply(plan, state).run;
    org.sandbox.resetLog();

    const { run, rows } = runApply(plan, first.nextState!);
    const second = await run;
    expect(org.sandbox.writes()).toEqual([]);
    expect(second.exitCode).toBe(0);
    expect(second.result.counts).toEqual({ 'already-absent': 4 });
    expect(new Set(rows.map((r) => r.outcome))).toEqual(new Set(['already-absent']));
  });

  describe('refusals: exit 3, one refused row, and no call to Atlassian at all', () => {
    async function expectRefused(
      reason: string,
      plan: Plan,
      state: State,
      overrides: Partial<ApplyPlanOptions> = {},
    ) {
      const { run, rows } = runApply(plan, state, overrides);
      const error = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RefusedError);
      expect((error as RefusedError).reason).toBe(reason);
      expect((error as RefusedError).exitCode).toBe(3);
      expect(org.sandbox.requests).toEqual([]);
      expect(rows.map((r) => [r.phase, r.outcome, r.plan_id])).toEqual([
        ['apply', 'refused', plan.planId],
      ]);
      expect(rows[0].detail).toBe((error as Error).message);
    }

    it('refuses a plan edited after review', async () => {
      const { plan, state } = await makePlan();
      const tampered: Plan = {
        ...plan,
        actions: plan.actions.map((a) =>
          a.accountId === org.ids.alice ? { ...a, accountId: org.ids.carol } : a,
        ),
      };
      await expectRefused('digest-mismatch', tampered, state);
    });

    it('refuses an expired plan', async () => {
      const { plan, state } = await makePlan();
      const later = new Date(Date.now() + 73 * 3_600_000);
      await expectRefused('expired', plan, state, { clock: () => later });
    });

    it('refuses a plan for another organization', async () => {
      const { plan, state } = await makePlan();
      await expectRefused('org-mismatch', plan, state, { client: org.client('another-org') });
    });

    it('refuses a plan older than the last applied plan', async () => {
      const { plan, state } = await makePlan();
      const newer = {
        ...state,
        lastApplied: {
          planId: 'newer',
          createdAt: new Date(Date.parse(plan.createdAt) + 60_000).toISOString(),
        },
      };
      await expectRefused('older-than-last-applied', plan, newer);
    });

    it('refuses a plan blocked by limits unless overridden', async () => {
      org.writePolicy(`${BASE_POLICY}limits:\n  maxRemovals: 2\n`);
      const { plan, state } = await makePlan();
      expect(plan.blocked.map((b) => b.code)).toEqual(['max-removals']);
      await expectRefused('blocked', plan, state);

      const overridden = await runApply(plan, state, { overrideLimits: true }).run;
      expect(overridden.result.counts).toEqual({ applied: 4 });
    });
  });

  it('skips a user who became active between plan and apply, and writes nothing for them', async () => {
    const { plan, state } = await makePlan();
    org.model.setActivity(org.ids.dave, org.jiraId, new Date());

    const { run, rows } = runApply(plan, state);
    const applied = await run;
    expect(outcomeOf(applied, org.ids.dave)).toBe('skipped-now-active');
    expect(writeRequests(org.sandbox).filter((w) => w.includes(org.ids.dave))).toEqual([]);
    expect(rows.filter((r) => r.account_id === org.ids.dave).map((r) => r.outcome)).toEqual([
      'skipped-now-active',
    ]);
    expect(applied.result.counts).toEqual({ applied: 3, 'skipped-now-active': 1 });
    expect(applied.exitCode).toBe(0);
  });

  it('honours an exclusion added to the policy in the plan PR', async () => {
    const { plan, state } = await makePlan();
    org.writePolicy(
      `${BASE_POLICY}exclude:\n  accounts:\n    - { email: erin@acme.example, reason: Keeps Jira for the audit }\n`,
    );

    const { run, rows } = runApply(plan, state);
    const applied = await run;
    expect(outcomeOf(applied, org.ids.erin)).toBe('skipped-now-excluded');
    expect(writeRequests(org.sandbox).filter((w) => w.includes(org.ids.erin))).toEqual([]);
    expect(rows.find((r) => r.account_id === org.ids.erin)).toMatchObject({
      outcome: 'skipped-now-excluded',
      detail: expect.stringContaining('Keeps Jira for the audit'),
    });
    expect(org.model.isLicensed(org.model.user(org.ids.erin)!, org.jiraId)).toBe(true);
  });

  it('counts a 404 as already-absent once a read confirms the membership is gone', async () => {
    const { plan, state } = await makePlan();
    const { alice } = org.ids;
    // Someone removes alice by hand while apply runs: after the fresh read, before our write.
    const racingFetch: typeof fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (init?.method === 'DELETE' && url.endsWith(`/memberships/${alice}`)) {
        org.model.removeMembership(org.groupId, alice);
      }
      return fetch(input, init);
    };
    const client = createAtlassianClient(
      { orgId: org.sandbox.orgId, apiKey: org.sandbox.apiKey, baseUrl: org.sandbox.url },
      { fetch: racingFetch, sleep: () => Promise.resolve() },
    );
    const { run, rows } = runApply(plan, state, { client });
    const applied = await run;
    expect(org.sandbox.writes().find((w) => w.path.endsWith(alice))?.status).toBe(404);
    expect(outcomeOf(applied, alice)).toBe('already-absent');
    expect(rows.filter((r) => r.account_id === alice).map((r) => [r.operation, r.outcome])).toEqual(
      [
        ['remove-group-membership', 'already-absent'],
        ['', 'already-absent'],
      ],
    );
    expect(applied.exitCode).toBe(0);
  });

  it('does not take a 404 for success when the seat is still there', async () => {
    const { plan, state } = await makePlan();
    org.sandbox.faults.failNext({
      method: 'DELETE',
      path: `/memberships/${org.ids.alice}`,
      status: 404,
    });
    const applied = await runApply(plan, state).run;
    expect(outcomeOf(applied, org.ids.alice)).toBe('failed');
    expect(applied.exitCode).toBe(1);
  });

  it('keeps going when writes fail, marks failed and partial actions, and exits 1', async () => {
    const { plan, state } = await makePlan();
    const { alice, bob, dave, erin } = org.ids;
    org.sandbox.faults.failNext({ method: 'DELETE', path: `/memberships/${alice}`, status: 403 });
    org.sandbox.faults.failNext({
      method: 'POST',
      path: `/users/${bob}/roles/revoke`,
      status: 403,
    });

    const { run, rows } = runApply(plan, state);
    const applied = await run;
    expect(outcomeOf(applied, alice)).toBe('failed');
    expect(outcomeOf(applied, bob)).toBe('partial');
    expect(outcomeOf(applied, dave)).toBe('applied');
    expect(outcomeOf(applied, erin)).toBe('applied');
    expect(applied.exitCode).toBe(1);
    expect(rows.find((r) => r.account_id === alice && r.operation !== '')?.detail).toContain('403');
    // The licences still held keep their licensedSince; the removed ones are forgotten.
    expect(Object.keys(applied.nextState!.licensedSince.toRecord()).sort()).toEqual(
      [org.ids.carol, alice, bob].map((id) => `${id} ${org.jiraId}`).sort(),
    );
  });

  it('writes nothing in a dry run but still re-checks against fresh data', async () => {
    const { plan, state } = await makePlan();
    org.model.setActivity(org.ids.dave, org.jiraId, new Date());

    const { run, rows } = runApply(plan, state, { dryRun: true });
    const applied = await run;
    expect(org.sandbox.writes()).toEqual([]);
    expect(org.sandbox.requests.length).toBeGreaterThan(0);
    expect(applied.result.counts).toEqual({ 'dry-run': 3, 'skipped-now-active': 1 });
    expect(applied.nextState).toBeNull();
    expect(applied.exitCode).toBe(0);
    expect(
      rows
        .filter((r) => r.outcome === 'dry-run')
        .map((r) => `${r.account_id} ${r.operation}`)
        .sort(),
    ).toEqual(
      [
        `${org.ids.alice} `,
        `${org.ids.alice} remove-group-membership`,
        `${org.ids.bob} `,
        `${org.ids.bob} remove-group-membership`,
        `${org.ids.bob} revoke-role`,
        `${org.ids.erin} `,
        `${org.ids.erin} remove-group-membership`,
      ].sort(),
    );
  });
});
