import { describe, expect, it } from '@jest/globals';
import { findCandidates } from '../../../src/engine/index.js';
import {
  NOW,
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

const JIRA = resourceIdOf('jira-software', 'acme.atlassian.net');
const jiraRule = (spec: Parameters<typeof aRule>[0] = {}) =>
  aRule({ id: 'jira-30d', product: 'jira-software', inactiveDays: 30, ...spec });

function org(users: Record<string, UserSpec>, active = 3): OrgBuilder {
  const builder = anOrg()
    .withJiraAndConfluence()
    .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
    .withGroup('okta-jira', { grants: { jira: ['atlassian/user'] }, externalSynced: true });
  for (let i = 1; i <= active; i++) {
    builder.withUser(`active-${i}`, { groups: ['jira-users'], activity: { jira: daysAgo(1) } });
  }
  for (const [id, spec] of Object.entries(users))
    builder.withUser(id, { groups: ['jira-users'], ...spec });
  return builder;
}

describe('SPEC §3 Upcoming: users who become eligible within noticeDays', () => {
  it('lists a user crossing the threshold within the notice period, with the moment they will', () => {
    const builder = org({
      soon: { activity: { jira: daysAgo(25) } },
      later: { activity: { jira: daysAgo(23.5) } },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(plan.upcoming).toEqual([
      {
        accountId: 'soon',
        email: 'soon@example.com',
        name: 'Soon',
        product: 'jira-software',
        site: 'acme.atlassian.net',
        resourceId: JIRA,
        ruleId: 'jira-30d',
        eligibleAt: '2026-12-06T12:00:00.000Z',
        lastActive: daysAgo(25),
      },
    ]);
  });

  it('lists never-active users reaching the end of their grace period', () => {
    const builder = org({ fresh: {} });
    const state = aState([
      { accountId: 'fresh', resourceId: JIRA, since: daysAgo(28) },
      { accountId: 'active-1', resourceId: JIRA, since: daysAgo(300) },
    ]);
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder, { state });
    expect(plan.upcoming.map((u) => [u.accountId, u.eligibleAt, u.lastActive])).toEqual([
      ['fresh', '2026-12-03T12:00:00.000Z', null],
    ]);
  });

  it('follows each rule’s noticeDays, and leaves out excluded users', () => {
    const builder = org({
      soon: { activity: { jira: daysAgo(25) } },
      kept: { activity: { jira: daysAgo(25) } },
    });
    const silent = aPolicy({ rules: [jiraRule({ noticeDays: 3 })] });
    expect(evaluateFor(silent, builder).plan.upcoming).toEqual([]);
    const policy = aPolicy({
      rules: [jiraRule()],
      exclude: { accounts: [excludeAccount({ accountId: 'kept' })] },
    });
    expect(evaluateFor(policy, builder).plan.upcoming.map((u) => u.accountId)).toEqual(['soon']);
  });
});

describe('SPEC §2 limits: too many removals block the plan (overridable), which is still a full plan', () => {
  const idle = (n: number) =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `idle-${String(i).padStart(2, '0')}`,
        { activity: { jira: daysAgo(60) } },
      ]),
    );

  it('blocks above maxRemovals per plan', () => {
    const { plan } = evaluateFor(
      aPolicy({ rules: [jiraRule()], limits: { maxRemovals: 2 } }),
      org(idle(3)),
    );
    expect(plan.actions).toHaveLength(3);
    expect(plan.blocked).toEqual([
      {
        code: 'max-removals',
        message: '3 removals planned, more than the limit of 2 per plan',
        limit: 2,
        actual: 3,
        overridable: true,
      },
    ]);
    expect(
      evaluateFor(aPolicy({ rules: [jiraRule()], limits: { maxRemovals: 3 } }), org(idle(3))).plan
        .blocked,
    ).toEqual([]);
  });

  it('blocks above maxRemovalsPercent of one product+site', () => {
    // 60 licensed: 7 removals is 11.7% (> 10%), 6 is exactly 10%.
    const { plan } = evaluateFor(
      aPolicy({ rules: [jiraRule()], limits: { maxRemovalsPercent: 10 } }),
      org(idle(7), 53),
    );
    expect(plan.blocked).toEqual([
      {
        code: 'max-removals-percent',
        message:
          'jira-software on acme.atlassian.net: 7 of 60 licensed users (11.7%) would be removed, more than the limit of 10%',
        product: 'jira-software',
        site: 'acme.atlassian.net',
        limit: 10,
        actual: 11.7,
        overridable: true,
      },
    ]);
    const atLimit = evaluateFor(
      aPolicy({ rules: [jiraRule()], limits: { maxRemovalsPercent: 10 } }),
      org(idle(6), 54),
    );
    expect(atLimit.plan.blocked).toEqual([]);
  });

  it('exempts sites under 50 seats from the percent limit', () => {
    const { plan } = evaluateFor(
      aPolicy({ rules: [jiraRule()], limits: { maxRemovalsPercent: 10 } }),
      org(idle(20), 29),
    );
    expect(plan.summary[0].licensed).toBe(49);
    expect(plan.blocked).toEqual([]);
  });

  it('counts only planned removals (an IdP change is not a removal this plan makes)', () => {
    const builder = org({
      synced: { groups: ['okta-jira'], activity: { jira: daysAgo(60) } },
      idle: { activity: { jira: daysAgo(60) } },
    });
    const { plan } = evaluateFor(
      aPolicy({ rules: [jiraRule()], limits: { maxRemovals: 1 } }),
      builder,
    );
    expect(plan.blocked).toEqual([]);
    expect(plan.summary[0].toRemove).toBe(1);
  });
});

describe('SPEC §2 countApiTokenUse: for managed accounts, API-token use within the threshold is activity', () => {
  const managed = (token: string | null | undefined, extra: UserSpec = {}): UserSpec => ({
    claimStatus: 'managed',
    activity: { jira: daysAgo(90) },
    ...(token !== undefined ? { apiTokenLastUsed: token } : {}),
    ...extra,
  });

  it('keeps a managed account whose token was used within the threshold, and names it in a warning', () => {
    const builder = org({
      integration: managed(daysAgo(3)),
      idle: managed(daysAgo(45)),
      never: managed(null),
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(plan.actions.map((a) => a.accountId)).toEqual(['idle', 'never']);
    expect(plan.warnings.filter((w) => w.code === 'api-token-activity')).toEqual([
      {
        code: 'api-token-activity',
        message:
          'jira-software on acme.atlassian.net: 1 user(s) not removed because they used an API token within the threshold ' +
          '(API-token use counts as activity): integration@example.com (3 days ago, 2026-11-27)',
      },
    ]);
  });

  it('ignores token use for unmanaged accounts and for rules that do not count it', () => {
    const builder = org({
      unmanaged: managed(daysAgo(3), { claimStatus: 'unmanaged' }),
      integration: managed(daysAgo(3)),
    });
    expect(
      evaluateFor(aPolicy({ rules: [jiraRule()] }), builder).plan.actions.map((a) => a.accountId),
    ).toEqual(['unmanaged']);
    const notCounting = aPolicy({ rules: [jiraRule({ countApiTokenUse: false })] });
    expect(evaluateFor(notCounting, builder).plan.actions.map((a) => a.accountId)).toEqual([
      'integration',
      'unmanaged',
    ]);
  });

  it('lists a managed candidate whose token use was not read (or could not be) as activity unknown', () => {
    const builder = org({
      unread: managed(undefined),
      forbidden: managed(undefined, { apiTokenUnavailable: true }),
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(plan.actions).toEqual([]);
    expect(plan.activityUnknown.map((u) => [u.accountId, u.reason])).toEqual([
      [
        'forbidden',
        'the rule counts API-token use as activity, and the API-token use of this account was not read',
      ],
      [
        'unread',
        'the rule counts API-token use as activity, and the API-token use of this account was not read',
      ],
    ]);
  });

  it('asks for token reads of managed candidates only', () => {
    const builder = org({
      integration: managed(undefined),
      unmanaged: { activity: { jira: daysAgo(90) } },
      fresh: managed(undefined, { activity: { jira: daysAgo(2) } }),
    });
    expect(findCandidates(aPolicy({ rules: [jiraRule()] }), builder.build(), null, NOW)).toEqual({
      roleReads: ['integration', 'unmanaged'],
      apiTokenReads: ['integration'],
    });
  });
});

describe('SPEC §2 countApiTokenUse with keepAtMost on the same product+site', () => {
  it('lists a seat kept by API-token use once, though both rules looked at it', () => {
    const builder = org({
      integration: {
        claimStatus: 'managed',
        activity: { jira: daysAgo(90) },
        apiTokenLastUsed: daysAgo(2),
      },
      unread: { claimStatus: 'managed', activity: { jira: daysAgo(90) } },
    });
    const policy = aPolicy({
      rules: [
        jiraRule(),
        aRule({ id: 'jira-keep-1', product: 'jira-software', keepAtMost: 1, inactiveDays: 14 }),
      ],
    });
    const { plan } = evaluateFor(policy, builder);
    expect(plan.activityUnknown.map((u) => u.accountId)).toEqual(['unread']);
    expect(
      plan.warnings.filter((w) => w.code === 'api-token-activity').map((w) => w.message),
    ).toEqual([
      'jira-software on acme.atlassian.net: 1 user(s) not removed because they used an API token within the threshold ' +
        '(API-token use counts as activity): integration@example.com (2 days ago, 2026-11-28)',
    ]);
  });
});
