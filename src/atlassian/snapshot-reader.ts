/**
 * Reads the directory snapshot the engine evaluates (SPEC §3): the org's structure, then only
 * what the policy governs — the licensed users of governed resources, the groups that grant them
 * (with every role they grant anywhere, for collateral), the groups and accounts the policy names,
 * the admins and the service accounts. It never pages through the whole org: an org of 65,000
 * accounts with 5,000 licences costs about as many pages as it has licences / 100.
 *
 * Independent reads run together under the transport's shared rate-limit budget and concurrency
 * limit; the first read that fails (after retries) fails the whole snapshot.
 */
import { snapshotRequest } from '../engine/governed.js';
import type { Policy } from '../policy/types.js';
import {
  ADMIN_PLATFORM_ROLES,
  PRODUCT_ADMIN_ROLE,
  SEAT_ROLES,
  SERVICE_ACCOUNT_EMAIL_DOMAIN,
  type Directory,
  type Group,
  type GroupRoleAssignment,
  type ProductActivity,
  type Resource,
  type Snapshot,
  type SnapshotUser,
  type UserResourceRoles,
} from '../snapshot/types.js';
import { productAccessOf } from '../snapshot/product-access.js';
import type {
  ApiGroup,
  ApiGroupRoleAssignment,
  ApiUser,
  ApiUserRoleAssignment,
  ApiWorkspace,
  UserSearchFilter,
  UserSearchRoleId,
} from './api-types.js';
import type { AtlassianClient, ReadOptions } from './client.js';
import { chunk, mapConcurrent, TaskGroup } from './concurrency.js';
import { AtlassianApiError } from './errors.js';
import { bareGroupId, parseResourceAri } from './ids.js';

export interface SnapshotProgress {
  /** What is being read: `structure`, `licensed-users`, `groups`, `accounts`, `admins`, `service-accounts`, `done`. */
  phase: string;
  pagesFetched: number;
  /** User records read (an account licensed on two resources counts twice). */
  usersRead: number;
}

export interface ReadSnapshotOptions {
  /** When the read starts (becomes `fetchedAt`). */
  now: Date;
  onProgress?: (progress: SnapshotProgress) => void;
  signal?: AbortSignal;
}

/** Atlassian's per-request filter limits. */
const RESOURCE_IDS_PER_SEARCH = 20;
const EMAILS_PER_SEARCH = 100;
const ACCOUNT_IDS_PER_SEARCH = 10;
const GROUP_NAMES_PER_SEARCH = 100;

const FULL_EXPAND: UserSearchFilter['expand'] = ['productAccess', 'platformRoles', 'groups'];
const ADMIN_ROLE_IDS = [...ADMIN_PLATFORM_ROLES, PRODUCT_ADMIN_ROLE] as UserSearchRoleId[];
const SEAT_ROLE_IDS = SEAT_ROLES as UserSearchRoleId[];

/** Progress counters shared by the concurrent reads. */
class ProgressTracker {
  pagesFetched = 0;
  usersRead = 0;
  constructor(private readonly listener?: (progress: SnapshotProgress) => void) {}
  page(phase: string, users = 0): void {
    this.pagesFetched += 1;
    this.usersRead += users;
    this.listener?.({ phase, pagesFetched: this.pagesFetched, usersRead: this.usersRead });
  }
  done(): void {
    this.listener?.({ phase: 'done', pagesFetched: this.pagesFetched, usersRead: this.usersRead });
  }
}

/** Appends `value` unless `list` holds it already (the lists of one user are short). */
function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/**
 * A user being assembled from several reads (one per governed resource, exclusion lookups).
 * Short arrays, not Sets and Maps: tens of thousands of users are held for the whole read, and
 * five hash tables each were most of what the read kept alive (which also makes V8 grow its
 * young generation).
 */
class UserAccumulator {
  readonly directoryIds: string[] = [];
  readonly groupIds: string[] = [];
  readonly licensedOn: string[] = [];
  readonly platformRoles: string[] = [];
  readonly productAccess: ProductActivity[] = [];
  /** Until a read says otherwise: an account of unreported type is never taken for a person's seat. */
  accountType = 'unknown';
  accountStatus = '';
  membershipStatus = '';
  claimStatus = '';
  name: string | null = null;
  email: string | null = null;
  addedToOrg: string | null = null;

  constructor(readonly accountId: string) {}

  merge(user: ApiUser, directoryId: string): void {
    addOnce(this.directoryIds, directoryId);
    if (user.accountType) this.accountType = user.accountType;
    if (user.accountStatus) this.accountStatus = user.accountStatus;
    if (user.membershipStatus) this.membershipStatus = user.membershipStatus;
    if (user.claimStatus) this.claimStatus = user.claimStatus;
    this.name ??= user.name ?? user.nickname ?? null;
    this.email ??= user.email ? user.email : null;
    this.addedToOrg ??= user.addedToOrg ?? null;
    for (const role of user.platformRoles ?? []) addOnce(this.platformRoles, role);
    for (const group of user.groups ?? [])
      if (group.id) addOnce(this.groupIds, bareGroupId(group.id));
    for (const access of user.productAccess ?? []) {
      if (!access.id) continue;
      const entry: ProductActivity = {
        id: access.id,
        key: access.key ?? null,
        lastActive: access.lastActiveTimestamp ?? null,
      };
      const at = this.productAccess.findIndex((known) => known.id === access.id);
      const known = at < 0 ? undefined : this.productAccess[at];
      // Two reads of the same user may straddle new activity: keep the later timestamp.
      if (!known) this.productAccess.push(entry);
      else if (entry.lastActive !== null && (known.lastActive ?? '') < entry.lastActive) {
        this.productAccess[at] = entry;
      }
    }
  }

  /**
   * The read asked for productAccess and the answer had none (null or absent): the activity on
   * `resourceId` is unknown — an entry without a timestamp — never "never active".
   */
  activityNotReported(resourceId: string): void {
    if (!this.productAccess.some((known) => known.id === resourceId)) {
      this.productAccess.push({ id: resourceId, key: null, lastActive: null });
    }
  }

  toSnapshotUser(): SnapshotUser {
    return {
      accountId: this.accountId,
      directoryIds: [...this.directoryIds].sort(),
      accountType: this.accountType,
      accountStatus: this.accountStatus,
      membershipStatus: this.membershipStatus,
      claimStatus: this.claimStatus,
      name: this.name,
      email: this.email,
      addedToOrg: this.addedToOrg,
      platformRoles: [...this.platformRoles].sort(),
      groupIds: [...this.groupIds].sort(),
      productAccess: productAccessOf([...this.productAccess].sort((a, b) => compare(a.id, b.id))),
      licensedOn: [...this.licensedOn].sort(),
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A workspace as a snapshot resource. */
export function toResource(workspace: ApiWorkspace, warnings: string[]): Resource | null {
  const id = workspace.id;
  if (!id) {
    warnings.push('A workspace without an id was ignored.');
    return null;
  }
  const attributes = workspace.attributes ?? {};
  const ari = parseResourceAri(id);
  const product = ari?.owner ?? attributes.typeKey ?? attributes.type ?? '';
  let site = id;
  if (attributes.hostUrl) {
    try {
      site = new URL(attributes.hostUrl).host;
    } catch {
      site = id;
    }
  }
  if (!attributes.status) {
    warnings.push(
      `Workspace ${id} reports no status; it is governed only when a rule names its site.`,
    );
  }
  return {
    id,
    product,
    site,
    siteId: ari?.resourceId ?? id,
    name: attributes.name ?? site,
    status: attributes.status ?? 'unknown',
    sandbox: attributes.sandbox?.type === 'CHILD',
    capacity: typeof attributes.capacity === 'number' ? attributes.capacity : null,
    governed: false,
  };
}

function toGroupRoleAssignments(assignments: ApiGroupRoleAssignment[]): GroupRoleAssignment[] {
  const out: GroupRoleAssignment[] = [];
  for (const a of assignments) {
    if (!a.resourceId) continue;
    out.push({
      resourceId: a.resourceId,
      product: a.resourceOwner ?? parseResourceAri(a.resourceId)?.owner ?? '',
      roles: [...(a.roles ?? [])].sort(),
    });
  }
  return out.sort((x, y) => compare(x.resourceId, y.resourceId));
}

export function toUserResourceRoles(assignments: ApiUserRoleAssignment[]): UserResourceRoles[] {
  const out: UserResourceRoles[] = [];
  for (const a of assignments) {
    if (!a.resourceId) continue;
    const roles =
      a.roleAssignments !== undefined
        ? a.roleAssignments.flatMap((r) =>
            r.role ? [{ role: r.role, methods: [...(r.roleAssignmentMethods ?? [])].sort() }] : [],
          )
        : // The deprecated `roles` list does not say how a role was assigned.
          (a.roles ?? []).map((role) => ({ role, methods: [] as string[] }));
    out.push({
      resourceId: a.resourceId,
      product: a.resourceOwner ?? parseResourceAri(a.resourceId)?.owner ?? '',
      directoryId: a.directoryId ?? null,
      roles: roles.sort((x, y) => compare(x.role, y.role)),
    });
  }
  return out.sort(
    (x, y) =>
      compare(x.resourceId, y.resourceId) || compare(x.directoryId ?? '', y.directoryId ?? ''),
  );
}

export async function readSnapshot(
  client: AtlassianClient,
  policy: Policy,
  options: ReadSnapshotOptions,
): Promise<Snapshot> {
  const fetchedAt = options.now.toISOString();
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    return await readWith(client, policy, fetchedAt, controller, options.onProgress);
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

async function readWith(
  client: AtlassianClient,
  policy: Policy,
  fetchedAt: string,
  controller: AbortController,
  onProgress: ((progress: SnapshotProgress) => void) | undefined,
): Promise<Snapshot> {
  const read: ReadOptions = { signal: controller.signal };
  const progress = new ProgressTracker(onProgress);
  const warnings: string[] = [];

  // 1. Structure: directories and workspaces.
  const structure = new TaskGroup(controller);
  const directories: Directory[] = [];
  const workspaces: ApiWorkspace[] = [];
  structure.add(
    (async () => {
      for await (const page of client.listDirectories(read)) {
        progress.page('structure');
        for (const d of page) {
          if (d.directoryId) directories.push({ id: d.directoryId, name: d.name ?? d.directoryId });
        }
      }
    })(),
  );
  structure.add(
    (async () => {
      for await (const page of client.listWorkspaces(read)) {
        progress.page('structure');
        workspaces.push(...page);
      }
    })(),
  );
  await structure.wait();
  directories.sort((a, b) => compare(a.id, b.id));
  const byId = new Map<string, Resource>();
  for (const w of workspaces) {
    const resource = toResource(w, warnings);
    if (resource) byId.set(resource.id, resource);
  }
  const resources = [...byId.values()].sort((a, b) => compare(a.id, b.id));

  // 2. What the policy needs.
  const request = snapshotRequest(policy, resources);
  const governed = new Set(request.governedResourceIds);
  for (const r of resources) r.governed = governed.has(r.id);

  const users = new Map<string, UserAccumulator>();
  const userOf = (accountId: string) => {
    let user = users.get(accountId);
    if (!user) {
      user = new UserAccumulator(accountId);
      users.set(accountId, user);
    }
    return user;
  };
  const groups = new Map<string, Group>();
  const adminIds = new Set<string>();
  const listedServiceAccountIds = new Set<string>();
  let serviceAccountApiAvailable = true;

  const tasks = new TaskGroup(controller);

  const readGroup = (directoryId: string, group: ApiGroup, grantsGoverned: boolean): void => {
    if (!group.id) return;
    const id = bareGroupId(group.id);
    const dir = group.directoryId ?? directoryId;
    const key = `${dir} ${id}`;
    const known = groups.get(key);
    if (known) {
      known.grantsGoverned ||= grantsGoverned;
      return;
    }
    groups.set(key, {
      id,
      directoryId: dir,
      name: group.name ?? id,
      externalSynced: group.externalSynced === true,
      managedBy: group.managedBy ?? null,
      // Absent means Atlassian did not say it is locked.
      modifiable: group.managementAccess?.modifiable !== false,
      roleAssignments: [],
      grantsGoverned,
    });
    tasks.add(
      (async () => {
        const assignments = await client.getGroupRoleAssignments(dir, id, {}, read);
        progress.page('groups');
        const entry = groups.get(key);
        if (entry) entry.roleAssignments = toGroupRoleAssignments(assignments);
      })(),
    );
  };

  for (const directory of directories) {
    const dir = directory.id;

    // Licensed users, one search per governed resource so each match says where the seat is.
    for (const resourceId of request.governedResourceIds) {
      tasks.add(
        (async () => {
          const filter: UserSearchFilter = {
            resourceIds: [resourceId],
            roleIds: SEAT_ROLE_IDS,
            accountStatus: ['active'],
            membershipStatus: ['active'],
            expand: FULL_EXPAND,
          };
          for await (const page of client.searchUsers(dir, filter, read)) {
            progress.page('licensed-users', page.length);
            for (const apiUser of page) {
              if (!apiUser.accountId) continue;
              const user = userOf(apiUser.accountId);
              user.merge(apiUser, dir);
              if (!Array.isArray(apiUser.productAccess)) user.activityNotReported(resourceId);
              // Filters only narrow the read: a seat needs an active account and membership.
              const active =
                (apiUser.accountStatus ?? 'active') === 'active' &&
                (apiUser.membershipStatus ?? 'active') === 'active';
              if (active) addOnce(user.licensedOn, resourceId);
            }
          }
        })(),
      );
    }

    // Groups that grant a governed resource, with everything they grant.
    for (const resourceIds of chunk(request.governedResourceIds, RESOURCE_IDS_PER_SEARCH)) {
      tasks.add(
        (async () => {
          for await (const page of client.searchGroups(dir, { resourceIds }, read)) {
            progress.page('groups');
            for (const group of page) readGroup(dir, group, true);
          }
        })(),
      );
    }

    // Groups the policy names (exclusions, scopes).
    for (const groupNames of chunk(request.groupNames, GROUP_NAMES_PER_SEARCH)) {
      tasks.add(
        (async () => {
          for await (const page of client.searchGroups(dir, { groupNames }, read)) {
            progress.page('groups');
            for (const group of page) readGroup(dir, group, false);
          }
        })(),
      );
    }

    // Accounts the exclusions name, so that one that does not exist can be reported.
    const lookups: UserSearchFilter[] = [
      ...chunk(request.excludedEmails, EMAILS_PER_SEARCH).map((emails) => ({ emails })),
      ...chunk(request.excludedAccountIds, ACCOUNT_IDS_PER_SEARCH).map((accountIds) => ({
        accountIds,
      })),
    ];
    for (const lookup of lookups) {
      tasks.add(
        (async () => {
          for await (const page of client.searchUsers(
            dir,
            { ...lookup, expand: FULL_EXPAND },
            read,
          )) {
            progress.page('accounts', page.length);
            for (const apiUser of page) {
              if (apiUser.accountId) userOf(apiUser.accountId).merge(apiUser, dir);
            }
          }
        })(),
      );
    }

    // Admins by role (platform admins and product admins anywhere in the org).
    tasks.add(
      (async () => {
        for await (const page of client.searchUsers(dir, { roleIds: ADMIN_ROLE_IDS }, read)) {
          progress.page('admins');
          for (const apiUser of page) if (apiUser.accountId) adminIds.add(apiUser.accountId);
        }
      })(),
    );
  }

  // Service accounts (an experimental API: fall back to the email domain when it is refused).
  tasks.add(
    (async () => {
      try {
        for await (const page of client.listServiceAccounts(read)) {
          progress.page('service-accounts');
          for (const account of page) {
            if (account.atlassianId) listedServiceAccountIds.add(account.atlassianId);
          }
        }
      } catch (e: unknown) {
        if (e instanceof AtlassianApiError && (e.status === 403 || e.status === 404)) {
          serviceAccountApiAvailable = false;
          listedServiceAccountIds.clear();
          warnings.push(
            `The service-accounts API answered ${e.status}${e.code ? ` (${e.code})` : ''}; ` +
              `service accounts are recognised by the @${SERVICE_ACCOUNT_EMAIL_DOMAIN} email domain only.`,
          );
          return;
        }
        throw e;
      }
    })(),
  );

  await tasks.wait();

  // 3. Assemble, in a deterministic order.
  const snapshotUsers = [...users.values()]
    .sort((a, b) => compare(a.accountId, b.accountId))
    .map((u) => u.toSnapshotUser());
  const adminPlatformRoles = new Set(ADMIN_PLATFORM_ROLES);
  for (const user of snapshotUsers) {
    if (user.platformRoles.some((role) => adminPlatformRoles.has(role)))
      adminIds.add(user.accountId);
  }

  const serviceAccountIds = new Set(listedServiceAccountIds);
  const domainSuffix = `@${SERVICE_ACCOUNT_EMAIL_DOMAIN}`;
  let matchedListed = 0;
  for (const user of snapshotUsers) {
    if (listedServiceAccountIds.has(user.accountId)) matchedListed += 1;
    if (user.email?.toLowerCase().endsWith(domainSuffix)) serviceAccountIds.add(user.accountId);
  }
  if (serviceAccountApiAvailable && listedServiceAccountIds.size > 0 && matchedListed === 0) {
    warnings.push(
      `The service-accounts API listed ${listedServiceAccountIds.size} account(s), none of which is among ` +
        `the ${snapshotUsers.length} accounts read (matched on atlassianId); if service accounts hold ` +
        `licences here, they are recognised by the @${SERVICE_ACCOUNT_EMAIL_DOMAIN} email domain only.`,
    );
  }

  progress.done();
  return {
    schemaVersion: 1,
    orgId: client.orgId,
    fetchedAt,
    directories,
    resources,
    groups: [...groups.values()].sort(
      (a, b) => compare(a.id, b.id) || compare(a.directoryId, b.directoryId),
    ),
    users: snapshotUsers,
    adminAccountIds: [...adminIds].sort(),
    serviceAccountIds: [...serviceAccountIds].sort(),
    userRoles: new Map(),
    apiTokenLastUsed: new Map(),
    warnings,
  };
}

// --- Follow-up reads for candidates and verification ---------------------------------------------

export interface ReadUserRolesOptions {
  /** Reads in flight at once (the transport's own limit still applies). Default: the transport's. */
  concurrency?: number;
  /** The directory to read in; `-` (default) means every directory the key manages. */
  directoryId?: string;
  signal?: AbortSignal;
}

/**
 * What each account holds and how (one role-assignments read per account). An account Atlassian
 * no longer knows (404) holds nothing.
 */
export async function readUserRoles(
  client: AtlassianClient,
  accountIds: readonly string[],
  options: ReadUserRolesOptions = {},
): Promise<Record<string, UserResourceRoles[]>> {
  const directoryId = options.directoryId ?? '-';
  const unique = [...new Set(accountIds)].sort();
  const concurrency = options.concurrency ?? client.http.concurrency;
  const results = await mapConcurrent(unique, concurrency, async (accountId) => {
    try {
      return toUserResourceRoles(
        await client.getUserRoleAssignments(directoryId, accountId, {}, { signal: options.signal }),
      );
    } catch (e: unknown) {
      if (e instanceof AtlassianApiError && e.status === 404) return [];
      throw e;
    }
  });
  const out: Record<string, UserResourceRoles[]> = {};
  unique.forEach((accountId, i) => {
    out[accountId] = results[i] ?? [];
  });
  return out;
}

export interface ApiTokenUse {
  /** Latest `lastAccess` over the account's tokens, or null when it has none or none was used. */
  lastUsed: Record<string, string | null>;
  /** Accounts whose tokens could not be read (403/404: unmanaged account, or a key with scopes). */
  unavailable: string[];
  warnings: string[];
}

/**
 * Pages an org-wide token listing took (at least, when it was given up), per client: a cost hint,
 * never data, that spares a later, smaller read a listing it cannot afford.
 */
const listingPages = new WeakMap<AtlassianClient, number>();

/** Below this many accounts, reading each is cheap and says more (403 for an unmanaged one). */
const TOKEN_LISTING_MIN_ACCOUNTS = 20;

type TokenListing =
  | { kind: 'complete'; latest: Map<string, string | null>; pages: number }
  | { kind: 'too-long' }
  | { kind: 'unavailable'; status: number };

/**
 * The last use of every managed account's API tokens, from the org-wide listing, if it ends
 * within `maxPages` pages (one more is requested before a longer listing is given up).
 */
async function listTokenUse(
  client: AtlassianClient,
  maxPages: number,
  signal?: AbortSignal,
): Promise<TokenListing> {
  const latest = new Map<string, string | null>();
  let pages = 0;
  try {
    for await (const page of client.listOrgApiTokens({ signal })) {
      // A page beyond the budget: the listing costs more than the reads it would replace.
      if (pages === maxPages) {
        listingPages.set(client, pages + 1);
        return { kind: 'too-long' };
      }
      pages += 1;
      for (const token of page) {
        const owner = token.user?.id;
        if (!owner) continue;
        const known = latest.get(owner) ?? null;
        const at = token.lastActiveAt ?? null;
        latest.set(
          owner,
          at && (known === null || Date.parse(at) > Date.parse(known)) ? at : known,
        );
      }
    }
  } catch (e: unknown) {
    if (e instanceof AtlassianApiError && (e.status === 403 || e.status === 404)) {
      return { kind: 'unavailable', status: e.status };
    }
    throw e;
  }
  listingPages.set(client, pages);
  return { kind: 'complete', latest, pages };
}

/**
 * When each (managed) account last used an API token.
 *
 * For many accounts, one org-wide listing of the managed accounts' tokens (API Access API) costs
 * a few pages where reading each account costs a request each: it is read first, and used when
 * it ends within half the requests it replaces; an account it does not list has no token. When
 * it is longer, or the key may not read it, each account is read (User management API).
 */
export async function readApiTokenUse(
  client: AtlassianClient,
  accountIds: readonly string[],
  options: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<ApiTokenUse> {
  const unique = [...new Set(accountIds)].sort();
  const lastUsed: Record<string, string | null> = {};
  const unavailable: string[] = [];
  const warnings: string[] = [];
  const maxPages = Math.floor(unique.length / 2);
  const knownPages = listingPages.get(client);
  const worthListing =
    unique.length >= TOKEN_LISTING_MIN_ACCOUNTS &&
    (knownPages === undefined || knownPages <= maxPages);
  if (worthListing) {
    const listing = await listTokenUse(client, maxPages, options.signal);
    if (listing.kind === 'complete') {
      for (const accountId of unique) lastUsed[accountId] = listing.latest.get(accountId) ?? null;
      return { lastUsed, unavailable, warnings };
    }
    // 404: an API without the listing; 403: a key without the scope, which deserves a word.
    if (listing.kind === 'unavailable' && listing.status === 403) {
      warnings.push(
        `The API Access API's token listing answered ${listing.status} (it needs the read:tokens:admin ` +
          `scope); API-token use was read account by account.`,
      );
    }
  }
  const concurrency = options.concurrency ?? client.http.concurrency;
  const results = await mapConcurrent(unique, concurrency, async (accountId) => {
    try {
      const tokens = await client.getApiTokens(accountId, { signal: options.signal });
      let latest: string | null = null;
      for (const token of tokens) {
        const at = token.lastAccess;
        if (at && (latest === null || Date.parse(at) > Date.parse(latest))) latest = at;
      }
      return { ok: true as const, latest };
    } catch (e: unknown) {
      if (e instanceof AtlassianApiError && (e.status === 403 || e.status === 404)) {
        return { ok: false as const, status: e.status };
      }
      throw e;
    }
  });
  let forbidden = 0;
  unique.forEach((accountId, i) => {
    const result = results[i];
    if (result?.ok) lastUsed[accountId] = result.latest;
    else {
      unavailable.push(accountId);
      if (result?.status === 403) forbidden += 1;
    }
  });
  if (forbidden > 0) {
    warnings.push(
      `API token use could not be read for ${forbidden} account(s) (403): the user management API needs ` +
        `an organization API key without scopes, and manages only managed accounts.`,
    );
  }
  return { lastUsed, unavailable, warnings };
}

export interface ReadCurrentSeatsOptions {
  /** Default `-` (every directory the key manages). */
  directoryId?: string;
  signal?: AbortSignal;
}

/**
 * Which of `accountIds` still hold a seat (role user or admin, active account and membership) on
 * `resourceId`: users/search in batches of 10 account ids. Used after apply to verify removals.
 */
export async function readCurrentSeats(
  client: AtlassianClient,
  resourceId: string,
  accountIds: readonly string[],
  options: ReadCurrentSeatsOptions = {},
): Promise<Set<string>> {
  const directoryId = options.directoryId ?? '-';
  const wanted = new Set(accountIds);
  const holding = new Set<string>();
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const tasks = new TaskGroup(controller);
    for (const batch of chunk([...wanted].sort(), ACCOUNT_IDS_PER_SEARCH)) {
      tasks.add(
        (async () => {
          const filter: UserSearchFilter = {
            accountIds: batch,
            resourceIds: [resourceId],
            roleIds: SEAT_ROLE_IDS,
            accountStatus: ['active'],
            membershipStatus: ['active'],
          };
          for await (const page of client.searchUsers(directoryId, filter, {
            signal: controller.signal,
          })) {
            for (const user of page) {
              const active =
                (user.accountStatus ?? 'active') === 'active' &&
                (user.membershipStatus ?? 'active') === 'active';
              if (user.accountId && wanted.has(user.accountId) && active)
                holding.add(user.accountId);
            }
          }
        })(),
      );
    }
    await tasks.wait();
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  return holding;
}

export interface CandidateReadRequest {
  /** Accounts whose role assignments the engine needs (`findCandidates(...).roleReads`). */
  roleReads: readonly string[];
  /** Accounts whose API-token use the engine needs (`findCandidates(...).apiTokenReads`). */
  apiTokenReads: readonly string[];
}

/**
 * The snapshot with the candidate reads the engine asked for and the snapshot lacks: role
 * assignments into `userRoles`, API-token use into `apiTokenLastUsed` / `apiTokenUnavailable`.
 * `reads` is how many accounts were read; the caller repeats `findCandidates` until it is 0.
 */
export async function addCandidateReads(
  client: AtlassianClient,
  snapshot: Snapshot,
  request: CandidateReadRequest,
  options: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<{ snapshot: Snapshot; reads: number }> {
  const unavailable = new Set(snapshot.apiTokenUnavailable ?? []);
  const roleIds = request.roleReads.filter((id) => !snapshot.userRoles.has(id));
  const tokenIds = request.apiTokenReads.filter(
    (id) => !snapshot.apiTokenLastUsed.has(id) && !unavailable.has(id),
  );
  if (roleIds.length === 0 && tokenIds.length === 0) return { snapshot, reads: 0 };
  const [roles, tokens] = await Promise.all([
    readUserRoles(client, roleIds, options),
    tokenIds.length > 0 ? readApiTokenUse(client, tokenIds, options) : null,
  ]);
  const warnings = [...snapshot.warnings];
  for (const warning of tokens?.warnings ?? [])
    if (!warnings.includes(warning)) warnings.push(warning);
  return {
    snapshot: {
      ...snapshot,
      userRoles: new Map([...snapshot.userRoles, ...Object.entries(roles)]),
      apiTokenLastUsed: new Map([
        ...snapshot.apiTokenLastUsed,
        ...Object.entries(tokens?.lastUsed ?? {}),
      ]),
      ...(tokens || snapshot.apiTokenUnavailable
        ? { apiTokenUnavailable: [...unavailable, ...(tokens?.unavailable ?? [])].sort() }
        : {}),
      warnings,
    },
    reads: roleIds.length + tokenIds.length,
  };
}
