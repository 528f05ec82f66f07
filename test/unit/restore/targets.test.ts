/**
 * What a restore may give back now: never a group that grants an admin or platform role, never
 * a direct admin role, never an account that would regain one; and only targets that still exist.
 */
import { describe, expect, it } from '@jest/globals';
import type { Operation } from '../../../src/plan/types.js';
import {
  judgeRestoreOperation,
  type AccountNow,
  type GroupNow,
  type RestoreTargets,
} from '../../../src/restore/targets.js';
import { DIR, JIRA } from './fixtures.js';

const account: AccountNow = {
  accountStatus: 'active',
  membershipStatus: 'active',
  platformRoles: [],
  groupIds: new Set<string>(),
};

function targets(
  overrides: Partial<{
    group: GroupNow | null;
    account: typeof account | null;
    userRoles: string[];
    resources: string[] | null;
  }> = {},
): RestoreTargets {
  const accountNow = overrides.account === undefined ? account : overrides.account;
  return {
    accounts: new Map(accountNow ? [[`${DIR} u1`, accountNow]] : []),
    groups: new Map([
      [
        `${DIR} g1`,
        overrides.group === undefined
          ? {
              name: 'jira-users',
              externalSynced: false,
              modifiable: true,
              roles: ['atlassian/user'],
            }
          : overrides.group,
      ],
    ]),
    userRoles: new Map([['u1', overrides.userRoles ?? ['atlassian/user']]]),
    resources:
      overrides.resources === undefined
        ? new Set([JIRA])
        : overrides.resources && new Set(overrides.resources),
    reads: 0,
  };
}

const add: Operation = {
  type: 'add-group-membership',
  directoryId: DIR,
  groupId: 'g1',
  groupName: 'jira-users',
};
const judge = (t: RestoreTargets, op: Operation) =>
  judgeRestoreOperation(t, { accountId: 'u1', directoryId: DIR, op });

describe('judgeRestoreOperation', () => {
  it('allows a membership in a group that grants product access only', () => {
    expect(judge(targets(), add)).toBeNull();
    expect(
      judge(
        targets({
          group: {
            name: 'jsm',
            externalSynced: false,
            modifiable: true,
            roles: ['atlassian/customer', 'atlassian/user'],
          },
        }),
        add,
      ),
    ).toBeNull();
  });

  it.each([
    ['atlassian/admin'],
    ['atlassian/site-admin'],
    ['atlassian/org-admin'],
    ['atlassian/user-access-admin'],
    ['atlassian/some-role-added-later'],
  ])('never gives back a group that grants %s', (role) => {
    const reason = judge(
      targets({
        group: {
          name: 'jira-users',
          externalSynced: false,
          modifiable: true,
          roles: ['atlassian/user', role],
        },
      }),
      add,
    );
    expect(reason).toBe(
      `group jira-users grants ${role}: restore never gives back a group that grants admin or platform roles; add the membership by hand if it is meant`,
    );
  });

  it('says when the group or account is gone, or the group cannot be changed through the API', () => {
    expect(judge(targets({ group: null }), add)).toBe('group jira-users no longer exists');
    expect(judge(targets({ account: null }), add)).toBe(
      `account u1 is no longer in directory ${DIR}`,
    );
    expect(
      judge(
        targets({
          group: {
            name: 'idp',
            externalSynced: true,
            modifiable: false,
            roles: ['atlassian/user'],
          },
        }),
        add,
      ),
    ).toBe('group idp is synced from the identity provider: add the membership there');
    expect(
      judge(
        targets({ group: { name: 'locked', externalSynced: false, modifiable: false, roles: [] } }),
        add,
      ),
    ).toBe('group locked cannot be changed through the API: add the membership by hand');
  });

  it('assigns only atlassian/user directly, to an active account, on a resource that exists', () => {
    const assign = (role: string): Operation => ({ type: 'assign-role', role, resourceId: JIRA });
    expect(judge(targets(), assign('atlassian/user'))).toBeNull();
    expect(judge(targets(), assign('atlassian/admin'))).toMatch(
      /^atlassian\/admin is an admin or platform role/,
    );
    expect(judge(targets({ resources: [] }), assign('atlassian/user'))).toBe(
      `resource ${JIRA} no longer exists`,
    );
    expect(
      judge(
        targets({ account: { ...account, accountStatus: 'inactive' } }),
        assign('atlassian/user'),
      ),
    ).toMatch(/is inactive/);
  });

  it('restores a suspended account only when it would regain no admin or platform role', () => {
    const restore: Operation = { type: 'restore-user', directoryId: DIR };
    expect(judge(targets(), restore)).toBeNull();
    expect(judge(targets({ userRoles: ['atlassian/user', 'atlassian/admin'] }), restore)).toBe(
      'restoring the account would give back atlassian/admin: restore never gives back admin or platform roles; restore it by hand if it is meant',
    );
    expect(
      judge(targets({ account: { ...account, platformRoles: ['atlassian/site-admin'] } }), restore),
    ).toMatch(/atlassian\/site-admin/);
  });

  it('refuses anything that is not a restore operation', () => {
    expect(judge(targets(), { type: 'suspend', directoryId: DIR })).toBe(
      'suspend is not a restore operation',
    );
  });
});
