/**
 * Typed operations on Atlassian's Organizations, API Access and User management APIs, over the
 * shared transport. Reads are async generators of pages (page size 100); writes resolve when
 * Atlassian confirmed them and throw `AtlassianApiError` otherwise.
 */
import type { Operation } from '../plan/types.js';
import type {
  ApiDirectory,
  ApiGroup,
  ApiGroupRoleAssignment,
  ApiServiceAccount,
  ApiToken,
  ApiUser,
  ApiUserRoleAssignment,
  ApiWorkspace,
  DirectoryPage,
  GroupRoleAssignmentPage,
  GroupSearchFilter,
  GroupSearchPage,
  OrgApiToken,
  OrgApiTokenPage,
  OrgResponse,
  RoleAssignmentFilter,
  ServiceAccountPage,
  UserRoleAssignmentPage,
  UserSearchFilter,
  UserSearchPage,
  WorkspacePage,
} from './api-types.js';
import {
  AtlassianHttp,
  type AtlassianHttpOptions,
  type HttpCounters,
  type HttpMethod,
  type QueryValue,
} from './http.js';
import { bareGroupId, pathSegment } from './ids.js';
import { operationRequest, type WriteRequest } from './operations.js';
import { collect, paginate, type Page } from './paginate.js';

export const PAGE_SIZE = 100;

export interface AtlassianClientOptions extends AtlassianHttpOptions {
  orgId: string;
  /** Items per page for the paginated reads (1–100). Default 100. */
  pageSize?: number;
}

export interface ReadOptions {
  /** Stops the read (and its retries) early, e.g. because a sibling read failed. */
  signal?: AbortSignal;
}

/** A confirmed write and the request that made it (for the audit and tests). */
export interface WriteResult {
  method: HttpMethod;
  path: string;
  body: unknown;
  status: number;
  attempts: number;
  /** An earlier attempt failed in a way that may have applied it; the repeat then succeeded. */
  repeatedAfterAmbiguousFailure: boolean;
}

export class AtlassianClient {
  readonly orgId: string;
  readonly http: AtlassianHttp;
  private readonly pageSize: number;

  constructor(options: AtlassianClientOptions) {
    if (!options.orgId) throw new Error('An Atlassian organization id is required.');
    this.orgId = options.orgId;
    this.http = new AtlassianHttp(options);
    this.pageSize = Math.min(100, Math.max(1, options.pageSize ?? PAGE_SIZE));
  }

  counters(): HttpCounters {
    return this.http.counters();
  }

  private get org(): string {
    return pathSegment(this.orgId);
  }

  private directory(directoryId: string): string {
    return `/admin/v2/orgs/${this.org}/directories/${pathSegment(directoryId)}`;
  }

  // --- Reads -----------------------------------------------------------------------------------

  /** The org's id and name: a connectivity and credentials check. */
  async getOrg(options: ReadOptions = {}): Promise<{ id: string; name: string | null }> {
    const response = await this.http.request<OrgResponse>({
      method: 'GET',
      path: `/admin/v1/orgs/${this.org}`,
      route: 'GET /admin/v1/orgs/{orgId}',
      retry: 'read',
      signal: options.signal,
    });
    const data = response.body?.data;
    return { id: data?.id ?? this.orgId, name: data?.attributes?.name ?? null };
  }

  listDirectories(options: ReadOptions = {}): AsyncGenerator<ApiDirectory[]> {
    const path = `/admin/v2/orgs/${this.org}/directories`;
    const route = 'GET /admin/v2/orgs/{orgId}/directories';
    return this.getPages<ApiDirectory, DirectoryPage>(
      path,
      route,
      {},
      options,
      (page) => page.data,
    );
  }

  /** `POST …/users/search`. Group ids in `filter.groupIds` may be in either form. */
  searchUsers(
    directoryId: string,
    filter: UserSearchFilter,
    options: ReadOptions = {},
  ): AsyncGenerator<ApiUser[]> {
    return this.searchDirectory<ApiUser, UserSearchPage>(directoryId, 'users', filter, options);
  }

  /** `POST …/groups/search`. */
  searchGroups(
    directoryId: string,
    filter: GroupSearchFilter,
    options: ReadOptions = {},
  ): AsyncGenerator<ApiGroup[]> {
    return this.searchDirectory<ApiGroup, GroupSearchPage>(directoryId, 'groups', filter, options);
  }

  /** Every role a group grants, on every resource (all pages). */
  async getGroupRoleAssignments(
    directoryId: string,
    groupId: string,
    filter: RoleAssignmentFilter = {},
    options: ReadOptions = {},
  ): Promise<ApiGroupRoleAssignment[]> {
    return collect(
      this.getPages<ApiGroupRoleAssignment, GroupRoleAssignmentPage>(
        `${this.directory(directoryId)}/groups/${pathSegment(bareGroupId(groupId))}/role-assignments`,
        'GET /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments',
        { ...filter },
        options,
        (page) => page.data,
      ),
    );
  }

  /** Every role a user holds and how (direct, group_direct, inferred), all pages. */
  async getUserRoleAssignments(
    directoryId: string,
    accountId: string,
    filter: RoleAssignmentFilter = {},
    options: ReadOptions = {},
  ): Promise<ApiUserRoleAssignment[]> {
    return collect(
      this.getPages<ApiUserRoleAssignment, UserRoleAssignmentPage>(
        `${this.directory(directoryId)}/users/${pathSegment(accountId)}/role-assignments`,
        'GET /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/role-assignments',
        { ...filter },
        options,
        (page) => page.data,
      ),
    );
  }

  /** `POST /admin/v2/orgs/{orgId}/workspaces`: every product instance of the org. */
  listWorkspaces(options: ReadOptions = {}): AsyncGenerator<ApiWorkspace[]> {
    const path = `/admin/v2/orgs/${this.org}/workspaces`;
    const route = 'POST /admin/v2/orgs/{orgId}/workspaces';
    return paginate<ApiWorkspace>({ method: 'POST', path, route }, async (cursor) => {
      // "When a cursor is provided in the request body, no other properties may be present."
      const body = cursor === undefined ? { limit: this.pageSize } : { cursor };
      const response = await this.http.request<WorkspacePage>({
        method: 'POST',
        path,
        route,
        body,
        retry: 'read',
        signal: options.signal,
      });
      return { items: response.body?.data ?? [], next: response.body?.links?.next };
    });
  }

  /** The API Access service-account listing (experimental at Atlassian). */
  listServiceAccounts(options: ReadOptions = {}): AsyncGenerator<ApiServiceAccount[]> {
    return this.getPages<ApiServiceAccount, ServiceAccountPage>(
      `/admin/api-access/v1/orgs/${this.org}/service-accounts`,
      'GET /admin/api-access/v1/orgs/{orgId}/service-accounts',
      {},
      options,
      (page) => page.items,
      false,
    );
  }

  /**
   * Every user API token of the org's managed accounts, with its owner and last use (API Access
   * API, "Get all API tokens in an org"; scope `read:tokens:admin`). The page size is left to
   * Atlassian, which documents no `limit` for it.
   */
  listOrgApiTokens(options: ReadOptions = {}): AsyncGenerator<OrgApiToken[]> {
    return this.getPages<OrgApiToken, OrgApiTokenPage>(
      `/admin/api-access/v1/orgs/${this.org}/api-tokens`,
      'GET /admin/api-access/v1/orgs/{orgId}/api-tokens',
      {},
      options,
      (page) => page.data,
      false,
    );
  }

  /** The API tokens a managed account owns (User management API; needs a key without scopes). */
  async getApiTokens(accountId: string, options: ReadOptions = {}): Promise<ApiToken[]> {
    const response = await this.http.request<ApiToken[]>({
      method: 'GET',
      path: `/users/${pathSegment(accountId)}/manage/api-tokens`,
      route: 'GET /users/{account_id}/manage/api-tokens',
      retry: 'read',
      signal: options.signal,
    });
    return Array.isArray(response.body) ? response.body : [];
  }

  // --- Writes ----------------------------------------------------------------------------------

  removeGroupMembership(
    directoryId: string,
    groupId: string,
    accountId: string,
  ): Promise<WriteResult> {
    return this.executeOperation(
      { type: 'remove-group-membership', directoryId, groupId, groupName: '' },
      accountId,
    );
  }

  addGroupMembership(
    directoryId: string,
    groupId: string,
    accountId: string,
  ): Promise<WriteResult> {
    return this.executeOperation(
      { type: 'add-group-membership', directoryId, groupId, groupName: '' },
      accountId,
    );
  }

  /** Revoke a role the user holds directly (`POST /admin/v1/orgs/{orgId}/users/{accountId}/roles/revoke`). */
  revokeUserRole(accountId: string, role: string, resourceId: string): Promise<WriteResult> {
    return this.executeOperation({ type: 'revoke-role', role, resourceId }, accountId);
  }

  assignUserRole(accountId: string, role: string, resourceId: string): Promise<WriteResult> {
    return this.executeOperation({ type: 'assign-role', role, resourceId }, accountId);
  }

  /** Directory-wide: removes every product in that directory until restored. */
  suspendUser(directoryId: string, accountId: string): Promise<WriteResult> {
    return this.executeOperation({ type: 'suspend', directoryId }, accountId);
  }

  restoreUser(directoryId: string, accountId: string): Promise<WriteResult> {
    return this.executeOperation({ type: 'restore-user', directoryId }, accountId);
  }

  /** Perform one plan operation for one account. */
  async executeOperation(op: Operation, accountId: string): Promise<WriteResult> {
    const request: WriteRequest = operationRequest(this.orgId, op, accountId);
    const response = await this.http.request<unknown>({
      method: request.method,
      path: request.path,
      route: request.route,
      body: request.body,
      retry: request.retry,
    });
    return {
      method: request.method,
      path: request.path,
      body: request.body,
      status: response.status,
      attempts: response.attempts,
      repeatedAfterAmbiguousFailure: response.repeatedAfterAmbiguousFailure,
    };
  }

  // --- Pagination plumbing ---------------------------------------------------------------------

  private getPages<T, P extends { links?: { next?: string | null } }>(
    path: string,
    route: string,
    query: Record<string, QueryValue>,
    options: ReadOptions,
    itemsOf: (page: P) => T[] | undefined,
    sendLimit = true,
  ): AsyncGenerator<T[]> {
    return paginate<T>({ method: 'GET', path, route }, async (cursor): Promise<Page<T>> => {
      // Atlassian discards the other parameters when a cursor is present, so resending them is
      // harmless, and it keeps a server that does not encode them in the cursor correct.
      const pageQuery = {
        ...query,
        ...(sendLimit ? { limit: this.pageSize } : {}),
        ...(cursor === undefined ? {} : { cursor }),
      };
      const response = await this.http.request<P>({
        method: 'GET',
        path,
        route,
        query: pageQuery,
        retry: 'read',
        signal: options.signal,
      });
      const body = response.body;
      return { items: (body && itemsOf(body)) ?? [], next: body?.links?.next };
    });
  }

  /** The v2 directory searches: group ids normalised to the bare form the search accepts. */
  private searchDirectory<T, P extends { data?: T[]; links?: { next?: string | null } }>(
    directoryId: string,
    kind: 'users' | 'groups',
    filter: { groupIds?: string[] },
    options: ReadOptions,
  ): AsyncGenerator<T[]> {
    const body = filter.groupIds
      ? { ...filter, groupIds: filter.groupIds.map(bareGroupId) }
      : { ...filter };
    return this.postPages<T, P>(
      `${this.directory(directoryId)}/${kind}/search`,
      `POST /admin/v2/orgs/{orgId}/directories/{directoryId}/${kind}/search`,
      body,
      options,
      (page) => page.data,
    );
  }

  private postPages<T, P extends { links?: { next?: string | null } }>(
    path: string,
    route: string,
    filter: object,
    options: ReadOptions,
    itemsOf: (page: P) => T[] | undefined,
  ): AsyncGenerator<T[]> {
    return paginate<T>({ method: 'POST', path, route }, async (cursor): Promise<Page<T>> => {
      // The POST searches do not say the filter may be dropped with a cursor: resend it.
      const body = { ...filter, limit: this.pageSize, ...(cursor === undefined ? {} : { cursor }) };
      const response = await this.http.request<P>({
        method: 'POST',
        path,
        route,
        body,
        retry: 'read',
        signal: options.signal,
      });
      const page = response.body;
      return { items: (page && itemsOf(page)) ?? [], next: page?.links?.next };
    });
  }
}
