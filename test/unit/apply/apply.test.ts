import { describe, expect, it } from '@jest/globals';
import {
  applyReviewedPlan,
  type ApplyReviewedPlanOptions,
  type FreshEvaluation,
} from '../../../src/apply/apply.js';
import { dryRunExecutor, liveExecutor, type SeatWriter } from '../../../src/apply/executor.js';
import { operationKey } from '../../../src/apply/operations.js';
import { operationFromAudit, operationTarget } from '../../../src/audit/target.js';
import type { AuditRow } from '../../../src/audit/types.js';
import { RefusedError } from '../../../src/errors.js';
import { finalizePlan } from '../../../src/plan/plan-file.js';
import type { BlockReason, Plan, PlanAction, PlanBody, State } from '../../../src/plan/types.js';
import { DEFAULT_LIMITS, type Policy } from '../../../src/policy/types.js';
import type { Snapshot } from '../../../src/snapshot/types.js';
import { CONFLUENCE, JIRA, action, groupOp, revokeOp } from './builders.js';
import { LicensedSince } from '../../../src/plan/licensed-since.js';

const NOW = new Date('2026-03-02T00:00:00.000Z');

function body(actions: PlanAction[], blocked: BlockReason[] = []): PlanBody {
  return {
    schemaVersion: 1,
    kind: 'removal',
    createdAt: '2026-03-01T00:00:00.000Z',
    expiresAt: '2026-03-04T00:00:00.000Z',
    org: { id: 'org-1' },
    policy: { commit: 'abc123', digest: 'd'.repeat(64), files: ['policies/jira.yml'] },
    snapshot: {
      fetchedAt: '2026-03-01T00:00:00.000Z',
      counts: { resources: 1, groups: 1, users: 3, licensedSeats: 3 },
    },
    currency: 'USD',
    summary: [],
    actions,
    protected: [],
    activityUnknown: [],
    upcoming: [],
    warnings: [],
    blocked,
  };
}

const policy = { limits: { ...DEFAULT_LIMITS } } as Policy;

function snapshotWith(licensed: string[]): Snapshot {
  return {
    resources: [{ id: JIRA, governed: true }],
    users: licensed.map((accountId) => ({ accountId, licensedOn: [JIRA], productAccess: [] })),
    apiTokenLastUsed: new Map(),
  } as unknown as Snapshot;
}

const state = (over: Partial<State> = {}): State => ({
  schemaVersion: 1,
  orgId: 'org-1',
  licensedSince: LicensedSince.fromRecord({
    [`u1 ${JIRA}`]: { since: '2025-01-01T00:00:00.000Z' },
    [`u2 ${JIRA}`]: { since: '2025-01-01T00:00:00.000Z' },
    [`u3 ${JIRA}`]: { since: '2025-01-01T00:00:00.000Z' },
  }),
  lastApplied: null,
  ...over,
});

function harness(options: {
  plan: Plan;
  fresh?: FreshEvaluation;
  failFor?: string[];
  dryRun?: boolean;
  overrideLimits?: boolean;
}) {
  const rows: AuditRow[] = [];
  const writes: string[] = [];
  const held = new Set(['u1', 'u2', 'u3']);
  let reevaluations = 0;
  const writer: SeatWriter = {
    execute(op, accountId) {
      writes.push(`${accountId} ${operationKey(op)}`);
      if (options.failFor?.includes(accountId)) return Promise.reject(new Error('HTTP 500'));
      held.delete(accountId);
      return Promise.resolve();
    },
    seatsHeld: (_r, accountIds) => Promise.resolve(new Set(accountIds.filter((a) => held.has(a)))),
  };
  const fresh = options.fresh ?? {
    plan: options.plan,
    snapshot: snapshotWith(['u1', 'u2', 'u3']),
    nextState: state(),
  };
  const run: ApplyReviewedPlanOptions = {
    plan: options.plan,
    policy,
    orgId: 'org-1',
    state: state(),
    clock: () => NOW,
    overrideLimits: options.overrideLimits ?? false,
    reevaluate: () => {
      reevaluations += 1;
      return Promise.resolve(fresh);
    },
    executor: options.dryRun ? dryRunExecutor() : liveExecutor(writer),
    dryRun: options.dryRun ?? false,
    audit: (row) => rows.push(row),
    auditContext: { runId: 'run-7', clock: () => NOW },
  };
  return { run, rows, writes, reevaluations: () => reevaluations };
}

const twoUsers = () =>
  finalizePlan(
    body([
      action({ accountId: 'u1', operations: [groupOp('g1'), revokeOp()] }),
      action({ accountId: 'u2' }),
    ]),
  );

describe('applying a reviewed plan', () => {
  it('applies what both plans agree on, records each write and outcome, and updates the state', async () => {
    const plan = twoUsers();
    const h = harness({ plan });
    const applied = await applyReviewedPlan(h.run);

    expect(applied.exitCode).toBe(0);
    expect(h.writes.sort()).toEqual([
      'u1 remove-group-membership dir-1 g1',
      `u1 revoke-role atlassian/user ${JIRA}`,
      'u2 remove-group-membership dir-1 jira-users',
    ]);
    expect(applied.result).toMatchObject({
      planId: plan.planId,
      dryRun: false,
      counts: { applied: 2 },
    });
    expect(h.rows.map((r) => [r.account_id, r.operation, r.target, r.outcome]).sort()).toEqual(
      [
        ['u1', 'remove-group-membership', operationTarget(groupOp('g1')), 'applied'],
        ['u1', 'revoke-role', operationTarget(revokeOp()), 'applied'],
        ['u1', '', JIRA, 'applied'],
        ['u2', 'remove-group-membership', operationTarget(groupOp('jira-users')), 'applied'],
        ['u2', '', JIRA, 'applied'],
      ].sort(),
    );
    expect(h.rows.every((r) => r.phase === 'apply' && r.plan_digest === plan.digest)).toBe(true);
    // Restore can rebuild each applied operation from its row.
    expect(
      h.rows
        .filter((r) => r.operation !== '')
        .map((r) => operationFromAudit(r.operation, r.target, 'row'))
        .filter((op) => op.type === 'revoke-role'),
    ).toEqual([revokeOp()]);
    expect(h.rows[0]).toMatchObject({
      run_id: 'run-7',
      timestamp: NOW.toISOString(),
      policy_commit: 'abc123',
    });
    expect({
      ...applied.nextState,
      licensedSince: applied.nextState!.licensedSince.toRecord(),
    }).toEqual({
      ...state(),
      licensedSince: { [`u3 ${JIRA}`]: { since: '2025-01-01T00:00:00.000Z' } },
      lastApplied: { planId: plan.planId, createdAt: plan.createdAt },
    });
  });

  it('fails the run at the end when one action failed, after applying the others', async () => {
    const h = harness({ plan: twoUsers(), failFor: ['u1'] });
    const applied = await applyReviewedPlan(h.run);
    expect(applied.exitCode).toBe(1);
    expect(applied.result.counts).toEqual({ failed: 1, applied: 1 });
    // The failed licence is still held: its licensedSince stays.
    expect(Object.keys(applied.nextState!.licensedSince.toRecord()).sort()).toEqual([
      `u1 ${JIRA}`,
      `u3 ${JIRA}`,
    ]);
  });

  it('skips what the fresh evaluation no longer plans, with a row saying why, and writes nothing for it', async () => {
    const plan = twoUsers();
    const fresh: FreshEvaluation = {
      plan: body([plan.actions[1]]),
      snapshot: snapshotWith(['u2', 'u3']),
      nextState: state(),
    };
    const h = harness({ plan, fresh });
    const applied = await applyReviewedPlan(h.run);
    expect(h.writes).toEqual(['u2 remove-group-membership dir-1 jira-users']);
    expect(applied.result.outcomes.map((o) => [o.accountId, o.outcome])).toEqual([
      ['u1', 'already-absent'],
      ['u2', 'applied'],
    ]);
    expect(h.rows.find((r) => r.account_id === 'u1')).toMatchObject({
      outcome: 'already-absent',
      operation: '',
    });
  });

  it('writes nothing in a dry run, records dry-run rows and returns no state', async () => {
    const h = harness({ plan: twoUsers(), dryRun: true });
    const applied = await applyReviewedPlan(h.run);
    expect(h.writes).toEqual([]);
    expect(applied.exitCode).toBe(0);
    expect(applied.nextState).toBeNull();
    expect(applied.result).toMatchObject({ dryRun: true, counts: { 'dry-run': 2 } });
    expect(new Set(h.rows.map((r) => r.outcome))).toEqual(new Set(['dry-run']));
    expect(h.reevaluations()).toBe(1);
  });

  it('refuses a tampered plan with one refused row, before reading or writing anything', async () => {
    const plan = twoUsers();
    const tampered = { ...plan, actions: [{ ...plan.actions[0], accountId: 'ceo' }] };
    const h = harness({ plan: tampered });
    await expect(applyReviewedPlan(h.run)).rejects.toMatchObject({ reason: 'digest-mismatch' });
    expect(h.reevaluations()).toBe(0);
    expect(h.writes).toEqual([]);
    expect(h.rows.map((r) => [r.outcome, r.plan_id, r.account_id])).toEqual([
      ['refused', plan.planId, ''],
    ]);
  });

  it('refuses when the fresh evaluation is blocked by missing activity data org-wide', async () => {
    const plan = twoUsers();
    const fresh: FreshEvaluation = {
      plan: body(plan.actions, [
        {
          code: 'activity-data-missing',
          message: 'activity for 3% of jira-software on acme',
          limit: 50,
          actual: 3,
          overridable: false,
        },
      ]),
      snapshot: snapshotWith(['u1', 'u2']),
      nextState: state(),
    };
    const h = harness({ plan, fresh, overrideLimits: true });
    const error = await applyReviewedPlan(h.run).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect(h.writes).toEqual([]);
    expect(h.rows.map((r) => r.outcome)).toEqual(['refused']);
  });

  it('skips, never applies, actions on a product+site whose fresh activity data is missing', async () => {
    const plan = finalizePlan(
      body([
        action({ accountId: 'u1' }),
        action({
          accountId: 'u2',
          product: 'confluence',
          resourceId: CONFLUENCE,
          operations: [groupOp('confluence-users')],
        }),
      ]),
    );
    const missing: BlockReason = {
      code: 'activity-data-missing',
      message: 'activity for 3% of jira-software on acme.atlassian.net',
      product: 'jira-software',
      site: 'acme.atlassian.net',
      limit: 50,
      actual: 3,
      overridable: false,
    };
    const fresh: FreshEvaluation = {
      plan: body(plan.actions, [missing]),
      snapshot: {
        ...snapshotWith(['u1']),
        resources: [
          { id: JIRA, governed: true },
          { id: CONFLUENCE, governed: true },
        ],
        users: [
          { accountId: 'u1', licensedOn: [JIRA], productAccess: [] },
          { accountId: 'u2', licensedOn: [CONFLUENCE], productAccess: [] },
        ],
      } as unknown as Snapshot,
      nextState: state(),
    };
    const h = harness({ plan, fresh });
    const applied = await applyReviewedPlan(h.run);
    expect(h.writes).toEqual(['u2 remove-group-membership dir-1 confluence-users']);
    expect(applied.result.outcomes.map((o) => [o.accountId, o.outcome])).toEqual([
      ['u1', 'skipped-policy-changed'],
      ['u2', 'applied'],
    ]);
    expect(applied.result.outcomes[0].detail).toContain('fresh activity data is missing');
  });

  it('applies a plan blocked by limits only with the override', async () => {
    const limits: BlockReason = {
      code: 'max-removals',
      message: '2 removals, limit 1',
      limit: 1,
      actual: 2,
      overridable: true,
    };
    const plan = finalizePlan(body(twoUsers().actions, [limits]));
    await expect(applyReviewedPlan(harness({ plan }).run)).rejects.toMatchObject({
      reason: 'blocked',
    });
    const h = harness({ plan, overrideLimits: true });
    expect((await applyReviewedPlan(h.run)).result.counts).toEqual({ applied: 2 });
  });
});
