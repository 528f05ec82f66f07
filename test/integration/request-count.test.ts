/**
 * The request count of a small fixed plan, pinned route by route. The number of requests is the
 * figure admins of large orgs judge us on first (issue 6), so a change that adds requests must
 * fail here and be justified, not be discovered in a benchmark. The org is the sandbox's
 * synthetic org of SPEC §10 at 3,000 accounts (seed and time fixed: the same org every run); the
 * policy is the example policy that ships in `policies/`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AtlassianClient } from '../../src/atlassian/client.js';
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
      // One per managed candidate (countApiTokenUse, on by default).
      [ROUTE.apiTokens]: 44,
    });
    const counters = client.counters();
    expect(counters).toMatchObject({ requests: 125, retries: 0, rateLimited: 0 });
    // The sandbox saw the same requests: nothing was sent that the client did not count.
    expect(sandbox.counters.total).toBe(counters.requests);
  });

  it('reads role assignments once per candidate and group role assignments once per group', () => {
    const { snapshot, plan } = created;
    const { byRoute } = client.counters();
    expect(byRoute[ROUTE.userRoles]).toBe(Object.keys(snapshot.userRoles).length);
    expect(byRoute[ROUTE.groupRoles]).toBe(snapshot.groups.length);
    expect(byRoute[ROUTE.apiTokens]).toBe(
      Object.keys(snapshot.apiTokenLastUsed).length + (snapshot.apiTokenUnavailable?.length ?? 0),
    );
    // Every user the plan acts on was a candidate; candidates are a small part of the seats.
    for (const action of plan.actions)
      expect(snapshot.userRoles).toHaveProperty([action.accountId]);
    const licensed = plan.summary.reduce((n, s) => n + s.licensed, 0);
    expect(Object.keys(snapshot.userRoles).length).toBeLessThan(licensed / 5);
  });
});
