/** Small builders for apply tests: plan actions and fresh facts with only what a test states. */
import type { Operation, PlanAction } from '../../../src/plan/types.js';
import { licenceKey } from '../../../src/plan/types.js';
import type { FreshFacts } from '../../../src/apply/intersect.js';

export const JIRA = 'ari:cloud:jira-software::site/acme';
export const CONFLUENCE = 'ari:cloud:confluence::site/acme';
export const DIRECTORY = 'dir-1';

export const groupOp = (groupId: string, directoryId = DIRECTORY): Operation => ({
  type: 'remove-group-membership',
  directoryId,
  groupId,
  groupName: `group ${groupId}`,
});

export const revokeOp = (resourceId = JIRA, role = 'atlassian/user'): Operation => ({
  type: 'revoke-role',
  role,
  resourceId,
});

export function action(overrides: Partial<PlanAction> & { accountId: string }): PlanAction {
  const resourceId = overrides.resourceId ?? JIRA;
  return {
    id: `act-${overrides.accountId}-${resourceId}`,
    ruleIds: ['jira-inactive-30d'],
    kind: 'remove-product-access',
    email: `${overrides.accountId}@example.com`,
    name: `User ${overrides.accountId}`,
    product: 'jira-software',
    site: 'acme.atlassian.net',
    resourceId,
    directoryId: DIRECTORY,
    lastActive: '2026-01-01T00:00:00.000Z',
    licensedSince: '2025-01-01T00:00:00.000Z',
    inactiveDays: 120,
    reason: 'inactive 120 days (threshold 30)',
    status: 'planned',
    operations: [groupOp('jira-users')],
    notes: [],
    groups: ['jira-users'],
    ...overrides,
  };
}

export function facts(options: {
  governed?: string[];
  licensed?: Array<[string, string]>;
  activity?: Record<string, string>;
}): FreshFacts {
  return {
    governedResourceIds: new Set(options.governed ?? [JIRA, CONFLUENCE]),
    licensedSeats: new Set((options.licensed ?? []).map(([a, r]) => licenceKey(a, r))),
    lastActivity: (accountId) => options.activity?.[accountId],
  };
}
