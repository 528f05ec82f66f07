/**
 * The typed policy: every policy file of a directory merged into one value, defaults filled in,
 * with the source position of everything that can later fail against the live organisation
 * (unknown product, an exclusion that matches nobody) so those errors can point at the YAML.
 */

/** A position in a policy file, 1-based, as printed in `file:line:column` errors. */
export interface SourceLocation {
  /** Path of the policy file as the user would type it (relative to the working directory, or `loadPolicy`'s `displayRoot`), POSIX separators. */
  file: string;
  line: number;
  column: number;
}

export interface Policy {
  /** The policy files, sorted by path (the order rules are read in). */
  files: string[];
  /** SHA-256 (hex) over the files: for each file in order, its path, a NUL, its bytes, a NUL. */
  digest: string;
  /** ISO 4217 code for savings; default `USD`. */
  currency: string;
  /** Per-product settings keyed by product key (workspace resource owner). */
  products: Record<string, ProductSettings>;
  exclude: Exclusions;
  /** Rules in file order, then document order. */
  rules: Rule[];
  /** Limits with their defaults filled in. */
  limits: Limits;
}

export interface ProductSettings {
  monthlyCostPerUser?: number;
  /** Where the product key is written. */
  source: SourceLocation;
}

export interface Exclusions {
  /** Default true: platform roles org-admin, site-admin, user-access-admin and product admins (`atlassian/admin`). */
  admins: boolean;
  /** Default true: service accounts and every accountType other than `atlassian`. */
  serviceAccounts: boolean;
  accounts: AccountExclusion[];
  groups: GroupExclusion[];
  emailDomains: DomainExclusion[];
}

interface ExclusionBase {
  reason: string;
  /** `YYYY-MM-DD`; the exclusion no longer applies after this day (UTC). */
  until?: string;
  /** Where the exclusion entry is written. */
  source: SourceLocation;
}

/** Exactly one of `email` and `accountId` is set. Emails are compared case-insensitively. */
export interface AccountExclusion extends ExclusionBase {
  email?: string;
  accountId?: string;
}

export interface GroupExclusion extends ExclusionBase {
  /** Group name, matched case-insensitively (Atlassian group names are case-insensitive). */
  name: string;
}

export interface DomainExclusion extends ExclusionBase {
  /** Lower-cased domain; matches the email's domain exactly (not subdomains). */
  domain: string;
}

export type RuleAction = 'remove-product-access' | 'suspend';
export type ClaimStatusScope = 'managed' | 'unmanaged' | 'any';

export interface Rule {
  /** kebab-case, unique across files. */
  id: string;
  description?: string;
  /** Product key: the resource owner of the workspace ARI (`jira-software`, `confluence`, ...). */
  product: string;
  /** Site hosts (`acme.atlassian.net`); absent = every online, non-sandbox site of the product. */
  sites?: string[];
  /** At least 7. For a `keepAtMost` rule this is the floor: nobody active within it is removed. */
  inactiveDays: number;
  neverActive: {
    /** Default true. */
    include: boolean;
    /** Default = inactiveDays; counted from licensedSince. */
    graceDays: number;
  };
  /** Default 7. */
  noticeDays: number;
  scope?: RuleScope;
  /** Default false. */
  allowCollateral: boolean;
  action: RuleAction;
  /** Present on capacity rules: keep at most this many licensed seats per product+site. */
  keepAtMost?: number;
  /**
   * Default true: for managed accounts, use of an API token within the threshold counts as
   * activity (integration accounts never "view a page").
   */
  countApiTokenUse: boolean;
  /** Where the rule mapping starts. */
  source: SourceLocation;
  /** Where the `product` value is written. */
  productSource: SourceLocation;
  /** Where each `sites` entry is written, same order as `sites`. */
  siteSources?: SourceLocation[];
}

export interface RuleScope {
  /** Group names (case-insensitive); a user in any of them is in scope. Empty = no group narrowing. */
  groups: string[];
  groupSources: SourceLocation[];
  /** Lower-cased domains; empty = no domain narrowing. */
  emailDomains: string[];
  claimStatus: ClaimStatusScope;
}

export interface Limits {
  /** Default 500, per plan. */
  maxRemovals: number;
  /** Default 10, of the licensed users of one product+site (sites under 50 seats exempt). */
  maxRemovalsPercent: number;
  /** Default 72. */
  planTtlHours: number;
  /** Default 24; added to every threshold. */
  activityLagHours: number;
  /** Default 50 (percent). */
  minActivityCoverage: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxRemovals: 500,
  maxRemovalsPercent: 10,
  planTtlHours: 72,
  activityLagHours: 24,
  minActivityCoverage: 50,
});

/** Sites with fewer licensed seats than this are exempt from `maxRemovalsPercent`. */
export const PERCENT_LIMIT_MIN_SEATS = 50;
