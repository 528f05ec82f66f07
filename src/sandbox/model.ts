/**
 * The sandbox's in-memory organisation: directories, workspaces, groups, users, their
 * memberships, role grants, product activity, service accounts and API tokens.
 *
 * Everything the API returns is derived from these facts at read time: a user's role on a
 * resource is the union of their direct grants and the grants of the groups they belong to
 * (`direct` / `group_direct`), plus `inferred` grants only when a test models them. Nothing is
 * stored twice except the indexes that make a filtered search cost O(matches) instead of
 * O(org); every mutation goes through a method that keeps them in step and bumps `version`
 * (which invalidates cached search results).
 */
import type { RoleId } from '../snapshot/types.js';
import { SERVICE_ACCOUNT_EMAIL_DOMAIN, SEAT_ROLES } from '../snapshot/types.js';
import { createPrng, prefixedAccountIdFrom, uuidFrom, type Prng } from './prng.js';

export type TimeInput = Date | string | number;
export type AccountStatus = 'active' | 'inactive' | 'closed';
export type MembershipStatus = 'active' | 'suspended' | 'no_membership';
export type ClaimStatus = 'managed' | 'unmanaged';
export type WorkspaceStatus = 'online' | 'offline' | 'deprecated';
export type GrantMethod = 'direct' | 'inferred';

export const PLATFORM_ROLES: readonly string[] = [
  'atlassian/org-admin',
  'atlassian/site-admin',
  'atlassian/user-access-admin',
  'atlassian/ai-access',
];

const DAY_MS = 86_400_000;
const EMPTY: readonly never[] = Object.freeze([]);

export interface DirectoryRecord {
  readonly id: string;
  readonly name: string;
}

export interface WorkspaceRecord {
  /** `ari:cloud:<product>::site/<siteId>`; role assignments and productAccess use the same id. */
  readonly id: string;
  /** The resource owner (`jira-software`, `confluence`, ...). */
  readonly product: string;
  readonly siteId: string;
  /** `https://acme.atlassian.net`, or null when the workspace has none. */
  readonly hostUrl: string | null;
  readonly name: string;
  readonly status: WorkspaceStatus;
  /** True for sandbox (`CHILD`) workspaces. */
  readonly sandbox: boolean;
  /** Maximum billable seats; null = unlimited / not reported. */
  readonly capacity: number | null;
  readonly createdAt: number;
}

export interface GroupGrant {
  readonly resourceId: string;
  readonly roles: readonly RoleId[];
  readonly defaultRole: RoleId | null;
}

export interface GroupRecord {
  /** Bare uuid, as the group APIs spell it. */
  readonly id: string;
  readonly directoryId: string;
  readonly name: string;
  readonly description: string | null;
  /** Created by IdP sync: memberships can only change in the IdP. */
  readonly externalSynced: boolean;
  /** `external` | `admins` | `team-members` | `open`. */
  readonly managedBy: string;
  /** `managementAccess.modifiable`: false = memberships cannot change through the API. */
  readonly modifiable: boolean;
  readonly deletable: boolean;
  readonly createdAt: number;
}

export interface UserGrant {
  readonly resourceId: string;
  readonly role: RoleId;
  readonly method: GrantMethod;
}

/** One `productAccess` entry. `id` is normally a workspace ARI; `at` null = no timestamp. */
export interface ActivityRecord {
  readonly id: string;
  /** The v2 `key`; null = derive from the workspace's product. */
  readonly key: string | null;
  readonly at: number | null;
}

export interface ApiTokenRecord {
  readonly id: string;
  readonly label: string;
  readonly createdAt: number;
  readonly expiry: number | null;
  readonly lastAccess: number | null;
}

export interface ServiceAccountInfo {
  /** The service account's own id in the API Access API (`atlassianId` is the account id). */
  readonly id: string;
  readonly description: string;
  readonly createdAt: number;
}

export interface UserRecord {
  /** Insertion order: results are listed in this order. */
  readonly idx: number;
  readonly accountId: string;
  readonly directoryId: string;
  readonly accountType: string;
  readonly accountStatus: AccountStatus;
  readonly membershipStatus: MembershipStatus;
  readonly claimStatus: ClaimStatus;
  readonly managementSource: 'invited' | 'synced' | null;
  readonly name: string;
  readonly nickname: string;
  /** Null when the user hides their email. */
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly addedToOrg: number | null;
  readonly mfaEnabled: boolean;
  /** `status: for_deletion`: a managed account scheduled for deletion. */
  readonly forDeletion: boolean;
  /** Set for service accounts (listed by the API Access service-accounts API). */
  readonly serviceAccount: ServiceAccountInfo | null;
  readonly platformRoles: readonly RoleId[];
  readonly groups: readonly GroupRecord[];
  readonly grants: readonly UserGrant[];
  readonly activity: readonly ActivityRecord[];
  readonly apiTokens: readonly ApiTokenRecord[];
}

/** A role a user holds on a resource, and every way they hold it. */
export interface DerivedRoleAssignment {
  resourceId: string;
  /** Resource owner: the workspace's product, or `platform` for platform roles. */
  resourceOwner: string;
  /** True for org/site platform roles (their directoryId is null in the API). */
  platform: boolean;
  roles: Array<{ role: RoleId; methods: Array<'direct' | 'group_direct' | 'inferred'> }>;
}

export interface WorkspaceInput {
  /** Resource owner; required unless `id` is given. */
  product?: string;
  /** Full ARI; default `ari:cloud:<product>::site/<siteId>`. */
  id?: string;
  /** `acme.atlassian.net`; workspaces on the same host share a site id (Jira and Confluence do). */
  host?: string;
  siteId?: string;
  name?: string;
  status?: WorkspaceStatus;
  sandbox?: boolean;
  capacity?: number | null;
  createdAt?: TimeInput;
}

export interface GroupInput {
  id?: string;
  name: string;
  directoryId?: string;
  description?: string | null;
  externalSynced?: boolean;
  /** Default `external` when externalSynced, else `admins`. */
  managedBy?: string;
  modifiable?: boolean;
  deletable?: boolean;
  grants?: Array<{ resourceId: string; roles: RoleId[]; defaultRole?: RoleId | null }>;
  /** Account ids of members (they must exist already). */
  members?: string[];
}

export interface UserInput {
  accountId?: string;
  directoryId?: string;
  accountType?: string;
  accountStatus?: AccountStatus;
  membershipStatus?: MembershipStatus;
  claimStatus?: ClaimStatus;
  managementSource?: 'invited' | 'synced' | null;
  name?: string;
  nickname?: string;
  /** `null` hides the email; absent derives one from the name. */
  email?: string | null;
  emailVerified?: boolean;
  /** Absent: one year before the model's `now`. */
  addedToOrg?: TimeInput | null;
  mfaEnabled?: boolean;
  forDeletion?: boolean;
  platformRoles?: RoleId[];
  /** Group ids (or unique group names). */
  groups?: string[];
  roles?: Array<{ resourceId: string; role: RoleId; method?: GrantMethod }>;
  /** Activity by resource ARI; `null` = an entry without a timestamp. */
  activity?: Record<string, TimeInput | null>;
}

export type UserPatch = Partial<
  Pick<
    UserInput,
    | 'accountType'
    | 'accountStatus'
    | 'membershipStatus'
    | 'claimStatus'
    | 'managementSource'
    | 'name'
    | 'nickname'
    | 'email'
    | 'emailVerified'
    | 'addedToOrg'
    | 'mfaEnabled'
    | 'forDeletion'
  >
>;

export interface OrgModelOptions {
  orgId?: string;
  name?: string;
  /** Seeds the ids the model makes up (accounts, groups, sites). Default 1. */
  seed?: number;
  /** Reference time for defaults such as `addedToOrg`. Default: the clock at creation. */
  now?: Date;
  /** Id and name of the directory created with the model. */
  directory?: { id?: string; name?: string };
}

export function toMillis(value: TimeInput): number {
  const ms =
    value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`invalid time: ${String(value)}`);
  return ms;
}

/** Internal mutable view of a user (the public type is read-only). */
type MutableUser = { -readonly [K in keyof UserRecord]: UserRecord[K] } & {
  groups: GroupRecord[];
  grants: UserGrant[];
  activity: ActivityRecord[];
  apiTokens: ApiTokenRecord[];
  platformRoles: RoleId[];
};

interface GroupState {
  record: GroupRecord;
  grants: Map<string, GroupGrant>;
  members: Set<MutableUser>;
}

export const isSeatRole = (role: string): boolean => SEAT_ROLES.includes(role);

/** Billable: the account kinds that occupy a seat when they hold a seat role. */
export function isBillable(user: UserRecord): boolean {
  return (
    user.accountType === 'atlassian' &&
    user.accountStatus === 'active' &&
    user.membershipStatus === 'active' &&
    user.serviceAccount === null
  );
}

export class OrgModel {
  readonly orgId: string;
  readonly name: string;
  readonly now: number;
  readonly defaultDirectoryId: string;
  /** Bumped by every mutation; cached search results are keyed on it. */
  version = 0;

  private readonly prng: Prng;
  private readonly directoryList: DirectoryRecord[] = [];
  private readonly workspaceList: WorkspaceRecord[] = [];
  private readonly workspacesById = new Map<string, WorkspaceRecord>();
  private readonly siteIdsByHost = new Map<string, string>();
  private readonly groupList: GroupState[] = [];
  private readonly groupsById = new Map<string, GroupState>();
  private readonly groupsByName = new Map<string, GroupState[]>();
  private readonly groupsByResource = new Map<string, Set<GroupState>>();
  private readonly userList: MutableUser[] = [];
  private readonly usersByAccountId = new Map<string, MutableUser>();
  private readonly usersByEmail = new Map<string, MutableUser>();
  private readonly usersByDomain = new Map<string, Set<MutableUser>>();
  /** resourceId -> role -> holders by direct or inferred grant. */
  private readonly grantHolders = new Map<string, Map<string, Set<MutableUser>>>();
  private readonly platformHolders = new Map<string, Set<MutableUser>>();
  private readonly serviceAccountList: MutableUser[] = [];

  constructor(options: OrgModelOptions = {}) {
    this.prng = createPrng((options.seed ?? 1) ^ 0x5a5a1234);
    this.now = options.now ? options.now.getTime() : Date.now();
    this.orgId = options.orgId ?? uuidFrom(this.prng);
    this.name = options.name ?? 'Acme Inc.';
    this.defaultDirectoryId = this.addDirectory(options.directory).id;
  }

  // ---------------------------------------------------------------- structure

  addDirectory(input: { id?: string; name?: string } = {}): DirectoryRecord {
    const id = input.id ?? uuidFrom(this.prng);
    if (this.directoryList.some((d) => d.id === id)) throw new Error(`directory ${id} exists`);
    const record: DirectoryRecord = {
      id,
      name:
        input.name ??
        (this.directoryList.length === 0
          ? 'Primary directory'
          : `Directory ${this.directoryList.length + 1}`),
    };
    this.directoryList.push(record);
    this.version++;
    return record;
  }

  addWorkspace(input: WorkspaceInput): WorkspaceRecord {
    let product = input.product;
    let siteId = input.siteId;
    if (input.id) {
      const m = /^ari:cloud:([^:]+)::[^/]+\/(.+)$/.exec(input.id);
      if (!m) throw new Error(`not a resource ARI: ${input.id}`);
      product ??= m[1];
      siteId ??= m[2];
    }
    if (!product) throw new Error('addWorkspace needs a product or an id');
    const host = input.host?.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    if (!siteId) {
      const known = host ? this.siteIdsByHost.get(host) : undefined;
      siteId = known ?? uuidFrom(this.prng);
    }
    if (host && !this.siteIdsByHost.has(host)) this.siteIdsByHost.set(host, siteId);
    const id = input.id ?? `ari:cloud:${product}::site/${siteId}`;
    if (this.workspacesById.has(id)) throw new Error(`workspace ${id} exists`);
    const record: WorkspaceRecord = {
      id,
      product,
      siteId,
      hostUrl: host ? `https://${host}` : null,
      name:
        input.name ??
        (host
          ? `${productDisplayName(product)} (${host.split('.')[0] ?? host})`
          : productDisplayName(product)),
      status: input.status ?? 'online',
      sandbox: input.sandbox ?? false,
      capacity: input.capacity ?? null,
      createdAt:
        input.createdAt !== undefined ? toMillis(input.createdAt) : this.now - 1000 * DAY_MS,
    };
    this.workspaceList.push(record);
    this.workspacesById.set(id, record);
    this.version++;
    return record;
  }

  addGroup(input: GroupInput): GroupRecord {
    const directoryId = input.directoryId ?? this.defaultDirectoryId;
    this.requireDirectory(directoryId);
    const id = input.id ?? uuidFrom(this.prng);
    if (this.groupsById.has(id)) throw new Error(`group ${id} exists`);
    const lower = input.name.toLowerCase();
    if ((this.groupsByName.get(lower) ?? []).some((g) => g.record.directoryId === directoryId)) {
      throw new Error(`group "${input.name}" exists in directory ${directoryId}`);
    }
    const externalSynced = input.externalSynced ?? false;
    const record: GroupRecord = {
      id,
      directoryId,
      name: input.name,
      description: input.description ?? null,
      externalSynced,
      managedBy: input.managedBy ?? (externalSynced ? 'external' : 'admins'),
      modifiable: input.modifiable ?? !externalSynced,
      deletable: input.deletable ?? true,
      createdAt: this.now - 900 * DAY_MS,
    };
    const state: GroupState = { record, grants: new Map(), members: new Set() };
    this.groupList.push(state);
    this.groupsById.set(id, state);
    this.groupsByName.set(lower, [...(this.groupsByName.get(lower) ?? []), state]);
    for (const grant of input.grants ?? []) {
      for (const role of grant.roles) this.grantGroupRole(id, grant.resourceId, role);
      if (grant.defaultRole !== undefined)
        this.setGroupDefaultRole(id, grant.resourceId, grant.defaultRole);
    }
    for (const accountId of input.members ?? []) this.addMembership(id, accountId);
    this.version++;
    return record;
  }

  grantGroupRole(groupRef: string, resourceId: string, role: RoleId): void {
    const group = this.requireGroup(groupRef);
    this.requireWorkspace(resourceId);
    const current = group.grants.get(resourceId);
    if (current?.roles.includes(role)) return;
    group.grants.set(resourceId, {
      resourceId,
      roles: [...(current?.roles ?? []), role],
      defaultRole: current?.defaultRole ?? null,
    });
    let set = this.groupsByResource.get(resourceId);
    if (!set) this.groupsByResource.set(resourceId, (set = new Set()));
    set.add(group);
    this.version++;
  }

  revokeGroupRole(groupRef: string, resourceId: string, role: RoleId): boolean {
    const group = this.requireGroup(groupRef);
    const current = group.grants.get(resourceId);
    if (!current?.roles.includes(role)) return false;
    const roles = current.roles.filter((r) => r !== role);
    if (roles.length === 0) {
      group.grants.delete(resourceId);
      this.groupsByResource.get(resourceId)?.delete(group);
    } else {
      group.grants.set(resourceId, {
        ...current,
        roles,
        defaultRole: current.defaultRole === role ? null : current.defaultRole,
      });
    }
    this.version++;
    return true;
  }

  setGroupDefaultRole(groupRef: string, resourceId: string, role: RoleId | null): void {
    const group = this.requireGroup(groupRef);
    const current = group.grants.get(resourceId);
    if (!current) throw new Error(`group ${group.record.name} grants nothing on ${resourceId}`);
    group.grants.set(resourceId, { ...current, defaultRole: role });
    this.version++;
  }

  /** Changes the group's management flags (IdP sync, lock). */
  updateGroup(
    groupRef: string,
    patch: Partial<
      Pick<GroupRecord, 'externalSynced' | 'managedBy' | 'modifiable' | 'deletable' | 'description'>
    >,
  ): GroupRecord {
    const group = this.requireGroup(groupRef);
    // In place: users' `groups` lists hold the same record objects.
    Object.assign(group.record, patch);
    this.version++;
    return group.record;
  }

  addUser(input: UserInput = {}): UserRecord {
    const directoryId = input.directoryId ?? this.defaultDirectoryId;
    this.requireDirectory(directoryId);
    const accountId = input.accountId ?? prefixedAccountIdFrom(this.prng);
    if (this.usersByAccountId.has(accountId)) throw new Error(`account ${accountId} exists`);
    const idx = this.userList.length;
    const name = input.name ?? `User ${idx + 1}`;
    const email =
      input.email === undefined
        ? `${name
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '.')
            .replace(/^\.|\.$/g, '')}@example.com`
        : input.email;
    const user: MutableUser = {
      idx,
      accountId,
      directoryId,
      accountType: input.accountType ?? 'atlassian',
      accountStatus: input.accountStatus ?? 'active',
      membershipStatus: input.membershipStatus ?? 'active',
      claimStatus: input.claimStatus ?? 'managed',
      managementSource: input.managementSource === undefined ? 'invited' : input.managementSource,
      name,
      nickname: input.nickname ?? name.split(' ')[0] ?? name,
      email,
      emailVerified: input.emailVerified ?? true,
      addedToOrg:
        input.addedToOrg === undefined
          ? this.now - 365 * DAY_MS
          : input.addedToOrg === null
            ? null
            : toMillis(input.addedToOrg),
      mfaEnabled: input.mfaEnabled ?? false,
      forDeletion: input.forDeletion ?? false,
      serviceAccount: null,
      platformRoles: EMPTY as unknown as RoleId[],
      groups: EMPTY as unknown as GroupRecord[],
      grants: EMPTY as unknown as UserGrant[],
      activity: EMPTY as unknown as ActivityRecord[],
      apiTokens: EMPTY as unknown as ApiTokenRecord[],
    };
    this.userList.push(user);
    this.usersByAccountId.set(accountId, user);
    this.indexEmail(user);
    if (input.platformRoles?.length) this.setPlatformRoles(accountId, input.platformRoles);
    for (const g of input.groups ?? []) this.addMembership(g, accountId);
    for (const r of input.roles ?? [])
      this.grantRole(accountId, r.resourceId, r.role, r.method ?? 'direct');
    for (const [resourceId, at] of Object.entries(input.activity ?? {}))
      this.setActivity(accountId, resourceId, at);
    this.version++;
    return user;
  }

  /** A service account: `@serviceaccount.atlassian.com` email, listed by the service-accounts API. */
  addServiceAccount(
    input: UserInput & { description?: string; serviceAccountId?: string } = {},
  ): UserRecord {
    const name = input.name ?? `Service account ${this.serviceAccountList.length + 1}`;
    const slug = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    const user = this.addUser({
      claimStatus: 'managed',
      managementSource: null,
      mfaEnabled: false,
      ...input,
      name,
      email:
        input.email === undefined
          ? `${slug}-${this.prng.u32().toString(36)}@${SERVICE_ACCOUNT_EMAIL_DOMAIN}`
          : input.email,
    }) as MutableUser;
    user.serviceAccount = {
      id: input.serviceAccountId ?? uuidFrom(this.prng),
      description: input.description ?? `Automation: ${name}`,
      createdAt: user.addedToOrg ?? this.now - 365 * DAY_MS,
    };
    this.serviceAccountList.push(user);
    this.version++;
    return user;
  }

  updateUser(accountId: string, patch: UserPatch): UserRecord {
    const user = this.requireUser(accountId);
    if (patch.email !== undefined) this.unindexEmail(user);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (key === 'addedToOrg')
        user.addedToOrg = value === null ? null : toMillis(value as TimeInput);
      else (user as unknown as Record<string, unknown>)[key] = value;
    }
    if (patch.email !== undefined) this.indexEmail(user);
    this.version++;
    return user;
  }

  /** Returns false when the user already was a member. */
  addMembership(groupRef: string, accountId: string): boolean {
    const group = this.requireGroup(groupRef);
    const user = this.requireUser(accountId);
    if (group.record.directoryId !== user.directoryId) {
      throw new Error(`${accountId} is not in the directory of group ${group.record.name}`);
    }
    if (group.members.has(user)) return false;
    group.members.add(user);
    user.groups = [...user.groups, group.record];
    this.version++;
    return true;
  }

  /** Returns false when the user was not a member. */
  removeMembership(groupRef: string, accountId: string): boolean {
    const group = this.requireGroup(groupRef);
    const user = this.requireUser(accountId);
    if (!group.members.delete(user)) return false;
    user.groups = user.groups.filter((g) => g.id !== group.record.id);
    this.version++;
    return true;
  }

  /** A direct (or, when modelled, inferred) grant of a role on a resource. Returns false if held already. */
  grantRole(
    accountId: string,
    resourceId: string,
    role: RoleId,
    method: GrantMethod = 'direct',
  ): boolean {
    const user = this.requireUser(accountId);
    this.requireWorkspace(resourceId);
    if (
      user.grants.some((g) => g.resourceId === resourceId && g.role === role && g.method === method)
    )
      return false;
    user.grants = [...user.grants, { resourceId, role, method }];
    let byRole = this.grantHolders.get(resourceId);
    if (!byRole) this.grantHolders.set(resourceId, (byRole = new Map<string, Set<MutableUser>>()));
    let holders = byRole.get(role);
    if (!holders) byRole.set(role, (holders = new Set()));
    holders.add(user);
    this.version++;
    return true;
  }

  /** Removes a direct (or inferred) grant. Returns false when there was none. */
  revokeRole(
    accountId: string,
    resourceId: string,
    role: RoleId,
    method: GrantMethod = 'direct',
  ): boolean {
    const user = this.requireUser(accountId);
    const before = user.grants.length;
    user.grants = user.grants.filter(
      (g) => !(g.resourceId === resourceId && g.role === role && g.method === method),
    );
    if (user.grants.length === before) return false;
    if (!user.grants.some((g) => g.resourceId === resourceId && g.role === role)) {
      this.grantHolders.get(resourceId)?.get(role)?.delete(user);
    }
    this.version++;
    return true;
  }

  setPlatformRoles(accountId: string, roles: readonly RoleId[]): void {
    const user = this.requireUser(accountId);
    for (const role of user.platformRoles) this.platformHolders.get(role)?.delete(user);
    user.platformRoles = [...new Set(roles)];
    for (const role of user.platformRoles) {
      if (!PLATFORM_ROLES.includes(role)) throw new Error(`not a platform role: ${role}`);
      let set = this.platformHolders.get(role);
      if (!set) this.platformHolders.set(role, (set = new Set()));
      set.add(user);
    }
    this.version++;
  }

  /**
   * Sets (or replaces) the activity entry whose id is `id` (normally a workspace ARI).
   * `at` null keeps an entry without a timestamp; use `clearActivity` to remove the entry.
   */
  setActivity(
    accountId: string,
    id: string,
    at: TimeInput | null,
    key: string | null = null,
  ): void {
    const user = this.requireUser(accountId);
    const entry: ActivityRecord = { id, key, at: at === null ? null : toMillis(at) };
    const others = user.activity.filter((a) => a.id !== id);
    user.activity = [...others, entry];
    this.version++;
  }

  clearActivity(accountId: string, id?: string): void {
    const user = this.requireUser(accountId);
    user.activity = id === undefined ? [] : user.activity.filter((a) => a.id !== id);
    this.version++;
  }

  addApiToken(
    accountId: string,
    token: {
      id?: string;
      label?: string;
      createdAt?: TimeInput;
      expiry?: TimeInput | null;
      lastAccess?: TimeInput | null;
    },
  ): ApiTokenRecord {
    const user = this.requireUser(accountId);
    const record: ApiTokenRecord = {
      id: token.id ?? uuidFrom(this.prng),
      label: token.label ?? 'API token',
      createdAt:
        token.createdAt !== undefined ? toMillis(token.createdAt) : this.now - 200 * DAY_MS,
      expiry: token.expiry === undefined || token.expiry === null ? null : toMillis(token.expiry),
      lastAccess:
        token.lastAccess === undefined || token.lastAccess === null
          ? null
          : toMillis(token.lastAccess),
    };
    user.apiTokens = [...user.apiTokens, record];
    this.version++;
    return record;
  }

  // -------------------------------------------------------------------- reads

  directories(): readonly DirectoryRecord[] {
    return this.directoryList;
  }
  directory(id: string): DirectoryRecord | undefined {
    return this.directoryList.find((d) => d.id === id);
  }
  workspaces(): readonly WorkspaceRecord[] {
    return this.workspaceList;
  }
  workspace(id: string): WorkspaceRecord | undefined {
    return this.workspacesById.get(id);
  }
  /** The workspace of a product on a host (`acme.atlassian.net`). */
  workspaceOn(product: string, host: string): WorkspaceRecord | undefined {
    return this.workspaceList.find((w) => w.product === product && w.hostUrl === `https://${host}`);
  }
  groups(): GroupRecord[] {
    return this.groupList.map((g) => g.record);
  }
  group(id: string): GroupRecord | undefined {
    return this.groupsById.get(id)?.record;
  }
  /** Case-insensitive; with several directories holding the name, pass the directory. */
  groupByName(name: string, directoryId?: string): GroupRecord | undefined {
    const found = (this.groupsByName.get(name.toLowerCase()) ?? []).filter(
      (g) => directoryId === undefined || g.record.directoryId === directoryId,
    );
    return found[0]?.record;
  }
  groupsNamed(name: string): GroupRecord[] {
    return (this.groupsByName.get(name.toLowerCase()) ?? []).map((g) => g.record);
  }
  groupGrants(groupId: string): GroupGrant[] {
    return [...(this.groupsById.get(groupId)?.grants.values() ?? [])];
  }
  /** Groups granting any role on the resource. */
  groupsGranting(resourceId: string): GroupRecord[] {
    return [...(this.groupsByResource.get(resourceId) ?? [])].map((g) => g.record);
  }
  members(groupId: string): readonly UserRecord[] {
    const group = this.groupsById.get(groupId);
    return group ? [...group.members].sort((a, b) => a.idx - b.idx) : [];
  }
  memberCount(groupId: string): number {
    return this.groupsById.get(groupId)?.members.size ?? 0;
  }
  isMember(groupId: string, accountId: string): boolean {
    const user = this.usersByAccountId.get(accountId);
    return !!user && !!this.groupsById.get(groupId)?.members.has(user);
  }
  users(): readonly UserRecord[] {
    return this.userList;
  }
  userCount(): number {
    return this.userList.length;
  }
  user(accountId: string): UserRecord | undefined {
    return this.usersByAccountId.get(accountId);
  }
  userAt(idx: number): UserRecord | undefined {
    return this.userList[idx];
  }
  userByEmail(email: string): UserRecord | undefined {
    return this.usersByEmail.get(email.toLowerCase());
  }
  usersWithDomain(domain: string): readonly UserRecord[] {
    return [...(this.usersByDomain.get(domain.toLowerCase()) ?? [])];
  }
  serviceAccounts(): readonly UserRecord[] {
    return this.serviceAccountList;
  }

  /**
   * Every user holding one of `roles` (any role when null) on one of `resourceIds` (any
   * resource when null) by any method, platform roles included (they sit on platform ARIs).
   * Built from the indexes, so the cost is the size of the answer.
   */
  holders(resourceIds: readonly string[] | null, roles: readonly string[] | null): Set<UserRecord> {
    const out = new Set<UserRecord>();
    const roleOk = (role: string) => roles === null || roles.includes(role);
    const resources = resourceIds ?? [
      ...new Set([...this.grantHolders.keys(), ...this.groupsByResource.keys()]),
    ];
    for (const resourceId of resources) {
      for (const [role, holders] of this.grantHolders.get(resourceId) ?? []) {
        if (roleOk(role)) for (const u of holders) out.add(u);
      }
      for (const group of this.groupsByResource.get(resourceId) ?? []) {
        const grant = group.grants.get(resourceId);
        if (grant?.roles.some(roleOk)) for (const u of group.members) out.add(u);
      }
    }
    for (const role of PLATFORM_ROLES) {
      if (!roleOk(role)) continue;
      for (const u of this.platformHolders.get(role) ?? []) {
        if (
          resourceIds === null ||
          this.platformResourcesOf(u, role).some((r) => resourceIds.includes(r))
        )
          out.add(u);
      }
    }
    return out;
  }

  /**
   * True when the user holds one of `roles` (any when null) on one of `resourceIds` (any when
   * null) by any method. The per-user form of `holders`, used to test candidates.
   */
  holds(
    user: UserRecord,
    resourceIds: readonly string[] | null,
    roles: readonly string[] | null,
  ): boolean {
    const roleOk = (role: string) => roles === null || roles.includes(role);
    const resourceOk = (id: string) => resourceIds === null || resourceIds.includes(id);
    for (const g of user.grants) if (resourceOk(g.resourceId) && roleOk(g.role)) return true;
    for (const group of user.groups) {
      for (const grant of this.groupsById.get(group.id)?.grants.values() ?? []) {
        if (resourceOk(grant.resourceId) && grant.roles.some(roleOk)) return true;
      }
    }
    for (const role of user.platformRoles) {
      if (
        roleOk(role) &&
        (resourceIds === null || this.platformResourcesOf(user, role).some(resourceOk))
      )
        return true;
    }
    return false;
  }

  /** Number of distinct product resources the user holds any role on (`counts.resources`). */
  resourceCount(user: UserRecord): number {
    const ids = new Set<string>();
    for (const g of user.grants) ids.add(g.resourceId);
    for (const group of user.groups)
      for (const id of this.groupsById.get(group.id)?.grants.keys() ?? []) ids.add(id);
    return ids.size;
  }

  /** The org's platform ARI (org-admin is held on it). */
  get orgResourceId(): string {
    return `ari:cloud:platform::org/${this.orgId}`;
  }

  /** Platform roles are held on the org (org-admin) or on every site (site-level admin roles). */
  platformResourcesOf(_user: UserRecord, role: RoleId): string[] {
    if (role === 'atlassian/org-admin') return [this.orgResourceId];
    const sites = [...new Set(this.workspaceList.map((w) => w.siteId))];
    return sites.map((siteId) => `ari:cloud:platform::site/${siteId}`);
  }

  /** What the user holds on every resource, and how: direct grants ∪ group grants (∪ modelled inferred), platform roles. */
  roleAssignmentsOf(accountId: string): DerivedRoleAssignment[] {
    const user = this.usersByAccountId.get(accountId);
    if (!user) return [];
    const byResource = new Map<string, Map<string, Set<'direct' | 'group_direct' | 'inferred'>>>();
    const add = (
      resourceId: string,
      role: string,
      method: 'direct' | 'group_direct' | 'inferred',
    ) => {
      let roles = byResource.get(resourceId);
      if (!roles)
        byResource.set(
          resourceId,
          (roles = new Map<string, Set<'direct' | 'group_direct' | 'inferred'>>()),
        );
      let methods = roles.get(role);
      if (!methods) roles.set(role, (methods = new Set()));
      methods.add(method);
    };
    for (const g of user.grants) add(g.resourceId, g.role, g.method);
    for (const group of user.groups) {
      for (const grant of this.groupsById.get(group.id)?.grants.values() ?? []) {
        for (const role of grant.roles) add(grant.resourceId, role, 'group_direct');
      }
    }
    const methodOrder = ['direct', 'group_direct', 'inferred'];
    const out: DerivedRoleAssignment[] = [];
    for (const w of this.workspaceList) {
      const roles = byResource.get(w.id);
      if (!roles) continue;
      out.push({
        resourceId: w.id,
        resourceOwner: w.product,
        platform: false,
        roles: [...roles].map(([role, methods]) => ({
          role,
          methods: [...methods].sort((a, b) => methodOrder.indexOf(a) - methodOrder.indexOf(b)),
        })),
      });
    }
    const platform = new Map<string, string[]>();
    for (const role of user.platformRoles) {
      for (const resourceId of this.platformResourcesOf(user, role)) {
        platform.set(resourceId, [...(platform.get(resourceId) ?? []), role]);
      }
    }
    for (const [resourceId, roles] of platform) {
      out.push({
        resourceId,
        resourceOwner: 'platform',
        platform: true,
        roles: roles.map((role) => ({ role, methods: ['direct'] })),
      });
    }
    return out;
  }

  /** The seat roles the user holds on the resource by `direct` or `group_direct` assignment. */
  seatRolesOn(user: UserRecord, resourceId: string): RoleId[] {
    const roles = new Set<RoleId>();
    for (const g of user.grants)
      if (g.resourceId === resourceId && g.method === 'direct' && isSeatRole(g.role))
        roles.add(g.role);
    for (const group of user.groups) {
      const grant = this.groupsById.get(group.id)?.grants.get(resourceId);
      for (const role of grant?.roles ?? []) if (isSeatRole(role)) roles.add(role);
    }
    return [...roles];
  }

  /** Licensed per SPEC §3: billable account holding a seat role by direct or group grant. */
  isLicensed(user: UserRecord, resourceId: string): boolean {
    return isBillable(user) && this.seatRolesOn(user, resourceId).length > 0;
  }

  /** The licensed users of a resource, in insertion order. */
  licensedUsers(resourceId: string): UserRecord[] {
    return [...this.holders([resourceId], SEAT_ROLES)]
      .filter((u) => this.isLicensed(u, resourceId))
      .sort((a, b) => a.idx - b.idx);
  }

  seatCount(resourceId: string): number {
    let n = 0;
    for (const u of this.holders([resourceId], SEAT_ROLES)) if (this.isLicensed(u, resourceId)) n++;
    return n;
  }

  // ------------------------------------------------------------------ helpers

  private requireDirectory(id: string): DirectoryRecord {
    const d = this.directory(id);
    if (!d) throw new Error(`unknown directory ${id}`);
    return d;
  }

  private requireWorkspace(id: string): WorkspaceRecord {
    const w = this.workspacesById.get(id);
    if (!w) throw new Error(`unknown workspace ${id}`);
    return w;
  }

  private requireGroup(ref: string): GroupState {
    const byId = this.groupsById.get(ref);
    if (byId) return byId;
    const named = this.groupsByName.get(ref.toLowerCase()) ?? [];
    if (named.length === 1) return named[0];
    throw new Error(
      named.length ? `group name "${ref}" is ambiguous: use its id` : `unknown group ${ref}`,
    );
  }

  private requireUser(accountId: string): MutableUser {
    const user = this.usersByAccountId.get(accountId);
    if (!user) throw new Error(`unknown account ${accountId}`);
    return user;
  }

  private indexEmail(user: MutableUser): void {
    if (!user.email) return;
    const lower = user.email.toLowerCase();
    if (this.usersByEmail.has(lower)) throw new Error(`email ${user.email} is taken`);
    this.usersByEmail.set(lower, user);
    const domain = lower.slice(lower.lastIndexOf('@') + 1);
    let set = this.usersByDomain.get(domain);
    if (!set) this.usersByDomain.set(domain, (set = new Set()));
    set.add(user);
  }

  private unindexEmail(user: MutableUser): void {
    if (!user.email) return;
    const lower = user.email.toLowerCase();
    this.usersByEmail.delete(lower);
    this.usersByDomain.get(lower.slice(lower.lastIndexOf('@') + 1))?.delete(user);
  }
}

export function createOrgModel(options: OrgModelOptions = {}): OrgModel {
  return new OrgModel(options);
}

export function productDisplayName(product: string): string {
  const names: Record<string, string> = {
    'jira-software': 'Jira',
    'jira-servicedesk': 'Jira Service Management',
    'jira-product-discovery': 'Jira Product Discovery',
    'jira-core': 'Jira Work Management',
    confluence: 'Confluence',
  };
  return names[product] ?? product;
}
