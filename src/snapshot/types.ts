/**
 * The directory snapshot: what the engine evaluates. Built by `src/atlassian/` from the live
 * organisation (or the sandbox), streamed to and from NDJSON, and never holding raw API JSON.
 *
 * Identifiers are kept exactly as Atlassian spells them, except group ids, which are always the
 * bare `<uuid>` form (users/search returns `ari:cloud:identity::group/<uuid>`, the group APIs the
 * bare uuid).
 */

export type RoleId =
  | 'atlassian/user'
  | 'atlassian/admin'
  | 'atlassian/guest'
  | 'atlassian/customer'
  | 'atlassian/user-access-admin'
  | 'atlassian/contributor'
  | 'atlassian/basic'
  | 'atlassian/stakeholder'
  | 'atlassian/viewer'
  | 'atlassian/org-admin'
  | 'atlassian/site-admin'
  | 'atlassian/ai-access'
  // Atlassian adds roles; an unknown one is kept as-is and treated as "no seat".
  | (string & {});

/** Roles that occupy a billable seat on a product resource. */
export const SEAT_ROLES: readonly string[] = ['atlassian/user', 'atlassian/admin'];
/** Platform roles that make someone an admin for `exclude.admins`. */
export const ADMIN_PLATFORM_ROLES: readonly string[] = [
  'atlassian/org-admin',
  'atlassian/site-admin',
  'atlassian/user-access-admin',
];
/** The product admin role (`exclude.admins` covers it too). */
export const PRODUCT_ADMIN_ROLE = 'atlassian/admin';
/** Service-account emails use this domain. */
export const SERVICE_ACCOUNT_EMAIL_DOMAIN = 'serviceaccount.atlassian.com';

export type AssignmentMethod = 'direct' | 'group_direct' | 'inferred' | (string & {});

export interface Directory {
  id: string;
  name: string;
}

/** One workspace of the org: a product instance on a site. */
export interface Resource {
  /** The workspace ARI, e.g. `ari:cloud:jira-software::site/<siteId>`. Role assignments use the same id. */
  id: string;
  /** Policy product key: the resource owner segment of the ARI (`jira-software`). */
  product: string;
  /** The host of `hostUrl` (`acme.atlassian.net`), falling back to the workspace id. */
  site: string;
  /** The trailing site/cloud id of the ARI. */
  siteId: string;
  name: string;
  /** `online` | `offline` | `deprecated` (kept as-is if Atlassian adds values). */
  status: string;
  /** True for sandbox (`CHILD`) workspaces. */
  sandbox: boolean;
  /** The licence tier (maximum seats) when Atlassian reports it. */
  capacity: number | null;
  /** True when the snapshot read the licensed users of this resource (a rule governs it). */
  governed: boolean;
}

export interface GroupRoleAssignment {
  resourceId: string;
  /** Resource owner as Atlassian reports it (`resourceOwner`). */
  product: string;
  roles: RoleId[];
}

export interface Group {
  /** Bare uuid. */
  id: string;
  directoryId: string;
  name: string;
  /** Created by IdP sync: memberships must change in the IdP. */
  externalSynced: boolean;
  /** `external` | `admins` | `team-members` | `open` | null. */
  managedBy: string | null;
  /** `managementAccess.modifiable`; false means the membership cannot be changed through the API. */
  modifiable: boolean;
  /** Every role this group grants, on every resource (not only governed ones): collateral needs all of them. */
  roleAssignments: GroupRoleAssignment[];
  /** False for groups fetched only because the policy names them (they may grant nothing). */
  grantsGoverned: boolean;
}

/** One `productAccess` entry: the activity Atlassian records for a product instance. */
export interface ProductActivity {
  /** Exactly as returned; matched against a resource ARI by string equality only. */
  id: string;
  /** As returned (`jira`, `confluence`, ...); informational only: never used for matching. */
  key: string | null;
  /** ISO timestamp, or null when the entry has no timestamp (activity unknown). */
  lastActive: string | null;
}

/**
 * A user's `productAccess` entries, flat: `[id, key, lastActive, id, key, lastActive, ...]`, one
 * triple per entry, each field as in `ProductActivity` (the id is always a string). Flat rather
 * than an object per entry: a million-account snapshot holds about a million entries, and the
 * NDJSON reader keeps the very array JSON.parse made for them, so they cost no allocation of
 * their own. `productAccessOf` and `activityEntries` (product-access.ts) convert.
 */
export type ProductAccess = ReadonlyArray<string | null>;

export interface SnapshotUser {
  accountId: string;
  /** The directories the user was read from (every write names one of them). */
  directoryIds: string[];
  /** `atlassian` for people; anything else is not a person and never a seat we act on. */
  accountType: string;
  accountStatus: string;
  membershipStatus: string;
  /** `managed` | `unmanaged` (kept as-is otherwise). */
  claimStatus: string;
  name: string | null;
  /** Null when the user hides it. */
  email: string | null;
  addedToOrg: string | null;
  platformRoles: RoleId[];
  /** Bare group ids of the user's memberships in the directory. */
  groupIds: string[];
  productAccess: ProductAccess;
  /**
   * Resource ids on which the read found this user holding a seat role (`atlassian/user` or
   * `atlassian/admin`) with an active account and membership: the licensed seats.
   */
  licensedOn: string[];
}

/** What a user holds on one resource and how (users/{accountId}/role-assignments). */
export interface UserResourceRoles {
  resourceId: string;
  product: string;
  /** Null for platform roles. */
  directoryId: string | null;
  roles: Array<{ role: RoleId; methods: AssignmentMethod[] }>;
}

export interface Snapshot {
  schemaVersion: 1;
  orgId: string;
  /** ISO timestamp when the read started. */
  fetchedAt: string;
  directories: Directory[];
  /** Every workspace of the org. */
  resources: Resource[];
  /** Groups granting a governed resource, and groups the policy names (exclusions, scopes). */
  groups: Group[];
  /** Licensed users of governed resources, and accounts the policy names in exclusions. */
  users: SnapshotUser[];
  /** Union of `platformRoles` and a `roleIds` search for the admin roles (platform and product admin). */
  adminAccountIds: string[];
  /** From the service-accounts API (matched on `atlassianId`). */
  serviceAccountIds: string[];
  /**
   * Role assignments of the candidates the engine asked about, by account id. Maps, not
   * objects, for the hundreds of thousands of reads of a large org: no account id becomes a
   * property name (which costs more to add, and could name an Object.prototype member).
   */
  userRoles: Map<string, UserResourceRoles[]>;
  /** Last use of any API token (ISO, or null for never), read for managed candidates only. */
  apiTokenLastUsed: Map<string, string | null>;
  /**
   * Accounts whose API-token use was asked for but could not be read (403/404). Optional: the
   * engine treats them as "activity unknown" (never removed); `findCandidates` needs the list to
   * tell "read and unavailable" from "not read yet".
   */
  apiTokenUnavailable?: string[];
  /** Things the read noticed that a reviewer should see (fallbacks, unmatched service accounts). */
  warnings: string[];
}
