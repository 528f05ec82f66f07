/**
 * The plan body (SPEC §4) from the evaluation's decisions: summary per product+site, limits,
 * warnings, and every list sorted explicitly so that the same inputs give byte-identical JSON.
 */
import * as crypto from 'node:crypto';
import {
  PLAN_SCHEMA_VERSION,
  type ActivityUnknownEntry,
  type BlockReason,
  type PlanAction,
  type PlanBody,
  type PlanWarning,
  type ProductSiteSummary,
  type ProtectedEntry,
  type UpcomingEntry,
} from '../plan/types.js';
import { PERCENT_LIMIT_MIN_SEATS } from '../policy/types.js';
import { groupNamesOf } from './access-path.js';
import { LICENCE_START_UNKNOWN, reasonOf } from './activity.js';
import { describeResource, type EvaluationContext } from './context.js';
import { roundTo, type Decision, type Draft } from './decide.js';
import { compareText } from './order.js';
import { HOUR_MS, isoDay, isoInstant, wholeDays } from './time.js';

export interface PlanInputs {
  policyCommit: string | null;
  ttlHours: number;
}

/** One-shot `crypto.hash` where Node has it (20.12+, about 3× faster per action), else createHash. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** `act-` + 16 hex of SHA-256 over kind, account and resource: stable across runs. */
export function actionId(kind: string, accountId: string, resourceId: string): string {
  return `act-${sha256Hex(`${kind}\n${accountId}\n${resourceId}`).slice(0, 16)}`;
}

interface Listed {
  product: string;
  site: string;
  email: string | null;
  accountId: string;
}

/** The person as a reviewer looks them up: email in any case, or the account id when hidden. */
function personKey(listed: { email: string | null; accountId: string }): string {
  return (listed.email ?? listed.accountId).toLowerCase();
}

/**
 * Sorts by product, site, `extra`, the person, then account id (so ties never depend on input
 * order). Keys are computed once per entry, not once per comparison: lists run to 100,000s.
 */
function sortListed<T extends Listed>(
  items: T[],
  extra: (item: T) => string = () => '',
  last: (item: T) => string = () => '',
): T[] {
  const keyed = items.map((item) => ({
    item,
    extra: extra(item),
    person: personKey(item),
    last: last(item),
  }));
  keyed.sort(
    (a, b) =>
      compareText(a.item.product, b.item.product) ||
      compareText(a.item.site, b.item.site) ||
      compareText(a.extra, b.extra) ||
      compareText(a.person, b.person) ||
      compareText(a.item.accountId, b.item.accountId) ||
      compareText(a.last, b.last),
  );
  return keyed.map((k) => k.item);
}

/**
 * The entries of the plan's long lists (actions, protected, upcoming, ...) are built with their
 * keys inserted in RFC 8785 order (code-unit order), which is all the plan digest's canonical
 * JSON checks for before writing them as they are; in any other order each entry is copied first.
 */
function toAction(ctx: EvaluationContext, draft: Draft): PlanAction {
  const { user, resource, facts, judgement } = draft;
  const removes = draft.removes?.map((resourceId) => {
    const held = ctx.resourcesById.get(resourceId);
    return held
      ? { product: held.product, resourceId, site: held.site }
      : { product: resourceId.split(':')[2] ?? '', resourceId, site: resourceId };
  });
  return {
    accountId: user.accountId,
    directoryId: draft.directoryId,
    email: user.email,
    groups: groupNamesOf(ctx, user),
    id: actionId(draft.kind, user.accountId, resource.id),
    inactiveDays: judgement.inactiveDays,
    kind: draft.kind,
    lastActive: facts.lastActive,
    licensedSince: facts.licensedSince,
    name: user.name,
    notes: [...new Set([...draft.notes, ...draft.collateralNotes])],
    operations: draft.operations,
    product: resource.product,
    reason: `${reasonOf(ctx, judgement)}${draft.reasonSuffix}`,
    ...(removes ? { removes } : {}),
    resourceId: resource.id,
    ruleIds: draft.rules.map((r) => r.rule.id),
    site: resource.site,
    status: draft.status,
  };
}

function money(value: number): number {
  return roundTo(value, 2);
}

export function buildPlanBody(
  ctx: EvaluationContext,
  decision: Decision,
  inputs: PlanInputs,
): PlanBody {
  const { policy, snapshot, nowMs } = ctx;
  const { limits } = policy;

  const actions = sortListed(
    decision.drafts.map((draft) => toAction(ctx, draft)),
    (a) => a.ruleIds[0] ?? '',
    (a) => a.kind,
  );

  const toRemove = new Map<string, number>();
  for (const action of actions) {
    if (action.status !== 'planned') continue;
    for (const resourceId of action.removes?.map((r) => r.resourceId) ?? [action.resourceId]) {
      toRemove.set(resourceId, (toRemove.get(resourceId) ?? 0) + 1);
    }
  }

  const summary: ProductSiteSummary[] = decision.outcomes.map((outcome) => {
    const { resource, licensed } = outcome;
    const removing = toRemove.get(resource.id) ?? 0;
    const price = policy.products[resource.product]?.monthlyCostPerUser;
    const entry: ProductSiteSummary = {
      product: resource.product,
      site: resource.site,
      resourceId: resource.id,
      licensed,
      toRemove: removing,
      after: licensed - removing,
      monthlySavings: price === undefined ? null : money(removing * price),
      yearlySavings: price === undefined ? null : money(removing * price * 12),
      capacity: resource.capacity,
      activityCoverage: licensed === 0 ? 100 : roundTo((outcome.covered * 100) / licensed, 1),
    };
    if (outcome.shortOfTarget !== null) entry.shortOfTarget = outcome.shortOfTarget;
    return entry;
  });

  const blocked: BlockReason[] = decision.outcomes.flatMap((o) => (o.blocked ? [o.blocked] : []));
  const totalRemovals = summary.reduce((sum, s) => sum + s.toRemove, 0);
  if (totalRemovals > limits.maxRemovals) {
    blocked.push({
      code: 'max-removals',
      message: `${totalRemovals} removals planned, more than the limit of ${limits.maxRemovals} per plan`,
      limit: limits.maxRemovals,
      actual: totalRemovals,
      overridable: true,
    });
  }
  for (const s of summary) {
    if (s.licensed < PERCENT_LIMIT_MIN_SEATS) continue;
    if (s.toRemove * 100 <= limits.maxRemovalsPercent * s.licensed) continue;
    const percent = roundTo((s.toRemove * 100) / s.licensed, 1);
    blocked.push({
      code: 'max-removals-percent',
      message:
        `${s.product} on ${s.site}: ${s.toRemove} of ${s.licensed} licensed users (${percent}%) would be removed, ` +
        `more than the limit of ${limits.maxRemovalsPercent}%`,
      product: s.product,
      site: s.site,
      limit: limits.maxRemovalsPercent,
      actual: percent,
      overridable: true,
    });
  }
  blocked.sort(
    (a, b) =>
      compareText(a.code, b.code) ||
      compareText(a.product ?? '', b.product ?? '') ||
      compareText(a.site ?? '', b.site ?? ''),
  );

  const protectedEntries: ProtectedEntry[] = sortListed(
    decision.protectedSeats.map(({ user, resource, rules, hit }) => ({
      accountId: user.accountId,
      email: user.email,
      exclusion: hit.kind,
      name: user.name,
      product: resource.product,
      reason: hit.reason,
      resourceId: resource.id,
      ruleIds: rules.map((r) => r.rule.id),
      site: resource.site,
    })),
  );

  const activityUnknown: ActivityUnknownEntry[] = sortListed(
    decision.unknownSeats.map(({ user, resource, reason }) => ({
      accountId: user.accountId,
      email: user.email,
      name: user.name,
      product: resource.product,
      reason,
      resourceId: resource.id,
      site: resource.site,
    })),
  );

  const upcoming: UpcomingEntry[] = sortListed(
    decision.upcomingSeats.map(({ user, resource, ref, eligibleAtMs, lastActive }) => ({
      accountId: user.accountId,
      eligibleAt: isoInstant(eligibleAtMs),
      email: user.email,
      lastActive,
      name: user.name,
      product: resource.product,
      resourceId: resource.id,
      ruleId: ref.rule.id,
      site: resource.site,
    })),
    () => '',
    (u) => u.ruleId,
  );

  const warnings = buildWarnings(ctx, decision, actions);

  let licensedSeats = 0;
  for (const users of ctx.licensedByResource.values()) licensedSeats += users.length;

  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: 'removal',
    createdAt: isoInstant(nowMs),
    expiresAt: isoInstant(nowMs + inputs.ttlHours * HOUR_MS),
    org: { id: snapshot.orgId },
    policy: { commit: inputs.policyCommit, digest: policy.digest, files: [...policy.files] },
    snapshot: {
      fetchedAt: snapshot.fetchedAt,
      counts: {
        resources: snapshot.resources.length,
        groups: snapshot.groups.length,
        users: snapshot.users.length,
        licensedSeats,
      },
    },
    currency: policy.currency,
    summary,
    actions,
    protected: protectedEntries,
    activityUnknown,
    upcoming,
    warnings,
    blocked,
  };
}

const MAX_NAMED = 20;

function buildWarnings(
  ctx: EvaluationContext,
  decision: Decision,
  actions: PlanAction[],
): PlanWarning[] {
  const warnings: PlanWarning[] = ctx.snapshot.warnings.map((message) => ({
    code: 'snapshot',
    message,
  }));

  if (ctx.firstRun) {
    const affected = actions.filter((a) => a.notes.includes(LICENCE_START_UNKNOWN)).length;
    warnings.push({
      code: 'first-run',
      message:
        'First run: no state yet, so each licence is taken to start when the account joined the organisation ' +
        `(addedToOrg); ${affected} action(s) rely on that estimate. Later runs record when each licence is first seen.`,
    });
  }

  warnings.push(...ctx.exclusions.warnings());

  for (const shortfall of decision.shortfalls) {
    const short = shortfall.remaining - shortfall.target;
    const passed = [...shortfall.passedOver.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([status, count]) => `${count} ${status}`);
    warnings.push({
      code: 'target-unreachable',
      message:
        `${describeResource(shortfall.resource)}: rule ${shortfall.ref.rule.id} keeps at most ${shortfall.target} seats, ` +
        `but ${shortfall.remaining} remain after this plan: ${short} seat(s) short of the target` +
        (passed.length > 0
          ? ` (eligible users passed over because removing them would not free the seat: ${passed.join(', ')})`
          : ''),
    });
  }

  const unknownPerResource = new Map<string, number>();
  for (const seat of decision.unknownSeats) {
    const key = describeResource(seat.resource);
    unknownPerResource.set(key, (unknownPerResource.get(key) ?? 0) + 1);
  }
  for (const [where, count] of [...unknownPerResource.entries()].sort(([a], [b]) =>
    compareText(a, b),
  )) {
    warnings.push({
      code: 'activity-unknown',
      message: `${where}: ${count} licensed user(s) with unknown activity are never removed; see the activity-unknown list`,
    });
  }

  for (const resource of ctx.governed) {
    const kept = decision.tokenKept.get(resource.id);
    if (!kept || kept.length === 0) continue;
    const sorted = [...kept].sort(
      (a, b) =>
        compareText(personKey(a.user), personKey(b.user)) ||
        compareText(a.user.accountId, b.user.accountId),
    );
    const named = sorted
      .slice(0, MAX_NAMED)
      .map(
        (k) =>
          `${k.user.email ?? k.user.accountId} (${wholeDays(ctx.nowMs - k.lastUsedMs)} days ago, ${isoDay(k.lastUsedMs)})`,
      );
    const more = sorted.length > MAX_NAMED ? ` and ${sorted.length - MAX_NAMED} more` : '';
    warnings.push({
      code: 'api-token-activity',
      message:
        `${describeResource(resource)}: ${sorted.length} user(s) not removed because they used an API token within ` +
        `the threshold (API-token use counts as activity): ${named.join(', ')}${more}`,
    });
  }

  return warnings.sort((a, b) => compareText(a.code, b.code) || compareText(a.message, b.message));
}
