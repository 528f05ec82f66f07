/**
 * Apply a reviewed restore plan (SPEC §9), on the same path as any plan: `applyPlan` hands a plan
 * of kind `restore` here. The refusals are apply's own (`checkPreconditions`: digest, expiry,
 * org, older than the last applied plan), plus one of its own kind: a restore plan holding any
 * operation other than a restore operation is refused whole.
 *
 * The re-check is not the removal rules (they do not apply to giving access back): it re-reads
 * every target, and an operation runs only when the account is still in its directory and the
 * group or role is still there and still grants no admin or platform role
 * (`judgeRestoreOperation`). What it refuses is recorded `needs-manual` with the reason.
 *
 * Rows go to the audit with phase `restore` as outcomes happen; a restored seat starts a new
 * `licensedSince` in the state (the licence is new, so its inactivity is counted from now).
 */
import { applyAuditRow, type ApplyRowFields } from '../apply/audit-rows.js';
import { checkPreconditions } from '../apply/preconditions.js';
import { resourcesOfAction } from '../apply/intersect.js';
import {
  applyResultOf,
  exitCodeOfResult,
  lastAppliedAfter,
  recordingHooks,
  type SettledOutcome,
} from '../apply/outcomes.js';
import type { AtlassianClient } from '../atlassian/client.js';
import { bareGroupId } from '../atlassian/ids.js';
import { readCurrentSeats } from '../atlassian/snapshot-reader.js';
import type { AuditRow } from '../audit/types.js';
import { RefusedError } from '../errors.js';
import { verifyPlanDigest } from '../plan/plan-file.js';
import { renderApplyMarkdown } from '../plan/render-apply.js';
import { type Operation, type Plan, type PlanAction, type State } from '../plan/types.js';
import { loadPolicy } from '../policy/load.js';
import { DEFAULT_LIMITS } from '../policy/types.js';
import type { ApplyPlanOptions, AppliedPlanRun } from '../run/apply-run.js';
import {
  dryRunRestoreExecutor,
  liveRestoreExecutor,
  type RestoreDecision,
  type RestoreWriter,
} from './executor.js';
import { judgeRestoreOperation, readRestoreTargets } from './targets.js';

const RESTORE_OPERATIONS: ReadonlySet<Operation['type']> = new Set([
  'add-group-membership',
  'assign-role',
  'restore-user',
]);

/** The writes and reads a restore needs, through the client's rate-limit handling. */
export function atlassianRestoreWriter(client: AtlassianClient): RestoreWriter {
  return {
    execute: async (op, accountId) => {
      await client.executeOperation(op, accountId);
    },
    isMember: async (directoryId, groupId, accountId) => {
      const wanted = bareGroupId(groupId);
      for await (const page of client.searchUsers(directoryId, {
        accountIds: [accountId],
        expand: ['groups'],
      })) {
        for (const user of page) {
          if (user.accountId !== accountId) continue;
          if ((user.groups ?? []).some((g) => g.id !== undefined && bareGroupId(g.id) === wanted))
            return true;
        }
      }
      return false;
    },
    seatsHeld: (resourceId, accountIds) => readCurrentSeats(client, resourceId, accountIds),
  };
}

/** Refuses a restore plan that holds anything but restore operations, or says nothing of what it undoes. */
function assertRestoreOperationsOnly(plan: Plan): void {
  if (plan.restoreOf === undefined) {
    throw new RefusedError(
      'restore-plan-invalid',
      `plan ${plan.planId} is a restore plan that does not say which apply it undoes (no restoreOf)`,
    );
  }
  for (const action of plan.actions) {
    const other = action.operations.find((op) => !RESTORE_OPERATIONS.has(op.type));
    if (action.kind !== 'restore' || other !== undefined) {
      throw new RefusedError(
        'restore-plan-invalid',
        `plan ${plan.planId} is a restore plan, but action ${action.id} ` +
          (other ? `holds a ${other.type} operation` : `is a ${action.kind} action`) +
          '; a restore plan only gives access back',
      );
    }
  }
}

export async function applyRestorePlan(options: ApplyPlanOptions): Promise<AppliedPlanRun> {
  const { plan, client } = options;
  const clock = options.clock ?? (() => new Date());
  const policyCommit = options.policyCommit ?? null;
  const auditContext = { ...options.auditContext, policyCommit, clock };
  const audit = (row: AuditRow) => options.audit({ ...row, phase: 'restore' });
  const rowFor = (fields: ApplyRowFields) => audit(applyAuditRow(plan, auditContext, fields));

  // The policy at HEAD is read only for its plan TTL: restore plans expire like any plan.
  const policy =
    options.policy ??
    (options.policyDir !== undefined ? await loadPolicy(options.policyDir) : undefined);
  try {
    checkPreconditions(plan, {
      digestValid: verifyPlanDigest(plan),
      orgId: client.orgId,
      state: options.state,
      now: clock(),
      planTtlHours: policy?.limits.planTtlHours ?? DEFAULT_LIMITS.planTtlHours,
      overrideLimits: options.overrideLimits,
      kind: 'restore',
    });
    assertRestoreOperationsOnly(plan);
  } catch (error: unknown) {
    if (error instanceof RefusedError) rowFor({ outcome: 'refused', detail: error.message });
    throw error;
  }

  const progress = options.onProgress;
  const planned = plan.actions.filter((a) => a.status === 'planned');
  progress?.(`re-checking the ${planned.length} restore action(s) against the organization now`);
  const targets = await readRestoreTargets(
    client,
    planned.flatMap((a) =>
      a.operations.map((op) => ({ accountId: a.accountId, directoryId: a.directoryId, op })),
    ),
  );

  const outcomes = new Map<string, SettledOutcome>();
  const decisions: RestoreDecision[] = [];
  for (const action of planned) {
    const allowed: Operation[] = [];
    const refused: string[] = [];
    for (const op of action.operations) {
      const reason = judgeRestoreOperation(targets, {
        accountId: action.accountId,
        directoryId: action.directoryId,
        op,
      });
      if (reason === null) {
        allowed.push(op);
        continue;
      }
      refused.push(reason);
      rowFor({ outcome: 'needs-manual', detail: `not restored: ${reason}`, action, operation: op });
    }
    if (allowed.length > 0) {
      decisions.push({ action, operations: allowed });
    } else {
      const detail = `not restored: ${refused.join('; ')}`;
      rowFor({ outcome: 'needs-manual', detail, action });
      outcomes.set(action.id, { outcome: 'needs-manual', detail });
    }
  }
  progress?.(
    `${planned.length} restore action(s): ${decisions.length} to ${options.dryRun ? 'check (dry run)' : 'apply'}, ` +
      `${planned.length - decisions.length} left for a manual change`,
  );

  const executor = options.dryRun
    ? dryRunRestoreExecutor()
    : liveRestoreExecutor(atlassianRestoreWriter(client), {
        ...options.verify,
        concurrency: options.concurrency ?? 4,
      });
  await executor(
    decisions,
    recordingHooks(rowFor, outcomes, options.dryRun ? 'checked' : 'restored', progress),
  );

  const result = applyResultOf(plan.planId, planned, outcomes, options.dryRun);
  const restored = planned.filter((a) => outcomes.get(a.id)?.outcome === 'restored');
  return {
    result,
    nextState: options.dryRun ? null : stateAfterRestore(plan, options.state, restored, clock()),
    exitCode: exitCodeOfResult(result),
    decisions: [],
    executed: [],
    newSinceReview: 0,
    markdown: renderApplyMarkdown(result, options.markdown ?? { redact: 'none' }),
  };
}

/**
 * The state after a restore: each restored seat starts a new `licensedSince` (now), and the
 * restore plan is the last applied plan unless a newer one was applied meanwhile.
 */
export function stateAfterRestore(
  plan: Plan,
  state: State,
  restored: readonly PlanAction[],
  now: Date,
): State {
  const licensedSince = state.licensedSince.copy();
  const since = now.toISOString();
  for (const action of restored) {
    for (const resourceId of resourcesOfAction(action)) {
      licensedSince.set(action.accountId, resourceId, { since });
    }
  }
  return {
    ...state,
    orgId: plan.org.id,
    licensedSince,
    lastApplied: lastAppliedAfter(plan, state),
  };
}
