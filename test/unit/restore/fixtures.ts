/** A small applied removal plan and the audit rows its apply wrote, for the restore unit tests. */
import { actionAuditRow } from '../../../src/audit/rows.js';
import type { AuditOutcome, AuditRow } from '../../../src/audit/types.js';
import { actionId } from '../../../src/engine/plan-body.js';
import { finalizePlan } from '../../../src/plan/plan-file.js';
import type { Operation, Plan, PlanAction, PlanBody } from '../../../src/plan/types.js';
import type { LocatedRow } from '../../../src/restore/select.js';

export const JIRA = 'ari:cloud:jira-software::site/acme';
export const CONFLUENCE = 'ari:cloud:confluence::site/acme';
export const DIR = 'dir-1';

export const removeFrom = (groupId: string, groupName = groupId): Operation => ({
  type: 'remove-group-membership',
  directoryId: DIR,
  groupId,
  groupName,
});

export function action(
  accountId: string,
  operations: Operation[],
  overrides: Partial<PlanAction> = {},
): PlanAction {
  return {
    id: actionId(
      overrides.kind ?? 'remove-product-access',
      accountId,
      overrides.resourceId ?? JIRA,
    ),
    ruleIds: ['jira-inactive-30d'],
    kind: 'remove-product-access',
    accountId,
    email: `${accountId}@example.com`,
    name: `User ${accountId}`,
    product: 'jira-software',
    site: 'acme.atlassian.net',
    resourceId: JIRA,
    directoryId: DIR,
    lastActive: '2026-08-01T00:00:00.000Z',
    licensedSince: '2025-01-01T00:00:00.000Z',
    inactiveDays: 120,
    reason: 'inactive 120 days (threshold 30 + 24 h activity lag)',
    status: 'planned',
    operations,
    notes: [],
    groups: ['jira-users'],
    ...overrides,
  };
}

/** alice: group; bob: group + direct role; carol: an IdP change (never applied). */
export function appliedPlan(actions?: PlanAction[]): Plan {
  const body: PlanBody = {
    schemaVersion: 1,
    kind: 'removal',
    createdAt: '2026-11-30T06:00:00.000Z',
    expiresAt: '2026-12-03T06:00:00.000Z',
    org: { id: 'org-1' },
    policy: { commit: 'c0ffee', digest: 'a'.repeat(64), files: ['policies/policy.yml'] },
    snapshot: {
      fetchedAt: '2026-11-30T06:00:00.000Z',
      counts: { resources: 1, groups: 1, users: 3, licensedSeats: 3 },
    },
    currency: 'USD',
    summary: [],
    actions: actions ?? [
      action('alice', [removeFrom('g-users', 'jira-users')]),
      action('bob', [
        removeFrom('g-users', 'jira-users'),
        { type: 'revoke-role', role: 'atlassian/user', resourceId: JIRA },
      ]),
      action(
        'carol',
        [
          {
            type: 'remove-group-membership',
            directoryId: DIR,
            groupId: 'g-idp',
            groupName: 'idp-jira',
            blockedBy: 'idp-synced',
          },
        ],
        {
          status: 'needs-idp-change',
        },
      ),
    ],
    protected: [],
    activityUnknown: [],
    upcoming: [],
    warnings: [],
    blocked: [],
  };
  return finalizePlan(body);
}

/** The rows an apply writes: one per operation, one per action, all `applied` unless told. */
export function applyRows(plan: Plan, outcomes: Record<string, AuditOutcome> = {}): LocatedRow[] {
  const rows: AuditRow[] = [];
  const ctx = { runId: 'run-1', timestamp: '2026-11-30T07:00:00.000Z' };
  for (const a of plan.actions.filter((x) => x.status === 'planned')) {
    for (const op of a.operations) {
      rows.push(
        actionAuditRow(plan, a, op, {
          ...ctx,
          phase: 'apply',
          outcome: outcomes[`${a.accountId} ${op.type}`] ?? 'applied',
          detail: 'write accepted',
        }),
      );
    }
    rows.push(
      actionAuditRow(plan, a, null, { ...ctx, phase: 'apply', outcome: 'applied', detail: 'ok' }),
    );
  }
  return rows.map((row, i) => ({ row, where: `apply.csv row ${i + 1}` }));
}
