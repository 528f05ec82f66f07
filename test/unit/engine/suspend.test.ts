import { describe, expect, it } from '@jest/globals';
import {
  aPolicy,
  aRule,
  anOrg,
  daysAgo,
  evaluateFor,
  excludeAccount,
  resourceIdOf,
  type OrgBuilder,
} from './builders.js';

const JIRA = resourceIdOf('jira-software', 'acme.atlassian.net');
const CONFLUENCE = resourceIdOf('confluence', 'acme.atlassian.net');
const JSM = resourceIdOf('jira-servicedesk', 'acme.atlassian.net');

const suspendJira = aRule({
  id: 'jira-suspend-90d',
  product: 'jira-software',
  inactiveDays: 90,
  action: 'suspend',
});
const removeConfluence = aRule({ id: 'confluence-30d', product: 'confluence', inactiveDays: 30 });

function org(): OrgBuilder {
  const builder = anOrg()
    .withJiraAndConfluence()
    .withResource('jsm', {
      product: 'jira-servicedesk',
      site: 'acme.atlassian.net',
      governed: false,
    })
    .withDirectory('dir-2', 'Partners')
    .withResource('confluence-partners', { product: 'confluence', site: 'partners.atlassian.net' })
    .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
    .withGroup('confluence-users', { grants: { confluence: ['atlassian/user'] } })
    .withGroup('jsm-agents', { grants: { jsm: ['atlassian/user'] } })
    .withGroup('partner-confluence', {
      directoryId: 'dir-2',
      grants: { 'confluence-partners': ['atlassian/user'] },
    });
  for (const id of ['a1', 'a2', 'a3']) {
    builder.withUser(id, {
      groups: ['jira-users', 'confluence-users'],
      activity: { jira: daysAgo(1), confluence: daysAgo(1) },
    });
  }
  return builder;
}

describe('SPEC §3 Suspend is directory-wide: planned only when eligible for every seat held there', () => {
  it('plans one suspension taking every product+site, listing all rules, and counts it on each', () => {
    const builder = org().withUser('gone', { groups: ['jira-users', 'confluence-users'] });
    const { plan } = evaluateFor(aPolicy({ rules: [suspendJira, removeConfluence] }), builder);
    expect(plan.actions).toEqual([
      expect.objectContaining({
        kind: 'suspend',
        accountId: 'gone',
        ruleIds: ['jira-suspend-90d', 'confluence-30d'],
        product: 'jira-software',
        resourceId: JIRA,
        directoryId: 'dir-1',
        status: 'planned',
        operations: [{ type: 'suspend', directoryId: 'dir-1' }],
        removes: [
          { product: 'confluence', site: 'acme.atlassian.net', resourceId: CONFLUENCE },
          { product: 'jira-software', site: 'acme.atlassian.net', resourceId: JIRA },
        ],
        notes: [
          'licence start unknown (first run)',
          'suspends the account in directory dir-1: removes every product it holds there',
        ],
      }),
    ]);
    expect(plan.summary.map((s) => [s.product, s.site, s.toRemove])).toEqual([
      ['confluence', 'acme.atlassian.net', 1],
      ['confluence', 'partners.atlassian.net', 0],
      ['jira-software', 'acme.atlassian.net', 1],
    ]);
  });

  it('skips (collateral) when the user is still active on another product in the directory', () => {
    const builder = org().withUser('half', {
      groups: ['jira-users', 'confluence-users'],
      activity: { confluence: daysAgo(3) },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [suspendJira, removeConfluence] }), builder);
    expect(plan.actions).toEqual([
      expect.objectContaining({
        kind: 'suspend',
        accountId: 'half',
        ruleIds: ['jira-suspend-90d'],
        status: 'skipped-collateral',
        notes: [
          'licence start unknown (first run)',
          'not suspended: suspension would also remove confluence on acme.atlassian.net, where this plan does not make the user eligible',
        ],
      }),
    ]);
    expect(plan.summary.every((s) => s.toRemove === 0)).toBe(true);
  });

  it('skips when the user holds a seat no rule governs (suspension would take it too)', () => {
    const builder = org().withUser('agent', { groups: ['jira-users', 'jsm-agents'] });
    const { plan } = evaluateFor(aPolicy({ rules: [suspendJira] }), builder);
    expect(plan.actions.map((a) => [a.kind, a.status, a.notes[1]])).toEqual([
      [
        'suspend',
        'skipped-collateral',
        'not suspended: suspension would also remove jira-servicedesk on acme.atlassian.net, where this plan does not make the user eligible',
      ],
    ]);
    expect(plan.actions[0].removes!.map((r) => r.resourceId)).toEqual([JSM, JIRA].sort());
  });

  it('looks only at the directory it suspends in', () => {
    const builder = org().withUser('two-dirs', {
      directoryIds: ['dir-1', 'dir-2'],
      groups: ['jira-users', 'partner-confluence'],
      activity: { 'confluence-partners': daysAgo(1) },
    });
    const { plan } = evaluateFor(aPolicy({ rules: [suspendJira] }), builder);
    expect(plan.actions.map((a) => [a.kind, a.status, a.directoryId, a.removes?.length])).toEqual([
      ['suspend', 'planned', 'dir-1', 1],
    ]);
  });

  it('never suspends a protected user', () => {
    const builder = org().withUser('kept', { groups: ['jira-users', 'confluence-users'] });
    const policy = aPolicy({
      rules: [suspendJira, removeConfluence],
      exclude: { accounts: [excludeAccount({ accountId: 'kept' }, { reason: 'On leave' })] },
    });
    const { plan } = evaluateFor(policy, builder);
    expect(plan.actions).toEqual([]);
    expect(plan.protected.map((p) => [p.product, p.reason])).toEqual([
      ['confluence', 'On leave'],
      ['jira-software', 'On leave'],
    ]);
  });
});
