/**
 * The action's restore pipeline (`realPipelines().restore`) against the sandbox, with git
 * served from memory: the restore plan committed to git is redacted as `redact` says and still
 * digest-checked; the audit artifact's rows keep names and emails under the committed plan's id
 * and digest; a forged audit is refused with its `refused` row recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realPipelines } from '../../src/action/pipelines.js';
import type { RestorePipelineInput } from '../../src/action/deps.js';
import { parseAuditCsv } from '../../src/audit/csv.js';
import { RefusedError } from '../../src/errors.js';
import { parsePlan, serializePlan, verifyPlanDigest } from '../../src/plan/plan-file.js';
import type { Plan } from '../../src/plan/types.js';
import { startTestOrg, type TestOrg } from './apply-org.js';
import { appliedPlan, gitOf } from './support/restore-world.js';

let org: TestOrg;
beforeEach(async () => {
  org = await startTestOrg();
});
afterEach(async () => {
  await org.close();
});

function input(
  plan: Plan,
  csv: string,
  redact: RestorePipelineInput['redact'],
): RestorePipelineInput {
  const now = new Date();
  const dir = `audit/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  return {
    files: gitOf({
      'license-policy/audit': { [`${dir}/${plan.planId}-77-1.csv`]: csv },
      main: { [`plans/${plan.planId}.json`]: serializePlan(plan) },
    }),
    auditBranch: 'license-policy/audit',
    defaultBranch: 'main',
    plansPath: 'plans',
    planId: plan.planId,
    accounts: [],
    atlassian: { orgId: org.sandbox.orgId, apiKey: org.sandbox.apiKey, apiUrl: org.sandbox.url },
    policyDir: org.policyDir,
    root: org.dir,
    redact,
    auditFile: path.join(mkdtempSync(path.join(os.tmpdir(), 'lp-restore-')), 'audit.csv'),
    runId: '88',
    onProgress: () => undefined,
  };
}

describe('the action restore pipeline', () => {
  it('commits a redacted, digest-checked restore plan; the artifact rows keep who, under its id and digest', async () => {
    const { plan, csv } = await appliedPlan(org);
    const given = input(plan, csv, 'all');
    const out = await realPipelines().restore(given);

    const committed = parsePlan(out.planFileText, 'restore.json');
    expect(committed).toEqual(out.plan);
    expect(verifyPlanDigest(committed)).toBe(true);
    expect(committed.kind).toBe('restore');
    expect(committed.restoreOf).toMatchObject({ planId: plan.planId, planDigest: plan.digest });
    expect(committed.actions.map((a) => a.accountId).sort()).toEqual(
      [org.ids.alice, org.ids.bob, org.ids.dave, org.ids.erin].sort(),
    );
    expect(committed.actions.every((a) => a.email === null && a.name === null)).toBe(true);
    expect(out.planFileText).not.toMatch(/@acme\.example|Alice|Bob/);
    // The policy's plan TTL (the default 72 hours here) sets the expiry.
    expect(Date.parse(committed.expiresAt) - Date.parse(committed.createdAt)).toBe(72 * 3_600_000);
    expect(out.refused).toBe(0);

    const rows = parseAuditCsv(readFileSync(given.auditFile, 'utf8'));
    expect(rows.length).toBe(5); // alice, bob (membership and role), dave, erin
    for (const row of rows) {
      expect(row).toMatchObject({
        phase: 'restore',
        outcome: 'planned',
        run_id: '88',
        plan_id: committed.planId,
        plan_digest: committed.digest,
      });
    }
    expect(rows.map((r) => r.email)).toContain('alice@acme.example');
    expect(org.sandbox.writes()).toEqual([]);
  });

  it('keeps names and emails in git when redact is none', async () => {
    const { plan, csv } = await appliedPlan(org);
    const given = input(plan, csv, 'none');
    const out = await realPipelines().restore(given);
    expect(out.plan.actions.map((a) => a.email)).toContain('alice@acme.example');
    expect(out.planFileText).toContain('alice@acme.example');
    const rows = parseAuditCsv(readFileSync(given.auditFile, 'utf8'));
    expect(new Set(rows.map((r) => r.plan_id))).toEqual(new Set([out.plan.planId]));
  });

  it('refuses a forged audit and records the refusal', async () => {
    const { plan, csv } = await appliedPlan(org);
    // A row claiming carol's seat was removed: the reviewed plan never listed her.
    const forged = csv.replace(new RegExp(org.ids.alice, 'g'), org.ids.carol);
    const given = input(plan, forged, 'none');
    await expect(realPipelines().restore(given)).rejects.toThrow(RefusedError);
    const rows = parseAuditCsv(readFileSync(given.auditFile, 'utf8'));
    expect(rows.map((r) => [r.phase, r.outcome, r.plan_id])).toEqual([
      ['restore', 'refused', plan.planId],
    ]);
    expect(org.sandbox.writes()).toEqual([]);
  });
});
