/**
 * The action's restore dispatch: from a plan id (and account ids), the audits of that plan's
 * applies on the audit branch and the merged plan file on the default branch, to a restore plan
 * ready for a PR — against the sandbox, with git served from memory.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { formatAuditCsv } from '../../src/audit/csv.js';
import { redactAuditCsv } from '../../src/audit/redact.js';
import { InputError } from '../../src/errors.js';
import { serializePlan } from '../../src/plan/plan-file.js';
import {
  checkPlanId,
  findAuditFiles,
  parseAccountList,
  restorePlanFromBranches,
} from '../../src/restore/from-branches.js';
import { startTestOrg, type TestOrg } from './apply-org.js';
import { appliedPlan, gitOf } from './support/restore-world.js';

let org: TestOrg;
beforeEach(async () => {
  org = await startTestOrg();
});
afterEach(async () => {
  await org.close();
});

const month = (d: Date) =>
  `audit/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

describe('restore dispatch from the audit and default branches', () => {
  it('builds the restore plan from every audit file of the plan (a re-run included), narrowed to the accounts asked for', async () => {
    const { plan, csv } = await appliedPlan(org);
    const dir = month(new Date());
    // The re-run of the same apply found everything already absent: nothing more to restore.
    const rerun = formatAuditCsv([]);
    const git = gitOf({
      'license-policy/audit': {
        [`${dir}/${plan.planId}-77-1.csv`]: redactAuditCsv(csv, 'all'),
        [`${dir}/${plan.planId}-77-2.csv`]: rerun,
        [`${dir}/2026-01-01-00000000-5-1.csv`]: 'not ours',
      },
      main: { [`plans/${plan.planId}.json`]: serializePlan(plan) },
    });
    const created = await restorePlanFromBranches({
      files: git,
      auditBranch: 'license-policy/audit',
      defaultBranch: 'main',
      plansPath: 'plans',
      planId: plan.planId,
      accounts: parseAccountList(` ${org.ids.alice},\n${org.ids.bob} `),
      client: org.client(),
      now: new Date(),
      runId: '88',
    });
    expect(created.plan.kind).toBe('restore');
    expect(created.plan.restoreOf).toEqual({
      planId: plan.planId,
      planDigest: plan.digest,
      auditFile: `license-policy/audit:${dir}/${plan.planId}-77-1.csv, license-policy/audit:${dir}/${plan.planId}-77-2.csv`,
    });
    expect(created.plan.actions.map((a) => a.accountId).sort()).toEqual(
      [org.ids.alice, org.ids.bob].sort(),
    );
    // Names and emails come from the plan file, not from the redacted audit.
    expect(created.plan.actions.map((a) => a.email).sort()).toEqual([
      'alice@acme.example',
      'bob@acme.example',
    ]);
    expect(created.title).toBe(
      `License policy restore plan ${created.plan.planId.slice(0, 10)}: restore 2 actions (undo ${plan.planId})`,
    );
    expect(created.markdown).toContain('### Restorations');
    expect(created.auditRows.map((r) => `${r.phase} ${r.outcome} ${r.run_id}`)).toEqual(
      Array(3).fill('restore planned 88'),
    );
    expect(org.sandbox.writes()).toEqual([]);
  });

  it('says so when the audit branch holds no apply of the plan, or the plan id is not one', async () => {
    const { plan } = await appliedPlan(org);
    const git = gitOf({ main: { [`plans/${plan.planId}.json`]: serializePlan(plan) } });
    const input = {
      files: git,
      auditBranch: 'license-policy/audit',
      defaultBranch: 'main',
      plansPath: 'plans',
      planId: plan.planId,
      accounts: [],
      client: org.client(),
      now: new Date(),
      runId: '88',
    };
    await expect(restorePlanFromBranches(input)).rejects.toThrow(
      new InputError(
        `No audit of an apply of plan ${plan.planId} is on license-policy/audit (audit/<yyyy>/<mm>/${plan.planId}-<run>-<attempt>.csv): restore gives back only what a recorded apply removed.`,
      ),
    );
    expect(() => checkPlanId('plans/2026-11-30-a1b2c3d4.json')).toThrow(
      /Input 'restore-plan-id' has the value "plans\/2026-11-30-a1b2c3d4.json"/,
    );
    expect(checkPlanId(' 2026-11-30-a1b2c3d4 ')).toBe('2026-11-30-a1b2c3d4');
  });
});

describe('findAuditFiles', () => {
  it('looks from the plan’s month to now, and no further back', async () => {
    const git = gitOf({
      audit: {
        'audit/2026/10/2026-11-30-a1b2c3d4-1-1.csv': '',
        'audit/2026/11/2026-11-30-a1b2c3d4-1-1.csv': '',
        'audit/2027/01/2026-11-30-a1b2c3d4-9-2.csv': '',
        'audit/2027/01/2026-11-30-ffffffff-9-1.csv': '',
      },
    });
    const found = await findAuditFiles(
      git,
      'audit',
      '2026-11-30-a1b2c3d4',
      new Date('2027-01-15T00:00:00Z'),
    );
    expect(found).toEqual([
      'audit/2026/11/2026-11-30-a1b2c3d4-1-1.csv',
      'audit/2027/01/2026-11-30-a1b2c3d4-9-2.csv',
    ]);
    expect(git.listed).toEqual([
      'audit:audit/2026/11',
      'audit:audit/2026/12',
      'audit:audit/2027/01',
    ]);
  });
});
