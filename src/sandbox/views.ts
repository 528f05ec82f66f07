/**
 * Renders model records as the JSON bodies Atlassian returns (field names and shapes from
 * the OpenAPI spec). Every value is derived at read time from the model.
 */
import type {
  ActivityRecord,
  GroupRecord,
  OrgModel,
  UserRecord,
  WorkspaceRecord,
} from './model.js';
import { compositeStatus } from './search.js';
import { fnv1a } from './prng.js';

/** How productAccess ids are spelled relative to the workspace ARIs. */
export type AriSpelling = 'exact' | 'alternate';

/**
 * `alternate`: productAccess ids name the product the way another Atlassian API does
 * (`ari:cloud:jira::site/<id>` for Jira Software), so a client that matches activity to
 * resources loosely, or a coverage guard, can be tested. Products not listed keep their id.
 */
const ALTERNATE_OWNER: Record<string, string> = {
  'jira-software': 'jira',
  'jira-servicedesk': 'jira-service-desk',
  'jira-product-discovery': 'jira',
};

/** The v2 `productAccess[].key` (informational; the spec's examples say `jira`, `confluence`). */
const V2_PRODUCT_KEY: Record<string, string> = {
  'jira-software': 'jira',
  'jira-servicedesk': 'jira-servicedesk',
  'jira-product-discovery': 'jira-product-discovery',
  'jira-core': 'jira',
  confluence: 'confluence',
};

/** The v1 product key enum (users, last-active-dates); products outside it are not reported by v1. */
const V1_PRODUCT_KEY: Record<string, string> = {
  'jira-software': 'jira-software',
  'jira-servicedesk': 'jira-service-desk',
  'jira-core': 'jira-core',
  confluence: 'confluence',
  bitbucket: 'bitbucket',
  trello: 'trello',
  opsgenie: 'opsgenie',
  statuspage: 'statuspage',
};

export function activityId(model: OrgModel, entry: ActivityRecord, spelling: AriSpelling): string {
  if (spelling === 'exact') return entry.id;
  const w = model.workspace(entry.id);
  const alt = w ? ALTERNATE_OWNER[w.product] : undefined;
  return w && alt ? `ari:cloud:${alt}::site/${w.siteId}` : entry.id;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Nanosecond precision like Atlassian's (`2025-11-06T23:07:29.936941226Z`); the extra digits are stable noise. */
function nanoIso(ms: number, salt: string): string {
  const extra = (fnv1a(salt) % 1_000_000).toString().padStart(6, '0');
  return `${iso(ms).slice(0, 23)}${extra}Z`;
}

const selfLink = (id: string): string => Buffer.from(id).toString('base64url');

export const pictureOf = (accountId: string): string =>
  `https://avatar-management.sandbox.invalid/${encodeURIComponent(accountId)}/128`;

export function renderUser(
  model: OrgModel,
  user: UserRecord,
  expand: ReadonlySet<string>,
  directoryId: string,
  spelling: AriSpelling,
): Record<string, unknown> {
  const out = renderUserDetails(user);
  if (expand.has('platformRoles')) out.platformRoles = [...user.platformRoles];
  if (expand.has('counts.resources')) out.counts = { resources: model.resourceCount(user) };
  if (expand.has('productAccess')) {
    out.productAccess = user.activity.map((a) => {
      const entry: Record<string, unknown> = { id: activityId(model, a, spelling) };
      const product = model.workspace(a.id)?.product;
      const key = a.key ?? (product ? (V2_PRODUCT_KEY[product] ?? product) : null);
      if (key !== null) entry.key = key;
      if (a.at !== null) entry.lastActiveTimestamp = nanoIso(a.at, user.accountId + a.id);
      return entry;
    });
  }
  if (expand.has('groups')) {
    out.groups = user.groups
      .filter((g) => directoryId === '-' || g.directoryId === directoryId)
      .map((g) => ({ id: `ari:cloud:identity::group/${g.id}`, name: g.name }));
  }
  out.links = { self: selfLink(user.accountId) };
  return out;
}

/** A user's own fields, as both the directory listing and the user's details show them. */
export function renderUserDetails(user: UserRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    accountId: user.accountId,
    accountType: user.accountType,
    accountStatus: user.accountStatus,
    status: compositeStatus(user),
    membershipStatus: user.membershipStatus,
    claimStatus: user.claimStatus,
    managementSource: user.managementSource,
    name: user.name,
    nickname: user.nickname,
  };
  if (user.email !== null) out.email = user.email;
  out.emailVerified = user.emailVerified;
  if (user.addedToOrg !== null) out.addedToOrg = iso(user.addedToOrg);
  out.mfaEnabled = user.mfaEnabled;
  out.picture = pictureOf(user.accountId);
  out.avatar = pictureOf(user.accountId);
  return out;
}

export function renderGroup(
  model: OrgModel,
  group: GroupRecord,
  counts: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: group.id,
    name: group.name,
    directoryId: group.directoryId,
    externalSynced: group.externalSynced,
    managedBy: group.managedBy,
    managementAccess: { deletable: group.deletable, modifiable: group.modifiable, readable: true },
  };
  if (group.description !== null) out.description = group.description;
  if (counts.size) {
    const c: Record<string, number> = {};
    if (counts.has('counts.users')) c.users = model.memberCount(group.id);
    if (counts.has('counts.resources')) c.resources = model.groupGrants(group.id).length;
    out.counts = c;
  }
  out.links = { self: selfLink(group.id) };
  return out;
}

export function renderWorkspace(
  model: OrgModel,
  w: WorkspaceRecord,
  usage: number,
): Record<string, unknown> {
  return {
    id: w.id,
    type: 'workspaces',
    attributes: {
      name: w.name,
      typeKey: w.product,
      type: w.product,
      owner: w.product,
      status: w.status,
      statusDetails: [],
      icons: {},
      avatars: {},
      labels: [],
      sandbox: { type: w.sandbox ? 'CHILD' : 'NONE' },
      usage,
      capacity: w.capacity,
      createdAt: iso(w.createdAt),
      createdBy: null,
      updatedAt: iso(w.createdAt),
      hostUrl: w.hostUrl,
      realm: 'us',
      regions: ['us-east-1'],
    },
    links: { self: `/admin/v2/orgs/${model.orgId}/workspaces/${encodeURIComponent(w.id)}` },
    relationships: {
      entitlements: [
        {
          id: `${w.siteId}:${w.product}`,
          type: 'entitlements',
          attributes: { key: w.product, plan: 'STANDARD', planKey: `${w.product}.standard` },
        },
      ],
    },
  };
}

const day = (ms: number): string => iso(ms).slice(0, 10);
const seconds = (ms: number): string => `${iso(ms).slice(0, 19)}Z`;

/** v1 last-active-dates `data` (dates `yyyy-MM-dd`, timestamps `yyyy-MM-dd'T'HH:mm:ss'Z'`). */
export function renderLastActive(
  model: OrgModel,
  user: UserRecord,
  spelling: AriSpelling,
): Record<string, unknown> {
  const productAccess = user.activity.flatMap((a) => {
    const product = model.workspace(a.id)?.product;
    const key = product
      ? V1_PRODUCT_KEY[product]
      : a.key && Object.values(V1_PRODUCT_KEY).includes(a.key)
        ? a.key
        : undefined;
    if (!key) return [];
    const entry: Record<string, unknown> = { id: activityId(model, a, spelling), key };
    if (a.at !== null) {
      entry.last_active = day(a.at);
      entry.last_active_timestamp = seconds(a.at);
    }
    return [entry];
  });
  return {
    added_to_org: user.addedToOrg === null ? null : day(user.addedToOrg),
    added_to_org_timestamp: user.addedToOrg === null ? null : seconds(user.addedToOrg),
    product_access: productAccess,
  };
}

/** v1 `/users` item (managed accounts). */
export function renderV1User(
  model: OrgModel,
  user: UserRecord,
  baseUrl: string,
): Record<string, unknown> {
  let lastActive: number | null = null;
  const productAccess = user.activity.flatMap((a) => {
    const w = model.workspace(a.id);
    const key = w ? V1_PRODUCT_KEY[w.product] : undefined;
    if (!w || !key) return [];
    const entry: Record<string, unknown> = {
      key,
      name: model.workspace(a.id)?.name ?? key,
      url: w.hostUrl ? (w.product === 'confluence' ? `${w.hostUrl}/wiki` : w.hostUrl) : undefined,
    };
    if (a.at !== null) {
      entry.last_active = iso(a.at);
      lastActive = Math.max(lastActive ?? 0, a.at);
    }
    return [entry];
  });
  const out: Record<string, unknown> = {
    account_id: user.accountId,
    account_type: user.accountType,
    account_status: user.accountStatus,
    name: user.name,
    picture: pictureOf(user.accountId),
  };
  if (user.email !== null) out.email = user.email;
  out.access_billable = model.workspaces().some((w) => model.isLicensed(user, w.id));
  if (lastActive !== null) out.last_active = iso(lastActive);
  out.product_access = productAccess;
  out.links = {
    self: `${baseUrl}/admin/v1/orgs/${model.orgId}/users/${encodeURIComponent(user.accountId)}`,
  };
  return out;
}
