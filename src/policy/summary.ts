/** The one-paragraph account of a valid policy that `validate` prints: what it would govern. */
import type { Policy, Rule } from './types.js';

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function ruleWords(rule: Rule): string {
  const what =
    rule.keepAtMost !== undefined
      ? [`at most ${rule.keepAtMost} seats`, `floor ${rule.inactiveDays} days`]
      : [`${rule.inactiveDays} days inactive`];
  if (rule.sites) what.push(rule.sites.join(', '));
  if (rule.action === 'suspend') what.push('suspends');
  return `${rule.id} (${what.join(', ')})`;
}

export function summarizePolicy(policy: Policy): string {
  const files =
    policy.files.length <= 5
      ? `${count(policy.files.length, 'file')} (${policy.files.join(', ')})`
      : count(policy.files.length, 'file');

  const byProduct = new Map<string, Rule[]>();
  for (const rule of policy.rules) {
    byProduct.set(rule.product, [...(byProduct.get(rule.product) ?? []), rule]);
  }
  const products = [...byProduct.keys()].sort();
  const rules =
    policy.rules.length === 0
      ? 'no rules (nothing will be removed)'
      : `${count(policy.rules.length, 'rule')} — ${products
          .map((p) => {
            const rules = byProduct.get(p)!;
            return `${p} ${count(rules.length, 'rule')}: ${rules.map(ruleWords).join(', ')}`;
          })
          .join('; ')}`;

  const { exclude } = policy;
  const byEmail = exclude.accounts.filter((a) => a.email !== undefined).length;
  const byId = exclude.accounts.length - byEmail;
  const expiring = [...exclude.accounts, ...exclude.groups, ...exclude.emailDomains].filter(
    (e) => e.until !== undefined,
  ).length;
  const exclusions = [
    exclude.admins ? 'admins' : 'admins NOT excluded',
    exclude.serviceAccounts ? 'service accounts' : 'service accounts NOT excluded',
    `${count(exclude.accounts.length, 'account')} (${byEmail} by email, ${byId} by account id)`,
    count(exclude.groups.length, 'group'),
    count(exclude.emailDomains.length, 'email domain'),
  ].join(', ');
  const expiry = expiring > 0 ? `; ${count(expiring, 'exclusion')} with an expiry date` : '';

  const { limits } = policy;
  return (
    `Policy is valid: ${files}; ${rules}. ` +
    `Exclusions: ${exclusions}${expiry}. ` +
    `Limits: at most ${limits.maxRemovals} removals per plan and ${limits.maxRemovalsPercent}% of a product's seats on a site; ` +
    `plans expire after ${limits.planTtlHours} h; activity lag ${limits.activityLagHours} h; ` +
    `minimum activity coverage ${limits.minActivityCoverage}%. ` +
    `Currency ${policy.currency}. Digest sha256:${policy.digest}.`
  );
}
