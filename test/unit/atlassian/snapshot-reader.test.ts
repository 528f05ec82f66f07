import { afterEach, describe, expect, it } from '@jest/globals';
import { AtlassianClient } from '../../../src/atlassian/client.js';
import {
  addCandidateReads,
  readApiTokenUse,
  readCurrentSeats,
  readSnapshot,
  readUserRoles,
  type SnapshotProgress,
} from '../../../src/atlassian/snapshot-reader.js';
import { fakeOrgHandler, type FakeOrg } from './fake-org.js';
import {
  API_KEY,
  fakeTime,
  startServer,
  type RecordedRequest,
  type Reply,
  type TestServer,
} from './helpers.js';
import { policyWith, rule } from './policy-fixture.js';

const JIRA_ACME = 'ari:cloud:jira-software::site/acme-site';
const CONF_ACME = 'ari:cloud:confluence::site/acme-site';
const JSM_ACME = 'ari:cloud:jira-servicedesk::site/acme-site';
const JIRA_BETA = 'ari:cloud:jira-software::site/beta-site';
const JIRA_SANDBOX = 'ari:cloud:jira-software::site/sbx-site';

const G_JIRA = '11111111-0000-0000-0000-000000000001';
const G_JIRA_CONF = '11111111-0000-0000-0000-000000000002';
const G_BETA_IDP = '11111111-0000-0000-0000-000000000003';
const G_EXEMPT = '11111111-0000-0000-0000-000000000004';
const G_CONF = '11111111-0000-0000-0000-000000000005';

function acmeOrg(): FakeOrg {
  return {
    orgId: 'org-1',
    directories: [{ directoryId: 'dir-1', name: 'Acme' }],
    workspaces: [
      { id: JIRA_ACME, hostUrl: 'https://acme.atlassian.net', capacity: 100 },
      { id: CONF_ACME, hostUrl: 'https://acme.atlassian.net' },
      { id: JSM_ACME, hostUrl: null },
      { id: JIRA_BETA, hostUrl: 'https://beta.atlassian.net' },
      { id: JIRA_SANDBOX, hostUrl: 'https://acme-sandbox.atlassian.net', sandbox: true },
    ],
    groups: [
      {
        id: G_JIRA,
        name: 'jira-software-users',
        grants: [{ resourceId: JIRA_ACME, roles: ['atlassian/user'] }],
      },
      {
        id: G_JIRA_CONF,
        name: 'jira-and-confluence',
        grants: [
          { resourceId: JIRA_ACME, roles: ['atlassian/user'] },
          { resourceId: CONF_ACME, roles: ['atlassian/user'] },
        ],
      },
      {
        id: G_BETA_IDP,
        name: 'beta-users',
        externalSynced: true,
        managedBy: 'external',
        modifiable: false,
        grants: [{ resourceId: JIRA_BETA, roles: ['atlassian/user'] }],
      },
      { id: G_EXEMPT, name: 'License-Policy-Exempt', grants: [] },
      {
        id: G_CONF,
        name: 'confluence-users',
        grants: [{ resourceId: CONF_ACME, roles: ['atlassian/user'] }],
      },
    ],
    users: [
      {
        accountId: 'u-alice',
        groups: [G_JIRA],
        direct: [{ resourceId: JIRA_ACME, role: 'atlassian/user' }],
        productAccess: [
          { id: JIRA_ACME, key: 'jira', lastActiveTimestamp: '2026-11-01T10:00:00.123456789Z' },
        ],
      },
      {
        accountId: 'u-bob',
        groups: [G_JIRA_CONF, G_EXEMPT],
        platformRoles: ['atlassian/site-admin'],
      },
      { accountId: 'u-carol', groups: [G_BETA_IDP, G_JIRA], email: null },
      { accountId: 'u-dave', groups: [G_CONF] },
      { accountId: 'u-erin', direct: [{ resourceId: JIRA_ACME, role: 'atlassian/guest' }] },
      { accountId: 'u-frank', groups: [G_JIRA], membershipStatus: 'suspended' },
      { accountId: 'u-bot', groups: [G_JIRA], email: 'jira-bot@serviceaccount.atlassian.com' },
      { accountId: 'u-svc', groups: [G_JIRA] },
      { accountId: 'u-padmin', direct: [{ resourceId: CONF_ACME, role: 'atlassian/admin' }] },
      { accountId: 'u-ceo', email: 'ceo@example.com' },
      { accountId: 'u-sandbox', direct: [{ resourceId: JIRA_SANDBOX, role: 'atlassian/user' }] },
    ],
    serviceAccounts: ['u-svc', 'u-not-here'],
    apiTokens: {
      'u-bot': [
        {
          id: 't1',
          label: 'old',
          createdAt: '2025-01-01T00:00:00Z',
          lastAccess: '2026-10-01T00:00:00.000Z',
        },
        {
          id: 't2',
          label: 'new',
          createdAt: '2026-01-01T00:00:00Z',
          lastAccess: '2026-11-20T00:00:00.000Z',
        },
        { id: 't3', label: 'unused', createdAt: '2026-01-01T00:00:00Z' },
      ],
      'u-alice': [],
      'u-carol': 403,
    },
  };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(org: FakeOrg, override?: (req: RecordedRequest) => Reply | undefined) {
  server = await startServer(fakeOrgHandler(org, override));
  const time = fakeTime();
  const client = new AtlassianClient({
    orgId: org.orgId,
    apiKey: API_KEY,
    baseUrl: server.url,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
  });
  return { server, client, time };
}

const NOW = new Date('2026-11-30T12:00:00.000Z');
const jiraPolicy = policyWith([rule('jira-software')], {
  emails: ['CEO@example.com'],
  accountIds: ['u-dave'],
  groups: ['license-policy-exempt'],
});

describe('readSnapshot', () => {
  it('describes every workspace and marks the governed ones', async () => {
    const { client } = await clientFor(acmeOrg());
    const snapshot = await readSnapshot(client, jiraPolicy, { now: NOW });
    expect(snapshot).toMatchObject({
      schemaVersion: 1,
      orgId: 'org-1',
      fetchedAt: '2026-11-30T12:00:00.000Z',
    });
    expect(snapshot.directories).toEqual([{ id: 'dir-1', name: 'Acme' }]);
    expect(snapshot.resources).toEqual([
      {
        id: CONF_ACME,
        product: 'confluence',
        site: 'acme.atlassian.net',
        siteId: 'acme-site',
        name: CONF_ACME,
        status: 'online',
        sandbox: false,
        capacity: null,
        governed: false,
      },
      // No hostUrl: the site falls back to the workspace id.
      expect.objectContaining({
        id: JSM_ACME,
        product: 'jira-servicedesk',
        site: JSM_ACME,
        governed: false,
      }),
      {
        id: JIRA_ACME,
        product: 'jira-software',
        site: 'acme.atlassian.net',
        siteId: 'acme-site',
        name: JIRA_ACME,
        status: 'online',
        sandbox: false,
        capacity: 100,
        governed: true,
      },
      expect.objectContaining({ id: JIRA_BETA, site: 'beta.atlassian.net', governed: true }),
      expect.objectContaining({ id: JIRA_SANDBOX, sandbox: true, governed: false }),
    ]);
  });

  it('reads the licensed users of governed resources only, merged per account', async () => {
    const { client, server } = await clientFor(acmeOrg());
    const snapshot = await readSnapshot(client, jiraPolicy, { now: NOW });
    const ids = snapshot.users.map((u) => u.accountId);
    // Confluence-only, guest, suspended and sandbox-only accounts are not read; the CEO and
    // u-dave are read because exclusions name them.
    expect(ids).toEqual(['u-alice', 'u-bob', 'u-bot', 'u-carol', 'u-ceo', 'u-dave', 'u-svc']);
    const byId = new Map(snapshot.users.map((u) => [u.accountId, u]));
    expect(byId.get('u-alice')).toEqual({
      accountId: 'u-alice',
      directoryIds: ['dir-1'],
      accountType: 'atlassian',
      accountStatus: 'active',
      membershipStatus: 'active',
      claimStatus: 'managed',
      name: 'u-alice',
      email: 'u-alice@example.com',
      addedToOrg: '2024-01-01T00:00:00.000Z',
      platformRoles: [],
      groupIds: [G_JIRA],
      // Flat: id, key, lastActive.
      productAccess: [JIRA_ACME, 'jira', '2026-11-01T10:00:00.123456789Z'],
      licensedOn: [JIRA_ACME],
    });
    expect(byId.get('u-carol')).toMatchObject({
      email: null,
      groupIds: [G_JIRA, G_BETA_IDP].sort(),
      licensedOn: [JIRA_ACME, JIRA_BETA],
    });
    expect(byId.get('u-bob')).toMatchObject({
      platformRoles: ['atlassian/site-admin'],
      groupIds: [G_JIRA_CONF, G_EXEMPT].sort(),
      licensedOn: [JIRA_ACME],
    });
    expect(byId.get('u-ceo')?.licensedOn).toEqual([]);
    expect(byId.get('u-dave')?.licensedOn).toEqual([]);

    // Never a read of the whole org: every user search is narrowed by resource, account, email or role.
    const userSearches = server.requests.filter((r) => r.path.endsWith('/users/search'));
    for (const search of userSearches) {
      const body = search.body as Record<string, unknown>;
      expect(['resourceIds', 'accountIds', 'emails', 'roleIds'].some((k) => k in body)).toBe(true);
    }
    const licensedSearches = userSearches.filter((r) => 'resourceIds' in (r.body as object));
    expect(licensedSearches.map((r) => r.body)).toEqual(
      expect.arrayContaining([
        {
          resourceIds: [JIRA_ACME],
          roleIds: ['atlassian/user', 'atlassian/admin'],
          accountStatus: ['active'],
          membershipStatus: ['active'],
          expand: ['productAccess', 'platformRoles', 'groups'],
          limit: 100,
        },
        expect.objectContaining({ resourceIds: [JIRA_BETA] }),
      ]),
    );
    expect(licensedSearches).toHaveLength(2);
  });

  it('reads the groups that grant governed resources with all their roles, and the groups the policy names', async () => {
    const { client } = await clientFor(acmeOrg());
    const snapshot = await readSnapshot(client, jiraPolicy, { now: NOW });
    expect(snapshot.groups).toEqual([
      {
        id: G_JIRA,
        directoryId: 'dir-1',
        name: 'jira-software-users',
        externalSynced: false,
        managedBy: 'admins',
        modifiable: true,
        roleAssignments: [
          { resourceId: JIRA_ACME, product: 'jira-software', roles: ['atlassian/user'] },
        ],
        grantsGoverned: true,
      },
      expect.objectContaining({
        id: G_JIRA_CONF,
        // Collateral: the group grants Confluence too, which no rule governs.
        roleAssignments: [
          { resourceId: CONF_ACME, product: 'confluence', roles: ['atlassian/user'] },
          { resourceId: JIRA_ACME, product: 'jira-software', roles: ['atlassian/user'] },
        ],
        grantsGoverned: true,
      }),
      expect.objectContaining({
        id: G_BETA_IDP,
        externalSynced: true,
        managedBy: 'external',
        modifiable: false,
        grantsGoverned: true,
      }),
      expect.objectContaining({
        id: G_EXEMPT,
        name: 'License-Policy-Exempt',
        roleAssignments: [],
        grantsGoverned: false,
      }),
    ]);
  });

  it('finds admins by platform role and by a role search, and service accounts by API and email domain', async () => {
    const { client } = await clientFor(acmeOrg());
    const snapshot = await readSnapshot(client, jiraPolicy, { now: NOW });
    expect(snapshot.adminAccountIds).toEqual(['u-bob', 'u-padmin']);
    expect(snapshot.serviceAccountIds).toEqual(['u-bot', 'u-not-here', 'u-svc']);
    expect(snapshot.warnings).toEqual([]);
    expect(snapshot.userRoles).toEqual(new Map());
    expect(snapshot.apiTokenLastUsed).toEqual(new Map());
  });

  it('falls back to the email domain with a warning when the service-accounts API is refused', async () => {
    const org = { ...acmeOrg(), serviceAccounts: 403 };
    const { client } = await clientFor(org);
    const snapshot = await readSnapshot(client, jiraPolicy, { now: NOW });
    expect(snapshot.serviceAccountIds).toEqual(['u-bot']);
    expect(snapshot.warnings).toEqual([
      'The service-accounts API answered 403; service accounts are recognised by the @serviceaccount.atlassian.com email domain only.',
    ]);
  });

  it('warns when the service-accounts API lists accounts but matches none', async () => {
    const org = { ...acmeOrg(), serviceAccounts: ['someone-else'] };
    const { client } = await clientFor(org);
    const snapshot = await readSnapshot(client, jiraPolicy, { now: NOW });
    expect(snapshot.warnings).toHaveLength(1);
    expect(snapshot.warnings[0]).toMatch(
      /listed 1 account\(s\), none of which is among the 7 accounts read/,
    );
  });

  it('chunks exclusion lookups to Atlassian’s limits: 100 emails, 10 account ids', async () => {
    const emails = Array.from(
      { length: 150 },
      (_, i) => `person${String(i).padStart(3, '0')}@example.com`,
    );
    const accountIds = Array.from({ length: 25 }, (_, i) => `acct-${String(i).padStart(2, '0')}`);
    const { client, server } = await clientFor(acmeOrg());
    await readSnapshot(client, policyWith([rule('jira-software')], { emails, accountIds }), {
      now: NOW,
    });
    const lookups = server.requests
      .filter((r) => r.path.endsWith('/users/search'))
      .map((r) => r.body as { emails?: string[]; accountIds?: string[] });
    const sizes = (key: 'emails' | 'accountIds') =>
      lookups.flatMap((b) => (b[key] ? [b[key].length] : [])).sort((x, y) => y - x);
    expect(sizes('emails')).toEqual([100, 50]);
    expect(sizes('accountIds')).toEqual([10, 10, 5]);
  });

  it('reads every page of a large licensed set and reports progress', async () => {
    const org = acmeOrg();
    for (let i = 0; i < 250; i += 1) {
      org.users.push({ accountId: `bulk-${String(i).padStart(3, '0')}`, groups: [G_JIRA] });
    }
    const { client } = await clientFor(org);
    const progress: SnapshotProgress[] = [];
    const snapshot = await readSnapshot(client, jiraPolicy, {
      now: NOW,
      onProgress: (p) => progress.push({ ...p }),
    });
    expect(snapshot.users.filter((u) => u.licensedOn.includes(JIRA_ACME))).toHaveLength(255);
    const last = progress[progress.length - 1];
    expect(last?.phase).toBe('done');
    // 255 on acme (3 pages) + 1 on beta + the CEO and u-dave lookups.
    expect(last?.usersRead).toBe(255 + 1 + 2);
    expect(progress.map((p) => p.pagesFetched)).toEqual(
      [...progress.map((p) => p.pagesFetched)].sort((a, b) => a - b),
    );
    expect(progress.filter((p) => p.phase === 'licensed-users').length).toBe(4);
  });

  it('fails the whole snapshot when one page fails after its retries: no partial directory', async () => {
    const org = acmeOrg();
    for (let i = 0; i < 150; i += 1) org.users.push({ accountId: `bulk-${i}`, groups: [G_JIRA] });
    let failures = 0;
    const { client, time } = await clientFor(org, (req) => {
      const body = req.body as { cursor?: string; resourceIds?: string[] } | undefined;
      if (
        req.path.endsWith('/users/search') &&
        body?.cursor &&
        body.resourceIds?.[0] === JIRA_ACME
      ) {
        failures += 1;
        return { status: 503, body: { errors: [{ code: 'ADMIN-500-1', title: 'Unavailable' }] } };
      }
      return undefined;
    });
    await expect(readSnapshot(client, jiraPolicy, { now: NOW })).rejects.toMatchObject({
      status: 503,
      attempts: 5,
    });
    expect(failures).toBe(5);
    expect(time.waits.slice(0, 4)).toEqual([5_000, 10_000, 20_000, 30_000]);
  });

  it('is deterministic whatever order the concurrent reads finish in', async () => {
    const org = acmeOrg();
    for (let i = 0; i < 120; i += 1) {
      org.users.push({ accountId: `bulk-${i}`, groups: [i % 2 ? G_JIRA : G_BETA_IDP] });
    }
    const first = await readSnapshot((await clientFor(org)).client, jiraPolicy, { now: NOW });
    await server?.close();
    // Answer each request after a different delay so the reads finish in another order.
    let n = 0;
    const answer = fakeOrgHandler(org);
    server = await startServer(async (req) => {
      n += 1;
      await new Promise((resolve) => setTimeout(resolve, (n * 7) % 13));
      return answer(req);
    });
    const client = new AtlassianClient({ orgId: 'org-1', apiKey: API_KEY, baseUrl: server.url });
    const second = await readSnapshot(client, jiraPolicy, { now: NOW });
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});

describe('reads for candidates and verification', () => {
  it('finds a direct grant beside a group grant on the same resource', async () => {
    const { client, server } = await clientFor(acmeOrg());
    const roles = await readUserRoles(client, ['u-alice', 'u-bob', 'u-gone', 'u-alice']);
    expect(Object.keys(roles)).toEqual(['u-alice', 'u-bob', 'u-gone']);
    expect(roles['u-alice']).toEqual([
      {
        resourceId: JIRA_ACME,
        product: 'jira-software',
        directoryId: 'dir-1',
        roles: [{ role: 'atlassian/user', methods: ['direct', 'group_direct'] }],
      },
    ]);
    expect(roles['u-bob']?.map((r) => r.resourceId)).toEqual([CONF_ACME, JIRA_ACME]);
    expect(roles['u-gone']).toEqual([]);
    expect(server.requests.map((r) => r.path).sort()).toEqual([
      '/admin/v2/orgs/org-1/directories/-/users/u-alice/role-assignments',
      '/admin/v2/orgs/org-1/directories/-/users/u-bob/role-assignments',
      '/admin/v2/orgs/org-1/directories/-/users/u-gone/role-assignments',
    ]);
  });

  it('re-reads seats in batches of 10 account ids and returns who still holds one', async () => {
    const org = acmeOrg();
    const ids = Array.from({ length: 25 }, (_, i) => `bulk-${String(i).padStart(2, '0')}`);
    ids.forEach((accountId, i) =>
      org.users.push({ accountId, groups: i % 3 === 0 ? [G_JIRA] : [] }),
    );
    const { client, server } = await clientFor(org);
    const holding = await readCurrentSeats(client, JIRA_ACME, [...ids, 'u-frank', 'u-erin']);
    expect([...holding].sort()).toEqual(ids.filter((_, i) => i % 3 === 0));
    const bodies = server.requests.map((r) => r.body as { accountIds: string[] });
    expect(bodies.map((b) => b.accountIds.length)).toEqual([10, 10, 7]);
    expect(bodies[0]).toMatchObject({
      resourceIds: [JIRA_ACME],
      roleIds: ['atlassian/user', 'atlassian/admin'],
      accountStatus: ['active'],
      membershipStatus: ['active'],
    });
  });

  it('reads the latest API token use, and which accounts could not be read', async () => {
    const { client } = await clientFor(acmeOrg());
    const use = await readApiTokenUse(client, ['u-bot', 'u-alice', 'u-carol']);
    expect(use.lastUsed).toEqual({ 'u-alice': null, 'u-bot': '2026-11-20T00:00:00.000Z' });
    expect(use.unavailable).toEqual(['u-carol']);
    expect(use.warnings).toHaveLength(1);
  });

  it('adds the candidate reads the engine asks for, once', async () => {
    const { client, server } = await clientFor(acmeOrg());
    const snapshot = await readSnapshot(client, jiraPolicy, { now: NOW });
    const before = server.requests.length;
    const request = { roleReads: ['u-alice', 'u-bob'], apiTokenReads: ['u-bot', 'u-carol'] };
    const first = await addCandidateReads(client, snapshot, request);
    expect(first.reads).toBe(4);
    expect([...first.snapshot.userRoles.keys()]).toEqual(['u-alice', 'u-bob']);
    expect(first.snapshot.apiTokenLastUsed).toEqual(
      new Map([['u-bot', '2026-11-20T00:00:00.000Z']]),
    );
    expect(first.snapshot.apiTokenUnavailable).toEqual(['u-carol']);
    expect(first.snapshot.warnings).toHaveLength(1);
    expect(server.requests.length - before).toBe(4);
    // Asking again reads nothing.
    const second = await addCandidateReads(client, first.snapshot, request);
    expect(second.reads).toBe(0);
    expect(second.snapshot).toBe(first.snapshot);
    expect(server.requests.length - before).toBe(4);
  });
});
