/**
 * The restore plan: exactly the inverse of what was applied, what is refused listed for the
 * reviewer, a valid plan file, deterministic.
 */
import { describe, expect, it } from '@jest/globals';
import {
  finalizePlan,
  parsePlan,
  serializePlan,
  verifyPlanDigest,
} from '../../../src/plan/plan-file.js';
import { renderPlanMarkdown, renderPrTitle } from '../../../src/plan/render-plan.js';
import { buildRestorePlanBody, NEW_LICENCE_NOTE } from '../../../src/restore/build.js';
import { selectAppliedRemovals } from '../../../src/restore/select.js';
import { CONFLUENCE, DIR, JIRA, action, appliedPlan, applyRows, removeFrom } from './fixtures.js';

const now = new Date('2026-12-01T09:00:00.000Z');

function build(
  judge: Parameters<typeof buildRestorePlanBody>[0]['judge'] = () => null,
  plan = appliedPlan(),
) {
  const removals = selectAppliedRemovals({ rows: applyRows(plan), plan, planSource: 'plan.json' });
  return {
    source: plan,
    built: buildRestorePlanBody({
      source: plan,
      removals,
      judge,
      now,
      ttlHours: 72,
      auditFile: 'audit/2026/11/x.csv',
      checkedAt: now,
      counts: { resources: 1, groups: 1, users: 2 },
    }),
  };
}

describe('buildRestorePlanBody', () => {
  it('gives back exactly what was applied, as a valid restore plan file', () => {
    const { source, built } = build();
    const plan = finalizePlan(built.body);
    expect(plan.kind).toBe('restore');
    expect(plan.restoreOf).toEqual({
      planId: source.planId,
      planDigest: source.digest,
      auditFile: 'audit/2026/11/x.csv',
    });
    expect(plan.expiresAt).toBe('2026-12-04T09:00:00.000Z');
    expect(plan.actions.map((a) => [a.accountId, a.kind, a.status, a.operations])).toEqual([
      [
        'alice',
        'restore',
        'planned',
        [
          {
            type: 'add-group-membership',
            directoryId: DIR,
            groupId: 'g-users',
            groupName: 'jira-users',
          },
        ],
      ],
      [
        'bob',
        'restore',
        'planned',
        [
          {
            type: 'add-group-membership',
            directoryId: DIR,
            groupId: 'g-users',
            groupName: 'jira-users',
          },
          { type: 'assign-role', role: 'atlassian/user', resourceId: JIRA },
        ],
      ],
    ]);
    expect(plan.actions[0]?.reason).toBe(
      `removed by plan ${source.planId}: inactive 120 days (threshold 30 + 24 h activity lag)`,
    );
    expect(plan.actions[0]?.notes).toEqual([NEW_LICENCE_NOTE]);
    expect(plan.actions[0]?.licensedSince).toBeNull();
    // The file round-trips through the strict parser, and the same input gives the same bytes.
    const text = serializePlan(plan);
    expect(verifyPlanDigest(parsePlan(text, 'r.json'))).toBe(true);
    expect(serializePlan(finalizePlan(build().built.body))).toBe(text);
  });

  it('leaves refused operations out, lists them as warnings and in the action’s notes', () => {
    const { built } = build((removal, op) =>
      op.type === 'add-group-membership' && removal.action.accountId === 'alice'
        ? 'group jira-users grants atlassian/admin'
        : null,
    );
    expect(built.body.actions.map((a) => a.accountId)).toEqual(['bob']);
    expect(built.refused.map((r) => [r.action.accountId, r.op.type, r.reason])).toEqual([
      ['alice', 'add-group-membership', 'group jira-users grants atlassian/admin'],
    ]);
    expect(built.body.warnings).toEqual([
      {
        code: 'restore-refused',
        message:
          'alice@example.com (jira-software on acme.atlassian.net): adding to group jira-users is not restored: group jira-users grants atlassian/admin',
      },
    ]);
  });

  it('restores a suspended account with restore-user, naming every product it regains', () => {
    const plan = appliedPlan([
      action('dan', [{ type: 'suspend', directoryId: DIR }], {
        kind: 'suspend',
        removes: [
          { product: 'confluence', site: 'acme.atlassian.net', resourceId: CONFLUENCE },
          { product: 'jira-software', site: 'acme.atlassian.net', resourceId: JIRA },
        ],
      }),
    ]);
    const restore = finalizePlan(build(() => null, plan).built.body);
    expect(restore.actions[0]?.operations).toEqual([{ type: 'restore-user', directoryId: DIR }]);
    expect(restore.actions[0]?.removes?.map((r) => r.resourceId)).toEqual([CONFLUENCE, JIRA]);
    expect(restore.actions[0]?.notes).toContain(
      'restores the account in its directory: it regains every product the suspension removed',
    );
  });

  it('renders as a restore plan: title and verdict name the plan it undoes', () => {
    const { source, built } = build();
    const plan = finalizePlan(built.body);
    expect(renderPrTitle(plan)).toBe(
      `License policy restore plan 2026-12-01: restore 2 actions (undo ${source.planId})`,
    );
    const markdown = renderPlanMarkdown(plan, { redact: 'none' });
    expect(markdown).toContain(
      `**Restores access for 2 users and products**, undoing plan \`${source.planId}\`.`,
    );
    expect(markdown).toContain('### Restorations');
    expect(markdown).toContain(`restores plan \`${source.planId}\` from audit/2026/11/x.csv`);
  });

  it('a membership removed from two groups for the same seat comes back as both', () => {
    const plan = appliedPlan([action('eve', [removeFrom('g1', 'one'), removeFrom('g2', 'two')])]);
    const restore = build(() => null, plan).built.body;
    expect(
      restore.actions[0]?.operations.map((o) =>
        o.type === 'add-group-membership' ? o.groupName : '',
      ),
    ).toEqual(['one', 'two']);
  });
});
