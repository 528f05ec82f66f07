/**
 * users/search and groups/search: request checking, filter semantics and result lists.
 *
 * Filter semantics. The spec names the filters but not how they combine; our reading, which
 * the client and the tests rely on:
 * - Different filters AND together; the values of one filter OR together.
 * - `resourceIds` + `roleIds`: users holding one of the roles on one of the resources, by any
 *   method (direct, group or modelled inferred). `resourceIds` alone: any role on one of the
 *   resources (guests and customers included). `roleIds` alone: one of the roles anywhere —
 *   platform roles (org-admin, site-admin, user-access-admin, ai-access) are held on platform
 *   ARIs, so `roleIds: ['atlassian/org-admin']` finds the users whose `platformRoles` hold it,
 *   and `roleIds: ['atlassian/admin']` finds product admins of any product.
 * - `groupIds`: members of any of the groups (bare uuid or `ari:cloud:identity::group/<uuid>`).
 * - `status` is the spec's composite: active = account active + membership active;
 *   suspended = account active + membership suspended; not_invited = account active + no
 *   membership; deactivated = account inactive or closed; for_deletion = scheduled deletion.
 * - `emails`: exact, case-insensitive; `emailDomains`: the exact domain (no subdomains);
 *   hidden emails match neither. `searchTerm`: case-insensitive substring of name, nickname
 *   or email; `searchTerm` with `emails` is a 400 as the spec says.
 * - Roles do not depend on status: a suspended user still "holds" their roles (they regain
 *   them on restore), so a resource search returns them; filter on status to drop them.
 *
 * Results are listed in insertion order (or `sortBy` nick_name). A filtered search starts
 * from the smallest index that applies (accounts, emails, groups, role holders, domains)
 * and caches the matching list per query and model version, so paging costs O(page).
 */
import type { GroupRecord, OrgModel, UserRecord } from './model.js';
import { checkBody, type FieldSpec } from './validate.js';
import { stableJson } from './cursor.js';

export const ROLE_IDS = [
  'atlassian/user',
  'atlassian/admin',
  'atlassian/guest',
  'atlassian/customer',
  'atlassian/user-access-admin',
  'atlassian/contributor',
  'atlassian/basic',
  'atlassian/stakeholder',
  'atlassian/org-admin',
  'atlassian/site-admin',
  'atlassian/ai-access',
] as const;

export const USER_EXPANDS = [
  'platformRoles',
  'counts.resources',
  'productAccess',
  'groups',
] as const;
const STATUSES = ['active', 'suspended', 'not_invited', 'deactivated', 'for_deletion'] as const;

const USER_SEARCH_FIELDS: Record<string, FieldSpec> = {
  cursor: { kind: 'string' },
  limit: { kind: 'int', min: 1, max: 100 },
  accountIds: { kind: 'strings', min: 1, max: 10 },
  directoryIds: { kind: 'strings', min: 1, max: 10 },
  resourceIds: { kind: 'strings', min: 1, max: 20 },
  groupIds: { kind: 'strings', min: 1, max: 10 },
  roleIds: { kind: 'strings', min: 1, max: 10, values: ROLE_IDS },
  claimStatus: { kind: 'enum', values: ['managed', 'unmanaged'] },
  status: { kind: 'strings', min: 1, max: 4, values: STATUSES },
  accountStatus: { kind: 'strings', min: 1, max: 3, values: ['active', 'inactive', 'closed'] },
  membershipStatus: {
    kind: 'strings',
    min: 1,
    max: 3,
    values: ['active', 'suspended', 'no_membership'],
  },
  mfaEnabled: { kind: 'boolean' },
  emailDomains: { kind: 'strings', min: 1, max: 10 },
  searchTerm: { kind: 'string' },
  emails: { kind: 'strings', min: 1, max: 100, unique: true },
  expand: { kind: 'strings', unique: true, values: USER_EXPANDS },
  sortBy: { kind: 'any' },
};

export interface UserFilter {
  accountIds?: string[];
  directoryIds?: string[];
  resourceIds?: string[];
  groupIds?: string[];
  roleIds?: string[];
  claimStatus?: string;
  status?: string[];
  accountStatus?: string[];
  membershipStatus?: string[];
  mfaEnabled?: boolean;
  emailDomains?: string[];
  searchTerm?: string;
  emails?: string[];
  expand?: string[];
  sortBy?: Array<{ field: string; direction: string }>;
}

export interface ParsedSearch<F> {
  /** Everything but cursor and limit: what a cursor is bound to. */
  filter: F;
  /** True when the body held any field besides cursor and limit. */
  hasFilter: boolean;
  cursor?: string;
  limit?: number;
  problems: string[];
}

function checkSortBy(raw: unknown, field: string, problems: string[]): void {
  if (raw === undefined) return;
  const ok =
    Array.isArray(raw) &&
    raw.length === 1 &&
    raw.every(
      (s: unknown) =>
        typeof s === 'object' &&
        s !== null &&
        (s as { field?: unknown }).field === field &&
        ['asc', 'desc'].includes((s as { direction?: unknown }).direction as string),
    );
  if (!ok)
    problems.push(`"sortBy" must be one item {"field": "${field}", "direction": "asc"|"desc"}.`);
}

export function parseUserSearch(body: unknown): ParsedSearch<UserFilter> {
  const { value, problems } = checkBody(body, USER_SEARCH_FIELDS);
  checkSortBy(value.sortBy, 'nick_name', problems);
  if (value.searchTerm !== undefined && value.emails !== undefined) {
    problems.push('"searchTerm" and "emails" are mutually exclusive.');
  }
  const { cursor, limit, ...filter } = value;
  return {
    filter: filter,
    hasFilter: Object.keys(filter).length > 0,
    cursor: cursor as string | undefined,
    limit: limit as number | undefined,
    problems,
  };
}

const bareGroupId = (id: string): string => id.replace(/^ari:cloud:identity::group\//, '');

export function compositeStatus(user: UserRecord): string {
  if (user.forDeletion) return 'for_deletion';
  if (user.accountStatus !== 'active') return 'deactivated';
  if (user.membershipStatus === 'suspended') return 'suspended';
  if (user.membershipStatus === 'no_membership') return 'not_invited';
  return 'active';
}

function userPredicate(
  model: OrgModel,
  directoryId: string,
  f: UserFilter,
  /** The candidates came from the role index: the role test is already met. */
  rolesMet = false,
): (u: UserRecord) => boolean {
  const accountIds = f.accountIds ? new Set(f.accountIds) : null;
  const directoryIds = f.directoryIds ? new Set(f.directoryIds) : null;
  const groupIds = f.groupIds ? new Set(f.groupIds.map(bareGroupId)) : null;
  const emails = f.emails ? new Set(f.emails.map((e) => e.toLowerCase())) : null;
  const domains = f.emailDomains ? new Set(f.emailDomains.map((d) => d.toLowerCase())) : null;
  const term = f.searchTerm?.toLowerCase();
  const byRole = !rolesMet && (f.resourceIds !== undefined || f.roleIds !== undefined);
  return (u) => {
    if (directoryId !== '-' && u.directoryId !== directoryId) return false;
    if (directoryIds && !directoryIds.has(u.directoryId)) return false;
    if (accountIds && !accountIds.has(u.accountId)) return false;
    if (f.claimStatus && u.claimStatus !== f.claimStatus) return false;
    if (f.accountStatus && !f.accountStatus.includes(u.accountStatus)) return false;
    if (f.membershipStatus && !f.membershipStatus.includes(u.membershipStatus)) return false;
    if (f.status && !f.status.includes(compositeStatus(u))) return false;
    if (f.mfaEnabled !== undefined && u.mfaEnabled !== f.mfaEnabled) return false;
    const email = u.email?.toLowerCase() ?? null;
    if (emails && (email === null || !emails.has(email))) return false;
    if (domains && (email === null || !domains.has(email.slice(email.lastIndexOf('@') + 1))))
      return false;
    if (term !== undefined && term !== '') {
      const hay = `${u.name}\u0000${u.nickname}\u0000${email ?? ''}`.toLowerCase();
      if (!hay.includes(term)) return false;
    }
    if (groupIds && !u.groups.some((g) => groupIds.has(g.id))) return false;
    if (byRole && !model.holds(u, f.resourceIds ?? null, f.roleIds ?? null)) return false;
    return true;
  };
}

const fromRoleIndex = (f: UserFilter): boolean =>
  !f.accountIds &&
  !f.emails &&
  !f.groupIds &&
  (f.resourceIds !== undefined || f.roleIds !== undefined);

/** The smallest index that can produce every match; null = scan the org. */
function candidates(model: OrgModel, f: UserFilter): Iterable<UserRecord> | null {
  if (f.accountIds) return f.accountIds.flatMap((id) => model.user(id) ?? []);
  if (f.emails) return f.emails.flatMap((e) => model.userByEmail(e) ?? []);
  if (f.groupIds) {
    const out = new Set<UserRecord>();
    for (const id of f.groupIds) for (const u of model.members(bareGroupId(id))) out.add(u);
    return out;
  }
  if (f.resourceIds || f.roleIds) return model.holders(f.resourceIds ?? null, f.roleIds ?? null);
  if (f.emailDomains) return f.emailDomains.flatMap((d) => model.usersWithDomain(d));
  return null;
}

interface CacheEntry<T> {
  version: number;
  items: readonly T[];
}
const userCaches = new WeakMap<OrgModel, Map<string, CacheEntry<UserRecord>>>();
const CACHE_SIZE = 64;

function cached<T>(
  caches: WeakMap<OrgModel, Map<string, CacheEntry<T>>>,
  model: OrgModel,
  key: string,
  compute: () => readonly T[],
): readonly T[] {
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = new Map<string, CacheEntry<T>>()));
  const hit = cache.get(key);
  if (hit && hit.version === model.version) return hit.items;
  const items = compute();
  cache.delete(key);
  if (cache.size >= CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, { version: model.version, items });
  return items;
}

/** Every user matching the filter, in result order. */
export function findUsers(
  model: OrgModel,
  directoryId: string,
  filter: UserFilter,
): readonly UserRecord[] {
  const { expand: _expand, ...matching } = filter;
  return cached(userCaches, model, `${directoryId}\u0000${stableJson(matching)}`, () => {
    const keep = userPredicate(model, directoryId, filter, fromRoleIndex(filter));
    const source = candidates(model, filter);
    const out: UserRecord[] = [];
    if (source === null) {
      for (const u of model.users()) if (keep(u)) out.push(u);
    } else {
      const seen = new Set<UserRecord>();
      for (const u of source) {
        if (seen.has(u)) continue;
        seen.add(u);
        if (keep(u)) out.push(u);
      }
      out.sort((a, b) => a.idx - b.idx);
    }
    const sort = filter.sortBy?.[0];
    if (sort) {
      const sign = sort.direction === 'desc' ? -1 : 1;
      out.sort((a, b) =>
        a.nickname < b.nickname ? -sign : a.nickname > b.nickname ? sign : a.idx - b.idx,
      );
    }
    return out;
  });
}

// ------------------------------------------------------------------------ groups

export const GROUP_EXPANDS = ['counts.resources', 'counts.users'] as const;

const GROUP_SEARCH_FIELDS: Record<string, FieldSpec> = {
  cursor: { kind: 'string' },
  limit: { kind: 'int', min: 1, max: 100 },
  accountIds: { kind: 'strings', min: 1, max: 10, unique: true },
  directoryIds: { kind: 'strings', min: 1, max: 10, unique: true },
  groupIds: { kind: 'strings', min: 1, max: 10, unique: true },
  groupNames: { kind: 'strings', min: 1, max: 100, unique: true },
  resourceIds: { kind: 'strings', min: 1, max: 20, unique: true },
  resourceOwners: { kind: 'strings', min: 1, max: 10, unique: true },
  roleIds: { kind: 'strings', min: 1, max: 10, unique: true },
  searchTerm: { kind: 'string' },
  expand: { kind: 'strings', min: 1, max: 2, unique: true, values: GROUP_EXPANDS },
  sortBy: { kind: 'any' },
};

export interface GroupFilter {
  accountIds?: string[];
  directoryIds?: string[];
  groupIds?: string[];
  groupNames?: string[];
  resourceIds?: string[];
  resourceOwners?: string[];
  roleIds?: string[];
  searchTerm?: string;
  expand?: string[];
  sortBy?: Array<{ field: string; direction: string }>;
}

export function parseGroupSearch(body: unknown): ParsedSearch<GroupFilter> {
  const { value, problems } = checkBody(body, GROUP_SEARCH_FIELDS);
  checkSortBy(value.sortBy, 'name', problems);
  if (value.groupIds !== undefined && value.groupNames !== undefined) {
    problems.push('"groupIds" and "groupNames" are mutually exclusive.');
  }
  if (value.groupNames !== undefined && value.searchTerm !== undefined) {
    problems.push('"groupNames" and "searchTerm" are mutually exclusive.');
  }
  const { cursor, limit, ...filter } = value;
  return {
    filter: filter,
    hasFilter: Object.keys(filter).length > 0,
    cursor: cursor as string | undefined,
    limit: limit as number | undefined,
    problems,
  };
}

/** Groups matching the filter (a linear pass: orgs have hundreds of groups, not tens of thousands). */
export function findGroups(model: OrgModel, directoryId: string, f: GroupFilter): GroupRecord[] {
  const ids = f.groupIds ? new Set(f.groupIds.map(bareGroupId)) : null;
  const names = f.groupNames ? new Set(f.groupNames.map((n) => n.toLowerCase())) : null;
  const term = f.searchTerm?.toLowerCase();
  const out = model.groups().filter((g) => {
    if (directoryId !== '-' && g.directoryId !== directoryId) return false;
    if (f.directoryIds && !f.directoryIds.includes(g.directoryId)) return false;
    if (ids && !ids.has(g.id)) return false;
    if (names && !names.has(g.name.toLowerCase())) return false;
    if (term && !g.name.toLowerCase().includes(term)) return false;
    if (f.accountIds && !f.accountIds.some((a) => model.isMember(g.id, a))) return false;
    if (f.resourceIds || f.resourceOwners || f.roleIds) {
      const grants = model.groupGrants(g.id).filter((grant) => {
        if (f.resourceIds && !f.resourceIds.includes(grant.resourceId)) return false;
        const owner = model.workspace(grant.resourceId)?.product;
        if (f.resourceOwners && (owner === undefined || !f.resourceOwners.includes(owner)))
          return false;
        return !f.roleIds || grant.roles.some((r) => f.roleIds?.includes(r));
      });
      if (grants.length === 0) return false;
    }
    return true;
  });
  const sort = f.sortBy?.[0];
  if (sort) {
    const sign = sort.direction === 'desc' ? -1 : 1;
    const key = (g: GroupRecord) => g.name.toLowerCase();
    out.sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
  }
  return out;
}
