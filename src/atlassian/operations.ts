/**
 * The one mapping from a plan `Operation` to the Atlassian request that performs it, so that the
 * executor, dry runs and the audit all describe a write the same way.
 */
import type { Operation } from '../plan/types.js';
import type { AddGroupMembershipRequest, RoleApiRequest } from './api-types.js';
import type { HttpMethod, RetryPolicy } from './http.js';
import { bareGroupId, pathSegment } from './ids.js';

export interface WriteRequest {
  method: HttpMethod;
  /** Concrete path from the API root. */
  path: string;
  /** Route template, for counters. */
  route: string;
  body?: RoleApiRequest | AddGroupMembershipRequest;
  retry: RetryPolicy;
}

/** Roles this product never grants or revokes for a user: org- and site-wide administration. */
const PLATFORM_ROLES = new Set(['atlassian/org-admin', 'atlassian/site-admin']);

function requireDirectory(directoryId: string, what: string): string {
  // `-` means "every directory" to Atlassian: fine for reads, never for a write.
  if (!directoryId || directoryId === '-') {
    throw new Error(`${what} needs the user's directory id, not "${directoryId}".`);
  }
  return pathSegment(directoryId);
}

function requireValue(value: string, what: string): string {
  if (!value) throw new Error(`${what} is missing.`);
  return pathSegment(value);
}

function roleBody(role: string, resourceId: string, what: string): RoleApiRequest {
  if (PLATFORM_ROLES.has(role)) {
    throw new Error(`${what} refuses the platform role ${role}: only product roles are managed.`);
  }
  if (!resourceId) throw new Error(`${what} needs a resource id.`);
  return { role, resource: resourceId };
}

/** The request for `op` on `accountId` in org `orgId`. Throws on an operation that is malformed or not allowed. */
export function operationRequest(orgId: string, op: Operation, accountId: string): WriteRequest {
  const org = requireValue(orgId, 'The org id');
  const account = requireValue(accountId, 'The account id');
  const directoryUser = (directoryId: string, what: string) =>
    `/admin/v2/orgs/${org}/directories/${requireDirectory(directoryId, what)}/users/${account}`;
  const membership = (directoryId: string, groupId: string, what: string) =>
    `/admin/v2/orgs/${org}/directories/${requireDirectory(directoryId, what)}/groups/${requireValue(
      bareGroupId(groupId),
      'The group id',
    )}/memberships`;

  switch (op.type) {
    case 'remove-group-membership':
      return {
        method: 'DELETE',
        path: `${membership(op.directoryId, op.groupId, 'Removing a group membership')}/${account}`,
        route:
          'DELETE /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId}',
        retry: 'idempotent-write',
      };
    case 'add-group-membership':
      return {
        method: 'POST',
        path: membership(op.directoryId, op.groupId, 'Adding a group membership'),
        route: 'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships',
        body: { accountId },
        retry: 'write',
      };
    case 'revoke-role':
      return {
        method: 'POST',
        path: `/admin/v1/orgs/${org}/users/${account}/roles/revoke`,
        route: 'POST /admin/v1/orgs/{orgId}/users/{userId}/roles/revoke',
        body: roleBody(op.role, op.resourceId, 'Revoking a role'),
        retry: 'idempotent-write',
      };
    case 'assign-role':
      return {
        method: 'POST',
        path: `/admin/v1/orgs/${org}/users/${account}/roles/assign`,
        route: 'POST /admin/v1/orgs/{orgId}/users/{userId}/roles/assign',
        body: roleBody(op.role, op.resourceId, 'Assigning a role'),
        retry: 'write',
      };
    case 'suspend':
      return {
        method: 'POST',
        path: `${directoryUser(op.directoryId, 'Suspending a user')}/suspend`,
        route: 'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/suspend',
        retry: 'write',
      };
    case 'restore-user':
      return {
        method: 'POST',
        path: `${directoryUser(op.directoryId, 'Restoring a user')}/restore`,
        route: 'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/restore',
        retry: 'write',
      };
    default: {
      const unknown: never = op;
      throw new Error(`Unknown operation ${JSON.stringify(unknown)}`);
    }
  }
}
