/**
 * Properties over random organisations and policies: the safety rules hold whatever the data.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluate, findCandidates, resourcesOfRule } from '../../../src/engine/index.js';
import type { PlanBody, State } from '../../../src/plan/types.js';
import type { Policy, Rule } from '../../../src/policy/types.js';
import type { Snapshot, UserResourceRoles } from '../../../src/snapshot/types.js';
import {
  NOW,
  aPolicy,
  aRule,
  aState,
  anOrg,
  excludeAccount,
  excludeDomain,
  excludeGroup,
  hoursAgo,
  shuffled,
  shuffledState,
  type UserSpec,
} from './builders.js';
import { activityEntries } from '../../../src/snapshot/product-access.js';

const HANDLES = ['jira', 'confluence', 'jira-beta'] as const;
type Handle = (typeof HANDLES)[number];
const DAY = 86_400_000;
const HOUR = 3_600_000;
const TODAY = NOW.toISOString().slice(0, 10);
const ADMIN_ROLES = new Set([
  'atlassian/org-admin',
  'atlassian/site-admin',
  'atlassian/user-access-admin',
  'atlassian/admin',
]);

/** Thresholds rules use; activity is drawn near them so that the lag-adjusted boundary is hit. */
const THRESHOLD_DAYS = [7, 14, 30, 60, 90];
const hours = fc.oneof(
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 400 * 24 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...THRESHOLD_DAYS), fc.integer({ min: -2, max: 74 }))
      .map(([days, offset]) => days * 24 + offset),
  },
);
/** True about once in `n` draws. */
const oneIn = (n: number) => fc.integer({ min: 1, max: n }).map((x) => x === 1);
/** The value about once in `n` draws, otherwise undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, n: number) =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
/** The value, or null about once in `n` draws. */
const mostly = <T>(arb: fc.Arbitrary<T>, n: number) =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: n - 1, arbitrary: arb });
/** undefined: no entry; null: entry without timestamp; number: hours ago. */
const activityArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 8, arbitrary: hours },
);

const groupArb = fc.record({
  grants: fc.subarray([...HANDLES], { minLength: 1 }),
  role: fc.oneof(
    { weight: 8, arbitrary: fc.constant('atlassian/user') },
    { weight: 1, arbitrary: fc.constant('atlassian/guest') },
    { weight: 1, arbitrary: fc.constant('atlassian/admin') },
  ),
  extraRole: sometimes(fc.constantFrom('atlassian/user-access-admin', 'atlassian/guest'), 8),
  idp: oneIn(4),
  modifiable: oneIn(5).map((b) => !b),
});

const userArb = fc.record({
  groups: fc.array(fc.nat(5), { minLength: 1, maxLength: 3 }),
  direct: fc.subarray([...HANDLES], { maxLength: 2 }),
  inferred: fc.subarray([...HANDLES], { maxLength: 1 }),
  activity: fc.record({ jira: activityArb, confluence: activityArb, 'jira-beta': activityArb }),
  addedToOrgHours: mostly(fc.integer({ min: 0, max: 800 * 24 }), 6),
  email: fc.constantFrom('plain', 'plain', 'plain', 'hidden', 'partner', 'upper', 'service'),
  managed: fc.boolean(),
  admin: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'platform', 'searched'),
  app: oneIn(8),
  token: sometimes(mostly(hours, 3), 2),
  statusActive: oneIn(8).map((b) => !b),
  stateSince: fc.record({
    jira: mostly(hours, 6),
    confluence: mostly(hours, 6),
    'jira-beta': mostly(hours, 6),
  }),
});

const ruleArb = fc.record({
  product: fc.constantFrom('jira-software', 'confluence'),
  betaOnly: fc.boolean(),
  inactiveDays: fc.oneof(fc.constantFrom(...THRESHOLD_DAYS), fc.integer({ min: 7, max: 120 })),
  include: oneIn(4).map((b) => !b),
  grace: sometimes(fc.integer({ min: 0, max: 120 }), 2),
  suspend: oneIn(3),
  keepAtMost: sometimes(fc.integer({ min: 0, max: 15 }), 3),
  countApiTokenUse: fc.boolean(),
  allowCollateral: fc.boolean(),
  noticeDays: fc.integer({ min: 0, max: 14 }),
  scopeGroup: sometimes(fc.nat(5), 5),
  scopeDomain: sometimes(fc.constantFrom('example.com', 'partner.example'), 5),
  claim: fc.constantFrom('any', 'any', 'any', 'managed', 'unmanaged'),
});

const worldArb = fc.record({
  groups: fc.array(groupArb, { minLength: 2, maxLength: 6 }),
  users: fc.array(userArb, { minLength: 2, maxLength: 30 }),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 4 }),
  excludeAdmins: oneIn(4).map((b) => !b),
  excludeService: oneIn(4).map((b) => !b),
  excludedUsers: fc.array(
    fc.record({ index: fc.nat(29), byEmail: fc.boolean(), expired: fc.boolean() }),
    { maxLength: 3 },
  ),
  excludedGroups: fc.array(fc.record({ index: fc.nat(5), expired: fc.boolean() }), {
    maxLength: 1,
  }),
  partnerDomain: sometimes(fc.boolean(), 2),
  lagHours: fc.constantFrom(0, 24, 48),
  minCoverage: fc.constantFrom(0, 0, 0, 30, 50),
  withState: fc.boolean(),
});

type World = { policy: Policy; snapshot: Snapshot; state: State | null };

type WorldSpec = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function build(w: WorldSpec): World {
  const org = anOrg()
    .withJiraAndConfluence()
    .withResource('jira-beta', { product: 'jira-software', site: 'beta.atlassian.net' });
  const groupName = (i: number) => `group-${i % w.groups.length}`;
  w.groups.forEach((g, i) => {
    const grants: Partial<Record<Handle, string[]>> = {};
    for (const handle of g.grants) grants[handle] = g.extraRole ? [g.role, g.extraRole] : [g.role];
    org.withGroup(`group-${i}`, {
      grants,
      externalSynced: g.idp,
      modifiable: g.modifiable,
    });
  });
  const userIds = w.users.map((_, i) => `u${String(i).padStart(2, '0')}`);
  const licences: Array<{ accountId: string; resourceId: string; since: string }> = [];
  w.users.forEach((u, i) => {
    const id = userIds[i];
    const email =
      u.email === 'hidden'
        ? null
        : u.email === 'partner'
          ? `${id}@partner.example`
          : u.email === 'upper'
            ? `${id.toUpperCase()}@Example.com`
            : u.email === 'service'
              ? `${id}@serviceaccount.atlassian.com`
              : `${id}@example.com`;
    const activity: Record<string, string | null> = {};
    for (const handle of HANDLES) {
      const value = u.activity[handle];
      if (value === undefined) continue;
      activity[handle] = value === null ? null : hoursAgo(value);
    }
    const spec: UserSpec = {
      email,
      groups: [...new Set(u.groups.map(groupName))],
      direct: Object.fromEntries(u.direct.map((h) => [h, ['atlassian/user']])),
      inferred: Object.fromEntries(u.inferred.map((h) => [h, ['atlassian/user']])),
      activity,
      addedToOrg: u.addedToOrgHours === null ? null : hoursAgo(u.addedToOrgHours),
      claimStatus: u.managed ? 'managed' : 'unmanaged',
      platformRoles: u.admin === 'platform' ? ['atlassian/site-admin'] : [],
      accountType: u.app ? 'app' : 'atlassian',
      accountStatus: u.statusActive ? 'active' : 'inactive',
    };
    if (u.token !== undefined) spec.apiTokenLastUsed = u.token === null ? null : hoursAgo(u.token);
    org.withUser(id, spec);
    if (u.admin === 'searched') org.withAdmins(id);
    for (const handle of HANDLES) {
      const since = u.stateSince[handle];
      if (since !== null)
        licences.push({
          accountId: id,
          resourceId: org.resourceId(handle),
          since: hoursAgo(since),
        });
    }
  });
  const snapshot = org.build();

  const rules: Rule[] = w.rules.map((r, i) =>
    aRule({
      id: `rule-${i}`,
      product: r.product,
      ...(r.betaOnly && r.product === 'jira-software' ? { sites: ['beta.atlassian.net'] } : {}),
      inactiveDays: r.inactiveDays,
      neverActive: { include: r.include, graceDays: r.grace ?? r.inactiveDays },
      action: r.suspend && r.keepAtMost === undefined ? 'suspend' : 'remove-product-access',
      ...(r.keepAtMost !== undefined ? { keepAtMost: r.keepAtMost } : {}),
      countApiTokenUse: r.countApiTokenUse,
      allowCollateral: r.allowCollateral,
      noticeDays: r.noticeDays,
      scope: {
        groups: r.scopeGroup === undefined ? [] : [groupName(r.scopeGroup)],
        emailDomains: r.scopeDomain === undefined ? [] : [r.scopeDomain],
        claimStatus: r.claim,
      },
    }),
  );
  const until = (expired: boolean) => (expired ? '2026-11-29' : '2027-06-30');
  const accounts = w.excludedUsers
    .filter((e) => e.index < snapshot.users.length)
    .map((e) => {
      const user = snapshot.users[e.index];
      return e.byEmail && user.email
        ? excludeAccount({ email: user.email.toLowerCase() }, { until: until(e.expired) })
        : excludeAccount({ accountId: user.accountId }, { until: until(e.expired) });
    });
  const policy = aPolicy({
    rules,
    exclude: {
      admins: w.excludeAdmins,
      serviceAccounts: w.excludeService,
      accounts,
      groups: w.excludedGroups.map((g) =>
        excludeGroup(groupName(g.index), { until: until(g.expired) }),
      ),
      emailDomains:
        w.partnerDomain === undefined
          ? []
          : [excludeDomain('partner.example', { until: until(w.partnerDomain) })],
    },
    limits: { activityLagHours: w.lagHours, minActivityCoverage: w.minCoverage },
  });
  return { policy, snapshot, state: w.withState ? aState(licences) : null };
}

function run({ policy, snapshot, state }: World): PlanBody {
  return evaluate({ policy, snapshot, state, now: NOW, policyCommit: null }).plan;
}

/** Who the policy excludes, computed independently of the engine. */
function excludedAccounts({ policy, snapshot }: World): Set<string> {
  const live = <T extends { until?: string }>(list: T[]) =>
    list.filter((e) => e.until === undefined || e.until >= TODAY);
  const { exclude } = policy;
  const groupIds = new Set(
    live(exclude.groups).flatMap((g) =>
      snapshot.groups.filter((x) => x.name.toLowerCase() === g.name.toLowerCase()).map((x) => x.id),
    ),
  );
  const domains = new Set(live(exclude.emailDomains).map((d) => d.domain));
  const accounts = live(exclude.accounts);
  const excluded = new Set<string>();
  for (const user of snapshot.users) {
    const email = user.email?.toLowerCase() ?? null;
    const domain = email?.split('@')[1] ?? null;
    const roles = snapshot.userRoles.get(user.accountId) ?? [];
    const admin =
      snapshot.adminAccountIds.includes(user.accountId) ||
      user.platformRoles.some((r) => ADMIN_ROLES.has(r)) ||
      roles.some((e) => e.roles.some((r) => ADMIN_ROLES.has(r.role)));
    const service =
      snapshot.serviceAccountIds.includes(user.accountId) ||
      domain === 'serviceaccount.atlassian.com' ||
      user.accountType !== 'atlassian';
    if (
      (exclude.admins && admin) ||
      (exclude.serviceAccounts && service) ||
      accounts.some(
        (a) =>
          a.accountId === user.accountId ||
          (a.email !== undefined && a.email.toLowerCase() === email),
      ) ||
      user.groupIds.some((id) => groupIds.has(id)) ||
      (domain !== null && domains.has(domain)) ||
      (email === null && domains.size > 0)
    ) {
      excluded.add(user.accountId);
    }
  }
  return excluded;
}

const settings = { numRuns: 300 };

describe('SPEC §3 safety properties over random organisations and policies', () => {
  it('never puts an excluded user in the actions', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const world = build(w);
        const excluded = excludedAccounts(world);
        const plan = run(world);
        expect(plan.actions.filter((a) => excluded.has(a.accountId))).toEqual([]);
      }),
      settings,
    );
  });

  it('never acts on anyone active within a rule’s lag-adjusted threshold (API-token use included)', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const world = build(w);
        const { policy, snapshot } = world;
        const plan = run(world);
        const lag = policy.limits.activityLagHours * HOUR;
        const users = new Map(snapshot.users.map((u) => [u.accountId, u]));
        for (const action of plan.actions) {
          const user = users.get(action.accountId)!;
          const rules = policy.rules.filter((r) => action.ruleIds.includes(r.id));
          // A suspension that is not planned lists what it would take; only its own seat is eligible.
          const taken =
            action.removes && action.status === 'planned'
              ? action.removes.map((r) => r.resourceId)
              : [action.resourceId];
          for (const resourceId of taken) {
            const stamps = activityEntries(user.productAccess)
              .filter((p) => p.id === resourceId && p.lastActive !== null)
              .map((p) => Date.parse(p.lastActive!));
            const lastActive = stamps.length > 0 ? Math.max(...stamps) : null;
            const token = snapshot.apiTokenLastUsed.get(user.accountId);
            const satisfied = rules.some((rule) => {
              if (!resourcesOfRule(rule, snapshot.resources).some((r) => r.id === resourceId))
                return false;
              const threshold = rule.inactiveDays * DAY + lag;
              if (lastActive !== null && NOW.getTime() - lastActive < threshold) return false;
              if (rule.countApiTokenUse && user.claimStatus === 'managed' && token) {
                if (NOW.getTime() - Date.parse(token) < threshold) return false;
              }
              return true;
            });
            expect({ action: action.id, resourceId, satisfied }).toEqual({
              action: action.id,
              resourceId,
              satisfied: true,
            });
          }
        }
      }),
      settings,
    );
  });

  it('keepAtMost never removes more than its target needs', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const world = build(w);
        const plan = run(world);
        const capacityRules = new Map(
          world.policy.rules
            .filter((r) => r.keepAtMost !== undefined)
            .map((r) => [r.id, r.keepAtMost!]),
        );
        for (const summary of plan.summary) {
          const targets = plan.actions
            .filter(
              (a) =>
                a.resourceId === summary.resourceId &&
                a.status === 'planned' &&
                capacityRules.has(a.ruleIds[0]),
            )
            .map((a) => capacityRules.get(a.ruleIds[0])!);
          if (targets.length === 0) continue;
          expect(summary.after).toBeGreaterThanOrEqual(Math.min(...targets));
        }
      }),
      settings,
    );
  });

  it('is deterministic under any permutation of the snapshot and the state', () => {
    fc.assert(
      fc.property(worldArb, fc.integer({ min: 1, max: 1_000_000 }), (w, seed) => {
        const world = build(w);
        const reference = evaluate({ ...world, now: NOW, policyCommit: 'c' });
        const permuted = evaluate({
          policy: world.policy,
          snapshot: shuffled(world.snapshot, seed),
          state: world.state && shuffledState(world.state, seed),
          now: NOW,
          policyCommit: 'c',
        });
        expect(JSON.stringify(permuted)).toBe(JSON.stringify(reference));
      }),
      { numRuns: 150 },
    );
  });

  it('needs exactly the reads findCandidates asks for, read as evaluateOrg reads them', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const world = build(w);
        const full = world.snapshot;
        // No role read yet; API-token use as the org-wide listing gave it. A token read asked
        // for an account the world has no record of fails (unavailable): evaluate treats an
        // unavailable read and an absent one alike, as unread.
        let snapshot: Snapshot = { ...full, userRoles: new Map(), apiTokenUnavailable: [] };
        let rounds = 0;
        for (; rounds < 5; rounds++) {
          const wanted = findCandidates(world.policy, snapshot, world.state, NOW);
          const roles = wanted.roleReads.filter((id) => !snapshot.userRoles.has(id));
          const tokens = wanted.apiTokenReads.filter(
            (id) =>
              !snapshot.apiTokenLastUsed.has(id) && !snapshot.apiTokenUnavailable!.includes(id),
          );
          if (roles.length === 0 && tokens.length === 0) break;
          const known = tokens.filter((id) => full.apiTokenLastUsed.has(id));
          snapshot = {
            ...snapshot,
            userRoles: new Map([
              ...snapshot.userRoles,
              ...roles.map((id): [string, UserResourceRoles[]] => [id, full.userRoles.get(id)!]),
            ]),
            apiTokenLastUsed: new Map([
              ...snapshot.apiTokenLastUsed,
              ...known.map((id): [string, string | null] => [id, full.apiTokenLastUsed.get(id)!]),
            ]),
            apiTokenUnavailable: [
              ...snapshot.apiTokenUnavailable!,
              ...tokens.filter((id) => !known.includes(id)),
            ],
          };
        }
        expect(rounds).toBeLessThan(5);
        expect(JSON.stringify(run({ ...world, snapshot }))).toBe(JSON.stringify(run(world)));
      }),
      { numRuns: 200 },
    );
  });
});
