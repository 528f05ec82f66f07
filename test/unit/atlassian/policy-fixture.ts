/** A typed `Policy` built in code, for the reads that depend only on what a policy names. */
import { DEFAULT_LIMITS, type Policy, type Rule } from '../../../src/policy/types.js';

const at = { file: 'policies/test.yml', line: 1, column: 1 };

export function rule(product: string, extra: Partial<Rule> = {}): Rule {
  return {
    id: `${product}-inactive`,
    product,
    inactiveDays: 30,
    neverActive: { include: true, graceDays: 30 },
    noticeDays: 7,
    allowCollateral: false,
    action: 'remove-product-access',
    countApiTokenUse: true,
    source: at,
    productSource: at,
    ...extra,
  };
}

export function policyWith(
  rules: Rule[],
  exclude: {
    emails?: string[];
    accountIds?: string[];
    groups?: string[];
    scopeGroups?: string[];
  } = {},
): Policy {
  return {
    files: ['policies/test.yml'],
    digest: '0'.repeat(64),
    currency: 'USD',
    products: {},
    exclude: {
      admins: true,
      serviceAccounts: true,
      accounts: [
        ...(exclude.emails ?? []).map((email) => ({ email, reason: 'test', source: at })),
        ...(exclude.accountIds ?? []).map((accountId) => ({
          accountId,
          reason: 'test',
          source: at,
        })),
      ],
      groups: (exclude.groups ?? []).map((name) => ({ name, reason: 'test', source: at })),
      emailDomains: [],
    },
    rules: exclude.scopeGroups
      ? rules.map((r) => ({
          ...r,
          scope: {
            groups: exclude.scopeGroups ?? [],
            groupSources: [],
            emailDomains: [],
            claimStatus: 'any' as const,
          },
        }))
      : rules,
    limits: { ...DEFAULT_LIMITS },
  };
}
