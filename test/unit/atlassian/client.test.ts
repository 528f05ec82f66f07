import { afterEach, describe, expect, it } from '@jest/globals';
import { AtlassianClient } from '../../../src/atlassian/client.js';
import { bareGroupId, groupAri, parseResourceAri } from '../../../src/atlassian/ids.js';
import { operationRequest } from '../../../src/atlassian/operations.js';
import { collect } from '../../../src/atlassian/paginate.js';
import type { Operation } from '../../../src/plan/types.js';
import {
  API_KEY,
  ORG_ID,
  errorsBody,
  fakeTime,
  startServer,
  type Handler,
  type TestServer,
} from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(handler: Handler) {
  server = await startServer(handler);
  const time = fakeTime();
  const client = new AtlassianClient({
    orgId: ORG_ID,
    apiKey: API_KEY,
    baseUrl: server.url,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
  });
  return { server, time, client };
}

const GROUP_UUID = '6f1c2d3e-aaaa-bbbb-cccc-1234567890ab';

describe('group and resource ids', () => {
  it('normalises group ids between the ARI and bare forms', () => {
    expect(bareGroupId(`ari:cloud:identity::group/${GROUP_UUID}`)).toBe(GROUP_UUID);
    expect(bareGroupId(GROUP_UUID)).toBe(GROUP_UUID);
    expect(groupAri(GROUP_UUID)).toBe(`ari:cloud:identity::group/${GROUP_UUID}`);
    expect(groupAri(groupAri(GROUP_UUID))).toBe(`ari:cloud:identity::group/${GROUP_UUID}`);
  });

  it('reads the product and site id out of a resource ARI', () => {
    expect(parseResourceAri('ari:cloud:jira-software::site/abc-123')).toEqual({
      owner: 'jira-software',
      resourceType: 'site',
      resourceId: 'abc-123',
    });
    expect(parseResourceAri('not-an-ari')).toBeNull();
  });
});

describe('paginated reads', () => {
  it('follows links.next through every page of users/search, resending the filter with the cursor', async () => {
    const pages: Record<string, unknown> = {
      '': { data: [{ accountId: 'a1' }, { accountId: 'a2' }], links: { next: 'c2' } },
      c2: { data: [{ accountId: 'a3' }], links: { next: 'c3' } },
      c3: { data: [{ accountId: 'a4' }], links: {} },
    };
    const { server, client } = await setup((req) => {
      const cursor = (req.body as { cursor?: string }).cursor ?? '';
      return { status: 200, body: pages[cursor] };
    });
    const users = await collect(
      client.searchUsers('dir-1', {
        resourceIds: ['ari:cloud:jira-software::site/s1'],
        expand: ['groups'],
      }),
    );
    expect(users.map((u) => u.accountId)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(server.requests.map((r) => r.body)).toEqual([
      { resourceIds: ['ari:cloud:jira-software::site/s1'], expand: ['groups'], limit: 100 },
      {
        resourceIds: ['ari:cloud:jira-software::site/s1'],
        expand: ['groups'],
        limit: 100,
        cursor: 'c2',
      },
      {
        resourceIds: ['ari:cloud:jira-software::site/s1'],
        expand: ['groups'],
        limit: 100,
        cursor: 'c3',
      },
    ]);
    expect(server.requests[0]?.path).toBe(
      `/admin/v2/orgs/${ORG_ID}/directories/dir-1/users/search`,
    );
  });

  it('sends group ids to users/search in the bare form', async () => {
    const { server, client } = await setup(() => ({ status: 200, body: { data: [] } }));
    await collect(client.searchUsers('dir-1', { groupIds: [groupAri(GROUP_UUID)] }));
    expect(server.requests[0]?.body).toEqual({ groupIds: [GROUP_UUID], limit: 100 });
  });

  it('pages GET role assignments by cursor query parameter', async () => {
    const { server, client } = await setup((req) =>
      req.query.get('cursor') === 'next-1'
        ? { status: 200, body: { data: [{ resourceId: 'r2', roles: ['atlassian/user'] }] } }
        : {
            status: 200,
            body: {
              data: [{ resourceId: 'r1', roles: ['atlassian/admin'] }],
              links: { next: 'next-1' },
            },
          },
    );
    const assignments = await client.getGroupRoleAssignments('dir-1', groupAri(GROUP_UUID));
    expect(assignments.map((a) => a.resourceId)).toEqual(['r1', 'r2']);
    expect(server.requests.map((r) => r.path)).toEqual([
      `/admin/v2/orgs/${ORG_ID}/directories/dir-1/groups/${GROUP_UUID}/role-assignments`,
      `/admin/v2/orgs/${ORG_ID}/directories/dir-1/groups/${GROUP_UUID}/role-assignments`,
    ]);
    expect(server.requests[0]?.query.get('limit')).toBe('100');
    expect(server.requests[1]?.query.get('cursor')).toBe('next-1');
  });

  it('sends only the cursor when paging workspaces, as the API requires', async () => {
    const { server, client } = await setup((req) =>
      (req.body as { cursor?: string }).cursor
        ? { status: 200, body: { data: [{ id: 'w2' }], links: {} } }
        : { status: 200, body: { data: [{ id: 'w1' }], links: { next: 'Y3Vyc29y' } } },
    );
    const workspaces = await collect(client.listWorkspaces());
    expect(workspaces.map((w) => w.id)).toEqual(['w1', 'w2']);
    expect(server.requests.map((r) => r.body)).toEqual([{ limit: 100 }, { cursor: 'Y3Vyc29y' }]);
  });

  it('takes the cursor out of a next-page link given as a URL, without following the URL', async () => {
    const { server, client } = await setup((req) =>
      req.query.get('cursor') === 'abc'
        ? { status: 200, body: { items: [{ atlassianId: 's2' }], links: {} } }
        : {
            status: 200,
            body: {
              items: [{ atlassianId: 's1' }],
              links: { next: 'https://elsewhere.example/x?cursor=abc' },
            },
          },
    );
    const accounts = await collect(client.listServiceAccounts());
    expect(accounts.map((a) => a.atlassianId)).toEqual(['s1', 's2']);
    expect(server.requests.map((r) => r.path)).toEqual([
      `/admin/api-access/v1/orgs/${ORG_ID}/service-accounts`,
      `/admin/api-access/v1/orgs/${ORG_ID}/service-accounts`,
    ]);
  });

  it('stops with an error when a cursor repeats instead of looping', async () => {
    const { server, client } = await setup(() => ({
      status: 200,
      body: { data: [{ accountId: 'x' }], links: { next: 'c1' } },
    }));
    await expect(collect(client.searchUsers('dir-1', {}))).rejects.toMatchObject({
      kind: 'protocol',
      message: expect.stringMatching(/cursor repeated/),
    });
    expect(server.requests).toHaveLength(2);
  });

  it('fails the whole read when a page fails after its retries', async () => {
    const { server, time, client } = await setup((req) =>
      (req.body as { cursor?: string }).cursor === 'c2'
        ? { status: 500, body: errorsBody(500, 'ADMIN-500-1', 'Internal error') }
        : { status: 200, body: { data: [{ accountId: 'a1' }], links: { next: 'c2' } } },
    );
    await expect(collect(client.searchUsers('dir-1', {}))).rejects.toMatchObject({
      status: 500,
      code: 'ADMIN-500-1',
      attempts: 5,
    });
    expect(server.requests).toHaveLength(6);
    expect(time.waits).toEqual([5_000, 10_000, 20_000, 30_000]);
  });

  it('reads the org and the API tokens of an account', async () => {
    const { server, client } = await setup((req) =>
      req.path.endsWith('/api-tokens')
        ? {
            status: 200,
            body: [
              {
                id: 't1',
                label: 'ci',
                createdAt: '2026-01-01T00:00:00Z',
                lastAccess: '2026-11-01T00:00:00Z',
              },
            ],
          }
        : {
            status: 200,
            body: { data: { id: ORG_ID, type: 'orgs', attributes: { name: 'Acme' } } },
          },
    );
    await expect(client.getOrg()).resolves.toEqual({ id: ORG_ID, name: 'Acme' });
    const tokens = await client.getApiTokens('712020:0b1c');
    expect(tokens[0]?.lastAccess).toBe('2026-11-01T00:00:00Z');
    expect(server.requests.map((r) => r.path)).toEqual([
      `/admin/v1/orgs/${ORG_ID}`,
      '/users/712020:0b1c/manage/api-tokens',
    ]);
  });
});

describe('writes', () => {
  const ACCOUNT = '712020:37ca4f5c-7f2e-4c5c-b62c-61562d9f62ab';
  const RESOURCE = 'ari:cloud:jira-software::site/70ef3a32-d0da-4e09-b35e-0109f91969c3';

  it('sends exactly the documented request for every write', async () => {
    const { server, client } = await setup(() => ({ status: 204 }));
    await client.removeGroupMembership('dir-1', groupAri(GROUP_UUID), ACCOUNT);
    await client.addGroupMembership('dir-1', GROUP_UUID, ACCOUNT);
    await client.revokeUserRole(ACCOUNT, 'atlassian/user', RESOURCE);
    await client.assignUserRole(ACCOUNT, 'atlassian/user', RESOURCE);
    await client.suspendUser('dir-1', ACCOUNT);
    await client.restoreUser('dir-1', ACCOUNT);
    const sent = server.requests.map((r) => ({ method: r.method, path: r.path, body: r.body }));
    expect(sent).toEqual([
      {
        method: 'DELETE',
        path: `/admin/v2/orgs/${ORG_ID}/directories/dir-1/groups/${GROUP_UUID}/memberships/${ACCOUNT}`,
        body: undefined,
      },
      {
        method: 'POST',
        path: `/admin/v2/orgs/${ORG_ID}/directories/dir-1/groups/${GROUP_UUID}/memberships`,
        body: { accountId: ACCOUNT },
      },
      {
        method: 'POST',
        path: `/admin/v1/orgs/${ORG_ID}/users/${ACCOUNT}/roles/revoke`,
        body: { role: 'atlassian/user', resource: RESOURCE },
      },
      {
        method: 'POST',
        path: `/admin/v1/orgs/${ORG_ID}/users/${ACCOUNT}/roles/assign`,
        body: { role: 'atlassian/user', resource: RESOURCE },
      },
      {
        method: 'POST',
        path: `/admin/v2/orgs/${ORG_ID}/directories/dir-1/users/${ACCOUNT}/suspend`,
        body: undefined,
      },
      {
        method: 'POST',
        path: `/admin/v2/orgs/${ORG_ID}/directories/dir-1/users/${ACCOUNT}/restore`,
        body: undefined,
      },
    ]);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(
      true,
    );
    expect(server.requests[0]?.headers['content-type']).toBeUndefined();
    expect(server.requests[1]?.headers['content-type']).toBe('application/json');
  });

  it('maps each plan operation to its request through executeOperation', async () => {
    const { server, client } = await setup(() => ({ status: 204 }));
    const ops: Operation[] = [
      {
        type: 'remove-group-membership',
        directoryId: 'dir-1',
        groupId: GROUP_UUID,
        groupName: 'jira-users',
      },
      { type: 'revoke-role', role: 'atlassian/admin', resourceId: RESOURCE },
      { type: 'suspend', directoryId: 'dir-2' },
      {
        type: 'add-group-membership',
        directoryId: 'dir-1',
        groupId: GROUP_UUID,
        groupName: 'jira-users',
      },
      { type: 'assign-role', role: 'atlassian/user', resourceId: RESOURCE },
      { type: 'restore-user', directoryId: 'dir-2' },
    ];
    const results = [];
    for (const op of ops) results.push(await client.executeOperation(op, 'acc-1'));
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.rawBody}`)).toEqual([
      `DELETE /admin/v2/orgs/${ORG_ID}/directories/dir-1/groups/${GROUP_UUID}/memberships/acc-1 `,
      `POST /admin/v1/orgs/${ORG_ID}/users/acc-1/roles/revoke {"role":"atlassian/admin","resource":"${RESOURCE}"}`,
      `POST /admin/v2/orgs/${ORG_ID}/directories/dir-2/users/acc-1/suspend `,
      `POST /admin/v2/orgs/${ORG_ID}/directories/dir-1/groups/${GROUP_UUID}/memberships {"accountId":"acc-1"}`,
      `POST /admin/v1/orgs/${ORG_ID}/users/acc-1/roles/assign {"role":"atlassian/user","resource":"${RESOURCE}"}`,
      `POST /admin/v2/orgs/${ORG_ID}/directories/dir-2/users/acc-1/restore `,
    ]);
    expect(results[1]).toEqual({
      method: 'POST',
      path: `/admin/v1/orgs/${ORG_ID}/users/acc-1/roles/revoke`,
      body: { role: 'atlassian/admin', resource: RESOURCE },
      status: 204,
      attempts: 1,
      repeatedAfterAmbiguousFailure: false,
    });
    expect(client.counters().byRoute).toMatchObject({
      'POST /admin/v1/orgs/{orgId}/users/{userId}/roles/revoke': 1,
      'DELETE /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId}': 1,
    });
  });

  it('refuses writes without a concrete directory, and platform roles', () => {
    expect(() => operationRequest(ORG_ID, { type: 'suspend', directoryId: '-' }, 'acc-1')).toThrow(
      /directory id/,
    );
    expect(() =>
      operationRequest(
        ORG_ID,
        { type: 'remove-group-membership', directoryId: '', groupId: 'g', groupName: 'g' },
        'acc-1',
      ),
    ).toThrow(/directory id/);
    expect(() =>
      operationRequest(
        ORG_ID,
        { type: 'assign-role', role: 'atlassian/org-admin', resourceId: 'r' },
        'acc-1',
      ),
    ).toThrow(/platform role/);
    expect(() =>
      operationRequest(
        ORG_ID,
        { type: 'revoke-role', role: 'atlassian/user', resourceId: '' },
        'acc-1',
      ),
    ).toThrow(/resource id/);
    expect(() => operationRequest(ORG_ID, { type: 'suspend', directoryId: 'dir-1' }, '')).toThrow(
      /account id/,
    );
  });

  it('encodes ids that are not safe in a path', () => {
    const request = operationRequest(ORG_ID, { type: 'suspend', directoryId: 'dir/1' }, 'a b|c');
    expect(request.path).toBe(
      `/admin/v2/orgs/${ORG_ID}/directories/dir%2F1/users/a%20b%7Cc/suspend`,
    );
  });
});
