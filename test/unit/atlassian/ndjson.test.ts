import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { InputError } from '../../../src/errors.js';
import { readSnapshotNdjson, writeSnapshotNdjson } from '../../../src/snapshot/ndjson.js';
import type { Snapshot, SnapshotUser } from '../../../src/snapshot/types.js';
import { activityEntries, productAccessOf } from '../../../src/snapshot/product-access.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snapshot-ndjson-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const JIRA = 'ari:cloud:jira-software::site/acme';
const CONF = 'ari:cloud:confluence::site/acme';
const GROUP = '11111111-0000-0000-0000-000000000001';

function sample(): Snapshot {
  return {
    schemaVersion: 1,
    orgId: 'org-1',
    fetchedAt: '2026-11-30T12:00:00.000Z',
    directories: [{ id: 'dir-1', name: 'Acme' }],
    resources: [
      {
        id: JIRA,
        product: 'jira-software',
        site: 'acme.atlassian.net',
        siteId: 'acme',
        name: 'Acme Jira',
        status: 'online',
        sandbox: false,
        capacity: 100,
        governed: true,
      },
      {
        id: CONF,
        product: 'confluence',
        site: 'acme.atlassian.net',
        siteId: 'acme',
        name: 'Acme "Wiki" ✓',
        status: 'online',
        sandbox: false,
        capacity: null,
        governed: false,
      },
    ],
    groups: [
      {
        id: GROUP,
        directoryId: 'dir-1',
        name: 'jira-users',
        externalSynced: true,
        managedBy: null,
        modifiable: false,
        roleAssignments: [
          { resourceId: JIRA, product: 'jira-software', roles: ['atlassian/user'] },
        ],
        grantsGoverned: true,
      },
    ],
    users: [
      {
        accountId: '712020:0b1c',
        directoryIds: ['dir-1'],
        accountType: 'atlassian',
        accountStatus: 'active',
        membershipStatus: 'active',
        claimStatus: 'managed',
        name: 'Zoë\nNew-line',
        email: null,
        addedToOrg: null,
        platformRoles: ['atlassian/site-admin'],
        groupIds: [GROUP],
        productAccess: productAccessOf([
          { id: JIRA, key: 'jira', lastActive: '2026-11-01T00:00:00.123456789Z' },
          { id: CONF, key: null, lastActive: null },
        ]),
        licensedOn: [JIRA],
      },
    ],
    adminAccountIds: ['712020:0b1c'],
    serviceAccountIds: ['bot-1', 'bot-2'],
    userRoles: new Map(
      Object.entries({
        '712020:0b1c': [
          {
            resourceId: JIRA,
            product: 'jira-software',
            directoryId: 'dir-1',
            roles: [{ role: 'atlassian/user', methods: ['direct', 'group_direct'] }],
          },
          {
            resourceId: 'ari:cloud:platform::site/acme',
            product: 'platform',
            directoryId: null,
            roles: [],
          },
        ],
      }),
    ),
    apiTokenLastUsed: new Map(
      Object.entries({ '712020:0b1c': '2026-11-20T00:00:00.000Z', 'bot-1': null }),
    ),
    warnings: ['The service-accounts API answered 403.'],
  };
}

function bulkUser(i: number): SnapshotUser {
  return {
    accountId: `712020:${i.toString(16).padStart(8, '0')}-7f2e-4c5c-b62c-61562d9f62ab`,
    directoryIds: ['dir-1'],
    accountType: 'atlassian',
    accountStatus: 'active',
    membershipStatus: 'active',
    claimStatus: i % 3 ? 'managed' : 'unmanaged',
    name: `Person ${i}`,
    email: `person.${i}@example.com`,
    addedToOrg: '2024-01-01T00:00:00.000Z',
    platformRoles: [],
    groupIds: [GROUP, `22222222-0000-0000-0000-${String(i % 50).padStart(12, '0')}`],
    productAccess: productAccessOf([
      {
        id: JIRA,
        key: 'jira',
        lastActive: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      },
      { id: CONF, key: 'confluence', lastActive: null },
    ]),
    licensedOn: [JIRA],
  };
}

describe('snapshot NDJSON', () => {
  it('round-trips every record kind exactly', async () => {
    const file = join(dir, 'sample.ndjson');
    await writeSnapshotNdjson(sample(), file);
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(JSON.parse(lines[0])).toMatchObject({
      record: 'header',
      format: 'atlassian-license-policy/snapshot',
      schemaVersion: 2,
      counts: {
        strings: 9,
        lists: 4,
        roleSets: 1,
        users: 1,
        groups: 1,
        resources: 2,
        serviceAccountIds: 2,
        userRoles: 1,
        apiTokenLastUsed: 2,
      },
    });
    // One record a line: header, the dictionary, directory, 2 resources, group, user (a positional
    // array), admins, serviceAccounts, the role sets, userRoles and apiTokens (pairs), warning.
    const kind = (l: string) => {
      const parsed = JSON.parse(l) as { record: string } | unknown[];
      return Array.isArray(parsed) ? 'user' : parsed.record;
    };
    expect(lines.slice(1, -1).map(kind)).toEqual([
      'strings',
      'lists',
      'directory',
      'resource',
      'resource',
      'group',
      'user',
      'admins',
      'serviceAccounts',
      'roleSets',
      'userRoles',
      'apiTokens',
      'warning',
    ]);
    await expect(readSnapshotNdjson(file)).resolves.toEqual(sample());
  });

  it('reads the same snapshot whatever the chunks the stream hands over (lines and characters split)', async () => {
    const file = join(dir, 'chunks.ndjson');
    const snapshot = { ...sample(), users: [...sample().users, ...[1, 2, 3].map(bulkUser)] };
    await writeSnapshotNdjson(snapshot, file);
    const bytes = await readFile(file);
    // Byte chunks of 1, 2, 3, 5, 7 ... bytes: every line and the multi-byte "ë" split somewhere;
    // then one chunk for the whole file, and chunks holding no newline at all.
    for (const sizes of [[1], [2, 3, 5, 7, 11], [bytes.length], [4096]]) {
      const chunks: Buffer[] = [];
      for (let at = 0, i = 0; at < bytes.length; i++) {
        const size = sizes[i % sizes.length];
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      await expect(readSnapshotNdjson(Readable.from(chunks))).resolves.toEqual(snapshot);
    }
  });

  it('keeps the optional list of accounts whose API tokens could not be read', async () => {
    const file = join(dir, 'unavailable.ndjson');
    const snapshot: Snapshot = { ...sample(), apiTokenUnavailable: ['u-2', 'u-1'] };
    await writeSnapshotNdjson(snapshot, file);
    await expect(readSnapshotNdjson(file)).resolves.toEqual(snapshot);
    const none: Snapshot = { ...sample(), apiTokenUnavailable: [] };
    await writeSnapshotNdjson(none, file);
    await expect(readSnapshotNdjson(file)).resolves.toEqual(none);
  });

  it('refuses a truncated file instead of returning fewer users', async () => {
    const file = join(dir, 'truncated.ndjson');
    const snapshot = sample();
    snapshot.users.push(bulkUser(1), bulkUser(2));
    await writeSnapshotNdjson(snapshot, file);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const cut = lines.filter((l) => !l.startsWith(`["${bulkUser(2).accountId}"`));
    expect(cut).toHaveLength(lines.length - 1);
    await writeFile(file, cut.join('\n'));
    const error = await readSnapshotNdjson(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/incomplete: 2 of 3 users records/);
  });

  it('refuses files that are not snapshots, and malformed records with their line', async () => {
    const notSnapshot = join(dir, 'plan.json');
    await writeFile(notSnapshot, '{"schemaVersion":1,"planId":"x"}\n');
    await expect(readSnapshotNdjson(notSnapshot)).rejects.toThrow(/not a snapshot file/);
    const empty = join(dir, 'empty.ndjson');
    await writeFile(empty, '');
    await expect(readSnapshotNdjson(empty)).rejects.toThrow(/empty/);
    const bad = join(dir, 'bad.ndjson');
    const good = (await readFile(join(dir, 'sample.ndjson'), 'utf8')).split('\n');
    const userLine = good.findIndex((l) => l.startsWith('["712020:0b1c"'));
    good[userLine] = good[userLine].replace('"712020:0b1c"', '42');
    await writeFile(bad, good.join('\n'));
    await expect(readSnapshotNdjson(bad)).rejects.toThrow(
      new RegExp(
        `bad\\.ndjson:${userLine + 1}: malformed snapshot record \\(accountId is not a string\\)`,
      ),
    );
    good[userLine] = good[userLine].replace('[42,0,', '[42,999,').replace('[42,', '["x",');
    await writeFile(bad, good.join('\n'));
    await expect(readSnapshotNdjson(bad)).rejects.toThrow(
      /malformed snapshot record \(directoryIds is not a known list index\)/,
    );
  });

  it('writes users as positional arrays over a dictionary of their repeated strings and lists', async () => {
    const file = join(dir, 'compact.ndjson');
    const snapshot = sample();
    snapshot.users.push(bulkUser(1), bulkUser(2));
    await writeSnapshotNdjson(snapshot, file);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const strings = (JSON.parse(lines[1]) as { record: string; values: string[] }).values;
    const lists = (JSON.parse(lines[2]) as { record: string; values: number[][] }).values;
    const user = JSON.parse(lines.find((l) => l.startsWith(`["${bulkUser(2).accountId}"`))!) as [
      string,
      ...unknown[],
    ];
    const at = (i: unknown) => strings[i as number];
    const list = (i: unknown) => lists[i as number].map(at);
    expect(user).toHaveLength(13);
    expect(list(user[1])).toEqual(['dir-1']);
    expect([at(user[2]), at(user[3]), at(user[4]), at(user[5])]).toEqual([
      'atlassian',
      'active',
      'active',
      'managed',
    ]);
    expect(user.slice(6, 9)).toEqual([
      'Person 2',
      'person.2@example.com',
      '2024-01-01T00:00:00.000Z',
    ]);
    expect(list(user[9])).toEqual([]);
    expect(list(user[10])).toEqual([GROUP, '22222222-0000-0000-0000-000000000002']);
    expect(list(user[11])).toEqual([JIRA]);
    const access = user[12] as unknown[];
    expect([at(access[0]), at(access[1]), access[2]]).toEqual([
      JIRA,
      'jira',
      activityEntries(bulkUser(2).productAccess)[0].lastActive,
    ]);
    expect([at(access[3]), at(access[4]), access[5]]).toEqual([CONF, 'confluence', null]);
    // Each repeated string is declared once.
    expect(new Set(strings).size).toBe(strings.length);

    // Two accounts with the same role read: one role set, and the reads as pairs.
    const roles = snapshot.userRoles.get('712020:0b1c')!;
    snapshot.userRoles.set(bulkUser(1).accountId, structuredClone(roles));
    snapshot.apiTokenLastUsed.set(bulkUser(1).accountId, '2026-11-21T00:00:00.000Z');
    await writeSnapshotNdjson(snapshot, file);
    type Line = { record?: string; values?: unknown[]; entries?: unknown[] } | unknown[];
    const withReads = (await readFile(file, 'utf8'))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line);
    const byRecord = (record: string) =>
      withReads.filter((r) => !Array.isArray(r) && r.record === record) as Array<{
        values?: unknown[];
        entries?: unknown[];
      }>;
    expect(byRecord('roleSets').map((r) => r.values)).toEqual([[roles]]);
    expect(byRecord('userRoles').map((r) => r.entries)).toEqual([
      ['712020:0b1c', 0, bulkUser(1).accountId, 0],
    ]);
    expect(byRecord('apiTokens').map((r) => r.entries)).toEqual([
      [
        '712020:0b1c',
        '2026-11-20T00:00:00.000Z',
        'bot-1',
        null,
        bulkUser(1).accountId,
        '2026-11-21T00:00:00.000Z',
      ],
    ]);

    const read = await readSnapshotNdjson(file);
    expect(read).toEqual(snapshot);
    expect(read.userRoles.get('712020:0b1c')).toBe(read.userRoles.get(bulkUser(1).accountId));
    expect(Object.isFrozen(read.userRoles.get('712020:0b1c')![0].roles[0])).toBe(true);
    // Users share their interned lists (nothing can change them through one user).
    expect(read.users[1].licensedOn).toBe(read.users[2].licensedOn);
    expect(Object.isFrozen(read.users[1].groupIds)).toBe(true);
  });

  it('refuses a snapshot file of another format version, saying why', async () => {
    const file = join(dir, 'old.ndjson');
    await writeSnapshotNdjson(sample(), file);
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[0] = lines[0].replace('"schemaVersion":2', '"schemaVersion":1');
    await writeFile(file, lines.join('\n'));
    const error = await readSnapshotNdjson(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /snapshot file format version 1 is not supported \(this version reads only version 2\)/,
    );
  });

  it('streams 200,000 users in small writes and reads them back compactly', async () => {
    const count = 200_000;
    const snapshot: Snapshot = {
      ...sample(),
      users: Array.from({ length: count }, (_, i) => bulkUser(i)),
    };
    const file = join(dir, 'large.ndjson');

    // Writing: never one giant string — every chunk handed to the stream is small.
    const { createWriteStream } = await import('node:fs');
    const out = createWriteStream(file);
    let largestChunk = 0;
    let bytes = 0;
    const probe = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        largestChunk = Math.max(largestChunk, chunk.length);
        bytes += chunk.length;
        out.write(chunk, callback);
      },
      final(callback) {
        out.end(callback);
      },
    });
    await writeSnapshotNdjson(snapshot, probe);
    expect(largestChunk).toBeLessThan(256 * 1024);
    expect(bytes).toBeGreaterThan(count * 150);

    const sampleUser = snapshot.users[123_456];
    const lastUser = snapshot.users[count - 1];
    snapshot.users = [];

    // Reading: measure what the result retains, with garbage collected before and after.
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const read = await readSnapshotNdjson(file);
    gc();
    const retained = process.memoryUsage().heapUsed - before;

    expect(read.users).toHaveLength(count);
    expect(read.users[123_456]).toEqual(sampleUser);
    expect(read.users[count - 1]).toEqual(lastUser);
    const perUser = retained / count;
    // Measured ~730 bytes a user with repeated ids interned, ~1,030 without.
    expect(perUser).toBeLessThan(900);
  });
});
