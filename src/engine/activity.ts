/**
 * Activity and licence age of one seat, and whether a rule's threshold is crossed (SPEC §3).
 *
 * Activity is the `productAccess` entry whose id is exactly the resource's ARI: never the product
 * key (spelt differently across APIs), never the site id alone (Jira, JSM and Confluence share it).
 */
import type { Rule } from '../policy/types.js';
import type { Resource, SnapshotUser } from '../snapshot/types.js';
import type { EvaluationContext } from './context.js';
import { DAY_MS, isoDay, parseInstant, wholeDays } from './time.js';

export const LICENCE_START_UNKNOWN = 'licence start unknown (first run)';
const NO_NOTES: readonly string[] = Object.freeze([]);
const START_UNKNOWN_NOTES: readonly string[] = Object.freeze([LICENCE_START_UNKNOWN]);

export interface SeatFacts {
  /** `none`: no entry for the resource; `untimed`: an entry without a usable timestamp. */
  activity: 'none' | 'untimed' | 'timed';
  lastActive: string | null;
  lastActiveMs: number | null;
  /** As recorded (state), or the fallback used; null when unknown. */
  licensedSince: string | null;
  licensedSinceMs: number | null;
  /** licensedSince is the first run's addedToOrg estimate (or missing on a first run). */
  sinceUncertain: boolean;
}

/** `ActivityScan.latestMs` of a seat with no activity entry for the resource. */
export const NO_ENTRY = -Infinity;

/**
 * The activity of every licensed seat of one resource, in one pass and without allocating per
 * seat (it runs for every licensed seat): per holder, the latest timestamp of the entries whose
 * id is exactly the resource's ARI (`NO_ENTRY` without an entry, NaN when no entry has a usable
 * timestamp) and that entry's `lastActive` as written; and how many holders have an entry (the
 * coverage guard).
 */
export interface ActivityScan {
  latestMs: Float64Array;
  latestText: Array<string | undefined>;
  covered: number;
}

export function scanActivity(holders: readonly SnapshotUser[], resource: Resource): ActivityScan {
  const latestMs = new Float64Array(holders.length);
  const latestText = new Array<string | undefined>(holders.length);
  const id = resource.id;
  let covered = 0;
  for (let i = 0; i < holders.length; i++) {
    // Flat triples: id, key, lastActive.
    const entries = holders[i].productAccess;
    let found = false;
    let latest = NaN;
    let best: string | undefined;
    for (let e = 0; e + 2 < entries.length; e += 3) {
      if (entries[e] !== id) continue;
      found = true;
      const text = entries[e + 2];
      const ms = parseInstant(text);
      // Duplicate entries (should not happen): the latest wins whatever their order.
      if (ms !== null && !(ms <= latest)) {
        latest = ms;
        best = text!;
      }
    }
    if (found) covered += 1;
    latestMs[i] = found ? latest : NO_ENTRY;
    latestText[i] = best;
  }
  return { latestMs, latestText, covered };
}

/** A seat's facts from its activity scan, its state entry or the fallbacks of SPEC §3. */
export function seatFacts(
  ctx: EvaluationContext,
  user: SnapshotUser,
  resource: Resource,
  latestMs: number,
  latestText: string | undefined,
): SeatFacts {
  const activity: SeatFacts['activity'] =
    latestMs === NO_ENTRY ? 'none' : Number.isNaN(latestMs) ? 'untimed' : 'timed';
  const lastActive = activity === 'timed' ? latestText! : null;
  const lastActiveMs = activity === 'timed' ? latestMs : null;

  const recorded = ctx.state?.licensedSince.get(user.accountId, resource.id);
  let licensedSince: string | null;
  let sinceUncertain: boolean;
  if (recorded) {
    licensedSince = recorded.since;
    sinceUncertain = recorded.estimated === true;
  } else if (ctx.firstRun) {
    licensedSince = user.addedToOrg;
    sinceUncertain = true;
  } else {
    // Not seen before: the licence is new as of this snapshot (a re-granted licence starts again).
    licensedSince = ctx.snapshot.fetchedAt;
    sinceUncertain = false;
  }
  const licensedSinceMs = parseInstant(licensedSince);
  if (licensedSinceMs === null) licensedSince = null;
  return { activity, lastActive, lastActiveMs, licensedSince, licensedSinceMs, sinceUncertain };
}

export interface Eligible {
  kind: 'eligible';
  /** Whole days since max(lastActive, licensedSince). */
  inactiveDays: number;
  notes: readonly string[];
  /** Never-active users are picked first by keepAtMost. */
  neverActive: boolean;
  /** What the reason sentence needs; it is written only for users who get an action. */
  rule: Rule;
  label: 'threshold' | 'floor';
  /** licensedSince when it, not lastActive, started the inactivity; else null. */
  countedFromLicenceMs: number | null;
}

export type Judgement =
  | Eligible
  /** Not eligible yet; `eligibleAtMs` is when the threshold will be crossed if nothing changes. */
  | { kind: 'not-yet'; eligibleAtMs: number }
  | { kind: 'unknown'; reason: string }
  /** Never active, and the rule leaves never-active users alone. */
  | { kind: 'not-considered' };

export function thresholdMs(ctx: EvaluationContext, rule: Rule): number {
  return rule.inactiveDays * DAY_MS + ctx.lagMs;
}

const NOT_CONSIDERED: Judgement = Object.freeze({ kind: 'not-considered' });
const UNTIMED: Judgement = Object.freeze({
  kind: 'unknown',
  reason: 'the activity entry for this product has no timestamp',
});
const START_UNKNOWN: Judgement = Object.freeze({
  kind: 'unknown',
  reason: 'never active, and the licence start is unknown (no state yet and no addedToOrg)',
});

/**
 * Inactive N days: `now − max(lastActive, licensedSince) ≥ N × 24 h + lag`. Never active:
 * eligible only when included and `now − licensedSince ≥ grace × 24 h + lag`.
 * `label` names the number in the reason: a threshold, or a keepAtMost floor.
 */
export function judge(
  ctx: EvaluationContext,
  rule: Rule,
  facts: SeatFacts,
  label: 'threshold' | 'floor' = 'threshold',
): Judgement {
  if (facts.activity === 'untimed') return UNTIMED;
  const notes = facts.sinceUncertain ? START_UNKNOWN_NOTES : NO_NOTES;
  if (facts.activity === 'none') {
    if (!rule.neverActive.include) return NOT_CONSIDERED;
    if (facts.licensedSinceMs === null) return START_UNKNOWN;
    const due = facts.licensedSinceMs + rule.neverActive.graceDays * DAY_MS + ctx.lagMs;
    if (ctx.nowMs < due) return { kind: 'not-yet', eligibleAtMs: due };
    return {
      kind: 'eligible',
      inactiveDays: wholeDays(ctx.nowMs - facts.licensedSinceMs),
      notes,
      neverActive: true,
      rule,
      label,
      countedFromLicenceMs: facts.licensedSinceMs,
    };
  }

  const lastActiveMs = facts.lastActiveMs!;
  const sinceMs = facts.licensedSinceMs;
  const reference = sinceMs === null ? lastActiveMs : Math.max(lastActiveMs, sinceMs);
  const due = reference + thresholdMs(ctx, rule);
  if (ctx.nowMs < due) return { kind: 'not-yet', eligibleAtMs: due };
  return {
    kind: 'eligible',
    inactiveDays: wholeDays(ctx.nowMs - reference),
    // Without a licence start, lastActive alone decided: say so.
    notes: sinceMs === null ? START_UNKNOWN_NOTES : notes,
    neverActive: false,
    rule,
    label,
    countedFromLicenceMs: sinceMs !== null && sinceMs > lastActiveMs ? sinceMs : null,
  };
}

/**
 * One plain sentence: "inactive 41 days (threshold 30 + 24 h activity lag)", "never active;
 * licensed since 2026-09-01 (grace 30 days)".
 */
export function reasonOf(ctx: EvaluationContext, eligible: Eligible): string {
  const { rule, inactiveDays, countedFromLicenceMs } = eligible;
  if (eligible.neverActive) {
    return `never active; licensed since ${isoDay(countedFromLicenceMs!)} (grace ${rule.neverActive.graceDays} days)`;
  }
  const hours = ctx.policy.limits.activityLagHours;
  const limit = `${eligible.label} ${rule.inactiveDays}${hours > 0 ? ` + ${hours} h activity lag` : ''}`;
  return countedFromLicenceMs !== null
    ? `not active since licensed on ${isoDay(countedFromLicenceMs)}: inactive ${inactiveDays} days (${limit})`
    : `inactive ${inactiveDays} days (${limit})`;
}
