import { describe, expect, it } from '@jest/globals';
import {
  assertPolicyMatchesOrg,
  checkPolicyAgainstOrg,
  findCandidates,
} from '../../../src/engine/index.js';
import { PolicyError, formatProblem } from '../../../src/errors.js';
import {
  NOW,
  aPolicy,
  aRule,
  anOrg,
  at,
  daysAgo,
  evaluateFor,
  excludeAccount,
  excludeGroup,
} from './builders.js';

const org = () =>
  anOrg()
    .withJiraAndConfluence()
    .withResource('jira-beta', { product: 'jira-software', site: 'beta.atlassian.net' })
    .withResource('jsm', { product: 'jira-servicedesk', site: 'acme.atlassian.net' })
    .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
    .withGroup('license-policy-exempt')
    .withUser('alice', {
      email: 'Alice@Example.com',
      groups: ['jira-users'],
      activity: { jira: daysAgo(40) },
    });

describe('SPEC §2: policy checks that need the org fail the plan at the policy position', () => {
  it('names an unknown product key, lists the org products and suggests the right one', () => {
    const policy = aPolicy({
      rules: [aRule({ id: 'jira-30d', product: 'jira', productSource: at(12, 14) })],
    });
    expect(checkPolicyAgainstOrg(policy, org().build()).map(formatProblem)).toEqual([
      'policies/policy.yml:12:14: rule jira-30d: unknown product "jira": this org has confluence, jira-servicedesk, ' +
        'jira-software (did you mean "jira-servicedesk" or "jira-software"?)',
    ]);
  });

  it('suggests a product key one typo away', () => {
    const policy = aPolicy({
      rules: [aRule({ id: 'c', product: 'confluense', productSource: at(3, 12) })],
    });
    expect(checkPolicyAgainstOrg(policy, org().build())[0].message).toBe(
      'rule c: unknown product "confluense": this org has confluence, jira-servicedesk, jira-software (did you mean "confluence"?)',
    );
  });

  it('names an unknown site of a known product and lists its sites', () => {
    const policy = aPolicy({
      rules: [
        aRule({
          id: 'jira-30d',
          sites: ['acme.atlassian.net', 'acme.atlasian.net'],
          siteSources: [at(20, 13), at(20, 33)],
        }),
      ],
    });
    expect(checkPolicyAgainstOrg(policy, org().build()).map(formatProblem)).toEqual([
      'policies/policy.yml:20:33: rule jira-30d: jira-software has no site "acme.atlasian.net"; its sites: ' +
        'acme.atlassian.net, beta.atlassian.net (did you mean "acme.atlassian.net"?)',
    ]);
  });

  it('refuses an excluded email or account id that does not exist (Safety: a typo never protects nobody)', () => {
    const policy = aPolicy({
      exclude: {
        accounts: [
          excludeAccount({ email: 'ceo@example.com' }, { source: at(7, 7) }),
          excludeAccount({ accountId: '5b10ac8d82e05b22cc7d4ef5' }, { source: at(8, 7) }),
          excludeAccount({ email: 'ALICE@example.com' }, { source: at(9, 7) }),
        ],
      },
    });
    expect(checkPolicyAgainstOrg(policy, org().build()).map(formatProblem)).toEqual([
      'policies/policy.yml:7:7: excluded account ceo@example.com does not exist in this org: an exclusion that matches nobody protects nobody',
      'policies/policy.yml:8:7: excluded account 5b10ac8d82e05b22cc7d4ef5 does not exist in this org: an exclusion that matches nobody protects nobody',
    ]);
  });

  it('refuses an excluded group or a scope group that does not exist, matching names case-insensitively', () => {
    const policy = aPolicy({
      exclude: {
        groups: [
          excludeGroup('License-Policy-Exempt', { source: at(5, 7) }),
          excludeGroup('license-policy-exmpt', { source: at(6, 7) }),
        ],
      },
      rules: [
        aRule({ id: 'jira-30d', scope: { groups: ['contractors'], groupSources: [at(30, 16)] } }),
      ],
    });
    expect(checkPolicyAgainstOrg(policy, org().build()).map(formatProblem)).toEqual([
      'policies/policy.yml:6:7: excluded group "license-policy-exmpt" does not exist in this org (did you mean "license-policy-exempt"?): ' +
        'an exclusion that matches nobody protects nobody',
      'policies/policy.yml:30:16: rule jira-30d: scope group "contractors" does not exist in this org',
    ]);
  });

  it('refuses a price for a product the org does not have', () => {
    const policy = aPolicy({
      products: { 'jira-sofware': { monthlyCostPerUser: 8.6, source: at(4, 3) } },
    });
    expect(checkPolicyAgainstOrg(policy, org().build()).map(formatProblem)).toEqual([
      'policies/policy.yml:4:3: products: unknown product "jira-sofware": this org has confluence, jira-servicedesk, ' +
        'jira-software (did you mean "jira-software"?)',
    ]);
  });

  it('accepts a policy that matches the org', () => {
    const policy = aPolicy({
      exclude: {
        accounts: [excludeAccount({ email: 'alice@example.com' })],
        groups: [excludeGroup('jira-users')],
      },
      rules: [aRule({ sites: ['beta.atlassian.net'] })],
    });
    expect(checkPolicyAgainstOrg(policy, org().build())).toEqual([]);
    expect(() => assertPolicyMatchesOrg(policy, org().build())).not.toThrow();
  });

  it('makes plan, candidates and assert throw PolicyError (exit 2) with every problem', () => {
    const policy = aPolicy({
      rules: [aRule({ product: 'jira', productSource: at(2, 12) })],
      exclude: { groups: [excludeGroup('nobody', { source: at(1, 3) })] },
    });
    const snapshot = org().build();
    for (const run of [
      () => assertPolicyMatchesOrg(policy, snapshot),
      () => evaluateFor(policy, snapshot),
      () => findCandidates(policy, snapshot, null, NOW),
    ]) {
      let error: unknown;
      try {
        run();
      } catch (e: unknown) {
        error = e;
      }
      expect(error).toBeInstanceOf(PolicyError);
      expect((error as PolicyError).exitCode).toBe(2);
      expect((error as PolicyError).problems.map((p) => [p.line, p.column])).toEqual([
        [1, 3],
        [2, 12],
      ]);
    }
  });
});
