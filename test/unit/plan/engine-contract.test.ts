/**
 * Contract between the engine and the plan file: whatever the engine evaluates, finalised,
 * written and read back, is a valid plan with the same digest, and renders.
 */
import { describe, expect, it } from '@jest/globals';
import { formatAuditCsv, parseAuditCsv } from '../../../src/audit/csv.js';
import { planAuditRows } from '../../../src/audit/rows.js';
import {
  finalizePlan,
  parsePlan,
  serializePlan,
  verifyPlanDigest,
} from '../../../src/plan/plan-file.js';
import { renderPlanMarkdown } from '../../../src/plan/render-plan.js';
import { parseState, serializeState } from '../../../src/plan/state.js';
import { aPolicy, aRule, anOrg, daysAgo, evaluateFor, excludeAccount } from '../engine/builders.js';

function evaluation() {
  const org = anOrg()
    .withJiraAndConfluence()
    .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
    .withGroup('okta-jira', { grants: { jira: ['atlassian/user'] }, externalSynced: true })
    .withGroup('locked', { grants: { confluence: ['atlassian/user'] }, modifiable: false })
    .withGroup('both', { grants: { jira: ['atlassian/user'], confluence: ['atlassian/user'] } })
    .withUser('old', { groups: ['jira-users'], activity: { jira: daysAgo(90) } })
    .withUser('direct', { direct: { jira: ['atlassian/user'] }, activity: { jira: daysAgo(90) } })
    .withUser('idp', { groups: ['okta-jira'], activity: { jira: daysAgo(90) } })
    .withUser('lock', { groups: ['locked'], activity: { confluence: daysAgo(90) } })
    .withUser('collateral', {
      groups: ['both'],
      activity: { jira: daysAgo(90), confluence: daysAgo(1) },
    })
    .withUser('soon', { groups: ['jira-users'], activity: { jira: daysAgo(27) } })
    .withUser('ceo', {
      email: 'ceo@example.com',
      groups: ['jira-users'],
      activity: { jira: daysAgo(90) },
    })
    .withUser('never', { groups: ['jira-users'] });
  const policy = aPolicy({
    rules: [
      aRule({ id: 'jira-30d', product: 'jira-software', inactiveDays: 30 }),
      aRule({ id: 'confluence-30d', product: 'confluence', inactiveDays: 30 }),
    ],
    products: { 'jira-software': 8.6, confluence: 6.05 },
    exclude: { accounts: [excludeAccount({ email: 'ceo@example.com' }, { reason: 'Executive' })] },
  });
  return evaluateFor(policy, org, { policyCommit: 'abc123' });
}

const evaluatedBody = () => evaluation().plan;

describe('engine output as a plan file', () => {
  it('finalises, writes, reads back and verifies', () => {
    const body = evaluatedBody();
    expect(body.actions.length).toBeGreaterThan(3);
    const plan = finalizePlan(body);
    const parsed = parsePlan(serializePlan(plan), 'plans/engine.json');
    expect(parsed).toEqual(plan);
    expect(verifyPlanDigest(parsed)).toBe(true);
    expect(finalizePlan(evaluatedBody())).toEqual(plan);
  });

  it('renders and audits', () => {
    const plan = finalizePlan(evaluatedBody());
    const md = renderPlanMarkdown(plan, { redact: 'none' });
    expect(md).toMatch(/^\*\*Removes \d+ licences?\*\*/m);
    const rows = planAuditRows(plan, { runId: '1', timestamp: '2026-11-30T12:00:00.000Z' });
    expect(parseAuditCsv(formatAuditCsv(rows))).toHaveLength(rows.length);
  });

  it('writes the next state as a valid state file', () => {
    const { nextState } = evaluation();
    expect(nextState.licensedSince.size).toBeGreaterThan(3);
    const text = serializeState(nextState);
    const back = parseState(text, 'state.json');
    expect(back.licensedSince.toRecord()).toEqual(nextState.licensedSince.toRecord());
    expect({ ...back, licensedSince: null }).toEqual({ ...nextState, licensedSince: null });
    expect(serializeState(parseState(text, 'state.json'))).toBe(text);
  });
});
