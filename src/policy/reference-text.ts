/**
 * The prose of docs/policy.md that the schema cannot carry: the introduction, how files
 * combine, what is checked beyond the schema, and a full example. The key tables themselves are
 * generated from the schema (reference.ts), so this file never lists keys by hand.
 */

/** Defaults that are not a constant (the schema's `default` covers the rest). */
export const COMPUTED_DEFAULTS: Record<string, string> = {
  'rules[].sites': 'every online, non-sandbox site of the product',
  'rules[].neverActive.graceDays': 'the rule’s `inactiveDays`',
  'rules[].scope': 'everyone licensed',
  'exclude.accounts': 'none',
  'exclude.groups': 'none',
  'exclude.emailDomains': 'none',
  rules: 'none',
  exclude: 'the defaults below',
  limits: 'the defaults below',
  'rules[].neverActive': 'the defaults below',
  products: 'none (savings not shown)',
  'rules[].scope.groups': 'no group narrowing',
  'rules[].scope.emailDomains': 'no domain narrowing',
};

/** The SPEC §2 example: every key in use. A test checks that it is a valid policy. */
export const FULL_EXAMPLE = `version: 1
currency: USD
products:                      # optional per-product settings, keyed by product key
  jira-software: { monthlyCostPerUser: 8.60 }
  confluence:    { monthlyCostPerUser: 6.05 }

exclude:
  admins: true                 # default true
  serviceAccounts: true        # default true
  accounts:
    - { email: ceo@example.com, reason: Executive }
    - { accountId: 5b10ac8d82e05b22cc7d4ef5, reason: Break-glass account, until: 2027-06-30 }
  groups:
    - { name: license-policy-exempt, reason: Exempt on request }
  emailDomains:
    - { domain: partner.example, reason: Partner contract covers seats }

rules:
  - id: jira-inactive-30d      # kebab-case, unique; shown in plans and the audit
    description: Remove Jira licences from users inactive for 30 days
    product: jira-software
    sites: [acme.atlassian.net]  # optional; default every online, non-sandbox site
    inactiveDays: 30           # at least 7
    neverActive:
      include: true            # default true
      graceDays: 30            # default = inactiveDays; counted from the licence start
    noticeDays: 7              # default 7
    scope:                     # optional; narrows whom the rule considers
      groups: [contractors]
      emailDomains: [example.com]
      claimStatus: unmanaged   # managed | unmanaged | any (default any)
    allowCollateral: false     # default false
    action: remove-product-access   # or: suspend
    countApiTokenUse: true     # default true

  - id: confluence-keep-4500
    product: confluence
    keepAtMost: 4500           # after the other rules, remove the longest-inactive until <= 4500
    inactiveDays: 14           # floor: never remove anyone active in the last 14 days
    action: remove-product-access

limits:                        # all optional; defaults shown
  maxRemovals: 500
  maxRemovalsPercent: 10
  planTtlHours: 72
  activityLagHours: 24
  minActivityCoverage: 50
`;

export const INTRO = `Every \`*.yml\` / \`*.yaml\` file under the policy directory (default \`policies/\`, searched
recursively; names starting with a dot are skipped) is read, in path order, and the files form
one policy. Each file starts with \`version: 1\` and may hold any of the top-level keys below.

Start a file with

\`\`\`yaml
# yaml-language-server: $schema=../schema/policy.schema.json
\`\`\`

(the path relative to the file) and editors with the YAML language server offer completion and
show mistakes as you type. Check a policy locally with \`license-policy validate --policy DIR\`.`;

export const FILE_RULES = `- **Plain YAML, no coercion.** Values are read as YAML 1.2: \`30\` is a number, \`"30"\` is text,
  \`true\`/\`false\` are booleans (\`yes\`/\`no\` are text), \`2027-06-30\` is text. A value of the
  wrong type is an error, never converted: \`version: "1"\` is an error.
- **Unknown keys are errors**, with a suggestion when the key is close to a known one
  (\`inactivedays\` → \`inactiveDays\`) or belongs elsewhere (\`maxRemovals\` belongs under \`limits\`).
- **Refused files:** larger than 1 MiB; not UTF-8 (a byte-order mark is fine); empty, blank or
  only comments; more than one YAML document (\`---\`); duplicate keys in one mapping; aliases
  (\`*name\`) that expand a file by more than 10,000 values, or that name no anchor; YAML tags;
  merge keys (\`<<\`).
- **Across files:** rule ids are unique; \`currency\`, \`products\`, \`limits\`,
  \`exclude.admins\` and \`exclude.serviceAccounts\` are set in one file only; an account, group
  or email domain is excluded once; the exclusion lists and the rules of all files are combined.
- **Combinations that cannot be meant:** a site, scope group or scope domain listed twice in a
  rule; \`neverActive.graceDays\` while \`neverActive.include\` is false; two \`keepAtMost\` rules
  for the same product on the same site; a \`keepAtMost\` rule whose floor (\`inactiveDays\`) is
  not below that of a plain rule of the same product, sites and action that already removes
  everyone inactive that long (it could never remove anyone); a rule whose scope groups or
  domains are all excluded without an expiry date.
- **Checked at plan time, against the organisation:** product keys the organisation does not
  have, excluded or scoped groups and accounts that do not exist (the plan fails with exit
  code 2 and the policy's \`file:line:column\`), and exclusions past their \`until\` date or
  matching nobody (warnings in the plan).`;

export const ERRORS = `Every problem in every file is reported in one run, sorted by file, line and column, as
\`file:line:column: message\` — for YAML syntax errors and for schema errors on well-formed YAML
alike — and the exit code is 2. The position is that of the node to fix: the key for an
unknown key, the value for a wrong value, the mapping for a missing key. For example:

\`\`\`text
policies/jira.yml:12:5: unknown key "inactivedays" in rule "jira-inactive-30d" — did you mean "inactiveDays"?
policies/jira.yml:14:19: "inactiveDays" must be at least 7, not 3 — shorter windows mistake a holiday for leaving
policies/confluence.yml:3:9: rule id "jira-inactive-30d" is already used at policies/jira.yml:9:9 — rule ids must be unique across all policy files
\`\`\``;
