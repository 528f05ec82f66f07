/**
 * Merges valid policy files into the typed `Policy`: defaults filled in, names normalised the
 * way they are compared (domains and sites lower-cased), and the source position of everything
 * the plan may later have to report against the live organisation.
 * Only called once every file has passed the schema and cross-file checks, so the values have
 * the shapes the schema promises.
 */
import { DEFAULT_LIMITS } from './types.js';
import type {
  AccountExclusion,
  ClaimStatusScope,
  DomainExclusion,
  GroupExclusion,
  Limits,
  Policy,
  ProductSettings,
  Rule,
  RuleAction,
} from './types.js';
import { DEFAULT_CURRENCY, DEFAULT_NOTICE_DAYS } from './schema.js';
import type { PathSegment, YamlSource } from './yaml-source.js';

/* The shapes the schema guarantees, as written in a file. */
interface FileExclusion {
  email?: string;
  accountId?: string;
  name?: string;
  domain?: string;
  reason: string;
  until?: string;
}
interface FileRule {
  id: string;
  description?: string;
  product: string;
  sites?: string[];
  inactiveDays: number;
  neverActive?: { include?: boolean; graceDays?: number };
  noticeDays?: number;
  scope?: { groups?: string[]; emailDomains?: string[]; claimStatus?: ClaimStatusScope };
  allowCollateral?: boolean;
  action?: RuleAction;
  keepAtMost?: number;
  countApiTokenUse?: boolean;
}
interface PolicyFile {
  version: 1;
  currency?: string;
  products?: Record<string, { monthlyCostPerUser?: number }>;
  exclude?: {
    admins?: boolean;
    serviceAccounts?: boolean;
    accounts?: FileExclusion[];
    groups?: FileExclusion[];
    emailDomains?: FileExclusion[];
  };
  rules?: FileRule[];
  limits?: Partial<Limits>;
}

export function assemblePolicy(sources: readonly YamlSource[], digest: string): Policy {
  const policy: Policy = {
    files: sources.map((s) => s.file),
    digest,
    currency: DEFAULT_CURRENCY,
    products: {},
    exclude: { admins: true, serviceAccounts: true, accounts: [], groups: [], emailDomains: [] },
    rules: [],
    limits: { ...DEFAULT_LIMITS },
  };
  for (const source of sources) {
    const file = source.value as PolicyFile;
    const at = (path: PathSegment[], target: 'key' | 'value' = 'value') =>
      source.locate(path, target);
    if (file.currency !== undefined) policy.currency = file.currency;
    for (const [key, settings] of Object.entries(file.products ?? {})) {
      const product: ProductSettings = { source: at(['products', key], 'key') };
      if (settings.monthlyCostPerUser !== undefined) {
        product.monthlyCostPerUser = settings.monthlyCostPerUser;
      }
      policy.products[key] = product;
    }
    if (file.limits) policy.limits = { ...DEFAULT_LIMITS, ...file.limits };

    const exclude = file.exclude ?? {};
    if (exclude.admins !== undefined) policy.exclude.admins = exclude.admins;
    if (exclude.serviceAccounts !== undefined) {
      policy.exclude.serviceAccounts = exclude.serviceAccounts;
    }
    const base = (entry: FileExclusion, path: PathSegment[]) => ({
      reason: entry.reason,
      ...(entry.until === undefined ? {} : { until: entry.until }),
      source: at(path),
    });
    (exclude.accounts ?? []).forEach((entry, i) => {
      const account: AccountExclusion = base(entry, ['exclude', 'accounts', i]);
      if (entry.email !== undefined) account.email = entry.email;
      if (entry.accountId !== undefined) account.accountId = entry.accountId;
      policy.exclude.accounts.push(account);
    });
    (exclude.groups ?? []).forEach((entry, i) => {
      const group: GroupExclusion = { name: entry.name!, ...base(entry, ['exclude', 'groups', i]) };
      policy.exclude.groups.push(group);
    });
    (exclude.emailDomains ?? []).forEach((entry, i) => {
      const domain: DomainExclusion = {
        domain: entry.domain!.toLowerCase(),
        ...base(entry, ['exclude', 'emailDomains', i]),
      };
      policy.exclude.emailDomains.push(domain);
    });

    (file.rules ?? []).forEach((raw, i) => policy.rules.push(assembleRule(raw, ['rules', i], at)));
  }
  return policy;
}

function assembleRule(
  raw: FileRule,
  path: PathSegment[],
  at: (path: PathSegment[], target?: 'key' | 'value') => Policy['rules'][number]['source'],
): Rule {
  const rule: Rule = {
    id: raw.id,
    product: raw.product,
    inactiveDays: raw.inactiveDays,
    neverActive: {
      include: raw.neverActive?.include ?? true,
      graceDays: raw.neverActive?.graceDays ?? raw.inactiveDays,
    },
    noticeDays: raw.noticeDays ?? DEFAULT_NOTICE_DAYS,
    allowCollateral: raw.allowCollateral ?? false,
    action: raw.action ?? 'remove-product-access',
    countApiTokenUse: raw.countApiTokenUse ?? true,
    source: at(path),
    productSource: at([...path, 'product']),
  };
  if (raw.description !== undefined) rule.description = raw.description;
  if (raw.sites !== undefined) {
    rule.sites = raw.sites.map((s) => s.toLowerCase());
    rule.siteSources = raw.sites.map((_, i) => at([...path, 'sites', i]));
  }
  if (raw.scope !== undefined) {
    const groups = raw.scope.groups ?? [];
    rule.scope = {
      groups,
      groupSources: groups.map((_, i) => at([...path, 'scope', 'groups', i])),
      emailDomains: (raw.scope.emailDomains ?? []).map((d) => d.toLowerCase()),
      claimStatus: raw.scope.claimStatus ?? 'any',
    };
  }
  if (raw.keepAtMost !== undefined) rule.keepAtMost = raw.keepAtMost;
  return rule;
}
