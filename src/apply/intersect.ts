/**
 * What apply may do: the reviewed plan, re-checked against a fresh evaluation (SPEC §5).
 *
 * **Safety:** apply never does anything the reviewed plan did not list, nor anything the
 * current policy would not do now. This module is the whole of that rule: an operation is
 * executed only when a `planned` action of the reviewed plan and a `planned` action of the fresh
 * evaluation with the same id, account, resource and kind both list it. Everything else becomes
 * a skip with the reason an admin needs.
 */
import type { Operation, PlanAction, PlanBody } from '../plan/types.js';
import { licenceKey } from '../plan/types.js';
import { activityEntries } from '../snapshot/product-access.js';
import type { Snapshot } from '../snapshot/types.js';
import { operationKey } from './operations.js';

export type SkipOutcome =
  'skipped-now-active' | 'skipped-now-excluded' | 'skipped-policy-changed' | 'already-absent';

export interface ExecuteDecision {
  kind: 'execute';
  /** The reviewed action (its text is what the reviewer approved). */
  action: PlanAction;
  /** Reviewed operations that the fresh evaluation also lists, in the reviewed order. */
  operations: Operation[];
  /** Reviewed operations the fresh evaluation no longer needs (the membership or grant is gone). */
  notNeeded: Operation[];
}

export interface SkipDecision {
  kind: 'skip';
  action: PlanAction;
  outcome: SkipOutcome;
  detail: string;
}

export type ApplyDecision = ExecuteDecision | SkipDecision;

/** What the fresh read says about the accounts of the reviewed plan. */
export interface FreshFacts {
  /** Resources whose licensed users the fresh read covered. */
  governedResourceIds: ReadonlySet<string>;
  /** `licenceKey(accountId, resourceId)` of every licensed seat the fresh read found. */
  licensedSeats: ReadonlySet<string>;
  /** Latest known activity (product access on the resource, or API token use), ISO; absent when none. */
  lastActivity: (accountId: string, resourceId: string) => string | undefined;
  /** Last API-token use the fresh read found (managed candidates only), ISO; absent when none. */
  apiTokenLastUsed?: (accountId: string) => string | undefined;
}

export function freshFactsOf(snapshot: Snapshot): FreshFacts {
  const licensedSeats = new Set<string>();
  const byAccount = new Map<string, Snapshot['users'][number]>();
  for (const user of snapshot.users) {
    byAccount.set(user.accountId, user);
    for (const resourceId of user.licensedOn)
      licensedSeats.add(licenceKey(user.accountId, resourceId));
  }
  return {
    governedResourceIds: new Set(snapshot.resources.filter((r) => r.governed).map((r) => r.id)),
    licensedSeats,
    lastActivity: (accountId, resourceId) => {
      const user = byAccount.get(accountId);
      const product = user
        ? activityEntries(user.productAccess).find(
            (p) => p.id === resourceId && p.lastActive !== null,
          )?.lastActive
        : undefined;
      const token = snapshot.apiTokenLastUsed.get(accountId) ?? undefined;
      return latest(product ?? undefined, token);
    },
    apiTokenLastUsed: (accountId) => snapshot.apiTokenLastUsed.get(accountId) ?? undefined,
  };
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** The resources an action takes a seat away from (a suspension takes every one it lists). */
export function resourcesOfAction(action: PlanAction): string[] {
  const ids = [action.resourceId, ...(action.removes ?? []).map((r) => r.resourceId)];
  return [...new Set(ids)];
}

const sameSubject = (a: PlanAction, b: PlanAction): boolean =>
  a.accountId === b.accountId &&
  a.resourceId === b.resourceId &&
  a.kind === b.kind &&
  a.directoryId === b.directoryId;

/**
 * Decide every `planned` action of the reviewed plan. Pure: the same inputs give the same
 * decisions, in the reviewed plan's order.
 */
export function decideApply(
  reviewed: readonly PlanAction[],
  fresh: Pick<PlanBody, 'actions' | 'protected'>,
  facts: FreshFacts,
): ApplyDecision[] {
  const freshById = new Map(fresh.actions.map((a) => [a.id, a]));
  const freshBySeat = new Map(fresh.actions.map((a) => [licenceKey(a.accountId, a.resourceId), a]));
  const protectedSeats = new Map<string, string>();
  for (const p of fresh.protected) {
    const key = licenceKey(p.accountId, p.resourceId);
    if (!protectedSeats.has(key)) protectedSeats.set(key, p.reason);
  }
  return reviewed
    .filter((action) => action.status === 'planned')
    .map((action) =>
      decideOne(
        action,
        freshById.get(action.id),
        freshBySeat.get(licenceKey(action.accountId, action.resourceId)),
        protectedSeats,
        facts,
      ),
    );
}

function decideOne(
  action: PlanAction,
  freshAction: PlanAction | undefined,
  /** What the fresh evaluation does with the same seat, when it is another action (another kind). */
  freshForSeat: PlanAction | undefined,
  protectedSeats: ReadonlyMap<string, string>,
  facts: FreshFacts,
): ApplyDecision {
  const skip = (outcome: SkipOutcome, detail: string): SkipDecision => ({
    kind: 'skip',
    action,
    outcome,
    detail,
  });

  if (freshAction && freshAction.status === 'planned' && sameSubject(action, freshAction)) {
    const freshKeys = new Set(freshAction.operations.map(operationKey));
    const reviewedKeys = new Set(action.operations.map(operationKey));
    const unreviewed = freshAction.operations.filter((op) => !reviewedKeys.has(operationKey(op)));
    if (unreviewed.length > 0) {
      return skip(
        'skipped-policy-changed',
        `access changed since the plan: removing the seat now also needs ${unreviewed
          .map(operationKey)
          .join('; ')}, which the reviewed plan does not list`,
      );
    }
    const operations = action.operations.filter((op) => freshKeys.has(operationKey(op)));
    if (operations.length === 0) {
      return skip('skipped-policy-changed', 'the fresh evaluation lists no operation for it');
    }
    const notNeeded = action.operations.filter((op) => !freshKeys.has(operationKey(op)));
    return { kind: 'execute', action, operations, notNeeded };
  }

  const resources = resourcesOfAction(action);
  const protectedReason = resources
    .map((r) => protectedSeats.get(licenceKey(action.accountId, r)))
    .find((reason) => reason !== undefined);

  // Whether the seat still exists is a fact of the directory; it is only known for resources
  // the fresh read covered (a rule deleted at HEAD leaves the resource unread).
  if (resources.every((r) => facts.governedResourceIds.has(r))) {
    const stillLicensed = resources.some((r) =>
      facts.licensedSeats.has(licenceKey(action.accountId, r)),
    );
    if (!stillLicensed) return skip('already-absent', 'the seat is already gone');
  }
  if (protectedReason !== undefined) {
    return skip('skipped-now-excluded', `now protected: ${protectedReason}`);
  }
  if (freshAction && sameSubject(action, freshAction) && freshAction.status !== 'planned') {
    return skip(
      'skipped-policy-changed',
      `the fresh evaluation makes it ${freshAction.status}${
        freshAction.notes.length > 0 ? `: ${freshAction.notes.join('; ')}` : ''
      }`,
    );
  }
  const activity = facts.lastActivity(action.accountId, action.resourceId);
  if (
    activity !== undefined &&
    (action.lastActive === null || Date.parse(activity) > Date.parse(action.lastActive))
  ) {
    // Integration accounts never open a page: say when it is an API token that kept them.
    const viaToken = facts.apiTokenLastUsed?.(action.accountId) === activity;
    return skip(
      'skipped-now-active',
      viaToken
        ? `used an API token since the plan (last used ${activity}; API-token use counts as activity)`
        : `active since the plan (last active ${activity})`,
    );
  }
  if (freshForSeat && freshForSeat.kind !== action.kind) {
    return skip(
      'skipped-policy-changed',
      `the current policy now makes it a ${freshForSeat.kind} (${freshForSeat.status}), which was not reviewed`,
    );
  }
  return skip('skipped-policy-changed', 'no rule of the current policy selects it now');
}
