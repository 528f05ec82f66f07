import { describe, expect, it } from '@jest/globals';
import type { PlanBody } from '../../../src/plan/types.js';
import {
  aPolicy,
  aRule,
  anOrg,
  at,
  daysAgo,
  evaluateFor,
  excludeAccount,
  excludeDomain,
  excludeGroup,
  resourceIdOf,
  type PolicySpec,
  type UserSpec,
} from './builders.js';

const JIRA = resourceIdOf('jira-software', 'acme.atlassian.net');
const rule = aRule({ id: 'jira-30d', product: 'jira-software' });

/** Three active users, plus `extra` users inactive for 90 days. */
function org(extra: Record<string, UserSpec>) {
  const builder = anOrg()
    .withJiraAndConfluence()
    .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
    .withGroup('license-policy-exempt')
    .withGroup('contractors');
  for (const id of ['a1', 'a2', 'a3']) {
    builder.withUser(id, { groups: ['jira-users'], activity: { jira: daysAgo(1) } });
  }
  for (const [id, spec] of Object.entries(extra)) {
    builder.withUser(id, { groups: ['jira-users'], activity: { jira: daysAgo(90) }, ...spec });
  }
  return builder;
}

function run(
  extra: Record<string, UserSpec>,
  policySpec: PolicySpec = {},
  configure = (b: ReturnType<typeof org>) => b,
) {
  return evaluateFor(aPolicy({ rules: [rule], ...policySpec }), configure(org(extra))).plan;
}

const removed = (plan: PlanBody) => plan.actions.map((a) => a.accountId);
const protectedAs = (plan: PlanBody) =>
  plan.protected.map((p) => [p.accountId, p.exclusion, p.reason]);

describe('SPEC §3 Exclusions win over every rule: matched but excluded users are protected, never removed', () => {
  it('protects admins by platform role, by the admin search, and by a product-admin role in their own roles', () => {
    const plan = run(
      {
        orgadmin: { platformRoles: ['atlassian/org-admin'] },
        searched: {},
        productadmin: { direct: { confluence: ['atlassian/admin'] } },
        plain: {},
      },
      {},
      (b) => b.withAdmins('searched'),
    );
    expect(removed(plan)).toEqual(['plain']);
    expect(protectedAs(plan)).toEqual([
      ['orgadmin', 'admin', 'admin'],
      ['productadmin', 'admin', 'admin'],
      ['searched', 'admin', 'admin'],
    ]);
    expect(plan.protected[0]).toEqual({
      accountId: 'orgadmin',
      email: 'orgadmin@example.com',
      name: 'Orgadmin',
      product: 'jira-software',
      site: 'acme.atlassian.net',
      resourceId: JIRA,
      ruleIds: ['jira-30d'],
      reason: 'admin',
      exclusion: 'admin',
    });
  });

  it('removes admins too when exclude.admins is false', () => {
    const plan = run(
      { orgadmin: { platformRoles: ['atlassian/org-admin'] } },
      { exclude: { admins: false } },
    );
    expect(removed(plan)).toEqual(['orgadmin']);
  });

  it('never acts on service or app accounts: protected when excluded, and no billable seat either way', () => {
    const extra: Record<string, UserSpec> = {
      bot: {},
      integration: { email: 'x@serviceaccount.atlassian.com' },
      app: { accountType: 'app' },
    };
    const plan = run(extra, {}, (b) => b.withServiceAccounts('bot'));
    expect(removed(plan)).toEqual([]);
    expect(protectedAs(plan)).toEqual([
      ['app', 'accountType', 'account type app'],
      ['bot', 'serviceAccount', 'service account'],
      ['integration', 'serviceAccount', 'service account'],
    ]);
    expect(plan.summary[0].licensed).toBe(3);
    const unexcluded = run(extra, { exclude: { serviceAccounts: false } }, (b) =>
      b.withServiceAccounts('bot'),
    );
    expect(removed(unexcluded)).toEqual([]);
    expect(unexcluded.protected).toEqual([]);
  });

  it('protects named accounts by email (any case) or account id, with their reason', () => {
    const plan = run(
      { ceo: { email: 'CEO@Example.com' }, glass: {}, other: {} },
      {
        exclude: {
          accounts: [
            excludeAccount({ email: 'ceo@example.com' }, { reason: 'Executive' }),
            excludeAccount({ accountId: 'glass' }, { reason: 'Break-glass account' }),
          ],
        },
      },
    );
    expect(removed(plan)).toEqual(['other']);
    expect(protectedAs(plan)).toEqual([
      ['ceo', 'account', 'Executive'],
      ['glass', 'account', 'Break-glass account'],
    ]);
  });

  it('matches emails case-insensitively beyond ASCII (lower-casing can change the length)', () => {
    const plan = run(
      { inci: { email: 'İnci@Example.com' }, other: {} },
      {
        exclude: {
          accounts: [
            excludeAccount({ email: 'İnci@example.com'.toLowerCase() }, { reason: 'Named' }),
          ],
        },
      },
    );
    expect(removed(plan)).toEqual(['other']);
    expect(protectedAs(plan)).toEqual([['inci', 'account', 'Named']]);
  });

  it('recognises service accounts by their email domain in any case', () => {
    const plan = run({ bot: { email: 'Bot@ServiceAccount.Atlassian.COM' } });
    expect(protectedAs(plan)).toEqual([['bot', 'serviceAccount', 'service account']]);
  });

  it('protects members of an excluded group, by name in any case', () => {
    const plan = run(
      { exempt: { groups: ['jira-users', 'license-policy-exempt'] }, other: {} },
      {
        exclude: {
          groups: [excludeGroup('License-Policy-Exempt', { reason: 'Exempt on request' })],
        },
      },
    );
    expect(removed(plan)).toEqual(['other']);
    expect(protectedAs(plan)).toEqual([['exempt', 'group', 'Exempt on request']]);
  });

  it('protects an email domain exactly (not its subdomains)', () => {
    const plan = run(
      { partner: { email: 'p@Partner.example' }, sub: { email: 's@eu.partner.example' } },
      {
        exclude: {
          emailDomains: [
            excludeDomain('partner.example', { reason: 'Partner contract covers seats' }),
          ],
        },
      },
    );
    expect(removed(plan)).toEqual(['sub']);
    expect(protectedAs(plan)).toEqual([
      ['partner', 'emailDomain', 'Partner contract covers seats'],
    ]);
  });

  it('protects a hidden email while any domain exclusion exists (Safety), and not otherwise', () => {
    const extra = { hidden: { email: null } };
    const withDomain = run(extra, {
      exclude: { emailDomains: [excludeDomain('partner.example')] },
    });
    expect(removed(withDomain)).toEqual([]);
    expect(protectedAs(withDomain)).toEqual([['hidden', 'emailHidden', 'email hidden']]);
    expect(removed(run(extra))).toEqual(['hidden']);
  });

  it('reports the first exclusion in policy order when several match', () => {
    const plan = run(
      { both: { groups: ['jira-users', 'license-policy-exempt'] } },
      {
        exclude: {
          accounts: [excludeAccount({ accountId: 'both' }, { reason: 'Named' })],
          groups: [excludeGroup('license-policy-exempt', { reason: 'Group' })],
        },
      },
    );
    expect(protectedAs(plan)).toEqual([['both', 'account', 'Named']]);
  });

  it('does not list excluded users who match no rule', () => {
    const plan = run({}, { exclude: { accounts: [excludeAccount({ accountId: 'a1' })] } });
    expect(plan.protected).toEqual([]);
  });
});

describe('SPEC §2 Exclusion expiry and use: warnings in the plan', () => {
  it('stops protecting after the until day (UTC) and warns', () => {
    const plan = run(
      { old: {}, current: {} },
      {
        exclude: {
          accounts: [
            excludeAccount({ accountId: 'old' }, { until: '2026-11-29', source: at(8, 7) }),
            excludeAccount({ accountId: 'current' }, { until: '2026-11-30' }),
          ],
        },
      },
    );
    expect(removed(plan)).toEqual(['old']);
    expect(protectedAs(plan)).toEqual([['current', 'account', 'Excluded by name']]);
    expect(plan.warnings.filter((w) => w.code === 'exclusion-expired')).toEqual([
      {
        code: 'exclusion-expired',
        message:
          'policies/policy.yml:8:7: the exclusion of old (Excluded by name) expired on 2026-11-29; it no longer protects anyone',
      },
    ]);
  });

  it('warns about an exclusion that matches nobody (a group without members, an unused domain)', () => {
    const plan = run(
      {},
      {
        exclude: {
          groups: [excludeGroup('contractors', { source: at(4, 7), reason: 'Contract' })],
          emailDomains: [excludeDomain('nobody.example', { source: at(5, 7), reason: 'Nobody' })],
          accounts: [excludeAccount({ accountId: 'a1' })],
        },
      },
    );
    expect(plan.warnings.filter((w) => w.code === 'exclusion-unused')).toEqual([
      {
        code: 'exclusion-unused',
        message:
          'policies/policy.yml:4:7: the exclusion of group contractors (Contract) matches nobody in the organisation',
      },
      {
        code: 'exclusion-unused',
        message:
          'policies/policy.yml:5:7: the exclusion of domain nobody.example (Nobody) matches nobody in the organisation',
      },
    ]);
  });
});

describe('SPEC §2 Rule scope narrows whom a rule considers', () => {
  it('considers only members of the scope groups', () => {
    const scoped = aRule({ id: 'contractors-30d', scope: { groups: ['Contractors'] } });
    const plan = run(
      { contractor: { groups: ['jira-users', 'contractors'] }, employee: {} },
      { rules: [scoped] },
    );
    expect(removed(plan)).toEqual(['contractor']);
  });

  it('considers only the scope email domains; a hidden email is out of scope', () => {
    const scoped = aRule({ id: 'ext-30d', scope: { emailDomains: ['example.com'] } });
    const plan = run(
      { inside: {}, outside: { email: 'o@other.example' }, hidden: { email: null } },
      { rules: [scoped] },
    );
    expect(removed(plan)).toEqual(['inside']);
  });

  it('considers only the scope claim status', () => {
    const scoped = aRule({ id: 'unmanaged-30d', scope: { claimStatus: 'unmanaged' } });
    const plan = run(
      { external: { claimStatus: 'unmanaged' }, staff: { claimStatus: 'managed' } },
      { rules: [scoped] },
    );
    expect(removed(plan)).toEqual(['external']);
  });
});
