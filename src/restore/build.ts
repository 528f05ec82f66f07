/**
 * The restore plan (SPEC §9): a plan of kind `restore` whose actions give back exactly what an
 * apply removed — `add-group-membership` for a removed membership, `assign-role` for a revoked
 * direct grant, `restore-user` for a suspension — minus what `judgeRestoreOperation` refuses,
 * which the plan lists as warnings for the reviewer. Pure: `finalizePlan` adds id and digest.
 */
import { actionId } from '../engine/plan-body.js';
import { compareText } from '../engine/order.js';
import {
  PLAN_SCHEMA_VERSION,
  type Operation,
  type Plan,
  type PlanAction,
  type PlanBody,
  type PlanWarning,
} from '../plan/types.js';
import { inverseOperation, type AppliedRemoval } from './select.js';

/** A restore operation the plan leaves out, and why. */
export interface RefusedRestore {
  action: PlanAction;
  op: Operation;
  reason: string;
}

export const NEW_LICENCE_NOTE = 'the licence starts anew: licensedSince becomes the restore time';

export interface BuildRestorePlanInput {
  /** The applied removal plan (checked by `selectAppliedRemovals`). */
  source: Plan;
  removals: readonly AppliedRemoval[];
  /** Null when the operation may run, else why not (`judgeRestoreOperation`). */
  judge: (removal: AppliedRemoval, op: Operation) => string | null;
  now: Date;
  ttlHours: number;
  /** The audit file(s) the removals were read from, as the reader would find them. */
  auditFile: string;
  /** When the org was read for the checks (the plan's `snapshot.fetchedAt`). */
  checkedAt: Date;
  counts: { resources: number; groups: number; users: number };
}

export interface BuiltRestorePlan {
  body: PlanBody;
  refused: RefusedRestore[];
}

/** `notes` for the reviewer: what a restore of this kind does beyond the membership. */
function notesFor(removal: AppliedRemoval, refused: readonly RefusedRestore[]): string[] {
  const notes = [NEW_LICENCE_NOTE];
  if (removal.action.kind === 'suspend') {
    notes.push(
      'restores the account in its directory: it regains every product the suspension removed',
    );
  }
  for (const r of refused) notes.push(`not restored: ${r.reason}`);
  return notes;
}

export function buildRestorePlanBody(input: BuildRestorePlanInput): BuiltRestorePlan {
  const { source, now } = input;
  const refused: RefusedRestore[] = [];
  const actions = new Map<string, PlanAction>();

  for (const removal of input.removals) {
    const original = removal.action;
    const ops: Operation[] = [];
    const own: RefusedRestore[] = [];
    for (const removed of removal.operations) {
      const op = inverseOperation(removed);
      const reason = input.judge(removal, op);
      if (reason === null) ops.push(op);
      else own.push({ action: original, op, reason });
    }
    refused.push(...own);
    if (ops.length === 0) continue;
    const id = actionId('restore', original.accountId, original.resourceId);
    const known = actions.get(id);
    if (known) {
      // One account+resource restored from two actions (a suspension and a removal): one action.
      known.operations.push(...ops);
      known.notes = [...new Set([...known.notes, ...notesFor(removal, own)])];
      continue;
    }
    const action: PlanAction = {
      id,
      ruleIds: [...original.ruleIds],
      kind: 'restore',
      accountId: original.accountId,
      email: original.email,
      name: original.name,
      product: original.product,
      site: original.site,
      resourceId: original.resourceId,
      directoryId: original.directoryId,
      lastActive: original.lastActive,
      licensedSince: null,
      inactiveDays: original.inactiveDays,
      reason: `removed by plan ${source.planId}: ${original.reason}`,
      status: 'planned',
      operations: ops,
      notes: notesFor(removal, own),
      groups: [...original.groups],
    };
    if (original.removes) action.removes = original.removes.map((r) => ({ ...r }));
    actions.set(id, action);
  }

  const sorted = [...actions.values()].sort(
    (a, b) =>
      compareText(a.product, b.product) ||
      compareText(a.site, b.site) ||
      compareText((a.email ?? a.accountId).toLowerCase(), (b.email ?? b.accountId).toLowerCase()) ||
      compareText(a.accountId, b.accountId),
  );

  const warnings: PlanWarning[] = refused.map((r) => ({
    code: 'restore-refused',
    message: `${r.action.email ?? r.action.accountId} (${r.action.product} on ${r.action.site}): ${describeOperation(r.op)} is not restored: ${r.reason}`,
  }));
  warnings.sort((a, b) => compareText(a.message, b.message));

  const body: PlanBody = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: 'restore',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.ttlHours * 3_600_000).toISOString(),
    org: { id: source.org.id },
    policy: { ...source.policy, files: [...source.policy.files] },
    snapshot: {
      fetchedAt: input.checkedAt.toISOString(),
      counts: { ...input.counts, licensedSeats: 0 },
    },
    currency: source.currency,
    summary: [],
    actions: sorted,
    protected: [],
    activityUnknown: [],
    upcoming: [],
    warnings,
    blocked: [],
    restoreOf: { planId: source.planId, planDigest: source.digest, auditFile: input.auditFile },
  };
  return { body, refused };
}

/** `add to group jira-users`, `assign atlassian/user on <resource>`, `restore the account`. */
export function describeOperation(op: Operation): string {
  switch (op.type) {
    case 'add-group-membership':
      return `adding to group ${op.groupName || op.groupId}`;
    case 'assign-role':
      return `assigning ${op.role} on ${op.resourceId}`;
    case 'restore-user':
      return `restoring the account in directory ${op.directoryId}`;
    case 'remove-group-membership':
      return `removing from group ${op.groupName || op.groupId}`;
    case 'revoke-role':
      return `revoking ${op.role} on ${op.resourceId}`;
    case 'suspend':
      return `suspending the account in directory ${op.directoryId}`;
  }
}
