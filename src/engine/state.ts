/**
 * The state the next run starts from (SPEC §3 licensedSince, §4 State). The API gives no grant
 * date, so the product remembers when it first saw each account+resource licensed.
 */
import { STATE_SCHEMA_VERSION, licenceKey, type State } from '../plan/types.js';
import type { EvaluationContext } from './context.js';
import { compareText } from './order.js';

type Since = State['licensedSince'][string];

/** Entries are plain data that nobody changes: the next state shares the previous state's. */
function copy(entry: Since): Since {
  return entry;
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
  const previous: State['licensedSince'] = ctx.state?.licensedSince ?? {};
  // Without a prototype: a state of 450,000 licences is built about twice as fast (no prototype
  // lookups on each new key). Keys always hold a space, so no key is an Object.prototype name.
  const licensedSince = Object.create(null) as State['licensedSince'];
  // Written in a deterministic order without sorting every key (the state of a large org has
  // hundreds of thousands): kept entries by key, then read resources by id and accounts by id.
  // The state file's writer sorts keys anyway.
  // Which keys belong to a resource this snapshot read: by suffix, without cutting 450,000 strings.
  const readSuffixes = [...ctx.readResourceIds].map((id) => ` ${id}`);
  const kept = ctx.state
    ? Object.keys(previous).filter((key) => !readSuffixes.some((suffix) => key.endsWith(suffix)))
    : [];
  for (const key of kept.sort(compareText)) licensedSince[key] = copy(previous[key]);
  const { fetchedAt } = ctx.snapshot;
  const seenNow: State['licensedSince'][string] = { since: fetchedAt };
  for (const resourceId of [...ctx.licensedByResource.keys()].sort(compareText)) {
    for (const user of ctx.licensedByResource.get(resourceId)!) {
      const key = licenceKey(user.accountId, resourceId);
      const known = ctx.state ? previous[key] : undefined;
      if (known) licensedSince[key] = copy(known);
      else if (ctx.firstRun)
        licensedSince[key] = { since: user.addedToOrg ?? fetchedAt, estimated: true };
      else licensedSince[key] = seenNow;
    }
  }
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    orgId: ctx.snapshot.orgId,
    licensedSince,
    lastApplied: ctx.state?.lastApplied ? { ...ctx.state.lastApplied } : null,
  };
}
