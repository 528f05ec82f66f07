/**
 * The routes the sandbox serves: exact Atlassian paths, bodies and error shapes. Each route
 * has a short id (`users.search`) used by the request log, the counters and fault rules.
 */
import type { OrgModel, UserRecord } from './model.js';
import { isBillable, isSeatRole, PLATFORM_ROLES } from './model.js';
import { apiError, badRequest, invalidCursor, type ApiFamily, type Reply } from './errors.js';
import { decodeCursor, encodeCursor, queryHash, type QueryRegistry } from './cursor.js';
import {
  findGroups,
  findUsers,
  parseGroupSearch,
  parseUserSearch,
  ROLE_IDS,
  type ParsedSearch,
} from './search.js';
import {
  renderGroup,
  renderLastActive,
  renderUser,
  renderUserDetails,
  renderV1User,
  renderWorkspace,
  pictureOf,
  type AriSpelling,
} from './views.js';
import { checkBody } from './validate.js';

export interface RouteContext {
  model: OrgModel;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** `http://127.0.0.1:<port>`: for the v1 APIs' absolute links. */
  baseUrl: string;
  spelling: AriSpelling;
  cursors: QueryRegistry;
  /** Billable seats on a workspace (cached per model version). */
  usage: (resourceId: string) => number;
}

export interface RouteDef {
  id: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path template as the server sees it (`/admin/v2/...`, or `/users/...` for user management). */
  template: string;
  family: ApiFamily;
  /** True for POSTs that only read (searches): not counted by `writes()`. */
  search?: boolean;
  handle: (ctx: RouteContext) => Reply;
}

const json = (body: unknown, status = 200): Reply => ({ status, body });
const noContent: Reply = { status: 204 };

// ------------------------------------------------------------------- paging

interface Page<T> {
  items: T[];
  links: { self: string; next?: string; prev?: string };
}

function paginate<T>(all: readonly T[], offset: number, limit: number, hash: string): Page<T> {
  const items = all.slice(offset, offset + limit);
  const links: Page<T>['links'] = { self: encodeCursor({ offset, hash }) };
  if (offset + limit < all.length) links.next = encodeCursor({ offset: offset + limit, hash });
  if (offset > 0) links.prev = encodeCursor({ offset: Math.max(0, offset - limit), hash });
  return { items, links };
}

/**
 * Resolves a search body's cursor. With a cursor, the body may repeat the original filters
 * (they must match the ones the cursor was issued for) or carry the cursor alone.
 */
function resolveSearch<F>(
  ctx: RouteContext,
  family: ApiFamily,
  scope: string,
  parsed: ParsedSearch<F>,
): { filter: F; offset: number; hash: string } | Reply {
  if (parsed.problems.length) return badRequest(family, parsed.problems);
  if (parsed.cursor === undefined) {
    const hash = queryHash(scope, parsed.filter);
    ctx.cursors.remember(hash, parsed.filter);
    return { filter: parsed.filter, offset: 0, hash };
  }
  const state = decodeCursor(parsed.cursor);
  if (!state) return invalidCursor(family);
  if (parsed.hasFilter) {
    if (queryHash(scope, parsed.filter) !== state.hash) {
      return invalidCursor(
        family,
        'The cursor belongs to a different query: resend the same filters, or the cursor alone.',
      );
    }
    return { filter: parsed.filter, offset: state.offset, hash: state.hash };
  }
  const filter = ctx.cursors.recall(state.hash);
  if (filter === undefined)
    return invalidCursor(family, 'The cursor has expired or was not issued by this server.');
  return { filter: filter as F, offset: state.offset, hash: state.hash };
}

/** GET paging: "if [cursor is] present, all other parameters are discarded" (spec). */
function resolveGetPage<Q>(
  ctx: RouteContext,
  family: ApiFamily,
  scope: string,
  defaultLimit: number,
  maxLimit: number,
  readQuery: () => Q | Reply,
): { query: Q; offset: number; limit: number; hash: string } | Reply {
  const cursor = ctx.query.get('cursor');
  const limitText = ctx.query.get('limit');
  let limit = defaultLimit;
  if (limitText !== null) {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
      return badRequest(family, [`"limit" must be an integer from 1 to ${maxLimit}.`]);
    }
  }
  if (cursor !== null) {
    const state = decodeCursor(cursor);
    if (!state) return invalidCursor(family);
    const recalled = ctx.cursors.recall(state.hash) as { query: Q; limit: number } | undefined;
    if (recalled === undefined)
      return invalidCursor(family, 'The cursor has expired or was not issued by this server.');
    return { query: recalled.query, offset: state.offset, limit: recalled.limit, hash: state.hash };
  }
  const query = readQuery();
  if (isReply(query)) return query;
  const hash = queryHash(scope, { query, limit });
  ctx.cursors.remember(hash, { query, limit });
  return { query, offset: 0, limit, hash };
}

function isReply(value: unknown): value is Reply {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    typeof (value as Reply).status === 'number'
  );
}

// ---------------------------------------------------------------- lookups

/** Path directory: `-` (all) or a known directory. */
function checkDirectory(ctx: RouteContext, family: ApiFamily, allowAll: boolean): Reply | null {
  const id = ctx.params.directoryId ?? '-';
  if (id === '-') {
    return allowAll
      ? null
      : badRequest(family, ['This operation changes one directory: give its id, not "-".']);
  }
  return ctx.model.directory(id)
    ? null
    : apiError(family, 404, 'ADMIN-404-1', 'Directory not found', `No directory ${id}.`);
}

function userInDirectory(ctx: RouteContext, accountId: string): UserRecord | undefined {
  const user = ctx.model.user(accountId);
  const dir = ctx.params.directoryId ?? '-';
  return user && (dir === '-' || user.directoryId === dir) ? user : undefined;
}

const userNotFound = (family: ApiFamily, accountId: string): Reply =>
  apiError(family, 404, 'ADMIN-404-8', 'User not found', `No user ${accountId} in this directory.`);

const groupNotFound = (family: ApiFamily, groupId: string): Reply =>
  apiError(
    family,
    404,
    'ADMIN-404-10',
    'Group not found',
    `No group ${groupId} in this directory.`,
  );

// ------------------------------------------------------------------ routes

const V1 = '/admin/v1/orgs/{orgId}';
const V2 = '/admin/v2/orgs/{orgId}';
const DIR = `${V2}/directories/{directoryId}`;

function orgBody(ctx: RouteContext): Record<string, unknown> {
  const base = `${ctx.baseUrl}/admin/v1/orgs/${ctx.model.orgId}`;
  return {
    id: ctx.model.orgId,
    type: 'orgs',
    attributes: { name: ctx.model.name },
    relationships: {
      domains: { links: { related: `${base}/domains` } },
      users: { links: { related: `${base}/users` } },
    },
    links: { self: base },
  };
}

/** Roles that only make sense on one product (the others are accepted everywhere). */
const PRODUCT_ONLY_ROLES: Record<string, string> = {
  'atlassian/customer': 'jira-servicedesk',
  'atlassian/guest': 'confluence',
  'atlassian/contributor': 'jira-product-discovery',
};

function roleRequest(ctx: RouteContext, assign: boolean): Reply {
  const family: ApiFamily = 'v1roles';
  const { model } = ctx;
  const userId = ctx.params.userId;
  const { value, problems } = checkBody(ctx.body, {
    role: { kind: 'enum', values: ROLE_IDS.filter((r) => r !== 'atlassian/ai-access') },
    resource: { kind: 'string' },
  });
  if (value.role === undefined) problems.push('"role" is required.');
  if (problems.length) return badRequest(family, problems);
  const role = value.role as string;
  const resource = value.resource as string | undefined;
  const user = model.user(userId);
  if (!user)
    return apiError(family, 404, 'ADMIN-UAM-404-1', 'Unknown resource', `No user ${userId}.`);

  if (PLATFORM_ROLES.includes(role)) {
    // org-admin ignores the resource (spec); site-level admin roles take the site's platform ARI.
    if (role !== 'atlassian/org-admin') {
      const sites = new Set(model.workspaces().map((w) => `ari:cloud:platform::site/${w.siteId}`));
      if (resource === undefined)
        return badRequest(family, ['"resource" is required for all roles other than org-admin.']);
      if (!sites.has(resource))
        return apiError(
          family,
          400,
          'ADMIN-UAM-400-3',
          'Invalid role for resource',
          `${role} is granted on a site (ari:cloud:platform::site/<id>).`,
        );
    }
    const has = user.platformRoles.includes(role);
    if (!assign && !has)
      return apiError(
        family,
        404,
        'ADMIN-UAM-404-1',
        'Unknown resource',
        `${userId} does not hold ${role}.`,
      );
    model.setPlatformRoles(
      userId,
      assign ? [...user.platformRoles, role] : user.platformRoles.filter((r) => r !== role),
    );
    return noContent;
  }

  if (resource === undefined)
    return badRequest(family, ['"resource" is required for all roles other than org-admin.']);
  const workspace = model.workspace(resource);
  if (!workspace)
    return apiError(family, 404, 'ADMIN-UAM-404-1', 'Unknown resource', `No resource ${resource}.`);
  const only = PRODUCT_ONLY_ROLES[role];
  if (only && only !== workspace.product) {
    return apiError(
      family,
      400,
      'ADMIN-UAM-400-3',
      'Invalid role for resource',
      `${role} does not apply to ${workspace.product}.`,
    );
  }
  if (!assign) {
    // Only a direct grant can be revoked here; a role held through a group stays until the membership goes.
    if (model.revokeRole(userId, resource, role, 'direct')) return noContent;
    const viaGroups = user.groups.filter((g) =>
      model.groupGrants(g.id).some((gr) => gr.resourceId === resource && gr.roles.includes(role)),
    );
    return apiError(
      family,
      404,
      'ADMIN-UAM-404-1',
      'Unknown resource',
      viaGroups.length
        ? `${userId} holds ${role} on ${resource} only through group(s) ${viaGroups.map((g) => g.name).join(', ')}; remove the membership instead.`
        : `${userId} has no direct ${role} grant on ${resource}.`,
    );
  }
  if (user.accountStatus !== 'active')
    return apiError(family, 400, 'ADMIN-UAM-400-2', 'Inactive user');
  if (
    isSeatRole(role) &&
    isBillable(user) &&
    model.seatRolesOn(user, resource).length === 0 &&
    workspace.capacity !== null &&
    ctx.usage(resource) >= workspace.capacity
  ) {
    return apiError(
      family,
      409,
      'ADMIN-UAM-409-3',
      'Product License Limit Exceeded',
      `${workspace.name} has no free seat (${workspace.capacity}).`,
    );
  }
  model.grantRole(userId, resource, role, 'direct');
  return noContent;
}

function membershipGroup(
  ctx: RouteContext,
  family: ApiFamily,
): { group: ReturnType<OrgModel['group']> & object } | Reply {
  const dirProblem = checkDirectory(ctx, family, false);
  if (dirProblem) return dirProblem;
  const groupId = ctx.params.groupId;
  const group = ctx.model.group(groupId);
  if (!group || group.directoryId !== ctx.params.directoryId) return groupNotFound(family, groupId);
  if (group.externalSynced) {
    return apiError(
      family,
      403,
      'ADMIN-403-5',
      'Not allowed to manage the group',
      `Group ${group.name} is synced from an identity provider: change its memberships in the IdP.`,
    );
  }
  if (!group.modifiable) {
    return apiError(
      family,
      403,
      'ADMIN-403-5',
      'Not allowed to manage the group',
      `Group ${group.name} cannot be modified through the API.`,
    );
  }
  return { group };
}

export const ROUTES: readonly RouteDef[] = [
  {
    id: 'orgs.list',
    method: 'GET',
    template: '/admin/v1/orgs',
    family: 'v1',
    handle: (ctx) =>
      json({ data: [orgBody(ctx)], links: { self: `${ctx.baseUrl}/admin/v1/orgs` } }),
  },
  {
    id: 'org.get',
    method: 'GET',
    template: V1,
    family: 'v1',
    handle: (ctx) => json({ data: orgBody(ctx) }),
  },
  {
    id: 'directories.list',
    method: 'GET',
    template: `${V2}/directories`,
    family: 'v2',
    handle: (ctx) => {
      const r = resolveGetPage(ctx, 'v2', 'directories.list', 20, 100, () => {
        const ids = ctx.query.getAll('directoryIds');
        if (ids.length > 10)
          return badRequest('v2', ['"directoryIds" must have at most 10 items.']);
        return {
          accountId: ctx.query.get('accountId'),
          ids,
          term: ctx.query.get('searchTerm')?.toLowerCase() ?? null,
        };
      });
      if (isReply(r)) return r;
      const { accountId, ids, term } = r.query;
      const member = accountId ? ctx.model.user(accountId) : undefined;
      const all = ctx.model
        .directories()
        .filter(
          (d) =>
            (ids.length === 0 || ids.includes(d.id)) &&
            (term === null || d.name.toLowerCase().includes(term)) &&
            (accountId === null || member?.directoryId === d.id),
        );
      const page = paginate(all, r.offset, r.limit, r.hash);
      return json({
        data: page.items.map((d) => ({
          directoryId: d.id,
          name: d.name,
          icon: 'https://sandbox.invalid/directory.png',
        })),
        links: page.links,
      });
    },
  },
  {
    id: 'workspaces.search',
    method: 'POST',
    template: `${V2}/workspaces`,
    family: 'workspaces',
    search: true,
    handle: (ctx) => searchWorkspaces(ctx),
  },
  {
    id: 'users.search',
    method: 'POST',
    template: `${DIR}/users/search`,
    family: 'v2',
    search: true,
    handle: (ctx) => {
      const dirProblem = checkDirectory(ctx, 'v2', true);
      if (dirProblem) return dirProblem;
      const directoryId = ctx.params.directoryId;
      const parsed = parseUserSearch(ctx.body);
      const r = resolveSearch(ctx, 'v2', `users.search/${directoryId}`, parsed);
      if (isReply(r)) return r;
      const users = findUsers(ctx.model, directoryId, r.filter);
      const page = paginate(users, r.offset, parsed.limit ?? 50, r.hash);
      const expand = new Set(r.filter.expand ?? []);
      return json({
        data: page.items.map((u) => renderUser(ctx.model, u, expand, directoryId, ctx.spelling)),
        links: page.links,
      });
    },
  },
  {
    id: 'user.get',
    method: 'GET',
    template: `${DIR}/users/{userId}`,
    family: 'v2',
    handle: (ctx) => {
      const dirProblem = checkDirectory(ctx, 'v2', true);
      if (dirProblem) return dirProblem;
      const user = userInDirectory(ctx, ctx.params.userId);
      if (!user) return userNotFound('v2', ctx.params.userId);
      return json({ data: renderUserDetails(user) });
    },
  },
  {
    id: 'user.roleAssignments',
    method: 'GET',
    template: `${DIR}/users/{accountId}/role-assignments`,
    family: 'v2',
    handle: (ctx) => {
      const dirProblem = checkDirectory(ctx, 'v2', true);
      if (dirProblem) return dirProblem;
      const accountId = ctx.params.accountId;
      const user = userInDirectory(ctx, accountId);
      if (!user) return userNotFound('v2', accountId);
      const r = resolveGetPage(ctx, 'v2', `user.roleAssignments/${accountId}`, 20, 100, () =>
        assignmentFilter(ctx),
      );
      if (isReply(r)) return r;
      const f = r.query;
      const items = ctx.model.roleAssignmentsOf(accountId).flatMap((a) => {
        const directoryId = a.platform ? null : user.directoryId;
        if (f.resourceIds.length && !f.resourceIds.includes(a.resourceId)) return [];
        if (f.resourceOwners.length && !f.resourceOwners.includes(a.resourceOwner)) return [];
        if (
          f.directoryIds.length &&
          (directoryId === null || !f.directoryIds.includes(directoryId))
        )
          return [];
        const roles = f.roleIds.length
          ? a.roles.filter((x) => f.roleIds.includes(x.role))
          : a.roles;
        if (roles.length === 0) return [];
        const item: Record<string, unknown> = {
          resourceId: a.resourceId,
          resourceOwner: a.resourceOwner,
          directoryId,
          roleAssignments: roles.map((x) => ({ role: x.role, roleAssignmentMethods: x.methods })),
          roles: roles.map((x) => x.role),
        };
        if (!a.platform) item.userDirectoryStatus = user.membershipStatus;
        return [item];
      });
      const page = paginate(items, r.offset, r.limit, r.hash);
      return json({ data: page.items, links: page.links });
    },
  },
  {
    id: 'user.suspend',
    method: 'POST',
    template: `${DIR}/users/{accountId}/suspend`,
    family: 'v2',
    handle: (ctx) => setMembership(ctx, 'suspended'),
  },
  {
    id: 'user.restore',
    method: 'POST',
    template: `${DIR}/users/{accountId}/restore`,
    family: 'v2',
    handle: (ctx) => setMembership(ctx, 'active'),
  },
  {
    id: 'groups.search',
    method: 'POST',
    template: `${DIR}/groups/search`,
    family: 'v2',
    search: true,
    handle: (ctx) => {
      const dirProblem = checkDirectory(ctx, 'v2', true);
      if (dirProblem) return dirProblem;
      const directoryId = ctx.params.directoryId;
      const parsed = parseGroupSearch(ctx.body);
      const r = resolveSearch(ctx, 'v2', `groups.search/${directoryId}`, parsed);
      if (isReply(r)) return r;
      const groups = findGroups(ctx.model, directoryId, r.filter);
      const page = paginate(groups, r.offset, parsed.limit ?? 20, r.hash);
      const counts = new Set(r.filter.expand ?? []);
      return json({
        data: page.items.map((g) => renderGroup(ctx.model, g, counts)),
        links: page.links,
      });
    },
  },
  {
    id: 'group.get',
    method: 'GET',
    template: `${DIR}/groups/{groupId}`,
    family: 'v2',
    handle: (ctx) => {
      const dirProblem = checkDirectory(ctx, 'v2', true);
      if (dirProblem) return dirProblem;
      const groupId = ctx.params.groupId;
      const group = ctx.model.group(groupId);
      const dir = ctx.params.directoryId;
      if (!group || (dir !== '-' && group.directoryId !== dir)) return groupNotFound('v2', groupId);
      return json({
        data: renderGroup(ctx.model, group, new Set(['counts.users', 'counts.resources'])),
      });
    },
  },
  {
    id: 'group.roleAssignments',
    method: 'GET',
    template: `${DIR}/groups/{groupId}/role-assignments`,
    family: 'v2',
    handle: (ctx) => {
      const dirProblem = checkDirectory(ctx, 'v2', true);
      if (dirProblem) return dirProblem;
      const groupId = ctx.params.groupId;
      const group = ctx.model.group(groupId);
      const dir = ctx.params.directoryId;
      if (!group || (dir !== '-' && group.directoryId !== dir)) return groupNotFound('v2', groupId);
      const r = resolveGetPage(ctx, 'v2', `group.roleAssignments/${groupId}`, 20, 100, () =>
        assignmentFilter(ctx),
      );
      if (isReply(r)) return r;
      const f = r.query;
      const items = ctx.model.groupGrants(groupId).flatMap((grant) => {
        const owner = ctx.model.workspace(grant.resourceId)?.product ?? 'unknown';
        if (f.resourceIds.length && !f.resourceIds.includes(grant.resourceId)) return [];
        if (f.resourceOwners.length && !f.resourceOwners.includes(owner)) return [];
        if (f.directoryIds.length && !f.directoryIds.includes(group.directoryId)) return [];
        const roles = f.roleIds.length
          ? grant.roles.filter((x) => f.roleIds.includes(x))
          : grant.roles;
        if (roles.length === 0) return [];
        return [
          {
            resourceId: grant.resourceId,
            resourceOwner: owner,
            roles: [...roles],
            defaultRole: grant.defaultRole,
          },
        ];
      });
      const page = paginate(items, r.offset, r.limit, r.hash);
      return json({ data: page.items, links: page.links });
    },
  },
  {
    id: 'group.memberships.add',
    method: 'POST',
    template: `${DIR}/groups/{groupId}/memberships`,
    family: 'v2',
    handle: (ctx) => {
      const found = membershipGroup(ctx, 'v2');
      if (isReply(found)) return found;
      const { group } = found;
      const { value, problems } = checkBody(ctx.body, { accountId: { kind: 'string' } });
      if (value.accountId === undefined) problems.push('"accountId" is required.');
      if (problems.length) return badRequest('v2', problems);
      const accountId = value.accountId as string;
      const user = userInDirectory(ctx, accountId);
      if (!user) return userNotFound('v2', accountId);
      if (ctx.model.isMember(group.id, accountId)) {
        return apiError(
          'v2',
          409,
          'ADMIN-409-28',
          'Conflict',
          `${accountId} is already a member of ${group.name}.`,
        );
      }
      if (isBillable(user)) {
        for (const grant of ctx.model.groupGrants(group.id)) {
          const w = ctx.model.workspace(grant.resourceId);
          if (!w || w.capacity === null || !grant.roles.some(isSeatRole)) continue;
          if (ctx.model.seatRolesOn(user, w.id).length === 0 && ctx.usage(w.id) >= w.capacity) {
            return apiError(
              'v2',
              409,
              'ADMIN-409-3',
              'License limit exceeded',
              `${w.name} has no free seat (${w.capacity}).`,
            );
          }
        }
      }
      ctx.model.addMembership(group.id, accountId);
      return noContent;
    },
  },
  {
    id: 'group.memberships.remove',
    method: 'DELETE',
    template: `${DIR}/groups/{groupId}/memberships/{accountId}`,
    family: 'v2',
    handle: (ctx) => {
      const found = membershipGroup(ctx, 'v2');
      if (isReply(found)) return found;
      const accountId = ctx.params.accountId;
      if (!userInDirectory(ctx, accountId)) return userNotFound('v2', accountId);
      if (!ctx.model.removeMembership(found.group.id, accountId)) {
        return apiError(
          'v2',
          404,
          'ADMIN-404-1',
          'Not a member',
          `${accountId} is not a member of ${found.group.name}.`,
        );
      }
      return noContent;
    },
  },
  {
    id: 'user.roles.assign',
    method: 'POST',
    template: `${V1}/users/{userId}/roles/assign`,
    family: 'v1roles',
    handle: (ctx) => roleRequest(ctx, true),
  },
  {
    id: 'user.roles.revoke',
    method: 'POST',
    template: `${V1}/users/{userId}/roles/revoke`,
    family: 'v1roles',
    handle: (ctx) => roleRequest(ctx, false),
  },
  {
    id: 'user.lastActiveDates',
    method: 'GET',
    template: `${V1}/directory/users/{accountId}/last-active-dates`,
    family: 'v1',
    handle: (ctx) => {
      const accountId = ctx.params.accountId;
      const user = ctx.model.user(accountId);
      if (!user) return userNotFound('v1', accountId);
      return json({ data: renderLastActive(ctx.model, user, ctx.spelling), links: {} });
    },
  },
  {
    id: 'users.v1.list',
    method: 'GET',
    template: `${V1}/users`,
    family: 'v1',
    handle: (ctx) => {
      const cursor = ctx.query.get('cursor');
      let offset = 0;
      if (cursor !== null) {
        const state = decodeCursor(cursor);
        if (!state || state.hash !== 'v1users') return invalidCursor('v1');
        offset = state.offset;
      }
      const managed = findUsers(ctx.model, '-', { claimStatus: 'managed' });
      const page = paginate(managed, offset, V1_USERS_PAGE, 'v1users');
      const url = (c: string | undefined) =>
        c === undefined
          ? undefined
          : `${ctx.baseUrl}/admin/v1/orgs/${ctx.model.orgId}/users?cursor=${c}`;
      const links: Record<string, string> = { self: url(page.links.self) as string };
      if (page.links.next) links.next = url(page.links.next) as string;
      if (page.links.prev) links.prev = url(page.links.prev) as string;
      return json({
        data: page.items.map((u) => renderV1User(ctx.model, u, ctx.baseUrl)),
        links,
        meta: { total: managed.length },
      });
    },
  },
  {
    id: 'serviceAccounts.list',
    method: 'GET',
    template: '/admin/api-access/v1/orgs/{orgId}/service-accounts',
    family: 'apiAccess',
    handle: (ctx) => {
      const r = resolveGetPage(ctx, 'apiAccess', 'serviceAccounts.list', 50, 100, () => ({}));
      if (isReply(r)) return r;
      const all = ctx.model.serviceAccounts();
      const page = paginate(all, r.offset, r.limit, r.hash);
      const links: Record<string, string> = {};
      if (page.links.next) links.next = page.links.next;
      if (page.links.prev) links.prev = page.links.prev;
      return json({
        links,
        items: page.items.map((u) => ({
          atlassianId: u.accountId,
          id: u.serviceAccount?.id,
          email: u.email,
          displayName: u.name,
          picture: pictureOf(u.accountId),
          container: ctx.model.orgId,
          updatedAt: u.serviceAccount?.createdAt,
          status: u.accountStatus === 'active' ? 'ACTIVE' : 'INACTIVE',
          createdById: 'sandbox-admin',
          description: u.serviceAccount?.description,
        })),
        total: all.length,
      });
    },
  },
  {
    // API Access API "Get all API tokens in an org": the user API tokens of managed accounts,
    // org-wide (developer.atlassian.com/cloud/admin/api-access/rest/api-group-api-token/).
    // Filters (q, status, createdAt*, lastActiveAt*) are not emulated; pages as service-accounts.
    id: 'apiTokens.list',
    method: 'GET',
    template: '/admin/api-access/v1/orgs/{orgId}/api-tokens',
    family: 'apiAccess',
    handle: (ctx) => {
      const r = resolveGetPage(ctx, 'apiAccess', 'apiTokens.list', 50, 100, () => ({}));
      if (isReply(r)) return r;
      const all = ctx.model
        .users()
        .filter((u) => u.claimStatus === 'managed' && u.apiTokens.length > 0)
        .flatMap((u) => u.apiTokens.map((t) => ({ user: u, token: t })));
      const page = paginate(all, r.offset, r.limit, r.hash);
      const links: Record<string, string> = {};
      if (page.links.next) links.next = page.links.next;
      if (page.links.prev) links.prev = page.links.prev;
      return json({
        data: page.items.map(({ user, token }) => {
          const item: Record<string, unknown> = {
            id: token.id,
            label: token.label,
            status: 'ALLOWED',
            createdAt: new Date(token.createdAt).toISOString(),
            user: {
              id: user.accountId,
              orgId: ctx.model.orgId,
              name: user.name,
              ...(user.email === null ? {} : { email: user.email }),
            },
          };
          if (token.expiry !== null) item.expiresAt = new Date(token.expiry).toISOString();
          if (token.lastAccess !== null)
            item.lastActiveAt = new Date(token.lastAccess).toISOString();
          return item;
        }),
        links,
      });
    },
  },
  {
    id: 'user.apiTokens',
    method: 'GET',
    template: '/users/{account_id}/manage/api-tokens',
    family: 'userManagement',
    handle: (ctx) => {
      const user = ctx.model.user(ctx.params.account_id);
      if (!user) return json({ key: 'accountNotFound' }, 404);
      if (user.claimStatus !== 'managed') return json({ key: 'forbidden.targetUnverified' }, 403);
      return json(
        user.apiTokens.map((t) => {
          const token: Record<string, string> = {
            id: t.id,
            label: t.label,
            createdAt: new Date(t.createdAt).toISOString(),
          };
          if (t.expiry !== null) token.expiry = new Date(t.expiry).toISOString();
          if (t.lastAccess !== null) token.lastAccess = new Date(t.lastAccess).toISOString();
          return token;
        }),
      );
    },
  },
];

/** Page size of the v1 managed-accounts list (undocumented by Atlassian). */
export const V1_USERS_PAGE = 100;

interface AssignmentFilter {
  resourceIds: string[];
  resourceOwners: string[];
  roleIds: string[];
  directoryIds: string[];
}

function assignmentFilter(ctx: RouteContext): AssignmentFilter | Reply {
  const f: AssignmentFilter = {
    resourceIds: ctx.query.getAll('resourceIds'),
    resourceOwners: ctx.query.getAll('resourceOwners'),
    roleIds: ctx.query.getAll('roleIds'),
    directoryIds: ctx.query.getAll('directoryIds'),
  };
  const problems: string[] = [];
  if (f.resourceIds.length > 20) problems.push('"resourceIds" must have at most 20 items.');
  if (f.resourceOwners.length > 10) problems.push('"resourceOwners" must have at most 10 items.');
  if (f.roleIds.length > 10) problems.push('"roleIds" must have at most 10 items.');
  if (f.directoryIds.length > 10) problems.push('"directoryIds" must have at most 10 items.');
  const badRoles = f.roleIds.filter((r) => !(ROLE_IDS as readonly string[]).includes(r));
  if (badRoles.length) problems.push(`"roleIds" has unsupported value(s): ${badRoles.join(', ')}.`);
  return problems.length ? badRequest('v2', problems) : f;
}

function setMembership(ctx: RouteContext, status: 'active' | 'suspended'): Reply {
  const dirProblem = checkDirectory(ctx, 'v2', false);
  if (dirProblem) return dirProblem;
  const accountId = ctx.params.accountId;
  const user = userInDirectory(ctx, accountId);
  if (!user || user.membershipStatus === 'no_membership') return userNotFound('v2', accountId);
  if (ctx.body !== undefined && ctx.body !== null && Object.keys(ctx.body).length) {
    return badRequest('v2', ['This operation takes no body.']);
  }
  if (user.membershipStatus !== status)
    ctx.model.updateUser(accountId, { membershipStatus: status });
  return noContent;
}

// -------------------------------------------------------------- workspaces

type WorkspaceQuery = Record<string, unknown> | null | undefined;

function workspaceField(
  ctx: RouteContext,
  w: ReturnType<OrgModel['workspaces']>[number],
  name: string,
): string | null {
  switch (name) {
    case 'id':
      return w.id;
    case 'type':
      return 'workspaces';
    case 'attributes.type':
    case 'attributes.typeKey':
    case 'attributes.owner':
      return w.product;
    case 'attributes.status':
      return w.status;
    case 'attributes.name':
      return w.name;
    case 'attributes.hostUrl':
      return w.hostUrl;
    case 'attributes.sandbox.type':
      return w.sandbox ? 'CHILD' : 'NONE';
    case 'attributes.usage':
      return String(ctx.usage(w.id));
    default:
      return null;
  }
}

function matchesQuery(
  ctx: RouteContext,
  w: ReturnType<OrgModel['workspaces']>[number],
  q: WorkspaceQuery,
): boolean {
  if (q === null || q === undefined) return true;
  if (Array.isArray(q.and))
    return (q.and as WorkspaceQuery[]).every((x) => matchesQuery(ctx, w, x));
  if (Array.isArray(q.nor))
    return !(q.nor as WorkspaceQuery[]).some((x) => matchesQuery(ctx, w, x));
  if (q.field && typeof q.field === 'object') {
    const { name, values } = q.field as { name?: string; values?: string[] };
    const value = name ? workspaceField(ctx, w, name) : null;
    return value !== null && (values ?? []).includes(value);
  }
  if (typeof q.searchWorkspaces === 'string') {
    const term = q.searchWorkspaces.toLowerCase();
    return w.name.toLowerCase().includes(term) || (w.hostUrl ?? '').toLowerCase().includes(term);
  }
  // The sandbox's workspaces have no features or policies.
  if (Array.isArray(q.features)) return q.features.length === 0;
  if (Array.isArray(q.policies)) return q.policies.length === 0;
  return true;
}

function searchWorkspaces(ctx: RouteContext): Reply {
  const family: ApiFamily = 'workspaces';
  const { value, problems } = checkBody(ctx.body, {
    cursor: { kind: 'any' },
    limit: { kind: 'int', min: 1, max: 1000 },
    query: { kind: 'any' },
    sort: { kind: 'any' },
  });
  if (problems.length) return badRequest(family, problems);
  let offset = 0;
  let filter: { limit: number; query: WorkspaceQuery; sort: unknown };
  let hash: string;
  if (value.cursor !== undefined && value.cursor !== null) {
    if (Object.keys(value).length > 1) {
      return badRequest(family, [
        'When a cursor is provided in the request body, no other properties may be present.',
      ]);
    }
    const state = typeof value.cursor === 'string' ? decodeCursor(value.cursor) : null;
    const recalled = state
      ? (ctx.cursors.recall(state.hash) as typeof filter | undefined)
      : undefined;
    if (!state || !recalled) return apiError(family, 400, 'ADMIN-400-4', 'Invalid cursor');
    offset = state.offset;
    filter = recalled;
    hash = state.hash;
  } else {
    filter = {
      limit: (value.limit as number | undefined) ?? 20,
      query: value.query as WorkspaceQuery,
      sort: value.sort,
    };
    hash = queryHash('workspaces.search', filter);
    ctx.cursors.remember(hash, filter);
  }
  const all = ctx.model.workspaces().filter((w) => matchesQuery(ctx, w, filter.query));
  if (Array.isArray(filter.sort)) {
    for (const s of [...(filter.sort as Array<{ field?: string; order?: string }>)].reverse()) {
      const sign = s.order === 'desc' ? -1 : 1;
      all.sort((a, b) => {
        const x = (s.field && workspaceField(ctx, a, s.field)) ?? '';
        const y = (s.field && workspaceField(ctx, b, s.field)) ?? '';
        return x < y ? -sign : x > y ? sign : 0;
      });
    }
  }
  const page = paginate(all, offset, filter.limit, hash);
  return json({
    data: page.items.map((w) => renderWorkspace(ctx.model, w, ctx.usage(w.id))),
    links: page.links,
    meta: {
      pageSize: filter.limit,
      startIndex: page.items.length ? offset : null,
      endIndex: page.items.length ? offset + page.items.length - 1 : null,
      total: all.length,
    },
  });
}
