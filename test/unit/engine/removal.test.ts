import { describe, expect, it } from '@jest/globals';
import type { PlanBody } from '../../../src/plan/types.js';
import {
  aPolicy,
  aRule,
  anOrg,
  daysAgo,
  evaluateFor,
  resourceIdOf,
  uuidOf,
  type OrgBuilder,
  type UserSpec,
} from './builders.js';

const JIRA = resourceIdOf('jira-software', 'acme.atlassian.net');
const jiraRule = aRule({ id: 'jira-30d', product: 'jira-software' });
const confluenceRule = aRule({ id: 'confluence-30d', product: 'confluence' });

/** Jira and Confluence on acme, default groups for both, and active users keeping coverage up. */
function org(): OrgBuilder {
  const builder = anOrg()
    .withJiraAndConfluence()
    .withResource('jira-sandbox', {
      product: 'jira-software',
      site: 'acme-sandbox.atlassian.net',
      sandbox: true,
    })
    .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
    .withGroup('confluence-users', { grants: { confluence: ['atlassian/user'] } })
    .withGroup('jira-sandbox-users', { grants: { 'jira-sandbox': ['atlassian/user'] } });
  for (const id of ['a1', 'a2', 'a3']) {
    builder.withUser(id, {
      groups: ['jira-users', 'confluence-users', 'jira-sandbox-users'],
      activity: { jira: daysAgo(1), confluence: daysAgo(1), 'jira-sandbox': daysAgo(1) },
    });
  }
  return builder;
}

const inactive = (spec: UserSpec): UserSpec => ({ ...spec });
const actionOf = (plan: PlanBody, accountId: string, product = 'jira-software') =>
  plan.actions.find((a) => a.accountId === accountId && a.product === product);

describe('SPEC §3 Products and sites: which workspaces a rule governs', () => {
  it('governs online, non-sandbox sites by default, and a sandbox only when a rule names it', () => {
    const builder = org().withUser('sam', inactive({ groups: ['jira-sandbox-users'] }));
    expect(evaluateFor(aPolicy({ rules: [jiraRule] }), builder).plan.actions).toEqual([]);
    const named = aRule({
      id: 'sandbox-30d',
      product: 'jira-software',
      sites: ['acme-sandbox.atlassian.net'],
    });
    const { plan } = evaluateFor(aPolicy({ rules: [named] }), builder);
    expect(plan.actions.map((a) => [a.accountId, a.site])).toEqual([
      ['sam', 'acme-sandbox.atlassian.net'],
    ]);
    expect(plan.summary.map((s) => s.site)).toEqual(['acme-sandbox.atlassian.net']);
  });
});

describe('SPEC §3 Licensed: only billable seats (user/admin, active, a person) are counted or acted on', () => {
  it('never touches other roles: a guest-only user is no seat, and a guest-granting group is not removed', () => {
    const builder = org()
      .withGroup('jira-guests', { grants: { jira: ['atlassian/guest'] } })
      .withUser('guest', { groups: ['jira-guests'] })
      .withUser('mixed', { groups: ['jira-users', 'jira-guests'] });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule] }), builder);
    expect(plan.actions.map((a) => a.accountId)).toEqual(['mixed']);
    expect(actionOf(plan, 'mixed')!.operations).toEqual([
      {
        type: 'remove-group-membership',
        directoryId: 'dir-1',
        groupId: uuidOf('group:jira-users'),
        groupName: 'jira-users',
      },
    ]);
    expect(plan.summary.find((s) => s.product === 'jira-software')!.licensed).toBe(4);
  });

  it('does not count or act on suspended accounts or memberships', () => {
    const builder = org()
      .withUser('left', { groups: ['jira-users'], accountStatus: 'inactive', licensedOn: ['jira'] })
      .withUser('paused', {
        groups: ['jira-users'],
        membershipStatus: 'suspended',
        licensedOn: ['jira'],
      });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule] }), builder);
    expect(plan.actions).toEqual([]);
    expect(plan.summary[0].licensed).toBe(3);
  });

  it('lists access reached only by an inferred assignment as needs-review, with no operations', () => {
    const builder = org().withUser('inf', { inferred: { jira: ['atlassian/user'] } });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule] }), builder);
    expect(actionOf(plan, 'inf')).toMatchObject({
      status: 'needs-review',
      operations: [],
      notes: [
        'licence start unknown (first run)',
        'access is reached only through an inferred assignment: review it by hand',
      ],
    });
    expect(plan.summary[0].toRemove).toBe(0);
  });
});

describe('SPEC §3 How the licence is removed: every granting group, plus any direct grant', () => {
  it('removes the user from every group that grants the seat', () => {
    const builder = org()
      .withGroup('jira-software-users-acme', { grants: { jira: ['atlassian/user'] } })
      .withUser('two', {
        groups: ['jira-users', 'jira-software-users-acme', 'confluence-users'],
        activity: { confluence: daysAgo(1) },
      });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule] }), builder);
    expect(actionOf(plan, 'two')).toMatchObject({
      status: 'planned',
      directoryId: 'dir-1',
      operations: [
        {
          type: 'remove-group-membership',
          directoryId: 'dir-1',
          groupId: uuidOf('group:jira-software-users-acme'),
          groupName: 'jira-software-users-acme',
        },
        {
          type: 'remove-group-membership',
          directoryId: 'dir-1',
          groupId: uuidOf('group:jira-users'),
          groupName: 'jira-users',
        },
      ],
      groups: ['confluence-users', 'jira-software-users-acme', 'jira-users'],
    });
  });

  it('revokes a direct grant on its own', () => {
    const builder = org().withUser('direct', { direct: { jira: ['atlassian/user'] } });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule] }), builder);
    expect(actionOf(plan, 'direct')).toMatchObject({
      status: 'planned',
      operations: [{ type: 'revoke-role', role: 'atlassian/user', resourceId: JIRA }],
    });
  });

  it('revokes a direct grant that sits beside a group grant (removing the group alone would leave the seat)', () => {
    const builder = org().withUser('both', {
      groups: ['jira-users'],
      direct: { jira: ['atlassian/user'] },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule] }), builder);
    expect(actionOf(plan, 'both')!.operations).toEqual([
      {
        type: 'remove-group-membership',
        directoryId: 'dir-1',
        groupId: uuidOf('group:jira-users'),
        groupName: 'jira-users',
      },
      { type: 'revoke-role', role: 'atlassian/user', resourceId: JIRA },
    ]);
  });

  it('marks a group synced from the identity provider as needs-idp-change, naming it', () => {
    const builder = org()
      .withGroup('okta-jira', {
        grants: { jira: ['atlassian/user'] },
        externalSynced: true,
        managedBy: 'external',
      })
      .withGroup('scim-jira', { grants: { jira: ['atlassian/user'] }, managedBy: 'external' })
      .withUser('synced', { groups: ['okta-jira'] })
      .withUser('managed', { groups: ['scim-jira', 'jira-users'] });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule] }), builder);
    expect(actionOf(plan, 'synced')).toMatchObject({
      status: 'needs-idp-change',
      operations: [
        { type: 'remove-group-membership', groupName: 'okta-jira', blockedBy: 'idp-synced' },
      ],
      notes: [
        'licence start unknown (first run)',
        'group "okta-jira" is synced from the identity provider: remove the user there',
      ],
    });
    expect(actionOf(plan, 'managed')!.status).toBe('needs-idp-change');
    expect(plan.summary[0].toRemove).toBe(0);
  });

  it('marks a group that cannot be modified through the API as needs-manual', () => {
    const builder = org()
      .withGroup('locked-jira', { grants: { jira: ['atlassian/user'] }, modifiable: false })
      .withUser('locked', { groups: ['locked-jira'] });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule] }), builder);
    expect(actionOf(plan, 'locked')).toMatchObject({
      status: 'needs-manual',
      operations: [
        { type: 'remove-group-membership', groupName: 'locked-jira', blockedBy: 'not-modifiable' },
      ],
      notes: [
        'licence start unknown (first run)',
        'group "locked-jira" cannot be changed through the API (not modifiable): change it by hand',
      ],
    });
  });
});

describe('SPEC §3 Collateral: a group that also grants something the plan does not remove', () => {
  function collateralOrg() {
    return org().withGroup('atlassian-users', {
      grants: { jira: ['atlassian/user'], confluence: ['atlassian/user'] },
    });
  }

  it('skips the removal, naming what else the group grants, when the user keeps the other product', () => {
    const builder = collateralOrg().withUser('col', {
      groups: ['atlassian-users'],
      activity: { confluence: daysAgo(2) },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule, confluenceRule] }), builder);
    expect(plan.actions.map((a) => [a.accountId, a.product, a.status])).toEqual([
      ['col', 'jira-software', 'skipped-collateral'],
    ]);
    expect(actionOf(plan, 'col')!.notes).toEqual([
      'licence start unknown (first run)',
      'not removed: group "atlassian-users" also grants confluence on acme.atlassian.net; set allowCollateral on the rule to accept',
    ]);
    expect(plan.summary.map((s) => s.toRemove)).toEqual([0, 0]);
  });

  it('is no collateral when the plan removes the other product from the user too', () => {
    const builder = collateralOrg().withUser('col', { groups: ['atlassian-users'] });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule, confluenceRule] }), builder);
    expect(plan.actions.map((a) => [a.product, a.status, a.notes])).toEqual([
      ['confluence', 'planned', ['licence start unknown (first run)']],
      ['jira-software', 'planned', ['licence start unknown (first run)']],
    ]);
  });

  it('checks against the full set: when one side is skipped the other becomes collateral too', () => {
    // Confluence is skipped: its other group also grants Jira Service Management, which no rule
    // removes. Then Jira, sharing atlassian-users with the kept Confluence, is skipped too.
    const builder = collateralOrg()
      .withResource('jsm', { product: 'jira-servicedesk', site: 'acme.atlassian.net' })
      .withGroup('conf-and-jsm', {
        grants: { confluence: ['atlassian/user'], jsm: ['atlassian/user'] },
      })
      .withUser('chain', { groups: ['atlassian-users', 'conf-and-jsm'] });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule, confluenceRule] }), builder);
    expect(plan.actions.map((a) => [a.product, a.status])).toEqual([
      ['confluence', 'skipped-collateral'],
      ['jira-software', 'skipped-collateral'],
    ]);
  });

  it('goes ahead, with a note, when the rule allows collateral', () => {
    const allowing = aRule({ id: 'jira-30d', product: 'jira-software', allowCollateral: true });
    const builder = collateralOrg().withUser('col', {
      groups: ['atlassian-users'],
      activity: { confluence: daysAgo(2) },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [allowing, confluenceRule] }), builder);
    expect(actionOf(plan, 'col')).toMatchObject({
      status: 'planned',
      notes: [
        'licence start unknown (first run)',
        'group "atlassian-users" also grants confluence on acme.atlassian.net (accepted: allowCollateral)',
      ],
    });
  });

  it('counts a non-seat role on the same resource as collateral (other roles are never touched)', () => {
    const builder = org()
      .withGroup('jira-users-and-admins', {
        grants: { jira: ['atlassian/user', 'atlassian/user-access-admin'] },
      })
      .withUser('uaa', { groups: ['jira-users-and-admins'] });
    // A user-access admin is an admin: protected by default.
    const byDefault = evaluateFor(aPolicy({ rules: [jiraRule] }), builder).plan;
    expect(byDefault.protected.map((p) => [p.accountId, p.exclusion])).toEqual([['uaa', 'admin']]);
    const { plan } = evaluateFor(
      aPolicy({ rules: [jiraRule], exclude: { admins: false } }),
      builder,
    );
    expect(actionOf(plan, 'uaa')).toMatchObject({
      status: 'skipped-collateral',
      notes: [
        'licence start unknown (first run)',
        'not removed: group "jira-users-and-admins" also grants atlassian/user-access-admin on jira-software on acme.atlassian.net; set allowCollateral on the rule to accept',
      ],
    });
  });

  it('counts a resource the org snapshot does not list (another directory, a platform role)', () => {
    const builder = org()
      .withGroup('site-admins-and-jira', {
        grants: { jira: ['atlassian/user'] },
        rawGrants: [
          {
            resourceId: 'ari:cloud:platform::site/xyz',
            product: 'platform',
            roles: ['atlassian/site-admin'],
          },
        ],
      })
      .withUser('plat', { groups: ['site-admins-and-jira'] });
    const { plan } = evaluateFor(
      aPolicy({ rules: [jiraRule], exclude: { admins: false } }),
      builder,
    );
    expect(actionOf(plan, 'plat')!.status).toBe('skipped-collateral');
    expect(actionOf(plan, 'plat')!.notes[1]).toBe(
      'not removed: group "site-admins-and-jira" also grants platform (ari:cloud:platform::site/xyz); set allowCollateral on the rule to accept',
    );
  });

  it('is no collateral when the user does not hold what the group also grants (roles read say so)', () => {
    const builder = collateralOrg().withUser('col', {
      groups: ['atlassian-users'],
      roles: [
        {
          resourceId: JIRA,
          product: 'jira-software',
          directoryId: 'dir-1',
          roles: [{ role: 'atlassian/user', methods: ['group_direct'] }],
        },
      ],
    });
    const { plan } = evaluateFor(aPolicy({ rules: [jiraRule] }), builder);
    expect(actionOf(plan, 'col')!.status).toBe('planned');
  });
});

describe('SPEC §3 Several rules for the same product+site: one action listing every rule', () => {
  it('lists every matching rule, the first in file order as primary, and takes its reason', () => {
    const strict = aRule({ id: 'jira-90d', product: 'jira-software', inactiveDays: 90 });
    const broad = aRule({ id: 'jira-30d', product: 'jira-software', inactiveDays: 30 });
    const builder = org().withUser('old', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(120) },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [strict, broad] }), builder);
    expect(plan.actions.map((a) => [a.ruleIds, a.reason])).toEqual([
      [['jira-90d', 'jira-30d'], 'inactive 120 days (threshold 90 + 24 h activity lag)'],
    ]);
  });
});
