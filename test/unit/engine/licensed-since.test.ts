import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../../src/errors.js';
import {
  FETCHED_AT,
  aPolicy,
  aRule,
  aState,
  anOrg,
  daysAgo,
  evaluateFor,
  resourceIdOf,
} from './builders.js';

const JIRA = resourceIdOf('jira-software', 'acme.atlassian.net');
const CONFLUENCE = resourceIdOf('confluence', 'acme.atlassian.net');
const BETA = resourceIdOf('jira-software', 'beta.atlassian.net');

function org() {
  return anOrg()
    .withJiraAndConfluence()
    .withGroup('jira-users', { grants: { jira: ['atlassian/user'] } })
    .withUser('active-1', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(1) },
      addedToOrg: daysAgo(700),
    })
    .withUser('active-2', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(2) },
      addedToOrg: null,
    });
}

const policy = aPolicy({ rules: [aRule({ id: 'jira-30d', product: 'jira-software' })] });

describe('SPEC §3 licensedSince: first run falls back to addedToOrg, later runs remember', () => {
  it('marks the first run: a warning and a note on every action relying on addedToOrg', () => {
    const builder = org().withUser('old', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(90) },
    });
    const { plan } = evaluateFor(policy, builder);
    expect(plan.actions.map((a) => [a.accountId, a.licensedSince, a.notes])).toEqual([
      ['old', daysAgo(400), ['licence start unknown (first run)']],
    ]);
    expect(plan.warnings.filter((w) => w.code === 'first-run')).toEqual([
      {
        code: 'first-run',
        message:
          'First run: no state yet, so each licence is taken to start when the account joined the organisation ' +
          '(addedToOrg); 1 action(s) rely on that estimate. Later runs record when each licence is first seen.',
      },
    ]);
  });

  it('treats a state without licence entries as a first run', () => {
    const builder = org().withUser('old', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(90) },
    });
    const { plan } = evaluateFor(policy, builder, { state: aState([]) });
    expect(plan.warnings.map((w) => w.code)).toContain('first-run');
  });

  it('uses the recorded date on later runs, without the note', () => {
    const builder = org().withUser('old', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(90) },
    });
    const state = aState([{ accountId: 'old', resourceId: JIRA, since: daysAgo(200) }]);
    const { plan } = evaluateFor(policy, builder, { state });
    expect(plan.actions.map((a) => [a.accountId, a.licensedSince, a.notes])).toEqual([
      ['old', daysAgo(200), []],
    ]);
    expect(plan.warnings.map((w) => w.code)).not.toContain('first-run');
  });

  it('keeps the note while the recorded date is still the first run estimate', () => {
    const builder = org().withUser('old', { groups: ['jira-users'] });
    const state = aState([
      { accountId: 'old', resourceId: JIRA, since: daysAgo(400), estimated: true },
    ]);
    const { plan } = evaluateFor(policy, builder, { state });
    expect(plan.actions.map((a) => a.notes)).toEqual([['licence start unknown (first run)']]);
  });

  it('does not remove a long-inactive user whose licence was given back (the licence starts again)', () => {
    const builder = org().withUser('back', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(365) },
    });
    // Later run: the state knows other licences, but not this one (it was removed and re-granted).
    const state = aState([{ accountId: 'active-1', resourceId: JIRA, since: daysAgo(700) }]);
    const { plan, nextState } = evaluateFor(policy, builder, { state });
    expect(plan.actions).toEqual([]);
    expect(nextState.licensedSince.get('back', JIRA)).toEqual({ since: FETCHED_AT });
  });
});

describe('SPEC §4 State: the next run starts from what this run saw', () => {
  it('records addedToOrg as an estimate on the first run (the snapshot time when there is none)', () => {
    const { nextState } = evaluateFor(policy, org());
    expect({ ...nextState, licensedSince: nextState.licensedSince.toRecord() }).toEqual({
      schemaVersion: 1,
      orgId: 'org-1',
      licensedSince: {
        [`active-1 ${JIRA}`]: { since: daysAgo(700), estimated: true },
        [`active-2 ${JIRA}`]: { since: FETCHED_AT, estimated: true },
      },
      lastApplied: null,
    });
  });

  it('keeps known dates, records new licences at the snapshot time, drops licences no longer held', () => {
    const builder = org().withUser('new', {
      groups: ['jira-users'],
      activity: { jira: daysAgo(1) },
    });
    const state = aState(
      [
        { accountId: 'active-1', resourceId: JIRA, since: daysAgo(700), estimated: true },
        { accountId: 'active-2', resourceId: JIRA, since: daysAgo(300) },
        { accountId: 'gone', resourceId: JIRA, since: daysAgo(100) },
      ],
      { lastApplied: { planId: '2026-11-01-a1b2c3d4', createdAt: '2026-11-01T06:00:00.000Z' } },
    );
    const { nextState } = evaluateFor(policy, builder, { state });
    expect({ ...nextState, licensedSince: nextState.licensedSince.toRecord() }).toEqual({
      schemaVersion: 1,
      orgId: 'org-1',
      licensedSince: {
        [`active-1 ${JIRA}`]: { since: daysAgo(700), estimated: true },
        [`active-2 ${JIRA}`]: { since: daysAgo(300) },
        [`new ${JIRA}`]: { since: FETCHED_AT },
      },
      lastApplied: { planId: '2026-11-01-a1b2c3d4', createdAt: '2026-11-01T06:00:00.000Z' },
    });
  });

  it('keeps entries of resources this snapshot did not read, untouched (and drops those of read ones)', () => {
    const builder = org().withResource('jira-beta', {
      product: 'jira-software',
      site: 'beta.atlassian.net',
      governed: false,
    });
    const rulePolicy = aPolicy({
      rules: [aRule({ product: 'jira-software', sites: ['acme.atlassian.net'] })],
    });
    const state = aState([
      { accountId: 'active-1', resourceId: JIRA, since: daysAgo(700) },
      { accountId: 'someone', resourceId: BETA, since: daysAgo(50), estimated: true },
      { accountId: 'someone', resourceId: CONFLUENCE, since: daysAgo(60) },
    ]);
    const { nextState } = evaluateFor(rulePolicy, builder, { state });
    expect(Object.keys(nextState.licensedSince.toRecord()).sort()).toEqual([
      `active-1 ${JIRA}`,
      `active-2 ${JIRA}`,
      // Confluence was read (the snapshot says so) and "someone" holds no seat there: dropped.
      `someone ${BETA}`,
    ]);
    expect(nextState.licensedSince.get('someone', BETA)).toEqual({
      since: daysAgo(50),
      estimated: true,
    });
  });

  it('refuses the state of another org', () => {
    expect(() => evaluateFor(policy, org(), { state: aState([], { orgId: 'org-2' }) })).toThrow(
      InputError,
    );
  });
});
