/**
 * The state the next run starts from (SPEC §3 licensedSince, §4 State). The API gives no grant
 * date, so the product remembers when it first saw each account+resource licensed.
 */
import { LicensedSince, type LicenceStart } from '../plan/licensed-since.js';
import { STATE_SCHEMA_VERSION, type State } from '../plan/types.js';
import type { EvaluationContext } from './context.js';

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
  const { fetchedAt } = ctx.snapshot;
  // Shared by every licence first seen now: entries are plain data that nobody changes.
  const seenNow: LicenceStart = { since: fetchedAt };
  // Each read resource's licences handed over whole, in the holders' order: `licensedByResource`
  // is sorted by account id, so nothing depends on the snapshot's order.
  for (const [resourceId, holders] of ctx.licensedByResource) {
    const accountIds = new Array<string>(holders.length);
    const starts = new Array<LicenceStart>(holders.length);
    for (let i = 0; i < holders.length; i++) {
      const user = holders[i];
      accountIds[i] = user.accountId;
      starts[i] =
        previous?.get(user.accountId, resourceId) ??
        (ctx.firstRun ? { since: user.addedToOrg ?? fetchedAt, estimated: true } : seenNow);
    }
    licensedSince.setResource(resourceId, accountIds, starts);
  }
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    orgId: ctx.snapshot.orgId,
    licensedSince,
    lastApplied: ctx.state?.lastApplied ? { ...ctx.state.lastApplied } : null,
  };
}
