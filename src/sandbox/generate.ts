/**
 * The deterministic synthetic organisation of SPEC §10: by default 65,000 accounts, Jira
 * Software with 5,000 licensed seats and Confluence with ~4,800 on acme.atlassian.net, both
 * products on beta.atlassian.net, Jira Service Management and Jira Product Discovery on acme,
 * a sandbox (CHILD) site and an offline site that no rule governs by default.
 *
 * Every kind of account and access path the engine must handle is present: org, site and
 * product admins, service accounts, app accounts, suspended and deactivated users that still
 * sit in granting groups, hidden emails, managed and unmanaged accounts, IdP-synced groups, a
 * locked group, groups granting two products, direct grants (some beside a group grant),
 * inferred-only access, non-seat roles (guest, customer, contributor, user-access-admin), and
 * the entities the demo policy names (`license-policy-exempt`, `ceo@acme.example`,
 * `partner.example`).
 *
 * The activity of licensed seats follows a fixed spread on every product+site: 75% active
 * within 30 days, 15% last active 31–365 days ago, 5% longer ago, 5% never active (half of
 * them added to the org within the last 30 days). Categories are dealt exactly (a shuffled
 * deck, not independent draws), then a few seats are pinned (the CEO and partners inactive) by
 * swapping with another seat of the wanted category, so the counts stay exact.
 *
 * Same `users`, `seed` and `now` → the same org, byte for byte. All timestamps are relative to
 * `now`. Sizes scale with `users` (6,500 → 500 Jira licences), with small floors so that every
 * kind of entity exists even in tiny orgs.
 */
import { createOrgModel, type OrgModel, type UserRecord, type WorkspaceRecord } from './model.js';
import {
  createPrng,
  legacyAccountIdFrom,
  prefixedAccountIdFrom,
  uuidFrom,
  type Prng,
} from './prng.js';

export interface GenerateOptions {
  /** Total accounts (people, service and app accounts). Default 65,000. */
  users?: number;
  seed?: number;
  /** Timestamps are relative to this. Default: the clock. */
  now?: Date;
}

/** Names the generated org always contains (hosts, groups, demo-policy entities). */
export const SYNTHETIC_ORG = {
  hosts: {
    acme: 'acme.atlassian.net',
    beta: 'beta.atlassian.net',
    sandbox: 'acme-sandbox.atlassian.net',
    offline: 'legacy.atlassian.net',
  },
  groups: {
    jiraUsersAcme: 'jira-software-users-acme',
    jiraAdminsAcme: 'jira-administrators-acme',
    /** IdP-synced (externalSynced, managedBy external). */
    jiraIdpAcme: 'okta-jira-users',
    /** Grants Jira Software and Confluence on acme. */
    productTeam: 'acme-product-team',
    /** managementAccess.modifiable = false. */
    lockedJira: 'jira-legacy-access',
    confluenceUsersAcme: 'confluence-users-acme',
    confluenceAdminsAcme: 'confluence-administrators-acme',
    confluenceIdpAcme: 'okta-confluence-users',
    jsmAgentsAcme: 'jira-servicemanagement-users-acme',
    jpdCreatorsAcme: 'jira-product-discovery-users-acme',
    jpdContributorsAcme: 'jira-product-discovery-contributors-acme',
    jiraUsersBeta: 'jira-software-users-beta',
    confluenceUsersBeta: 'confluence-users-beta',
    jiraUsersSandbox: 'jira-software-users-acme-sandbox',
    jiraUsersOffline: 'jira-software-users-legacy',
    addons: 'atlassian-addons-admin',
    engineering: 'okta-engineering',
    /** The demo policy's exclusion group (grants nothing itself). */
    exempt: 'license-policy-exempt',
    /** Contractors directory. */
    contractorsJiraAcme: 'contractors-jira-acme',
    partnersJiraAcme: 'partner-jira-access',
    /** Contractors directory; grants Jira Software and Confluence on beta. */
    contractorsBeta: 'contractors-beta',
  },
  directories: { primary: 'Acme Corporation', contractors: 'Acme Contractors' },
  ceoEmail: 'ceo@acme.example',
  partnerDomain: 'partner.example',
  employeeDomain: 'acme.example',
} as const;

const DAY = 86_400_000;

const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Frances',
  'Edsger',
  'Radia',
  'Tim',
  'Katherine',
  'John',
  'Hedy',
  'Donald',
  'Shafi',
  'Leslie',
  'Sophie',
  'Guido',
  'Anita',
  'Bjarne',
  'Jean',
  'Niklaus',
  'Karen',
  'Vint',
  'Lynn',
  'Yukihiro',
  'Mary',
  'James',
  'Evelyn',
  'Rasmus',
  'Fran',
  'Brendan',
  'Carol',
  'Andrew',
  'Joan',
  'Larry',
  'Susan',
  'Martin',
  'Amara',
  'Kenji',
  'Priya',
  'Mateo',
  'Ingrid',
  'Tariq',
  'Mei',
  'Olu',
  'Zofia',
  'Diego',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Berners',
  'Johnson',
  'McCarthy',
  'Lamarr',
  'Knuth',
  'Goldwasser',
  'Lamport',
  'Wilson',
  'Rossum',
  'Borg',
  'Stroustrup',
  'Sammet',
  'Wirth',
  'Jones',
  'Cerf',
  'Conway',
  'Matsumoto',
  'Kenyon',
  'Gosling',
  'Boyd',
  'Lerdorf',
  'Bilas',
  'Eich',
  'Shaw',
  'Tanenbaum',
  'Clarke',
  'Page',
  'Kare',
  'Fowler',
  'Okafor',
  'Tanaka',
  'Sharma',
  'Garcia',
  'Larsen',
  'Haddad',
  'Chen',
  'Adeyemi',
  'Nowak',
  'Rivera',
];
const EXTERNAL_DOMAINS = [
  'mail.example',
  'inbox.example',
  'freelance.example',
  'consult.example',
  'example.net',
];
const CONTRACTOR_DOMAINS = ['northwind.example', 'globex.example', 'initech.example'];

type Kind = 'employee' | 'external' | 'contractor' | 'partner' | 'app' | 'service' | 'ceo';
type Category = 'active' | 'stale' | 'dormant' | 'neverNew' | 'neverOld';

/** Scaled count with a floor, so tiny orgs still hold every kind of entity. */
const scaler = (n: number) => (base: number, floor: number) =>
  Math.max(floor, Math.round(base * (n / 65_000)));

export function generateOrg(options: GenerateOptions = {}): OrgModel {
  const total = options.users ?? 65_000;
  if (!Number.isInteger(total) || total < 1000)
    throw new Error('generateOrg needs at least 1,000 users');
  const seed = options.seed ?? 1;
  const now = (options.now ?? new Date()).getTime();
  const prng = createPrng(seed);
  const sc = scaler(total);
  const G = SYNTHETIC_ORG.groups;
  const H = SYNTHETIC_ORG.hosts;

  const org = createOrgModel({
    seed,
    now: new Date(now),
    orgId: uuidFrom(prng),
    name: 'Acme Inc.',
    directory: { id: uuidFrom(prng), name: SYNTHETIC_ORG.directories.primary },
  });
  const primary = org.defaultDirectoryId;
  const contractorsDir = org.addDirectory({
    id: uuidFrom(prng),
    name: SYNTHETIC_ORG.directories.contractors,
  }).id;

  // ------------------------------------------------------------ workspaces
  const targets = {
    jiraAcme: sc(5000, 20),
    confAcme: sc(4800, 19),
    jsmAcme: sc(400, 5),
    jpdAcme: sc(60, 3),
    jiraBeta: sc(700, 6),
    confBeta: sc(500, 5),
    jiraSandbox: sc(150, 3),
    jiraOffline: sc(80, 3),
  };
  const ws = (
    product: string,
    host: string,
    capacity: number | null,
    extra: Partial<WorkspaceRecord> = {},
  ) =>
    org.addWorkspace({
      product,
      host,
      capacity,
      siteId: undefined,
      createdAt: now - 1500 * DAY,
      ...extra,
    });
  const jiraAcme = ws('jira-software', H.acme, targets.jiraAcme);
  const confAcme = ws('confluence', H.acme, sc(5000, 25));
  const jsmAcme = ws('jira-servicedesk', H.acme, sc(500, 10));
  const jpdAcme = ws('jira-product-discovery', H.acme, sc(100, 5));
  const jiraBeta = ws('jira-software', H.beta, sc(1000, 10));
  const confBeta = ws('confluence', H.beta, sc(600, 10));
  const jiraSandbox = ws('jira-software', H.sandbox, null, { sandbox: true });
  const jiraOffline = ws('jira-software', H.offline, sc(100, 5), { status: 'offline' });

  // ---------------------------------------------------------------- groups
  const grp = (
    name: string,
    grants: Array<[WorkspaceRecord, string[], string | null]>,
    extra: {
      directoryId?: string;
      externalSynced?: boolean;
      modifiable?: boolean;
      description?: string;
    } = {},
  ) =>
    org.addGroup({
      id: uuidFrom(prng),
      name,
      directoryId: extra.directoryId ?? primary,
      externalSynced: extra.externalSynced ?? false,
      modifiable: extra.modifiable,
      description: extra.description ?? null,
      deletable: !grants.some(([, , d]) => d !== null),
      grants: grants.map(([w, roles, defaultRole]) => ({ resourceId: w.id, roles, defaultRole })),
    }).id;
  const U = ['atlassian/user'];
  const groups = {
    jiraUsersAcme: grp(G.jiraUsersAcme, [[jiraAcme, U, 'atlassian/user']]),
    jiraAdminsAcme: grp(G.jiraAdminsAcme, [
      [jiraAcme, ['atlassian/admin', 'atlassian/user'], 'atlassian/admin'],
    ]),
    jiraIdpAcme: grp(G.jiraIdpAcme, [[jiraAcme, U, null]], {
      externalSynced: true,
      description: 'Synced from Okta',
    }),
    productTeam: grp(
      G.productTeam,
      [
        [jiraAcme, U, null],
        [confAcme, U, null],
      ],
      { description: 'Product managers and designers' },
    ),
    lockedJira: grp(G.lockedJira, [[jiraAcme, U, null]], {
      modifiable: false,
      description: 'Legacy access, managed by Atlassian',
    }),
    confUsersAcme: grp(G.confluenceUsersAcme, [[confAcme, U, 'atlassian/user']]),
    confAdminsAcme: grp(G.confluenceAdminsAcme, [
      [confAcme, ['atlassian/admin'], 'atlassian/admin'],
    ]),
    confIdpAcme: grp(G.confluenceIdpAcme, [[confAcme, U, null]], {
      externalSynced: true,
      description: 'Synced from Okta',
    }),
    jsmAgents: grp(G.jsmAgentsAcme, [[jsmAcme, U, 'atlassian/user']]),
    jpdCreators: grp(G.jpdCreatorsAcme, [[jpdAcme, U, 'atlassian/user']]),
    jpdContributors: grp(G.jpdContributorsAcme, [[jpdAcme, ['atlassian/contributor'], null]]),
    jiraUsersBeta: grp(G.jiraUsersBeta, [[jiraBeta, U, 'atlassian/user']]),
    confUsersBeta: grp(G.confluenceUsersBeta, [[confBeta, U, 'atlassian/user']]),
    jiraUsersSandbox: grp(G.jiraUsersSandbox, [[jiraSandbox, U, 'atlassian/user']]),
    jiraUsersOffline: grp(G.jiraUsersOffline, [[jiraOffline, U, 'atlassian/user']]),
    addons: grp(
      G.addons,
      [
        [jiraAcme, ['atlassian/admin'], null],
        [confAcme, U, null],
      ],
      { modifiable: false },
    ),
    engineering: grp(G.engineering, [], {
      externalSynced: true,
      description: 'Synced from Okta; grants nothing',
    }),
    exempt: grp(G.exempt, [], { description: 'People the licence policy must never touch' }),
    contractorsJiraAcme: grp(G.contractorsJiraAcme, [[jiraAcme, U, null]], {
      directoryId: contractorsDir,
    }),
    partnersJiraAcme: grp(G.partnersJiraAcme, [[jiraAcme, U, null]], {
      directoryId: contractorsDir,
    }),
    contractorsBeta: grp(
      G.contractorsBeta,
      [
        [jiraBeta, U, null],
        [confBeta, U, null],
      ],
      { directoryId: contractorsDir },
    ),
  };

  // -------------------------------------------------------------- accounts
  const counts: Record<Exclude<Kind, 'employee'>, number> = {
    app: sc(20, 3),
    service: sc(30, 4),
    partner: sc(120, 12),
    contractor: sc(2000, 30),
    ceo: 1,
    external: Math.round(total * 0.25),
  };
  const kinds: Kind[] = [];
  for (const [kind, n] of Object.entries(counts))
    for (let i = 0; i < n; i++) kinds.push(kind as Kind);
  while (kinds.length < total) kinds.push('employee');
  prng.shuffle(kinds);

  // Names are interned (2,500 combinations); emails count repeats per name and domain.
  const fullNames = FIRST.map((f) => LAST.map((l) => `${f} ${l}`));
  const emailBases = FIRST.map((f) => LAST.map((l) => `${f}.${l}`.toLowerCase()));
  const emailRepeats = new Map<string, Uint16Array>();
  const emailFor = (fi: number, li: number, domain: string): string => {
    let repeats = emailRepeats.get(domain);
    if (!repeats) emailRepeats.set(domain, (repeats = new Uint16Array(FIRST.length * LAST.length)));
    const n = repeats[fi * LAST.length + li]++;
    const base = emailBases[fi][li];
    return n === 0 ? `${base}@${domain}` : `${base}${n + 1}@${domain}`;
  };
  const pools: Record<Kind, UserRecord[]> = {
    employee: [],
    external: [],
    contractor: [],
    partner: [],
    app: [],
    service: [],
    ceo: [],
  };
  /** Billable people per kind (active account and membership): who can hold seats. */
  const billable: Record<Kind, UserRecord[]> = {
    employee: [],
    external: [],
    contractor: [],
    partner: [],
    app: [],
    service: [],
    ceo: [],
  };
  const nonBillableEmployees: UserRecord[] = [];

  for (const kind of kinds) {
    const fi = prng.int(0, FIRST.length - 1);
    const li = prng.int(0, LAST.length - 1);
    const accountId = prng.chance(0.4) ? legacyAccountIdFrom(prng) : prefixedAccountIdFrom(prng);
    if (kind === 'service') {
      const u = org.addServiceAccount({
        accountId: prefixedAccountIdFrom(prng),
        name: `${prng.pick(['Build', 'Sync', 'Backup', 'Report', 'Deploy', 'Triage'])} bot ${pools.service.length + 1}`,
        serviceAccountId: uuidFrom(prng),
        addedToOrg: now - prng.int(30, 900) * DAY,
      });
      pools.service.push(u);
      continue;
    }
    if (kind === 'app') {
      const u = org.addUser({
        accountId: legacyAccountIdFrom(prng),
        accountType: 'app',
        claimStatus: 'unmanaged',
        managementSource: null,
        name: `${prng.pick(['Tempo', 'Zephyr', 'Slack', 'GitHub', 'Miro', 'Draw.io', 'ScriptRunner'])} app ${pools.app.length + 1}`,
        email: null,
        emailVerified: false,
        addedToOrg: now - prng.int(100, 1500) * DAY,
      });
      pools.app.push(u);
      continue;
    }
    const domain =
      kind === 'employee' || kind === 'ceo'
        ? SYNTHETIC_ORG.employeeDomain
        : kind === 'partner'
          ? SYNTHETIC_ORG.partnerDomain
          : kind === 'contractor'
            ? prng.pick(CONTRACTOR_DOMAINS)
            : prng.pick(EXTERNAL_DOMAINS);
    const managed = domain === SYNTHETIC_ORG.employeeDomain;
    const roll = prng.next();
    let accountStatus: 'active' | 'inactive' | 'closed' = 'active';
    let membershipStatus: 'active' | 'suspended' | 'no_membership' = 'active';
    if (kind !== 'ceo') {
      const inactiveP = kind === 'employee' ? 0.04 : kind === 'partner' ? 0 : 0.025;
      if (roll < inactiveP) accountStatus = 'inactive';
      else if (roll < inactiveP + 0.003 && kind === 'external') accountStatus = 'closed';
      else if (roll < inactiveP + 0.018) membershipStatus = 'suspended';
      else if (roll < inactiveP + 0.021 && kind !== 'partner') membershipStatus = 'no_membership';
    }
    const hidden =
      kind !== 'ceo' && kind !== 'partner' && prng.chance(kind === 'external' ? 0.04 : 0.025);
    const u = org.addUser({
      accountId,
      directoryId: kind === 'contractor' || kind === 'partner' ? contractorsDir : primary,
      accountStatus,
      membershipStatus,
      claimStatus: managed ? 'managed' : 'unmanaged',
      managementSource: managed && prng.chance(0.3) ? 'synced' : 'invited',
      name: kind === 'ceo' ? 'Morgan Castellano' : fullNames[fi][li],
      nickname: kind === 'ceo' ? 'Morgan' : FIRST[fi],
      email: kind === 'ceo' ? SYNTHETIC_ORG.ceoEmail : hidden ? null : emailFor(fi, li, domain),
      emailVerified: true,
      mfaEnabled: prng.chance(managed ? 0.75 : 0.2),
      forDeletion: managed && accountStatus === 'inactive' && prng.chance(0.02),
      addedToOrg: now - 400 * DAY,
    });
    pools[kind].push(u);
    if (accountStatus === 'active' && membershipStatus === 'active') billable[kind].push(u);
    else if (kind === 'employee') nonBillableEmployees.push(u);
  }

  // ------------------------------------------------------------ seat deals
  /** Takes n users from a pool without replacement, skipping those `skip` rejects. */
  const taker = (pool: UserRecord[]) => {
    const order = prng.shuffle([...pool]);
    let i = 0;
    /** `upTo`: return fewer when the pool runs out instead of failing. */
    return (
      n: number,
      skip: (u: UserRecord) => boolean = () => false,
      upTo = false,
    ): UserRecord[] => {
      const out: UserRecord[] = [];
      while (out.length < n && i < order.length) {
        const u = order[i++];
        if (!skip(u)) out.push(u);
      }
      if (out.length < n && !upTo)
        throw new Error(`synthetic org: pool too small (${out.length}/${n})`);
      return out;
    };
  };
  const join = (groupId: string, u: UserRecord) => org.addMembership(groupId, u.accountId);
  const direct = (w: WorkspaceRecord, u: UserRecord, role = 'atlassian/user') =>
    org.grantRole(u.accountId, w.id, role, 'direct');

  const employees = taker(billable.employee);
  /** Prefers `pick` (e.g. people who already hold Jira), topping up from the other employees. */
  const preferring = (pick: ReturnType<typeof taker>) => (n: number) => {
    const first = pick(n, undefined, true);
    return [...first, ...employees(n - first.length)];
  };
  const ceo = pools.ceo[0];

  // Jira Software on acme: exactly targets.jiraAcme licensed seats.
  const partnersOnJira = billable.partner.slice(0, Math.min(billable.partner.length, sc(60, 6)));
  const contractorsOnJira = taker(billable.contractor)(sc(250, 5));
  const jiraEmployees = employees(
    targets.jiraAcme - 1 - partnersOnJira.length - contractorsOnJira.length,
  );
  for (const u of partnersOnJira) join(groups.partnersJiraAcme, u);
  for (const u of contractorsOnJira) join(groups.contractorsJiraAcme, u);
  join(groups.jiraUsersAcme, ceo);
  const productTeam: UserRecord[] = [];
  for (const u of jiraEmployees) {
    const r = prng.next();
    if (r < 0.56) join(groups.jiraUsersAcme, u);
    else if (r < 0.78) join(groups.jiraIdpAcme, u);
    else if (r < 0.81) {
      join(groups.jiraUsersAcme, u);
      join(groups.jiraIdpAcme, u);
    } else if (r < 0.89) {
      join(groups.productTeam, u);
      productTeam.push(u);
    } else if (r < 0.92) join(groups.lockedJira, u);
    else if (r < 0.96) direct(jiraAcme, u);
    else if (r < 0.98) {
      // A direct grant beside a group grant: removing the group alone would leave the seat.
      join(groups.jiraUsersAcme, u);
      direct(jiraAcme, u);
    } else if (r < 0.99) {
      join(groups.jiraAdminsAcme, u);
      join(groups.jiraUsersAcme, u);
    } else join(groups.jiraAdminsAcme, u);
  }

  // Confluence on acme: the product team already holds it; most others are Jira users too.
  const confNeeded = targets.confAcme - productTeam.length - 1;
  const inProductTeam = new Set(productTeam);
  const jiraOthers = taker(jiraEmployees.filter((u) => !inProductTeam.has(u)));
  const fromJira = jiraOthers(
    Math.min(Math.round(confNeeded * 0.85), jiraEmployees.length - productTeam.length),
  );
  const confOnly = employees(confNeeded - fromJira.length);
  join(groups.confUsersAcme, ceo);
  for (const u of [...fromJira, ...confOnly]) {
    const r = prng.next();
    if (r < 0.8) join(groups.confUsersAcme, u);
    else if (r < 0.9) join(groups.confIdpAcme, u);
    else if (r < 0.95) direct(confAcme, u);
    else if (r < 0.98) {
      join(groups.confUsersAcme, u);
      direct(confAcme, u);
    } else join(groups.confAdminsAcme, u);
  }

  // JSM agents, JPD creators, beta, sandbox and offline sites.
  const fromJiraFirst = preferring(jiraOthers);
  const jsm = [
    ...fromJiraFirst(Math.round(targets.jsmAcme * 0.7)),
    ...employees(targets.jsmAcme - Math.round(targets.jsmAcme * 0.7)),
  ];
  jsm.forEach((u, i) => (i % 10 === 9 ? direct(jsmAcme, u) : join(groups.jsmAgents, u)));
  for (const u of fromJiraFirst(targets.jpdAcme)) join(groups.jpdCreators, u);
  const onJiraAcme = new Set(contractorsOnJira);
  const betaContractors = taker(billable.contractor)(Math.round(targets.jiraBeta / 2), (u) =>
    onJiraAcme.has(u),
  );
  for (const u of betaContractors) join(groups.contractorsBeta, u);
  for (const u of employees(targets.jiraBeta - betaContractors.length))
    join(groups.jiraUsersBeta, u);
  for (const u of employees(Math.max(1, targets.confBeta - betaContractors.length)))
    join(groups.confUsersBeta, u);
  for (const u of fromJiraFirst(targets.jiraSandbox)) join(groups.jiraUsersSandbox, u);
  for (const u of employees(targets.jiraOffline)) join(groups.jiraUsersOffline, u);

  // Non-seat roles: JPD contributors, confluence guests, JSM customers, product user-access admins.
  for (const u of employees(sc(150, 5))) join(groups.jpdContributors, u);
  const externals = taker(billable.external);
  for (const u of externals(sc(300, 5))) direct(confAcme, u, 'atlassian/guest');
  for (const u of externals(sc(1500, 10))) direct(jsmAcme, u, 'atlassian/customer');
  for (const u of employees(2)) direct(jiraAcme, u, 'atlassian/user-access-admin');
  // Access reached only by an inferred assignment (the engine lists it as needs-review).
  for (const u of employees(sc(5, 2)))
    org.grantRole(u.accountId, jiraAcme.id, 'atlassian/user', 'inferred');
  // A group that grants nothing, with many members.
  for (const u of taker(billable.employee)(Math.min(sc(3000, 10), billable.employee.length)))
    join(groups.engineering, u);

  // People who still sit in granting groups but hold no seat: suspended and deactivated.
  const nonBillable = taker(nonBillableEmployees);
  for (const u of nonBillable(Math.min(sc(200, 4), nonBillableEmployees.length))) {
    join(prng.chance(0.6) ? groups.jiraUsersAcme : groups.confUsersAcme, u);
  }
  // App accounts reach products through the add-ons group; service accounts directly or by group.
  for (const u of pools.app) join(groups.addons, u);
  pools.service.forEach((u, i) => {
    if (i % 3 === 0) direct(jiraAcme, u);
    else if (i % 3 === 1) join(groups.jiraUsersAcme, u);
    if (i % 4 === 0) direct(confAcme, u);
  });

  // Admins: org admins (one licensed and long inactive), site admins, user-access admins.
  // Admins and exempt people come from plain default-group Jira users (not product admins, so the exclusion is what protects them).
  const jiraPlain = jiraEmployees.filter(
    (u) =>
      u.groups.length >= 1 &&
      u.groups.every((g) => g.id === groups.jiraUsersAcme || g.id === groups.confUsersAcme),
  );
  const adminPick = taker(jiraPlain);
  const orgAdmins = adminPick(3);
  for (const u of orgAdmins) org.setPlatformRoles(u.accountId, ['atlassian/org-admin']);
  for (const u of adminPick(sc(4, 2))) org.setPlatformRoles(u.accountId, ['atlassian/site-admin']);
  for (const u of employees(2)) org.setPlatformRoles(u.accountId, ['atlassian/user-access-admin']);

  // The demo policy's exclusion group: licensed Jira users, half of them inactive.
  const exemptMembers = adminPick(sc(8, 4));
  for (const u of exemptMembers) join(groups.exempt, u);

  // ------------------------------------------------------------- activity
  const governed = [
    jiraAcme,
    confAcme,
    jsmAcme,
    jpdAcme,
    jiraBeta,
    confBeta,
    jiraSandbox,
    jiraOffline,
  ];
  const deck = new Map<string, Deck>();
  for (const w of governed) deck.set(w.id, dealCategories(org.licensedUsers(w.id), prng));
  const pin = (w: WorkspaceRecord, u: UserRecord, category: Category) => {
    const d = deck.get(w.id) as Deck;
    swapInto(d, u, category, (v) => !d.pinned.has(v), prng);
    d.pinned.add(u);
  };
  pin(jiraAcme, ceo, 'stale');
  pin(confAcme, ceo, 'stale');
  partnersOnJira.forEach((u, i) =>
    pin(jiraAcme, u, i % 5 < 2 ? 'active' : i % 5 === 4 ? 'dormant' : 'stale'),
  );
  exemptMembers.forEach((u, i) => pin(jiraAcme, u, i % 2 === 0 ? 'stale' : 'active'));
  pin(jiraAcme, orgAdmins[0], 'dormant');
  // Pinned people joined long ago: none of their other seats may be "never active, new".
  const pinnedUsers = new Set([ceo, ...partnersOnJira, ...exemptMembers, orgAdmins[0]]);
  for (const d of deck.values()) {
    d.users.forEach((u, i) => {
      if (pinnedUsers.has(u) && d.cats[i] === 'neverNew' && !d.pinned.has(u)) {
        swapInto(d, u, 'active', (v) => !d.pinned.has(v), prng);
      }
    });
  }

  // A user added within 30 days cannot have been active long ago elsewhere: make their other seats active.
  const newcomers = new Set<UserRecord>();
  for (const d of deck.values())
    d.users.forEach((u, i) => d.cats[i] === 'neverNew' && newcomers.add(u));
  for (const d of deck.values()) {
    d.users.forEach((u, i) => {
      const c = d.cats[i];
      if (!newcomers.has(u) || c === 'active' || c === 'neverNew') return;
      swapInto(d, u, 'active', (v) => !newcomers.has(v) && !d.pinned.has(v), prng);
    });
  }

  // Timestamps: newcomers first get their join date; their activity falls after it.
  const joined = new Map<UserRecord, number>();
  for (const u of newcomers) joined.set(u, now - prng.int(1, 29) * DAY - prng.int(0, DAY - 1));
  const earliest = new Map<UserRecord, number>();
  const neverOld = new Set<UserRecord>();
  for (const [resourceId, d] of deck) {
    let unknownLeft = resourceId === jsmAcme.id ? sc(3, 1) : 0;
    for (let i = 0; i < d.users.length; i++) {
      const u = d.users[i];
      const c = d.cats[i];
      if (c === 'neverNew') continue;
      if (c === 'neverOld') {
        neverOld.add(u);
        continue;
      }
      let at: number;
      if (c === 'active') {
        const from = joined.get(u) ?? now - 29 * DAY;
        at = from + Math.floor(prng.next() * (now - from));
        if (unknownLeft > 0) {
          unknownLeft--;
          org.setActivity(u.accountId, resourceId, null);
          continue;
        }
      } else if (c === 'stale') at = now - prng.int(31, 364) * DAY - prng.int(0, DAY - 1);
      else at = now - prng.int(366, 1100) * DAY - prng.int(0, DAY - 1);
      if (u === ceo) at = now - 190 * DAY - 3 * 3_600_000;
      org.setActivity(u.accountId, resourceId, at);
      earliest.set(u, Math.min(earliest.get(u) ?? at, at));
    }
  }
  // Old activity of people who no longer hold the product, and of service accounts.
  for (const u of nonBillable(
    Math.min(sc(60, 2), Math.max(0, nonBillableEmployees.length - sc(200, 4))),
  )) {
    const at = now - prng.int(40, 600) * DAY;
    org.setActivity(u.accountId, jiraAcme.id, at);
    earliest.set(u, at);
  }
  for (const u of employees(sc(1500, 5))) {
    const at = now - prng.int(60, 900) * DAY;
    org.setActivity(u.accountId, prng.chance(0.7) ? jiraAcme.id : confAcme.id, at);
    earliest.set(u, at);
  }
  for (const u of pools.service) {
    if (org.holds(u, [jiraAcme.id], null)) {
      const at = now - prng.int(0, 3) * DAY - prng.int(0, DAY - 1);
      org.setActivity(u.accountId, jiraAcme.id, at);
      earliest.set(u, at);
    }
  }

  // addedToOrg: newcomers within 30 days; everyone else before their first activity.
  for (const kind of ['employee', 'external', 'contractor', 'partner', 'ceo'] as const) {
    for (const u of pools[kind]) {
      let added: number;
      const join0 = joined.get(u);
      if (join0 !== undefined) added = join0;
      else {
        const first = earliest.get(u);
        added =
          first !== undefined ? first - prng.int(1, 700) * DAY : now - prng.int(30, 2500) * DAY;
        if (neverOld.has(u)) added = Math.min(added, now - prng.int(60, 900) * DAY);
        if (u === ceo) added = now - 2900 * DAY;
      }
      org.updateUser(u.accountId, { addedToOrg: added - prng.int(0, DAY - 1) });
    }
  }

  // API tokens of managed accounts: some dormant product users still use the API every week.
  const jiraDeck = deck.get(jiraAcme.id) as Deck;
  for (const u of pools.employee) {
    const at = jiraDeck.position.get(u);
    const stale = at !== undefined && jiraDeck.cats[at] === 'stale';
    if (!(stale ? prng.chance(0.05) : prng.chance(0.03))) continue;
    const recent = stale || prng.chance(0.5);
    org.addApiToken(u.accountId, {
      id: uuidFrom(prng),
      label: prng.pick(['CLI', 'Reporting script', 'IDE plugin', 'CI pipeline']),
      createdAt: now - prng.int(200, 700) * DAY,
      expiry: now + prng.int(10, 300) * DAY,
      lastAccess: recent
        ? now - prng.int(0, 6) * DAY - prng.int(0, DAY - 1)
        : prng.chance(0.6)
          ? now - prng.int(60, 400) * DAY
          : null,
    });
  }
  for (const u of pools.service) {
    org.addApiToken(u.accountId, {
      id: uuidFrom(prng),
      label: 'Automation',
      createdAt: now - prng.int(100, 500) * DAY,
      expiry: now + prng.int(30, 365) * DAY,
      lastAccess: now - prng.int(0, 2) * DAY,
    });
  }
  return org;
}

/** The activity categories of one product+site's seats. */
interface Deck {
  users: readonly UserRecord[];
  cats: Category[];
  position: Map<UserRecord, number>;
  /** Seats whose category was chosen on purpose: never swapped away. */
  pinned: Set<UserRecord>;
}

/**
 * Deals the activity categories to the seats of one product+site: exact shares (75/15/5/5,
 * the never-active half new and half old), shuffled.
 */
function dealCategories(seats: readonly UserRecord[], prng: Prng): Deck {
  const n = seats.length;
  const active = Math.round(n * 0.75);
  const stale = Math.round(n * 0.15);
  const dormant = Math.round(n * 0.05);
  const never = n - active - stale - dormant;
  const neverNew = Math.floor(never / 2);
  const cards: Category[] = [
    ...Array<Category>(active).fill('active'),
    ...Array<Category>(stale).fill('stale'),
    ...Array<Category>(dormant).fill('dormant'),
    ...Array<Category>(neverNew).fill('neverNew'),
    ...Array<Category>(never - neverNew).fill('neverOld'),
  ];
  prng.shuffle(cards);
  return {
    users: seats,
    cats: cards,
    position: new Map(seats.map((u, i) => [u, i])),
    pinned: new Set(),
  };
}

/** Gives `user` the category by swapping with another seat that holds it (counts stay exact). */
function swapInto(
  deck: Deck,
  user: UserRecord,
  category: Category,
  eligible: (other: UserRecord) => boolean,
  prng: Prng,
): void {
  const at = deck.position.get(user);
  if (at === undefined) throw new Error(`synthetic org: ${user.accountId} holds no seat here`);
  const current = deck.cats[at];
  if (current === category) return;
  // Scan from a random seat, so the partner is random but the cost is a few steps.
  const n = deck.users.length;
  const start = prng.int(0, n - 1);
  for (let k = 0; k < n; k++) {
    const j = (start + k) % n;
    if (j === at || deck.cats[j] !== category || !eligible(deck.users[j])) continue;
    deck.cats[j] = current;
    deck.cats[at] = category;
    return;
  }
}
