/**
 * Policy checks that need the organisation (SPEC §2): a product key or site the org does not
 * have, an excluded account or group that does not exist, a scope group that does not exist.
 *
 * **Safety:** an exclusion that matches nothing because of a typo or a rename must never
 * silently protect nobody, so each of these fails the plan (exit 2) at the policy's position.
 */
import { PolicyError, type PolicyProblem } from '../errors.js';
import type { Policy, SourceLocation } from '../policy/types.js';
import type { Snapshot } from '../snapshot/types.js';
import { isAscii } from './accounts.js';
import { compareText, sortedUnique } from './order.js';
import { didYouMean } from './suggestion.js';

function problemAt(source: SourceLocation, message: string): PolicyProblem {
  return { file: source.file, line: source.line, column: source.column, message };
}

function listOrNone(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : '(none)';
}

const PROTECTS_NOBODY = 'an exclusion that matches nobody protects nobody';

export function checkPolicyAgainstOrg(policy: Policy, snapshot: Snapshot): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const products = sortedUnique(snapshot.resources.map((r) => r.product));
  const productSet = new Set(products);
  const sitesOf = (product: string) =>
    sortedUnique(snapshot.resources.filter((r) => r.product === product).map((r) => r.site));
  const unknownProduct = (product: string) =>
    `unknown product "${product}": this org has ${listOrNone(products)}${didYouMean(product, products)}`;

  for (const rule of policy.rules) {
    if (!productSet.has(rule.product)) {
      problems.push(
        problemAt(rule.productSource, `rule ${rule.id}: ${unknownProduct(rule.product)}`),
      );
      continue;
    }
    if (!rule.sites) continue;
    const sites = sitesOf(rule.product);
    rule.sites.forEach((site, i) => {
      if (sites.includes(site)) return;
      problems.push(
        problemAt(
          rule.siteSources?.[i] ?? rule.productSource,
          `rule ${rule.id}: ${rule.product} has no site "${site}"; its sites: ${listOrNone(sites)}` +
            didYouMean(site, sites),
        ),
      );
    });
  }

  for (const product of Object.keys(policy.products).sort(compareText)) {
    if (productSet.has(product)) continue;
    problems.push(
      problemAt(policy.products[product].source, `products: ${unknownProduct(product)}`),
    );
  }

  // One pass over the users, looking only for the accounts the policy names (orgs have a
  // million accounts; the policy names a handful).
  const wantedEmails = new Set<string>();
  const wantedIds = new Set<string>();
  for (const account of policy.exclude.accounts) {
    if (account.email !== undefined) wantedEmails.add(account.email.toLowerCase());
    if (account.accountId !== undefined) wantedIds.add(account.accountId);
  }
  const foundEmails = new Set<string>();
  const foundIds = new Set<string>();
  if (wantedEmails.size + wantedIds.size > 0) {
    // Lower-case (a new string) only an email as long as a wanted one: lower-casing ASCII keeps
    // the length, and other text is always looked up.
    const emailLengths = new Set([...wantedEmails].map((e) => e.length));
    const { users } = snapshot;
    for (let i = 0; i < users.length; i++) {
      const { accountId, email } = users[i];
      if (wantedIds.size > 0 && wantedIds.has(accountId)) foundIds.add(accountId);
      if (email && (emailLengths.has(email.length) || !isAscii(email))) {
        const folded = email.toLowerCase();
        if (wantedEmails.has(folded)) foundEmails.add(folded);
      }
    }
  }
  for (const account of policy.exclude.accounts) {
    if (account.email !== undefined && !foundEmails.has(account.email.toLowerCase())) {
      problems.push(
        problemAt(
          account.source,
          `excluded account ${account.email} does not exist in this org: ${PROTECTS_NOBODY}`,
        ),
      );
    }
    if (account.accountId !== undefined && !foundIds.has(account.accountId)) {
      problems.push(
        problemAt(
          account.source,
          `excluded account ${account.accountId} does not exist in this org: ${PROTECTS_NOBODY}`,
        ),
      );
    }
  }

  const groupNames = sortedUnique(snapshot.groups.map((g) => g.name));
  const groupSet = new Set(groupNames.map((n) => n.toLowerCase()));
  const missingGroup = (what: string, name: string) =>
    `${what} "${name}" does not exist in this org${didYouMean(name, groupNames)}`;
  for (const group of policy.exclude.groups) {
    if (groupSet.has(group.name.toLowerCase())) continue;
    problems.push(
      problemAt(group.source, `${missingGroup('excluded group', group.name)}: ${PROTECTS_NOBODY}`),
    );
  }
  for (const rule of policy.rules) {
    const scope = rule.scope;
    scope?.groups.forEach((name, i) => {
      if (groupSet.has(name.toLowerCase())) return;
      problems.push(
        problemAt(
          scope.groupSources[i] ?? rule.source,
          `rule ${rule.id}: ${missingGroup('scope group', name)}`,
        ),
      );
    });
  }

  return new PolicyError(problems).problems;
}

/** Throws `PolicyError` (exit 2) listing every org-dependent problem of the policy. */
export function assertPolicyMatchesOrg(policy: Policy, snapshot: Snapshot): void {
  const problems = checkPolicyAgainstOrg(policy, snapshot);
  if (problems.length > 0) throw new PolicyError(problems);
}
