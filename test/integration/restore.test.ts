/**
 * Undo (SPEC §9) against the sandbox over real HTTP, through the CLI as an admin runs it:
 * plan → apply (audit CSV) → `restore AUDIT_CSV` → review → `apply` of the restore plan. The
 * round trip gives the org back its memberships and roles exactly; a forged audit row refuses
 * the whole restore with no Atlassian write; admin-granting groups are never given back; 409s
 * become clear outcomes; restored licences start again.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAuditCsv, formatAuditCsv } from '../../src/audit/csv.js';
import type { AuditRow } from '../../src/audit/types.js';
import { applyCommand } from '../../src/commands/apply.js';
import type { CliIo, Command } from '../../src/commands/io.js';
import { planCommand } from '../../src/commands/plan.js';
import { restoreCommand } from '../../src/commands/restore.js';
import { parsePlan, verifyPlanDigest } from '../../src/plan/plan-file.js';
import { parseState } from '../../src/plan/state.js';
import type { Plan } from '../../src/plan/types.js';
import type { OrgModel } from '../../src/sandbox/model.js';
import { startTestOrg, writeRequests, type TestOrg } from './apply-org.js';

let org: TestOrg;
beforeEach(async () => {
  org = await startTestOrg();
});
afterEach(async () => {
  await org.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: Command, argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: org.env(),
    cwd: org.dir,
  };
  const code = await command(argv, io);
  return { code, stdout, stderr };
}

const read = (name: string) => readFileSync(path.join(org.dir, name), 'utf8');

/** Every account's groups, direct grants and membership status: what a restore must give back. */
function accessOf(model: OrgModel): string[] {
  return model
    .users()
    .map(
      (u) =>
        `${u.accountId} ${u.membershipStatus} groups=[${u.groups
          .map((g) => g.id)
          .sort()
          .join(',')}] grants=[${u.grants
          .map((g) => `${g.role}@${g.resourceId}/${g.method}`)
          .sort()
          .join(',')}]`,
    )
    .sort();
}

/** plan → apply through the CLI; returns the applied plan and its audit file name. */
async function planAndApply(): Promise<{ plan: Plan; audit: string }> {
  expect((await run(planCommand, ['--out', 'plan.json', '--state', 'state.json'])).code).toBe(0);
  const applied = await run(applyCommand, [
    'plan.json',
    '--state',
    'state.json',
    '--audit',
    'apply.csv',
  ]);
  expect(applied.code).toBe(0);
  org.sandbox.resetLog();
  return { plan: parsePlan(read('plan.json'), 'plan.json'), audit: 'apply.csv' };
}

/** The restore plan the command wrote (the one file under plans/). */
function restorePlan(): { file: string; plan: Plan } {
  const files = readdirSync(path.join(org.dir, 'plans'));
  expect(files).toHaveLength(1);
  const file = path.join('plans', files[0]);
  return { file, plan: parsePlan(read(file), file) };
}

describe('restore round trip', () => {
  it('apply then restore returns the sandbox to its original memberships and roles', async () => {
    const before = accessOf(org.model);
    const { plan } = await planAndApply();
    expect(accessOf(org.model)).not.toEqual(before);

    const restored = await run(restoreCommand, [
      'apply.csv',
      '--plan',
      'plan.json',
      '--markdown',
      'restore.md',
      '--audit',
      'restore.csv',
    ]);
    expect(restored.stderr).toContain('applied removal operation(s)');
    expect(restored.code).toBe(0);
    // Making the restore plan only reads.
    expect(org.sandbox.writes()).toEqual([]);

    const { file, plan: restore } = restorePlan();
    expect(restore.kind).toBe('restore');
    expect(verifyPlanDigest(restore)).toBe(true);
    expect(restore.restoreOf).toEqual({
      planId: plan.planId,
      planDigest: plan.digest,
      auditFile: 'apply.csv',
    });
    const { alice, bob, dave, erin } = org.ids;
    const group = { directoryId: org.directoryId, groupId: org.groupId, groupName: 'jira-users' };
    expect(Object.fromEntries(restore.actions.map((a) => [a.accountId, a.operations]))).toEqual({
      [alice]: [{ type: 'add-group-membership', ...group }],
      [bob]: [
        { type: 'add-group-membership', ...group },
        { type: 'assign-role', role: 'atlassian/user', resourceId: org.jiraId },
      ],
      [dave]: [{ type: 'add-group-membership', ...group }],
      [erin]: [{ type: 'add-group-membership', ...group }],
    });
    expect(read('restore.md')).toContain(`License policy restore plan`);
    expect(read('restore.md')).toContain(`undoing plan \`${plan.planId}\``);
    expect(restored.stdout).toContain(`apply it after review with: license-policy apply ${file}`);
    const planned = parseAuditCsv(read('restore.csv'));
    expect(planned.map((r) => [r.phase, r.outcome, r.account_id, r.operation])).toEqual(
      expect.arrayContaining([['restore', 'planned', bob, 'assign-role']]),
    );
    expect(planned).toHaveLength(5);

    // Reviewed, then applied like any plan.
    const applyStart = Date.now();
    const applied = await run(applyCommand, [
      file,
      '--state',
      'state.json',
      '--audit',
      'restore.csv',
    ]);
    expect(applied.code).toBe(0);
    const add = (id: string) =>
      `POST /admin/v2/orgs/${org.sandbox.orgId}/directories/${org.directoryId}/groups/${org.groupId}/memberships ${JSON.stringify({ accountId: id })}`;
    expect(writeRequests(org.sandbox)).toEqual(
      [
        add(alice),
        add(bob),
        `POST /admin/v1/orgs/${org.sandbox.orgId}/users/${bob}/roles/assign ${JSON.stringify({ role: 'atlassian/user', resource: org.jiraId })}`,
        add(dave),
        add(erin),
      ].sort(),
    );
    expect(accessOf(org.model)).toEqual(before);

    const rows = parseAuditCsv(read('restore.csv')).filter((r) => r.plan_id === restore.planId);
    const applyRows = rows.filter((r) => r.outcome !== 'planned');
    expect(new Set(applyRows.map((r) => `${r.phase} ${r.outcome}`))).toEqual(
      new Set(['restore restored']),
    );
    expect(applyRows.filter((r) => r.operation === '')).toHaveLength(4);
    expect(applied.stdout).toContain('restored 4');

    // Restored licences start again: licensedSince is the restore time, and the next plan
    // does not take them away although their last activity is as old as before.
    const state = parseState(read('state.json'), 'state.json');
    expect(state.lastApplied?.planId).toBe(restore.planId);
    for (const id of [alice, bob, dave, erin]) {
      const entry = state.licensedSince.get(id, org.jiraId)!;
      expect(entry.estimated).toBeUndefined();
      expect(Date.parse(entry.since)).toBeGreaterThanOrEqual(applyStart - 1000);
    }
    expect((await run(planCommand, ['--out', 'next.json', '--state', 'state.json'])).code).toBe(0);
    const next = parsePlan(read('next.json'), 'next.json');
    expect(next.actions.filter((a) => a.status === 'planned')).toEqual([]);
  });

  it('--only restores just the named accounts', async () => {
    await planAndApply();
    const result = await run(restoreCommand, [
      'apply.csv',
      '--plan',
      'plan.json',
      '--only',
      org.ids.dave,
    ]);
    expect(result.code).toBe(0);
    const { plan } = restorePlan();
    expect(plan.actions.map((a) => a.accountId)).toEqual([org.ids.dave]);
  });

  it('finds the applied plan file in the plans directory by its id', async () => {
    const { plan } = await planAndApply();
    const result = await run(restoreCommand, ['apply.csv', '--plans', '.', '--out', 'r.json']);
    // plans/ holds nothing yet: the plan is looked up as ./<planId>.json, which does not exist.
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the file of plan ${plan.planId} was not found`);
    writeFileSync(path.join(org.dir, `${plan.planId}.json`), read('plan.json'));
    const found = await run(restoreCommand, ['apply.csv', '--plans', '.', '--out', 'r.json']);
    expect(found.code).toBe(0);
    expect(parsePlan(read('r.json'), 'r.json').restoreOf?.planId).toBe(plan.planId);
  });
});

describe('restore refuses what the audit cannot prove', () => {
  /** Rewrites the audit CSV's rows. */
  function editAudit(edit: (rows: AuditRow[]) => AuditRow[]): void {
    const rows = parseAuditCsv(read('apply.csv'));
    writeFileSync(path.join(org.dir, 'apply.csv'), formatAuditCsv(edit(rows)));
  }

  it('a forged row (an admin group the apply never removed) refuses the whole restore: exit 3, no write, a refused row', async () => {
    const admins = org.model.addGroup({
      name: 'jira-admins',
      grants: [{ resourceId: org.jiraId, roles: ['atlassian/admin'] }],
    });
    const { plan } = await planAndApply();
    editAudit((rows) => {
      const template = rows.find((r) => r.operation === 'remove-group-membership')!;
      return [
        ...rows,
        {
          ...template,
          account_id: org.ids.carol,
          target: JSON.stringify({
            directoryId: org.directoryId,
            groupId: admins.id,
            groupName: 'jira-admins',
          }),
        },
      ];
    });
    const result = await run(restoreCommand, [
      'apply.csv',
      '--plan',
      'plan.json',
      '--only',
      org.ids.alice,
      '--audit',
      'restore.csv',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('refused (audit-mismatch)');
    expect(result.stderr).toContain(`apply.csv row`);
    expect(result.stderr).toContain(`lists no remove-group-membership`);
    expect(existsSync(path.join(org.dir, 'plans'))).toBe(false);
    expect(org.sandbox.writes()).toEqual([]);
    const refused = parseAuditCsv(read('restore.csv'));
    expect(refused.map((r) => [r.phase, r.outcome, r.plan_id])).toEqual([
      ['restore', 'refused', plan.planId],
    ]);
    expect(org.model.isMember(admins.id, org.ids.carol)).toBe(false);
  });

  it('a row whose digest is not the plan file digest is refused', async () => {
    await planAndApply();
    editAudit((rows) => rows.map((r, i) => (i === 1 ? { ...r, plan_digest: 'f'.repeat(64) } : r)));
    const result = await run(restoreCommand, ['apply.csv', '--plan', 'plan.json']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('carries digest');
    expect(org.sandbox.requests).toEqual([]);
  });

  it('an edited plan file is refused', async () => {
    await planAndApply();
    const edited = JSON.parse(read('plan.json')) as Plan;
    edited.actions[0].operations.push({
      type: 'remove-group-membership',
      directoryId: org.directoryId,
      groupId: 'ffffffff-0000-0000-0000-000000000000',
      groupName: 'site-admins',
    });
    writeFileSync(path.join(org.dir, 'plan.json'), JSON.stringify(edited));
    const result = await run(restoreCommand, ['apply.csv', '--plan', 'plan.json']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('refused (digest-mismatch)');
  });
});

describe('restore never gives back admin access, and says why', () => {
  it('a group that grants an admin role now is left out of the plan and listed; the rest is restored', async () => {
    await planAndApply();
    org.model.grantGroupRole(org.groupId, org.jiraId, 'atlassian/admin');
    const result = await run(restoreCommand, [
      'apply.csv',
      '--plan',
      'plan.json',
      '--markdown',
      'r.md',
    ]);
    expect(result.code).toBe(0);
    const { plan } = restorePlan();
    // Only bob's direct grant is left: atlassian/user, assigned directly.
    expect(plan.actions.map((a) => [a.accountId, a.operations.map((o) => o.type)])).toEqual([
      [org.ids.bob, ['assign-role']],
    ]);
    expect(plan.warnings.filter((w) => w.code === 'restore-refused')).toHaveLength(4);
    expect(plan.warnings[0].message).toContain(
      'group jira-users grants atlassian/admin: restore never gives back a group that grants admin or platform roles',
    );
    expect(read('r.md')).toContain('restore-refused');
  });

  it('a group that became admin-granting after the review is not restored at apply: needs-manual, no write', async () => {
    await planAndApply();
    expect(
      (await run(restoreCommand, ['apply.csv', '--plan', 'plan.json', '--only', org.ids.alice]))
        .code,
    ).toBe(0);
    const { file } = restorePlan();
    org.model.grantGroupRole(org.groupId, org.jiraId, 'atlassian/site-admin');
    const applied = await run(applyCommand, [file, '--state', 'state.json', '--audit', 'r.csv']);
    expect(applied.code).toBe(1);
    expect(org.sandbox.writes()).toEqual([]);
    const rows = parseAuditCsv(read('r.csv'));
    expect(rows.map((r) => [r.phase, r.outcome, r.operation])).toEqual([
      ['restore', 'needs-manual', 'add-group-membership'],
      ['restore', 'needs-manual', ''],
    ]);
    expect(rows[0].detail).toContain('grants atlassian/site-admin');
  });
});

describe('409 answers become clear outcomes', () => {
  it('already a member: restored, nothing given twice', async () => {
    await planAndApply();
    expect(
      (await run(restoreCommand, ['apply.csv', '--plan', 'plan.json', '--only', org.ids.alice]))
        .code,
    ).toBe(0);
    const { file } = restorePlan();
    org.model.addMembership(org.groupId, org.ids.alice);
    const applied = await run(applyCommand, [file, '--state', 'state.json', '--audit', 'r.csv']);
    expect(applied.code).toBe(0);
    const rows = parseAuditCsv(read('r.csv'));
    expect(rows.map((r) => [r.outcome, r.operation])).toEqual([
      ['restored', 'add-group-membership'],
      ['restored', ''],
    ]);
    expect(rows[0].detail).toBe(
      'already a member of jira-users (409 ADMIN-409-28): nothing to give back',
    );
    expect(rows[1].detail).toBe('verified: the seat was already held; nothing changed');
  });

  it('licence limit reached: failed with what to do, the run exits 1, the others are restored', async () => {
    await planAndApply();
    expect((await run(restoreCommand, ['apply.csv', '--plan', 'plan.json'])).code).toBe(0);
    const { file } = restorePlan();
    // Fill the seats a restore would take: give carol's colleagues the product another way.
    const spare = org.model.addWorkspace({
      product: 'jira-software',
      host: 'full.atlassian.net',
      capacity: 0,
    });
    org.model.grantGroupRole(org.groupId, spare.id, 'atlassian/user');
    const applied = await run(applyCommand, [file, '--state', 'state.json', '--audit', 'r.csv']);
    expect(applied.code).toBe(1);
    const rows = parseAuditCsv(read('r.csv')).filter((r) => r.operation === 'add-group-membership');
    expect(new Set(rows.map((r) => r.outcome))).toEqual(new Set(['failed']));
    expect(rows[0].detail).toBe(
      'licence limit reached: a product that group jira-users grants has no free seat (409 ADMIN-409-3); ' +
        'free a seat or raise the licence tier, then apply this restore plan again',
    );
    // Bob's direct grant does not depend on the group: it is given back, so bob is partial.
    const bob = parseAuditCsv(read('r.csv')).find(
      (r) => r.account_id === org.ids.bob && r.operation === '',
    );
    expect(bob?.outcome).toBe('partial');
    expect(applied.stdout).toContain('failed 3');
  });
});

describe('suspensions', () => {
  it('a suspended account is restored in its directory', async () => {
    org.writePolicy(`version: 1
rules:
  - id: jira-suspend-30d
    product: jira-software
    inactiveDays: 30
    action: suspend
`);
    const before = accessOf(org.model);
    await planAndApply();
    expect(org.model.user(org.ids.alice)?.membershipStatus).toBe('suspended');
    expect((await run(restoreCommand, ['apply.csv', '--plan', 'plan.json'])).code).toBe(0);
    const { file, plan } = restorePlan();
    expect(plan.actions.every((a) => a.operations[0]?.type === 'restore-user')).toBe(true);
    expect(plan.actions[0].notes).toContain(
      'restores the account in its directory: it regains every product the suspension removed',
    );
    const applied = await run(applyCommand, [file, '--state', 'state.json']);
    expect(applied.code).toBe(0);
    expect(writeRequests(org.sandbox).every((w) => w.endsWith('/restore'))).toBe(true);
    expect(accessOf(org.model)).toEqual(before);
  });
});
