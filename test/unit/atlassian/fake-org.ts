/**
 * A small hand-built organisation served over real HTTP, answering the Atlassian endpoints the
 * snapshot reader uses with the filter semantics the OpenAPI document describes. Unit tests use
 * it to state exactly who holds what; the integration tests run the same reads against the sandbox.
 */
import type { Handler, RecordedRequest, Reply } from './helpers.js';

export interface FakeUser {
  accountId: string;
  directoryId?: string;
  email?: string | null;
  name?: string;
  accountType?: string;
  accountStatus?: string;
  membershipStatus?: string;
  claimStatus?: string;
  addedToOrg?: string;
  platformRoles?: string[];
  /** Bare group ids. */
  groups?: string[];
  direct?: Array<{ resourceId: string; role: string }>;
  productAccess?: Array<{ id: string; key?: string; lastActiveTimestamp?: string }>;
}

export interface FakeGroup {
  id: string;
  name: string;
  directoryId?: string;
  externalSynced?: boolean;
  managedBy?: string;
  modifiable?: boolean;
  grants: Array<{ resourceId: string; roles: string[] }>;
}

export interface FakeWorkspace {
  id: string;
  hostUrl?: string | null;
  name?: string;
  status?: string;
  sandbox?: boolean;
  capacity?: number | null;
}

export interface FakeOrg {
  orgId: string;
  directories: Array<{ directoryId: string; name: string }>;
  workspaces: FakeWorkspace[];
  users: FakeUser[];
  groups: FakeGroup[];
  /** Service-account atlassianIds, or an HTTP status the listing answers with instead. */
  serviceAccounts: string[] | number;
  apiTokens?: Record<
    string,
    Array<{ id: string; label: string; createdAt: string; lastAccess?: string }> | number
  >;
}

const DEFAULT_DIRECTORY = 'dir-1';
const ARI_GROUP = 'ari:cloud:identity::group/';

function page<T>(items: T[], cursor: string | undefined, limit: number, key = 'data'): Reply {
  const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').slice(2)) : 0;
  const slice = items.slice(offset, offset + limit);
  const nextOffset = offset + slice.length;
  const links: Record<string, string> = {};
  if (nextOffset < items.length) links.next = Buffer.from(`o:${nextOffset}`).toString('base64url');
  return { status: 200, body: { [key]: slice, links } };
}

/** Every role a user holds on each resource, and how. */
export function effectiveRoles(
  org: FakeOrg,
  user: FakeUser,
): Map<string, Map<string, Set<string>>> {
  const byResource = new Map<string, Map<string, Set<string>>>();
  const add = (resourceId: string, role: string, method: string) => {
    let roles = byResource.get(resourceId);
    if (!roles) byResource.set(resourceId, (roles = new Map()));
    let methods = roles.get(role);
    if (!methods) roles.set(role, (methods = new Set()));
    methods.add(method);
  };
  for (const d of user.direct ?? []) add(d.resourceId, d.role, 'direct');
  for (const groupId of user.groups ?? []) {
    const group = org.groups.find((g) => g.id === groupId);
    for (const grant of group?.grants ?? [])
      for (const role of grant.roles) add(grant.resourceId, role, 'group_direct');
  }
  return byResource;
}

function userView(org: FakeOrg, user: FakeUser, expand: string[]): Record<string, unknown> {
  const view: Record<string, unknown> = {
    accountId: user.accountId,
    accountType: user.accountType ?? 'atlassian',
    accountStatus: user.accountStatus ?? 'active',
    membershipStatus: user.membershipStatus ?? 'active',
    claimStatus: user.claimStatus ?? 'managed',
    name: user.name ?? user.accountId,
    addedToOrg: user.addedToOrg ?? '2024-01-01T00:00:00.000Z',
  };
  if (user.email !== null) view.email = user.email ?? `${user.accountId}@example.com`;
  if (expand.includes('platformRoles')) view.platformRoles = user.platformRoles ?? [];
  if (expand.includes('productAccess')) view.productAccess = user.productAccess ?? [];
  if (expand.includes('groups')) {
    view.groups = (user.groups ?? []).map((id) => ({
      id: ARI_GROUP + id,
      name: org.groups.find((g) => g.id === id)?.name ?? null,
    }));
  }
  return view;
}

interface UserSearchBody {
  cursor?: string;
  limit?: number;
  accountIds?: string[];
  emails?: string[];
  groupIds?: string[];
  resourceIds?: string[];
  roleIds?: string[];
  accountStatus?: string[];
  membershipStatus?: string[];
  expand?: string[];
}

function searchUsers(org: FakeOrg, directoryId: string, body: UserSearchBody): Reply {
  const matches = org.users.filter((user) => {
    if (directoryId !== '-' && (user.directoryId ?? DEFAULT_DIRECTORY) !== directoryId)
      return false;
    if (body.accountIds && !body.accountIds.includes(user.accountId)) return false;
    if (body.emails && !body.emails.includes((user.email ?? '').toLowerCase())) return false;
    if (body.groupIds && !body.groupIds.some((g) => (user.groups ?? []).includes(g))) return false;
    if (body.accountStatus && !body.accountStatus.includes(user.accountStatus ?? 'active'))
      return false;
    if (body.membershipStatus && !body.membershipStatus.includes(user.membershipStatus ?? 'active'))
      return false;
    if (body.resourceIds || body.roleIds) {
      const roles = effectiveRoles(org, user);
      const platform = body.resourceIds
        ? false
        : (user.platformRoles ?? []).some((r) => body.roleIds?.includes(r));
      const onResource = [...roles].some(
        ([resourceId, held]) =>
          (!body.resourceIds || body.resourceIds.includes(resourceId)) &&
          [...held.keys()].some((role) => !body.roleIds || body.roleIds.includes(role)),
      );
      if (!platform && !onResource) return false;
    }
    return true;
  });
  return page(
    matches.map((u) => userView(org, u, body.expand ?? [])),
    body.cursor,
    body.limit ?? 50,
  );
}

function searchGroups(
  org: FakeOrg,
  directoryId: string,
  body: { cursor?: string; limit?: number; resourceIds?: string[]; groupNames?: string[] },
): Reply {
  const names = body.groupNames?.map((n) => n.toLowerCase());
  const matches = org.groups.filter(
    (g) =>
      (directoryId === '-' || (g.directoryId ?? DEFAULT_DIRECTORY) === directoryId) &&
      (!body.resourceIds ||
        g.grants.some((grant) => body.resourceIds?.includes(grant.resourceId))) &&
      (!names || names.includes(g.name.toLowerCase())),
  );
  return page(
    matches.map((g) => ({
      id: g.id,
      name: g.name,
      directoryId: g.directoryId ?? DEFAULT_DIRECTORY,
      externalSynced: g.externalSynced ?? false,
      managedBy: g.managedBy ?? 'admins',
      managementAccess: { modifiable: g.modifiable ?? true, readable: true, deletable: true },
    })),
    body.cursor,
    body.limit ?? 20,
  );
}

const owner = (resourceId: string) => /^ari:cloud:([^:]+)/.exec(resourceId)?.[1] ?? '';

/** The fake's request handler; `override` may answer a request first (faults). */
export function fakeOrgHandler(
  org: FakeOrg,
  override?: (req: RecordedRequest) => Reply | undefined,
): Handler {
  return (req) => {
    const forced = override?.(req);
    if (forced) return forced;
    const p = req.path;
    const query = req.query;
    const limit = Number(query.get('limit') ?? 20);
    const cursor = query.get('cursor') ?? undefined;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && (m = /^\/admin\/v1\/orgs\/([^/]+)$/.exec(p))) {
      return {
        status: 200,
        body: { data: { id: m[1], type: 'orgs', attributes: { name: 'Fake org' } } },
      };
    }
    if (req.method === 'GET' && /^\/admin\/v2\/orgs\/[^/]+\/directories$/.test(p)) {
      return page(org.directories, cursor, limit);
    }
    if (req.method === 'POST' && /^\/admin\/v2\/orgs\/[^/]+\/workspaces$/.test(p)) {
      const body = (req.body ?? {}) as { cursor?: string; limit?: number };
      return page(
        org.workspaces.map((w) => ({
          id: w.id,
          type: 'workspace',
          attributes: {
            name: w.name ?? w.id,
            type: owner(w.id),
            typeKey: owner(w.id),
            status: w.status ?? 'online',
            hostUrl:
              w.hostUrl === undefined
                ? `https://${w.id.split('/').pop()}.atlassian.net`
                : w.hostUrl,
            sandbox: { type: w.sandbox ? 'CHILD' : 'NONE' },
            capacity: w.capacity ?? null,
          },
        })),
        body.cursor,
        body.limit ?? 20,
      );
    }
    if (
      req.method === 'POST' &&
      (m = /^\/admin\/v2\/orgs\/[^/]+\/directories\/([^/]+)\/users\/search$/.exec(p))
    ) {
      return searchUsers(org, decodeURIComponent(m[1]), req.body ?? {});
    }
    if (
      req.method === 'POST' &&
      (m = /^\/admin\/v2\/orgs\/[^/]+\/directories\/([^/]+)\/groups\/search$/.exec(p))
    ) {
      return searchGroups(org, decodeURIComponent(m[1]), req.body ?? {});
    }
    if (
      req.method === 'GET' &&
      (m = /^\/admin\/v2\/orgs\/[^/]+\/directories\/[^/]+\/groups\/([^/]+)\/role-assignments$/.exec(
        p,
      ))
    ) {
      const group = org.groups.find((g) => g.id === decodeURIComponent(m![1]));
      if (!group)
        return {
          status: 404,
          body: { errors: [{ code: 'ADMIN-404-10', title: 'Group not found' }] },
        };
      return page(
        group.grants.map((g) => ({
          resourceId: g.resourceId,
          resourceOwner: owner(g.resourceId),
          roles: g.roles,
        })),
        cursor,
        limit,
      );
    }
    if (
      req.method === 'GET' &&
      (m = /^\/admin\/v2\/orgs\/[^/]+\/directories\/[^/]+\/users\/([^/]+)\/role-assignments$/.exec(
        p,
      ))
    ) {
      const user = org.users.find((u) => u.accountId === decodeURIComponent(m![1]));
      if (!user)
        return {
          status: 404,
          body: { errors: [{ code: 'ADMIN-404-8', title: 'User not found' }] },
        };
      const rows = [...effectiveRoles(org, user)].map(([resourceId, roles]) => ({
        resourceId,
        resourceOwner: owner(resourceId),
        directoryId: user.directoryId ?? DEFAULT_DIRECTORY,
        userDirectoryStatus: 'active',
        roleAssignments: [...roles].map(([role, methods]) => ({
          role,
          roleAssignmentMethods: [...methods],
        })),
      }));
      return page(rows, cursor, limit);
    }
    if (
      req.method === 'GET' &&
      /^\/admin\/api-access\/v1\/orgs\/[^/]+\/service-accounts$/.test(p)
    ) {
      if (typeof org.serviceAccounts === 'number') {
        return {
          status: org.serviceAccounts,
          body: { code: org.serviceAccounts, message: 'Not allowed' },
        };
      }
      return page(
        org.serviceAccounts.map((id, i) => ({
          atlassianId: id,
          id: `sa-${i}`,
          displayName: `bot ${i}`,
        })),
        cursor,
        20,
        'items',
      );
    }
    if (req.method === 'GET' && (m = /^\/users\/([^/]+)\/manage\/api-tokens$/.exec(p))) {
      const tokens = org.apiTokens?.[decodeURIComponent(m[1])];
      if (typeof tokens === 'number')
        return { status: tokens, body: { key: 'forbidden', message: 'No' } };
      return { status: 200, body: tokens ?? [] };
    }
    return { status: 404, body: { errors: [{ code: 'NO-ROUTE', title: `${req.method} ${p}` }] } };
  };
}
