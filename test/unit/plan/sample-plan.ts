/** A small, representative plan body for plan and audit tests (what the engine would return). */
import type { PlanAction, PlanBody } from '../../../src/plan/types.js';

export const JIRA = 'ari:cloud:jira-software::site/11111111-1111-1111-1111-111111111111';
export const CONFLUENCE = 'ari:cloud:confluence::site/11111111-1111-1111-1111-111111111111';
export const DIRECTORY = 'dir-0001';

export function action(overrides: Partial<PlanAction> & { id: string }): PlanAction {
  return {
    ruleIds: ['jira-inactive-30d'],
    kind: 'remove-product-access',
    accountId: '5b10ac8d82e05b22cc7d4e01',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    product: 'jira-software',
    site: 'acme.atlassian.net',
    resourceId: JIRA,
    directoryId: DIRECTORY,
    lastActive: '2026-09-01T10:00:00.000Z',
    licensedSince: '2025-01-10T00:00:00.000Z',
    inactiveDays: 90,
    reason: 'inactive 90 days (threshold 30)',
    status: 'planned',
    operations: [
      {
        type: 'remove-group-membership',
        directoryId: DIRECTORY,
        groupId: 'a0a0a0a0-0000-0000-0000-000000000001',
        groupName: 'jira-users',
      },
    ],
    notes: [],
    groups: ['jira-users', 'everyone'],
    ...overrides,
  };
}

export function samplePlanBody(): PlanBody {
  return {
    schemaVersion: 1,
    kind: 'removal',
    createdAt: '2026-11-30T06:00:00.000Z',
    expiresAt: '2026-12-03T06:00:00.000Z',
    org: { id: 'org-acme' },
    policy: {
      commit: '0123456789abcdef0123456789abcdef01234567',
      digest: 'b'.repeat(64),
      files: ['policies/licences.yml'],
    },
    snapshot: {
      fetchedAt: '2026-11-30T05:58:00.000Z',
      counts: { resources: 3, groups: 12, users: 400, licensedSeats: 350 },
    },
    currency: 'USD',
    summary: [
      {
        product: 'jira-software',
        site: 'acme.atlassian.net',
        resourceId: JIRA,
        licensed: 200,
        toRemove: 2,
        after: 198,
        monthlySavings: 17.2,
        yearlySavings: 206.4,
        capacity: 250,
        activityCoverage: 98.5,
      },
      {
        product: 'confluence',
        site: 'acme.atlassian.net',
        resourceId: CONFLUENCE,
        licensed: 150,
        toRemove: 1,
        after: 149,
        monthlySavings: 6.05,
        yearlySavings: 72.6,
        capacity: null,
        activityCoverage: 100,
        shortOfTarget: 9,
      },
    ],
    actions: [
      action({ id: 'act-0000000000000001' }),
      action({
        id: 'act-0000000000000002',
        accountId: '5b10ac8d82e05b22cc7d4e02',
        email: 'grace@example.com',
        name: 'Grace Hopper',
        lastActive: null,
        inactiveDays: null,
        licensedSince: '2026-08-01T00:00:00.000Z',
        reason: 'never active, licensed 121 days (grace 30)',
        operations: [
          { type: 'revoke-role', role: 'atlassian/user', resourceId: JIRA },
          {
            type: 'remove-group-membership',
            directoryId: DIRECTORY,
            groupId: 'a0a0a0a0-0000-0000-0000-000000000001',
            groupName: 'jira-users',
          },
        ],
      }),
      action({
        id: 'act-0000000000000003',
        ruleIds: ['confluence-keep-140', 'confluence-inactive-60d'],
        accountId: '5b10ac8d82e05b22cc7d4e03',
        email: 'alan@example.com',
        name: 'Alan Turing',
        product: 'confluence',
        resourceId: CONFLUENCE,
        reason: 'inactive 200 days, longest inactive (keepAtMost 140)',
        inactiveDays: 200,
        operations: [
          {
            type: 'remove-group-membership',
            directoryId: DIRECTORY,
            groupId: 'c0c0c0c0-0000-0000-0000-000000000002',
            groupName: 'confluence-users',
          },
        ],
        groups: ['confluence-users'],
      }),
      action({
        id: 'act-0000000000000004',
        accountId: '5b10ac8d82e05b22cc7d4e04',
        email: 'edsger@example.com',
        name: 'Edsger Dijkstra',
        status: 'needs-idp-change',
        operations: [
          {
            type: 'remove-group-membership',
            directoryId: DIRECTORY,
            groupId: 'e0e0e0e0-0000-0000-0000-000000000003',
            groupName: 'okta-jira',
            blockedBy: 'idp-synced',
          },
        ],
        notes: ['granted by IdP-synced group okta-jira'],
        groups: ['okta-jira'],
      }),
      action({
        id: 'act-0000000000000005',
        accountId: '5b10ac8d82e05b22cc7d4e05',
        email: 'barbara@example.com',
        name: 'Barbara Liskov',
        status: 'skipped-collateral',
        operations: [],
        notes: ['group jira-and-confluence also grants confluence on acme.atlassian.net'],
        groups: ['jira-and-confluence'],
      }),
    ],
    protected: [
      {
        accountId: '5b10ac8d82e05b22cc7d4e06',
        email: 'ceo@example.com',
        name: 'Chief Executive',
        product: 'jira-software',
        site: 'acme.atlassian.net',
        resourceId: JIRA,
        ruleIds: ['jira-inactive-30d'],
        reason: 'Executive',
        exclusion: 'account',
      },
    ],
    activityUnknown: [
      {
        accountId: '5b10ac8d82e05b22cc7d4e07',
        email: 'ken@example.com',
        name: 'Ken Thompson',
        product: 'jira-software',
        site: 'acme.atlassian.net',
        resourceId: JIRA,
        reason: 'no activity entry and no licence start known',
      },
    ],
    upcoming: [
      {
        accountId: '5b10ac8d82e05b22cc7d4e08',
        email: 'dennis@example.com',
        name: 'Dennis Ritchie',
        product: 'jira-software',
        site: 'acme.atlassian.net',
        resourceId: JIRA,
        ruleId: 'jira-inactive-30d',
        eligibleAt: '2026-12-04T10:00:00.000Z',
        lastActive: '2026-11-03T10:00:00.000Z',
      },
    ],
    warnings: [
      { code: 'exclusion-unused', message: 'exclusion group "contractors-old" matches nobody' },
    ],
    blocked: [],
  };
}
