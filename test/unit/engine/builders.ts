/**
 * Hand-made policies, snapshots and states for engine tests (and anyone else's).
 *
 *   const org = anOrg()
 *     .withResource('jira', { product: 'jira-software', site: 'acme.atlassian.net' })
 *     .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
 *     .withUser('alice', { groups: ['jira-users'], activity: { jira: daysAgo(40) } });
 *   const policy = aPolicy({ rules: [aRule({ id: 'jira-30d', product: 'jira-software' })] });
 *   const { plan } = evaluate({ policy, snapshot: org.build(), state: null, now: NOW, policyCommit: null });
 *
 * Resources and groups are named by short handles (`jira`, `jira-users`); account ids are the
 * handles you give users. Every user's role assignments are "read" (in `userRoles`) unless
 * `rolesRead: false`.
 */
import { createHash } from 'node:crypto';
import { evaluate, type Evaluation } from '../../../src/engine/index.js';
import type { State } from '../../../src/plan/types.js';
import {
  DEFAULT_LIMITS,
  type AccountExclusion,
  type DomainExclusion,
  type Exclusions,
  type GroupExclusion,
  type Limits,
  type Policy,
  type ProductSettings,
  type Rule,
  type RuleScope,
  type SourceLocation,
} from '../../../src/policy/types.js';
import type {
  Group,
  GroupRoleAssignment,
  ProductActivity,
  Resource,
  RoleId,
  Snapshot,
  SnapshotUser,
  UserResourceRoles,
} from '../../../src/snapshot/types.js';
import { LicensedSince } from '../../../src/plan/licensed-since.js';
import { activityEntries, productAccessOf } from '../../../src/snapshot/product-access.js';

// --- Time -------------------------------------------------------------------------------------

export const NOW = new Date('2026-11-30T12:00:00.000Z');
export const FETCHED_AT = '2026-11-30T11:00:00.000Z';
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** ISO instant `days` (may be fractional) before `from` (default NOW). */
export function daysAgo(days: number, from: Date = NOW): string {
  return new Date(from.getTime() - days * DAY).toISOString();
}

export function hoursAgo(hours: number, from: Date = NOW): string {
  return new Date(from.getTime() - hours * HOUR).toISOString();
}

export function plus(from: Date | string, { days = 0, hours = 0, seconds = 0 }): Date {
  return new Date(new Date(from).getTime() + days * DAY + hours * HOUR + seconds * 1000);
}

// --- Policy -----------------------------------------------------------------------------------

let nextLine = 10;
/** A fresh source position (each call a new line), or the one you give. */
export function at(line?: number, column = 5, file = 'policies/policy.yml'): SourceLocation {
  if (line === undefined) {
    nextLine += 1;
    line = nextLine;
  }
  return { file, line, column };
}

export type RuleSpec = Partial<Omit<Rule, 'neverActive' | 'scope'>> & {
  neverActive?: Partial<Rule['neverActive']>;
  scope?: Partial<RuleScope>;
};

let ruleCount = 0;
export function aRule(spec: RuleSpec = {}): Rule {
  ruleCount += 1;
  const inactiveDays = spec.inactiveDays ?? 30;
  const source = spec.source ?? at();
  const rule: Rule = {
    id: spec.id ?? `rule-${ruleCount}`,
    product: spec.product ?? 'jira-software',
    inactiveDays,
    neverActive: {
      include: spec.neverActive?.include ?? true,
      graceDays: spec.neverActive?.graceDays ?? inactiveDays,
    },
    noticeDays: spec.noticeDays ?? 7,
    allowCollateral: spec.allowCollateral ?? false,
    action: spec.action ?? 'remove-product-access',
    countApiTokenUse: spec.countApiTokenUse ?? true,
    source,
    productSource: spec.productSource ?? { ...source, line: source.line + 1, column: 14 },
  };
  if (spec.description !== undefined) rule.description = spec.description;
  if (spec.sites !== undefined) {
    rule.sites = spec.sites;
    rule.siteSources =
      spec.siteSources ??
      spec.sites.map((_, i) => ({ ...source, line: source.line + 2, column: 13 + i * 20 }));
  }
  if (spec.keepAtMost !== undefined) rule.keepAtMost = spec.keepAtMost;
  if (spec.scope !== undefined) {
    const groups = spec.scope.groups ?? [];
    rule.scope = {
      groups,
      groupSources:
        spec.scope.groupSources ??
        groups.map((_, i) => ({ ...source, line: source.line + 3, column: 16 + i * 12 })),
      emailDomains: spec.scope.emailDomains ?? [],
      claimStatus: spec.scope.claimStatus ?? 'any',
    };
  }
  return rule;
}

export function excludeAccount(
  who: { email: string } | { accountId: string },
  options: { reason?: string; until?: string; source?: SourceLocation } = {},
): AccountExclusion {
  return {
    ...who,
    reason: options.reason ?? 'Excluded by name',
    ...(options.until !== undefined ? { until: options.until } : {}),
    source: options.source ?? at(),
  };
}

export function excludeGroup(
  name: string,
  options: { reason?: string; until?: string; source?: SourceLocation } = {},
): GroupExclusion {
  return {
    name,
    reason: options.reason ?? `Member of ${name}`,
    ...(options.until !== undefined ? { until: options.until } : {}),
    source: options.source ?? at(),
  };
}

export function excludeDomain(
  domain: string,
  options: { reason?: string; until?: string; source?: SourceLocation } = {},
): DomainExclusion {
  return {
    domain: domain.toLowerCase(),
    reason: options.reason ?? `Domain ${domain}`,
    ...(options.until !== undefined ? { until: options.until } : {}),
    source: options.source ?? at(),
  };
}

export interface PolicySpec {
  rules?: Rule[];
  exclude?: Partial<Exclusions>;
  limits?: Partial<Limits>;
  /** Monthly price per product (`{ 'jira-software': 8.6 }`), or full settings. */
  products?: Record<string, number | ProductSettings>;
  currency?: string;
  files?: string[];
  digest?: string;
}

/**
 * A policy with the SPEC's defaults. Exclusions default to admins and service accounts only, and
 * the limits are wide open (maxRemovals 1,000,000, maxRemovalsPercent 100) so that tests about
 * rules are not blocked by limits; set `limits` to test them.
 */
export function aPolicy(spec: PolicySpec = {}): Policy {
  const products: Record<string, ProductSettings> = {};
  for (const [key, value] of Object.entries(spec.products ?? {})) {
    products[key] = typeof value === 'number' ? { monthlyCostPerUser: value, source: at() } : value;
  }
  return {
    files: spec.files ?? ['policies/policy.yml'],
    digest: spec.digest ?? 'f'.repeat(64),
    currency: spec.currency ?? 'USD',
    products,
    exclude: {
      admins: true,
      serviceAccounts: true,
      accounts: [],
      groups: [],
      emailDomains: [],
      ...spec.exclude,
    },
    rules: spec.rules ?? [aRule()],
    limits: { ...DEFAULT_LIMITS, maxRemovals: 1_000_000, maxRemovalsPercent: 100, ...spec.limits },
  };
}

// --- Snapshot ---------------------------------------------------------------------------------

export function uuidOf(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The site id shared by every product of a site (Jira, JSM and Confluence share it). */
export function siteIdOf(site: string): string {
  return uuidOf(`site:${site}`);
}

export function resourceIdOf(product: string, site: string): string {
  return `ari:cloud:${product}::site/${siteIdOf(site)}`;
}

/** The `key` Atlassian's productAccess uses (spelt differently from the policy's product key). */
const ACTIVITY_KEYS: Record<string, string> = {
  'jira-software': 'jira',
  'jira-servicedesk': 'jira-servicedesk',
  confluence: 'confluence',
  'jira-product-discovery': 'jira-product-discovery',
};

export interface ResourceSpec {
  product: string;
  site: string;
  id?: string;
  status?: string;
  sandbox?: boolean;
  capacity?: number | null;
  governed?: boolean;
  name?: string;
}

export interface GroupSpec {
  id?: string;
  directoryId?: string;
  /** Roles granted per resource handle. */
  grants?: Record<string, RoleId[]>;
  /** Extra raw assignments (resources the org snapshot does not list, platform roles, ...). */
  rawGrants?: GroupRoleAssignment[];
  externalSynced?: boolean;
  managedBy?: string | null;
  modifiable?: boolean;
  grantsGoverned?: boolean;
}

export interface UserSpec {
  /** Default `<accountId>@example.com`; null = hidden. */
  email?: string | null;
  name?: string | null;
  /** Group names. */
  groups?: string[];
  /** Roles granted directly, per resource handle. */
  direct?: Record<string, RoleId[]>;
  /** Roles reached only by inference, per resource handle. */
  inferred?: Record<string, RoleId[]>;
  /** Last activity per resource handle: an ISO instant, or null for an entry without timestamp. */
  activity?: Record<string, string | null>;
  /** Raw productAccess entries added as they are. */
  productAccess?: ProductActivity[];
  /** Default 400 days before NOW; null = unknown. */
  addedToOrg?: string | null;
  claimStatus?: string;
  accountType?: string;
  accountStatus?: string;
  membershipStatus?: string;
  platformRoles?: RoleId[];
  directoryIds?: string[];
  /** Override the derived licensed seats (resource handles). */
  licensedOn?: string[];
  /** Default true: the user's role assignments are in `userRoles`. */
  rolesRead?: boolean;
  /** Override the derived role assignments. */
  roles?: UserResourceRoles[];
  /** ISO instant or null (never used); absent = not read. */
  apiTokenLastUsed?: string | null;
  /** The token read was attempted and failed. */
  apiTokenUnavailable?: boolean;
}

const SEAT_ROLES = new Set(['atlassian/user', 'atlassian/admin']);

export class OrgBuilder {
  readonly orgId: string;
  fetchedAt: string;
  private readonly directories = new Map<string, string>();
  private readonly resources = new Map<string, Resource>();
  private readonly groups = new Map<string, { name: string; spec: GroupSpec }>();
  private readonly users = new Map<string, UserSpec>();
  private readonly adminIds = new Set<string>();
  private readonly serviceIds = new Set<string>();
  private readonly warnings: string[] = [];

  constructor(options: { orgId?: string; fetchedAt?: string } = {}) {
    this.orgId = options.orgId ?? 'org-1';
    this.fetchedAt = options.fetchedAt ?? FETCHED_AT;
    this.directories.set('dir-1', 'Acme');
  }

  withDirectory(id: string, name = id): this {
    this.directories.set(id, name);
    return this;
  }

  withResource(handle: string, spec: ResourceSpec): this {
    const id = spec.id ?? resourceIdOf(spec.product, spec.site);
    this.resources.set(handle, {
      id,
      product: spec.product,
      site: spec.site,
      siteId: id.slice(id.lastIndexOf('/') + 1),
      name: spec.name ?? `${spec.product} (${spec.site})`,
      status: spec.status ?? 'online',
      sandbox: spec.sandbox ?? false,
      capacity: spec.capacity ?? null,
      governed: spec.governed ?? true,
    });
    return this;
  }

  /** Jira Software and Confluence on acme, the usual starting point. */
  withJiraAndConfluence(site = 'acme.atlassian.net'): this {
    return this.withResource('jira', { product: 'jira-software', site }).withResource(
      'confluence',
      {
        product: 'confluence',
        site,
      },
    );
  }

  withGroup(name: string, spec: GroupSpec = {}): this {
    this.groups.set(name, { name, spec });
    return this;
  }

  withUser(accountId: string, spec: UserSpec = {}): this {
    this.users.set(accountId, spec);
    return this;
  }

  /** Changes a user already added. */
  updateUser(accountId: string, change: Partial<UserSpec>): this {
    this.users.set(accountId, { ...this.users.get(accountId), ...change });
    return this;
  }

  withAdmins(...accountIds: string[]): this {
    for (const id of accountIds) this.adminIds.add(id);
    return this;
  }

  withServiceAccounts(...accountIds: string[]): this {
    for (const id of accountIds) this.serviceIds.add(id);
    return this;
  }

  withWarning(message: string): this {
    this.warnings.push(message);
    return this;
  }

  resource(handle: string): Resource {
    const resource = this.resources.get(handle);
    if (!resource) throw new Error(`no resource "${handle}" in this org builder`);
    return resource;
  }

  resourceId(handle: string): string {
    return this.resource(handle).id;
  }

  groupId(name: string): string {
    const group = this.groups.get(name);
    if (!group) throw new Error(`no group "${name}" in this org builder`);
    return group.spec.id ?? uuidOf(`group:${name}`);
  }

  build(): Snapshot {
    const groups: Group[] = [...this.groups.values()].map(({ name, spec }) => ({
      id: this.groupId(name),
      directoryId: spec.directoryId ?? 'dir-1',
      name,
      externalSynced: spec.externalSynced ?? false,
      managedBy: spec.managedBy ?? null,
      modifiable: spec.modifiable ?? true,
      roleAssignments: [
        ...Object.entries(spec.grants ?? {}).map(([handle, roles]) => ({
          resourceId: this.resourceId(handle),
          product: this.resource(handle).product,
          roles,
        })),
        ...(spec.rawGrants ?? []),
      ],
      grantsGoverned: spec.grantsGoverned ?? true,
    }));
    const groupsByName = new Map(groups.map((g) => [g.name, g]));

    const users: SnapshotUser[] = [];
    const userRoles = new Map<string, UserResourceRoles[]>();
    const apiTokenLastUsed = new Map<string, string | null>();
    const apiTokenUnavailable: string[] = [];
    for (const [accountId, spec] of this.users) {
      const directoryIds = spec.directoryIds ?? ['dir-1'];
      const roles = new Map<string, UserResourceRoles>();
      const grant = (
        resourceId: string,
        product: string,
        directoryId: string | null,
        role: string,
        method: string,
      ) => {
        let entry = roles.get(resourceId);
        if (!entry) {
          entry = { resourceId, product, directoryId, roles: [] };
          roles.set(resourceId, entry);
        }
        const known = entry.roles.find((r) => r.role === role);
        if (!known) entry.roles.push({ role, methods: [method] });
        else if (!known.methods.includes(method)) known.methods.push(method);
      };
      for (const name of spec.groups ?? []) {
        const group = groupsByName.get(name);
        if (!group) throw new Error(`user ${accountId}: no group "${name}" in this org builder`);
        for (const ra of group.roleAssignments) {
          for (const role of ra.roles)
            grant(ra.resourceId, ra.product, group.directoryId, role, 'group_direct');
        }
      }
      for (const [handle, list] of Object.entries(spec.direct ?? {})) {
        for (const role of list)
          grant(
            this.resourceId(handle),
            this.resource(handle).product,
            directoryIds[0],
            role,
            'direct',
          );
      }
      for (const [handle, list] of Object.entries(spec.inferred ?? {})) {
        for (const role of list)
          grant(
            this.resourceId(handle),
            this.resource(handle).product,
            directoryIds[0],
            role,
            'inferred',
          );
      }
      const accountStatus = spec.accountStatus ?? 'active';
      const membershipStatus = spec.membershipStatus ?? 'active';
      const active = accountStatus === 'active' && membershipStatus === 'active';
      const licensedOn =
        spec.licensedOn?.map((h) => this.resourceId(h)) ??
        (active
          ? [...this.resources.values()]
              .filter(
                (r) => r.governed && roles.get(r.id)?.roles.some((x) => SEAT_ROLES.has(x.role)),
              )
              .map((r) => r.id)
          : []);
      const productAccess: ProductActivity[] = [
        ...Object.entries(spec.activity ?? {}).map(([handle, lastActive]) => {
          const resource = this.resource(handle);
          return {
            id: resource.id,
            key: ACTIVITY_KEYS[resource.product] ?? resource.product,
            lastActive,
          };
        }),
        ...(spec.productAccess ?? []),
      ];
      users.push({
        accountId,
        directoryIds,
        accountType: spec.accountType ?? 'atlassian',
        accountStatus,
        membershipStatus,
        claimStatus: spec.claimStatus ?? 'unmanaged',
        name: spec.name === undefined ? accountId[0].toUpperCase() + accountId.slice(1) : spec.name,
        email: spec.email === undefined ? `${accountId}@example.com` : spec.email,
        addedToOrg: spec.addedToOrg === undefined ? daysAgo(400) : spec.addedToOrg,
        platformRoles: spec.platformRoles ?? [],
        groupIds: (spec.groups ?? []).map((name) => groupsByName.get(name)!.id),
        productAccess: productAccessOf(productAccess),
        licensedOn,
      });
      if (spec.rolesRead ?? true) userRoles.set(accountId, spec.roles ?? [...roles.values()]);
      if (spec.apiTokenLastUsed !== undefined)
        apiTokenLastUsed.set(accountId, spec.apiTokenLastUsed);
      if (spec.apiTokenUnavailable) apiTokenUnavailable.push(accountId);
    }

    const snapshot: Snapshot = {
      schemaVersion: 1,
      orgId: this.orgId,
      fetchedAt: this.fetchedAt,
      directories: [...this.directories].map(([id, name]) => ({ id, name })),
      resources: [...this.resources.values()],
      groups,
      users,
      adminAccountIds: [...this.adminIds],
      serviceAccountIds: [...this.serviceIds],
      userRoles,
      apiTokenLastUsed,
      warnings: [...this.warnings],
    };
    if (apiTokenUnavailable.length > 0) snapshot.apiTokenUnavailable = apiTokenUnavailable;
    return snapshot;
  }
}

export function anOrg(options: { orgId?: string; fetchedAt?: string } = {}): OrgBuilder {
  return new OrgBuilder(options);
}

// --- State ------------------------------------------------------------------------------------

export interface LicenceRecord {
  accountId: string;
  resourceId: string;
  since: string;
  estimated?: boolean;
}

export function aState(licences: LicenceRecord[] = [], extra: Partial<State> = {}): State {
  const licensedSince = new LicensedSince();
  for (const l of licences) {
    licensedSince.set(
      l.accountId,
      l.resourceId,
      l.estimated ? { since: l.since, estimated: true } : { since: l.since },
    );
  }
  return { schemaVersion: 1, orgId: 'org-1', licensedSince, lastApplied: null, ...extra };
}

// --- Permutations (determinism tests) -----------------------------------------------------------

/** A small seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function shuffleRecord<T>(
  record: Record<string, T>,
  random: () => number,
  each: (v: T) => T,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of shuffle(Object.keys(record), random)) out[key] = each(record[key]);
  return out;
}

function shuffleMap<T>(
  map: ReadonlyMap<string, T>,
  random: () => number,
  each: (v: T) => T,
): Map<string, T> {
  return new Map(shuffle([...map.keys()], random).map((key) => [key, each(map.get(key)!)]));
}

/** The same snapshot with every list (and record key order) permuted: the facts do not change. */
export function shuffled(snapshot: Snapshot, seed: number): Snapshot {
  const random = seededRandom(seed);
  const out: Snapshot = {
    ...snapshot,
    directories: shuffle(snapshot.directories, random),
    resources: shuffle(snapshot.resources, random),
    groups: shuffle(snapshot.groups, random).map((g) => ({
      ...g,
      roleAssignments: shuffle(g.roleAssignments, random).map((ra) => ({
        ...ra,
        roles: shuffle(ra.roles, random),
      })),
    })),
    users: shuffle(snapshot.users, random).map((u) => ({
      ...u,
      directoryIds: shuffle(u.directoryIds, random),
      platformRoles: shuffle(u.platformRoles, random),
      groupIds: shuffle(u.groupIds, random),
      // Entries shuffled whole: the flat list is triples.
      productAccess: productAccessOf(shuffle(activityEntries(u.productAccess), random)),
      licensedOn: shuffle(u.licensedOn, random),
    })),
    adminAccountIds: shuffle(snapshot.adminAccountIds, random),
    serviceAccountIds: shuffle(snapshot.serviceAccountIds, random),
    userRoles: shuffleMap(snapshot.userRoles, random, (entries) =>
      shuffle(entries, random).map((e) => ({
        ...e,
        roles: shuffle(e.roles, random).map((r) => ({ ...r, methods: shuffle(r.methods, random) })),
      })),
    ),
    apiTokenLastUsed: shuffleMap(snapshot.apiTokenLastUsed, random, (v) => v),
  };
  if (snapshot.apiTokenUnavailable)
    out.apiTokenUnavailable = shuffle(snapshot.apiTokenUnavailable, random);
  return out;
}

export function shuffledState(state: State, seed: number): State {
  const random = seededRandom(seed);
  const record = shuffleRecord(state.licensedSince.toRecord(), random, (v) => ({ ...v }));
  return { ...state, licensedSince: LicensedSince.fromRecord(record) };
}

// --- Running ----------------------------------------------------------------------------------

export interface RunOptions {
  state?: State | null;
  now?: Date;
  policyCommit?: string | null;
  ttlHours?: number;
}

/** `evaluate` with the test defaults (no state, NOW). Accepts the builder or a built snapshot. */
export function evaluateFor(
  policy: Policy,
  org: OrgBuilder | Snapshot,
  options: RunOptions = {},
): Evaluation {
  return evaluate({
    policy,
    snapshot: org instanceof OrgBuilder ? org.build() : org,
    state: options.state ?? null,
    now: options.now ?? NOW,
    policyCommit: options.policyCommit ?? null,
    ...(options.ttlHours !== undefined ? { ttlHours: options.ttlHours } : {}),
  });
}
