import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decideApply, freshFactsOf, type ApplyDecision } from '../../../src/apply/intersect.js';
import { operationKey } from '../../../src/apply/operations.js';
import type { ActionStatus, Operation, PlanAction } from '../../../src/plan/types.js';
import type { Snapshot } from '../../../src/snapshot/types.js';
import { CONFLUENCE, JIRA, action, facts, groupOp, revokeOp } from './builders.js';
import { productAccessOf } from '../../../src/snapshot/product-access.js';

const noProtected = { protected: [] };

function only(decisions: ApplyDecision[]): ApplyDecision {
  expect(decisions).toHaveLength(1);
  return decisions[0];
}

describe('deciding what apply may do', () => {
  it('executes a reviewed action that the fresh evaluation plans identically', () => {
    const reviewed = action({ accountId: 'u1', operations: [groupOp('g1'), revokeOp()] });
    const decision = only(
      decideApply([reviewed], { actions: [reviewed], ...noProtected }, facts({})),
    );
    expect(decision).toEqual({
      kind: 'execute',
      action: reviewed,
      operations: [groupOp('g1'), revokeOp()],
      notNeeded: [],
    });
  });

  it('drops a reviewed operation the fresh evaluation no longer needs (the membership is gone)', () => {
    const reviewed = action({ accountId: 'u1', operations: [groupOp('g1'), groupOp('g2')] });
    const fresh = { ...reviewed, operations: [groupOp('g2')] };
    const decision = only(decideApply([reviewed], { actions: [fresh], ...noProtected }, facts({})));
    expect(decision).toMatchObject({
      kind: 'execute',
      operations: [groupOp('g2')],
      notNeeded: [groupOp('g1')],
    });
  });

  it('treats a renamed group as the same operation (ids decide, names are informational)', () => {
    const reviewed = action({ accountId: 'u1', operations: [groupOp('g1')] });
    const fresh = {
      ...reviewed,
      operations: [{ ...groupOp('g1'), groupName: 'renamed' } as Operation],
    };
    const decision = only(decideApply([reviewed], { actions: [fresh], ...noProtected }, facts({})));
    expect(decision).toMatchObject({ kind: 'execute', operations: [groupOp('g1')] });
  });

  it('skips as policy-changed when removing the seat now needs an operation nobody reviewed', () => {
    const reviewed = action({ accountId: 'u1', operations: [groupOp('g1')] });
    const fresh = { ...reviewed, operations: [groupOp('g1'), groupOp('g-new')] };
    const decision = only(decideApply([reviewed], { actions: [fresh], ...noProtected }, facts({})));
    expect(decision).toMatchObject({ kind: 'skip', outcome: 'skipped-policy-changed' });
    expect(decision.kind === 'skip' && decision.detail).toContain('g-new');
  });

  it('skips as now-excluded when the fresh evaluation protects the user', () => {
    const reviewed = action({ accountId: 'u1' });
    const decision = only(
      decideApply(
        [reviewed],
        {
          actions: [],
          protected: [
            {
              accountId: 'u1',
              email: null,
              name: null,
              product: 'jira-software',
              site: 'acme.atlassian.net',
              resourceId: JIRA,
              ruleIds: ['jira-inactive-30d'],
              reason: 'Keeps Jira for the audit',
              exclusion: 'account',
            },
          ],
        },
        facts({ licensed: [['u1', JIRA]] }),
      ),
    );
    expect(decision).toMatchObject({
      kind: 'skip',
      outcome: 'skipped-now-excluded',
      detail: 'now protected: Keeps Jira for the audit',
    });
  });

  it('skips as now-active when fresh data shows activity after the reviewed last activity', () => {
    const reviewed = action({ accountId: 'u1', lastActive: '2026-01-01T00:00:00.000Z' });
    const decision = only(
      decideApply(
        [reviewed],
        { actions: [], ...noProtected },
        facts({ licensed: [['u1', JIRA]], activity: { u1: '2026-03-01T00:00:00.000Z' } }),
      ),
    );
    expect(decision).toMatchObject({ kind: 'skip', outcome: 'skipped-now-active' });
  });

  it('skips as now-active a never-active user who has since used the product', () => {
    const reviewed = action({ accountId: 'u1', lastActive: null });
    const decision = only(
      decideApply(
        [reviewed],
        { actions: [], ...noProtected },
        facts({ licensed: [['u1', JIRA]], activity: { u1: '2026-03-01T00:00:00.000Z' } }),
      ),
    );
    expect(decision).toMatchObject({ kind: 'skip', outcome: 'skipped-now-active' });
  });

  it('reports a seat that is gone from a governed resource as already-absent', () => {
    const reviewed = action({ accountId: 'u1' });
    const decision = only(
      decideApply([reviewed], { actions: [], ...noProtected }, facts({ licensed: [] })),
    );
    expect(decision).toMatchObject({ kind: 'skip', outcome: 'already-absent' });
  });

  it('does not claim already-absent for a resource the current policy no longer reads', () => {
    const reviewed = action({ accountId: 'u1' });
    const decision = only(
      decideApply([reviewed], { actions: [], ...noProtected }, facts({ governed: [CONFLUENCE] })),
    );
    expect(decision).toMatchObject({ kind: 'skip', outcome: 'skipped-policy-changed' });
  });

  it('skips as policy-changed when the rule no longer selects the user', () => {
    const reviewed = action({ accountId: 'u1' });
    const decision = only(
      decideApply(
        [reviewed],
        { actions: [], ...noProtected },
        facts({ licensed: [['u1', JIRA]], activity: { u1: '2026-01-01T00:00:00.000Z' } }),
      ),
    );
    expect(decision).toMatchObject({
      kind: 'skip',
      outcome: 'skipped-policy-changed',
      detail: 'no rule of the current policy selects it now',
    });
  });

  it('skips as policy-changed when the fresh evaluation now needs an IdP change', () => {
    const reviewed = action({ accountId: 'u1' });
    const fresh = { ...reviewed, status: 'needs-idp-change' as const, notes: ['group is synced'] };
    const decision = only(
      decideApply(
        [reviewed],
        { actions: [fresh], ...noProtected },
        facts({ licensed: [['u1', JIRA]] }),
      ),
    );
    expect(decision).toMatchObject({
      kind: 'skip',
      outcome: 'skipped-policy-changed',
      detail: 'the fresh evaluation makes it needs-idp-change: group is synced',
    });
  });

  it('skips as policy-changed, naming it, when the current policy now suspends instead', () => {
    const reviewed = action({ accountId: 'u1' });
    const fresh = {
      ...reviewed,
      id: 'act-suspend-u1',
      kind: 'suspend' as const,
      operations: [{ type: 'suspend' as const, directoryId: 'dir-1' }],
    };
    const decision = only(
      decideApply(
        [reviewed],
        { actions: [fresh], ...noProtected },
        facts({ licensed: [['u1', JIRA]] }),
      ),
    );
    expect(decision).toMatchObject({
      kind: 'skip',
      outcome: 'skipped-policy-changed',
      detail: 'the current policy now makes it a suspend (planned), which was not reviewed',
    });
  });

  it('never acts on reviewed actions that were not planned', () => {
    const reviewed = action({ accountId: 'u1', status: 'needs-manual' });
    expect(decideApply([reviewed], { actions: [reviewed], ...noProtected }, facts({}))).toEqual([]);
  });

  it('refuses to match a fresh action whose id collides but whose subject differs', () => {
    const reviewed = action({ accountId: 'u1' });
    const fresh = { ...reviewed, accountId: 'u2' };
    const decision = only(
      decideApply(
        [reviewed],
        { actions: [fresh], ...noProtected },
        facts({ licensed: [['u1', JIRA]] }),
      ),
    );
    expect(decision.kind).toBe('skip');
  });
});

describe('fresh facts from a snapshot', () => {
  it('reads licensed seats, governed resources and the later of product and API-token activity', () => {
    const snapshot = {
      resources: [
        { id: JIRA, governed: true },
        { id: CONFLUENCE, governed: false },
      ],
      users: [
        {
          accountId: 'u1',
          licensedOn: [JIRA],
          productAccess: productAccessOf([
            { id: JIRA, key: 'jira', lastActive: '2026-01-01T00:00:00.000Z' },
            { id: CONFLUENCE, key: 'confluence', lastActive: '2026-05-01T00:00:00.000Z' },
          ]),
        },
      ],
      apiTokenLastUsed: new Map([['u1', '2026-02-01T00:00:00.000Z']]),
    } as unknown as Snapshot;
    const f = freshFactsOf(snapshot);
    expect([...f.governedResourceIds]).toEqual([JIRA]);
    expect(f.licensedSeats.has(`u1 ${JIRA}`)).toBe(true);
    expect(f.lastActivity('u1', JIRA)).toBe('2026-02-01T00:00:00.000Z');
    expect(f.lastActivity('u2', JIRA)).toBeUndefined();
  });
});

// Property: for any pair of plans, every executed operation is listed by a planned action of
// the reviewed plan AND by a planned action of the fresh evaluation for the same subject.
describe('safety property of apply decisions', () => {
  const accounts = ['a', 'b', 'c', 'd'];
  const resources = [JIRA, CONFLUENCE];
  const ops: Operation[] = [
    groupOp('g1'),
    groupOp('g2'),
    groupOp('g1', 'dir-2'),
    revokeOp(JIRA),
    revokeOp(CONFLUENCE),
    revokeOp(JIRA, 'atlassian/admin'),
    { type: 'suspend', directoryId: 'dir-1' },
  ];
  const statuses: ActionStatus[] = [
    'planned',
    'planned',
    'needs-idp-change',
    'needs-manual',
    'needs-review',
    'skipped-collateral',
  ];
  const arbAction = fc
    .record({
      accountId: fc.constantFrom(...accounts),
      resourceId: fc.constantFrom(...resources),
      idAccount: fc.constantFrom(...accounts),
      status: fc.constantFrom(...statuses),
      kind: fc.constantFrom('remove-product-access' as const, 'suspend' as const),
      operations: fc.subarray(ops),
      lastActive: fc.option(
        fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'),
      ),
    })
    // The id usually follows the subject, but sometimes collides with another account's.
    .map((r): PlanAction => ({
      ...action({ accountId: r.accountId, resourceId: r.resourceId }),
      id: `act-${r.idAccount}-${r.resourceId}`,
      status: r.status,
      kind: r.kind,
      operations: r.operations,
      lastActive: r.lastActive,
    }));
  const arbPlan = fc.uniqueArray(arbAction, { selector: (a) => a.id, maxLength: 8 });

  it('executes only operations both the reviewed and the fresh plan list for the same subject', () => {
    fc.assert(
      fc.property(
        arbPlan,
        arbPlan,
        fc.subarray(accounts),
        fc.subarray(accounts),
        (reviewed, fresh, licensed, active) => {
          const decisions = decideApply(
            reviewed,
            { actions: fresh, protected: [] },
            facts({
              licensed: licensed.flatMap((a) => resources.map((r) => [a, r] as [string, string])),
              activity: Object.fromEntries(active.map((a) => [a, '2026-06-01T00:00:00.000Z'])),
            }),
          );
          // One decision per reviewed planned action, in order.
          expect(decisions.map((d) => d.action)).toEqual(
            reviewed.filter((a) => a.status === 'planned'),
          );
          for (const decision of decisions) {
            if (decision.kind !== 'execute') continue;
            const r = reviewed.find((a) => a.id === decision.action.id)!;
            const f = fresh.find((a) => a.id === decision.action.id);
            expect(r.status).toBe('planned');
            expect(f?.status).toBe('planned');
            expect([f!.accountId, f!.resourceId, f!.kind]).toEqual([
              r.accountId,
              r.resourceId,
              r.kind,
            ]);
            expect(decision.operations.length).toBeGreaterThan(0);
            for (const op of decision.operations) {
              expect(r.operations.map(operationKey)).toContain(operationKey(op));
              expect(f!.operations.map(operationKey)).toContain(operationKey(op));
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
