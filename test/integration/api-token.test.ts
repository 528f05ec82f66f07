/**
 * Integration accounts (issue 8, item 3) against the sandbox over HTTP: accounts used only
 * through API tokens never "view a page", so for managed candidates the plan reads API-token
 * use (User management API, `GET /users/{account_id}/manage/api-tokens`, `lastAccess`) and a
 * token used within the rule's threshold counts as activity. Unmanaged accounts are never read
 * (the API manages managed accounts only); `countApiTokenUse: false` opts a rule out.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditRow } from '../../src/audit/types.js';
import { emptyState } from '../../src/plan/state.js';
import { renderPlanMarkdown } from '../../src/plan/render-plan.js';
import type { Plan, State } from '../../src/plan/types.js';
import { applyPlan } from '../../src/run/apply-run.js';
import { createPlan } from '../../src/run/plan-run.js';
import { createAtlassianClient } from '../../src/run/settings.js';
import { createOrgModel, type OrgModel } from '../../src/sandbox/model.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.js';

const DAY = 86_400_000;

let sandbox: RunningSandbox;
let model: OrgModel;
let dir: string;
let now: Date;
let ids: Record<'integration' | 'idleToken' | 'noToken' | 'unmanaged' | 'active', string>;

/**
 * Five Jira users on acme, none of them active on Jira for 200 days or more except `active`:
 * - integration: managed, never opened Jira, an API token used 3 days ago;
 * - idleToken: managed, last active 200 days ago, its token last used 200 days ago;
 * - noToken: managed, never active, no token;
 * - unmanaged: an unmanaged account with a token used yesterday (not readable through the API);
 * - active: active on Jira 2 days ago.
 */
beforeEach(async () => {
  now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  model = createOrgModel({ now, seed: 11 });
  const jira = model.addWorkspace({ product: 'jira-software', host: 'acme.atlassian.net' });
  const group = model.addGroup({
    name: 'jira-users',
    grants: [{ resourceId: jira.id, roles: ['atlassian/user'] }],
  });
  const user = (name: string, options: { lastActiveDays?: number; managed?: boolean }) =>
    model.addUser({
      name,
      email: `${name.toLowerCase()}@acme.example`,
      claimStatus: options.managed === false ? 'unmanaged' : 'managed',
      addedToOrg: ago(400),
      groups: [group.id],
      activity:
        options.lastActiveDays === undefined ? {} : { [jira.id]: ago(options.lastActiveDays) },
    }).accountId;
  ids = {
    integration: user('Integration', {}),
    idleToken: user('IdleToken', { lastActiveDays: 200 }),
    noToken: user('NoToken', {}),
    unmanaged: user('Unmanaged', { managed: false }),
    active: user('Active', { lastActiveDays: 2 }),
  };
  model.addApiToken(ids.integration, { label: 'CI pipeline', lastAccess: ago(3) });
  model.addApiToken(ids.integration, { label: 'Old script', lastAccess: ago(300) });
  model.addApiToken(ids.idleToken, { label: 'Reporting', lastAccess: ago(200) });
  model.addApiToken(ids.unmanaged, { label: 'Bot', lastAccess: ago(1) });
  model.addApiToken(ids.active, { label: 'IDE', lastAccess: ago(1) });
  sandbox = await startSandbox({ org: model });
  dir = mkdtempSync(path.join(tmpdir(), 'license-policy-tokens-'));
});

afterEach(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function writePolicy(countApiTokenUse?: boolean): string {
  const policyDir = path.join(dir, 'policies');
  rmSync(policyDir, { recursive: true, force: true });
  const optOut =
    countApiTokenUse === undefined ? '' : `    countApiTokenUse: ${countApiTokenUse}\n`;
  // A low coverage floor: this small org is mostly never active on purpose (2 of 5 have activity).
  const text = `version: 1
rules:
  - id: jira-inactive-90d
    product: jira-software
    inactiveDays: 90
    action: remove-product-access
${optOut}limits:
  minActivityCoverage: 30
  maxRemovalsPercent: 100
`;
  mkdirSync(policyDir, { recursive: true });
  writeFileSync(path.join(policyDir, 'policy.yml'), text);
  return policyDir;
}

const client = () =>
  createAtlassianClient(
    { orgId: sandbox.orgId, apiKey: sandbox.apiKey, baseUrl: sandbox.url },
    { sleep: () => Promise.resolve() },
  );

async function plan(countApiTokenUse?: boolean): Promise<{ plan: Plan; state: State }> {
  const created = await createPlan({
    policyDir: writePolicy(countApiTokenUse),
    client: client(),
    state: emptyState(),
    now,
    policyCommit: null,
  });
  return { plan: created.plan, state: created.nextState };
}

/** Account ids whose API tokens the run read. */
function tokenReads(): string[] {
  return sandbox.requests
    .filter((r) => r.route === 'user.apiTokens')
    .map((r) => decodeURIComponent(r.path.split('/')[2] ?? ''))
    .sort();
}

const planned = (p: Plan) =>
  p.actions
    .filter((a) => a.status === 'planned')
    .map((a) => a.accountId)
    .sort();

describe('integration accounts: API-token use counts as activity', () => {
  it('keeps a token-only managed account with a note, removes the idle ones, and reads tokens of managed candidates only', async () => {
    const { plan: p } = await plan();
    expect(planned(p)).toEqual([ids.idleToken, ids.noToken, ids.unmanaged].sort());
    expect(p.actions.map((a) => a.accountId)).not.toContain(ids.integration);

    // Read for the managed candidates only: never for the unmanaged one (the API would refuse
    // it), never for someone active on the product.
    expect(tokenReads()).toEqual([ids.integration, ids.idleToken, ids.noToken].sort());

    const day = new Date(now.getTime() - 3 * DAY).toISOString().slice(0, 10);
    const note = p.warnings.find((w) => w.code === 'api-token-activity');
    expect(note?.message).toBe(
      `jira-software on acme.atlassian.net: 1 user(s) not removed because they used an API token within ` +
        `the threshold (API-token use counts as activity): integration@acme.example (3 days ago, ${day})`,
    );
    expect(renderPlanMarkdown(p, { redact: 'none' })).toContain('`api-token-activity`');
  });

  it('countApiTokenUse: false removes the token-only account too, and reads no token', async () => {
    const { plan: p } = await plan(false);
    expect(planned(p)).toEqual([ids.integration, ids.idleToken, ids.noToken, ids.unmanaged].sort());
    expect(tokenReads()).toEqual([]);
    expect(p.warnings.map((w) => w.code)).not.toContain('api-token-activity');
  });

  it('a token used after the plan keeps the account at apply: skipped, and the detail says why', async () => {
    const { plan: p, state } = await plan();
    model.addApiToken(ids.idleToken, { label: 'Revived', lastAccess: new Date() });
    sandbox.resetLog();
    const rows: AuditRow[] = [];
    const applied = await applyPlan({
      plan: p,
      policyDir: path.join(dir, 'policies'),
      client: client(),
      state,
      dryRun: false,
      overrideLimits: false,
      audit: (row) => rows.push(row),
      auditContext: { runId: 'run-1' },
      verify: { sleep: () => Promise.resolve() },
    });
    const idle = applied.result.outcomes.find((o) => o.accountId === ids.idleToken);
    expect(idle?.outcome).toBe('skipped-now-active');
    expect(idle?.detail).toMatch(
      /^used an API token since the plan \(last used \S+; API-token use counts as activity\)$/,
    );
    expect(applied.result.counts).toEqual({ applied: 2, 'skipped-now-active': 1 });
    expect(
      sandbox
        .writes()
        .map((w) => w.path.split('/').pop())
        .sort(),
    ).toEqual([ids.noToken, ids.unmanaged].sort());
  });
});
