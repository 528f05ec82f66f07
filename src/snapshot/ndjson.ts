/**
 * A snapshot as NDJSON: one header line, then one record a line (dictionary, directory, resource,
 * group, user, ...). A snapshot of a million accounts is far beyond V8's largest string, so the file is
 * written and read a line at a time and never held as one string. The header carries the count of
 * every record kind, so a truncated file is an error rather than a smaller directory.
 *
 * Reading interns the strings that repeat across accounts (directory, group and resource ids,
 * product keys, statuses), so a million users cost one copy of each id, not a million; and the id
 * lists that repeat (a user's directories, licences, groups, roles) are shared, frozen, so a
 * million users hold a few dozen distinct lists. Lines are split by hand from large chunks and
 * each parsed object is checked in place rather than copied: at a million accounts the reader is
 * bound by JSON.parse and the garbage collector, so every allocation it avoids counts.
 *
 * Format version 2 makes the user record, which is nearly all of the file, compact: a positional
 * array rather than an object with named fields, whose repeated strings (directory, group and
 * resource ids, enum values, product keys) are indexes into a dictionary of strings, and whose id
 * lists (directories, platform roles, groups, licences) are indexes into a dictionary of lists —
 * both declared in `strings` and `lists` lines before the first user. So parsing a user builds one
 * small array and the strings that are really its own, and the reader takes the interned strings
 * and shared lists straight from the dictionary. Snapshot files are transient artifacts read by
 * the same version of the action that wrote them, so other format versions are refused, not read.
 *
 * The role reads, too, are written as pairs of account id and an index into `roleSets` lines (the
 * distinct role-assignment lists, which accounts share, frozen), and the API-token reads as pairs
 * of account id and last use, a thousand accounts a line.
 *
 * A user line: `[accountId, directoryIds, accountType, accountStatus, membershipStatus,
 * claimStatus, name, email, addedToOrg, platformRoles, groupIds, licensedOn, productAccess]`,
 * where the id lists are list indexes, the four statuses string indexes, and productAccess a flat
 * `[id, key, lastActive, ...]` with id and key string indexes (key null when absent).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../errors.js';
import type {
  Directory,
  Group,
  GroupRoleAssignment,
  ProductAccess,
  Resource,
  Snapshot,
  SnapshotUser,
  UserResourceRoles,
} from './types.js';

export const SNAPSHOT_NDJSON_FORMAT = 'atlassian-license-policy/snapshot';

/** The file format this module writes and reads (the header's `schemaVersion`). */
export const SNAPSHOT_NDJSON_VERSION = 2;

/** Ids per `admins` / `serviceAccounts` / dictionary line: long enough to be cheap, short enough to stream. */
const IDS_PER_LINE = 1000;
/** Lines are written in batches of about this many characters. */
const WRITE_BATCH_CHARS = 64 * 1024;

interface Counts {
  /** Dictionary entries (not lines): strings, then lists of string indexes. */
  strings: number;
  lists: number;
  /** Distinct role-assignment lists the `userRoles` lines index into. */
  roleSets: number;
  directories: number;
  resources: number;
  groups: number;
  users: number;
  adminAccountIds: number;
  serviceAccountIds: number;
  userRoles: number;
  apiTokenLastUsed: number;
  /** Present only when the snapshot has the (optional) list. */
  apiTokenUnavailable?: number;
  warnings: number;
}

interface Header {
  record: 'header';
  format: typeof SNAPSHOT_NDJSON_FORMAT;
  schemaVersion: typeof SNAPSHOT_NDJSON_VERSION;
  orgId: string;
  fetchedAt: string;
  counts: Counts;
}

/** The strings and id lists the user records repeat, each numbered in first-seen order. */
class Dictionary {
  readonly strings: string[] = [];
  readonly lists: number[][] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly listIndex = new Map<string, number>();

  string(value: string): number {
    let index = this.stringIndex.get(value);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(value);
      this.stringIndex.set(value, index);
    }
    return index;
  }

  list(ids: readonly string[]): number {
    // A NUL never occurs in an id: joined, the ids are the list's identity.
    const key = ids.length === 1 ? ids[0] : ids.join('\u0000');
    let index = this.listIndex.get(key);
    if (index === undefined) {
      index = this.lists.length;
      this.lists.push(ids.map((id) => this.string(id)));
      this.listIndex.set(key, index);
    }
    return index;
  }
}

function userRecord(u: SnapshotUser, dictionary: Dictionary): unknown[] {
  const access: Array<number | string | null> = [];
  const entries = u.productAccess;
  for (let k = 0; k + 2 < entries.length; k += 3) {
    const key = entries[k + 1];
    access.push(
      dictionary.string(entries[k]!),
      key === null ? null : dictionary.string(key),
      entries[k + 2],
    );
  }
  return [
    u.accountId,
    dictionary.list(u.directoryIds),
    dictionary.string(u.accountType),
    dictionary.string(u.accountStatus),
    dictionary.string(u.membershipStatus),
    dictionary.string(u.claimStatus),
    u.name,
    u.email,
    u.addedToOrg,
    dictionary.list(u.platformRoles),
    dictionary.list(u.groupIds),
    dictionary.list(u.licensedOn),
    access,
  ];
}

/**
 * The distinct role-assignment lists of the snapshot's role reads, numbered: most accounts hold
 * the same few (a group's seat on a product or two), so each is written and read once.
 */
class RoleSets {
  readonly values: UserResourceRoles[][] = [];
  private readonly index = new Map<string, number>();
  indexOf(roles: UserResourceRoles[]): number {
    const key = JSON.stringify(roles);
    let found = this.index.get(key);
    if (found === undefined) {
      found = this.values.length;
      this.values.push(roles);
      this.index.set(key, found);
    }
    return found;
  }
}

function countsOf(snapshot: Snapshot, dictionary: Dictionary, roleSets: RoleSets): Counts {
  return {
    strings: dictionary.strings.length,
    lists: dictionary.lists.length,
    roleSets: roleSets.values.length,
    directories: snapshot.directories.length,
    resources: snapshot.resources.length,
    groups: snapshot.groups.length,
    users: snapshot.users.length,
    adminAccountIds: snapshot.adminAccountIds.length,
    serviceAccountIds: snapshot.serviceAccountIds.length,
    userRoles: snapshot.userRoles.size,
    apiTokenLastUsed: snapshot.apiTokenLastUsed.size,
    ...(snapshot.apiTokenUnavailable
      ? { apiTokenUnavailable: snapshot.apiTokenUnavailable.length }
      : {}),
    warnings: snapshot.warnings.length,
  };
}

/** The snapshot's lines, one record each, without trailing newlines. */
export function* snapshotLines(snapshot: Snapshot): Generator<string> {
  // The dictionary comes before the users that use it: a pass over the users builds it first.
  const dictionary = new Dictionary();
  for (const u of snapshot.users) userRecord(u, dictionary);
  const roleSets = new RoleSets();
  const userRoles: Array<string | number> = [];
  for (const [accountId, roles] of snapshot.userRoles) {
    userRoles.push(accountId, roleSets.indexOf(roles));
  }
  const header: Header = {
    record: 'header',
    format: SNAPSHOT_NDJSON_FORMAT,
    schemaVersion: SNAPSHOT_NDJSON_VERSION,
    orgId: snapshot.orgId,
    fetchedAt: snapshot.fetchedAt,
    counts: countsOf(snapshot, dictionary, roleSets),
  };
  yield JSON.stringify(header);
  for (let i = 0; i < dictionary.strings.length; i += IDS_PER_LINE) {
    const values = dictionary.strings.slice(i, i + IDS_PER_LINE);
    yield JSON.stringify({ record: 'strings', values });
  }
  for (let i = 0; i < dictionary.lists.length; i += IDS_PER_LINE) {
    const values = dictionary.lists.slice(i, i + IDS_PER_LINE);
    yield JSON.stringify({ record: 'lists', values });
  }
  for (const d of snapshot.directories) yield JSON.stringify({ record: 'directory', ...d });
  for (const r of snapshot.resources) yield JSON.stringify({ record: 'resource', ...r });
  for (const g of snapshot.groups) yield JSON.stringify({ record: 'group', ...g });
  for (const u of snapshot.users) yield JSON.stringify(userRecord(u, dictionary));
  for (let i = 0; i < snapshot.adminAccountIds.length; i += IDS_PER_LINE) {
    const accountIds = snapshot.adminAccountIds.slice(i, i + IDS_PER_LINE);
    yield JSON.stringify({ record: 'admins', accountIds });
  }
  for (let i = 0; i < snapshot.serviceAccountIds.length; i += IDS_PER_LINE) {
    const accountIds = snapshot.serviceAccountIds.slice(i, i + IDS_PER_LINE);
    yield JSON.stringify({ record: 'serviceAccounts', accountIds });
  }
  for (let i = 0; i < roleSets.values.length; i += IDS_PER_LINE) {
    const values = roleSets.values.slice(i, i + IDS_PER_LINE);
    yield JSON.stringify({ record: 'roleSets', values });
  }
  // Pairs of account id and role-set index, IDS_PER_LINE accounts a line.
  for (let i = 0; i < userRoles.length; i += 2 * IDS_PER_LINE) {
    const entries = userRoles.slice(i, i + 2 * IDS_PER_LINE);
    yield JSON.stringify({ record: 'userRoles', entries });
  }
  // Pairs of account id and last use (null for never), IDS_PER_LINE accounts a line.
  const tokens = [...snapshot.apiTokenLastUsed];
  for (let i = 0; i < tokens.length; i += IDS_PER_LINE) {
    const entries = tokens.slice(i, i + IDS_PER_LINE).flat();
    yield JSON.stringify({ record: 'apiTokens', entries });
  }
  const unavailable = snapshot.apiTokenUnavailable ?? [];
  for (let i = 0; i < unavailable.length; i += IDS_PER_LINE) {
    const accountIds = unavailable.slice(i, i + IDS_PER_LINE);
    yield JSON.stringify({ record: 'apiTokenUnavailable', accountIds });
  }
  for (const message of snapshot.warnings) yield JSON.stringify({ record: 'warning', message });
}

function* batched(lines: Iterable<string>): Generator<string> {
  let batch: string[] = [];
  let size = 0;
  for (const line of lines) {
    batch.push(line, '\n');
    size += line.length + 1;
    if (size >= WRITE_BATCH_CHARS) {
      yield batch.join('');
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) yield batch.join('');
}

/** Write `snapshot` to a file path or a stream (which is ended afterwards). */
export async function writeSnapshotNdjson(
  snapshot: Snapshot,
  target: string | Writable,
): Promise<void> {
  const destination = typeof target === 'string' ? createWriteStream(target) : target;
  await pipeline(
    Readable.from(batched(snapshotLines(snapshot)), { objectMode: false }),
    destination,
  );
}

/** Keeps one copy of each repeated string. */
class Interner {
  private readonly pool = new Map<string, string>();
  get(value: string): string {
    const known = this.pool.get(value);
    if (known !== undefined) return known;
    this.pool.set(value, value);
    return value;
  }
}

/**
 * Keeps one frozen copy of each list of interned ids. Nothing mutates a snapshot's lists; freezing
 * makes sure nothing can (a push would throw instead of changing every user that shares the list).
 */
class ListInterner {
  private static readonly EMPTY: string[] = Object.freeze([]) as unknown as string[];
  private readonly pool = new Map<string, string[]>();
  get(list: string[]): string[] {
    if (list.length === 0) return ListInterner.EMPTY;
    // A NUL never occurs in an id: joined, the ids are the list's identity.
    const key = list.length === 1 ? list[0] : list.join('\u0000');
    const known = this.pool.get(key);
    if (known !== undefined) return known;
    this.pool.set(key, Object.freeze(list) as string[]);
    return list;
  }
}

class Malformed extends Error {}

/** Freezes a parsed JSON value and everything in it (nothing may change a shared value). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

function str(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new Malformed(`${field} is not a string`);
  return value;
}
function strOrNull(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  return str(value, field);
}
function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new Malformed(`${field} is not a boolean`);
  return value;
}
function arr(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new Malformed(`${field} is not a list`);
  return value;
}
function obj(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Malformed(`${field} is not an object`);
  }
  return value as Record<string, unknown>;
}

class SnapshotBuilder {
  private readonly intern = new Interner();
  private readonly lists = new ListInterner();
  /** The dictionary the user records index into: interned strings, shared frozen lists. */
  private readonly dictStrings: string[] = [];
  private readonly dictLists: string[][] = [];
  /** Shared by every account that holds them, so frozen all the way down. */
  private readonly dictRoleSets: UserResourceRoles[][] = [];
  /** The parsed list itself, its strings checked and interned in place, then shared. */
  private readonly ids = (value: unknown, field: string): string[] => {
    const list = arr(value, field);
    for (let k = 0; k < list.length; k++) list[k] = this.intern.get(str(list[k], field));
    return this.lists.get(list as string[]);
  };

  readonly directories: Directory[] = [];
  readonly resources: Resource[] = [];
  readonly groups: Group[] = [];
  readonly users: SnapshotUser[] = [];
  readonly adminAccountIds: string[] = [];
  readonly serviceAccountIds: string[] = [];
  readonly userRoles = new Map<string, UserResourceRoles[]>();
  readonly apiTokenLastUsed = new Map<string, string | null>();
  readonly apiTokenUnavailable: string[] = [];
  readonly warnings: string[] = [];
  userRoleRecords = 0;
  apiTokenRecords = 0;

  private dictString(value: unknown, field: string): string {
    const found = typeof value === 'number' ? this.dictStrings[value] : undefined;
    if (found === undefined) throw new Malformed(`${field} is not a known string index`);
    return found;
  }

  private dictList(value: unknown, field: string): string[] {
    const found = typeof value === 'number' ? this.dictLists[value] : undefined;
    if (found === undefined) throw new Malformed(`${field} is not a known list index`);
    return found;
  }

  /** A user line (see the file comment), checked field by field. */
  addUser(u: unknown[]): void {
    if (u.length !== 13) throw new Malformed('a user record has 13 fields');
    // Kept as JSON.parse made it (the snapshot's flat form), its indexes replaced in place by
    // the strings they stand for.
    const access = arr(u[12], 'productAccess');
    if (access.length % 3 !== 0) throw new Malformed('productAccess is not a list of triples');
    for (let k = 0; k < access.length; k += 3) {
      access[k] = this.dictString(access[k], 'productAccess.id');
      if (access[k + 1] !== null)
        access[k + 1] = this.dictString(access[k + 1], 'productAccess.key');
      strOrNull(access[k + 2], 'productAccess.lastActive');
    }
    const productAccess = access as ProductAccess;
    this.users.push({
      accountId: str(u[0], 'accountId'),
      directoryIds: this.dictList(u[1], 'directoryIds'),
      accountType: this.dictString(u[2], 'accountType'),
      accountStatus: this.dictString(u[3], 'accountStatus'),
      membershipStatus: this.dictString(u[4], 'membershipStatus'),
      claimStatus: this.dictString(u[5], 'claimStatus'),
      name: strOrNull(u[6], 'name'),
      email: strOrNull(u[7], 'email'),
      addedToOrg: strOrNull(u[8], 'addedToOrg'),
      platformRoles: this.dictList(u[9], 'platformRoles'),
      groupIds: this.dictList(u[10], 'groupIds'),
      licensedOn: this.dictList(u[11], 'licensedOn'),
      productAccess,
    });
  }

  add(r: Record<string, unknown>): void {
    const i = (value: unknown, field: string) => this.intern.get(str(value, field));
    switch (r.record) {
      case 'strings':
        for (const value of arr(r.values, 'values')) this.dictStrings.push(i(value, 'values'));
        return;
      case 'lists':
        for (const value of arr(r.values, 'values')) {
          const list = arr(value, 'values[]');
          for (let k = 0; k < list.length; k++) list[k] = this.dictString(list[k], 'values[]');
          this.dictLists.push(this.lists.get(list as string[]));
        }
        return;
      case 'directory':
        this.directories.push({ id: i(r.id, 'id'), name: str(r.name, 'name') });
        return;
      case 'resource':
        if (r.capacity !== null && typeof r.capacity !== 'number') throw new Malformed('capacity');
        this.resources.push({
          id: i(r.id, 'id'),
          product: i(r.product, 'product'),
          site: i(r.site, 'site'),
          siteId: i(r.siteId, 'siteId'),
          name: str(r.name, 'name'),
          status: i(r.status, 'status'),
          sandbox: bool(r.sandbox, 'sandbox'),
          capacity: r.capacity,
          governed: bool(r.governed, 'governed'),
        });
        return;
      case 'group':
        this.groups.push({
          id: i(r.id, 'id'),
          directoryId: i(r.directoryId, 'directoryId'),
          name: str(r.name, 'name'),
          externalSynced: bool(r.externalSynced, 'externalSynced'),
          managedBy: r.managedBy === null ? null : i(r.managedBy, 'managedBy'),
          modifiable: bool(r.modifiable, 'modifiable'),
          roleAssignments: arr(r.roleAssignments, 'roleAssignments').map(
            (a): GroupRoleAssignment => {
              const ra = obj(a, 'roleAssignments[]');
              return {
                resourceId: i(ra.resourceId, 'resourceId'),
                product: i(ra.product, 'product'),
                roles: this.ids(ra.roles, 'roles'),
              };
            },
          ),
          grantsGoverned: bool(r.grantsGoverned, 'grantsGoverned'),
        });
        return;
      case 'admins':
        for (const id of arr(r.accountIds, 'accountIds'))
          this.adminAccountIds.push(str(id, 'accountIds'));
        return;
      case 'serviceAccounts':
        for (const id of arr(r.accountIds, 'accountIds')) {
          this.serviceAccountIds.push(str(id, 'accountIds'));
        }
        return;
      case 'roleSets':
        for (const value of arr(r.values, 'values')) {
          this.dictRoleSets.push(deepFreeze(this.roleList(value)));
        }
        return;
      case 'userRoles': {
        const entries = arr(r.entries, 'entries');
        if (entries.length % 2 !== 0) throw new Malformed('entries is not a list of pairs');
        for (let k = 0; k < entries.length; k += 2) {
          const set = entries[k + 1];
          const roles = typeof set === 'number' ? this.dictRoleSets[set] : undefined;
          if (roles === undefined) throw new Malformed('entries[] is not a known role set');
          this.userRoles.set(str(entries[k], 'entries[]'), roles);
          this.userRoleRecords += 1;
        }
        return;
      }
      case 'apiTokens': {
        const entries = arr(r.entries, 'entries');
        if (entries.length % 2 !== 0) throw new Malformed('entries is not a list of pairs');
        for (let k = 0; k < entries.length; k += 2) {
          this.apiTokenLastUsed.set(
            str(entries[k], 'entries[]'),
            strOrNull(entries[k + 1], 'entries[]'),
          );
          this.apiTokenRecords += 1;
        }
        return;
      }
      case 'apiTokenUnavailable':
        for (const id of arr(r.accountIds, 'accountIds')) {
          this.apiTokenUnavailable.push(str(id, 'accountIds'));
        }
        return;
      case 'warning':
        this.warnings.push(str(r.message, 'message'));
        return;
      default:
        throw new Malformed(`unknown record ${JSON.stringify(r.record)}`);
    }
  }

  private roleList(value: unknown): UserResourceRoles[] {
    const i = (v: unknown, field: string) => this.intern.get(str(v, field));
    return arr(value, 'roles').map((x): UserResourceRoles => {
      const ur = obj(x, 'roles[]');
      return {
        resourceId: i(ur.resourceId, 'resourceId'),
        product: i(ur.product, 'product'),
        directoryId: ur.directoryId === null ? null : i(ur.directoryId, 'directoryId'),
        roles: arr(ur.roles, 'roles').map((y) => {
          const role = obj(y, 'roles[]');
          return { role: i(role.role, 'role'), methods: this.ids(role.methods, 'methods') };
        }),
      };
    });
  }

  counts(): Counts {
    return {
      strings: this.dictStrings.length,
      lists: this.dictLists.length,
      roleSets: this.dictRoleSets.length,
      directories: this.directories.length,
      resources: this.resources.length,
      groups: this.groups.length,
      users: this.users.length,
      adminAccountIds: this.adminAccountIds.length,
      serviceAccountIds: this.serviceAccountIds.length,
      userRoles: this.userRoleRecords,
      apiTokenLastUsed: this.apiTokenRecords,
      apiTokenUnavailable: this.apiTokenUnavailable.length,
      warnings: this.warnings.length,
    };
  }
}

function parseHeader(line: string, name: string): Header {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new InputError(`${name}: not a snapshot file (the first line is not JSON).`);
  }
  const header = value as Partial<Header> | null;
  if (!header || header.record !== 'header' || header.format !== SNAPSHOT_NDJSON_FORMAT) {
    throw new InputError(`${name}: not a snapshot file (no ${SNAPSHOT_NDJSON_FORMAT} header).`);
  }
  if (header.schemaVersion !== SNAPSHOT_NDJSON_VERSION) {
    throw new InputError(
      `${name}: snapshot file format version ${String(header.schemaVersion)} is not supported ` +
        `(this version reads only version ${SNAPSHOT_NDJSON_VERSION}): snapshot files are read by the ` +
        'same version of the action that wrote them; run plan again to write a new one.',
    );
  }
  if (typeof header.orgId !== 'string' || typeof header.fetchedAt !== 'string' || !header.counts) {
    throw new InputError(`${name}: the snapshot header is incomplete.`);
  }
  return header as Header;
}

/** Read a snapshot written by `writeSnapshotNdjson`, from a file path or a stream. */
export async function readSnapshotNdjson(
  source: string | NodeJS.ReadableStream,
): Promise<Snapshot> {
  const name = typeof source === 'string' ? source : 'snapshot';
  const input =
    typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
  // Assigned inside `take`: the cast keeps TypeScript from deciding it stays null.
  let header = null as Header | null;
  const builder = new SnapshotBuilder();
  let lineNumber = 0;
  const take = (text: string): void => {
    lineNumber += 1;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line === '') return;
    if (header === null) {
      header = parseHeader(line, name);
      return;
    }
    try {
      const record: unknown = JSON.parse(line);
      if (Array.isArray(record)) builder.addUser(record);
      else builder.add(obj(record, 'record'));
    } catch (e: unknown) {
      const why = e instanceof Malformed ? e.message : 'not JSON';
      throw new InputError(`${name}:${lineNumber}: malformed snapshot record (${why}).`);
    }
  };
  // Lines split by hand: readline's per-line events cost more than the split itself.
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let end = text.indexOf('\n');
    if (end < 0) {
      rest += text;
      continue;
    }
    // Only the line that straddles two chunks is joined: joining whole chunks would copy
    // every chunk once more.
    take(rest + text.slice(0, end));
    let start = end + 1;
    for (end = text.indexOf('\n', start); end >= 0; end = text.indexOf('\n', start)) {
      take(text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest !== '') take(rest);
  if (header === null) throw new InputError(`${name}: the snapshot file is empty.`);
  const found = builder.counts();
  const expectedCounts: Counts = { apiTokenUnavailable: 0, ...header.counts };
  for (const [kind, expected] of Object.entries(expectedCounts) as Array<[keyof Counts, number]>) {
    if (found[kind] !== expected) {
      throw new InputError(
        `${name}: the snapshot is incomplete: ${found[kind]} of ${expected} ${kind} records (truncated file?).`,
      );
    }
  }
  return {
    schemaVersion: 1,
    orgId: header.orgId,
    fetchedAt: header.fetchedAt,
    directories: builder.directories,
    resources: builder.resources,
    groups: builder.groups,
    users: builder.users,
    adminAccountIds: builder.adminAccountIds,
    serviceAccountIds: builder.serviceAccountIds,
    userRoles: builder.userRoles,
    apiTokenLastUsed: builder.apiTokenLastUsed,
    ...(header.counts.apiTokenUnavailable !== undefined
      ? { apiTokenUnavailable: builder.apiTokenUnavailable }
      : {}),
    warnings: builder.warnings,
  };
}
