/**
 * Which removals a restore gives back: only operations an apply of this very plan recorded as
 * applied, and only ones the plan's reviewed action lists. One forged row refuses everything.
 */
import { describe, expect, it } from '@jest/globals';
import { InputError, RefusedError } from '../../../src/errors.js';
import { finalizePlan } from '../../../src/plan/plan-file.js';
import {
  chooseAppliedPlanId,
  inverseOperation,
  selectAppliedRemovals,
  type LocatedRow,
} from '../../../src/restore/select.js';
import { JIRA, action, appliedPlan, applyRows, removeFrom } from './fixtures.js';

function refusal(fn: () => unknown): RefusedError {
  try {
    fn();
  } catch (error: unknown) {
    if (error instanceof RefusedError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('selectAppliedRemovals', () => {
  it('gives back the plan operations the apply recorded as applied, in the plan order', () => {
    const plan = appliedPlan();
    const removals = selectAppliedRemovals({
      rows: applyRows(plan),
      plan,
      planSource: 'plan.json',
    });
    expect(removals.map((r) => [r.action.accountId, r.operations])).toEqual([
      ['alice', [removeFrom('g-users', 'jira-users')]],
      [
        'bob',
        [
          removeFrom('g-users', 'jira-users'),
          { type: 'revoke-role', role: 'atlassian/user', resourceId: JIRA },
        ],
      ],
    ]);
  });

  it('leaves out operations that failed or were already absent', () => {
    const plan = appliedPlan();
    const rows = applyRows(plan, {
      'alice remove-group-membership': 'already-absent',
      'bob revoke-role': 'failed',
    });
    const removals = selectAppliedRemovals({ rows, plan, planSource: 'plan.json' });
    expect(removals.map((r) => [r.action.accountId, r.operations.map((o) => o.type)])).toEqual([
      ['bob', ['remove-group-membership']],
    ]);
  });

  it('uses the plan’s own operation, never text from the row (a renamed group keeps the reviewed name)', () => {
    const plan = appliedPlan();
    const rows = applyRows(plan).map((l) =>
      l.row.account_id === 'alice' && l.row.operation !== ''
        ? {
            ...l,
            row: {
              ...l.row,
              target: JSON.stringify({ directoryId: 'dir-1', groupId: 'g-users', groupName: 'x' }),
            },
          }
        : l,
    );
    const [alice] = selectAppliedRemovals({ rows, plan, planSource: 'plan.json' });
    expect(alice?.operations).toEqual([removeFrom('g-users', 'jira-users')]);
  });

  it('narrows to --only accounts, but still checks every row of the plan', () => {
    const plan = appliedPlan();
    const rows = applyRows(plan);
    expect(
      selectAppliedRemovals({ rows, plan, planSource: 'p', only: ['bob'] }).map(
        (r) => r.action.accountId,
      ),
    ).toEqual(['bob']);
    const forged: LocatedRow = {
      row: {
        ...rows[0].row,
        target: JSON.stringify({ directoryId: 'dir-1', groupId: 'g-admins', groupName: 'admins' }),
      },
      where: 'apply.csv row 99',
    };
    expect(
      refusal(() =>
        selectAppliedRemovals({ rows: [...rows, forged], plan, planSource: 'p', only: ['bob'] }),
      ).message,
    ).toContain('apply.csv row 99: plan');
  });

  it('an --only account with nothing applied is an input error', () => {
    const plan = appliedPlan();
    expect(() =>
      selectAppliedRemovals({
        rows: applyRows(plan),
        plan,
        planSource: 'p',
        only: ['carol', 'zed'],
      }),
    ).toThrow(
      new InputError(
        `--only: no applied removal of plan ${plan.planId} is recorded for carol, zed`,
      ),
    );
  });

  describe('forged or edited rows refuse the whole restore', () => {
    const plan = appliedPlan();
    const rows = applyRows(plan);
    const base = rows[0].row;
    const cases: Array<[string, Partial<typeof base>, string]> = [
      [
        'a group the plan never listed',
        {
          target: JSON.stringify({
            directoryId: 'dir-1',
            groupId: 'g-admins',
            groupName: 'admins',
          }),
        },
        'lists no remove-group-membership',
      ],
      ['another account', { account_id: 'mallory' }, 'for account mallory'],
      ['another product', { product: 'confluence' }, 'on confluence acme.atlassian.net'],
      [
        'an operation of an action that was never planned',
        {
          account_id: 'carol',
          target: JSON.stringify({ directoryId: 'dir-1', groupId: 'g-idp', groupName: 'idp-jira' }),
        },
        'for account carol',
      ],
      ['a digest that is not the plan’s', { plan_digest: '0'.repeat(64) }, 'carries digest'],
      [
        'an operation a removal never runs',
        { operation: 'add-group-membership' },
        'not an operation a removal plan applies',
      ],
      ['a target that is not JSON', { target: 'group:g-users' }, 'the operation cannot be read'],
    ];
    it.each(cases)('%s', (_name, change, message) => {
      const forged = { row: { ...base, ...change }, where: 'apply.csv row 7' };
      const error = refusal(() =>
        selectAppliedRemovals({ rows: [rows[1], forged], plan, planSource: 'plan.json' }),
      );
      expect(error.reason).toBe('audit-mismatch');
      expect(error.message).toContain('apply.csv row 7: ');
      expect(error.message).toContain(message);
      expect(error.message).toContain(
        'the audit was forged or edited, so nothing in it is restored',
      );
    });
  });

  it('ignores refusal rows (written before the digest check) and rows of other plans', () => {
    const plan = appliedPlan();
    const other = appliedPlan([action('zed', [removeFrom('g-users')])]);
    const refused = {
      ...applyRows(plan)[0].row,
      outcome: 'refused' as const,
      operation: '',
      plan_digest: 'b'.repeat(64),
    };
    const rows = [...applyRows(plan), { row: refused, where: 'r' }, ...applyRows(other)];
    expect(selectAppliedRemovals({ rows, plan, planSource: 'p' })).toHaveLength(2);
  });

  it('refuses a plan file edited after it was generated, and a plan that is not a removal plan', () => {
    const plan = appliedPlan();
    const edited = { ...plan, actions: plan.actions.slice(1) };
    expect(
      refusal(() =>
        selectAppliedRemovals({ rows: applyRows(plan), plan: edited, planSource: 'plan.json' }),
      ).reason,
    ).toBe('digest-mismatch');
    const { planId: _id, digest: _digest, ...body } = plan;
    const restore = finalizePlan({ ...body, kind: 'restore' });
    expect(() => selectAppliedRemovals({ rows: [], plan: restore, planSource: 'r.json' })).toThrow(
      InputError,
    );
  });
});

describe('chooseAppliedPlanId', () => {
  const one = appliedPlan();
  const two = appliedPlan([action('zed', [removeFrom('g-users')])]);
  it('takes the only plan with applied removals', () => {
    expect(chooseAppliedPlanId(applyRows(one), undefined, 'a.csv')).toBe(one.planId);
  });
  it('asks for --plan-id when several plans were applied', () => {
    expect(() =>
      chooseAppliedPlanId([...applyRows(one), ...applyRows(two)], undefined, 'a.csv'),
    ).toThrow(/applied removals of 2 plans are recorded .*choose one with --plan-id/);
    expect(chooseAppliedPlanId([...applyRows(one), ...applyRows(two)], two.planId, 'a.csv')).toBe(
      two.planId,
    );
  });
  it('is an input error when nothing was applied, or the named plan was not', () => {
    const notApplied = applyRows(one).map((l) => ({
      ...l,
      row: { ...l.row, outcome: 'dry-run' as const },
    }));
    expect(() => chooseAppliedPlanId(notApplied, undefined, 'a.csv')).toThrow(
      /no applied removal is recorded/,
    );
    expect(() => chooseAppliedPlanId(applyRows(one), two.planId, 'a.csv')).toThrow(
      new RegExp(
        `no applied removal of plan ${two.planId}.*plans with applied removals: ${one.planId}`,
      ),
    );
  });
});

describe('inverseOperation', () => {
  it('adds back a removed membership, assigns a revoked role, restores a suspended account', () => {
    expect(
      inverseOperation({
        type: 'remove-group-membership',
        directoryId: 'd',
        groupId: 'g',
        groupName: 'n',
      }),
    ).toEqual({ type: 'add-group-membership', directoryId: 'd', groupId: 'g', groupName: 'n' });
    expect(
      inverseOperation({ type: 'revoke-role', role: 'atlassian/user', resourceId: JIRA }),
    ).toEqual({ type: 'assign-role', role: 'atlassian/user', resourceId: JIRA });
    expect(inverseOperation({ type: 'suspend', directoryId: 'd' })).toEqual({
      type: 'restore-user',
      directoryId: 'd',
    });
  });
});
