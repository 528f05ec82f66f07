import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { findCandidates } from '../../../src/engine/index.js';
import {
  FETCHED_AT,
  NOW,
  aPolicy,
  aRule,
  aState,
  anOrg,
  daysAgo,
  evaluateFor,
  resourceIdOf,
  shuffled,
  shuffledState,
  type OrgBuilder,
} from './builders.js';

const JIRA = resourceIdOf('jira-software', 'acme.atlassian.net');
const CONFLUENCE = resourceIdOf('confluence', 'acme.atlassian.net');

function org(): OrgBuilder {
  const builder = anOrg()
    .withJiraAndConfluence()
    .withResource('jira-beta', {
      product: 'jira-software',
      site: 'beta.atlassian.net',
      capacity: 100,
    })
    .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
    .withGroup('jira-beta-users', { grants: { 'jira-beta': ['atlassian/user'] } })
    .withGroup('confluence-users', { grants: { confluence: ['atlassian/user'] } })
    .withWarning('3 service accounts matched no account');
  for (const id of ['a1', 'a2', 'a3']) {
    builder.withUser(id, {
      groups: ['jira-users', 'jira-beta-users', 'confluence-users'],
      activity: { jira: daysAgo(1), 'jira-beta': daysAgo(1), confluence: daysAgo(1) },
    });
  }
  return builder
    .withUser('zoe', { email: 'Zoe@example.com', groups: ['jira-users', 'confluence-users'] })
    .withUser('bob', {
      groups: ['jira-users', 'jira-beta-users'],
      activity: { confluence: daysAgo(1) },
    })
    .withUser('ann', { email: null, groups: ['jira-users'] });
}

const policy = aPolicy({
  rules: [
    aRule({ id: 'jira-60d', product: 'jira-software', inactiveDays: 60 }),
    aRule({ id: 'confluence-30d', product: 'confluence', inactiveDays: 30 }),
  ],
  products: { 'jira-software': 8.6, confluence: 6.05 },
  currency: 'EUR',
  digest: 'd'.repeat(64),
  files: ['policies/a.yml', 'policies/b.yml'],
});

describe('SPEC §4 Plan body: what the plan file holds', () => {
  it('carries identity, times, policy, snapshot counts and currency', () => {
    const { plan } = evaluateFor(policy, org(), { policyCommit: 'abc123' });
    expect({ ...plan, summary: undefined, actions: undefined, warnings: undefined }).toEqual({
      schemaVersion: 1,
      kind: 'removal',
      createdAt: '2026-11-30T12:00:00.000Z',
      expiresAt: '2026-12-03T12:00:00.000Z',
      org: { id: 'org-1' },
      policy: {
        commit: 'abc123',
        digest: 'd'.repeat(64),
        files: ['policies/a.yml', 'policies/b.yml'],
      },
      snapshot: {
        fetchedAt: FETCHED_AT,
        counts: { resources: 3, groups: 3, users: 6, licensedSeats: 14 },
      },
      currency: 'EUR',
      summary: undefined,
      actions: undefined,
      protected: [],
      activityUnknown: [],
      upcoming: [],
      warnings: undefined,
      blocked: [],
    });
    expect(evaluateFor(policy, org(), { ttlHours: 1 }).plan.expiresAt).toBe(
      '2026-11-30T13:00:00.000Z',
    );
  });

  it('summarises every governed product+site with savings rounded to cents', () => {
    const { plan } = evaluateFor(policy, org());
    expect(plan.summary).toEqual([
      {
        product: 'confluence',
        site: 'acme.atlassian.net',
        resourceId: CONFLUENCE,
        licensed: 4,
        toRemove: 1,
        after: 3,
        monthlySavings: 6.05,
        yearlySavings: 72.6,
        capacity: null,
        activityCoverage: 75,
      },
      {
        product: 'jira-software',
        site: 'acme.atlassian.net',
        resourceId: JIRA,
        licensed: 6,
        toRemove: 3,
        after: 3,
        monthlySavings: 25.8,
        yearlySavings: 309.6,
        capacity: null,
        activityCoverage: 50,
      },
      {
        product: 'jira-software',
        site: 'beta.atlassian.net',
        resourceId: resourceIdOf('jira-software', 'beta.atlassian.net'),
        licensed: 4,
        toRemove: 1,
        after: 3,
        monthlySavings: 8.6,
        yearlySavings: 103.2,
        capacity: 100,
        activityCoverage: 75,
      },
    ]);
    const unpriced = evaluateFor({ ...policy, products: {} }, org()).plan.summary[0];
    expect([unpriced.monthlySavings, unpriced.yearlySavings]).toEqual([null, null]);
  });

  it('sorts actions by product, site, primary rule, then email (account id when hidden)', () => {
    const { plan } = evaluateFor(policy, org());
    expect(plan.actions.map((a) => [a.product, a.site, a.accountId])).toEqual([
      ['confluence', 'acme.atlassian.net', 'zoe'],
      ['jira-software', 'acme.atlassian.net', 'ann'],
      ['jira-software', 'acme.atlassian.net', 'bob'],
      ['jira-software', 'acme.atlassian.net', 'zoe'],
      ['jira-software', 'beta.atlassian.net', 'bob'],
    ]);
  });

  it('gives each action a stable id from kind, account and resource', () => {
    const { plan } = evaluateFor(policy, org());
    const zoe = plan.actions.find((a) => a.accountId === 'zoe' && a.product === 'confluence')!;
    const expected = createHash('sha256')
      .update(`remove-product-access\nzoe\n${CONFLUENCE}`)
      .digest('hex')
      .slice(0, 16);
    expect(zoe.id).toBe(`act-${expected}`);
    const later = evaluateFor(policy, org(), { now: new Date('2026-12-05T00:00:00Z') }).plan;
    expect(later.actions.find((a) => a.accountId === 'zoe' && a.product === 'confluence')!.id).toBe(
      zoe.id,
    );
  });

  it('passes the snapshot’s warnings on', () => {
    const { plan } = evaluateFor(policy, org());
    expect(plan.warnings).toContainEqual({
      code: 'snapshot',
      message: '3 service accounts matched no account',
    });
  });
});

describe('SPEC §3 Evaluation is deterministic: same inputs, byte-identical plan and state', () => {
  it('gives the same bytes whatever the order of the snapshot’s lists and the state’s keys', () => {
    const snapshot = org()
      .withGroup('atlassian-users', {
        grants: { jira: ['atlassian/user'], confluence: ['atlassian/user'] },
      })
      .withGroup('okta', { grants: { jira: ['atlassian/user'] }, externalSynced: true })
      .withUser('col', { groups: ['atlassian-users'], activity: { confluence: daysAgo(2) } })
      .withUser('idp', { groups: ['okta', 'jira-users'], direct: { jira: ['atlassian/user'] } })
      .withUser('dup', {
        productAccess: [
          { id: JIRA, key: 'jira', lastActive: daysAgo(80) },
          { id: JIRA, key: 'jira', lastActive: daysAgo(70) },
        ],
        groups: ['jira-users'],
      })
      .build();
    const state = aState([
      { accountId: 'a1', resourceId: JIRA, since: daysAgo(300) },
      { accountId: 'zoe', resourceId: CONFLUENCE, since: daysAgo(90), estimated: true },
      { accountId: 'old', resourceId: 'ari:cloud:confluence::site/elsewhere', since: daysAgo(9) },
    ]);
    const keepPolicy = {
      ...policy,
      rules: [
        ...policy.rules,
        aRule({ id: 'jira-keep-2', product: 'jira-software', keepAtMost: 2, inactiveDays: 7 }),
      ],
    };
    const reference = evaluateFor(keepPolicy, snapshot, { state });
    const bytes = JSON.stringify(reference);
    for (const seed of [1, 2, 3, 4, 5]) {
      const run = evaluateFor(keepPolicy, shuffled(snapshot, seed), {
        state: shuffledState(state, seed),
      });
      expect(JSON.stringify(run)).toBe(bytes);
      expect(findCandidates(keepPolicy, shuffled(snapshot, seed), state, NOW)).toEqual(
        findCandidates(keepPolicy, snapshot, state, NOW),
      );
    }
  });
});
