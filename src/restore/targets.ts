/**
 * What the organisation says now about the targets of restore operations, and whether each
 * operation may run (SPEC §9). Read when the restore plan is made (so the reviewer sees what is
 * refused) and again when it is applied (so nothing changed since the review slips through).
 *
 * **Safety:** a group membership is given back only when the group still exists, can be changed
 * through the API, and grants nothing but product-access roles (`RESTORABLE_GROUP_ROLES`) on
 * every resource; a direct role only when it is `atlassian/user` on a resource that still
 * exists; a suspended account is restored only when it would regain no admin or platform role.
 */
import type { AtlassianClient } from '../atlassian/client.js';
import { chunk, mapConcurrent } from '../atlassian/concurrency.js';
import { AtlassianApiError } from '../atlassian/errors.js';
import { bareGroupId } from '../atlassian/ids.js';
import type { Operation } from '../plan/types.js';
import { RESTORABLE_DIRECT_ROLES, unsafeGroupRoles } from './roles.js';

/** One account as its directory reports it now. */
export interface AccountNow {
  accountStatus: string;
  membershipStatus: string;
  platformRoles: string[];
  /** Bare group ids. */
  groupIds: ReadonlySet<string>;
}

/** One group as its directory reports it now; `null` when it no longer exists. */
export interface GroupNow {
  name: string;
  externalSynced: boolean;
  modifiable: boolean;
  /** Every role the group grants, on any resource. */
  roles: string[];
}

export interface RestoreTargets {
  /** By `${directoryId} ${accountId}`; absent when the directory does not know the account. */
  accounts: ReadonlyMap<string, AccountNow>;
  /** By `${directoryId} ${groupId}` (bare id). */
  groups: ReadonlyMap<string, GroupNow | null>;
  /** Every role held on any resource, by account id (for accounts to be un-suspended). */
  userRoles: ReadonlyMap<string, string[]>;
  /** Workspace ids, when a direct role is to be given back; null when not read. */
  resources: ReadonlySet<string> | null;
  /** Reads made, for progress. */
  reads: number;
}

/** An operation to judge, with the account and directory of its action. */
export interface TargetedOperation {
  accountId: string;
  directoryId: string;
  op: Operation;
}

const ACCOUNT_IDS_PER_SEARCH = 10;
const GROUP_IDS_PER_SEARCH = 10;

const accountKey = (directoryId: string, accountId: string) => `${directoryId} ${accountId}`;
const groupKey = (directoryId: string, groupId: string) => `${directoryId} ${bareGroupId(groupId)}`;

/** Reads what `judgeRestoreOperation` needs for these operations, and nothing else. */
export async function readRestoreTargets(
  client: AtlassianClient,
  targets: readonly TargetedOperation[],
  options: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<RestoreTargets> {
  const concurrency = options.concurrency ?? 4;
  const read = { signal: options.signal };
  let reads = 0;

  const accountsByDirectory = new Map<string, Set<string>>();
  const groupsByDirectory = new Map<string, Set<string>>();
  const unsuspend = new Map<string, string>();
  let needResources = false;
  for (const { accountId, directoryId, op } of targets) {
    const directory = 'directoryId' in op ? op.directoryId : directoryId;
    let accounts = accountsByDirectory.get(directory);
    if (!accounts) accountsByDirectory.set(directory, (accounts = new Set()));
    accounts.add(accountId);
    if (op.type === 'add-group-membership') {
      let groups = groupsByDirectory.get(op.directoryId);
      if (!groups) groupsByDirectory.set(op.directoryId, (groups = new Set()));
      groups.add(bareGroupId(op.groupId));
    } else if (op.type === 'restore-user') {
      unsuspend.set(accountId, op.directoryId);
    } else if (op.type === 'assign-role') {
      needResources = true;
    }
  }

  const accounts = new Map<string, AccountNow>();
  const accountBatches = [...accountsByDirectory].flatMap(([directoryId, ids]) =>
    chunk([...ids].sort(), ACCOUNT_IDS_PER_SEARCH).map((batch) => ({ directoryId, batch })),
  );
  await mapConcurrent(accountBatches, concurrency, async ({ directoryId, batch }) => {
    for await (const page of client.searchUsers(
      directoryId,
      { accountIds: batch, expand: ['groups', 'platformRoles'] },
      read,
    )) {
      reads += 1;
      for (const user of page) {
        if (!user.accountId || !batch.includes(user.accountId)) continue;
        accounts.set(accountKey(directoryId, user.accountId), {
          accountStatus: user.accountStatus ?? 'active',
          membershipStatus: user.membershipStatus ?? 'active',
          platformRoles: [...(user.platformRoles ?? [])],
          groupIds: new Set((user.groups ?? []).flatMap((g) => (g.id ? [bareGroupId(g.id)] : []))),
        });
      }
    }
  });

  const groups = new Map<string, GroupNow | null>();
  const groupBatches = [...groupsByDirectory].flatMap(([directoryId, ids]) =>
    chunk([...ids].sort(), GROUP_IDS_PER_SEARCH).map((batch) => ({ directoryId, batch })),
  );
  const flags = new Map<string, Omit<GroupNow, 'roles'>>();
  await mapConcurrent(groupBatches, concurrency, async ({ directoryId, batch }) => {
    for await (const page of client.searchGroups(directoryId, { groupIds: batch }, read)) {
      reads += 1;
      for (const group of page) {
        if (!group.id) continue;
        flags.set(groupKey(directoryId, group.id), {
          name: group.name ?? bareGroupId(group.id),
          externalSynced: group.externalSynced === true,
          modifiable: group.managementAccess?.modifiable !== false,
        });
      }
    }
  });
  const groupList = groupBatches.flatMap(({ directoryId, batch }) =>
    batch.map((groupId) => ({ directoryId, groupId })),
  );
  await mapConcurrent(groupList, concurrency, async ({ directoryId, groupId }) => {
    const key = groupKey(directoryId, groupId);
    const found = flags.get(key);
    try {
      const assignments = await client.getGroupRoleAssignments(directoryId, groupId, {}, read);
      reads += 1;
      const roles = [...new Set(assignments.flatMap((a) => a.roles ?? []))].sort();
      groups.set(key, found ? { ...found, roles } : null);
    } catch (error: unknown) {
      if (error instanceof AtlassianApiError && error.status === 404) {
        groups.set(key, null);
        return;
      }
      throw error;
    }
  });

  const userRoles = new Map<string, string[]>();
  await mapConcurrent([...unsuspend], concurrency, async ([accountId, directoryId]) => {
    try {
      const assignments = await client.getUserRoleAssignments(directoryId, accountId, {}, read);
      reads += 1;
      const roles = assignments.flatMap((a) =>
        a.roleAssignments !== undefined
          ? a.roleAssignments.flatMap((r) => (r.role ? [r.role] : []))
          : (a.roles ?? []),
      );
      userRoles.set(accountId, [...new Set(roles)].sort());
    } catch (error: unknown) {
      if (error instanceof AtlassianApiError && error.status === 404) {
        userRoles.set(accountId, []);
        return;
      }
      throw error;
    }
  });

  let resources: Set<string> | null = null;
  if (needResources) {
    resources = new Set();
    for await (const page of client.listWorkspaces(read)) {
      reads += 1;
      for (const workspace of page) if (workspace.id) resources.add(workspace.id);
    }
  }

  return { accounts, groups, userRoles, resources, reads };
}

/**
 * Null when the operation may run; otherwise why not, in one sentence a reviewer can act on.
 * Only restore operations are ever allowed: anything else in a restore plan is refused.
 */
export function judgeRestoreOperation(
  targets: RestoreTargets,
  { accountId, directoryId, op }: TargetedOperation,
): string | null {
  switch (op.type) {
    case 'add-group-membership': {
      const account = targets.accounts.get(accountKey(op.directoryId, accountId));
      if (!account) return `account ${accountId} is no longer in directory ${op.directoryId}`;
      const group = targets.groups.get(groupKey(op.directoryId, op.groupId));
      if (!group) return `group ${op.groupName || op.groupId} no longer exists`;
      const unsafe = unsafeGroupRoles(group.roles);
      if (unsafe.length > 0) {
        return `group ${group.name} grants ${unsafe.join(', ')}: restore never gives back a group that grants admin or platform roles; add the membership by hand if it is meant`;
      }
      if (group.externalSynced) {
        return `group ${group.name} is synced from the identity provider: add the membership there`;
      }
      if (!group.modifiable) {
        return `group ${group.name} cannot be changed through the API: add the membership by hand`;
      }
      return null;
    }
    case 'assign-role': {
      if (!RESTORABLE_DIRECT_ROLES.has(op.role)) {
        return `${op.role} is an admin or platform role: restore assigns only ${[...RESTORABLE_DIRECT_ROLES].join(', ')}; assign it by hand if it is meant`;
      }
      const account = targets.accounts.get(accountKey(directoryId, accountId));
      if (!account) return `account ${accountId} is no longer in directory ${directoryId}`;
      if (account.accountStatus !== 'active') {
        return `account ${accountId} is ${account.accountStatus}: Atlassian assigns roles to active accounts only`;
      }
      if (targets.resources !== null && !targets.resources.has(op.resourceId)) {
        return `resource ${op.resourceId} no longer exists`;
      }
      return null;
    }
    case 'restore-user': {
      const account = targets.accounts.get(accountKey(op.directoryId, accountId));
      if (!account) return `account ${accountId} is no longer in directory ${op.directoryId}`;
      const regained = unsafeGroupRoles([
        ...account.platformRoles,
        ...(targets.userRoles.get(accountId) ?? []),
      ]);
      if (regained.length > 0) {
        return `restoring the account would give back ${regained.join(', ')}: restore never gives back admin or platform roles; restore it by hand if it is meant`;
      }
      return null;
    }
    default:
      return `${op.type} is not a restore operation`;
  }
}
