/**
 * The state the next run starts from (SPEC §3 licensedSince, §4 State). The API gives no grant
 * date, so the product remembers when it first saw each account+resource licensed.
 */
import { STATE_SCHEMA_VERSION, licenceKey, type State } from '../plan/types.js';
import type { EvaluationContext } from './context.js';
import { compareText } from './order.js';

type Since = State['licensedSince'][string];

function copy(entry: Since): Since {
  return entry.estimated === true
    ? { since: entry.since, estimated: true }
    : { since: entry.since };
}

/**
 * - a licence already in the state keeps its date;
 * - a new licence: on the first run, `addedToOrg` marked estimated (the snapshot time, estimated,
 *   when Atlassian gives no addedToOrg); later, the snapshot time;
 * - a licence of a resource this snapshot read that is no longer held is dropped, so a licence
 *   given back later starts again;
 * - entries of resources this snapshot did not read are kept untouched.
 */
export function nextState(ctx: EvaluationContext): State {
  const previous = ctx.state?.licensedSince ?? {};
  const licensedSince: State['licensedSince'] = {};
  // Written in a deterministic order without sorting every key (the state of a large org has
  // hundreds of thousands): kept entries by key, then read resources by id and accounts by id.
  // The state file's writer sorts keys anyway.
  const kept: string[] = [];
  for (const key in previous) {
    if (!Object.hasOwn(previous, key)) continue;
    if (!ctx.readResourceIds.has(key.slice(key.indexOf(' ') + 1))) kept.push(key);
  }
  for (const key of kept.sort(compareText)) licensedSince[key] = copy(previous[key]);
  const { fetchedAt } = ctx.snapshot;
  for (const resourceId of [...ctx.licensedByResource.keys()].sort(compareText)) {
    for (const user of ctx.licensedByResource.get(resourceId)!) {
      const key = licenceKey(user.accountId, resourceId);
      const known = Object.hasOwn(previous, key) ? previous[key] : undefined;
      if (known) licensedSince[key] = copy(known);
      else if (ctx.firstRun)
        licensedSince[key] = { since: user.addedToOrg ?? fetchedAt, estimated: true };
      else licensedSince[key] = { since: fetchedAt };
    }
  }
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    orgId: ctx.snapshot.orgId,
    licensedSince,
    lastApplied: ctx.state?.lastApplied ? { ...ctx.state.lastApplied } : null,
  };
}
