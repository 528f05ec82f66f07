/**
 * Renders the starter policy: a commented YAML file written for an Atlassian admin who has never
 * seen this product. Pure (survey in, text out) and deterministic: the same survey and options
 * give the same bytes.
 *
 * Everything the organisation supplies (names, hosts) goes into comments only, stripped of line
 * breaks, except product keys and site hosts, which are written as values only when they match
 * the schema's patterns (so they are plain YAML scalars that need no quoting).
 */
import { KEBAB_CASE, SITE_PATTERN } from '../policy/schema.js';
import { PRODUCT_ADMIN_ROLE, SEAT_ROLES } from '../snapshot/types.js';
import { RULE_ID_MAX, STARTER_LIMITS, STARTER_RULE } from './starter-choices.js';
import type { OrgSurvey, SurveyGroup, SurveyResource } from './survey.js';

export interface RenderOptions {
  /** The day the file is written, `YYYY-MM-DD` (shown in the header). */
  generatedOn: string;
  /** Where editors find the schema, relative to the written file (or a URL). */
  schemaRef: string;
  /** The policy directory to name in the `validate` hint. Default `policies`. */
  policyDir?: string;
}

const WIDTH = 100;
const KEBAB = new RegExp(KEBAB_CASE);
const SITE = new RegExp(SITE_PATTERN);
const SEATS = new Set(SEAT_ROLES);

const PRODUCT_NAMES: Record<string, string> = {
  'jira-software': 'Jira',
  'jira-servicedesk': 'Jira Service Management',
  'jira-product-discovery': 'Jira Product Discovery',
  'jira-core': 'Jira Work Management',
  confluence: 'Confluence',
  compass: 'Compass',
  loom: 'Loom',
  trello: 'Trello',
  opsgenie: 'Opsgenie',
  statuspage: 'Statuspage',
  bitbucket: 'Bitbucket',
};

export function productName(product: string): string {
  return PRODUCT_NAMES[product] ?? product;
}

/** Control characters and line separators: anything that could end a comment line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_BREAKING = /[\u0000-\u001f\u007f\u2028\u2029]+/g;

/** Text from the organisation, safe inside a one-line comment. */
function clean(text: string): string {
  return text.replace(LINE_BREAKING, ' ').replace(/ {2,}/g, ' ').trim();
}

function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Word-wraps prose into `# ` comment lines at `indent`; `hang` indents every line but the first. */
function prose(text: string, indent = '', hang = ''): string[] {
  const lines: string[] = [];
  let prefix = `${indent}# `;
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && prefix.length + line.length + 1 + word.length > WIDTH) {
      lines.push(prefix + line);
      prefix = `${indent}# ${hang}`;
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(prefix + line);
  return lines;
}

/** A `- ` list item, continued under its text. */
const bullet = (text: string): string[] => prose(`- ${text}`, '', '  ');

/** Comment lines holding a table with aligned columns (the last column is not padded). */
function table(rows: string[][], indent = '', gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  return rows.map((row) => {
    const cells = row.map((cell, i) => {
      if (i === row.length - 1) return cell;
      const numeric = /^[\d,]+$|^-$/.test(cell) && i > 0;
      return numeric ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
    });
    return `${indent}#   ${cells.join(' '.repeat(gap))}`.trimEnd();
  });
}

function statusOf(r: SurveyResource): string {
  return r.sandbox ? 'sandbox' : r.status;
}

const isGovernedByDefault = (r: SurveyResource) => r.status === 'online' && !r.sandbox;

function resourceLabel(r: SurveyResource): string {
  return `${r.product} on ${clean(r.site)}`;
}

function roleName(role: string): string {
  return role.startsWith('atlassian/') ? role.slice('atlassian/'.length) : role;
}

interface ProductPlan {
  product: string;
  resources: SurveyResource[];
  /** The online, non-sandbox sites: what the rule governs. */
  governed: SurveyResource[];
  seats: number;
  governedSeats: number;
}

function productPlans(survey: OrgSurvey): ProductPlan[] {
  const byProduct = new Map<string, SurveyResource[]>();
  for (const r of survey.resources) {
    byProduct.set(r.product, [...(byProduct.get(r.product) ?? []), r]);
  }
  return [...byProduct.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([product, resources]) => {
      const governed = resources.filter(isGovernedByDefault);
      return {
        product,
        resources,
        governed,
        seats: resources.reduce((n, r) => n + r.seats, 0),
        governedSeats: governed.reduce((n, r) => n + r.seats, 0),
      };
    });
}

function ruleIdFor(product: string, used: Set<string>): string {
  const suffix = `-inactive-${STARTER_RULE.inactiveDays}d`;
  const stem = product.slice(0, RULE_ID_MAX - suffix.length - 3).replace(/-+$/, '');
  let id = `${stem}${suffix}`;
  for (let n = 2; used.has(id); n++) id = `${stem}${suffix}-${n}`;
  used.add(id);
  return id;
}

// --- sections -----------------------------------------------------------------------------------

function header(survey: OrgSurvey, options: RenderOptions): string[] {
  const org = survey.orgName
    ? `${clean(survey.orgName)} (organisation ${clean(survey.orgId)})`
    : `organisation ${clean(survey.orgId)}`;
  const dir = options.policyDir ?? 'policies';
  return [
    `# yaml-language-server: $schema=${options.schemaRef}`,
    '#',
    ...prose(
      `Starter licence policy for ${org}, written by \`license-policy init\` on ` +
        `${options.generatedOn} from what the organisation holds today.`,
    ),
    '#',
    ...prose(
      'Nothing in this file removes anyone by itself. A run turns it into a plan that lists ' +
        'every licence it would remove, and why; with the GitHub Action, the plan is a pull ' +
        'request. Only applying a reviewed plan (merging that pull request after an approving ' +
        'review) removes anything, and each removal is checked again against fresh data first.',
    ),
    '#',
    ...prose(
      'Every choice below is deliberately cautious. Read the comments, change what does not fit ' +
        `your organisation, and check the file with: license-policy validate --policy ${dir}`,
    ),
    ...prose(
      'Every key is described in the policy reference (docs/policy.md of ' +
        'atlassian-license-policy). The first line lets editors with the YAML language server ' +
        'check this file as you type; it expects a copy of schema/policy.schema.json from ' +
        'atlassian-license-policy at that path.',
    ),
    ...(survey.warnings.length > 0
      ? [
          '#',
          '# Notes from reading the organisation:',
          ...survey.warnings.flatMap((w) => bullet(clean(w))),
        ]
      : []),
    'version: 1',
  ];
}

function inventory(survey: OrgSurvey): string[] {
  if (survey.resources.length === 0) {
    return [
      ...prose(
        'No products were found: the API key sees no workspaces. This file has no rules; add ' +
          'them once the organisation has products (run license-policy init again).',
      ),
    ];
  }
  const rows = [['product', 'site', 'status', 'seats', 'capacity', '']];
  for (const r of survey.resources) {
    const notes: string[] = [];
    if (!isGovernedByDefault(r)) notes.push(`${statusOf(r)}: left alone`);
    if (r.nonHumanHolders > 0) {
      notes.push(`+${count(r.nonHumanHolders)} service/app accounts (not billed)`);
    }
    rows.push([
      r.product,
      clean(r.site),
      statusOf(r),
      count(r.seats),
      r.capacity === null ? '-' : count(r.capacity),
      notes.join('; '),
    ]);
  }
  return [
    ...prose(
      'What the organisation holds today. A seat is what Atlassian bills for: a person (an active ' +
        'Atlassian account, not a service or app account) with the user or admin role on a ' +
        'product on a site. Capacity is the licence tier, when Atlassian reports it.',
    ),
    '#',
    ...table(rows),
    '#',
    ...prose(
      'Rules govern online sites. Sandbox, offline and deprecated sites are left alone unless a ' +
        'rule names them under `sites`.',
    ),
  ];
}

function savings(plans: ProductPlan[]): string[] {
  const keys = plans.map((p) => p.product).filter((p) => KEBAB.test(p));
  return [
    ...prose(
      'Savings. Plans can show what removals save each month at list price. Put in what you pay ' +
        'per user per month for each product and remove the # in front of these lines; without ' +
        'prices, plans count seats only.',
    ),
    '# currency: USD',
    ...(keys.length > 0
      ? ['# products:', ...keys.map((k) => `#   ${k}: { monthlyCostPerUser: 0.00 }`)]
      : []),
  ];
}

function exclusions(survey: OrgSurvey): string[] {
  const a = survey.admins;
  const kinds: string[] = [];
  const roleCount = a.orgAdmins + a.siteAdmins + a.userAccessAdmins + a.productAdminsOnly;
  if (a.orgAdmins > 0) kinds.push(plural(a.orgAdmins, 'organisation admin'));
  if (a.siteAdmins > 0) kinds.push(plural(a.siteAdmins, 'site admin'));
  if (a.userAccessAdmins > 0) kinds.push(plural(a.userAccessAdmins, 'user-access admin'));
  if (a.productAdminsOnly > 0) {
    kinds.push(`${plural(a.productAdminsOnly, 'product admin')} without another admin role`);
  }
  const adminText =
    a.total === 0
      ? 'Admins: no account with an admin role was found.'
      : `Admins: ${plural(a.total, 'account')} with an admin role ` +
        `(${listInWords(kinds)}${roleCount > a.total ? '; some hold more than one' : ''}); ` +
        `${count(a.licensed)} of them hold a licence.`;

  const s = survey.serviceAccounts;
  const found =
    s.listed === null
      ? `${plural(s.withAccess, 'service account')} with product access (recognised by their ` +
        'email, because the service-accounts API was not available to this key)'
      : `${plural(s.listed, 'service account')} found, ${count(s.withAccess)} of them with ` +
        'product access';
  const apps =
    s.appAccountsWithAccess > 0
      ? `, and ${plural(s.appAccountsWithAccess, 'app account')} with product access`
      : '';

  return [
    ...prose(
      'Exclusions win over every rule: anyone they match is listed in the plan as protected, ' +
        'with the reason, and is never removed.',
    ),
    'exclude:',
    ...prose(
      `${adminText} Keeping every admin's access means the policy can never lock you out of ` +
        'administering your own products. Set this to false only if you are sure.',
      '  ',
    ),
    '  admins: true',
    ...prose(
      `Service accounts: ${found}${apps}. They are not people and never open a page, so ` +
        '"inactive" means nothing for them, and Atlassian does not bill for service accounts. ' +
        'This also covers every account type other than a person (apps).',
      '  ',
    ),
    '  serviceAccounts: true',
    ...prose(
      'To keep named people, groups or email domains, add them with a reason (shown in plans and ' +
        'in the audit); `until` makes an exclusion expire. A name that does not exist in the ' +
        'organisation fails the plan, so a typo can never silently protect nobody.',
      '  ',
    ),
    '  # accounts:',
    '  #   - { email: someone@example.com, reason: On leave until June, until: 2027-06-30 }',
    '  # groups:',
    '  #   - { name: licence-exempt, reason: Exempt on request }',
    '  # emailDomains:',
    '  #   - { domain: partner.example, reason: Partner contract covers these seats }',
  ];
}

function legend(): string[] {
  return [
    ...prose(
      'How a licence is removed: the plan takes the person out of every group that grants the ' +
        'product on that site, and revokes the role if it was given to them directly. It never ' +
        'deactivates or deletes an account, and never touches their other products. Removing ' +
        'someone from a group takes away everything the group grants, so for each product the ' +
        'groups that grant it are listed below, with these flags:',
    ),
    '#   [IdP-synced]   synced from your identity provider: its members are changed there, so the',
    '#                  plan lists these removals as needs-idp-change, for your IdP team.',
    '#   [locked]       its members cannot be changed through the API (not modifiable): the plan',
    '#                  lists these removals as needs-manual, to be done by hand.',
    '#   [also grants]  grants other products or sites too: the plan skips removals through it',
    '#                  (skipped-collateral) unless the rule sets allowCollateral: true. A group',
    '#                  listed with more than one site is the same case.',
    '#   [admin role]   grants the product admin role: admins are protected by exclude.admins.',
  ];
}

function groupLines(plan: ProductPlan, survey: OrgSurvey): string[] {
  const ids = new Set(plan.resources.map((r) => r.id));
  const resourcesById = new Map(survey.resources.map((r) => [r.id, r]));
  const dirNames = new Map(survey.directories.map((d) => [d.id, d.name]));
  const manyDirectories = survey.directories.length > 1;
  const granting = survey.groups.filter((g) =>
    g.grants.some((gr) => ids.has(gr.resourceId) && gr.roles.some((role) => SEATS.has(role))),
  );
  const lines: string[] = [];
  if (granting.length === 0) {
    lines.push(
      ...prose(
        'No group grants it: every seat is a direct grant, which the plan revokes per person.',
        '  ',
      ),
    );
  } else {
    lines.push(
      manyDirectories
        ? '  # Groups that grant it (name, site: roles, members, directory, flags):'
        : '  # Groups that grant it (name, site: roles, members, flags):',
    );
    const rows = granting.map((g) => groupRow(g, ids, resourcesById, dirNames, manyDirectories));
    lines.push(...table(rows, '  '));
  }
  const nonSeat = survey.nonSeatGroupsByProduct[plan.product] ?? 0;
  if (nonSeat > 0) {
    lines.push(
      ...prose(
        `${plural(nonSeat, 'more group')} ${nonSeat === 1 ? 'grants' : 'grant'} only roles ` +
          'that hold no licence (guest, customer, contributor, ...): the policy never touches them.',
        '  ',
      ),
    );
  }
  return lines;
}

function groupRow(
  g: SurveyGroup,
  productIds: ReadonlySet<string>,
  resourcesById: ReadonlyMap<string, SurveyResource>,
  dirNames: ReadonlyMap<string, string>,
  manyDirectories: boolean,
): string[] {
  const here = g.grants
    .filter((gr) => productIds.has(gr.resourceId))
    .map((gr) => {
      const r = resourcesById.get(gr.resourceId);
      return `${r ? clean(r.site) : clean(gr.resourceId)}: ${gr.roles.map(roleName).join('+')}`;
    });
  const elsewhere = g.grants
    .filter((gr) => !productIds.has(gr.resourceId))
    .map((gr) => {
      const r = resourcesById.get(gr.resourceId);
      return r ? resourceLabel(r) : clean(gr.resourceId);
    });
  const flags: string[] = [];
  if (g.idpSynced) flags.push('[IdP-synced]');
  // An IdP-synced group is changed in the IdP whatever its lock says (the plan's own order).
  else if (g.locked) flags.push('[locked]');
  if (elsewhere.length > 0) flags.push(`[also grants ${elsewhere.join(', ')}]`);
  if (g.grants.some((gr) => gr.roles.includes(PRODUCT_ADMIN_ROLE))) flags.push('[admin role]');
  return [
    clean(g.name),
    here.join(', '),
    g.members === null ? '' : plural(g.members, 'member'),
    ...(manyDirectories ? [clean(dirNames.get(g.directoryId) ?? g.directoryId)] : []),
    flags.join(' '),
  ];
}

/** The rule's settings with a comment on each, for the first rule of the file. */
function explainedSettings(name: string): string[] {
  return [
    ...prose(
      `Removable after ${STARTER_RULE.inactiveDays} days without using ${name} on that site ` +
        '(plus activityLagHours below, because activity data can be a day late).',
      '    ',
    ),
    `    inactiveDays: ${STARTER_RULE.inactiveDays}`,
    '    neverActive:',
    ...prose(
      'People who hold the licence but never used it become removable once they have held it ' +
        `for ${STARTER_RULE.graceDays} days. Atlassian does not say when a licence was given, so ` +
        'for the licences that exist at the first run the day the person joined the organisation ' +
        'is used (the plan says so); a licence given later counts from the first run that sees it.',
      '      ',
    ),
    '      include: true',
    `      graceDays: ${STARTER_RULE.graceDays}`,
    ...prose(
      `The plan lists people who become removable within ${STARTER_RULE.noticeDays} days, so ` +
        'you can warn them first.',
      '    ',
    ),
    `    noticeDays: ${STARTER_RULE.noticeDays}`,
    ...prose('Never take away another product or site through a group that grants both.', '    '),
    '    allowCollateral: false',
    ...prose(
      `Removes ${name} on these sites only; the account and its other products stay. ` +
        '(`suspend` would remove every product at once.)',
      '    ',
    ),
    '    action: remove-product-access',
  ];
}

/** The same settings for the following rules: the first rule's comments explain them. */
function briefSettings(): string[] {
  return [
    '    # The same cautious settings as the first rule; its comments explain each one.',
    `    inactiveDays: ${STARTER_RULE.inactiveDays}`,
    '    neverActive:',
    '      include: true',
    `      graceDays: ${STARTER_RULE.graceDays}`,
    `    noticeDays: ${STARTER_RULE.noticeDays}`,
    '    allowCollateral: false',
    '    action: remove-product-access',
  ];
}

function ruleFor(
  plan: ProductPlan,
  survey: OrgSurvey,
  usedIds: Set<string>,
  first: boolean,
): string[] {
  const name = productName(plan.product);
  const sites = plan.governed.map((r) => r.site);
  const canNameSites = sites.every((s) => SITE.test(s)) && new Set(sites).size === sites.length;
  const siteWords = plan.governed.map((r) => `${clean(r.site)} (${count(r.seats)})`);
  const lines = [
    `  # ${'-'.repeat(WIDTH - 4)}`,
    ...prose(
      `${name} (${plan.product}): ${plural(plan.governedSeats, 'seat')} on ` +
        `${plural(plan.governed.length, 'online site')}: ${listInWords(siteWords)}.`,
      '  ',
    ),
    ...groupLines(plan, survey),
    `  - id: ${ruleIdFor(plan.product, usedIds)}`,
    `    description: Remove ${name} from people who have not used it for ${STARTER_RULE.inactiveDays} days`,
    `    product: ${plan.product}`,
  ];
  if (canNameSites) {
    lines.push(
      ...(first
        ? prose(
            'The online sites found today. A site added later is not governed until you add it here.',
            '    ',
          )
        : []),
      `    sites: [${sites.join(', ')}]`,
    );
  } else {
    lines.push(
      ...prose(
        'No `sites`: some site has no host name that can be written here, so the rule governs ' +
          'every online, non-sandbox site of this product, including sites added later.',
        '    ',
      ),
    );
  }
  lines.push(...(first ? explainedSettings(name) : briefSettings()));
  return lines;
}

function rules(plans: ProductPlan[], survey: OrgSurvey): string[] {
  const withRule = plans.filter((p) => KEBAB.test(p.product) && p.governedSeats > 0);
  const skipped: string[] = [];
  for (const p of plans) {
    if (withRule.includes(p)) continue;
    const label = `${productName(p.product)} (${clean(p.product)})`;
    if (!KEBAB.test(p.product)) {
      skipped.push(
        `${label}: its product key is not a lower-case kebab-case name, so a rule cannot name it.`,
      );
    } else if (p.seats > 0) {
      const where = p.resources
        .filter((r) => r.seats > 0)
        .map((r) => `${clean(r.site)} (${statusOf(r)})`);
      skipped.push(
        `${label}: seats only on sites left alone (${where.join(', ')}); to govern one, add a rule ` +
          'that names it under `sites`.',
      );
    } else {
      skipped.push(`${label}: no seats today.`);
    }
  }
  const lines: string[] = [];
  if (withRule.length > 0) {
    lines.push(
      ...legend(),
      '#',
      ...prose(
        `One cautious rule per product that has seats: remove it from people who have not used ` +
          `it for ${STARTER_RULE.inactiveDays} days. Add stricter rules (shorter windows, ` +
          '`scope` for contractors, `keepAtMost` to stay under a tier) once the first plans ' +
          'look right.',
      ),
      'rules:',
    );
    const used = new Set<string>();
    withRule.forEach((plan, i) => lines.push(...ruleFor(plan, survey, used, i === 0)));
  }
  if (skipped.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('# No rule was written for:', ...skipped.flatMap(bullet));
  }
  return lines;
}

function limits(): string[] {
  const l = STARTER_LIMITS;
  return [
    ...prose(
      'Safety limits on every plan. A plan over a limit is still proposed so that you can read ' +
        'it, but it is marked blocked and apply refuses it. The first two start well below the ' +
        'defaults (500 and 10%) on purpose, so a first plan may well be blocked: read its list, ' +
        'and if it is right, raise them here in a reviewed change (or put the override label on ' +
        'that plan pull request).',
    ),
    'limits:',
    `  maxRemovals: ${l.maxRemovals} # removals in one plan, all products together`,
    ...prose(
      'Percent of the seats of one product on one site, per plan (sites under 50 seats are exempt).',
      '  ',
    ),
    `  maxRemovalsPercent: ${l.maxRemovalsPercent}`,
    `  planTtlHours: ${l.planTtlHours} # a plan older than this is refused at apply: its data is stale`,
    `  activityLagHours: ${l.activityLagHours} # added to every threshold: activity data can be a day late`,
    ...prose(
      `If fewer than ${l.minActivityCoverage}% of the seats of a product on a site have any ` +
        'activity data, that product and site is blocked: missing data must never read as ' +
        '"never active".',
      '  ',
    ),
    `  minActivityCoverage: ${l.minActivityCoverage}`,
  ];
}

/** The starter policy file's text (LF line endings, final newline). */
export function renderStarterPolicy(survey: OrgSurvey, options: RenderOptions): string {
  const plans = productPlans(survey);
  const sections = [
    header(survey, options),
    inventory(survey),
    savings(plans),
    exclusions(survey),
    rules(plans, survey),
    limits(),
  ].filter((s) => s.length > 0);
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
