/**
 * Wire types of the Atlassian endpoints this product calls, transcribed from Atlassian's OpenAPI
 * documents (`shared/atlassian/atlassian_org_openapi.json`, the user management spec, and the
 * API Access service-account page). Only the fields we read or send are typed; every response
 * field is optional because Atlassian omits fields freely and adds enum values without notice.
 */

/** `LinkPageCursor` / `LinkPageModel`: `next` is a cursor (or, on some endpoints, a URL holding one). */
export interface PageLinks {
  self?: string;
  next?: string | null;
  prev?: string | null;
}

/** `Error` / `ApplicationError` / `ApiError`. */
export interface ApiErrorItem {
  id?: string;
  status?: string;
  code?: string;
  title?: string;
  detail?: string | null;
}

/** `Errors`, `Errors.ApplicationErrors.Model`, `ApiErrorResponse`. */
export interface ErrorsBody {
  errors?: ApiErrorItem[];
}

/** `ProxyError` (gateway 401/429): `code` is the HTTP status as a number. */
export interface ProxyErrorBody {
  code?: number | string;
  message?: string;
}

// --- Organisation and directories ------------------------------------------------------------

/** `Org` (`GET /admin/v1/orgs/{orgId}`). */
export interface OrgResponse {
  data?: { id?: string; type?: string; attributes?: { name?: string } };
}

/** `MultiDirectoryUserDirectory`. */
export interface ApiDirectory {
  directoryId?: string;
  name?: string;
  icon?: string;
}

export interface DirectoryPage {
  data?: ApiDirectory[];
  links?: PageLinks;
}

// --- Users -----------------------------------------------------------------------------------

export type UserSearchRoleId =
  | 'atlassian/user'
  | 'atlassian/admin'
  | 'atlassian/guest'
  | 'atlassian/customer'
  | 'atlassian/user-access-admin'
  | 'atlassian/contributor'
  | 'atlassian/basic'
  | 'atlassian/stakeholder'
  | 'atlassian/org-admin'
  | 'atlassian/site-admin'
  | 'atlassian/ai-access';

export type UserSearchExpand = 'platformRoles' | 'counts.resources' | 'productAccess' | 'groups';

/** `MultiDirectoryUserSearchRequest` without `cursor` and `limit` (the paginator sets those). */
export interface UserSearchFilter {
  accountIds?: string[];
  directoryIds?: string[];
  resourceIds?: string[];
  groupIds?: string[];
  roleIds?: UserSearchRoleId[];
  claimStatus?: 'managed' | 'unmanaged';
  status?: Array<'active' | 'suspended' | 'not_invited' | 'deactivated' | 'for_deletion'>;
  accountStatus?: Array<'active' | 'inactive' | 'closed'>;
  membershipStatus?: Array<'active' | 'suspended' | 'no_membership'>;
  mfaEnabled?: boolean;
  emailDomains?: string[];
  searchTerm?: string;
  emails?: string[];
  expand?: UserSearchExpand[];
}

export interface UserSearchRequest extends UserSearchFilter {
  cursor?: string;
  limit?: number;
}

/** `MultiDirectoryProductAccess`. */
export interface ApiProductAccess {
  id?: string;
  key?: string | null;
  lastActiveTimestamp?: string | null;
}

/** `MultiDirectoryUserGroup`: `id` is `ari:cloud:identity::group/<uuid>` here. */
export interface ApiUserGroup {
  id?: string;
  name?: string | null;
  description?: string | null;
}

/** `MultiDirectoryUser`. */
export interface ApiUser {
  accountId?: string;
  accountType?: string;
  accountStatus?: string;
  status?: string;
  membershipStatus?: string;
  claimStatus?: string;
  managementSource?: string | null;
  name?: string | null;
  nickname?: string | null;
  email?: string | null;
  addedToOrg?: string | null;
  platformRoles?: string[];
  productAccess?: ApiProductAccess[];
  groups?: ApiUserGroup[];
}

export interface UserSearchPage {
  data?: ApiUser[];
  links?: PageLinks;
}

// --- Groups ----------------------------------------------------------------------------------

/** `MultiDirectoryGroupSearchRequest` without `cursor` and `limit`. */
export interface GroupSearchFilter {
  accountIds?: string[];
  directoryIds?: string[];
  /** Exclusive with `groupNames`. */
  groupIds?: string[];
  /** Exact, case-insensitive; exclusive with `searchTerm` and `groupIds`. */
  groupNames?: string[];
  resourceIds?: string[];
  resourceOwners?: string[];
  roleIds?: string[];
  searchTerm?: string;
  expand?: Array<'counts.resources' | 'counts.users'>;
}

export interface GroupSearchRequest extends GroupSearchFilter {
  cursor?: string;
  limit?: number;
}

/** `MultiDirectoryGroup`: `id` is the bare uuid here. */
export interface ApiGroup {
  id?: string;
  name?: string;
  description?: string | null;
  directoryId?: string;
  externalSynced?: boolean;
  managedBy?: string | null;
  managementAccess?: { deletable?: boolean; modifiable?: boolean; readable?: boolean };
}

export interface GroupSearchPage {
  data?: ApiGroup[];
  links?: PageLinks;
}

/** `MultiDirectoryGroupRoleAssignment`. */
export interface ApiGroupRoleAssignment {
  resourceId?: string;
  resourceOwner?: string;
  roles?: string[];
  defaultRole?: string | null;
}

export interface GroupRoleAssignmentPage {
  data?: ApiGroupRoleAssignment[];
  links?: PageLinks;
}

/** `MultiDirectoryUserRoleAssignment`. */
export interface ApiUserRoleAssignment {
  resourceId?: string;
  resourceOwner?: string;
  directoryId?: string | null;
  userDirectoryStatus?: string | null;
  roleAssignments?: Array<{ role?: string; roleAssignmentMethods?: string[] }>;
  /** Deprecated by Atlassian in favour of `roleAssignments`; read only when that is absent. */
  roles?: string[];
}

export interface UserRoleAssignmentPage {
  data?: ApiUserRoleAssignment[];
  links?: PageLinks;
}

/** Query filters shared by the group and user role-assignment reads. */
export interface RoleAssignmentFilter {
  directoryIds?: string[];
  resourceOwners?: string[];
  resourceIds?: string[];
  roleIds?: string[];
}

// --- Workspaces ------------------------------------------------------------------------------

/** `WorkspaceModel`. */
export interface ApiWorkspace {
  id?: string;
  type?: string;
  attributes?: {
    name?: string;
    typeKey?: string;
    type?: string;
    owner?: string | null;
    status?: string;
    sandbox?: { type?: string } | null;
    capacity?: number | null;
    usage?: number | null;
    hostUrl?: string | null;
  };
}

/** `PageDataResponseV2`. */
export interface WorkspacePage {
  data?: ApiWorkspace[];
  links?: PageLinks;
  meta?: { pageSize?: number; total?: number };
}

// --- Writes ----------------------------------------------------------------------------------

/** `RoleApiRequest` (`POST /admin/v1/orgs/{orgId}/users/{userId}/roles/assign|revoke`). */
export interface RoleApiRequest {
  role: string;
  /** Required for every role other than org-admin. */
  resource?: string;
}

/** Body of `POST .../groups/{groupId}/memberships`. */
export interface AddGroupMembershipRequest {
  accountId: string;
}

// --- API Access and user management ----------------------------------------------------------

/** One item of `GET /admin/api-access/v1/orgs/{orgId}/service-accounts` (experimental). */
export interface ApiServiceAccount {
  /** The Atlassian account id of the service account (the field we match on). */
  atlassianId?: string;
  id?: string;
  email?: string;
  displayName?: string;
  status?: string;
}

export interface ServiceAccountPage {
  items?: ApiServiceAccount[];
  links?: PageLinks;
  total?: number;
}

/** `ApiTokenModel` (`GET /users/{account_id}/manage/api-tokens`). */
export interface ApiToken {
  id?: string;
  label?: string;
  createdAt?: string;
  expiry?: string;
  lastAccess?: string | null;
}

/**
 * An item of the API Access API's "Get all API tokens in an org"
 * (`GET /admin/api-access/v1/orgs/{orgId}/api-tokens`): a user API token of a managed account.
 */
export interface OrgApiToken {
  id?: string;
  label?: string;
  status?: string;
  createdAt?: string;
  expiresAt?: string;
  lastActiveAt?: string | null;
  /** The token's owner; `id` is the Atlassian account id. */
  user?: { id?: string; orgId?: string; name?: string; email?: string };
}

export interface OrgApiTokenPage {
  data?: OrgApiToken[];
  links?: PageLinks;
}
