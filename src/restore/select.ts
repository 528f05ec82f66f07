/**
 * Which removals a restore may give back (SPEC §9), from audit rows and the plan they applied.
 * Pure: the caller reads the files.
 *
 * **Safety:** a removal is given back only when the audit records it as applied by an apply of a
 * plan whose file is at hand and unedited, and the row says exactly what that plan's reviewed
 * action listed. Concretely, for every `apply` row of the chosen plan:
 *   - its `plan_digest` must be the plan file's digest, and the plan file's digest must match its
 *     content (`verifyPlanDigest`, `verifyPlanId`): the row comes from an apply of this very plan;
 *   - an `applied` operation row must name an operation (`operation` + `target`) that the plan's
 *     `planned` action for that account, product and site lists.
 * Anything else means the audit was forged or edited, and then nothing in it can be trusted: the
 * whole restore is refused (`RefusedError`, exit 3), not only the odd row.
 *
 * What is given back is the plan's own operation (its group name included), never text from the
 * row: the row only says that the operation ran.
 */
import { operationFromAudit } from '../audit/target.js';
import type { AuditRow } from '../audit/types.js';
import { operationKey } from '../apply/operations.js';
import { InputError, RefusedError } from '../errors.js';
import { verifyPlanDigest, verifyPlanId } from '../plan/plan-file.js';
import type { Operation, Plan, PlanAction } from '../plan/types.js';

/** An audit row and where it was read (`audit/2026/11/x.csv row 12`), for messages. */
export interface LocatedRow {
  row: AuditRow;
  where: string;
}

export type RemovalOperation = Extract<
  Operation,
  { type: 'remove-group-membership' | 'revoke-role' | 'suspend' }
>;

/** One reviewed action of the applied plan, and those of its operations the audit shows applied. */
export interface AppliedRemoval {
  action: PlanAction;
  /** In the action's own order, each once. */
  operations: RemovalOperation[];
}

const REMOVAL_TYPES: ReadonlySet<string> = new Set([
  'remove-group-membership',
  'revoke-role',
  'suspend',
]);

/** Operation rows that record a write accepted by Atlassian during an apply. */
function isAppliedOperationRow(row: AuditRow): boolean {
  return row.phase === 'apply' && row.outcome === 'applied' && row.operation !== '';
}

/**
 * The plan whose applies the rows record: `planId` when given (it must have applied rows), else
 * the only plan with applied rows. `InputError` when there is none, or several and no choice.
 */
export function chooseAppliedPlanId(
  rows: readonly LocatedRow[],
  planId: string | undefined,
  sources: string,
): string {
  const applied = new Set<string>();
  for (const { row } of rows) if (isAppliedOperationRow(row)) applied.add(row.plan_id);
  if (planId !== undefined) {
    if (!applied.has(planId)) {
      throw new InputError(
        `${sources}: no applied removal of plan ${planId} is recorded` +
          (applied.size > 0
            ? ` (plans with applied removals: ${[...applied].sort().join(', ')})`
            : ''),
      );
    }
    return planId;
  }
  if (applied.size === 0) {
    throw new InputError(
      `${sources}: no applied removal is recorded (restore gives back what an apply removed: rows with phase "apply" and outcome "applied")`,
    );
  }
  if (applied.size > 1) {
    throw new InputError(
      `${sources}: applied removals of ${applied.size} plans are recorded (${[...applied].sort().join(', ')}); choose one with --plan-id`,
    );
  }
  return [...applied][0];
}

/** Refuses a plan file that was edited or renamed, or that is not a removal plan. */
export function assertRestorablePlan(plan: Plan, source: string): void {
  if (!verifyPlanDigest(plan) || !verifyPlanId(plan)) {
    throw new RefusedError(
      'digest-mismatch',
      `${source}: plan ${plan.planId} was edited after it was generated (its digest or id does not match its content); restore needs the plan file exactly as applied`,
    );
  }
  if (plan.kind !== 'removal') {
    throw new InputError(
      `${source}: plan ${plan.planId} is a ${plan.kind} plan; restore gives back what a removal plan's apply removed`,
    );
  }
}

/**
 * The applied removals of `plan` recorded in `rows`, narrowed to `only` accounts when given.
 * Every row of the plan is checked, whatever `only` says: one forged row refuses the restore.
 */
export function selectAppliedRemovals(input: {
  rows: readonly LocatedRow[];
  plan: Plan;
  planSource: string;
  only?: readonly string[];
}): AppliedRemoval[] {
  const { plan, planSource } = input;
  assertRestorablePlan(plan, planSource);

  const forged = (where: string, why: string): RefusedError =>
    new RefusedError(
      'audit-mismatch',
      `${where}: ${why}; the audit was forged or edited, so nothing in it is restored`,
    );

  // Planned actions by account, product and site: the only places an applied row may point to.
  const actionsBySeat = new Map<string, PlanAction[]>();
  for (const action of plan.actions) {
    if (action.status !== 'planned') continue;
    const key = `${action.accountId} ${action.product} ${action.site}`;
    actionsBySeat.set(key, [...(actionsBySeat.get(key) ?? []), action]);
  }

  const applied = new Map<string, { action: PlanAction; keys: Set<string> }>();
  for (const { row, where } of input.rows) {
    // A refusal row is written before the digest is checked (it may carry an edited file's
    // digest); every other apply row comes after the check passed.
    if (row.plan_id !== plan.planId || row.phase !== 'apply' || row.outcome === 'refused') continue;
    if (row.plan_digest !== plan.digest) {
      throw forged(
        where,
        `the row is for plan ${plan.planId} but carries digest "${row.plan_digest}", not the plan file's ${plan.digest}`,
      );
    }
    if (!isAppliedOperationRow(row)) continue;
    let operation: Operation;
    try {
      operation = operationFromAudit(row.operation, row.target, where);
    } catch (error: unknown) {
      throw forged(where, `the operation cannot be read (${(error as Error).message})`);
    }
    if (!REMOVAL_TYPES.has(operation.type)) {
      throw forged(where, `"${operation.type}" is not an operation a removal plan applies`);
    }
    const key = operationKey(operation);
    const candidates = actionsBySeat.get(`${row.account_id} ${row.product} ${row.site}`) ?? [];
    const action = candidates.find((a) => a.operations.some((op) => operationKey(op) === key));
    if (action === undefined) {
      throw forged(
        where,
        `plan ${plan.planId} lists no ${operation.type} ${row.target} for account ${row.account_id} on ${row.product} ${row.site}`,
      );
    }
    const entry = applied.get(action.id) ?? { action, keys: new Set<string>() };
    entry.keys.add(key);
    applied.set(action.id, entry);
  }

  const only = input.only === undefined || input.only.length === 0 ? null : new Set(input.only);
  if (only !== null) {
    const withRemovals = new Set([...applied.values()].map((e) => e.action.accountId));
    const missing = [...only].filter((id) => !withRemovals.has(id)).sort();
    if (missing.length > 0) {
      throw new InputError(
        `--only: no applied removal of plan ${plan.planId} is recorded for ${missing.join(', ')}`,
      );
    }
  }

  const removals: AppliedRemoval[] = [];
  // The plan's order: the order the reviewer read.
  for (const action of plan.actions) {
    const entry = applied.get(action.id);
    if (entry === undefined || (only !== null && !only.has(action.accountId))) continue;
    removals.push({
      action,
      operations: action.operations.filter(
        (op): op is RemovalOperation =>
          REMOVAL_TYPES.has(op.type) && entry.keys.has(operationKey(op)),
      ),
    });
  }
  return removals;
}

/** The operation that gives back what `op` removed. */
export function inverseOperation(op: RemovalOperation): Operation {
  switch (op.type) {
    case 'remove-group-membership':
      return {
        type: 'add-group-membership',
        directoryId: op.directoryId,
        groupId: op.groupId,
        groupName: op.groupName,
      };
    case 'revoke-role':
      return { type: 'assign-role', role: op.role, resourceId: op.resourceId };
    case 'suspend':
      return { type: 'restore-user', directoryId: op.directoryId };
  }
}
