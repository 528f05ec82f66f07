/**
 * The state's `licensedSince` in memory (SPEC §3, §4): when each licence — an account on a
 * resource — was first seen.
 *
 * Held per resource, then per account. A large org's state holds hundreds of thousands of
 * licences; keyed by `${accountId} ${resourceId}` in memory, every evaluation would build one new
 * string per licence to look it up and again to record it, and those strings (made, hashed and
 * stored in a dictionary object) were the slowest part of evaluating a million accounts. The
 * account and resource ids are strings the snapshot already holds, so this needs no new ones.
 * The state file keeps the flat form (`toRecord`, `fromRecord`).
 *
 * A resource's licences are either a map (a state read from its file, or changed by apply or
 * restore) or a sorted list handed over whole (`setResource`: an evaluation records every
 * licence of a resource it read, already sorted by account id). A sorted list is looked up by
 * binary search and becomes a map the first time it is changed: an evaluation that records
 * hundreds of thousands of licences then costs two arrays, not hundreds of thousands of map
 * insertions, and the plan command only writes it out.
 */
import { licenceKey } from './types.js';

/** When one licence was first seen; `estimated` marks the first run's addedToOrg fallback. */
export interface LicenceStart {
  since: string;
  estimated?: true;
}

/** One resource's licences, sorted by account id (UTF-16 code units), never changed. */
interface SortedLicences {
  readonly accountIds: readonly string[];
  readonly starts: readonly LicenceStart[];
}

type Licences = Map<string, LicenceStart> | SortedLicences;

function find(sorted: SortedLicences, accountId: string): LicenceStart | undefined {
  const { accountIds } = sorted;
  let low = 0;
  let high = accountIds.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const id = accountIds[middle];
    if (id === accountId) return sorted.starts[middle];
    if (id < accountId) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

function sizeOf(licences: Licences): number {
  return licences instanceof Map ? licences.size : licences.accountIds.length;
}

function* entriesOf(licences: Licences): Iterable<[string, LicenceStart]> {
  if (licences instanceof Map) {
    yield* licences;
    return;
  }
  for (let i = 0; i < licences.accountIds.length; i++) {
    yield [licences.accountIds[i], licences.starts[i]];
  }
}

export class LicensedSince {
  private readonly byResource = new Map<string, Licences>();
  private count = 0;

  /** Licences recorded. */
  get size(): number {
    return this.count;
  }

  get(accountId: string, resourceId: string): LicenceStart | undefined {
    const licences = this.byResource.get(resourceId);
    if (licences === undefined) return undefined;
    return licences instanceof Map ? licences.get(accountId) : find(licences, accountId);
  }

  set(accountId: string, resourceId: string, start: LicenceStart): void {
    const accounts = this.changeable(resourceId);
    const before = accounts.size;
    accounts.set(accountId, start);
    this.count += accounts.size - before;
  }

  delete(accountId: string, resourceId: string): boolean {
    if (!this.byResource.has(resourceId)) return false;
    const accounts = this.changeable(resourceId);
    if (!accounts.delete(accountId)) return false;
    this.count -= 1;
    if (accounts.size === 0) this.byResource.delete(resourceId);
    return true;
  }

  /**
   * Every licence of `resourceId`, replacing any recorded: `accountIds` sorted by UTF-16 code
   * units without repeats, `starts` aligned with them. Both are kept as they are, not copied.
   */
  setResource(
    resourceId: string,
    accountIds: readonly string[],
    starts: readonly LicenceStart[],
  ): void {
    if (starts.length !== accountIds.length) {
      throw new Error('licensedSince: one start per account');
    }
    for (let i = 1; i < accountIds.length; i++) {
      if (!(accountIds[i - 1] < accountIds[i])) {
        throw new Error('licensedSince: account ids must be sorted and distinct');
      }
    }
    this.drop(resourceId);
    if (accountIds.length === 0) return;
    this.byResource.set(resourceId, { accountIds, starts });
    this.count += accountIds.length;
  }

  /** The resources with at least one licence recorded. */
  resourceIds(): string[] {
    return [...this.byResource.keys()];
  }

  /** Every licence of `resourceId` from `other`, replacing any recorded here. */
  copyResource(other: LicensedSince, resourceId: string): void {
    this.drop(resourceId);
    const theirs = other.byResource.get(resourceId);
    if (theirs === undefined) return;
    // A sorted list is never changed, so it is shared; a map is copied. Entries are plain data
    // that nobody changes: the copy shares them.
    this.byResource.set(resourceId, theirs instanceof Map ? new Map(theirs) : theirs);
    this.count += sizeOf(theirs);
  }

  /** A copy that changes independently (the entries, never changed, are shared). */
  copy(): LicensedSince {
    const copy = new LicensedSince();
    for (const resourceId of this.byResource.keys()) copy.copyResource(this, resourceId);
    return copy;
  }

  /**
   * The state file's form, keyed `${accountId} ${resourceId}`, in the order of the keys whatever
   * the order the licences were recorded in (the file's writer sorts them anyway).
   */
  toRecord(): Record<string, LicenceStart> {
    const keyed: Array<[string, LicenceStart]> = [];
    for (const [resourceId, licences] of this.byResource) {
      for (const [accountId, start] of entriesOf(licences)) {
        keyed.push([licenceKey(accountId, resourceId), start]);
      }
    }
    keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const record: Record<string, LicenceStart> = {};
    for (const [key, start] of keyed) record[key] = start;
    return record;
  }

  /** `JSON.stringify` of a state writes the file's form. */
  toJSON(): Record<string, LicenceStart> {
    return this.toRecord();
  }

  /** From the state file's form; every key holds exactly one space (the state schema checks). */
  static fromRecord(record: Readonly<Record<string, LicenceStart>>): LicensedSince {
    const licensedSince = new LicensedSince();
    for (const key of Object.keys(record)) {
      const space = key.indexOf(' ');
      if (space <= 0 || space === key.length - 1 || key.includes(' ', space + 1)) {
        throw new Error(
          `licensedSince key ${JSON.stringify(key)} is not "<accountId> <resourceId>"`,
        );
      }
      licensedSince.set(key.slice(0, space), key.slice(space + 1), record[key]);
    }
    return licensedSince;
  }

  /** The licences of `resourceId` as a map that may change (a sorted list becomes one). */
  private changeable(resourceId: string): Map<string, LicenceStart> {
    const licences = this.byResource.get(resourceId);
    if (licences instanceof Map) return licences;
    const accounts = new Map<string, LicenceStart>(licences ? entriesOf(licences) : []);
    this.byResource.set(resourceId, accounts);
    return accounts;
  }

  private drop(resourceId: string): void {
    const licences = this.byResource.get(resourceId);
    if (licences === undefined) return;
    this.count -= sizeOf(licences);
    this.byResource.delete(resourceId);
  }
}
