/**
 * The decisions of one evaluation (SPEC §3), before they are shaped into a plan: who is removed
 * from what and how, who is protected, whose activity is unknown, who is coming up.
 *
 * The same pipeline serves `findCandidates` (which reads are needed) and `evaluate` (the plan):
 * only the `AccessReader` differs, so the reads requested are exactly the reads used.
 *
 * Order of work, all in linear passes over indexed data:
 *   1. threshold rules, per governed product+site (after the activity coverage guard);
 *   2. one role read per matched user; removals decided per seat, suspensions per directory;
 *   3. collateral, against the full set of removals of each user (to a fixpoint);
 *   4. keepAtMost, per product+site, counting the seats left after the `planned` removals.
 */
import { licenceKey, type ActionStatus, type BlockReason, type Operation } from '../plan/types.js';
import {
  SEAT_ROLES,
  type Group,
  type Resource,
  type SnapshotUser,
  type UserResourceRoles,
} from '../snapshot/types.js';
import { activityEntries } from '../snapshot/product-access.js';
import {
  analyseAccess,
  collateralOf,
  firstDirectoryOf,
  heldSeatResources,
  indexRoles,
  type AccessPath,
} from './access-path.js';
import {
  judge,
  scanActivity,
  seatFacts,
  thresholdMs,
  type Eligible,
  type SeatFacts,
} from './activity.js';
import {
  compareResources,
  describeResource,
  type EvaluationContext,
  type RuleRef,
} from './context.js';
import type { ExclusionHit } from './exclusions.js';
import { compareNumber, compareText } from './order.js';
import { SmallMap } from './small-map.js';
import { DAY_MS, parseInstant } from './time.js';

/** Where role assignments and API-token use come from: the snapshot, or a prediction. */
export interface AccessReader {
  /** The user's own role assignments (one read per user the plan would act on). */
  roles(user: SnapshotUser): readonly UserResourceRoles[];
  /** Last API-token use (epoch ms), null for never, undefined when it was not read. */
  apiTokenLastUsed(user: SnapshotUser): number | null | undefined;
}

interface RuleMatch {
  ref: RuleRef;
  judgement: Eligible;
}

/** A licensed seat that at least one rule makes eligible. */
interface SeatMatch {
  user: SnapshotUser;
  resource: Resource;
  facts: SeatFacts;
  /** File order. */
  matches: RuleMatch[];
}

export interface Draft {
  kind: 'remove-product-access' | 'suspend';
  user: SnapshotUser;
  resource: Resource;
  directoryId: string;
  /** Sorted by file order: the first is the primary. */
  rules: RuleRef[];
  facts: SeatFacts;
  /** The primary rule's judgement (reason, inactive days, notes). */
  judgement: Eligible;
  reasonSuffix: string;
  /** What the access path allows before collateral is considered. */
  baseStatus: ActionStatus;
  status: ActionStatus;
  operations: Operation[];
  notes: string[];
  collateralNotes: string[];
  /** Remove actions: the granting groups; suspensions: none. */
  access: AccessPath | null;
  allowCollateral: boolean;
  /** Suspensions: every resource the suspension takes. */
  removes: string[] | null;
}

interface UserWork {
  user: SnapshotUser;
  roles: SmallMap<UserResourceRoles>;
  adminHit: ExclusionHit | null;
  /** Eligible seats by resource id. */
  seats: SmallMap<SeatMatch>;
  /** Removals by resource id. */
  removals: SmallMap<Draft>;
  /** Suspensions by directory id. */
  suspensions: SmallMap<Draft>;
}

export interface ResourceOutcome {
  resource: Resource;
  licensed: number;
  /** Licensed users with an activity entry for this exact resource. */
  covered: number;
  blocked: BlockReason | null;
  shortOfTarget: number | null;
}

export interface ProtectedSeat {
  user: SnapshotUser;
  resource: Resource;
  rules: RuleRef[];
  hit: ExclusionHit;
}

export interface UnknownSeat {
  user: SnapshotUser;
  resource: Resource;
  reason: string;
}

export interface UpcomingSeat {
  user: SnapshotUser;
  resource: Resource;
  ref: RuleRef;
  eligibleAtMs: number;
  lastActive: string | null;
}

export interface TokenKeptSeat {
  user: SnapshotUser;
  lastUsedMs: number;
}

export interface CapacityShortfall {
  resource: Resource;
  ref: RuleRef;
  target: number;
  remaining: number;
  /** Eligible users passed over because removing them would not free the seat, by status. */
  passedOver: Map<ActionStatus, number>;
}

export interface Decision {
  outcomes: ResourceOutcome[];
  drafts: Draft[];
  protectedSeats: ProtectedSeat[];
  unknownSeats: UnknownSeat[];
  upcomingSeats: UpcomingSeat[];
  tokenKept: Map<string, TokenKeptSeat[]>;
  shortfalls: CapacityShortfall[];
}

const byIndex = (a: RuleRef, b: RuleRef) => compareNumber(a.index, b.index);

function unionRules(...lists: RuleRef[][]): RuleRef[] {
  const union: RuleRef[] = [];
  for (const list of lists) {
    for (const ref of list) if (!union.some((r) => r.index === ref.index)) union.push(ref);
  }
  return union.sort(byIndex);
}

export function decide(ctx: EvaluationContext, access: AccessReader): Decision {
  const outcomes: ResourceOutcome[] = [];
  const candidates: SeatMatch[] = [];
  const protectedByKey = new Map<string, ProtectedSeat>();
  const unknownSeats: UnknownSeat[] = [];
  const upcomingSeats: UpcomingSeat[] = [];
  const tokenKept = new Map<string, TokenKeptSeat[]>();
  /** Seats already listed as kept by API-token use or as unread. */
  const tokenNoted = new Set<string>();
  const works = new Map<string, UserWork>();
  /** Facts of the seats the threshold pass looked at, for resources with a keepAtMost rule. */
  const factsByResource = new Map<string, Array<SeatFacts | undefined>>();
  const shortfalls: CapacityShortfall[] = [];
  const { limits } = ctx.policy;

  const protect = (user: SnapshotUser, resource: Resource, rules: RuleRef[], hit: ExclusionHit) => {
    const key = licenceKey(user.accountId, resource.id);
    const known = protectedByKey.get(key);
    if (known) known.rules = unionRules(known.rules, rules);
    else protectedByKey.set(key, { user, resource, rules: unionRules(rules), hit });
  };

  /** API-token use within the rule's threshold counts as activity for managed accounts. */
  const tokenCheck = (
    ref: RuleRef,
    user: SnapshotUser,
  ): { kind: 'clear' } | { kind: 'unread' } | { kind: 'active'; lastUsedMs: number } => {
    if (!ref.rule.countApiTokenUse || user.claimStatus !== 'managed') return { kind: 'clear' };
    const lastUsedMs = access.apiTokenLastUsed(user);
    if (lastUsedMs === undefined) return { kind: 'unread' };
    if (lastUsedMs !== null && ctx.nowMs - lastUsedMs < thresholdMs(ctx, ref.rule)) {
      return { kind: 'active', lastUsedMs };
    }
    return { kind: 'clear' };
  };

  /** Filters matches by API-token use; records the user where none survives. */
  const applyTokenUse = (
    user: SnapshotUser,
    resource: Resource,
    matches: RuleMatch[],
  ): RuleMatch[] => {
    const kept: RuleMatch[] = [];
    let unread = false;
    let lastUsedMs: number | null = null;
    for (const match of matches) {
      const check = tokenCheck(match.ref, user);
      if (check.kind === 'clear') kept.push(match);
      else if (check.kind === 'unread') unread = true;
      else lastUsedMs = check.lastUsedMs;
    }
    if (kept.length > 0) return kept;
    // A seat can come up twice (a threshold rule, then keepAtMost): list it once.
    const key = licenceKey(user.accountId, resource.id);
    if (tokenNoted.has(key)) return kept;
    tokenNoted.add(key);
    if (unread) {
      unknownSeats.push({
        user,
        resource,
        reason:
          'the rule counts API-token use as activity, and the API-token use of this account was not read',
      });
    } else if (lastUsedMs !== null) {
      const list = tokenKept.get(resource.id) ?? [];
      list.push({ user, lastUsedMs });
      tokenKept.set(resource.id, list);
    }
    return kept;
  };

  const workOf = (user: SnapshotUser): UserWork => {
    let work = works.get(user.accountId);
    if (!work) {
      const roles = access.roles(user);
      work = {
        user,
        roles: indexRoles(roles),
        adminHit: ctx.exclusions.matchRoles(roles),
        seats: new SmallMap(),
        removals: new SmallMap(),
        suspensions: new SmallMap(),
      };
      works.set(user.accountId, work);
    }
    return work;
  };

  // 1. Threshold rules, per product+site.
  for (const resource of ctx.governed) {
    const refs = ctx.rulesByResource.get(resource.id) ?? [];
    const holders = ctx.licensedByResource.get(resource.id) ?? [];
    const scan = scanActivity(holders, resource);
    const { covered } = scan;
    const quietAfter = quietAfterMs(ctx, refs);
    const outcome: ResourceOutcome = {
      resource,
      licensed: holders.length,
      covered,
      blocked: null,
      shortOfTarget: null,
    };
    outcomes.push(outcome);
    // Safety: missing activity data must never read as "never active".
    if (holders.length > 0 && covered * 100 < limits.minActivityCoverage * holders.length) {
      outcome.blocked = activityDataMissing(ctx, resource, holders, covered);
      continue;
    }

    // keepAtMost walks these seats again later: keep their facts (aligned with `holders`).
    const keptFacts: Array<SeatFacts | undefined> | null = refs.some(
      (r) => r.rule.keepAtMost !== undefined,
    )
      ? new Array<SeatFacts | undefined>(holders.length)
      : null;
    if (keptFacts) factsByResource.set(resource.id, keptFacts);
    for (let index = 0; index < holders.length; index++) {
      const user = holders[index];
      // Most seats are in use: active too recently for any rule to match or warn, skip them
      // before building anything (NaN, an entry without timestamp, is not skipped).
      const latest = scan.latestMs[index];
      if (latest > quietAfter) continue;
      const facts = seatFacts(ctx, user, resource, latest, scan.latestText[index]);
      if (keptFacts) keptFacts[index] = facts;
      let matches: RuleMatch[] | null = null;
      let unknown: string | null = null;
      let soonestRef: RuleRef | null = null;
      let soonestAtMs = Infinity;
      for (let r = 0; r < refs.length; r++) {
        const ref = refs[r];
        if (!ctx.inScope(ref, user)) continue;
        const capacity = ref.rule.keepAtMost !== undefined;
        const judgement = judge(ctx, ref.rule, facts, capacity ? 'floor' : 'threshold');
        if (judgement.kind === 'unknown') unknown ??= judgement.reason;
        if (capacity) continue;
        if (judgement.kind === 'eligible') {
          (matches ??= []).push({ ref, judgement });
        } else if (judgement.kind === 'not-yet') {
          const eligibleAtMs = upcomingAt(ctx, ref, user, judgement.eligibleAtMs);
          const within = eligibleAtMs - ctx.nowMs <= ref.rule.noticeDays * DAY_MS;
          if (within && eligibleAtMs < soonestAtMs) {
            soonestRef = ref;
            soonestAtMs = eligibleAtMs;
          }
        }
      }
      if (matches) {
        const hit = ctx.exclusions.match(user);
        if (hit) {
          protect(
            user,
            resource,
            matches.map((m) => m.ref),
            hit,
          );
          continue;
        }
        const kept = applyTokenUse(user, resource, matches);
        if (kept.length > 0) candidates.push({ user, resource, facts, matches: kept });
      } else if (unknown !== null) {
        if (!ctx.exclusions.match(user)) unknownSeats.push({ user, resource, reason: unknown });
      } else if (soonestRef) {
        if (!ctx.exclusions.match(user)) {
          upcomingSeats.push({
            user,
            resource,
            ref: soonestRef,
            eligibleAtMs: soonestAtMs,
            lastActive: facts.lastActive,
          });
        }
      }
    }

    // Service and app accounts hold no billable seat and are never acted on; with
    // `exclude.serviceAccounts` the ones a rule would match are shown as protected.
    if (ctx.policy.exclude.serviceAccounts) {
      const others = ctx.nonPersonByResource.get(resource.id) ?? [];
      const otherScan = scanActivity(others, resource);
      for (let index = 0; index < others.length; index++) {
        const user = others[index];
        const facts = seatFacts(
          ctx,
          user,
          resource,
          otherScan.latestMs[index],
          otherScan.latestText[index],
        );
        const rules = refs.filter(
          (ref) =>
            ref.rule.keepAtMost === undefined &&
            ctx.inScope(ref, user) &&
            judge(ctx, ref.rule, facts).kind === 'eligible',
        );
        const hit = ctx.exclusions.match(user);
        if (rules.length > 0 && hit) protect(user, resource, rules, hit);
      }
    }
  }

  // 2. One role read per matched user; an admin by their own roles is protected.
  for (const seat of candidates) {
    const work = workOf(seat.user);
    if (work.adminHit) {
      protect(
        seat.user,
        seat.resource,
        seat.matches.map((m) => m.ref),
        work.adminHit,
      );
      continue;
    }
    work.seats.set(seat.resource.id, seat);
  }
  const orderedWorks = [...works.values()].sort((a, b) =>
    compareText(a.user.accountId, b.user.accountId),
  );
  for (const work of orderedWorks) {
    const seats = [...work.seats.values()].sort((a, b) => compareResources(a.resource, b.resource));
    let suspendSeats: SmallMap<SeatMatch[]> | null = null;
    for (const seat of seats) {
      const removeMatches = seat.matches.filter((m) => m.ref.rule.action !== 'suspend');
      if (removeMatches.length > 0) {
        work.removals.set(seat.resource.id, removalDraft(ctx, work, seat, removeMatches, ''));
      }
      if (removeMatches.length < seat.matches.length) {
        const directoryId = directoryOfSeat(work, seat);
        suspendSeats ??= new SmallMap();
        const list = suspendSeats.get(directoryId) ?? [];
        list.push(seat);
        suspendSeats.set(directoryId, list);
      }
    }
    for (const directoryId of [...(suspendSeats?.keys() ?? [])].sort(compareText)) {
      const draft = suspensionDraft(ctx, work, directoryId, suspendSeats!.get(directoryId)!, '');
      commitSuspension(work, draft);
    }
    // 3. Collateral against everything this plan removes for the user.
    settleCollateral(ctx, work);
  }

  // 4. keepAtMost, after the threshold rules of the same product+site.
  const plannedOn = new Map<string, number>();
  /** Account ids with an action, per resource id. */
  const actedOn = new Map<string, Set<string>>();
  const countOn = (resourceId: string, delta: number) =>
    plannedOn.set(resourceId, (plannedOn.get(resourceId) ?? 0) + delta);
  const countPlanned = (draft: Draft, delta = 1) => {
    if (draft.status !== 'planned') return;
    if (draft.removes) for (const resourceId of draft.removes) countOn(resourceId, delta);
    else countOn(draft.resource.id, delta);
  };
  const actOn = (resourceId: string, accountId: string) => {
    if (!factsByResource.has(resourceId)) return;
    let accounts = actedOn.get(resourceId);
    if (!accounts) {
      accounts = new Set();
      actedOn.set(resourceId, accounts);
    }
    accounts.add(accountId);
  };
  const markActed = (draft: Draft) => {
    actOn(draft.resource.id, draft.user.accountId);
    if (draft.removes)
      for (const resourceId of draft.removes) actOn(resourceId, draft.user.accountId);
  };

  for (const work of orderedWorks) {
    for (const draft of work.removals.values()) {
      countPlanned(draft);
      markActed(draft);
    }
    for (const draft of work.suspensions.values()) {
      countPlanned(draft);
      markActed(draft);
    }
  }

  for (const outcome of outcomes) {
    if (outcome.blocked) continue;
    const { resource } = outcome;
    const capacityRefs = (ctx.rulesByResource.get(resource.id) ?? []).filter(
      (r) => r.rule.keepAtMost !== undefined,
    );
    for (const ref of capacityRefs) {
      const target = ref.rule.keepAtMost!;
      let remaining = outcome.licensed - (plannedOn.get(resource.id) ?? 0);
      if (remaining <= target) continue;
      const suffix = `; picked to keep at most ${target} seats`;
      const passedOver = new Map<ActionStatus, number>();
      const pool = capacityPool(
        ctx,
        resource,
        ref,
        actedOn,
        factsByResource.get(resource.id) ?? [],
      );
      for (const pick of pool) {
        if (remaining <= target) break;
        const { user } = pick;
        const hit = ctx.exclusions.match(user);
        if (hit) {
          protect(user, resource, [ref], hit);
          continue;
        }
        if (applyTokenUse(user, resource, [pick.match]).length === 0) continue;
        const work = workOf(user);
        if (work.adminHit) {
          protect(user, resource, [ref], work.adminHit);
          continue;
        }
        const seat: SeatMatch = { user, resource, facts: pick.facts, matches: [pick.match] };
        let draft: Draft;
        if (ref.rule.action === 'suspend') {
          work.seats.set(resource.id, seat);
          draft = suspensionDraft(ctx, work, directoryOfSeat(work, seat), [seat], suffix);
          if (draft.status !== 'planned') work.seats.delete(resource.id);
        } else {
          draft = removalDraft(ctx, work, seat, [pick.match], suffix);
          const collateral = collateralOf(
            ctx,
            resource,
            draft.access!.grantingGroups,
            work.roles,
            removedFor(work),
          );
          if (draft.status === 'planned' && collateral.length > 0 && !draft.allowCollateral) {
            draft.status = 'skipped-collateral';
          }
          draft.collateralNotes = collateralNotes(collateral, draft.allowCollateral);
        }
        // Only a pick that frees the seat counts, and only such picks are planned: an IdP or
        // manual change (or a skipped one) would leave the count where it is, so keep picking.
        if (draft.status !== 'planned') {
          passedOver.set(draft.status, (passedOver.get(draft.status) ?? 0) + 1);
          continue;
        }
        if (draft.kind === 'suspend') {
          for (const folded of commitSuspension(work, draft)) countPlanned(folded, -1);
        } else {
          work.removals.set(resource.id, draft);
        }
        countPlanned(draft);
        markActed(draft);
        remaining = outcome.licensed - (plannedOn.get(resource.id) ?? 0);
      }
      if (remaining > target) {
        outcome.shortOfTarget = Math.max(outcome.shortOfTarget ?? 0, remaining - target);
        shortfalls.push({ resource, ref, target, remaining, passedOver });
      }
    }
  }

  const drafts: Draft[] = [];
  for (const work of works.values())
    drafts.push(...work.removals.values(), ...work.suspensions.values());
  return {
    outcomes,
    drafts,
    protectedSeats: [...protectedByKey.values()],
    unknownSeats,
    upcomingSeats,
    tokenKept,
    shortfalls,
  };
}

/**
 * The instant after which activity makes a user neither eligible nor upcoming under any rule on a
 * resource: eligibility needs `now − lastActive ≥ threshold`, a notice needs
 * `lastActive + threshold ≤ now + noticeDays` (licensedSince and API tokens only push it later).
 */
function quietAfterMs(ctx: EvaluationContext, refs: readonly RuleRef[]): number {
  let quietAfter = -Infinity;
  for (const { rule } of refs) {
    const notice = rule.keepAtMost === undefined ? rule.noticeDays * DAY_MS : 0;
    quietAfter = Math.max(quietAfter, ctx.nowMs + notice - thresholdMs(ctx, rule));
  }
  return quietAfter;
}

/** When a not-yet-eligible user crosses the threshold, pushed back by known API-token use. */
function upcomingAt(
  ctx: EvaluationContext,
  ref: RuleRef,
  user: SnapshotUser,
  eligibleAtMs: number,
): number {
  if (!ref.rule.countApiTokenUse || user.claimStatus !== 'managed') return eligibleAtMs;
  const lastUsedMs = parseInstant(ctx.snapshot.apiTokenLastUsed.get(user.accountId));
  return lastUsedMs === null
    ? eligibleAtMs
    : Math.max(eligibleAtMs, lastUsedMs + thresholdMs(ctx, ref.rule));
}

function activityDataMissing(
  ctx: EvaluationContext,
  resource: Resource,
  holders: readonly SnapshotUser[],
  covered: number,
): BlockReason {
  const unmatched = new Map<string, { id: string; key: string | null; users: number }>();
  for (const user of holders) {
    const seen = new Set<string>();
    for (const entry of activityEntries(user.productAccess)) {
      if (ctx.rulesByResource.has(entry.id)) continue;
      const mapKey = `${entry.id}\n${entry.key ?? ''}`;
      if (seen.has(mapKey)) continue;
      seen.add(mapKey);
      const known = unmatched.get(mapKey);
      if (known) known.users += 1;
      else unmatched.set(mapKey, { id: entry.id, key: entry.key, users: 1 });
    }
  }
  const coverage = roundTo((covered * 100) / holders.length, 1);
  return {
    code: 'activity-data-missing',
    message:
      `${describeResource(resource)}: only ${covered} of ${holders.length} licensed users (${coverage}%) have ` +
      `activity data for this product and site, below the ${ctx.policy.limits.minActivityCoverage}% minimum; ` +
      'no removal is planned there, since missing data must not read as "never active"',
    product: resource.product,
    site: resource.site,
    limit: ctx.policy.limits.minActivityCoverage,
    actual: coverage,
    overridable: false,
    unmatchedActivity: [...unmatched.values()].sort(
      (a, b) =>
        b.users - a.users || compareText(a.id, b.id) || compareText(a.key ?? '', b.key ?? ''),
    ),
  };
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function directoryOfSeat(work: UserWork, seat: SeatMatch): string {
  return work.roles.get(seat.resource.id)?.directoryId ?? firstDirectoryOf(work.user);
}

function removalDraft(
  ctx: EvaluationContext,
  work: UserWork,
  seat: SeatMatch,
  matches: RuleMatch[],
  reasonSuffix: string,
): Draft {
  const access = analyseAccess(ctx, work.user, seat.resource, work.roles);
  const primary = matches[0];
  return {
    kind: 'remove-product-access',
    user: work.user,
    resource: seat.resource,
    directoryId: access.directoryId,
    rules: matches.map((m) => m.ref),
    facts: seat.facts,
    judgement: primary.judgement,
    reasonSuffix,
    baseStatus: access.status,
    status: access.status,
    operations: access.operations,
    notes: [...primary.judgement.notes, ...access.notes],
    collateralNotes: [],
    access,
    allowCollateral: primary.ref.rule.allowCollateral,
    removes: null,
  };
}

/**
 * A suspension is directory-wide: planned only when every licensed seat the user holds in that
 * directory is one some rule makes them eligible for (and they are protected for none, which
 * holds for anyone reaching here: exclusions are per account).
 */
function suspensionDraft(
  ctx: EvaluationContext,
  work: UserWork,
  directoryId: string,
  suspendSeats: SeatMatch[],
  reasonSuffix: string,
): Draft {
  const firstSuspendRule = (seat: SeatMatch) =>
    seat.matches.find((m) => m.ref.rule.action === 'suspend')!;
  const ordered = [...suspendSeats].sort(
    (a, b) =>
      byIndex(firstSuspendRule(a).ref, firstSuspendRule(b).ref) ||
      compareResources(a.resource, b.resource),
  );
  const primarySeat = ordered[0];
  const primary = firstSuspendRule(primarySeat);
  const held = heldSeatResources(work.roles, directoryId);
  const describe = (resourceId: string) => {
    const resource = ctx.resourcesById.get(resourceId);
    return resource ? describeResource(resource) : resourceId;
  };
  const suspendRules = ordered.flatMap((seat) =>
    seat.matches.filter((m) => m.ref.rule.action === 'suspend').map((m) => m.ref),
  );

  let status: ActionStatus;
  let rules: RuleRef[];
  const notes = [...primary.judgement.notes];
  if (held.length === 0 || ordered.some((seat) => !held.includes(seat.resource.id))) {
    status = 'needs-review';
    rules = unionRules(suspendRules);
    notes.push(
      'the role assignments read show no seat held directly or through a group here: review it by hand',
    );
  } else {
    const missing = held.filter((resourceId) => !work.seats.has(resourceId));
    if (missing.length > 0) {
      status = 'skipped-collateral';
      rules = unionRules(suspendRules);
      notes.push(
        `not suspended: suspension would also remove ${missing.map(describe).join(', ')}, ` +
          'where this plan does not make the user eligible',
      );
    } else {
      status = 'planned';
      rules = unionRules(
        ...held.map((resourceId) => work.seats.get(resourceId)!.matches.map((m) => m.ref)),
      );
      notes.push(
        `suspends the account in directory ${directoryId}: removes every product it holds there`,
      );
    }
  }
  return {
    kind: 'suspend',
    user: work.user,
    resource: primarySeat.resource,
    directoryId,
    rules,
    facts: primarySeat.facts,
    judgement: primary.judgement,
    reasonSuffix,
    baseStatus: status,
    status,
    operations: [{ directoryId, type: 'suspend' }],
    notes,
    collateralNotes: [],
    access: null,
    allowCollateral: false,
    removes: held,
  };
}

/**
 * A planned suspension replaces the user's removals in that directory (one action per user);
 * returns the removals it replaced.
 */
function commitSuspension(work: UserWork, draft: Draft): Draft[] {
  work.suspensions.set(draft.directoryId, draft);
  if (draft.status !== 'planned') return [];
  const folded: Draft[] = [];
  for (const resourceId of draft.removes ?? []) {
    const removal = work.removals.get(resourceId);
    if (!removal) continue;
    folded.push(removal);
    work.removals.delete(resourceId);
  }
  return folded;
}

/** Resources this plan removes for the user: removals not skipped, and planned suspensions. */
function removedFor(work: UserWork): string[] {
  const removed: string[] = [];
  for (const draft of work.removals.values()) {
    if (draft.baseStatus !== 'needs-review' && draft.status !== 'skipped-collateral') {
      removed.push(draft.resource.id);
    }
  }
  for (const draft of work.suspensions.values()) {
    if (draft.status === 'planned') removed.push(...(draft.removes ?? []));
  }
  return removed;
}

function collateralNotes(collateral: string[], allowed: boolean): string[] {
  return collateral.map((text) =>
    allowed
      ? `${text} (accepted: allowCollateral)`
      : `not removed: ${text}; set allowCollateral on the rule to accept`,
  );
}

/** True unless the group grants exactly one seat role on one resource, which is never collateral. */
function grantsMoreThanOneSeat(group: Group): boolean {
  const [only, ...others] = group.roleAssignments;
  return (
    others.length > 0 ||
    (only !== undefined && only.roles.some((role) => !SEAT_ROLES.includes(role)))
  );
}

/**
 * Two passes: every removal is decided first, then each is checked for collateral against the
 * full set of the user's removals. A removal skipped for collateral no longer covers its
 * resource, which can make another collateral: repeat until nothing changes (the set only shrinks).
 */
function settleCollateral(ctx: EvaluationContext, work: UserWork): void {
  // Most users are in default groups that grant one seat and nothing else: nothing to check.
  if (
    !work.removals
      .values()
      .some((draft) => draft.access?.grantingGroups.some(grantsMoreThanOneSeat))
  ) {
    return;
  }
  const drafts = [...work.removals.values()].sort((a, b) =>
    compareResources(a.resource, b.resource),
  );
  for (;;) {
    const removed = removedFor(work);
    let changed = false;
    for (const draft of drafts) {
      if (
        draft.baseStatus === 'needs-review' ||
        draft.status === 'skipped-collateral' ||
        draft.allowCollateral
      )
        continue;
      if (
        collateralOf(ctx, draft.resource, draft.access!.grantingGroups, work.roles, removed)
          .length > 0
      ) {
        draft.status = 'skipped-collateral';
        changed = true;
      }
    }
    if (!changed) break;
  }
  const removed = removedFor(work);
  for (const draft of drafts) {
    if (draft.baseStatus === 'needs-review') continue;
    const collateral = collateralOf(
      ctx,
      draft.resource,
      draft.access!.grantingGroups,
      work.roles,
      removed,
    );
    draft.collateralNotes = collateralNotes(collateral, draft.allowCollateral);
  }
}

interface PoolEntry {
  user: SnapshotUser;
  facts: SeatFacts;
  match: RuleMatch;
  /** Never active first; within each group, the oldest instant first. */
  group: number;
  instant: number;
}

/**
 * Who keepAtMost may pick on a product+site, in order: never active (oldest licensedSince
 * first), then oldest activity first; never anyone active within the rule's (lag-adjusted) floor.
 */
function capacityPool(
  ctx: EvaluationContext,
  resource: Resource,
  ref: RuleRef,
  actedOn: ReadonlyMap<string, ReadonlySet<string>>,
  /** From the threshold pass; a seat it skipped was active too recently for any rule. */
  factsOf: ReadonlyArray<SeatFacts | undefined>,
): PoolEntry[] {
  const pool: PoolEntry[] = [];
  const acted = actedOn.get(resource.id);
  const holders = ctx.licensedByResource.get(resource.id) ?? [];
  for (let index = 0; index < holders.length; index++) {
    const facts = factsOf[index];
    const user = holders[index];
    if (!facts || acted?.has(user.accountId) || !ctx.inScope(ref, user)) continue;
    const judgement = judge(ctx, ref.rule, facts, 'floor');
    if (judgement.kind !== 'eligible') continue;
    pool.push({
      user,
      facts,
      match: { ref, judgement },
      group: judgement.neverActive ? 0 : 1,
      instant: judgement.neverActive ? facts.licensedSinceMs! : facts.lastActiveMs!,
    });
  }
  return pool.sort(
    (a, b) =>
      a.group - b.group ||
      compareNumber(a.instant, b.instant) ||
      compareText(a.user.accountId, b.user.accountId),
  );
}
