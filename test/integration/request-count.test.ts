/**
 * The request count of a small fixed plan, pinned route by route. The number of requests is the
 * figure admins of large orgs judge us on first (issue 6), so a change that adds requests must
 * fail here and be justified, not be discovered in a benchmark. The org is the sandbox's
 * synthetic org of SPEC §10 at 3,000 accounts (seed and time fixed: the same org every run); the
 * policy is the example policy that ships in `policies/`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AtlassianClient } from '../../src/atlassian/client.js';
import { readApiTokenUse } from '../../src/atlassian/snapshot-reader.js';
import { emptyState } from '../../src/plan/state.js';
import { loadPolicy } from '../../src/policy/load.js';
import { createPlan, type CreatedPlan } from '../../src/run/plan-run.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');

const ROUTE = {
  directories: 'GET /admin/v2/orgs/{orgId}/directories',
  workspaces: 'POST /admin/v2/orgs/{orgId}/workspaces',
  userSearch: 'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search',
  groupSearch: 'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/search',
  serviceAccounts: 'GET /admin/api-access/v1/orgs/{orgId}/service-accounts',
  groupRoles:
    'GET /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments',
  userRoles:
    'GET /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/role-assignments',
  apiTokens: 'GET /users/{account_id}/manage/api-tokens',
  orgApiTokens: 'GET /admin/api-access/v1/orgs/{orgId}/api-tokens',
};

let sandbox: RunningSandbox;
let client: AtlassianClient;
let created: CreatedPlan;

beforeAll(async () => {
  sandbox = await startSandbox({ users: 3_000, seed: 11, now: NOW });
  client = new AtlassianClient({
    orgId: sandbox.orgId,
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
  });
  created = await createPlan({
    policy: await loadPolicy('policies'),
    client,
    state: emptyState(),
    now: NOW,
    policyCommit: null,
  });
});

afterAll(async () => {
  await sandbox.close();
});

describe('a plan of the example policy on a 3,000-account org', () => {
  it('sends exactly these requests, route by route', () => {
    expect(client.counters().byRoute).toEqual({
      [ROUTE.directories]: 1,
      [ROUTE.workspaces]: 1,
      // Per directory (2), per governed resource, the licensed users 100 a page: Confluence acme
      // 226 + 0 → 3 + 1, Confluence beta 7 + 16 → 1 + 1, Jira acme 221 + 18 → 3 + 1; then, per
      // directory, the excluded email (1 lookup) and the admin-role search (1 page).
      [ROUTE.userSearch]: 10 + 2 + 2,
      // Per directory: groups granting a governed resource, groups the policy names.
      [ROUTE.groupSearch]: 4,
      [ROUTE.serviceAccounts]: 1,
      // One per group read (granting or named), for collateral.
      [ROUTE.groupRoles]: 14,
      // One per candidate: never one per licensed user.
      [ROUTE.userRoles]: 46,
      // API-token use of the 44 managed candidates (countApiTokenUse, on by default): the
      // org-wide token listing, 2 pages, instead of one read per candidate.
      [ROUTE.orgApiTokens]: 2,
    });
    const counters = client.counters();
    expect(counters).toMatchObject({ requests: 83, retries: 0, rateLimited: 0 });
    // The sandbox saw the same requests: nothing was sent that the client did not count.
    expect(sandbox.counters.total).toBe(counters.requests);
  });

  it('reads role assignments once per candidate and group role assignments once per group', () => {
    const { snapshot, plan } = created;
    const { byRoute } = client.counters();
    expect(byRoute[ROUTE.userRoles]).toBe(snapshot.userRoles.size);
    expect(byRoute[ROUTE.groupRoles]).toBe(snapshot.groups.length);
    // Every managed candidate's API-token use is known, from the listing alone.
    expect(snapshot.apiTokenLastUsed.size).toBe(44);
    expect(snapshot.apiTokenUnavailable ?? []).toEqual([]);
    expect(byRoute[ROUTE.apiTokens]).toBeUndefined();
    // Every user the plan acts on was a candidate; candidates are a small part of the seats.
    for (const action of plan.actions) expect(snapshot.userRoles.has(action.accountId)).toBe(true);
    const licensed = plan.summary.reduce((n, s) => n + s.licensed, 0);
    expect(snapshot.userRoles.size).toBeLessThan(licensed / 5);
  });

  it('plans exactly what reading each candidate API-token use plans, when the listing is refused', async () => {
    const perAccount = await startSandbox({ users: 3_000, seed: 11, now: NOW });
    try {
      // An API without the org-wide listing (404): API-token use is read account by account.
      perAccount.faults.failNext({ route: 'apiTokens.list', status: 404 });
      const fallbackClient = new AtlassianClient({
        orgId: perAccount.orgId,
        apiKey: perAccount.apiKey,
        baseUrl: perAccount.url,
      });
      const fallback = await createPlan({
        policy: await loadPolicy('policies'),
        client: fallbackClient,
        state: emptyState(),
        now: NOW,
        policyCommit: null,
      });
      expect(fallbackClient.counters().byRoute[ROUTE.apiTokens]).toBe(44);
      expect(fallback.snapshot.apiTokenLastUsed).toEqual(created.snapshot.apiTokenLastUsed);
      expect(fallback.plan).toEqual(created.plan);
    } finally {
      await perAccount.close();
    }
  });
});

describe('API-token use of many accounts', () => {
  it('gives up an org-wide listing longer than half the reads it replaces, and reads each account', async () => {
    const org = await startSandbox({ users: 3_000, seed: 11, now: NOW });
    try {
      const managed = org.org.users().filter((u) => u.claimStatus === 'managed');
      // Enough tokens for 12 pages at the listing's 50 a page.
      for (const user of managed.slice(0, 600)) {
        org.org.addApiToken(user.accountId, { lastAccess: NOW.getTime() - 86_400_000 });
      }
      const asked = managed.slice(0, 20).map((u) => u.accountId);
      const tokenClient = new AtlassianClient({
        orgId: org.orgId,
        apiKey: org.apiKey,
        baseUrl: org.url,
      });
      const use = await readApiTokenUse(tokenClient, asked);
      expect(Object.keys(use.lastUsed).sort()).toEqual([...asked].sort());
      // At most 10 pages (half of 20 reads) plus the one that showed the listing was longer.
      expect(tokenClient.counters().byRoute).toEqual({
        [ROUTE.orgApiTokens]: 11,
        [ROUTE.apiTokens]: 20,
      });
      // Once its length is known, a listing that cannot pay for itself is not tried again.
      const again = await readApiTokenUse(tokenClient, asked);
      expect(again.lastUsed).toEqual(use.lastUsed);
      expect(tokenClient.counters().byRoute[ROUTE.orgApiTokens]).toBe(11);
    } finally {
      await org.close();
    }
  });
});
