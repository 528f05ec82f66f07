/**
 * The client's writes and error handling against the sandbox, over real HTTP, on a small
 * hand-built org: the exact requests Atlassian receives, what they change, and how failures read.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { AtlassianClient } from '../../src/atlassian/client.js';
import { AtlassianApiError } from '../../src/atlassian/errors.js';
import { groupAri } from '../../src/atlassian/ids.js';
import { readCurrentSeats } from '../../src/atlassian/snapshot-reader.js';
import { createOrgModel, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { fakeTime } from '../unit/atlassian/helpers.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function smallOrg() {
  const org = createOrgModel({
    orgId: 'org-int',
    seed: 3,
    now: NOW,
    directory: { id: 'dir-main', name: 'Main' },
  });
  const jira = org.addWorkspace({
    product: 'jira-software',
    host: 'acme.atlassian.net',
    capacity: 10,
  });
  const confluence = org.addWorkspace({ product: 'confluence', host: 'acme.atlassian.net' });
  const jiraUsers = org.addGroup({
    name: 'jira-users',
    grants: [{ resourceId: jira.id, roles: ['atlassian/user'] }],
  });
  const idpGroup = org.addGroup({
    name: 'okta-jira',
    externalSynced: true,
    grants: [{ resourceId: jira.id, roles: ['atlassian/user'] }],
  });
  const alice = org.addUser({
    accountId: '712020:aaaaaaaa-0000-4000-8000-000000000001',
    name: 'Alice',
    groups: [jiraUsers.id],
    // A direct grant beside the group grant: removing the membership alone leaves the seat.
    roles: [{ resourceId: jira.id, role: 'atlassian/user' }],
  });
  const bob = org.addUser({ accountId: 'bob-legacy-0001', name: 'Bob', groups: [idpGroup.id] });
  return { org, jira, confluence, jiraUsers, idpGroup, alice, bob };
}

async function start() {
  const fixture = smallOrg();
  sandbox = await startSandbox({ org: fixture.org, now: NOW });
  const time = fakeTime(NOW.getTime());
  const client = new AtlassianClient({
    orgId: sandbox.orgId,
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
  });
  return { ...fixture, sandbox, client, time };
}

describe('client writes against the sandbox', () => {
  it('removes a licence through the group and the direct grant, gives it back, suspends and restores', async () => {
    const { sandbox, client, jira, jiraUsers, alice } = await start();
    const dir = 'dir-main';
    const holds = async () =>
      (await readCurrentSeats(client, jira.id, [alice.accountId])).has(alice.accountId);

    expect(await holds()).toBe(true);
    await client.removeGroupMembership(dir, groupAri(jiraUsers.id), alice.accountId);
    expect(await holds()).toBe(true);
    await client.revokeUserRole(alice.accountId, 'atlassian/user', jira.id);
    expect(await holds()).toBe(false);

    await client.addGroupMembership(dir, jiraUsers.id, alice.accountId);
    await client.assignUserRole(alice.accountId, 'atlassian/user', jira.id);
    expect(await holds()).toBe(true);

    await client.suspendUser(dir, alice.accountId);
    expect(await holds()).toBe(false);
    await client.restoreUser(dir, alice.accountId);
    expect(await holds()).toBe(true);

    const org = `/admin/v2/orgs/${sandbox.orgId}`;
    const writes = sandbox.writes().map((w) => ({
      method: w.method,
      path: decodeURIComponent(w.path),
      body: w.body,
      status: w.status,
    }));
    expect(writes).toEqual([
      {
        method: 'DELETE',
        path: `${org}/directories/${dir}/groups/${jiraUsers.id}/memberships/${alice.accountId}`,
        body: undefined,
        status: 204,
      },
      {
        method: 'POST',
        path: `/admin/v1/orgs/${sandbox.orgId}/users/${alice.accountId}/roles/revoke`,
        body: { role: 'atlassian/user', resource: jira.id },
        status: 204,
      },
      {
        method: 'POST',
        path: `${org}/directories/${dir}/groups/${jiraUsers.id}/memberships`,
        body: { accountId: alice.accountId },
        status: 204,
      },
      {
        method: 'POST',
        path: `/admin/v1/orgs/${sandbox.orgId}/users/${alice.accountId}/roles/assign`,
        body: { role: 'atlassian/user', resource: jira.id },
        status: 204,
      },
      {
        method: 'POST',
        path: `${org}/directories/${dir}/users/${alice.accountId}/suspend`,
        body: undefined,
        status: 204,
      },
      {
        method: 'POST',
        path: `${org}/directories/${dir}/users/${alice.accountId}/restore`,
        body: undefined,
        status: 204,
      },
    ]);
  });

  it('runs plan operations through executeOperation', async () => {
    const { sandbox, client, jira, jiraUsers, alice } = await start();
    await client.executeOperation(
      {
        type: 'remove-group-membership',
        directoryId: 'dir-main',
        groupId: jiraUsers.id,
        groupName: 'jira-users',
      },
      alice.accountId,
    );
    await client.executeOperation(
      { type: 'revoke-role', role: 'atlassian/user', resourceId: jira.id },
      alice.accountId,
    );
    expect(sandbox.org.isLicensed(sandbox.org.user(alice.accountId)!, jira.id)).toBe(false);
    expect(sandbox.writes().map((w) => w.route)).toEqual([
      'group.memberships.remove',
      'user.roles.revoke',
    ]);
  });

  it('reports refusals with Atlassian’s code: IdP-synced group, already a member, unknown group', async () => {
    const { client, idpGroup, jiraUsers, alice, bob } = await start();
    const idp = (await client
      .removeGroupMembership('dir-main', idpGroup.id, bob.accountId)
      .catch((e: unknown) => e)) as AtlassianApiError;
    expect(idp).toBeInstanceOf(AtlassianApiError);
    expect(idp).toMatchObject({ status: 403, code: 'ADMIN-403-5', ambiguous: false });
    expect(idp.message).toMatch(/identity provider/);

    await expect(
      client.addGroupMembership('dir-main', jiraUsers.id, alice.accountId),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      client.removeGroupMembership(
        'dir-main',
        '00000000-0000-4000-8000-00000000dead',
        alice.accountId,
      ),
    ).rejects.toMatchObject({ status: 404, ambiguous: false });
  });

  it('explains a rejected key without showing it', async () => {
    const { sandbox } = await start();
    const wrongKey = 'ATATT-not-the-sandbox-key-0123456789';
    const client = new AtlassianClient({
      orgId: sandbox.orgId,
      apiKey: wrongKey,
      baseUrl: sandbox.url,
    });
    const error = (await client.getOrg().catch((e: unknown) => e)) as AtlassianApiError;
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/without scopes/);
    expect(error.message).not.toContain(wrongKey);
    expect(error.message).not.toContain(sandbox.apiKey);
  });

  it('does not repeat a suspend after a 503, but repeats a membership removal', async () => {
    const { sandbox, client, jiraUsers, alice } = await start();
    sandbox.faults.failNext({ route: 'user.suspend', status: 503 });
    await expect(client.suspendUser('dir-main', alice.accountId)).rejects.toMatchObject({
      status: 503,
      ambiguous: true,
    });
    expect(sandbox.requests.filter((r) => r.route === 'user.suspend')).toHaveLength(1);

    sandbox.faults.failNext({ route: 'group.memberships.remove', status: 503 });
    const result = await client.removeGroupMembership('dir-main', jiraUsers.id, alice.accountId);
    expect(result).toMatchObject({ status: 204, attempts: 2, repeatedAfterAmbiguousFailure: true });
    expect(sandbox.requests.filter((r) => r.route === 'group.memberships.remove')).toHaveLength(2);
  });
});
