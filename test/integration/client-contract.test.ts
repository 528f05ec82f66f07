/**
 * Every request the client sends — the whole snapshot read, the candidate reads, every write —
 * checked against Atlassian's OpenAPI documents: the operation exists, each query parameter is
 * one it declares, and each body validates against its request schema.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { AtlassianClient } from '../../src/atlassian/client.js';
import {
  addCandidateReads,
  readCurrentSeats,
  readSnapshot,
} from '../../src/atlassian/snapshot-reader.js';
import type { Operation } from '../../src/plan/types.js';
import { SYNTHETIC_ORG, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { SEAT_ROLES } from '../../src/snapshot/types.js';
import { listOperations, validateAgainstOpenApi } from '../contract/openapi.js';
import { policyWith, rule } from '../unit/atlassian/policy-fixture.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');

/** Not in the vendored specs: the API Access service-account listing (experimental, documented on its own page). */
const OUTSIDE_THE_SPECS = ['GET /admin/api-access/v1/orgs/{}/service-accounts'];

interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Json = Record<string, unknown>;
const specs: Record<string, Json> = {
  org: JSON.parse(
    readFileSync(
      new URL('../fixtures/atlassian-openapi/atlassian_org_openapi.json', import.meta.url),
      'utf8',
    ),
  ) as Json,
  'user-management': JSON.parse(
    readFileSync(
      new URL(
        '../fixtures/atlassian-openapi/atlassian_user_management_openapi.json',
        import.meta.url,
      ),
      'utf8',
    ),
  ) as Json,
};

const operations = listOperations().map((op) => ({
  ...op,
  regex: new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The spec's template for a concrete path (the most literal match wins: `users/search` over `users/{id}`). */
function templateOf(method: string, path: string): string | undefined {
  const matches = operations.filter((op) => op.method === method && op.regex.test(path));
  matches.sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));
  return matches[0]?.path;
}

/** Query parameter names the operation declares. */
function declaredQuery(method: string, template: string): Set<string> {
  const op = validateAgainstOpenApi(method, template, 'request', undefined).operation;
  const doc = specs[op?.api ?? ''];
  const parameters = (op?.op.parameters ?? []) as Json[];
  const names = new Set<string>();
  for (const p of parameters) {
    const resolved =
      typeof p.$ref === 'string'
        ? (((doc?.components as Json).parameters as Record<string, Json>)[
            p.$ref.split('/').pop()!
          ] ?? {})
        : p;
    if (resolved.in === 'query') names.add(String(resolved.name));
  }
  return names;
}

let sandbox: RunningSandbox;
const sent: Sent[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ users: 2_000, seed: 11, now: NOW });
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    sent.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    });
    return fetch(input, init);
  };
  const client = new AtlassianClient({
    orgId: sandbox.orgId,
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    fetch: recordingFetch,
  });
  const policy = policyWith(
    [rule('jira-software'), rule('confluence', { id: 'confluence-inactive' })],
    {
      emails: [SYNTHETIC_ORG.ceoEmail],
      accountIds: [sandbox.org.users()[0].accountId],
      groups: [SYNTHETIC_ORG.groups.exempt],
    },
  );
  const snapshot = await readSnapshot(client, policy, { now: NOW });
  const licensed = snapshot.users.filter((u) => u.licensedOn.length > 0).slice(0, 12);
  await addCandidateReads(client, snapshot, {
    roleReads: licensed.map((u) => u.accountId),
    apiTokenReads: licensed.map((u) => u.accountId),
  });

  // Every write, on users that have what the write changes.
  const org = sandbox.org;
  const jira = org.workspaceOn('jira-software', SYNTHETIC_ORG.hosts.acme)!;
  const group = org.groupByName(SYNTHETIC_ORG.groups.jiraUsersAcme)!;
  const member = org.members(group.id)[0];
  const direct = org
    .users()
    .find((u) =>
      u.grants.some(
        (g) => g.resourceId === jira.id && g.method === 'direct' && SEAT_ROLES.includes(g.role),
      ),
    )!;
  const ops: Array<[Operation, string]> = [
    [
      {
        type: 'remove-group-membership',
        directoryId: group.directoryId,
        groupId: group.id,
        groupName: group.name,
      },
      member.accountId,
    ],
    [
      {
        type: 'add-group-membership',
        directoryId: group.directoryId,
        groupId: group.id,
        groupName: group.name,
      },
      member.accountId,
    ],
    [{ type: 'revoke-role', role: 'atlassian/user', resourceId: jira.id }, direct.accountId],
    [{ type: 'assign-role', role: 'atlassian/user', resourceId: jira.id }, direct.accountId],
    [{ type: 'suspend', directoryId: member.directoryId }, member.accountId],
    [{ type: 'restore-user', directoryId: member.directoryId }, member.accountId],
  ];
  for (const [op, accountId] of ops) await client.executeOperation(op, accountId);
  await readCurrentSeats(client, jira.id, [member.accountId, direct.accountId]);
}, 60_000);

afterAll(async () => {
  await sandbox.close();
});

describe('the client’s requests against Atlassian’s OpenAPI documents', () => {
  it('covers the reads and every write', () => {
    const kinds = new Set(sent.map((s) => `${s.method} ${templateOf(s.method, s.path) ?? s.path}`));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search',
        'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/search',
        'POST /admin/v2/orgs/{orgId}/workspaces',
        'GET /admin/v2/orgs/{orgId}/directories',
        'GET /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments',
        'GET /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/role-assignments',
        'GET /users/{account_id}/manage/api-tokens',
        'DELETE /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId}',
        'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships',
        'POST /admin/v1/orgs/{orgId}/users/{userId}/roles/revoke',
        'POST /admin/v1/orgs/{orgId}/users/{userId}/roles/assign',
        'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/suspend',
        'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/restore',
      ]),
    );
  });

  it('sends only operations the specs define, with declared query parameters and valid bodies', () => {
    const problems: string[] = [];
    for (const request of sent) {
      const template = templateOf(request.method, request.path);
      const generic = `${request.method} ${request.path.replace(/\/orgs\/[^/]+/, '/orgs/{}')}`;
      if (!template) {
        if (!OUTSIDE_THE_SPECS.includes(generic)) problems.push(`${generic}: no such operation`);
        continue;
      }
      const declared = declaredQuery(request.method, template);
      for (const name of new Set(request.query.keys())) {
        if (!declared.has(name))
          problems.push(`${request.method} ${template}: undeclared query ${name}`);
      }
      const result = validateAgainstOpenApi(request.method, template, 'request', request.body);
      if (!result.valid) {
        problems.push(
          `${request.method} ${template}: ${result.errors.join('; ')} in ${JSON.stringify(request.body)}`,
        );
      }
    }
    expect(problems).toEqual([]);
    expect(sent.length).toBeGreaterThan(20);
  });
});
