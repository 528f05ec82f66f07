import { describe, expect, it } from '@jest/globals';
import { createOrgModel } from '../../../src/sandbox/index.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

/** The five-user org a test author builds in a few lines. */
function fiveUsers() {
  const org = createOrgModel({ now: NOW, seed: 11 });
  const jira = org.addWorkspace({
    product: 'jira-software',
    host: 'acme.atlassian.net',
    capacity: 10,
  });
  const conf = org.addWorkspace({ product: 'confluence', host: 'acme.atlassian.net' });
  const jiraUsers = org.addGroup({
    name: 'jira-users',
    grants: [{ resourceId: jira.id, roles: ['atlassian/user'], defaultRole: 'atlassian/user' }],
  });
  const everything = org.addGroup({
    name: 'product-team',
    grants: [
      { resourceId: jira.id, roles: ['atlassian/user'] },
      { resourceId: conf.id, roles: ['atlassian/user'] },
    ],
  });
  const alice = org.addUser({
    name: 'Alice',
    groups: [jiraUsers.id],
    activity: { [jira.id]: daysAgo(3) },
  });
  const bob = org.addUser({
    name: 'Bob',
    groups: ['jira-users'],
    roles: [{ resourceId: jira.id, role: 'atlassian/user' }],
  });
  const carol = org.addUser({ name: 'Carol', groups: [everything.id] });
  const dave = org.addUser({ name: 'Dave', platformRoles: ['atlassian/org-admin'] });
  const erin = org.addUser({ name: 'Erin', membershipStatus: 'suspended', groups: [jiraUsers.id] });
  return { org, jira, conf, jiraUsers, everything, alice, bob, carol, dave, erin };
}

describe('org model', () => {
  it('puts Jira and Confluence on one host under the same site id, with ARIs from product and site', () => {
    const { jira, conf } = fiveUsers();
    expect(jira.siteId).toBe(conf.siteId);
    expect(jira.id).toBe(`ari:cloud:jira-software::site/${jira.siteId}`);
    expect(conf.id).toBe(`ari:cloud:confluence::site/${conf.siteId}`);
    expect(jira.hostUrl).toBe('https://acme.atlassian.net');
  });

  it("derives a user's roles from direct grants and group grants, naming every method", () => {
    const { org, jira, conf, bob, carol } = fiveUsers();
    expect(org.roleAssignmentsOf(bob.accountId)).toEqual([
      {
        resourceId: jira.id,
        resourceOwner: 'jira-software',
        platform: false,
        roles: [{ role: 'atlassian/user', methods: ['direct', 'group_direct'] }],
      },
    ]);
    expect(org.roleAssignmentsOf(carol.accountId).map((a) => a.resourceId)).toEqual([
      jira.id,
      conf.id,
    ]);
  });

  it('reports inferred access only when a test models it', () => {
    const { org, conf, alice } = fiveUsers();
    expect(org.roleAssignmentsOf(alice.accountId).some((a) => a.resourceId === conf.id)).toBe(
      false,
    );
    org.grantRole(alice.accountId, conf.id, 'atlassian/user', 'inferred');
    const onConf = org.roleAssignmentsOf(alice.accountId).find((a) => a.resourceId === conf.id);
    expect(onConf?.roles).toEqual([{ role: 'atlassian/user', methods: ['inferred'] }]);
    expect(org.isLicensed(alice, conf.id)).toBe(false);
  });

  it('puts platform roles on the org ARI with no directory', () => {
    const { org, dave } = fiveUsers();
    expect(org.roleAssignmentsOf(dave.accountId)).toEqual([
      {
        resourceId: `ari:cloud:platform::org/${org.orgId}`,
        resourceOwner: 'platform',
        platform: true,
        roles: [{ role: 'atlassian/org-admin', methods: ['direct'] }],
      },
    ]);
  });

  it('counts as licensed only billable accounts holding a seat role directly or through a group', () => {
    const { org, jira, alice, bob, carol } = fiveUsers();
    expect(org.licensedUsers(jira.id).map((u) => u.name)).toEqual([
      alice.name,
      bob.name,
      carol.name,
    ]);
    expect(org.seatCount(jira.id)).toBe(3);
  });

  it('reflects changes made between a plan and an apply', () => {
    const { org, jira, jiraUsers, alice, bob } = fiveUsers();
    const before = org.version;
    org.setActivity(bob.accountId, jira.id, daysAgo(1));
    org.removeMembership(jiraUsers.id, alice.accountId);
    expect(org.version).toBeGreaterThan(before);
    expect(org.isLicensed(org.user(alice.accountId)!, jira.id)).toBe(false);
    expect(org.user(bob.accountId)!.activity).toEqual([
      { id: jira.id, key: null, at: daysAgo(1).getTime() },
    ]);
    expect(org.holders([jira.id], ['atlassian/user']).has(org.user(alice.accountId)!)).toBe(false);
  });

  it('finds users by email case-insensitively and keeps the index in step with changes', () => {
    const { org, alice } = fiveUsers();
    expect(org.userByEmail('ALICE@example.com')?.accountId).toBe(alice.accountId);
    org.updateUser(alice.accountId, { email: null });
    expect(org.userByEmail('alice@example.com')).toBeUndefined();
    expect(org.usersWithDomain('example.com').map((u) => u.name)).not.toContain('Alice');
  });

  it('refuses memberships across directories and duplicate accounts', () => {
    const { org, jiraUsers, alice } = fiveUsers();
    const other = org.addDirectory({ name: 'Contractors' });
    const outsider = org.addUser({ name: 'Olga', directoryId: other.id });
    expect(() => org.addMembership(jiraUsers.id, outsider.accountId)).toThrow(
      /not in the directory/,
    );
    expect(() => org.addUser({ accountId: alice.accountId })).toThrow(/exists/);
  });

  it('lists service accounts with a serviceaccount.atlassian.com email', () => {
    const { org } = fiveUsers();
    const bot = org.addServiceAccount({ name: 'Deploy bot' });
    expect(org.serviceAccounts()).toEqual([bot]);
    expect(bot.email).toMatch(/^deploy-bot-[a-z0-9]+@serviceaccount\.atlassian\.com$/);
  });
});
