/**
 * A small, hand-built organisation served by the sandbox over HTTP, for the apply and CLI
 * integration tests: five Jira users on acme whose fate each test can predict, and a policy
 * directory the test can change between plan and apply (as a reviewer would in the plan PR).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditRow } from '../../src/audit/types.js';
import { createAtlassianClient } from '../../src/run/settings.js';
import { createOrgModel, type OrgModel } from '../../src/sandbox/model.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.js';

const DAY = 86_400_000;

export const BASE_POLICY = `version: 1
rules:
  - id: jira-inactive-30d
    product: jira-software
    inactiveDays: 30
    action: remove-product-access
`;

export interface TestOrg {
  sandbox: RunningSandbox;
  model: OrgModel;
  now: Date;
  /** Account ids by first name. */
  ids: { alice: string; bob: string; carol: string; dave: string; erin: string };
  jiraId: string;
  groupId: string;
  directoryId: string;
  /** A temporary working directory holding `policies/`. */
  dir: string;
  policyDir: string;
  writePolicy(text: string): void;
  client(orgId?: string): ReturnType<typeof createAtlassianClient>;
  env(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/**
 * alice: Jira via `jira-users`, inactive 90 days → removed.
 * bob: Jira via `jira-users` and a direct grant, inactive 100 days → both removed.
 * carol: active 2 days ago → kept.
 * dave: inactive 60 days → removed (tests make him active again).
 * erin: inactive 70 days → removed (tests exclude her at HEAD).
 */
export async function startTestOrg(): Promise<TestOrg> {
  const now = new Date();
  const model = createOrgModel({ now, seed: 7 });
  const jira = model.addWorkspace({ product: 'jira-software', host: 'acme.atlassian.net' });
  const group = model.addGroup({
    name: 'jira-users',
    grants: [{ resourceId: jira.id, roles: ['atlassian/user'], defaultRole: 'atlassian/user' }],
  });
  const user = (name: string, daysAgo: number, direct = false) =>
    model.addUser({
      name,
      email: `${name.toLowerCase()}@acme.example`,
      groups: [group.id],
      roles: direct ? [{ resourceId: jira.id, role: 'atlassian/user' }] : [],
      activity: { [jira.id]: new Date(now.getTime() - daysAgo * DAY) },
    }).accountId;
  const ids = {
    alice: user('Alice', 90),
    bob: user('Bob', 100, true),
    carol: user('Carol', 2),
    dave: user('Dave', 60),
    erin: user('Erin', 70),
  };
  const sandbox = await startSandbox({ org: model });
  const dir = mkdtempSync(path.join(tmpdir(), 'license-policy-apply-'));
  const policyDir = path.join(dir, 'policies');
  const writePolicy = (text: string) => {
    rmSync(policyDir, { recursive: true, force: true });
    mkdirSync(policyDir, { recursive: true });
    writeFileSync(path.join(policyDir, 'policy.yml'), text);
  };
  writePolicy(BASE_POLICY);
  return {
    sandbox,
    model,
    now,
    ids,
    jiraId: jira.id,
    groupId: group.id,
    directoryId: model.defaultDirectoryId,
    dir,
    policyDir,
    writePolicy,
    client: (orgId = sandbox.orgId) =>
      createAtlassianClient(
        { orgId, apiKey: sandbox.apiKey, baseUrl: sandbox.url },
        { sleep: () => Promise.resolve() },
      ),
    env: () => ({
      ATLASSIAN_ORG_ID: sandbox.orgId,
      ATLASSIAN_API_KEY: sandbox.apiKey,
      ATLASSIAN_API_URL: sandbox.url,
    }),
    close: async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The writes the sandbox received, as `METHOD path body`, sorted. */
export function writeRequests(sandbox: RunningSandbox): string[] {
  return sandbox
    .writes()
    .map((w) => `${w.method} ${w.path}${w.body === undefined ? '' : ` ${JSON.stringify(w.body)}`}`)
    .sort();
}

export function rowsCollector(): { rows: AuditRow[]; audit: (row: AuditRow) => void } {
  const rows: AuditRow[] = [];
  return { rows, audit: (row) => rows.push(row) };
}
