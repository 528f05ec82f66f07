/**
 * The policy file format (SPEC §2) as a JSON Schema, draft 2020-12. This object is the single
 * source of truth: the loader validates with it, `schema/policy.schema.json` (what editors read)
 * and `docs/policy.md` are generated from it, so none of them can drift.
 *
 * Closed everywhere: every object either lists its keys with `additionalProperties: false` or,
 * for maps keyed by product, constrains both the key names and the values. Values are never
 * coerced, so `version: "1"` is an error.
 */

/** The subset of JSON Schema this file uses; typed so the generators can walk it. */
export interface SchemaNode {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: false | SchemaNode;
  propertyNames?: SchemaNode;
  minProperties?: number;
  items?: SchemaNode;
  minItems?: number;
  enum?: readonly string[];
  const?: number;
  pattern?: string;
  format?: 'date' | 'email';
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
  examples?: unknown[];
  anyOf?: SchemaNode[];
  not?: SchemaNode;
}

export const POLICY_VERSION = 1;
/** Shorter inactivity windows mistake a holiday for leaving. */
export const MIN_INACTIVE_DAYS = 7;
export const DEFAULT_NOTICE_DAYS = 7;
export const DEFAULT_CURRENCY = 'USD';

export const KEBAB_CASE = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$';
/** A host name (any case; stored lower-cased) or a bare workspace id. */
export const SITE_PATTERN =
  '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$';
/** A DNS domain with at least two labels (any case; stored lower-cased). */
export const DOMAIN_PATTERN =
  '^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$';
/** Atlassian's documented account id alphabet: `[a-zA-Z0-9_|-:]{1,128}`. */
export const ACCOUNT_ID_PATTERN = '^[A-Za-z0-9_|:-]{1,128}$';
export const CURRENCY_PATTERN = '^[A-Z]{3}$';
export const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
/** At least one character that is not white space. */
export const NON_BLANK = '\\S';

const reason: SchemaNode = {
  type: 'string',
  pattern: NON_BLANK,
  description:
    'Why this exclusion exists. Required and non-empty: it is shown in plans and written to the audit next to everyone it protects.',
};

const until: SchemaNode = {
  type: 'string',
  pattern: DATE_PATTERN,
  format: 'date',
  description:
    'Optional expiry date, `YYYY-MM-DD` (a real calendar date). The exclusion applies up to and including this day (UTC); after it the plan ignores the exclusion and warns that it has expired.',
  examples: ['2027-06-30'],
};

const days = (minimum: number, description: string, dflt?: number): SchemaNode => ({
  type: 'integer',
  minimum,
  description,
  ...(dflt === undefined ? {} : { default: dflt }),
});

export const policySchema: SchemaNode = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'atlassian-license-policy policy file',
  description:
    'One policy file. Every `*.yml`/`*.yaml` file under the policy directory is read and merged into one policy.',
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: {
      type: 'integer',
      const: POLICY_VERSION,
      description: 'Policy format version. Always the number `1` (not the text `"1"`).',
    },
    currency: {
      type: 'string',
      pattern: CURRENCY_PATTERN,
      default: DEFAULT_CURRENCY,
      description:
        'ISO 4217 code, three capital letters, for the savings shown in plans. May be set in one file only.',
      examples: ['USD', 'EUR'],
    },
    products: {
      type: 'object',
      description:
        'Per-product settings, keyed by product key (the resource owner of the workspace: `jira-software`, `jira-servicedesk`, `confluence`, `jira-product-discovery`, ...). May be set in one file only.',
      propertyNames: { pattern: KEBAB_CASE },
      additionalProperties: { $ref: '#/$defs/productSettings' },
    },
    exclude: { $ref: '#/$defs/exclude' },
    rules: {
      type: 'array',
      description:
        'Rules, evaluated in file order (files sorted by path) and then in the order written. Rule ids are unique across all files.',
      items: { $ref: '#/$defs/rule' },
    },
    limits: { $ref: '#/$defs/limits' },
  },
  $defs: {
    productSettings: {
      type: 'object',
      additionalProperties: false,
      description: 'Settings of one product.',
      properties: {
        monthlyCostPerUser: {
          type: 'number',
          minimum: 0,
          description:
            'List price of one seat per month, in `currency`. Used only to estimate savings; without it savings are not shown for the product.',
          examples: [8.6],
        },
      },
    },
    exclude: {
      type: 'object',
      additionalProperties: false,
      description:
        'Who is never removed. Exclusions win over every rule: an excluded user who matches a rule is listed as protected, with the reason. The lists of all files are combined; `admins` and `serviceAccounts` may be set in one file only.',
      properties: {
        admins: {
          type: 'boolean',
          default: true,
          description:
            'Protect administrators: platform roles org-admin, site-admin and user-access-admin, and product admins (role `atlassian/admin`).',
        },
        serviceAccounts: {
          type: 'boolean',
          default: true,
          description:
            'Protect service accounts and every account type other than `atlassian` (apps, customers).',
        },
        accounts: {
          type: 'array',
          description:
            'Named accounts. Each entry names exactly one account, by `email` or by `accountId`. An account that does not exist in the organisation fails the plan.',
          items: { $ref: '#/$defs/accountExclusion' },
        },
        groups: {
          type: 'array',
          description:
            'Groups whose members are protected. A group that does not exist in the organisation fails the plan.',
          items: { $ref: '#/$defs/groupExclusion' },
        },
        emailDomains: {
          type: 'array',
          description:
            'Email domains whose users are protected (exact domain, not subdomains). While any domain exclusion exists, a user whose email is hidden is protected too.',
          items: { $ref: '#/$defs/domainExclusion' },
        },
      },
    },
    accountExclusion: {
      type: 'object',
      additionalProperties: false,
      description:
        'One account, named by exactly one of `email` and `accountId` (two entries exclude two accounts); `reason` is required.',
      required: ['reason'],
      anyOf: [{ required: ['email'] }, { required: ['accountId'] }],
      not: { required: ['email', 'accountId'] },
      properties: {
        email: {
          type: 'string',
          format: 'email',
          description: 'The account’s email address (compared case-insensitively).',
          examples: ['ceo@acme.example'],
        },
        accountId: {
          type: 'string',
          pattern: ACCOUNT_ID_PATTERN,
          description: 'The Atlassian account id.',
          examples: ['5b10ac8d82e05b22cc7d4ef5'],
        },
        reason,
        until,
      },
    },
    groupExclusion: {
      type: 'object',
      additionalProperties: false,
      description: 'One group; its members are protected.',
      required: ['name', 'reason'],
      properties: {
        name: {
          type: 'string',
          pattern: NON_BLANK,
          description: 'The group name as shown in Atlassian administration (case-insensitive).',
          examples: ['license-policy-exempt'],
        },
        reason,
        until,
      },
    },
    domainExclusion: {
      type: 'object',
      additionalProperties: false,
      description: 'One email domain; its users are protected.',
      required: ['domain', 'reason'],
      properties: {
        domain: {
          type: 'string',
          pattern: DOMAIN_PATTERN,
          description: 'Email domain without `@` (case-insensitive; subdomains are not included).',
          examples: ['partner.example'],
        },
        reason,
        until,
      },
    },
    rule: {
      type: 'object',
      additionalProperties: false,
      description:
        'One rule: which licences of one product become removable, and how. A rule with `keepAtMost` is a capacity rule: it runs after the other rules of the same product and site.',
      required: ['id', 'product', 'inactiveDays'],
      properties: {
        id: {
          type: 'string',
          pattern: KEBAB_CASE,
          maxLength: 64,
          description:
            'Kebab-case name, unique across all policy files (at most 64 characters). Shown in plans and in the audit.',
          examples: ['jira-inactive-30d'],
        },
        description: {
          type: 'string',
          pattern: NON_BLANK,
          description: 'What the rule is for, in words; shown in plans.',
        },
        product: {
          type: 'string',
          pattern: KEBAB_CASE,
          description:
            'Product key: the resource owner of the workspace (`jira-software`, `jira-servicedesk`, `confluence`, ...). A key the organisation does not have fails the plan, which lists the keys it has.',
          examples: ['jira-software'],
        },
        sites: {
          type: 'array',
          minItems: 1,
          description:
            'Site host names (`acme.atlassian.net`) the rule governs. Without `sites`, the rule governs every online, non-sandbox site of the product; sandbox, offline and deprecated sites are governed only when named here.',
          items: {
            type: 'string',
            pattern: SITE_PATTERN,
            description: 'A site host name, without `https://` or a path.',
          },
        },
        inactiveDays: days(
          MIN_INACTIVE_DAYS,
          `At least ${MIN_INACTIVE_DAYS}. A user is inactive when their last activity on this product and site (or their licence start, if later) is at least this many days ago, plus \`limits.activityLagHours\`. On a \`keepAtMost\` rule it is the floor: nobody active within it is removed.`,
        ),
        neverActive: {
          type: 'object',
          additionalProperties: false,
          description: 'Licensed users with no recorded activity on this product and site at all.',
          properties: {
            include: {
              type: 'boolean',
              default: true,
              description: 'Whether never-active users can be removed by this rule.',
            },
            graceDays: days(
              0,
              'Days after the licence start before a never-active user becomes removable. Default: the rule’s `inactiveDays`.',
            ),
          },
        },
        noticeDays: days(
          0,
          'Users who become removable within this many days are listed as upcoming, so they can be warned before they lose access. 0 lists nobody.',
          DEFAULT_NOTICE_DAYS,
        ),
        scope: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          description:
            'Narrows whom the rule considers; a user must match every part given. Without `scope`, every licensed user of the product is considered.',
          properties: {
            groups: {
              type: 'array',
              description:
                'Group names (case-insensitive); a member of any of them is in scope. A group that does not exist fails the plan.',
              items: {
                type: 'string',
                pattern: NON_BLANK,
                description: 'A group name.',
              },
            },
            emailDomains: {
              type: 'array',
              description:
                'Email domains (exact, case-insensitive); a user of any of them is in scope.',
              items: {
                type: 'string',
                pattern: DOMAIN_PATTERN,
                description: 'An email domain without `@`.',
              },
            },
            claimStatus: {
              type: 'string',
              enum: ['managed', 'unmanaged', 'any'],
              default: 'any',
              description:
                'Only accounts your organisation manages (verified domain), only unmanaged ones, or both.',
            },
          },
        },
        allowCollateral: {
          type: 'boolean',
          default: false,
          description:
            'Allow removing a user from a group that also grants other products or sites the user holds. Without it such a removal is listed as skipped-collateral and not done.',
        },
        action: {
          type: 'string',
          enum: ['remove-product-access', 'suspend'],
          default: 'remove-product-access',
          description:
            '`remove-product-access` removes this product on this site only. `suspend` suspends the account in its directory, which removes every product; it is planned only when the user is removable under some rule for every product and site they hold.',
        },
        keepAtMost: {
          type: 'integer',
          minimum: 0,
          description:
            'Makes this a capacity rule: after the other rules of the same product and site, remove the longest-inactive users (never-active first) until at most this many licensed seats remain, never anyone active within `inactiveDays`. One capacity rule per product and site.',
          examples: [4500],
        },
        countApiTokenUse: {
          type: 'boolean',
          default: true,
          description:
            'For managed accounts, use of an API token within the threshold counts as activity (integration accounts never open a page).',
        },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      description:
        'Safety limits on every plan. A plan over a limit is still written and proposed, but marked blocked; apply refuses it unless overridden. May be set in one file only.',
      properties: {
        maxRemovals: {
          type: 'integer',
          minimum: 1,
          default: 500,
          description: 'At most this many removals in one plan.',
        },
        maxRemovalsPercent: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 100,
          default: 10,
          description:
            'At most this percentage of the licensed users of one product and site in one plan (sites with fewer than 50 licensed users are exempt).',
        },
        planTtlHours: {
          type: 'integer',
          minimum: 1,
          maximum: 720,
          default: 72,
          description:
            'A plan older than this many hours is refused at apply (at most 720, 30 days: the data behind an older plan is stale).',
        },
        activityLagHours: {
          type: 'integer',
          minimum: 0,
          maximum: 168,
          default: 24,
          description:
            'Atlassian’s activity data can arrive late; this many hours are added to every inactivity threshold.',
        },
        minActivityCoverage: {
          type: 'number',
          minimum: 1,
          maximum: 100,
          default: 50,
          description:
            'Percentage of the licensed users of a product and site that must have activity data; below it that product and site is blocked, because missing data must never read as "never active". At least 1: the check cannot be switched off.',
        },
      },
    },
  },
};

/** The JSON text of `schema/policy.schema.json`: two-space indent, final newline. */
export function policySchemaJson(): string {
  return `${JSON.stringify(policySchema, null, 2)}\n`;
}
