/**
 * `license-policy init` against the sandbox over real HTTP: what it reads from a small
 * hand-built organisation, and that the file it writes for a generated 3,000-account
 * organisation validates, plans against the same organisation without errors, flags the groups
 * a removal cannot go through, and is never written over an existing file.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AtlassianClient } from '../../src/atlassian/client.js';
import { initCommand } from '../../src/commands/init.js';
import type { CliIo } from '../../src/commands/io.js';
import { readSurvey } from '../../src/init/read-survey.js';
import type { OrgSurvey } from '../../src/init/survey.js';
import { emptyState } from '../../src/plan/state.js';
import { parsePolicyFiles } from '../../src/policy/parse.js';
import { createPlan } from '../../src/run/plan-run.js';
import {
  createOrgModel,
  startSandbox,
  SYNTHETIC_ORG,
  type GroupInput,
  type RunningSandbox,
} from '../../src/sandbox/index.js';
import { ADMIN_PLATFORM_ROLES, PRODUCT_ADMIN_ROLE } from '../../src/snapshot/types.js';

const NOW = new Date('2026-11-01T09:00:00Z');

interface Captured {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
}

function captureIo(sandbox: RunningSandbox, cwd: string): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env: {
        ATLASSIAN_ORG_ID: sandbox.orgId,
        ATLASSIAN_API_KEY: sandbox.apiKey,
        ATLASSIAN_API_URL: sandbox.url,
      },
      cwd,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

function clientFor(sandbox: RunningSandbox): AtlassianClient {
  return new AtlassianClient({
    orgId: sandbox.orgId,
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
  });
}

const JIRA = 'ari:cloud:jira-software::site/11111111-aaaa-4aaa-8aaa-000000000001';
const CONF = 'ari:cloud:confluence::site/11111111-aaaa-4aaa-8aaa-000000000001';
const JIRA_SBX = 'ari:cloud:jira-software::site/22222222-aaaa-4aaa-8aaa-000000000002';
const CONF_OLD = 'ari:cloud:confluence::site/33333333-aaaa-4aaa-8aaa-000000000003';
const DIR = '99999999-0000-4000-8000-000000000000';

/** Eight people and two non-people across two sites, every access path the survey must tell apart. */
function smallOrg() {
  const org = createOrgModel({
    orgId: 'org-small',
    name: 'Small Co',
    now: NOW,
    directory: { id: DIR, name: 'Small Co' },
  });
  org.addWorkspace({ id: JIRA, host: 'small.atlassian.net', capacity: 10 });
  org.addWorkspace({ id: CONF, host: 'small.atlassian.net', capacity: 10 });
  org.addWorkspace({ id: JIRA_SBX, host: 'small-sandbox.atlassian.net', sandbox: true });
  org.addWorkspace({ id: CONF_OLD, host: 'old.atlassian.net', status: 'offline' });
  const group = (n: number, name: string, extra: Omit<GroupInput, 'id' | 'name'> = {}) =>
    org.addGroup({ ...extra, id: `00000000-0000-4000-8000-00000000000${n}`, name });
  const user = (resourceId: string, roles: GroupInput['grants'] = []) => [
    { resourceId, roles: ['atlassian/user'] },
    ...roles,
  ];
  group(1, 'jira-users', { grants: user(JIRA) });
  group(2, 'okta-jira', { externalSynced: true, grants: user(JIRA) });
  group(3, 'jira-legacy', { modifiable: false, grants: user(JIRA) });
  group(4, 'jira-and-confluence', { grants: user(JIRA, user(CONF)) });
  group(5, 'confluence-guests', { grants: [{ resourceId: CONF, roles: ['atlassian/guest'] }] });
  group(6, 'jira-admins', { grants: [{ resourceId: JIRA, roles: ['atlassian/admin'] }] });
  group(7, 'sandbox-jira', { grants: user(JIRA_SBX) });
  group(8, 'engineering'); // grants nothing: not listed

  const person = (
    accountId: string,
    groups: string[],
    extra: Parameters<typeof org.addUser>[0] = {},
  ) =>
    org.addUser({
      accountId,
      name: accountId,
      email: `${accountId}@small.example`,
      groups,
      ...extra,
    });
  person('alice', ['jira-users']);
  person('bob', ['okta-jira']);
  person('carol', ['jira-legacy', 'jira-users']);
  person('dave', ['jira-and-confluence', 'sandbox-jira']);
  person('erin', ['confluence-guests'], { roles: [{ resourceId: CONF, role: 'atlassian/user' }] });
  person('frank', ['jira-users'], { membershipStatus: 'suspended' }); // no seat
  person('gina', ['jira-users'], { platformRoles: ['atlassian/org-admin'] });
  person('hal', ['jira-admins']); // product admin only
  person('ivy', ['engineering'], { platformRoles: ['atlassian/site-admin'] }); // admin, no licence
  org.addServiceAccount({ accountId: 'svc-build', name: 'Build bot', groups: ['jira-users'] });
  org.addUser({ accountId: 'app-tempo', accountType: 'app', email: null, groups: ['jira-users'] });
  return org;
}

describe('init reads a hand-built organisation', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ org: smallOrg(), now: NOW });
  });
  afterAll(() => sandbox.close());

  it('counts seats per workspace, admins, service accounts and what each group grants, reading only', async () => {
    sandbox.resetLog();
    const survey = await readSurvey(clientFor(sandbox));

    const expected: OrgSurvey = {
      orgId: 'org-small',
      orgName: 'Small Co',
      directories: [{ id: DIR, name: 'Small Co' }],
      resources: [
        {
          id: CONF_OLD,
          product: 'confluence',
          site: 'old.atlassian.net',
          siteId: '33333333-aaaa-4aaa-8aaa-000000000003',
          name: 'Confluence (old)',
          status: 'offline',
          sandbox: false,
          capacity: null,
          seats: 0,
          nonHumanHolders: 0,
        },
        {
          id: CONF,
          product: 'confluence',
          site: 'small.atlassian.net',
          siteId: '11111111-aaaa-4aaa-8aaa-000000000001',
          name: 'Confluence (small)',
          status: 'online',
          sandbox: false,
          capacity: 10,
          seats: 2, // dave (group), erin (direct; her guest group is no seat)
          nonHumanHolders: 0,
        },
        {
          id: JIRA_SBX,
          product: 'jira-software',
          site: 'small-sandbox.atlassian.net',
          siteId: '22222222-aaaa-4aaa-8aaa-000000000002',
          name: 'Jira (small-sandbox)',
          status: 'online',
          sandbox: true,
          capacity: null,
          seats: 1,
          nonHumanHolders: 0,
        },
        {
          id: JIRA,
          product: 'jira-software',
          site: 'small.atlassian.net',
          siteId: '11111111-aaaa-4aaa-8aaa-000000000001',
          name: 'Jira (small)',
          status: 'online',
          sandbox: false,
          capacity: 10,
          seats: 6, // alice bob carol dave gina hal; not frank (suspended)
          nonHumanHolders: 2, // the service account and the app
        },
      ],
      groups: [
        {
          id: '00000000-0000-4000-8000-000000000006',
          directoryId: DIR,
          name: 'jira-admins',
          idpSynced: false,
          locked: false,
          members: 1,
          grants: [{ resourceId: JIRA, roles: ['atlassian/admin'] }],
        },
        {
          id: '00000000-0000-4000-8000-000000000004',
          directoryId: DIR,
          name: 'jira-and-confluence',
          idpSynced: false,
          locked: false,
          members: 1,
          grants: [
            { resourceId: CONF, roles: ['atlassian/user'] },
            { resourceId: JIRA, roles: ['atlassian/user'] },
          ],
        },
        {
          id: '00000000-0000-4000-8000-000000000003',
          directoryId: DIR,
          name: 'jira-legacy',
          idpSynced: false,
          locked: true,
          members: 1,
          grants: [{ resourceId: JIRA, roles: ['atlassian/user'] }],
        },
        {
          id: '00000000-0000-4000-8000-000000000001',
          directoryId: DIR,
          name: 'jira-users',
          idpSynced: false,
          locked: false,
          members: 6,
          grants: [{ resourceId: JIRA, roles: ['atlassian/user'] }],
        },
        {
          id: '00000000-0000-4000-8000-000000000002',
          directoryId: DIR,
          name: 'okta-jira',
          idpSynced: true,
          locked: true,
          members: 1,
          grants: [{ resourceId: JIRA, roles: ['atlassian/user'] }],
        },
        {
          id: '00000000-0000-4000-8000-000000000007',
          directoryId: DIR,
          name: 'sandbox-jira',
          idpSynced: false,
          locked: false,
          members: 1,
          grants: [{ resourceId: JIRA_SBX, roles: ['atlassian/user'] }],
        },
      ],
      nonSeatGroupsByProduct: { confluence: 1 },
      admins: {
        total: 3, // gina (org admin), ivy (site admin), hal (product admin)
        orgAdmins: 1,
        siteAdmins: 1,
        userAccessAdmins: 0,
        productAdminsOnly: 1,
        licensed: 2, // gina and hal hold Jira; ivy holds nothing
      },
      serviceAccounts: { listed: 1, withAccess: 1, appAccountsWithAccess: 1 },
      warnings: [],
    };
    expect(survey).toEqual(expected);

    // Reads only, and never the whole directory: every user search is narrowed by a filter.
    expect(sandbox.writes()).toEqual([]);
    const userSearches = sandbox.requests.filter((r) => r.route === 'users.search');
    expect(userSearches.length).toBe(5); // one per workspace, one for the admins
    for (const request of userSearches) {
      const body = request.body as { resourceIds?: string[]; roleIds?: string[] };
      expect(body.roleIds?.length).toBeGreaterThan(0);
    }
  });

  it('falls back to the service-account email domain when the service-accounts API is refused', async () => {
    sandbox.faults.failNext({ route: 'serviceAccounts.list', status: 403 });
    const survey = await readSurvey(clientFor(sandbox));
    expect(survey.serviceAccounts).toEqual({
      listed: null,
      withAccess: 1,
      appAccountsWithAccess: 1,
    });
    expect(survey.resources.find((r) => r.id === JIRA)?.seats).toBe(6);
    expect(survey.warnings).toEqual([
      expect.stringContaining('The service-accounts API answered 403'),
    ]);
  });

  it('fails as a whole when a read fails, so no policy is written from partial data', async () => {
    sandbox.faults.failNext({ route: 'group.roleAssignments', status: 400 });
    await expect(readSurvey(clientFor(sandbox))).rejects.toThrow(/400/);
  });
});

describe('init against a generated 3,000-account organisation', () => {
  let sandbox: RunningSandbox;
  let cwd: string;
  let written: string;
  let requestsForInit: number;
  let stdoutText: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ users: 3000, seed: 11, now: NOW });
    cwd = mkdtempSync(path.join(tmpdir(), 'license-policy-init-'));
    sandbox.resetLog();
    const run = captureIo(sandbox, cwd);
    const code = await initCommand([], run.io);
    if (code !== 0) throw new Error(`init exited ${code}: ${run.stderr()}`);
    requestsForInit = sandbox.requests.length;
    stdoutText = run.stdout();
    written = readFileSync(path.join(cwd, 'policies', 'license-policy.yml'), 'utf8');
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('writes policies/license-policy.yml that the policy loader accepts, with one rule per licensed product', () => {
    expect(stdoutText).toMatch(/^Wrote policies\/license-policy\.yml: 4 rule\(s\)/);
    expect(
      written.startsWith('# yaml-language-server: $schema=../schema/policy.schema.json\n'),
    ).toBe(true);
    const policy = parsePolicyFiles([
      { path: 'policies/license-policy.yml', content: new TextEncoder().encode(written) },
    ]);
    expect(
      policy.rules.map((r) => [r.id, r.product, r.sites, r.inactiveDays, r.noticeDays, r.action]),
    ).toEqual([
      [
        'confluence-inactive-90d',
        'confluence',
        ['acme.atlassian.net', 'beta.atlassian.net'],
        90,
        14,
        'remove-product-access',
      ],
      [
        'jira-product-discovery-inactive-90d',
        'jira-product-discovery',
        ['acme.atlassian.net'],
        90,
        14,
        'remove-product-access',
      ],
      [
        'jira-servicedesk-inactive-90d',
        'jira-servicedesk',
        ['acme.atlassian.net'],
        90,
        14,
        'remove-product-access',
      ],
      [
        'jira-software-inactive-90d',
        'jira-software',
        ['acme.atlassian.net', 'beta.atlassian.net'],
        90,
        14,
        'remove-product-access',
      ],
    ]);
    expect(policy.exclude.admins).toBe(true);
    expect(policy.exclude.serviceAccounts).toBe(true);
    expect(policy.limits.maxRemovals).toBe(50);
    expect(policy.rules.every((r) => r.neverActive.include && r.neverActive.graceDays === 90)).toBe(
      true,
    );
  });

  it('plans against the same organisation without errors, and the seat counts it wrote are the plan’s', async () => {
    const policy = parsePolicyFiles([
      { path: 'policies/license-policy.yml', content: new TextEncoder().encode(written) },
    ]);
    const { plan } = await createPlan({
      policy,
      client: clientFor(sandbox),
      state: emptyState(),
      now: NOW,
      policyCommit: null,
    });
    expect(plan.summary.length).toBe(6);
    for (const s of plan.summary) {
      // The inventory row for this product and site: "#   <product>  <site>  online  <seats> ..."
      const row = new RegExp(
        `^#   ${s.product}\\s+${s.site.replace(/\./g, '\\.')}\\s+online\\s+(\\d[\\d,]*)\\s`,
        'm',
      );
      const seats = row.exec(written)?.[1];
      expect(seats?.replace(/,/g, '')).toBe(String(s.licensed));
    }
    // Blocked only by the starter's small limits, never by missing activity data.
    expect(
      plan.blocked.every((b) => b.code === 'max-removals' || b.code === 'max-removals-percent'),
    ).toBe(true);
  });

  it('flags the IdP-synced and locked groups that grant Jira', () => {
    const line = (group: string) =>
      written.split('\n').find((l) => l.startsWith(`  #   ${group} `)) ?? '';
    expect(line(SYNTHETIC_ORG.groups.jiraIdpAcme)).toContain('[IdP-synced]');
    expect(line(SYNTHETIC_ORG.groups.confluenceIdpAcme)).toContain('[IdP-synced]');
    expect(line(SYNTHETIC_ORG.groups.lockedJira)).toContain('[locked]');
    expect(line(SYNTHETIC_ORG.groups.lockedJira)).not.toContain('[IdP-synced]');
    expect(line(SYNTHETIC_ORG.groups.jiraUsersAcme)).not.toMatch(/\[IdP-synced\]|\[locked\]/);
    expect(line(SYNTHETIC_ORG.groups.productTeam)).toContain('[also grants');
    // Legend: what the flags mean for a removal, in words.
    expect(written).toContain('needs-idp-change');
    expect(written).toContain('needs-manual');
  });

  it('says how many admins and service accounts it found', () => {
    const adminRoles = [...ADMIN_PLATFORM_ROLES, PRODUCT_ADMIN_ROLE];
    const admins = sandbox.org.holders(null, adminRoles).size;
    expect(written).toContain(
      `# Admins: ${admins.toLocaleString('en-US')} accounts with an admin role (`,
    );
    const serviceAccounts = sandbox.org.serviceAccounts();
    const withAccess = serviceAccounts.filter((u) => sandbox.org.resourceCount(u) > 0).length;
    expect(written).toContain(
      `# Service accounts: ${serviceAccounts.length} service accounts found, ${withAccess} of them with`,
    );
  });

  it('reads a few dozen pages, not the whole directory, and changes nothing', () => {
    expect(requestsForInit).toBeLessThan(60);
    expect(sandbox.writes()).toEqual([]);
  });

  it('refuses to overwrite the file it wrote, before any API call', async () => {
    sandbox.resetLog();
    const file = path.join(cwd, 'policies', 'license-policy.yml');
    writeFileSync(file, 'version: 1\n# edited by hand\n');
    const run = captureIo(sandbox, cwd);
    expect(await initCommand([], run.io)).toBe(2);
    expect(run.stderr()).toBe(
      'license-policy init: policies/license-policy.yml already exists and was left as it is; ' +
        'pass --force to replace it, --out FILE to write elsewhere, or --out - to print the policy\n',
    );
    expect(readFileSync(file, 'utf8')).toBe('version: 1\n# edited by hand\n');
    expect(sandbox.requests).toEqual([]);
  });

  it('replaces the file with --force, and prints the same policy with --out -', async () => {
    const file = path.join(cwd, 'policies', 'license-policy.yml');
    const forced = captureIo(sandbox, cwd);
    expect(await initCommand(['--force'], forced.io)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(written);

    const printed = captureIo(sandbox, cwd);
    expect(await initCommand(['--out', '-'], printed.io)).toBe(0);
    expect(printed.stdout()).toBe(written);
  });

  it('writes elsewhere with --out, pointing the schema line at schema/ from there', async () => {
    const run = captureIo(sandbox, cwd);
    expect(await initCommand(['--out', 'config/licences/start.yaml'], run.io)).toBe(0);
    const text = readFileSync(path.join(cwd, 'config', 'licences', 'start.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../schema/policy.schema.json',
    );
    expect(text).toContain('license-policy validate --policy config/licences');
  });

  it('needs the Atlassian settings, and says which are missing', async () => {
    const run = captureIo(sandbox, mkdtempSync(path.join(tmpdir(), 'license-policy-init-')));
    run.io.env = {};
    expect(await initCommand(['--out', '-'], run.io)).toBe(2);
    expect(run.stderr()).toMatch(
      /^license-policy init: set ATLASSIAN_ORG_ID and ATLASSIAN_API_KEY/,
    );
    expect(run.stdout()).toBe('');
  });
});
