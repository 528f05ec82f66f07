/** Restored licences start again: `licensedSince` becomes the restore time (SPEC §3, §9). */
import { describe, expect, it } from '@jest/globals';
import { finalizePlan } from '../../../src/plan/plan-file.js';
import type { State } from '../../../src/plan/types.js';
import { stateAfterRestore } from '../../../src/restore/apply.js';
import { CONFLUENCE, DIR, JIRA, action, appliedPlan } from './fixtures.js';
import { LicensedSince } from '../../../src/plan/licensed-since.js';

describe('stateAfterRestore', () => {
  const { planId: _id, digest: _d, ...body } = appliedPlan();
  const restore = finalizePlan({ ...body, kind: 'restore', createdAt: '2026-12-01T00:00:00.000Z' });
  const state: State = {
    schemaVersion: 1,
    orgId: 'org-1',
    licensedSince: LicensedSince.fromRecord({
      [`carol ${JIRA}`]: { since: '2024-01-01T00:00:00.000Z', estimated: true },
    }),
    lastApplied: { planId: '2026-11-30-aaaaaaaa', createdAt: '2026-11-30T06:00:00.000Z' },
  };
  const now = new Date('2026-12-01T10:00:00.000Z');

  it('starts each restored seat anew, every seat a suspension gave back included, and records the restore as applied', () => {
    const restored = [
      action('alice', [], { kind: 'restore' }),
      action('dan', [], {
        kind: 'restore',
        removes: [
          { product: 'confluence', site: 'acme.atlassian.net', resourceId: CONFLUENCE },
          { product: 'jira-software', site: 'acme.atlassian.net', resourceId: JIRA },
        ],
        directoryId: DIR,
      }),
    ];
    const next = stateAfterRestore(restore, state, restored, now);
    expect(next.licensedSince.toRecord()).toEqual({
      [`carol ${JIRA}`]: { since: '2024-01-01T00:00:00.000Z', estimated: true },
      [`alice ${JIRA}`]: { since: '2026-12-01T10:00:00.000Z' },
      [`dan ${JIRA}`]: { since: '2026-12-01T10:00:00.000Z' },
      [`dan ${CONFLUENCE}`]: { since: '2026-12-01T10:00:00.000Z' },
    });
    expect(next.lastApplied).toEqual({ planId: restore.planId, createdAt: restore.createdAt });
  });

  it('keeps a newer last applied plan', () => {
    const newer = {
      ...state,
      lastApplied: { planId: '2026-12-02-bbbbbbbb', createdAt: '2026-12-02T00:00:00.000Z' },
    };
    expect(stateAfterRestore(restore, newer, [], now).lastApplied).toEqual(newer.lastApplied);
  });
});
