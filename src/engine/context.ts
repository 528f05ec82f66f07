/**
 * Everything evaluation looks things up in, indexed once so that evaluation stays linear in the
 * size of the snapshot (a million accounts): resources, groups and licensed seats by id.
 */
import { InputError } from '../errors.js';
import type { State } from '../plan/types.js';
import type { Policy, Rule } from '../policy/types.js';
import type { Group, Resource, Snapshot, SnapshotUser } from '../snapshot/types.js';
import { bareGroupId, emailDomainOf, isActiveMember, isPerson } from './accounts.js';
import { ExclusionMatcher } from './exclusions.js';
import { resourcesOfRule } from './governed.js';
import { compareText } from './order.js';
import { HOUR_MS, isoDay } from './time.js';

export interface RuleRef {
  rule: Rule;
  /** Position in file order: the lowest index among matching rules is the primary. */
  index: number;
}

interface CompiledScope {
  groupIds: ReadonlySet<string> | null;
  emailDomains: ReadonlySet<string> | null;
  claimStatus: string;
}

export interface EvaluationContext {
  policy: Policy;
  snapshot: Snapshot;
  state: State | null;
  nowMs: number;
  lagMs: number;
  /** No state, or a state without any licence entry: licensedSince falls back to addedToOrg. */
  firstRun: boolean;
  resourcesById: ReadonlyMap<string, Resource>;
  /** Resources some rule governs, sorted by product, site, id. */
  governed: Resource[];
  rulesByResource: ReadonlyMap<string, RuleRef[]>;
  /** Resources whose licensed users this snapshot read (`Resource.governed`). */
  readResourceIds: ReadonlySet<string>;
  groupsById: ReadonlyMap<string, Group>;
  groupIdsByName: ReadonlyMap<string, string[]>;
  /** Billable seat holders per read resource, sorted by account id. */
  licensedByResource: ReadonlyMap<string, SnapshotUser[]>;
  /** Active seat holders that are no person's seat (service accounts, app accounts), per resource. */
  nonPersonByResource: ReadonlyMap<string, SnapshotUser[]>;
  exclusions: ExclusionMatcher;
  inScope: (ref: RuleRef, user: SnapshotUser) => boolean;
}

export function compareResources(a: Resource, b: Resource): number {
  return (
    compareText(a.product, b.product) || compareText(a.site, b.site) || compareText(a.id, b.id)
  );
}

export function describeResource(resource: Resource): string {
  return `${resource.product} on ${resource.site}`;
}

export function buildContext(
  policy: Policy,
  snapshot: Snapshot,
  state: State | null,
  now: Date,
): EvaluationContext {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new InputError('evaluation needs a valid "now"');
  if (state && state.orgId !== null && state.orgId !== snapshot.orgId) {
    throw new InputError(
      `the state belongs to org ${state.orgId}, the snapshot to org ${snapshot.orgId}: use the state of this org`,
    );
  }

  const resourcesById = new Map<string, Resource>();
  for (const resource of snapshot.resources) resourcesById.set(resource.id, resource);

  const rulesByResource = new Map<string, RuleRef[]>();
  policy.rules.forEach((rule, index) => {
    for (const resource of resourcesOfRule(rule, snapshot.resources)) {
      const refs = rulesByResource.get(resource.id) ?? [];
      if (!refs.some((r) => r.index === index)) refs.push({ rule, index });
      rulesByResource.set(resource.id, refs);
    }
  });
  const governed = [...rulesByResource.keys()]
    .map((id) => resourcesById.get(id)!)
    .sort(compareResources);
  const unread = governed.filter((r) => !r.governed);
  if (unread.length > 0) {
    throw new Error(
      `the snapshot did not read the licensed users of ${unread.map(describeResource).join(', ')}, ` +
        'which the policy governs: take a new snapshot with this policy',
    );
  }
  const readResourceIds = new Set(snapshot.resources.filter((r) => r.governed).map((r) => r.id));

  const groupsById = new Map<string, Group>();
  const groupIdsByName = new Map<string, string[]>();
  for (const snapshotGroup of snapshot.groups) {
    const id = bareGroupId(snapshotGroup.id);
    // Role assignments in a fixed order, so that notes naming them never depend on input order.
    const group: Group = {
      ...snapshotGroup,
      roleAssignments: [...snapshotGroup.roleAssignments].sort((a, b) =>
        compareText(a.resourceId, b.resourceId),
      ),
    };
    groupsById.set(id, group);
    const key = group.name.toLowerCase();
    const ids = groupIdsByName.get(key) ?? [];
    ids.push(id);
    groupIdsByName.set(key, ids);
  }
  for (const ids of groupIdsByName.values()) ids.sort(compareText);

  const serviceAccountIds = new Set(snapshot.serviceAccountIds);
  const licensedByResource = new Map<string, SnapshotUser[]>();
  const nonPersonByResource = new Map<string, SnapshotUser[]>();
  const exclusions = new ExclusionMatcher(
    policy,
    snapshot,
    isoDay(nowMs),
    groupIdsByName,
    serviceAccountIds,
  );
  // Indexed loops: this runs for every account of the snapshot (a million), where an iterator
  // or a Set per account shows.
  const { users: allUsers } = snapshot;
  for (let u = 0; u < allUsers.length; u++) {
    const user = allUsers[u];
    exclusions.observe(user);
    const licensedOn = user.licensedOn;
    if (licensedOn.length === 0 || !isActiveMember(user)) continue;
    const target = isPerson(user, serviceAccountIds) ? licensedByResource : nonPersonByResource;
    for (let r = 0; r < licensedOn.length; r++) {
      const resourceId = licensedOn[r];
      // A resource listed twice is one seat (lists are a handful long).
      if (r > 0 && licensedOn.indexOf(resourceId) < r) continue;
      if (!readResourceIds.has(resourceId)) continue;
      const users = target.get(resourceId);
      if (users) users.push(user);
      else target.set(resourceId, [user]);
    }
  }
  // Sorted by account id, so that nothing depends on the snapshot's order; an account listed
  // twice would be acted on twice, and shows up here as neighbours.
  const byAccountId = (a: SnapshotUser, b: SnapshotUser) => compareText(a.accountId, b.accountId);
  for (const lists of [licensedByResource, nonPersonByResource]) {
    for (const users of lists.values()) {
      users.sort(byAccountId);
      for (let i = 1; i < users.length; i++) {
        if (users[i].accountId === users[i - 1].accountId) {
          throw new Error(`the snapshot lists account ${users[i].accountId} twice`);
        }
      }
    }
  }

  const scopes = policy.rules.map((rule): CompiledScope => {
    const scope = rule.scope;
    return {
      groupIds:
        scope && scope.groups.length > 0
          ? new Set(scope.groups.flatMap((name) => groupIdsByName.get(name.toLowerCase()) ?? []))
          : null,
      emailDomains:
        scope && scope.emailDomains.length > 0
          ? new Set(scope.emailDomains.map((d) => d.toLowerCase()))
          : null,
      claimStatus: scope?.claimStatus ?? 'any',
    };
  });
  const inScope = (ref: RuleRef, user: SnapshotUser): boolean => {
    const scope = scopes[ref.index];
    if (scope.claimStatus !== 'any' && user.claimStatus !== scope.claimStatus) return false;
    if (scope.emailDomains) {
      const domain = emailDomainOf(user.email);
      // A hidden email is out of a domain scope: the rule cannot know the user belongs to it.
      if (domain === null || !scope.emailDomains.has(domain)) return false;
    }
    if (scope.groupIds) {
      const groups = scope.groupIds;
      if (!user.groupIds.some((id) => groups.has(bareGroupId(id)))) return false;
    }
    return true;
  };

  return {
    policy,
    snapshot,
    state,
    nowMs,
    lagMs: policy.limits.activityLagHours * HOUR_MS,
    firstRun: state === null || state.licensedSince.size === 0,
    resourcesById,
    governed,
    rulesByResource,
    readResourceIds,
    groupsById,
    groupIdsByName,
    licensedByResource,
    nonPersonByResource,
    exclusions,
    inScope,
  };
}
