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
 */
import { licenceKey } from './types.js';

/** When one licence was first seen; `estimated` marks the first run's addedToOrg fallback. */
export interface LicenceStart {
  since: string;
  estimated?: true;
}

export class LicensedSince {
  private readonly byResource = new Map<string, Map<string, LicenceStart>>();
  private count = 0;

  /** Licences recorded. */
  get size(): number {
    return this.count;
  }

  get(accountId: string, resourceId: string): LicenceStart | undefined {
    return this.byResource.get(resourceId)?.get(accountId);
  }

  set(accountId: string, resourceId: string, start: LicenceStart): void {
    let accounts = this.byResource.get(resourceId);
    if (!accounts) {
      accounts = new Map();
      this.byResource.set(resourceId, accounts);
    }
    const before = accounts.size;
    accounts.set(accountId, start);
    this.count += accounts.size - before;
  }

  delete(accountId: string, resourceId: string): boolean {
    const accounts = this.byResource.get(resourceId);
    if (!accounts?.delete(accountId)) return false;
    this.count -= 1;
    if (accounts.size === 0) this.byResource.delete(resourceId);
    return true;
  }

  /** The resources with at least one licence recorded. */
  resourceIds(): string[] {
    return [...this.byResource.keys()];
  }

  /** Every licence of `resourceId` from `other`, replacing any recorded here. */
  copyResource(other: LicensedSince, resourceId: string): void {
    const theirs = other.byResource.get(resourceId);
    if (!theirs) return;
    this.count -= this.byResource.get(resourceId)?.size ?? 0;
    // Entries are plain data that nobody changes: the copy shares them.
    this.byResource.set(resourceId, new Map(theirs));
    this.count += theirs.size;
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
    for (const [resourceId, accounts] of this.byResource) {
      for (const [accountId, start] of accounts)
        keyed.push([licenceKey(accountId, resourceId), start]);
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
}
