/**
 * The state the next run starts from (SPEC §3 licensedSince, §4 State). The API gives no grant
 * date, so the product remembers when it first saw each account+resource licensed.
 */
import { LicensedSince, type LicenceStart } from '../plan/licensed-since.js';
import { STATE_SCHEMA_VERSION, type State } from '../plan/types.js';
import type { EvaluationContext } from './context.js';
import { compareText } from './order.js';

/**
 * - a licence already in the state keeps its date;
 * - a new licence: on the first run, `addedToOrg` marked estimated (the snapshot time, estimated,
 *   when Atlassian gives no addedToOrg); later, the snapshot time;
 * - a licence of a resource this snapshot read that is no longer held is dropped, so a licence
 *   given back later starts again;
 * - entries of resources this snapshot did not read are kept untouched.
 */
export function nextState(ctx: EvaluationContext): State {
  const previous = ctx.state?.licensedSince ?? null;
  const licensedSince = new LicensedSince();
  for (const resourceId of previous?.resourceIds() ?? []) {
    if (!ctx.readResourceIds.has(resourceId)) licensedSince.copyResource(previous!, resourceId);
  }
  // Licences recorded resource by resource in id order, each resource's accounts in id order
  // (`licensedByResource` is sorted), so nothing depends on the snapshot's order.
  const { fetchedAt } = ctx.snapshot;
  // Shared by every licence first seen now: entries are plain data that nobody changes.
  const seenNow: LicenceStart = { since: fetchedAt };
  for (const resourceId of [...ctx.licensedByResource.keys()].sort(compareText)) {
    for (const user of ctx.licensedByResource.get(resourceId)!) {
      const known = previous?.get(user.accountId, resourceId);
      if (known) licensedSince.set(user.accountId, resourceId, known);
      else if (ctx.firstRun)
        licensedSince.set(user.accountId, resourceId, {
          since: user.addedToOrg ?? fetchedAt,
          estimated: true,
        });
      else licensedSince.set(user.accountId, resourceId, seenNow);
    }
  }
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    orgId: ctx.snapshot.orgId,
    licensedSince,
    lastApplied: ctx.state?.lastApplied ? { ...ctx.state.lastApplied } : null,
  };
}
