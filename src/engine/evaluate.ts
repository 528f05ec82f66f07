/**
 * The engine's two entry points over one pipeline (`decide`): which reads an evaluation needs,
 * and the evaluation itself. Pure: policy + snapshot + state + now in, plan body and state out.
 */
import type { PlanBody, State } from '../plan/types.js';
import type { Policy } from '../policy/types.js';
import type { Snapshot, SnapshotUser, UserResourceRoles } from '../snapshot/types.js';
import { predictRoles } from './access-path.js';
import { buildContext } from './context.js';
import { decide, type AccessReader } from './decide.js';
import { sortedUnique } from './order.js';
import { assertPolicyMatchesOrg } from './org-check.js';
import { buildPlanBody } from './plan-body.js';
import { nextState } from './state.js';
import { parseInstant } from './time.js';

export interface CandidateReads {
  /** Accounts whose role assignments the evaluation uses: every user it would act on. Sorted. */
  roleReads: string[];
  /** Managed accounts whose API-token use the evaluation uses (rules with countApiTokenUse). Sorted. */
  apiTokenReads: string[];
}

export interface EvaluateInput {
  policy: Policy;
  snapshot: Snapshot;
  state: State | null;
  now: Date;
  policyCommit: string | null;
  /** Overrides `limits.planTtlHours` for `expiresAt`. */
  ttlHours?: number;
}

export interface Evaluation {
  plan: PlanBody;
  nextState: State;
}

function recordedRoles(
  snapshot: Snapshot,
  accountId: string,
): readonly UserResourceRoles[] | undefined {
  return snapshot.userRoles.get(accountId);
}

/** Epoch ms of the last token use, null for never, undefined when not read (or unreadable). */
function recordedTokenUse(snapshot: Snapshot, accountId: string): number | null | undefined {
  const value = snapshot.apiTokenLastUsed.get(accountId);
  if (value === undefined) return undefined;
  if (value === null) return null;
  return parseInstant(value) ?? undefined;
}

/**
 * The reads the evaluation needs. One role read per user some rule would act on (threshold
 * matches, keepAtMost picks, suspension candidates) — not per licensed user — and one API-token
 * read per managed candidate of a rule that counts API-token use.
 *
 * Reads already in the snapshot are used as they are; missing role reads are predicted from the
 * user's groups, missing token reads taken as "no use". So the caller repeats until nothing new
 * is asked for (usually one round; a second when a read disproves a prediction, for instance an
 * API token in use that sends keepAtMost on to the next user):
 *
 *   for (;;) {
 *     const { roleReads, apiTokenReads } = findCandidates(policy, snapshot, state, now);
 *     const roles = roleReads.filter((id) => !snapshot.userRoles.has(id));
 *     const tokens = apiTokenReads.filter((id) => !snapshot.apiTokenLastUsed.has(id)
 *       && !snapshot.apiTokenUnavailable?.includes(id));
 *     if (roles.length === 0 && tokens.length === 0) break;
 *     ...read them into snapshot.userRoles / apiTokenLastUsed / apiTokenUnavailable...
 *   }
 *
 * Throws `PolicyError` when the policy does not match the org (nothing should be read then).
 */
export function findCandidates(
  policy: Policy,
  snapshot: Snapshot,
  state: State | null,
  now: Date,
): CandidateReads {
  assertPolicyMatchesOrg(policy, snapshot);
  const ctx = buildContext(policy, snapshot, state, now);
  const roleReads = new Set<string>();
  const apiTokenReads = new Set<string>();
  const unavailable = new Set(snapshot.apiTokenUnavailable ?? []);
  const reader: AccessReader = {
    roles(user: SnapshotUser) {
      roleReads.add(user.accountId);
      return recordedRoles(snapshot, user.accountId) ?? predictRoles(ctx, user);
    },
    apiTokenLastUsed(user: SnapshotUser) {
      apiTokenReads.add(user.accountId);
      if (unavailable.has(user.accountId)) return undefined;
      const recorded = recordedTokenUse(snapshot, user.accountId);
      if (recorded !== undefined || snapshot.apiTokenLastUsed.has(user.accountId)) return recorded;
      return null;
    },
  };
  decide(ctx, reader);
  return { roleReads: sortedUnique(roleReads), apiTokenReads: sortedUnique(apiTokenReads) };
}

/**
 * Evaluates the policy (SPEC §3) into a plan body (`finalizePlan` adds planId and digest) and the
 * state for the next run.
 *
 * Throws `PolicyError` when the policy does not match the org, and an Error when a user the plan
 * would act on has no role read in the snapshot: a partial read never becomes a plan. A managed
 * candidate whose API-token use was not read is listed as activity unknown, never removed.
 */
export function evaluate(input: EvaluateInput): Evaluation {
  const { policy, snapshot, state, now } = input;
  assertPolicyMatchesOrg(policy, snapshot);
  const ctx = buildContext(policy, snapshot, state, now);
  const unread = new Set<string>();
  const reader: AccessReader = {
    roles(user: SnapshotUser) {
      const recorded = recordedRoles(snapshot, user.accountId);
      if (recorded) return recorded;
      unread.add(user.accountId);
      return predictRoles(ctx, user);
    },
    apiTokenLastUsed: (user: SnapshotUser) => recordedTokenUse(snapshot, user.accountId),
  };
  const decision = decide(ctx, reader);
  if (unread.size > 0) {
    const ids = sortedUnique(unread);
    const shown =
      ids.slice(0, 10).join(', ') + (ids.length > 10 ? `, and ${ids.length - 10} more` : '');
    throw new Error(
      `the snapshot has no role assignments for ${ids.length} account(s) this plan would act on (${shown}); ` +
        'a partial read never becomes a plan: read the accounts findCandidates lists, then evaluate again',
    );
  }
  const ttlHours = input.ttlHours ?? policy.limits.planTtlHours;
  return {
    plan: buildPlanBody(ctx, decision, { policyCommit: input.policyCommit, ttlHours }),
    nextState: nextState(ctx),
  };
}
