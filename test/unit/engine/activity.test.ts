import { describe, expect, it } from '@jest/globals';
import type { PlanBody } from '../../../src/plan/types.js';
import {
  NOW,
  aPolicy,
  aRule,
  aState,
  anOrg,
  daysAgo,
  evaluateFor,
  plus,
  resourceIdOf,
  siteIdOf,
  type OrgBuilder,
} from './builders.js';

const JIRA_ACME = resourceIdOf('jira-software', 'acme.atlassian.net');

/** Jira on acme and beta, Confluence on acme; `active` users keep the activity coverage up. */
function org(active = 3): OrgBuilder {
  const builder = anOrg()
    .withJiraAndConfluence()
    .withResource('jira-beta', { product: 'jira-software', site: 'beta.atlassian.net' })
    .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
    .withGroup('jira-beta-users', { grants: { 'jira-beta': ['atlassian/user'] } });
  for (let i = 1; i <= active; i++) {
    builder.withUser(`active-${i}`, { groups: ['jira-users'], activity: { jira: daysAgo(1) } });
  }
  return builder;
}

const jiraRule = (spec: Parameters<typeof aRule>[0] = {}) =>
  aRule({
    id: 'jira-30d',
    product: 'jira-software',
    sites: ['acme.atlassian.net'],
    inactiveDays: 30,
    ...spec,
  });

const accountsIn = (plan: PlanBody) => plan.actions.map((a) => a.accountId);

describe('SPEC §3 Activity: the productAccess entry whose id is exactly the resource ARI', () => {
  it('does not count activity on another site of the same product (beta does not keep acme)', () => {
    const builder = org().withUser('dana', {
      groups: ['jira-users', 'jira-beta-users'],
      activity: { 'jira-beta': daysAgo(1) },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    const action = plan.actions.find((a) => a.accountId === 'dana');
    expect(action).toMatchObject({
      site: 'acme.atlassian.net',
      lastActive: null,
      status: 'planned',
    });
    expect(action!.reason).toMatch(/^never active; licensed since /);
  });

  it('does not count activity on another product of the same site (Confluence does not keep Jira)', () => {
    const builder = org()
      .withGroup('confluence-users', { grants: { confluence: ['atlassian/user'] } })
      .withUser('erin', {
        groups: ['jira-users', 'confluence-users'],
        activity: { confluence: daysAgo(1) },
      });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(accountsIn(plan)).toEqual(['erin']);
  });

  it('matches an entry keyed "jira" by its exact id (the key is never used)', () => {
    const builder = org().withUser('fay', {
      groups: ['jira-users'],
      productAccess: [{ id: JIRA_ACME, key: 'jira', lastActive: daysAgo(2) }],
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(accountsIn(plan)).toEqual([]);
  });

  it('does not match an entry with the right key but another spelling of the ARI', () => {
    const builder = org().withUser('gus', {
      groups: ['jira-users'],
      productAccess: [
        {
          id: `ari:cloud:jira::site/${siteIdOf('acme.atlassian.net')}`,
          key: 'jira-software',
          lastActive: daysAgo(2),
        },
        { id: siteIdOf('acme.atlassian.net'), key: 'jira-software', lastActive: daysAgo(2) },
      ],
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(plan.actions.map((a) => [a.accountId, a.lastActive])).toEqual([['gus', null]]);
  });

  it('lists an entry without a timestamp as activity unknown, never as a removal', () => {
    const builder = org().withUser('hal', { groups: ['jira-users'], activity: { jira: null } });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(plan.actions).toEqual([]);
    expect(plan.activityUnknown).toEqual([
      {
        accountId: 'hal',
        email: 'hal@example.com',
        name: 'Hal',
        product: 'jira-software',
        site: 'acme.atlassian.net',
        resourceId: JIRA_ACME,
        reason: 'the activity entry for this product has no timestamp',
      },
    ]);
    expect(plan.warnings).toContainEqual({
      code: 'activity-unknown',
      message:
        'jira-software on acme.atlassian.net: 1 licensed user(s) with unknown activity are never removed; see the activity-unknown list',
    });
  });
});

describe('SPEC §3 Activity coverage guard (Safety: missing data never reads as "never active")', () => {
  function lowCoverageOrg() {
    // 2 of 5 licensed users have an entry for jira on acme (40% < 50%); the others carry entries
    // whose ids match no governed resource.
    return org(2)
      .withUser('u1', {
        groups: ['jira-users'],
        productAccess: [
          { id: 'ari:cloud:jira::site/acme-old', key: 'jira', lastActive: daysAgo(400) },
        ],
      })
      .withUser('u2', {
        groups: ['jira-users'],
        productAccess: [
          { id: 'ari:cloud:jira::site/acme-old', key: 'jira', lastActive: daysAgo(100) },
          { id: 'ari:cloud:jira::site/acme-old', key: 'jira', lastActive: daysAgo(90) },
          { id: 'ari:cloud:townsquare::site/x', key: 'townsquare', lastActive: null },
        ],
      })
      .withUser('u3', { groups: ['jira-users'] });
  }

  it('blocks the product+site (not overridable), plans nothing there and lists the unmatched ids and keys', () => {
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), lowCoverageOrg());
    expect(plan.actions).toEqual([]);
    expect(plan.protected).toEqual([]);
    expect(plan.upcoming).toEqual([]);
    expect(plan.activityUnknown).toEqual([]);
    expect(plan.blocked).toEqual([
      {
        code: 'activity-data-missing',
        message:
          'jira-software on acme.atlassian.net: only 2 of 5 licensed users (40%) have activity data for this product and site, ' +
          'below the 50% minimum; no removal is planned there, since missing data must not read as "never active"',
        product: 'jira-software',
        site: 'acme.atlassian.net',
        limit: 50,
        actual: 40,
        overridable: false,
        unmatchedActivity: [
          { id: 'ari:cloud:jira::site/acme-old', key: 'jira', users: 2 },
          { id: 'ari:cloud:townsquare::site/x', key: 'townsquare', users: 1 },
        ],
      },
    ]);
    expect(plan.summary).toEqual([
      expect.objectContaining({ licensed: 5, toRemove: 0, after: 5, activityCoverage: 40 }),
    ]);
  });

  it('lets exactly the minimum coverage through', () => {
    // 3 of 6 covered: exactly 50%.
    const builder = lowCoverageOrg().withUser('active-3', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(1) },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(plan.blocked).toEqual([]);
    expect(plan.summary[0].activityCoverage).toBe(50);
    expect(accountsIn(plan)).toEqual(['u1', 'u2', 'u3']);
  });

  it('blocks only the product+site that lacks data', () => {
    const builder = lowCoverageOrg()
      .withGroup('confluence-users', { grants: { confluence: ['atlassian/user'] } })
      .withUser('carl', { groups: ['confluence-users'], activity: { confluence: daysAgo(100) } });
    const policy = aPolicy({
      rules: [jiraRule(), aRule({ id: 'conf-30d', product: 'confluence' })],
    });
    const { plan } = evaluateFor(policy, builder);
    expect(plan.blocked.map((b) => [b.code, b.product])).toEqual([
      ['activity-data-missing', 'jira-software'],
    ]);
    expect(accountsIn(plan)).toEqual(['carl']);
  });
});

describe('SPEC §3 Inactive for N days: now − max(lastActive, licensedSince) ≥ N × 24 h + activityLagHours', () => {
  const lastActiveAtBoundary = daysAgo(31); // 30 days + 24 h lag

  it('is eligible exactly at the lag-adjusted boundary', () => {
    const builder = org().withUser('ivy', {
      groups: ['jira-users'],
      activity: { jira: lastActiveAtBoundary },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(plan.actions).toEqual([
      expect.objectContaining({
        accountId: 'ivy',
        lastActive: lastActiveAtBoundary,
        inactiveDays: 31,
        reason: 'inactive 31 days (threshold 30 + 24 h activity lag)',
      }),
    ]);
  });

  it('is not eligible one second short of the boundary, and is listed as upcoming', () => {
    const lastActive = plus(lastActiveAtBoundary, { seconds: 1 }).toISOString();
    const builder = org().withUser('ivy', {
      groups: ['jira-users'],
      activity: { jira: lastActive },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(plan.actions).toEqual([]);
    expect(plan.upcoming.map((u) => [u.accountId, u.eligibleAt])).toEqual([
      ['ivy', '2026-11-30T12:00:01.000Z'],
    ]);
  });

  it('applies the configured lag (0 h: exactly N days)', () => {
    const builder = org().withUser('ivy', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(30) },
    });
    const { plan } = evaluateFor(
      aPolicy({ rules: [jiraRule()], limits: { activityLagHours: 0 } }),
      builder,
    );
    expect(plan.actions.map((a) => a.reason)).toEqual(['inactive 30 days (threshold 30)']);
  });

  it('counts from licensedSince when the licence is younger than the last activity', () => {
    const builder = org().withUser('jon', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(300) },
    });
    const state = aState([{ accountId: 'jon', resourceId: JIRA_ACME, since: daysAgo(45) }]);
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder, { state });
    expect(plan.actions.map((a) => [a.inactiveDays, a.reason])).toEqual([
      [
        45,
        'not active since licensed on 2026-10-16: inactive 45 days (threshold 30 + 24 h activity lag)',
      ],
    ]);
  });

  it('uses lastActive alone, with a note, when the licence start is unknown on the first run', () => {
    const builder = org().withUser('kim', {
      groups: ['jira-users'],
      addedToOrg: null,
      activity: { jira: daysAgo(50) },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(plan.actions).toEqual([
      expect.objectContaining({
        accountId: 'kim',
        licensedSince: null,
        inactiveDays: 50,
        notes: ['licence start unknown (first run)'],
      }),
    ]);
  });
});

describe('SPEC §3 Never active: eligible only when included and past the grace period', () => {
  const state = (since: string) =>
    aState([
      { accountId: 'nia', resourceId: JIRA_ACME, since },
      { accountId: 'active-1', resourceId: JIRA_ACME, since: daysAgo(500) },
    ]);

  it('is eligible once graceDays × 24 h + lag have passed since licensedSince', () => {
    const builder = org().withUser('nia', { groups: ['jira-users'] });
    const { plan } = evaluateFor(
      aPolicy({ rules: [jiraRule({ neverActive: { include: true, graceDays: 14 } })] }),
      builder,
      { state: state(daysAgo(15)) },
    );
    expect(plan.actions).toEqual([
      expect.objectContaining({
        accountId: 'nia',
        lastActive: null,
        licensedSince: daysAgo(15),
        inactiveDays: 15,
        reason: 'never active; licensed since 2026-11-15 (grace 14 days)',
        notes: [],
      }),
    ]);
  });

  it('is not eligible within the grace period (a new licence gets its grace)', () => {
    const builder = org().withUser('nia', { groups: ['jira-users'] });
    const { plan } = evaluateFor(
      aPolicy({ rules: [jiraRule({ neverActive: { include: true, graceDays: 14 } })] }),
      builder,
      { state: state(plus(daysAgo(15), { seconds: 1 }).toISOString()) },
    );
    expect(plan.actions).toEqual([]);
  });

  it('defaults the grace to inactiveDays', () => {
    const builder = org().withUser('nia', { groups: ['jira-users'] });
    const policy = aPolicy({ rules: [jiraRule({ inactiveDays: 30 })] });
    expect(evaluateFor(policy, builder, { state: state(daysAgo(30)) }).plan.actions).toEqual([]);
    expect(accountsIn(evaluateFor(policy, builder, { state: state(daysAgo(31)) }).plan)).toEqual([
      'nia',
    ]);
  });

  it('is never eligible when the rule leaves never-active users out', () => {
    const builder = org().withUser('nia', { groups: ['jira-users'] });
    const { plan } = evaluateFor(
      aPolicy({ rules: [jiraRule({ neverActive: { include: false } })] }),
      builder,
      { state: state(daysAgo(400)) },
    );
    expect(plan.actions).toEqual([]);
    expect(plan.activityUnknown).toEqual([]);
  });

  it('is activity unknown with neither state nor addedToOrg', () => {
    const builder = org().withUser('nia', { groups: ['jira-users'], addedToOrg: null });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule()] }), builder);
    expect(plan.actions).toEqual([]);
    expect(plan.activityUnknown.map((u) => [u.accountId, u.reason])).toEqual([
      ['nia', 'never active, and the licence start is unknown (no state yet and no addedToOrg)'],
    ]);
  });

  it('falls back to addedToOrg on the first run', () => {
    const builder = org().withUser('nia', { groups: ['jira-users'], addedToOrg: daysAgo(20) });
    const policy = aPolicy({
      rules: [jiraRule({ neverActive: { include: true, graceDays: 14 } })],
    });
    const { plan } = evaluateFor(policy, builder, { now: NOW });
    expect(plan.actions.map((a) => [a.accountId, a.licensedSince, a.notes])).toEqual([
      ['nia', daysAgo(20), ['licence start unknown (first run)']],
    ]);
  });
});
