/**
 * Writes the synthetic snapshot the `evaluate` benchmark reads: 1,000,000 accounts with 450,000
 * licensed product entries, as the product's own NDJSON (`writeSnapshotNdjson`), so the format is
 * exactly what `plan` keeps for previews. Deterministic: the same arguments give the same file.
 *
 * Shape (sites and entities match the example policy in `policies/`):
 * - resources: Jira Software and Confluence on acme, Confluence on beta (read: the policy governs
 *   them), Jira Software on beta and Jira Service Management on acme (not read);
 * - licences: Jira acme 200,000, Confluence acme 200,000, Confluence beta 50,000 — 350,000
 *   licensed people, 100,000 of them on both acme products; the other 650,000 accounts hold no
 *   seat the policy governs (half of them have activity elsewhere);
 * - activity per licence, SPEC §10's spread: 75% within 30 days, 15% 31–365 days ago, 5% longer
 *   ago, 5% never (half of those added to the org within 30 days);
 * - access: a group per product+site, an IdP-synced Jira group, a group granting both acme
 *   products, 2% direct grants; admins, service and app accounts, the CEO, the exempt group, a
 *   partner domain, hidden emails;
 * - the reads a plan would have made: role assignments and API-token use for every account with
 *   a governed licence inactive for 14 days or more (a superset of the candidates).
 *
 * Runs as its own process. Arguments: one JSON object (`SnapshotWriterArgs`) in argv[2]. Prints
 * one JSON line (`SnapshotWriterReport`).
 */
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { writeSnapshotNdjson } from '../src/snapshot/ndjson.js';
import type {
  Group,
  ProductActivity,
  Resource,
  Snapshot,
  SnapshotUser,
  UserResourceRoles,
} from '../src/snapshot/types.js';
import { report, since } from './lib/measure.js';
import { productAccessOf } from '../src/snapshot/product-access.js';

export interface SnapshotWriterArgs {
  /** Every account of the org. */
  file: string;
  /**
   * The same org as `plan` would read it: only the accounts holding a governed seat, and the
   * accounts the policy names (the product never reads the others).
   */
  seatHoldersFile: string;
  /** ISO time the activity is relative to (the evaluation's `now`). */
  now: string;
  /** Default 1,000,000. */
  accounts?: number;
}

export interface SnapshotWriterReport {
  file: string;
  bytes: number;
  seatHoldersFile: string;
  seatHoldersBytes: number;
  /** User records in the seat-holders file. */
  seatHolders: number;
  accounts: number;
  licensedEntries: number;
  licensedPeople: number;
  userRoles: number;
  apiTokens: number;
  writeMs: number;
}

const DAY = 86_400_000;
const args = JSON.parse(process.argv[2] ?? '{}') as SnapshotWriterArgs;
const accounts = args.accounts ?? 1_000_000;
const nowMs = Date.parse(args.now);
const start = performance.now();

const ACME = '0a1c2e3f-0000-4000-8000-00000000acme';
const BETA = '0b1c2e3f-0000-4000-8000-00000000beta';
const PRIMARY = 'dir-primary-0000-0000-000000000001';
const CONTRACTORS = 'dir-contractors-0000-000000000002';

function resource(
  product: string,
  host: string,
  siteId: string,
  governed: boolean,
  name: string,
): Resource {
  return {
    id: `ari:cloud:${product}::site/${siteId}`,
    product,
    site: host,
    siteId,
    name,
    status: 'online',
    sandbox: false,
    capacity: null,
    governed,
  };
}

const jiraAcme = resource('jira-software', 'acme.atlassian.net', ACME, true, 'Jira (acme)');
const confAcme = resource('confluence', 'acme.atlassian.net', ACME, true, 'Confluence (acme)');
const confBeta = resource('confluence', 'beta.atlassian.net', BETA, true, 'Confluence (beta)');
const jiraBeta = resource('jira-software', 'beta.atlassian.net', BETA, false, 'Jira (beta)');
const jsmAcme = resource('jira-servicedesk', 'acme.atlassian.net', ACME, false, 'JSM (acme)');
const resources = [confAcme, confBeta, jiraAcme, jiraBeta, jsmAcme].sort((a, b) =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
);

function group(id: string, name: string, grants: Resource[], extra: Partial<Group> = {}): Group {
  return {
    id,
    directoryId: PRIMARY,
    name,
    externalSynced: false,
    managedBy: null,
    modifiable: true,
    roleAssignments: grants.map((r) => ({
      resourceId: r.id,
      product: r.product,
      roles: ['atlassian/user'],
    })),
    grantsGoverned: grants.some((r) => r.governed),
    ...extra,
  };
}

const G = {
  jiraAcme: group('00000000-0000-4000-8000-000000000001', 'jira-software-users-acme', [jiraAcme]),
  confAcme: group('00000000-0000-4000-8000-000000000002', 'confluence-users-acme', [confAcme]),
  confBeta: group('00000000-0000-4000-8000-000000000003', 'confluence-users-beta', [confBeta]),
  productTeam: group('00000000-0000-4000-8000-000000000004', 'acme-product-team', [
    jiraAcme,
    confAcme,
  ]),
  oktaJira: group('00000000-0000-4000-8000-000000000005', 'okta-jira-users', [jiraAcme], {
    externalSynced: true,
    managedBy: 'external',
  }),
  exempt: group('00000000-0000-4000-8000-000000000006', 'license-policy-exempt', [], {
    grantsGoverned: false,
  }),
};
const groups = Object.values(G).sort((a, b) => (a.id < b.id ? -1 : 1));

/** A well-mixed 32-bit hash of (n, salt): deterministic "random" choices per account. */
function mix(n: number, salt: number): number {
  let h = Math.imul(n ^ Math.imul(salt, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const iso = (ms: number) => new Date(ms).toISOString();
const accountId = (n: number) =>
  `712020:${n.toString(16).padStart(8, '0')}-bench-0000-0000-000000000000`;

/** Last activity of account n on resource salt: ms, or null for never; SPEC §10's spread. */
function lastActive(n: number, salt: number): number | null {
  const roll = mix(n, salt) % 100;
  const within = mix(n, salt + 101);
  if (roll < 75) return nowMs - (within % (30 * DAY));
  if (roll < 90) return nowMs - 31 * DAY - (within % (334 * DAY));
  if (roll < 95) return nowMs - 366 * DAY - (within % (1200 * DAY));
  return null;
}

const users: SnapshotUser[] = [];
const userRoles: Record<string, UserResourceRoles[]> = {};
const apiTokenLastUsed: Record<string, string | null> = {};
const adminAccountIds: string[] = [];
const serviceAccountIds: string[] = [];
let licensedEntries = 0;
let licensedPeople = 0;
const candidateAfterMs = nowMs - 14 * DAY;

for (let n = 0; n < accounts; n++) {
  const id = accountId(n);
  const slot = n % 20;
  const held: Resource[] = [];
  if (slot <= 3) held.push(jiraAcme);
  if (slot >= 2 && slot <= 5) held.push(confAcme);
  if (slot === 6) held.push(confBeta);
  const kind = mix(n, 7) % 1000;
  const person = kind >= 4; // 0.2% service accounts, 0.2% app accounts
  const email =
    kind < 2
      ? `bot-${n}@serviceaccount.atlassian.com`
      : kind < 4
        ? null
        : kind < 9
          ? `partner${n}@partner.example`
          : kind < 12
            ? null // hidden email
            : n === 42
              ? 'ceo@acme.example'
              : `user${n}@acme.example`;
  if (kind < 2) serviceAccountIds.push(id);

  const productAccess: ProductActivity[] = [];
  let addedToOrg = nowMs - (30 + (mix(n, 3) % 2500)) * DAY;
  let candidate = false;
  for (const r of held) {
    const at = lastActive(n, r.id.length + (r.product === 'confluence' ? 17 : 0));
    if (at === null) {
      // Never active (no entry, as Atlassian reports it): half of them are new, still within
      // the grace period.
      if (mix(n, 5) % 2 === 0) addedToOrg = nowMs - (mix(n, 6) % (30 * DAY));
      candidate = true;
    } else {
      productAccess.push({ id: r.id, key: r.product, lastActive: iso(at) });
      if (at < candidateAfterMs) candidate = true;
    }
  }
  if (held.length === 0 && mix(n, 9) % 2 === 0) {
    // Activity on a product the policy does not govern (a help-centre customer, say).
    productAccess.push({
      id: jsmAcme.id,
      key: 'jira-servicedesk',
      lastActive: iso(nowMs - (mix(n, 10) % (400 * DAY))),
    });
  }

  const groupIds: string[] = [];
  const bothAcme = held.includes(jiraAcme) && held.includes(confAcme);
  if (bothAcme && mix(n, 11) % 2 === 0) groupIds.push(G.productTeam.id);
  else {
    if (held.includes(jiraAcme))
      groupIds.push(mix(n, 12) % 10 === 0 ? G.oktaJira.id : G.jiraAcme.id);
    if (held.includes(confAcme)) groupIds.push(G.confAcme.id);
  }
  if (held.includes(confBeta)) groupIds.push(G.confBeta.id);
  if (held.length > 0 && mix(n, 13) % 500 === 0) groupIds.push(G.exempt.id);

  const platformRoles = held.length > 0 && mix(n, 14) % 5000 === 0 ? ['atlassian/org-admin'] : [];
  if (platformRoles.length > 0 || (held.length > 0 && mix(n, 15) % 2000 === 0)) {
    adminAccountIds.push(id);
  }

  users.push({
    accountId: id,
    directoryIds: [slot === 19 ? CONTRACTORS : PRIMARY],
    accountType: kind >= 2 && kind < 4 ? 'app' : 'atlassian',
    accountStatus: 'active',
    membershipStatus: mix(n, 16) % 200 === 0 ? 'suspended' : 'active',
    claimStatus: email?.endsWith('@acme.example') ? 'managed' : 'unmanaged',
    name: `User ${n}`,
    email,
    addedToOrg: iso(addedToOrg),
    platformRoles,
    groupIds,
    productAccess: productAccessOf(productAccess),
    licensedOn: held.map((r) => r.id),
  });
  licensedEntries += held.length;
  if (held.length > 0 && person) licensedPeople += 1;

  if (candidate) {
    const direct = mix(n, 17) % 50 === 0;
    userRoles[id] = held.map((r) => ({
      resourceId: r.id,
      product: r.product,
      directoryId: PRIMARY,
      roles: [
        {
          role: 'atlassian/user',
          methods: direct ? ['group_direct', 'direct'] : ['group_direct'],
        },
      ],
    }));
    if (email?.endsWith('@acme.example')) {
      const used = mix(n, 18) % 100 < 2;
      apiTokenLastUsed[id] = used ? iso(nowMs - (mix(n, 19) % (5 * DAY))) : null;
    }
  }
}

const snapshot: Snapshot = {
  schemaVersion: 1,
  orgId: 'bench-org-1m',
  fetchedAt: args.now,
  directories: [
    { id: CONTRACTORS, name: 'Acme Contractors' },
    { id: PRIMARY, name: 'Acme Corporation' },
  ],
  resources,
  groups,
  users,
  adminAccountIds: adminAccountIds.sort(),
  serviceAccountIds: serviceAccountIds.sort(),
  userRoles: new Map(Object.entries(userRoles)),
  apiTokenLastUsed: new Map(Object.entries(apiTokenLastUsed)),
  warnings: [],
};
await writeSnapshotNdjson(snapshot, args.file);
const CEO = 'ceo@acme.example';
const seatHolders = users.filter((u) => u.licensedOn.length > 0 || u.email === CEO);
await writeSnapshotNdjson({ ...snapshot, users: seatHolders }, args.seatHoldersFile);

const result: SnapshotWriterReport = {
  file: args.file,
  bytes: statSync(args.file).size,
  seatHoldersFile: args.seatHoldersFile,
  seatHoldersBytes: statSync(args.seatHoldersFile).size,
  seatHolders: seatHolders.length,
  accounts: users.length,
  licensedEntries,
  licensedPeople,
  userRoles: Object.keys(userRoles).length,
  apiTokens: Object.keys(apiTokenLastUsed).length,
  writeMs: since(start),
};
report(result);
