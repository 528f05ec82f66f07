import { describe, expect, it } from '@jest/globals';
import { evaluate, findCandidates } from '../../../src/engine/index.js';
import type { Snapshot, UserResourceRoles } from '../../../src/snapshot/types.js';
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
} from './builders.js';

const CONFLUENCE = resourceIdOf('confluence', 'acme.atlassian.net');
const jiraRule = aRule({ id: 'jira-30d', product: 'jira-software' });

function org(): OrgBuilder {
  const builder = anOrg()
    .withJiraAndConfluence()
    .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
    .withGroup('confluence-users', { grants: { confluence: ['atlassian/user'] } });
  for (const id of ['a1', 'a2', 'a3', 'a4']) {
    builder.withUser(id, {
      groups: ['jira-users', 'confluence-users'],
      activity: { jira: daysAgo(1), confluence: daysAgo(1) },
    });
  }
  return builder
    .withUser('idle', { groups: ['jira-users'], activity: { jira: daysAgo(60) } })
    .withUser('ceo', { groups: ['jira-users'], activity: { jira: daysAgo(60) } })
    .withUser('admin', { groups: ['jira-users'], platformRoles: ['atlassian/site-admin'] });
}

/** Drops the role reads (and token reads) the builder made, as a fresh snapshot would have them. */
function unread(snapshot: Snapshot): Snapshot {
  return { ...snapshot, userRoles: new Map(), apiTokenLastUsed: new Map() };
}

describe('SPEC §3 How access is known: one role read per candidate, not per licensed user', () => {
  it('asks only for the users some rule would act on (protected and active users are not read)', () => {
    const policy = aPolicy({
      rules: [jiraRule],
      exclude: { accounts: [excludeAccount({ accountId: 'ceo' })] },
    });
    expect(findCandidates(policy, unread(org().build()), null, NOW)).toEqual({
      roleReads: ['idle'],
      apiTokenReads: [],
    });
  });

  it('includes keepAtMost picks (only as many as the target needs) and suspension candidates', () => {
    const builder = org()
      .withUser('c-old', { groups: ['confluence-users'], activity: { confluence: daysAgo(200) } })
      .withUser('c-mid', { groups: ['confluence-users'], activity: { confluence: daysAgo(100) } })
      .withUser('c-new', { groups: ['confluence-users'], activity: { confluence: daysAgo(50) } });
    const policy = aPolicy({
      rules: [
        aRule({ id: 'jira-suspend', product: 'jira-software', action: 'suspend' }),
        aRule({ id: 'confluence-keep-5', product: 'confluence', keepAtMost: 5, inactiveDays: 14 }),
      ],
    });
    expect(findCandidates(policy, unread(builder.build()), null, NOW).roleReads).toEqual([
      'c-mid',
      'c-old',
      'ceo',
      'idle',
    ]);
  });

  it('asks for nothing on a product+site blocked for missing activity data', () => {
    const builder = anOrg()
      .withJiraAndConfluence()
      .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
      .withUser('x', { groups: ['jira-users'] })
      .withUser('y', { groups: ['jira-users'] });
    expect(
      findCandidates(aPolicy({ rules: [jiraRule] }), unread(builder.build()), null, NOW),
    ).toEqual({
      roleReads: [],
      apiTokenReads: [],
    });
  });
});

describe('SPEC §3 A partial read never becomes a plan', () => {
  it('refuses to evaluate when a user it would act on has no role read', () => {
    const builder = org().updateUser('idle', { rolesRead: false });
    expect(() => evaluateFor(aPolicy({ rules: [jiraRule] }), builder)).toThrow(
      'the snapshot has no role assignments for 1 account(s) this plan would act on (idle); a partial read never ' +
        'becomes a plan: read the accounts findCandidates lists, then evaluate again',
    );
  });

  it('does not need reads for users it does not act on', () => {
    const builder = org()
      .updateUser('a1', { rolesRead: false })
      .updateUser('ceo', { rolesRead: false });
    const policy = aPolicy({
      rules: [jiraRule],
      exclude: { accounts: [excludeAccount({ accountId: 'ceo' })] },
    });
    expect(evaluateFor(policy, builder).plan.actions.map((a) => a.accountId)).toEqual(['idle']);
  });

  it('converges: repeating findCandidates with the reads made so far gives a snapshot evaluate accepts', () => {
    // keepAtMost wants one seat; the oldest pick turns out to use an API token, so the second
    // round asks for the next user.
    const builder = org()
      .withUser('c-old', {
        groups: ['confluence-users'],
        activity: { confluence: daysAgo(200) },
        claimStatus: 'managed',
        apiTokenLastUsed: daysAgo(1),
      })
      .withUser('c-mid', { groups: ['confluence-users'], activity: { confluence: daysAgo(100) } });
    const full = builder.build();
    const policy = aPolicy({
      rules: [
        aRule({ id: 'confluence-keep-5', product: 'confluence', keepAtMost: 5, inactiveDays: 14 }),
      ],
    });
    const state = aState(
      ['a1', 'a2', 'a3', 'a4', 'c-old', 'c-mid'].map((accountId) => ({
        accountId,
        resourceId: CONFLUENCE,
        since: daysAgo(900),
      })),
    );
    let snapshot = unread(full);
    const rounds: string[][] = [];
    for (;;) {
      const reads = findCandidates(policy, snapshot, state, NOW);
      const roles = reads.roleReads.filter((id) => !snapshot.userRoles.has(id));
      const tokens = reads.apiTokenReads.filter((id) => !snapshot.apiTokenLastUsed.has(id));
      if (roles.length === 0 && tokens.length === 0) break;
      rounds.push([...roles, ...tokens.map((t) => `token:${t}`)]);
      snapshot = {
        ...snapshot,
        userRoles: new Map([
          ...snapshot.userRoles,
          ...roles.map((id): [string, UserResourceRoles[]] => [id, full.userRoles.get(id)!]),
        ]),
        apiTokenLastUsed: new Map([
          ...snapshot.apiTokenLastUsed,
          ...tokens.map((id): [string, string | null] => [
            id,
            full.apiTokenLastUsed.get(id) ?? null,
          ]),
        ]),
      };
    }
    expect(rounds).toEqual([['c-old', 'token:c-old'], ['c-mid']]);
    const { plan } = evaluate({ policy, snapshot, state, now: NOW, policyCommit: null });
    expect(plan.actions.map((a) => a.accountId)).toEqual(['c-mid']);
  });
});
