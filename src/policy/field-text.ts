/**
 * What each constrained value must look like, in words, with an example and, where a likely
 * intended value can be derived from the mistake, that value. Keyed by key path (schema-walk.ts).
 */

export interface FieldText {
  /** What the value is called in a message: `site`. */
  noun: string;
  /** What the value must be: `a host name without "https://" or a path`. */
  expect: string;
  example: string;
  /** The value the user probably meant, when it can be derived. */
  fix?: (written: string) => string | undefined;
  /** Extra advice when the value is written but wrong. */
  advice?: (written: string) => string | undefined;
}

const kebab = (text: string): string | undefined => {
  const result = text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(result) && result !== text ? result : undefined;
};

const host = (text: string): string | undefined => {
  const result = text
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .toLowerCase();
  return result !== text &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(result)
    ? result
    : undefined;
};

const domain = (text: string): string | undefined => {
  const result = text.trim().replace(/^.*@/, '').replace(/\.$/, '').toLowerCase();
  return result !== text &&
    /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/.test(result)
    ? result
    : undefined;
};

const productKey: FieldText = {
  noun: 'product key',
  expect: 'lower-case kebab-case',
  example: 'jira-software',
  fix: kebab,
};

const emailDomain: FieldText = {
  noun: 'email domain',
  expect: 'a domain name without "@"',
  example: 'partner.example',
  fix: domain,
};

export const FIELD_TEXT: Record<string, FieldText> = {
  currency: {
    noun: 'currency',
    expect: 'a three-letter ISO 4217 code in capitals',
    example: 'USD',
    fix: (t) => (/^[a-z]{3}$/i.test(t.trim()) ? t.trim().toUpperCase() : undefined),
  },
  'products.*': productKey,
  'rules[].product': productKey,
  'rules[].id': {
    noun: 'rule id',
    expect:
      'kebab-case (lower-case words and digits joined by single hyphens, starting with a letter)',
    example: 'jira-inactive-30d',
    fix: kebab,
  },
  'rules[].sites[]': {
    noun: 'site',
    expect: 'a host name without "https://" or a path',
    example: 'acme.atlassian.net',
    fix: host,
  },
  'rules[].scope.emailDomains[]': emailDomain,
  'exclude.emailDomains[].domain': emailDomain,
  'exclude.accounts[].accountId': {
    noun: 'account id',
    expect: 'letters, digits, "_", "|", ":" and "-" (at most 128)',
    example: '5b10ac8d82e05b22cc7d4ef5',
    advice: (t) =>
      t.includes('@') ? 'that is an email address: write it as "email:" instead' : undefined,
  },
  'exclude.accounts[].email': {
    noun: 'email',
    expect: 'an email address',
    example: 'ceo@acme.example',
  },
};

/** Advice for an empty text value, by key name. */
export const EMPTY_TEXT_ADVICE: Record<string, string> = {
  reason: 'say why this exclusion exists; it is shown in plans and in the audit',
  name: 'write the group name as shown in Atlassian administration',
  description: 'describe the rule, or remove "description"',
};

/** Advice when a required key is missing, by key name (the rule's own hint for `inactiveDays`). */
export const MISSING_KEY_ADVICE: Record<string, string> = {
  version: 'every policy file starts with "version: 1"',
  id: 'give the rule a unique kebab-case id, e.g. "jira-inactive-30d"',
  product: 'the product key, e.g. "jira-software"',
  inactiveDays: 'days without activity before a licence can be removed (at least 7)',
  reason: 'say why this exclusion exists; it is shown in plans and in the audit',
  name: 'the name of the group to exclude',
  domain: 'the email domain to exclude, e.g. "partner.example"',
};

/** Why a bound exists, by key path, when the number alone would puzzle. */
export const BOUND_ADVICE: Record<string, string> = {
  'rules[].inactiveDays': 'shorter windows mistake a holiday for leaving',
  'limits.minActivityCoverage': 'the activity-coverage check cannot be switched off',
  'limits.planTtlHours': 'the data behind an older plan is stale',
};
