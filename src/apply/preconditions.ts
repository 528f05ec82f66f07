/**
 * The refusals of SPEC §5, checked before any write and before any Atlassian call: a plan that
 * fails one of them changes nothing. Pure: the caller says whether the digest matched and what
 * time it is, so each refusal is tested on its own.
 */
import { RefusedError } from '../errors.js';
import type { BlockReason, Plan, State } from '../plan/types.js';

export interface PreconditionContext {
  /** Whether the plan's `digest` matches its content (checked by the caller with the plan module). */
  digestValid: boolean;
  /** The org the run is configured for (`ATLASSIAN_ORG_ID`, the action input). */
  orgId: string;
  state: State;
  /** The real clock at apply time. */
  now: Date;
  /** `limits.planTtlHours` of the policy now (HEAD): a shortened TTL applies to older plans too. */
  planTtlHours: number;
  /** `--override-limits` / the action's override label. Never overrides `activity-data-missing`. */
  overrideLimits: boolean;
  /** The kind of plan this apply path executes. Default `removal`; the restore path passes `restore`. */
  kind?: Plan['kind'];
}

/** Blocks no flag or label may lift (SPEC §3: missing activity data must never read as "never active"). */
export function isOverridable(block: BlockReason): boolean {
  return block.overridable && block.code !== 'activity-data-missing';
}

/** Throws `RefusedError` for the first refusal that applies (tampering first: nothing else in a tampered plan can be trusted). */
export function checkPreconditions(plan: Plan, ctx: PreconditionContext): void {
  if (!ctx.digestValid) {
    throw new RefusedError(
      'digest-mismatch',
      `plan ${plan.planId} was edited after it was generated: its digest does not match its content`,
    );
  }
  const expectedKind = ctx.kind ?? 'removal';
  if (plan.kind !== expectedKind) {
    throw new RefusedError(
      'wrong-plan-kind',
      `plan ${plan.planId} is a ${plan.kind} plan; this apply path executes ${expectedKind} plans`,
    );
  }
  if (plan.org.id !== ctx.orgId) {
    throw new RefusedError(
      'org-mismatch',
      `plan ${plan.planId} is for organization ${plan.org.id}, but this run is configured for ${ctx.orgId}`,
    );
  }
  const now = ctx.now.getTime();
  const createdAt = Date.parse(plan.createdAt);
  const expiresAt = Math.min(Date.parse(plan.expiresAt), createdAt + ctx.planTtlHours * 3_600_000);
  if (Number.isNaN(createdAt) || Number.isNaN(expiresAt) || now >= expiresAt) {
    throw new RefusedError(
      'expired',
      `plan ${plan.planId} expired at ${Number.isNaN(expiresAt) ? plan.expiresAt : new Date(expiresAt).toISOString()} ` +
        `(created ${plan.createdAt}, planTtlHours ${ctx.planTtlHours}); generate a new plan`,
    );
  }
  const last = ctx.state.lastApplied;
  if (last && createdAt < Date.parse(last.createdAt)) {
    throw new RefusedError(
      'older-than-last-applied',
      `plan ${plan.planId} (created ${plan.createdAt}) is older than the last applied plan ` +
        `${last.planId} (created ${last.createdAt}); it was made from older data`,
    );
  }
  const hard = plan.blocked.filter((b) => !isOverridable(b));
  if (hard.length > 0) {
    throw new RefusedError(
      hard.some((b) => b.code === 'activity-data-missing') ? 'activity-data-missing' : 'blocked',
      `plan ${plan.planId} is blocked and no override can lift it: ${describeBlocks(hard)}`,
    );
  }
  if (plan.blocked.length > 0 && !ctx.overrideLimits) {
    throw new RefusedError(
      'blocked',
      `plan ${plan.planId} is blocked by limits: ${describeBlocks(plan.blocked)}; ` +
        `apply it only after review with --override-limits (the action: the override label on the merged PR)`,
    );
  }
}

export function describeBlocks(blocks: readonly BlockReason[]): string {
  return blocks.map((b) => `${b.code} (${b.message})`).join('; ');
}
