import { describe, expect, it } from '@jest/globals';
import { checkPreconditions, type PreconditionContext } from '../../../src/apply/preconditions.js';
import { RefusedError } from '../../../src/errors.js';
import type { BlockReason, Plan } from '../../../src/plan/types.js';
import { LicensedSince } from '../../../src/plan/licensed-since.js';

const plan = (overrides: Partial<Plan> = {}): Plan =>
  ({
    schemaVersion: 1,
    planId: '2026-03-01-abcdef01',
    kind: 'removal',
    createdAt: '2026-03-01T00:00:00.000Z',
    expiresAt: '2026-03-04T00:00:00.000Z',
    org: { id: 'org-1' },
    blocked: [],
    ...overrides,
  }) as Plan;

const ctx = (overrides: Partial<PreconditionContext> = {}): PreconditionContext => ({
  digestValid: true,
  orgId: 'org-1',
  state: {
    schemaVersion: 1,
    orgId: 'org-1',
    licensedSince: new LicensedSince(),
    lastApplied: null,
  },
  now: new Date('2026-03-02T00:00:00.000Z'),
  planTtlHours: 72,
  overrideLimits: false,
  ...overrides,
});

const limitBlock: BlockReason = {
  code: 'max-removals',
  message: '620 removals, limit 500',
  limit: 500,
  actual: 620,
  overridable: true,
};
const dataBlock: BlockReason = {
  code: 'activity-data-missing',
  message: 'activity for 12% of jira-software on acme',
  limit: 50,
  actual: 12,
  overridable: false,
};

function refusal(p: Plan, c: PreconditionContext): string {
  try {
    checkPreconditions(p, c);
  } catch (error: unknown) {
    if (error instanceof RefusedError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('apply preconditions', () => {
  it('accepts a fresh, untampered, unblocked plan for the configured org', () => {
    expect(refusal(plan(), ctx())).toBe('accepted');
  });

  it('refuses a plan whose digest does not match, before anything else', () => {
    expect(refusal(plan({ org: { id: 'other' } }), ctx({ digestValid: false }))).toBe(
      'digest-mismatch',
    );
  });

  it('refuses a plan past its expiresAt', () => {
    expect(refusal(plan(), ctx({ now: new Date('2026-03-04T00:00:00.000Z') }))).toBe('expired');
  });

  it('refuses a plan older than a planTtlHours shortened at HEAD', () => {
    expect(refusal(plan(), ctx({ planTtlHours: 12 }))).toBe('expired');
  });

  it('refuses a plan for another organization', () => {
    expect(refusal(plan({ org: { id: 'org-2' } }), ctx())).toBe('org-mismatch');
  });

  it('refuses a plan older than the last applied plan but re-accepts the same plan', () => {
    const state = {
      schemaVersion: 1 as const,
      orgId: 'org-1',
      licensedSince: new LicensedSince(),
      lastApplied: { planId: '2026-03-01-99999999', createdAt: '2026-03-01T06:00:00.000Z' },
    };
    expect(refusal(plan(), ctx({ state }))).toBe('older-than-last-applied');
    expect(
      refusal(
        plan(),
        ctx({
          state: {
            ...state,
            lastApplied: { planId: '2026-03-01-abcdef01', createdAt: '2026-03-01T00:00:00.000Z' },
          },
        }),
      ),
    ).toBe('accepted');
  });

  it('refuses a blocked plan without an override and accepts it with one', () => {
    expect(refusal(plan({ blocked: [limitBlock] }), ctx())).toBe('blocked');
    expect(refusal(plan({ blocked: [limitBlock] }), ctx({ overrideLimits: true }))).toBe(
      'accepted',
    );
  });

  it('never lets an override lift activity-data-missing, even if the plan says it may', () => {
    expect(refusal(plan({ blocked: [limitBlock, dataBlock] }), ctx({ overrideLimits: true }))).toBe(
      'activity-data-missing',
    );
    expect(
      refusal(
        plan({ blocked: [{ ...dataBlock, overridable: true }] }),
        ctx({ overrideLimits: true }),
      ),
    ).toBe('activity-data-missing');
  });

  it('refuses a restore plan (restore has its own review)', () => {
    expect(refusal(plan({ kind: 'restore' }), ctx())).toBe('wrong-plan-kind');
  });
});
