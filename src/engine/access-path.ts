/**
 * How a seat is held, and so how it is removed (SPEC §3 "How the licence is removed"): every
 * granting group the user is in, plus any direct grant (a direct grant can sit beside a group
 * grant, and removing only the group would leave the seat). Decided at plan time from the
 * user's own role assignments and the groups' role assignments.
 */
import type { ActionStatus, Operation } from '../plan/types.js';
import {
  SEAT_ROLES,
  type Group,
  type Resource,
  type SnapshotUser,
  type UserResourceRoles,
} from '../snapshot/types.js';
import { bareGroupId } from './accounts.js';
import { describeResource, type EvaluationContext } from './context.js';
import { compareText } from './order.js';
import { SmallMap } from './small-map.js';

const SEATS = new Set(SEAT_ROLES);

/** A user's role assignments, by resource id. */
export type RolesByResource = Pick<SmallMap<UserResourceRoles>, 'get' | 'values'>;

export function indexRoles(roles: readonly UserResourceRoles[]): SmallMap<UserResourceRoles> {
  const byResource = new SmallMap<UserResourceRoles>();
  for (const entry of roles) {
    const known = byResource.get(entry.resourceId);
    // Two entries for one resource (several directories): keep both lists of roles.
    byResource.set(
      entry.resourceId,
      known ? { ...known, roles: [...known.roles, ...entry.roles] } : entry,
    );
  }
  return byResource;
}

export interface AccessPath {
  directoryId: string;
  operations: Operation[];
  grantingGroups: Group[];
  /** `planned`, or what stops the API from doing it (before any collateral check). */
  status: ActionStatus;
  notes: string[];
}

function isIdpSynced(group: Group): boolean {
  return group.externalSynced || group.managedBy === 'external';
}

function grantsSeatOn(group: Group, resourceId: string): boolean {
  return group.roleAssignments.some(
    (ra) => ra.resourceId === resourceId && ra.roles.some((role) => SEATS.has(role)),
  );
}

function byNameThenId(a: Group, b: Group): number {
  return compareText(a.name, b.name) || compareText(bareGroupId(a.id), bareGroupId(b.id));
}

export function firstDirectoryOf(user: SnapshotUser): string {
  return [...user.directoryIds].sort(compareText)[0] ?? '';
}

/** The user's groups (names, sorted) for the review table. */
export function groupNamesOf(ctx: EvaluationContext, user: SnapshotUser): string[] {
  const names: string[] = [];
  for (const id of user.groupIds) {
    const group = ctx.groupsById.get(bareGroupId(id));
    if (group && !names.includes(group.name)) names.push(group.name);
  }
  return names.length > 1 ? names.sort(compareText) : names;
}

export function analyseAccess(
  ctx: EvaluationContext,
  user: SnapshotUser,
  resource: Resource,
  roles: RolesByResource,
): AccessPath {
  const entry = roles.get(resource.id);
  const seatRoles = (entry?.roles ?? []).filter((r) => SEATS.has(r.role));
  const directRoles: string[] = [];
  for (const r of seatRoles) {
    if (r.methods.includes('direct') && !directRoles.includes(r.role)) directRoles.push(r.role);
  }
  directRoles.sort(compareText);
  const viaGroup = seatRoles.some((r) => r.methods.includes('group_direct'));
  const grantingGroups: Group[] = [];
  for (const id of user.groupIds) {
    const group = ctx.groupsById.get(bareGroupId(id));
    if (group && !grantingGroups.includes(group) && grantsSeatOn(group, resource.id))
      grantingGroups.push(group);
  }
  grantingGroups.sort(byNameThenId);
  const directoryId =
    entry?.directoryId ?? grantingGroups[0]?.directoryId ?? firstDirectoryOf(user);

  if (seatRoles.length === 0 || (directRoles.length === 0 && !viaGroup)) {
    const inferred = seatRoles.some((r) => r.methods.includes('inferred'));
    return {
      directoryId,
      operations: [],
      grantingGroups: [],
      status: 'needs-review',
      notes: [
        inferred
          ? 'access is reached only through an inferred assignment: review it by hand'
          : 'the role assignments read show no seat on this resource: review it by hand',
      ],
    };
  }

  const notes: string[] = [];
  const idp = grantingGroups.filter(isIdpSynced);
  const locked = grantingGroups.filter((g) => !isIdpSynced(g) && !g.modifiable);
  // Keys in code-unit order, as the plan's canonical JSON checks for (plan-body.ts).
  const operations: Operation[] = grantingGroups.map((g): Operation => {
    const blockedBy = isIdpSynced(g) ? 'idp-synced' : !g.modifiable ? 'not-modifiable' : null;
    return {
      ...(blockedBy ? { blockedBy } : {}),
      directoryId: g.directoryId,
      groupId: bareGroupId(g.id),
      groupName: g.name,
      type: 'remove-group-membership',
    };
  });
  for (const role of directRoles) {
    operations.push({ resourceId: resource.id, role, type: 'revoke-role' });
  }
  for (const g of idp) {
    notes.push(`group "${g.name}" is synced from the identity provider: remove the user there`);
  }
  for (const g of locked) {
    notes.push(
      `group "${g.name}" cannot be changed through the API (not modifiable): change it by hand`,
    );
  }
  let status: ActionStatus =
    idp.length > 0 ? 'needs-idp-change' : locked.length > 0 ? 'needs-manual' : 'planned';
  if (viaGroup && grantingGroups.length === 0) {
    notes.push(
      'a group grants this seat, but the snapshot does not show which: find and change it by hand',
    );
    if (status === 'planned') status = 'needs-manual';
  }
  return { directoryId, operations, grantingGroups, status, notes };
}

/**
 * What removing the user from the granting groups would take beyond this seat: another product
 * or site the user holds that this plan does not also remove for them, or a role other than a
 * seat role on this resource (such roles are never touched). Empty when there is none.
 */
export function collateralOf(
  ctx: EvaluationContext,
  resource: Resource,
  grantingGroups: readonly Group[],
  roles: RolesByResource,
  removedForUser: readonly string[],
): string[] {
  const found: string[] = [];
  const add = (text: string) => {
    if (!found.includes(text)) found.push(text);
  };
  for (const group of grantingGroups) {
    // Role assignments are sorted by resource id when the context is built.
    for (const ra of group.roleAssignments) {
      const held = roles.get(ra.resourceId);
      if (!held || held.roles.length === 0) continue;
      if (ra.resourceId === resource.id) {
        const others = ra.roles
          .filter(
            (r, i) =>
              !SEATS.has(r) && ra.roles.indexOf(r) === i && held.roles.some((h) => h.role === r),
          )
          .sort(compareText);
        if (others.length > 0) {
          add(
            `group "${group.name}" also grants ${others.join(', ')} on ${describeResource(resource)}`,
          );
        }
        continue;
      }
      if (removedForUser.includes(ra.resourceId)) continue;
      const other = ctx.resourcesById.get(ra.resourceId);
      add(
        `group "${group.name}" also grants ${other ? describeResource(other) : `${ra.product} (${ra.resourceId})`}`,
      );
    }
  }
  return found;
}

const HOLDING_METHODS = ['direct', 'group_direct'];

/**
 * The licensed seats the user holds in a directory (seat roles held directly or through a
 * group, on any resource, governed or not): what a suspension there would take. Entries without
 * a directory are counted in every directory, so a suspension never takes more than it lists.
 */
export function heldSeatResources(roles: RolesByResource, directoryId: string): string[] {
  const held: string[] = [];
  for (const entry of roles.values()) {
    if (entry.directoryId !== null && entry.directoryId !== directoryId) continue;
    if (
      entry.roles.some(
        (r) => SEATS.has(r.role) && r.methods.some((m) => HOLDING_METHODS.includes(m)),
      )
    ) {
      held.push(entry.resourceId);
    }
  }
  return held.sort(compareText);
}

/**
 * What the user's role read will most likely say, from their group memberships and licensed
 * seats (a seat no group explains is taken as a direct grant). Used only to find which reads
 * are needed; a plan is never made from it.
 */
export function predictRoles(ctx: EvaluationContext, user: SnapshotUser): UserResourceRoles[] {
  const byResource = new Map<string, UserResourceRoles>();
  const add = (
    resourceId: string,
    product: string,
    directoryId: string | null,
    role: string,
    method: string,
  ) => {
    let entry = byResource.get(resourceId);
    if (!entry) {
      entry = { resourceId, product, directoryId, roles: [] };
      byResource.set(resourceId, entry);
    }
    const known = entry.roles.find((r) => r.role === role);
    if (!known) entry.roles.push({ role, methods: [method] });
    else if (!known.methods.includes(method)) known.methods.push(method);
  };
  for (const id of user.groupIds) {
    const group = ctx.groupsById.get(bareGroupId(id));
    if (!group) continue;
    for (const ra of group.roleAssignments) {
      for (const role of ra.roles)
        add(ra.resourceId, ra.product, group.directoryId, role, 'group_direct');
    }
  }
  for (const resourceId of user.licensedOn) {
    const entry = byResource.get(resourceId);
    if (entry?.roles.some((r) => SEATS.has(r.role))) continue;
    const resource = ctx.resourcesById.get(resourceId);
    add(resourceId, resource?.product ?? '', firstDirectoryOf(user), 'atlassian/user', 'direct');
  }
  return [...byResource.values()];
}
