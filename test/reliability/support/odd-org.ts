/**
 * A small hand-built organisation for odd and hostile data: Jira Software on acme with a
 * granting group, a Confluence site nobody is licensed on, twenty active users (so activity
 * coverage is fine), and one inactive user per oddity, named by `key` so tests can find them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AtlassianClient, type AtlassianClientOptions } from '../../../src/atlassian/client.js';
import {
  createOrgModel,
  startSandbox,
  type OrgModel,
  type RunningSandbox,
  type SandboxOptions,
  type UserInput,
} from '../../../src/sandbox/index.js';
import { NOW } from './world.js';

const DAY = 86_400_000;

export const ODD_POLICY = `version: 1
exclude:
  emailDomains:
    - { domain: partner.example, reason: Partner contract }
rules:
  - id: jira-inactive-30d
    product: jira-software
    inactiveDays: 30
    action: remove-product-access
  - id: confluence-inactive-30d
    product: confluence
    inactiveDays: 30
    action: remove-product-access
limits:
  maxRemovals: 1000
  maxRemovalsPercent: 100
`;

export interface OddOrg {
  model: OrgModel;
  sandbox: RunningSandbox;
  jiraId: string;
  confluenceId: string;
  groupId: string;
  /** Account id by key. */
  ids: Record<string, string>;
  dir: string;
  policyDir: string;
  client(options?: Partial<AtlassianClientOptions>): AtlassianClient;
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** `subjects`: key → what to change from a plain Jira user inactive for 90 days. */
export async function startOddOrg(
  subjects: Record<string, Partial<UserInput>>,
  options: { policy?: string; sandbox?: Partial<SandboxOptions>; groupName?: string } = {},
): Promise<OddOrg> {
  const model = createOrgModel({ now: NOW, seed: 5 });
  const jira = model.addWorkspace({ product: 'jira-software', host: 'acme.atlassian.net' });
  const confluence = model.addWorkspace({ product: 'confluence', host: 'acme.atlassian.net' });
  const group = model.addGroup({
    name: options.groupName ?? 'jira-users',
    grants: [{ resourceId: jira.id, roles: ['atlassian/user'], defaultRole: 'atlassian/user' }],
  });
  for (let i = 0; i < 20; i++) {
    model.addUser({
      name: `Active ${i}`,
      email: `active${i}@acme.example`,
      groups: [group.id],
      activity: { [jira.id]: new Date(NOW.getTime() - 2 * DAY) },
    });
  }
  const ids: Record<string, string> = {};
  for (const [key, patch] of Object.entries(subjects)) {
    ids[key] = model.addUser({
      name: `Subject ${key}`,
      email: `${key.toLowerCase()}@acme.example`,
      groups: [group.id],
      activity: { [jira.id]: new Date(NOW.getTime() - 90 * DAY) },
      ...patch,
    }).accountId;
  }
  const sandbox = await startSandbox({ org: model, ...options.sandbox });
  const dir = mkdtempSync(path.join(tmpdir(), 'lp-odd-'));
  const policyDir = path.join(dir, 'policies');
  mkdirSync(policyDir);
  writeFileSync(path.join(policyDir, 'policy.yml'), options.policy ?? ODD_POLICY);
  return {
    model,
    sandbox,
    jiraId: jira.id,
    confluenceId: confluence.id,
    groupId: group.id,
    ids,
    dir,
    policyDir,
    client: (overrides = {}) =>
      new AtlassianClient({
        orgId: sandbox.orgId,
        apiKey: sandbox.apiKey,
        baseUrl: sandbox.url,
        sleep: () => Promise.resolve(),
        ...overrides,
      }),
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
