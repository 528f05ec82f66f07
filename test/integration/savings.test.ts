/**
 * Savings and licence tiers end to end against the sandbox (issue 8, item 4): the action's plan
 * pipeline reads the org (workspace `capacity` included), prices removals with the policy's
 * `monthlyCostPerUser`, and the plan file, PR title, job summary and `monthly-savings` output all
 * carry the same list-price numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emptyOutputs, outputValues } from '../../src/action/outputs.js';
import { realPipelines } from '../../src/action/pipelines.js';
import { monthlySavingsOf } from '../../src/action/plan.js';
import { parsePlan } from '../../src/plan/plan-file.js';
import {
  JOB_SUMMARY_LIMIT,
  renderPlanMarkdown,
  renderPrTitle,
} from '../../src/plan/render-plan.js';
import { emptyState } from '../../src/plan/state.js';
import type { Plan } from '../../src/plan/types.js';
import { createOrgModel } from '../../src/sandbox/model.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.js';

const DAY = 86_400_000;
let sandbox: RunningSandbox;
let dir: string;
let plan: Plan;
let planFileText: string;

/**
 * Jira on acme: a 10-seat tier, 8 licensed, 5 inactive for 100 days.
 * Confluence on acme: no tier reported, 4 licensed, 2 inactive.
 */
beforeAll(async () => {
  const now = new Date();
  const model = createOrgModel({ now, seed: 5 });
  const jira = model.addWorkspace({
    product: 'jira-software',
    host: 'acme.atlassian.net',
    capacity: 10,
  });
  const confluence = model.addWorkspace({ product: 'confluence', host: 'acme.atlassian.net' });
  const grant = (name: string, resourceId: string) =>
    model.addGroup({ name, grants: [{ resourceId, roles: ['atlassian/user'] }] }).id;
  const jiraUsers = grant('jira-users', jira.id);
  const confUsers = grant('confluence-users', confluence.id);
  const user = (name: string, group: string, resourceId: string, daysAgo: number) =>
    model.addUser({
      name,
      groups: [group],
      activity: { [resourceId]: new Date(now.getTime() - daysAgo * DAY) },
    });
  for (let i = 0; i < 8; i++) user(`Jira ${i}`, jiraUsers, jira.id, i < 5 ? 100 : 2);
  for (let i = 0; i < 4; i++) user(`Wiki ${i}`, confUsers, confluence.id, i < 2 ? 100 : 2);
  sandbox = await startSandbox({ org: model });

  dir = mkdtempSync(path.join(tmpdir(), 'license-policy-savings-'));
  mkdirSync(path.join(dir, 'policies'));
  writeFileSync(
    path.join(dir, 'policies', 'policy.yml'),
    `version: 1
currency: USD
products:
  jira-software: { monthlyCostPerUser: 8.60 }
  confluence: { monthlyCostPerUser: 6.05 }
rules:
  - id: jira-inactive-30d
    product: jira-software
    inactiveDays: 30
    action: remove-product-access
  - id: confluence-inactive-30d
    product: confluence
    inactiveDays: 30
    action: remove-product-access
`,
  );
  const result = await realPipelines().plan({
    policyDir: 'policies',
    root: dir,
    atlassian: { orgId: sandbox.orgId, apiKey: sandbox.apiKey, apiUrl: sandbox.url },
    state: emptyState(),
    redact: 'none',
    auditFile: path.join(dir, 'audit.csv'),
    snapshotFile: path.join(dir, 'snapshot.ndjson'),
    runId: '42',
    policyCommit: 'c0ffee',
    onProgress: () => undefined,
  });
  plan = result.plan;
  planFileText = result.planFileText;
});

afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('savings and licence tiers from a real read', () => {
  it('the plan file holds monthly and yearly savings and the tier per product and site', () => {
    const summary = parsePlan(planFileText, 'plan.json').summary.map(
      ({ product, licensed, toRemove, after, monthlySavings, yearlySavings, capacity }) => ({
        product,
        licensed,
        toRemove,
        after,
        monthlySavings,
        yearlySavings,
        capacity,
      }),
    );
    expect(summary).toEqual([
      {
        product: 'confluence',
        licensed: 4,
        toRemove: 2,
        after: 2,
        monthlySavings: 12.1,
        yearlySavings: 145.2,
        capacity: null,
      },
      {
        product: 'jira-software',
        licensed: 8,
        toRemove: 5,
        after: 3,
        monthlySavings: 43,
        yearlySavings: 516,
        capacity: 10,
      },
    ]);
  });

  it('the PR title, the job summary and the monthly-savings output agree', () => {
    expect(renderPrTitle(plan)).toBe(
      `License policy plan ${plan.planId.slice(0, 10)}: remove 7 licences, est. $55/month ($661/year) at list price`,
    );
    const summary = renderPlanMarkdown(plan, { redact: 'none', maxLength: JOB_SUMMARY_LIMIT });
    expect(summary).toContain(
      '| **Total** |   | **12** | **7** | **5** |   | **\\$55.10** | **\\$661.20** |',
    );
    expect(summary).toContain('Savings are realised at the next renewal or licence-tier change');
    expect(summary).toContain(
      '- jira-software · acme.atlassian.net: after this plan 3 of the 10-seat licence tier: 7 seats of headroom, 5 of them freed by this plan.',
    );
    const outputs = outputValues({
      ...emptyOutputs('plan'),
      monthlySavings: monthlySavingsOf(plan),
    });
    expect(outputs['monthly-savings']).toBe('55.10');
  });
});
