/**
 * The snapshot read against the sandbox's synthetic organisation, over real HTTP: what it reads
 * must agree with the org's own facts, cost a bounded number of requests, survive faults and
 * rate limits without waiting in real time, and fail as a whole when a page cannot be read.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { AtlassianClient } from '../../src/atlassian/client.js';
import {
  readCurrentSeats,
  readSnapshot,
  readUserRoles,
} from '../../src/atlassian/snapshot-reader.js';
import {
  SYNTHETIC_ORG,
  startSandbox,
  type RunningSandbox,
  type SandboxOptions,
} from '../../src/sandbox/index.js';
import { SEAT_ROLES, type Snapshot } from '../../src/snapshot/types.js';
import { fakeTime, type FakeTime } from '../unit/atlassian/helpers.js';
import { policyWith, rule } from '../unit/atlassian/policy-fixture.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const USERS = 6_500;

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}, time: FakeTime = fakeTime(NOW.getTime())) {
  sandbox = await startSandbox({ users: USERS, seed: 7, now: NOW, ...options });
  const client = new AtlassianClient({
    orgId: sandbox.orgId,
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
  });
  return { sandbox, client, time };
}

const policy = policyWith(
  [rule('jira-software'), rule('confluence', { id: 'confluence-inactive' })],
  {
    emails: [SYNTHETIC_ORG.ceoEmail],
    groups: [SYNTHETIC_ORG.groups.exempt],
  },
);

function licensedOn(snapshot: Snapshot, resourceId: string): Set<string> {
  return new Set(
    snapshot.users.filter((u) => u.licensedOn.includes(resourceId)).map((u) => u.accountId),
  );
}

describe('snapshot of the sandbox organisation', () => {
  it('agrees with the org: every licensed seat of a governed resource, and nobody without a seat role', async () => {
    const { sandbox, client } = await start();
    const snapshot = await readSnapshot(client, policy, { now: NOW });
    const org = sandbox.org;

    const governed = snapshot.resources.filter((r) => r.governed);
    expect(governed.map((r) => `${r.product} ${r.site}`).sort()).toEqual([
      `confluence ${SYNTHETIC_ORG.hosts.acme}`,
      `confluence ${SYNTHETIC_ORG.hosts.beta}`,
      `jira-software ${SYNTHETIC_ORG.hosts.acme}`,
      `jira-software ${SYNTHETIC_ORG.hosts.beta}`,
    ]);
    expect(snapshot.resources).toHaveLength(org.workspaces().length);

    for (const resource of governed) {
      const read = licensedOn(snapshot, resource.id);
      for (const user of org.licensedUsers(resource.id))
        expect(read.has(user.accountId)).toBe(true);
      for (const accountId of read) {
        expect(org.holds(org.user(accountId)!, [resource.id], SEAT_ROLES)).toBe(true);
      }
    }

    // Every group granting a governed resource, with every role it grants anywhere.
    const groups = new Map(snapshot.groups.map((g) => [g.id, g]));
    for (const resource of governed) {
      for (const group of org.groupsGranting(resource.id)) {
        const read = groups.get(group.id);
        expect(read?.grantsGoverned).toBe(true);
        expect(read?.roleAssignments.map((a) => a.resourceId).sort()).toEqual(
          org
            .groupGrants(group.id)
            .map((g) => g.resourceId)
            .sort(),
        );
      }
    }
    expect(snapshot.groups.find((g) => g.name === SYNTHETIC_ORG.groups.exempt)).toBeDefined();
    expect(snapshot.users.find((u) => u.email === SYNTHETIC_ORG.ceoEmail)).toBeDefined();

    for (const account of org.serviceAccounts()) {
      expect(snapshot.serviceAccountIds).toContain(account.accountId);
    }
    const platformAdmins = org
      .users()
      .filter((u) => u.platformRoles.some((r) => r !== 'atlassian/ai-access'))
      .map((u) => u.accountId);
    expect(platformAdmins.length).toBeGreaterThan(0);
    expect(platformAdmins.filter((id) => !snapshot.adminAccountIds.includes(id))).toEqual([]);
  });

  it('reads only what the policy governs: requests scale with licences, not accounts', async () => {
    const { sandbox, client } = await start();
    const snapshot = await readSnapshot(client, policyWith([rule('jira-software')]), { now: NOW });
    const licensed = snapshot.users.filter((u) => u.licensedOn.length > 0).length;
    const searches = sandbox.requests.filter((r) => r.route === 'users.search');
    for (const search of searches) {
      const body = search.body as Record<string, unknown>;
      expect(['resourceIds', 'accountIds', 'emails', 'roleIds'].some((k) => k in body)).toBe(true);
    }
    const requests = client.counters().requests;
    // Licensed-user pages plus a handful of structure, group and admin reads.
    expect(requests).toBeLessThan(Math.ceil(licensed / 100) * 2 + 40);
    expect(requests).toBeLessThan(USERS / 100);
  });

  it('survives 503s and connection resets without changing what it reads', async () => {
    const clean = await start();
    const expected = await readSnapshot(clean.client, policy, { now: NOW });
    await sandbox?.close();
    const faulty = await start();
    faulty.sandbox.faults.failNext({ route: 'users.search', status: 503, times: 2 });
    faulty.sandbox.faults.failNext({ route: 'groups.search', reset: true });
    faulty.sandbox.faults.failNext({ route: 'workspaces.search', status: 502 });
    const snapshot = await readSnapshot(faulty.client, policy, { now: NOW });
    expect(faulty.sandbox.faults.pending).toBe(0);
    expect(faulty.client.counters().retries).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(snapshot)).toBe(JSON.stringify(expected));
  });

  it('fails the whole snapshot when a page keeps failing', async () => {
    const { sandbox, client } = await start();
    sandbox.faults.failNext({ route: 'users.search', status: 500, times: 1000 });
    await expect(readSnapshot(client, policy, { now: NOW })).rejects.toMatchObject({ status: 500 });
  });

  it('paces itself under the sandbox rate limit on one shared budget', async () => {
    const time = fakeTime(NOW.getTime());
    const limit = 15;
    const { sandbox, client } = await start({ rateLimit: limit, clock: time.clock }, time);
    const snapshot = await readSnapshot(client, policy, { now: NOW });
    expect(snapshot.users.length).toBeGreaterThan(0);
    const counters = client.counters();
    // Held until each window reset instead of running into 429s.
    expect(sandbox.counters.rateLimited).toBe(0);
    expect(counters.pauses).toBeGreaterThanOrEqual(Math.floor(counters.requests / limit));
    expect(time.waits.every((ms) => ms > 0 && ms <= 60_000)).toBe(true);
    expect(counters.waitedMs).toBe(time.waits.reduce((a, b) => a + b, 0));
  });

  it('re-reads roles and seats of candidates', async () => {
    const { sandbox, client } = await start();
    const org = sandbox.org;
    const jira = org.workspaceOn('jira-software', SYNTHETIC_ORG.hosts.acme)!;
    const licensed = org
      .licensedUsers(jira.id)
      .slice(0, 15)
      .map((u) => u.accountId);
    const unlicensed = org
      .users()
      .filter((u) => !org.holds(u, [jira.id], SEAT_ROLES))
      .slice(0, 5)
      .map((u) => u.accountId);
    const seats = await readCurrentSeats(client, jira.id, [...licensed, ...unlicensed]);
    expect([...seats].sort()).toEqual([...licensed].sort());

    const roles = await readUserRoles(client, licensed.slice(0, 3));
    for (const accountId of licensed.slice(0, 3)) {
      const onJira = roles[accountId]?.find((r) => r.resourceId === jira.id);
      expect(onJira?.roles.some((r) => SEAT_ROLES.includes(r.role))).toBe(true);
    }
  });
});
