import { describe, expect, it } from '@jest/globals';
import type { PlanBody } from '../../../src/plan/types.js';
import {
  aPolicy,
  aRule,
  aState,
  anOrg,
  daysAgo,
  evaluateFor,
  excludeAccount,
  resourceIdOf,
  type OrgBuilder,
  type UserSpec,
} from './builders.js';

const CONFLUENCE = resourceIdOf('confluence', 'acme.atlassian.net');
const keep = (target: number, spec: Parameters<typeof aRule>[0] = {}) =>
  aRule({
    id: `confluence-keep-${target}`,
    product: 'confluence',
    keepAtMost: target,
    inactiveDays: 14,
    ...spec,
  });

/**
 * Confluence on acme with 8 licensed users: two never active (licensed 200 and 100 days ago),
 * three inactive for 60, 30 and 20 days, three active within the last 5 days.
 */
function org(extra: Record<string, UserSpec> = {}): OrgBuilder {
  const builder = anOrg()
    .withJiraAndConfluence()
    .withGroup('confluence-users', { grants: { confluence: ['atlassian/user'] } });
  const users: Record<string, UserSpec> = {
    'never-200': {},
    'never-100': {},
    'idle-60': { activity: { confluence: daysAgo(60) } },
    'idle-30': { activity: { confluence: daysAgo(30) } },
    'idle-20': { activity: { confluence: daysAgo(20) } },
    'recent-5': { activity: { confluence: daysAgo(5) } },
    'recent-2': { activity: { confluence: daysAgo(2) } },
    'recent-1': { activity: { confluence: daysAgo(1) } },
    ...extra,
  };
  for (const [id, spec] of Object.entries(users))
    builder.withUser(id, { groups: ['confluence-users'], ...spec });
  return builder;
}

const state = aState([
  { accountId: 'never-200', resourceId: CONFLUENCE, since: daysAgo(200) },
  { accountId: 'never-100', resourceId: CONFLUENCE, since: daysAgo(100) },
  ...['idle-60', 'idle-30', 'idle-20', 'recent-5', 'recent-2', 'recent-1'].map((accountId) => ({
    accountId,
    resourceId: CONFLUENCE,
    since: daysAgo(500),
  })),
]);

const picked = (plan: PlanBody) =>
  plan.actions.filter((a) => a.status === 'planned').map((a) => a.accountId);

describe('SPEC §3 keepAtMost: remove the longest-inactive until the product+site is at its target', () => {
  it('picks never-active users first (oldest licence first), then the oldest activity, and stops at the target', () => {
    const { plan } = evaluateFor(aPolicy({ rules: [keep(5)] }), org(), { state });
    // Sorted by email in the plan; the pick order is never-200, never-100, idle-60.
    expect(picked(plan).sort()).toEqual(['idle-60', 'never-100', 'never-200']);
    expect(plan.summary[0]).toMatchObject({ licensed: 8, toRemove: 3, after: 5 });
    expect(plan.summary[0].shortOfTarget).toBeUndefined();
    expect(plan.actions.find((a) => a.accountId === 'idle-60')!.reason).toBe(
      'inactive 60 days (floor 14 + 24 h activity lag); picked to keep at most 5 seats',
    );
    expect(plan.actions.find((a) => a.accountId === 'never-200')!.reason).toBe(
      'never active; licensed since 2026-05-14 (grace 14 days); picked to keep at most 5 seats',
    );
  });

  it('picks the older never-active licence before the younger one', () => {
    const { plan } = evaluateFor(aPolicy({ rules: [keep(7)] }), org(), { state });
    expect(picked(plan)).toEqual(['never-200']);
  });

  it('never removes anyone active within its (lag-adjusted) floor, and says how far the target is missed', () => {
    const builder = org({ 'idle-14.5': { activity: { confluence: daysAgo(14.5) } } });
    const { plan } = evaluateFor(aPolicy({ rules: [keep(2)] }), builder, { state });
    expect(picked(plan).sort()).toEqual([
      'idle-20',
      'idle-30',
      'idle-60',
      'never-100',
      'never-200',
    ]);
    expect(plan.summary[0]).toMatchObject({ licensed: 9, toRemove: 5, after: 4, shortOfTarget: 2 });
    expect(plan.warnings.filter((w) => w.code === 'target-unreachable')).toEqual([
      {
        code: 'target-unreachable',
        message:
          'confluence on acme.atlassian.net: rule confluence-keep-2 keeps at most 2 seats, but 4 remain after this plan: ' +
          '2 seat(s) short of the target',
      },
    ]);
  });

  it('runs after the threshold rules, counting only the seats their planned removals leave', () => {
    const threshold = aRule({
      id: 'confluence-45d',
      product: 'confluence',
      inactiveDays: 45,
      neverActive: { include: false },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [keep(5), threshold] }), org(), { state });
    expect(plan.actions.map((a) => [a.accountId, a.ruleIds])).toEqual([
      ['idle-60', ['confluence-45d']],
      ['never-100', ['confluence-keep-5']],
      ['never-200', ['confluence-keep-5']],
    ]);
  });

  it('does nothing when the product+site is already at or below the target', () => {
    const { plan } = evaluateFor(aPolicy({ rules: [keep(8)] }), org(), { state });
    expect(plan.actions).toEqual([]);
  });

  it('skips excluded users (listed as protected) and keeps picking', () => {
    const policy = aPolicy({
      rules: [keep(6)],
      exclude: { accounts: [excludeAccount({ accountId: 'never-200' }, { reason: 'Sabbatical' })] },
    });
    const { plan } = evaluateFor(policy, org(), { state });
    expect(picked(plan).sort()).toEqual(['idle-60', 'never-100']);
    expect(plan.protected.map((p) => [p.accountId, p.ruleIds, p.reason])).toEqual([
      ['never-200', ['confluence-keep-6'], 'Sabbatical'],
    ]);
  });

  it('passes over users whose removal would not free the seat (IdP group, locked group) and keeps picking', () => {
    const builder = org()
      .withGroup('okta-confluence', {
        grants: { confluence: ['atlassian/user'] },
        externalSynced: true,
      })
      .withGroup('locked-confluence', {
        grants: { confluence: ['atlassian/user'] },
        modifiable: false,
      })
      .updateUser('never-200', { groups: ['okta-confluence'] })
      .updateUser('never-100', { groups: ['locked-confluence'] });
    const { plan } = evaluateFor(aPolicy({ rules: [keep(6)] }), builder, { state });
    expect(plan.actions.map((a) => [a.accountId, a.status])).toEqual([
      ['idle-30', 'planned'],
      ['idle-60', 'planned'],
    ]);
  });

  it('names the users it passed over when the target cannot be met', () => {
    const builder = org()
      .withGroup('okta-confluence', {
        grants: { confluence: ['atlassian/user'] },
        externalSynced: true,
      })
      .updateUser('never-200', { groups: ['okta-confluence'] });
    const { plan } = evaluateFor(aPolicy({ rules: [keep(3)] }), builder, { state });
    expect(plan.summary[0]).toMatchObject({ toRemove: 4, after: 4, shortOfTarget: 1 });
    expect(plan.warnings.find((w) => w.code === 'target-unreachable')!.message).toBe(
      'confluence on acme.atlassian.net: rule confluence-keep-3 keeps at most 3 seats, but 4 remain after this plan: ' +
        '1 seat(s) short of the target (eligible users passed over because removing them would not free the seat: 1 needs-idp-change)',
    );
  });
});
