/**
 * The sandbox server over real loopback HTTP: search filters and pagination, write
 * semantics, auth, rate limiting on an injected clock with a time scale, and fault injection.
 * Nothing here waits for a rate-limit window: the clock is moved by hand.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  createOrgModel,
  startSandbox,
  type RunningSandbox,
  type SandboxOptions,
} from '../../../src/sandbox/index.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

function tinyOrg() {
  const org = createOrgModel({ now: NOW, seed: 5 });
  const jira = org.addWorkspace({
    product: 'jira-software',
    host: 'acme.atlassian.net',
    capacity: 4,
  });
  const conf = org.addWorkspace({ product: 'confluence', host: 'acme.atlassian.net' });
  const jiraUsers = org.addGroup({
    name: 'jira-users',
    grants: [{ resourceId: jira.id, roles: ['atlassian/user'] }],
  });
  const okta = org.addGroup({
    name: 'okta-jira',
    externalSynced: true,
    grants: [{ resourceId: jira.id, roles: ['atlassian/user'] }],
  });
  const locked = org.addGroup({
    name: 'locked-jira',
    modifiable: false,
    grants: [{ resourceId: jira.id, roles: ['atlassian/user'] }],
  });
  const alice = org.addUser({
    name: 'Alice Active',
    email: 'alice@acme.example',
    groups: [jiraUsers.id],
    activity: { [jira.id]: daysAgo(2) },
  });
  const bob = org.addUser({
    name: 'Bob Dormant',
    email: 'Bob@Acme.example',
    groups: [jiraUsers.id],
    roles: [{ resourceId: jira.id, role: 'atlassian/user' }],
    activity: { [jira.id]: daysAgo(200), [conf.id]: null },
  });
  const carol = org.addUser({
    name: 'Carol Synced',
    email: 'carol@partner.example',
    claimStatus: 'unmanaged',
    groups: [okta.id],
  });
  const dave = org.addUser({
    name: 'Dave Admin',
    email: 'dave@acme.example',
    platformRoles: ['atlassian/org-admin'],
    groups: [locked.id],
  });
  const erin = org.addUser({
    name: 'Erin Hidden',
    email: null,
    membershipStatus: 'suspended',
    groups: [jiraUsers.id],
  });
  const frank = org.addUser({ name: 'Frank Newcomer', email: 'frank@acme.example' });
  return { org, jira, conf, jiraUsers, okta, locked, alice, bob, carol, dave, erin, frank };
}

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}) {
  const t = tinyOrg();
  sandbox = await startSandbox({ org: t.org, ...options });
  return { ...t, sandbox };
}

interface Reply {
  status: number;
  // Response JSON, read field by field in the assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

async function request(
  sb: RunningSandbox,
  method: string,
  path: string,
  body?: unknown,
  key = sb.apiKey,
): Promise<Reply> {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const search = (sb: RunningSandbox, body: unknown, directoryId = '-') =>
  request(sb, 'POST', `/admin/v2/orgs/${sb.orgId}/directories/${directoryId}/users/search`, body);
const names = (r: Reply) => (r.body.data as Array<{ name: string }>).map((u) => u.name);

describe('users/search filters', () => {
  it('resourceIds + roleIds: holders of a seat role on the resource by any path, status filtered separately', async () => {
    const { sandbox: sb, jira } = await start();
    const all = await search(sb, { resourceIds: [jira.id], roleIds: ['atlassian/user'] });
    expect(names(all)).toEqual([
      'Alice Active',
      'Bob Dormant',
      'Carol Synced',
      'Dave Admin',
      'Erin Hidden',
    ]);
    const active = await search(sb, {
      resourceIds: [jira.id],
      roleIds: ['atlassian/user'],
      membershipStatus: ['active'],
    });
    expect(names(active)).toEqual(['Alice Active', 'Bob Dormant', 'Carol Synced', 'Dave Admin']);
  });

  it('roleIds alone with a platform role finds the users holding it', async () => {
    const { sandbox: sb } = await start();
    expect(names(await search(sb, { roleIds: ['atlassian/org-admin'] }))).toEqual(['Dave Admin']);
    expect(names(await search(sb, { roleIds: ['atlassian/admin'] }))).toEqual([]);
  });

  it('groupIds accepts bare and ARI group ids', async () => {
    const { sandbox: sb, okta, locked } = await start();
    const r = await search(sb, { groupIds: [okta.id, `ari:cloud:identity::group/${locked.id}`] });
    expect(names(r)).toEqual(['Carol Synced', 'Dave Admin']);
  });

  it('matches emails exactly but case-insensitively, domains exactly, and never a hidden email', async () => {
    const { sandbox: sb } = await start();
    expect(names(await search(sb, { emails: ['bob@acme.example', 'ALICE@acme.example'] }))).toEqual(
      ['Alice Active', 'Bob Dormant'],
    );
    expect(names(await search(sb, { emailDomains: ['partner.example'] }))).toEqual([
      'Carol Synced',
    ]);
    expect(names(await search(sb, { emailDomains: ['example'] }))).toEqual([]);
  });

  it('combines status, claim status and free text', async () => {
    const { sandbox: sb } = await start();
    expect(names(await search(sb, { status: ['suspended'] }))).toEqual(['Erin Hidden']);
    expect(names(await search(sb, { claimStatus: 'unmanaged' }))).toEqual(['Carol Synced']);
    expect(names(await search(sb, { searchTerm: 'DORMANT' }))).toEqual(['Bob Dormant']);
    expect(names(await search(sb, { searchTerm: 'acme', status: ['active'], limit: 2 }))).toEqual([
      'Alice Active',
      'Bob Dormant',
    ]);
  });

  it('rejects what the spec forbids with 400 and an Errors body', async () => {
    const { sandbox: sb } = await start();
    const tooMany = await search(sb, { accountIds: Array.from({ length: 11 }, (_, i) => `a${i}`) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0]).toMatchObject({ status: '400', code: 'ADMIN-400-24' });
    expect(tooMany.body.errors[0].detail).toMatch(/accountIds.*at most 10/);
    expect((await search(sb, { searchTerm: 'a', emails: ['a@acme.example'] })).status).toBe(400);
    expect((await search(sb, { resourceId: ['x'] })).body.errors[0].detail).toMatch(
      /Unknown field "resourceId"/,
    );
    expect((await search(sb, { roleIds: ['atlassian/owner'] })).status).toBe(400);
    expect((await search(sb, { limit: 101 })).status).toBe(400);
    expect((await search(sb, { limit: 0 })).status).toBe(400);
  });

  it('expands only what is asked: productAccess by exact ARI, groups as identity ARIs, platform roles', async () => {
    const { sandbox: sb, jira, conf, jiraUsers } = await start();
    const plain = await search(sb, { emails: ['bob@acme.example'] });
    expect(Object.keys(plain.body.data[0])).not.toEqual(expect.arrayContaining(['productAccess']));
    expect(plain.body.data[0].groups).toBeUndefined();
    const full = await search(sb, {
      emails: ['bob@acme.example'],
      expand: ['productAccess', 'groups', 'platformRoles', 'counts.resources'],
    });
    const bob = full.body.data[0];
    expect(bob.productAccess).toEqual([
      {
        id: jira.id,
        key: 'jira',
        lastActiveTimestamp: expect.stringMatching(/^2026-05-14T12:00:00\.000\d{6}Z$/),
      },
      { id: conf.id, key: 'confluence' },
    ]);
    expect(bob.groups).toEqual([
      { id: `ari:cloud:identity::group/${jiraUsers.id}`, name: 'jira-users' },
    ]);
    expect(bob.platformRoles).toEqual([]);
    expect(bob.counts).toEqual({ resources: 1 });
  });

  it('spells productAccess ids differently from the workspaces when asked (coverage-guard tests)', async () => {
    const { sandbox: sb, jira, conf } = await start({ activityAriSpelling: 'alternate' });
    const bob = (await search(sb, { emails: ['bob@acme.example'], expand: ['productAccess'] })).body
      .data[0];
    expect((bob.productAccess as Array<{ id: string }>).map((p) => p.id)).toEqual([
      `ari:cloud:jira::site/${jira.siteId}`,
      conf.id,
    ]);
  });

  it('reflects changes made to the model between two reads', async () => {
    const { sandbox: sb, org, jira, alice, jiraUsers } = await start();
    const body = { resourceIds: [jira.id], roleIds: ['atlassian/user'], expand: ['productAccess'] };
    expect(names(await search(sb, body))).toContain('Alice Active');
    org.removeMembership(jiraUsers.id, alice.accountId);
    org.setActivity(org.user(alice.accountId)!.accountId, jira.id, NOW);
    expect(names(await search(sb, body))).not.toContain('Alice Active');
    const again = await search(sb, { accountIds: [alice.accountId], expand: ['productAccess'] });
    expect(again.body.data[0].productAccess[0].lastActiveTimestamp).toMatch(
      /^2026-11-30T12:00:00\.000/,
    );
  });
});

describe('users/search pagination', () => {
  it('pages with opaque cursors: resent with the same body or alone, never with other filters', async () => {
    const { sandbox: sb } = await start();
    const body = { limit: 2, status: ['active'] };
    const first = await search(sb, body);
    expect(names(first)).toEqual(['Alice Active', 'Bob Dormant']);
    expect(first.body.links.prev).toBeUndefined();
    const second = await search(sb, { ...body, cursor: first.body.links.next });
    expect(names(second)).toEqual(['Carol Synced', 'Dave Admin']);
    const third = await search(sb, { cursor: second.body.links.next, limit: 2 });
    expect(names(third)).toEqual(['Frank Newcomer']);
    expect(third.body.links.next).toBeUndefined();
    expect(third.body.links.prev).toBeDefined();
    const mixed = await search(sb, { status: ['suspended'], cursor: first.body.links.next });
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors[0].code).toBe('ADMIN-400-1');
    expect((await search(sb, { cursor: 'garbage!' })).status).toBe(400);
  });

  it('defaults to 50 a page', async () => {
    const org = createOrgModel({ now: NOW });
    for (let i = 0; i < 120; i++) org.addUser({ name: `User ${i}` });
    sandbox = await startSandbox({ org });
    const page = await search(sandbox, {});
    expect(page.body.data).toHaveLength(50);
  });

  it('scopes a directory id in the path, and 404s an unknown one', async () => {
    const t = tinyOrg();
    const other = t.org.addDirectory({ name: 'Contractors' });
    t.org.addUser({ name: 'Olga Outside', directoryId: other.id });
    sandbox = await startSandbox({ org: t.org });
    expect(names(await search(sandbox, {}, other.id))).toEqual(['Olga Outside']);
    expect(names(await search(sandbox, {}, t.org.defaultDirectoryId))).not.toContain(
      'Olga Outside',
    );
    expect((await search(sandbox, {}, 'nope')).status).toBe(404);
  });
});

describe('role assignments', () => {
  it('names direct and group methods, and platform roles with a null directory', async () => {
    const { sandbox: sb, jira, bob, dave, org } = await start();
    const dir = org.defaultDirectoryId;
    const b = await request(
      sb,
      'GET',
      `/admin/v2/orgs/${sb.orgId}/directories/${dir}/users/${bob.accountId}/role-assignments`,
    );
    expect(b.body.data).toEqual([
      {
        resourceId: jira.id,
        resourceOwner: 'jira-software',
        directoryId: dir,
        userDirectoryStatus: 'active',
        roleAssignments: [
          { role: 'atlassian/user', roleAssignmentMethods: ['direct', 'group_direct'] },
        ],
        roles: ['atlassian/user'],
      },
    ]);
    const d = await request(
      sb,
      'GET',
      `/admin/v2/orgs/${sb.orgId}/directories/-/users/${dave.accountId}/role-assignments?resourceOwners=platform`,
    );
    expect(d.body.data).toEqual([
      {
        resourceId: `ari:cloud:platform::org/${sb.orgId}`,
        resourceOwner: 'platform',
        directoryId: null,
        roleAssignments: [{ role: 'atlassian/org-admin', roleAssignmentMethods: ['direct'] }],
        roles: ['atlassian/org-admin'],
      },
    ]);
  });

  it("lists a group's grants", async () => {
    const { sandbox: sb, jira, okta } = await start();
    const r = await request(
      sb,
      'GET',
      `/admin/v2/orgs/${sb.orgId}/directories/-/groups/${okta.id}/role-assignments`,
    );
    expect(r.body.data).toEqual([
      {
        resourceId: jira.id,
        resourceOwner: 'jira-software',
        roles: ['atlassian/user'],
        defaultRole: null,
      },
    ]);
  });
});

describe('writes', () => {
  it('removes a membership (204), then 404s it; the seat goes and the write is logged exactly', async () => {
    const { sandbox: sb, org, jira, jiraUsers, alice } = await start();
    const path = `/admin/v2/orgs/${sb.orgId}/directories/${org.defaultDirectoryId}/groups/${jiraUsers.id}/memberships/${alice.accountId}`;
    sb.resetLog();
    expect((await request(sb, 'DELETE', path)).status).toBe(204);
    expect(org.isLicensed(org.user(alice.accountId)!, jira.id)).toBe(false);
    const again = await request(sb, 'DELETE', path);
    expect(again.status).toBe(404);
    expect(sb.writes().map((w) => [w.method, w.path, w.status])).toEqual([
      ['DELETE', path, 204],
      ['DELETE', path, 404],
    ]);
  });

  it('refuses membership changes of IdP-synced (403) and locked (403) groups, and "-" as directory', async () => {
    const { sandbox: sb, org, okta, locked, carol, dave, jiraUsers, alice } = await start();
    const dir = org.defaultDirectoryId;
    const synced = await request(
      sb,
      'DELETE',
      `/admin/v2/orgs/${sb.orgId}/directories/${dir}/groups/${okta.id}/memberships/${carol.accountId}`,
    );
    expect(synced.status).toBe(403);
    expect(synced.body.errors[0].detail).toMatch(/identity provider/);
    const lockedReply = await request(
      sb,
      'DELETE',
      `/admin/v2/orgs/${sb.orgId}/directories/${dir}/groups/${locked.id}/memberships/${dave.accountId}`,
    );
    expect(lockedReply.status).toBe(403);
    expect(
      (
        await request(
          sb,
          'DELETE',
          `/admin/v2/orgs/${sb.orgId}/directories/-/groups/${jiraUsers.id}/memberships/${alice.accountId}`,
        )
      ).status,
    ).toBe(400);
    expect(org.isMember(okta.id, carol.accountId) && org.isMember(locked.id, dave.accountId)).toBe(
      true,
    );
  });

  it('adds a membership (204), 409 when already a member or when the licence tier is full', async () => {
    const { sandbox: sb, org, jiraUsers, alice, frank } = await start();
    const path = `/admin/v2/orgs/${sb.orgId}/directories/${org.defaultDirectoryId}/groups/${jiraUsers.id}/memberships`;
    const full = await request(sb, 'POST', path, { accountId: frank.accountId });
    expect(full.status).toBe(409);
    expect(full.body.errors[0].code).toBe('ADMIN-409-3');
    expect((await request(sb, 'DELETE', `${path}/${alice.accountId}`)).status).toBe(204);
    expect((await request(sb, 'POST', path, { accountId: frank.accountId })).status).toBe(204);
    const dup = await request(sb, 'POST', path, { accountId: frank.accountId });
    expect([dup.status, dup.body.errors[0].code]).toEqual([409, 'ADMIN-409-28']);
  });

  it('revokes only direct grants: 204, then 404; a group-held role is a 404 naming the group', async () => {
    const { sandbox: sb, org, jira, alice, bob } = await start();
    const url = (id: string) => `/admin/v1/orgs/${sb.orgId}/users/${id}/roles/revoke`;
    const body = { role: 'atlassian/user', resource: jira.id };
    expect((await request(sb, 'POST', url(bob.accountId), body)).status).toBe(204);
    expect(org.isLicensed(org.user(bob.accountId)!, jira.id)).toBe(true); // still through jira-users
    const twice = await request(sb, 'POST', url(bob.accountId), body);
    expect([twice.status, twice.body.errors[0].code]).toEqual([404, 'ADMIN-UAM-404-1']);
    const viaGroup = await request(sb, 'POST', url(alice.accountId), body);
    expect(viaGroup.status).toBe(404);
    expect(viaGroup.body.errors[0].detail).toMatch(/only through group\(s\) jira-users/);
  });

  it('assigns a direct grant, 409 at the licence limit, 400 for a role that does not fit the product', async () => {
    const { sandbox: sb, org, jira, conf, frank } = await start();
    const url = `/admin/v1/orgs/${sb.orgId}/users/${frank.accountId}/roles/assign`;
    const limit = await request(sb, 'POST', url, { role: 'atlassian/user', resource: jira.id });
    expect([limit.status, limit.body.errors[0].code]).toEqual([409, 'ADMIN-UAM-409-3']);
    expect(
      (await request(sb, 'POST', url, { role: 'atlassian/user', resource: conf.id })).status,
    ).toBe(204);
    expect(org.isLicensed(org.user(frank.accountId)!, conf.id)).toBe(true);
    expect(
      (await request(sb, 'POST', url, { role: 'atlassian/customer', resource: conf.id })).body
        .errors[0].code,
    ).toBe('ADMIN-UAM-400-3');
  });

  it('suspends and restores a user (204); suspension takes the seat', async () => {
    const { sandbox: sb, org, jira, alice } = await start();
    const base = `/admin/v2/orgs/${sb.orgId}/directories/${org.defaultDirectoryId}/users/${alice.accountId}`;
    expect((await request(sb, 'POST', `${base}/suspend`)).status).toBe(204);
    expect(org.user(alice.accountId)!.membershipStatus).toBe('suspended');
    expect(org.isLicensed(org.user(alice.accountId)!, jira.id)).toBe(false);
    expect((await request(sb, 'POST', `${base}/restore`)).status).toBe(204);
    expect(org.isLicensed(org.user(alice.accountId)!, jira.id)).toBe(true);
    expect(sb.writes().map((w) => w.route)).toEqual(['user.suspend', 'user.restore']);
  });
});

describe('auth', () => {
  it('answers a missing or wrong key with 401 and the gateway error body', async () => {
    const { sandbox: sb } = await start();
    const wrong = await request(sb, 'GET', `/admin/v1/orgs/${sb.orgId}`, undefined, 'not-the-key');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: 401, message: expect.stringContaining('Bearer') });
    const tokens = await request(sb, 'GET', '/users/x/manage/api-tokens', undefined, 'nope');
    expect([tokens.status, tokens.body]).toEqual([401, { key: 'unauthorized' }]);
  });
});

describe('rate limiting (injected clock, time scale)', () => {
  it('counts requests across routes, answers 429 with the reset time of the scaled window, then lets requests through', async () => {
    let now = Date.parse('2026-11-30T12:00:00.000Z');
    const { sandbox: sb } = await start({
      rateLimit: 3,
      timeScale: 60,
      clock: () => now,
      retryAfter: true,
    });
    const org = `/admin/v1/orgs/${sb.orgId}`;
    const first = await request(sb, 'GET', org);
    expect([
      first.headers.get('x-ratelimit-limit'),
      first.headers.get('x-ratelimit-remaining'),
    ]).toEqual(['3', '2']);
    // The 60 s window is 1 s at time scale 60.
    expect(first.headers.get('x-ratelimit-reset')).toBe('2026-11-30T12:00:01.000Z');
    await search(sb, {});
    now += 250;
    await request(sb, 'GET', org);
    const limited = await request(sb, 'GET', org);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: 429, message: 'Rate limit exceeded' });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('retry-after')).toBe('0.75');
    const v2 = await search(sb, {});
    expect([v2.status, v2.body.errors[0].code]).toEqual([429, 'ADMIN-429-1']);
    expect(sb.counters.rateLimited).toBe(2);
    now += 750;
    const after = await request(sb, 'GET', org);
    expect(after.status).toBe(200);
    expect(after.headers.get('x-ratelimit-reset')).toBe('2026-11-30T12:00:02.000Z');
  });

  it('limits last-active-dates separately (200 a minute by default in Atlassian; 2 here)', async () => {
    const now = Date.parse('2026-11-30T12:00:00.000Z');
    const { sandbox: sb, alice } = await start({ lastActiveRateLimit: 2, clock: () => now });
    const path = `/admin/v1/orgs/${sb.orgId}/directory/users/${alice.accountId}/last-active-dates`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(sb, 'GET', path)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await request(sb, 'GET', `/admin/v1/orgs/${sb.orgId}`)).status).toBe(200);
  });

  it('sends rate-limit headers without a configured limit, and no Retry-After unless asked', async () => {
    const { sandbox: sb } = await start();
    const r = await request(sb, 'GET', `/admin/v1/orgs/${sb.orgId}`);
    expect(r.headers.get('x-ratelimit-limit')).toBe('1000000');
    expect(r.headers.get('retry-after')).toBeNull();
  });
});

describe('fault injection', () => {
  it('fails the next matching requests as programmed, with headers, then recovers', async () => {
    const { sandbox: sb } = await start();
    sb.faults.failNext({ route: 'users.search', status: 503, times: 2 });
    sb.faults.failNext({
      path: /\/v1\/orgs\/[^/]+$/,
      status: 429,
      headers: { 'Retry-After': '0' },
    });
    expect(sb.faults.pending).toBe(3);
    expect((await search(sb, {})).status).toBe(503);
    const throttled = await request(sb, 'GET', `/admin/v1/orgs/${sb.orgId}`);
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '0']);
    expect((await search(sb, {})).status).toBe(503);
    expect((await search(sb, {})).status).toBe(200);
    expect(sb.counters).toMatchObject({
      faults: 3,
      rateLimited: 1,
      byRoute: { 'users.search': 3, 'org.get': 1 },
    });
  });

  it('resets the connection when asked, and logs it with status 0', async () => {
    const { sandbox: sb } = await start();
    sb.faults.failNext({ route: 'users.search', reset: true });
    await expect(search(sb, {})).rejects.toThrow();
    expect(sb.requests.at(-1)).toMatchObject({ route: 'users.search', status: 0 });
    expect((await search(sb, {})).status).toBe(200);
  });

  it('fails a seeded, repeatable share of requests with faultRate', async () => {
    const run = async () => {
      const t = tinyOrg();
      const sb = await startSandbox({ org: t.org, faultRate: 0.5, seed: 9 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await request(sb, 'GET', `/admin/v1/orgs/${sb.orgId}`)).status);
      await sb.close();
      return statuses;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a.filter((s) => s === 503).length).toBeGreaterThan(3);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(3);
  });

  it('delays responses by latencyMs', async () => {
    const { sandbox: sb } = await start({ latencyMs: 15 });
    const started = performance.now();
    await request(sb, 'GET', `/admin/v1/orgs/${sb.orgId}`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(14);
  });
});
