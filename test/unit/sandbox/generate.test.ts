import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  generateOrg,
  SYNTHETIC_ORG,
  type OrgModel,
  type UserRecord,
  type WorkspaceRecord,
} from '../../../src/sandbox/index.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const DAY = 86_400_000;

/** Every fact of the org, canonically: equal digests = the same org. */
function digest(org: OrgModel): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([org.orgId, org.directories(), org.workspaces()]));
  for (const g of org.groups())
    h.update(JSON.stringify([g, org.groupGrants(g.id), org.members(g.id).map((u) => u.accountId)]));
  for (const u of org.users()) {
    h.update(
      JSON.stringify([
        u.accountId,
        u.directoryId,
        u.accountType,
        u.accountStatus,
        u.membershipStatus,
        u.claimStatus,
        u.name,
        u.email,
        u.addedToOrg,
        u.platformRoles,
        u.grants,
        u.activity,
        u.apiTokens,
        u.serviceAccount,
      ]),
    );
  }
  return h.digest('hex');
}

type Category = 'active' | 'stale' | 'dormant' | 'never';
/** The share of each activity category among the licensed seats of a workspace, in percent. */
function spread(org: OrgModel, w: WorkspaceRecord) {
  const seats = org.licensedUsers(w.id);
  const counts: Record<Category, number> = { active: 0, stale: 0, dormant: 0, never: 0 };
  let neverNew = 0;
  for (const u of seats) {
    const entry = u.activity.find((a) => a.id === w.id);
    if (!entry) {
      counts.never++;
      if ((u.addedToOrg ?? 0) > NOW.getTime() - 30 * DAY) neverNew++;
      continue;
    }
    // An entry without a timestamp is "activity unknown", not "never active" (a few JSM seats).
    if (entry.at === null) continue;
    const days = (NOW.getTime() - entry.at) / DAY;
    counts[days < 30 ? 'active' : days <= 365 ? 'stale' : 'dormant']++;
  }
  const pct = (n: number) => (100 * n) / seats.length;
  return {
    seats: seats.length,
    active: pct(counts.active),
    stale: pct(counts.stale),
    dormant: pct(counts.dormant),
    never: pct(counts.never),
    neverNewShare: counts.never ? neverNew / counts.never : 0,
  };
}

const lastActive = (u: UserRecord, w: WorkspaceRecord) =>
  u.activity.find((a) => a.id === w.id)?.at ?? null;
const inactiveDays = (u: UserRecord, w: WorkspaceRecord) => {
  const at = lastActive(u, w);
  return at === null ? Infinity : (NOW.getTime() - at) / DAY;
};

describe('synthetic org at the default size (65,000 accounts)', () => {
  let org: OrgModel;
  let jira: WorkspaceRecord;
  let conf: WorkspaceRecord;
  beforeAll(() => {
    org = generateOrg({ seed: 1, now: NOW });
    jira = org.workspaceOn('jira-software', SYNTHETIC_ORG.hosts.acme)!;
    conf = org.workspaceOn('confluence', SYNTHETIC_ORG.hosts.acme)!;
  });

  it('has 65,000 accounts, 5,000 Jira Software seats and ~4,800 Confluence seats on acme', () => {
    expect(org.userCount()).toBe(65_000);
    expect(org.seatCount(jira.id)).toBe(5_000);
    expect(org.seatCount(conf.id)).toBe(4_800);
  });

  it('spreads the activity of the licensed seats 75/15/5/5 (±1 point) on every product and site', () => {
    const online = org.workspaces().filter((w) => w.status === 'online' && !w.sandbox);
    expect(online.map((w) => `${w.product}@${new URL(w.hostUrl!).host}`).sort()).toEqual([
      'confluence@acme.atlassian.net',
      'confluence@beta.atlassian.net',
      'jira-product-discovery@acme.atlassian.net',
      'jira-servicedesk@acme.atlassian.net',
      'jira-software@acme.atlassian.net',
      'jira-software@beta.atlassian.net',
    ]);
    for (const w of online.filter((x) => org.seatCount(x.id) >= 400)) {
      const s = spread(org, w);
      expect({
        w: w.id,
        active: Math.abs(s.active - 75) <= 1,
        stale: Math.abs(s.stale - 15) <= 1,
      }).toEqual({
        w: w.id,
        active: true,
        stale: true,
      });
      expect({
        w: w.id,
        dormant: Math.abs(s.dormant - 5) <= 1,
        never: Math.abs(s.never - 5) <= 1,
      }).toEqual({
        w: w.id,
        dormant: true,
        never: true,
      });
      // Half of the never-active seats belong to people added within the last 30 days.
      expect(Math.abs(s.neverNewShare - 0.5)).toBeLessThanOrEqual(0.03);
    }
  });

  it('contains the demo policy entities, visibly inactive so the exclusions protect someone', () => {
    const exempt = org.groupByName(SYNTHETIC_ORG.groups.exempt)!;
    const members = org.members(exempt.id);
    expect(members.length).toBeGreaterThanOrEqual(3);
    expect(members.every((u) => org.isLicensed(u, jira.id))).toBe(true);
    expect(members.filter((u) => inactiveDays(u, jira) >= 90).length).toBeGreaterThanOrEqual(2);
    expect(org.groupGrants(exempt.id)).toEqual([]);

    const ceo = org.userByEmail(SYNTHETIC_ORG.ceoEmail)!;
    expect(org.isLicensed(ceo, jira.id)).toBe(true);
    expect(inactiveDays(ceo, jira)).toBeGreaterThan(90);
    expect(ceo.platformRoles).toEqual([]);
    expect(
      org.roleAssignmentsOf(ceo.accountId).flatMap((a) => a.roles.map((r) => r.role)),
    ).not.toContain('atlassian/admin');

    const partners = org
      .usersWithDomain(SYNTHETIC_ORG.partnerDomain)
      .filter((u) => org.isLicensed(u, jira.id));
    expect(partners.filter((u) => inactiveDays(u, jira) >= 30).length).toBeGreaterThanOrEqual(10);
    expect(partners.every((u) => u.claimStatus === 'unmanaged')).toBe(true);
  });

  it('has every kind of account and access path the engine must handle', () => {
    const users = org.users();
    const g = (name: string) => org.groupByName(name)!;
    // Admins: org, site and product admins.
    expect(
      users.filter((u) => u.platformRoles.includes('atlassian/org-admin')).length,
    ).toBeGreaterThanOrEqual(2);
    expect(users.some((u) => u.platformRoles.includes('atlassian/site-admin'))).toBe(true);
    expect(
      org
        .members(g(SYNTHETIC_ORG.groups.jiraAdminsAcme).id)
        .some((u) => org.isLicensed(u, jira.id)),
    ).toBe(true);
    // Service accounts: listed, serviceaccount emails, some holding Jira.
    const bots = org.serviceAccounts();
    expect(bots.length).toBe(30);
    expect(bots.every((u) => u.email?.endsWith('@serviceaccount.atlassian.com'))).toBe(true);
    expect(bots.filter((u) => org.holds(u, [jira.id], ['atlassian/user'])).length).toBeGreaterThan(
      5,
    );
    // App accounts reach Jira through the add-ons group.
    const apps = users.filter((u) => u.accountType === 'app');
    expect(apps.length).toBe(20);
    expect(apps.every((u) => org.holds(u, [jira.id], null) && !org.isLicensed(u, jira.id))).toBe(
      true,
    );
    // Never-active new and old users (covered by the spread), suspended users still in granting groups.
    const jiraUsers = org.members(g(SYNTHETIC_ORG.groups.jiraUsersAcme).id);
    expect(jiraUsers.some((u) => u.membershipStatus === 'suspended')).toBe(true);
    expect(jiraUsers.some((u) => u.accountStatus === 'inactive')).toBe(true);
    // IdP-synced and locked groups; a group granting two products.
    const idp = g(SYNTHETIC_ORG.groups.jiraIdpAcme);
    expect([idp.externalSynced, idp.managedBy, idp.modifiable]).toEqual([true, 'external', false]);
    expect(g(SYNTHETIC_ORG.groups.lockedJira).modifiable).toBe(false);
    expect(
      org
        .groupGrants(g(SYNTHETIC_ORG.groups.productTeam).id)
        .map((x) => x.resourceId)
        .sort(),
    ).toEqual([jira.id, conf.id].sort());
    // Direct grants, some beside a group grant; inferred-only access.
    const licensed = org.licensedUsers(jira.id);
    const direct = licensed.filter((u) =>
      u.grants.some((x) => x.resourceId === jira.id && x.method === 'direct'),
    );
    const viaGroup = (u: UserRecord) =>
      u.groups.some((x) => org.groupGrants(x.id).some((gr) => gr.resourceId === jira.id));
    expect(direct.filter((u) => !viaGroup(u)).length).toBeGreaterThan(50);
    expect(direct.filter(viaGroup).length).toBeGreaterThan(20);
    expect(
      users.filter((u) => u.grants.some((x) => x.method === 'inferred')).length,
    ).toBeGreaterThanOrEqual(2);
    // Hidden emails among the licensed; managed and unmanaged accounts.
    expect(licensed.filter((u) => u.email === null).length).toBeGreaterThan(20);
    expect(new Set(licensed.map((u) => u.claimStatus))).toEqual(new Set(['managed', 'unmanaged']));
    // A sandbox and an offline site, both with licensed users.
    const sandbox = org.workspaceOn('jira-software', SYNTHETIC_ORG.hosts.sandbox)!;
    const offline = org.workspaceOn('jira-software', SYNTHETIC_ORG.hosts.offline)!;
    expect([sandbox.sandbox, offline.status]).toEqual([true, 'offline']);
    expect(org.seatCount(sandbox.id)).toBeGreaterThan(0);
    expect(org.seatCount(offline.id)).toBeGreaterThan(0);
    // Account id formats: legacy 24-hex and 712020:<uuid>.
    expect(users.some((u) => /^[0-9a-f]{24}$/.test(u.accountId))).toBe(true);
    expect(users.some((u) => /^712020:[0-9a-f-]{36}$/.test(u.accountId))).toBe(true);
    // API tokens with last access on managed accounts.
    expect(
      users.some(
        (u) => u.claimStatus === 'managed' && u.apiTokens.some((t) => t.lastAccess !== null),
      ),
    ).toBe(true);
  });

  it('never dates activity before the account was added to the org', () => {
    const bad = org
      .users()
      .filter(
        (u) =>
          u.addedToOrg !== null && u.activity.some((a) => a.at !== null && a.at < u.addedToOrg!),
      );
    expect(bad.map((u) => u.accountId)).toEqual([]);
  });
});

describe('synthetic org determinism and scale', () => {
  it('gives the same org for the same seed and now, and another org for another seed', () => {
    const a = generateOrg({ users: 6_500, seed: 42, now: NOW });
    const b = generateOrg({ users: 6_500, seed: 42, now: NOW });
    const c = generateOrg({ users: 6_500, seed: 43, now: NOW });
    expect(digest(a)).toBe(digest(b));
    expect(digest(c)).not.toBe(digest(a));
  });

  it('keeps timestamps relative to now: a later now shifts them, ids stay', () => {
    const a = generateOrg({ users: 6_500, seed: 42, now: NOW });
    const later = generateOrg({ users: 6_500, seed: 42, now: new Date(NOW.getTime() + 10 * DAY) });
    expect(later.users().map((u) => u.accountId)).toEqual(a.users().map((u) => u.accountId));
    const ceoA = a.userByEmail(SYNTHETIC_ORG.ceoEmail)!;
    const ceoB = later.userByEmail(SYNTHETIC_ORG.ceoEmail)!;
    expect(ceoB.activity[0].at! - ceoA.activity[0].at!).toBe(10 * DAY);
  });

  it('scales the seats with the accounts: 6,500 accounts → 500 Jira licences', () => {
    const org = generateOrg({ users: 6_500, seed: 1, now: NOW });
    const jira = org.workspaceOn('jira-software', SYNTHETIC_ORG.hosts.acme)!;
    const conf = org.workspaceOn('confluence', SYNTHETIC_ORG.hosts.acme)!;
    expect(org.userCount()).toBe(6_500);
    expect(org.seatCount(jira.id)).toBe(500);
    expect(org.seatCount(conf.id)).toBe(480);
    const s = spread(org, jira);
    expect([
      Math.round(s.active),
      Math.round(s.stale),
      Math.round(s.dormant),
      Math.round(s.never),
    ]).toEqual([75, 15, 5, 5]);
  });

  it('still holds every demo entity in a small org', () => {
    const org = generateOrg({ users: 1_000, seed: 5, now: NOW });
    const jira = org.workspaceOn('jira-software', SYNTHETIC_ORG.hosts.acme)!;
    expect(
      org.members(org.groupByName(SYNTHETIC_ORG.groups.exempt)!.id).length,
    ).toBeGreaterThanOrEqual(3);
    expect(org.isLicensed(org.userByEmail(SYNTHETIC_ORG.ceoEmail)!, jira.id)).toBe(true);
    expect(
      org.usersWithDomain(SYNTHETIC_ORG.partnerDomain).filter((u) => org.isLicensed(u, jira.id))
        .length,
    ).toBeGreaterThan(0);
    expect(org.serviceAccounts().length).toBeGreaterThan(0);
  });
});
