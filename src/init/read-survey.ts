/**
 * Reads what a starter policy needs from the live organisation (or the sandbox): the
 * workspaces, how many licensed seats each holds, the groups that grant them, and how many
 * admins and service accounts there are.
 *
 * It never pages through the whole directory: seats are counted with one filtered
 * `users/search` per workspace (resource + seat roles + active statuses, no expansion), so an
 * org of 65,000 accounts with 5,000 Jira licences costs about 50 pages for Jira, not 650.
 * Any failed read fails the survey: a starter policy is never written from partial data.
 */
import type { ApiGroup, UserSearchFilter, UserSearchRoleId } from '../atlassian/api-types.js';
import type { AtlassianClient, ReadOptions } from '../atlassian/client.js';
import { chunk, mapConcurrent, TaskGroup } from '../atlassian/concurrency.js';
import { AtlassianApiError } from '../atlassian/errors.js';
import { bareGroupId } from '../atlassian/ids.js';
import { toResource } from '../atlassian/snapshot-reader.js';
import {
  ADMIN_PLATFORM_ROLES,
  PRODUCT_ADMIN_ROLE,
  SEAT_ROLES,
  SERVICE_ACCOUNT_EMAIL_DOMAIN,
  type Directory,
  type Resource,
} from '../snapshot/types.js';
import type { OrgSurvey, SurveyGrant, SurveyGroup, SurveyResource } from './survey.js';

export interface ReadSurveyOptions {
  /** One line per phase and every 25 pages; never carries a secret. */
  onProgress?: (message: string) => void;
  /** Role-assignment reads in flight at once (the transport's own limit still applies). Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** Every directory the API key manages. */
const ALL_DIRECTORIES = '-';
const RESOURCE_IDS_PER_SEARCH = 20;
const SEAT_ROLE_IDS = SEAT_ROLES as UserSearchRoleId[];
const ADMIN_ROLE_IDS = [...ADMIN_PLATFORM_ROLES, PRODUCT_ADMIN_ROLE] as UserSearchRoleId[];
const SEATS = new Set(SEAT_ROLES);

/** A group as groups/search returns it with `expand: ["counts.users"]`. */
type ApiGroupWithCounts = ApiGroup & { counts?: { users?: number } };

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class PageCounter {
  private pages = 0;
  constructor(private readonly emit?: (message: string) => void) {}
  phase(message: string): void {
    this.emit?.(message);
  }
  page(what: string): void {
    this.pages += 1;
    if (this.pages % 25 === 0) this.emit?.(`${this.pages} pages fetched (${what})`);
  }
  get total(): number {
    return this.pages;
  }
}

export async function readSurvey(
  client: AtlassianClient,
  options: ReadSurveyOptions = {},
): Promise<OrgSurvey> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    return await surveyWith(client, controller, options);
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

async function surveyWith(
  client: AtlassianClient,
  controller: AbortController,
  options: ReadSurveyOptions,
): Promise<OrgSurvey> {
  const read: ReadOptions = { signal: controller.signal };
  const progress = new PageCounter(options.onProgress);
  const warnings: string[] = [];

  // 1. The organisation's structure, and the service accounts (needed to classify seat holders).
  progress.phase('reading the organisation: workspaces, directories, service accounts');
  // Filled by the concurrent reads below (an object, so the compiler does not narrow it).
  const found = { orgName: null as string | null, serviceAccountApi: true };
  const listedServiceAccounts = new Set<string>();
  const directories: Directory[] = [];
  const resources: Resource[] = [];
  const resourceIds = new Set<string>();
  const structure = new TaskGroup(controller);
  structure.add(
    (async () => {
      found.orgName = (await client.getOrg(read)).name;
    })(),
  );
  structure.add(
    (async () => {
      for await (const page of client.listDirectories(read)) {
        progress.page('directories');
        for (const d of page) {
          if (d.directoryId) directories.push({ id: d.directoryId, name: d.name ?? d.directoryId });
        }
      }
    })(),
  );
  structure.add(
    (async () => {
      for await (const page of client.listWorkspaces(read)) {
        progress.page('workspaces');
        for (const workspace of page) {
          const resource = toResource(workspace, warnings);
          if (resource && !resourceIds.has(resource.id)) {
            resourceIds.add(resource.id);
            resources.push(resource);
          }
        }
      }
    })(),
  );
  structure.add(
    (async () => {
      try {
        for await (const page of client.listServiceAccounts(read)) {
          progress.page('service accounts');
          for (const account of page) {
            if (account.atlassianId) listedServiceAccounts.add(account.atlassianId);
          }
        }
      } catch (e: unknown) {
        // The service-accounts API is experimental; a key without access to it is not fatal.
        if (e instanceof AtlassianApiError && (e.status === 403 || e.status === 404)) {
          found.serviceAccountApi = false;
          listedServiceAccounts.clear();
          warnings.push(
            `The service-accounts API answered ${e.status}${e.code ? ` (${e.code})` : ''}: service ` +
              `accounts were recognised by their @${SERVICE_ACCOUNT_EMAIL_DOMAIN} email only.`,
          );
          return;
        }
        throw e;
      }
    })(),
  );
  await structure.wait();
  directories.sort((a, b) => compare(a.id, b.id));
  resources.sort((a, b) => compare(a.id, b.id));
  const isServiceAccount = (accountId: string, email: string | null | undefined) =>
    listedServiceAccounts.has(accountId) ||
    (email ?? '').toLowerCase().endsWith(`@${SERVICE_ACCOUNT_EMAIL_DOMAIN}`);

  // 2. Seats per workspace, admins, and the groups that grant something on any workspace.
  progress.phase(`counting licensed seats on ${resources.length} workspace(s)`);
  const seatHolders = new Map<string, Set<string>>();
  const nonHumanHolders = new Map<string, Set<string>>();
  const licensedAnywhere = new Set<string>();
  const serviceWithAccess = new Set<string>();
  const appsWithAccess = new Set<string>();
  const admins = new Map<string, string[]>();
  const foundGroups = new Map<string, ApiGroupWithCounts & { id: string; directoryId: string }>();

  const tasks = new TaskGroup(controller);
  for (const resource of resources) {
    const seats = new Set<string>();
    const nonHuman = new Set<string>();
    seatHolders.set(resource.id, seats);
    nonHumanHolders.set(resource.id, nonHuman);
    tasks.add(
      (async () => {
        const filter: UserSearchFilter = {
          resourceIds: [resource.id],
          roleIds: SEAT_ROLE_IDS,
          accountStatus: ['active'],
          membershipStatus: ['active'],
        };
        for await (const page of client.searchUsers(ALL_DIRECTORIES, filter, read)) {
          progress.page('licensed users');
          for (const user of page) {
            const id = user.accountId;
            if (!id) continue;
            // Filters only narrow the read: a seat needs an active account and membership.
            const active =
              (user.accountStatus ?? 'active') === 'active' &&
              (user.membershipStatus ?? 'active') === 'active';
            if (!active) continue;
            if (isServiceAccount(id, user.email)) {
              nonHuman.add(id);
              serviceWithAccess.add(id);
            } else if ((user.accountType ?? 'atlassian') !== 'atlassian') {
              nonHuman.add(id);
              appsWithAccess.add(id);
            } else {
              seats.add(id);
              licensedAnywhere.add(id);
            }
          }
        }
      })(),
    );
  }
  tasks.add(
    (async () => {
      const filter: UserSearchFilter = { roleIds: ADMIN_ROLE_IDS, expand: ['platformRoles'] };
      for await (const page of client.searchUsers(ALL_DIRECTORIES, filter, read)) {
        progress.page('admins');
        for (const user of page) {
          if (user.accountId) admins.set(user.accountId, user.platformRoles ?? []);
        }
      }
    })(),
  );
  for (const resourceIds of chunk(
    resources.map((r) => r.id),
    RESOURCE_IDS_PER_SEARCH,
  )) {
    tasks.add(
      (async () => {
        const filter = { resourceIds, expand: ['counts.users' as const] };
        for await (const page of client.searchGroups(ALL_DIRECTORIES, filter, read)) {
          progress.page('groups');
          for (const group of page as ApiGroupWithCounts[]) {
            if (!group.id) continue;
            const id = bareGroupId(group.id);
            const directoryId =
              group.directoryId ?? (directories.length === 1 ? directories[0].id : ALL_DIRECTORIES);
            foundGroups.set(`${directoryId} ${id}`, { ...group, id, directoryId });
          }
        }
      })(),
    );
  }
  await tasks.wait();

  // 3. What each group grants, everywhere (a group granting two products takes both away).
  const groupList = [...foundGroups.values()].sort(
    (a, b) => compare(a.name ?? a.id, b.name ?? b.id) || compare(a.id, b.id),
  );
  progress.phase(`reading what ${groupList.length} group(s) grant`);
  const grantsOf = await mapConcurrent(groupList, options.concurrency ?? 4, async (group) => {
    if (controller.signal.aborted) throw controller.signal.reason;
    const assignments = await client.getGroupRoleAssignments(group.directoryId, group.id, {}, read);
    progress.page('group role assignments');
    const grants: SurveyGrant[] = [];
    for (const a of assignments) {
      if (!a.resourceId) continue;
      grants.push({ resourceId: a.resourceId, roles: [...(a.roles ?? [])].sort(compare) });
    }
    return grants.sort((x, y) => compare(x.resourceId, y.resourceId));
  }).catch((e: unknown) => {
    // The first failure stops the other reads: a survey is complete or not made at all.
    if (!controller.signal.aborted) controller.abort(e);
    throw e;
  });

  const productOf = new Map(resources.map((r) => [r.id, r.product]));
  const groups: SurveyGroup[] = [];
  const nonSeatGroupsByProduct: Record<string, number> = {};
  groupList.forEach((group, i) => {
    const grants = grantsOf[i] ?? [];
    if (grants.some((g) => g.roles.some((role) => SEATS.has(role)))) {
      groups.push({
        id: group.id,
        directoryId: group.directoryId,
        name: group.name ?? group.id,
        idpSynced: group.externalSynced === true || group.managedBy === 'external',
        locked: group.managementAccess?.modifiable === false,
        members: typeof group.counts?.users === 'number' ? group.counts.users : null,
        grants,
      });
      return;
    }
    const products = new Set(grants.flatMap((g) => productOf.get(g.resourceId) ?? []));
    for (const product of products) {
      nonSeatGroupsByProduct[product] = (nonSeatGroupsByProduct[product] ?? 0) + 1;
    }
  });

  const adminPlatformRoles = [...admins.values()];
  const hasRole = (roles: string[], role: string) => roles.includes(role);
  const surveyResources: SurveyResource[] = resources
    .map(({ governed: _governed, ...r }) => ({
      ...r,
      seats: seatHolders.get(r.id)?.size ?? 0,
      nonHumanHolders: nonHumanHolders.get(r.id)?.size ?? 0,
    }))
    .sort(
      (a, b) => compare(a.product, b.product) || compare(a.site, b.site) || compare(a.id, b.id),
    );

  progress.phase(`read the organisation: ${progress.total} pages fetched`);
  return {
    orgId: client.orgId,
    orgName: found.orgName,
    directories,
    resources: surveyResources,
    groups,
    nonSeatGroupsByProduct,
    admins: {
      total: admins.size,
      orgAdmins: adminPlatformRoles.filter((r) => hasRole(r, 'atlassian/org-admin')).length,
      siteAdmins: adminPlatformRoles.filter((r) => hasRole(r, 'atlassian/site-admin')).length,
      userAccessAdmins: adminPlatformRoles.filter((r) => hasRole(r, 'atlassian/user-access-admin'))
        .length,
      productAdminsOnly: adminPlatformRoles.filter(
        (r) => !r.some((role) => ADMIN_PLATFORM_ROLES.includes(role)),
      ).length,
      licensed: [...admins.keys()].filter((id) => licensedAnywhere.has(id)).length,
    },
    serviceAccounts: {
      listed: found.serviceAccountApi ? listedServiceAccounts.size : null,
      withAccess: serviceWithAccess.size,
      appAccountsWithAccess: appsWithAccess.size,
    },
    warnings,
  };
}
