/**
 * Checks no single file's schema can express: what must be unique or set once across all
 * policy files, and combinations that are valid one key at a time but cannot be what the admin
 * meant (a capacity rule that can never remove anyone, a scope that is entirely excluded).
 * Runs on every syntactically valid file, reading values defensively, so that one run reports
 * these problems together with the schema problems.
 */
import type { PolicyProblem } from '../errors.js';
import type { SourceLocation } from './types.js';
import type { PathSegment, YamlSource } from './yaml-source.js';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const whole = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const where = (at: SourceLocation) => `${at.file}:${at.line}:${at.column}`;

/** A rule as far as its values are usable (ill-typed values read as absent). */
interface RuleView {
  source: YamlSource;
  path: PathSegment[];
  id: string | undefined;
  product: string | undefined;
  /** Lower-cased; undefined = the product's default sites. */
  sites: string[] | undefined;
  inactiveDays: number | undefined;
  neverActiveInclude: boolean;
  graceDays: number | undefined;
  keepAtMost: number | undefined;
  scoped: boolean;
  action: string;
  countApiTokenUse: boolean;
  allowCollateral: boolean;
}

function ruleViews(sources: readonly YamlSource[]): RuleView[] {
  return sources.flatMap((source) => {
    const root = source.value;
    if (!isRecord(root)) return [];
    return list(root.rules).flatMap((raw, index): RuleView[] => {
      if (!isRecord(raw)) return [];
      const neverActive = isRecord(raw.neverActive) ? raw.neverActive : {};
      const sites = Array.isArray(raw.sites)
        ? raw.sites.flatMap((s) => (typeof s === 'string' ? [s.toLowerCase()] : []))
        : undefined;
      const inactiveDays = whole(raw.inactiveDays);
      return [
        {
          source,
          path: ['rules', index],
          id: text(raw.id),
          product: text(raw.product),
          sites,
          inactiveDays,
          neverActiveInclude: neverActive.include !== false,
          graceDays: whole(neverActive.graceDays) ?? inactiveDays,
          keepAtMost: whole(raw.keepAtMost),
          scoped: raw.scope !== undefined,
          action: text(raw.action) ?? 'remove-product-access',
          countApiTokenUse: raw.countApiTokenUse !== false,
          allowCollateral: raw.allowCollateral === true,
        },
      ];
    });
  });
}

export function crossFileProblems(sources: readonly YamlSource[]): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const report = (at: SourceLocation, message: string) => problems.push({ ...at, message });
  const rules = ruleViews(sources);

  settingsSetOnce(sources, report);
  uniqueRuleIds(rules, report);
  uniqueExclusions(sources, report);
  noRepeatsWithinRules(sources, report);
  graceWithoutNeverActive(sources, report);
  oneCapacityRulePerSite(rules, report);
  capacityRulesThatCanAct(rules, report);
  scopesNotEntirelyExcluded(sources, report);
  return problems;
}

type Report = (at: SourceLocation, message: string) => void;

/** `currency`, `products`, `limits` and the two exclusion switches are one setting each. */
function settingsSetOnce(sources: readonly YamlSource[], report: Report): void {
  const settings: Array<{ path: string[]; name: string }> = [
    { path: ['currency'], name: 'currency' },
    { path: ['products'], name: 'products' },
    { path: ['limits'], name: 'limits' },
    { path: ['exclude', 'admins'], name: 'exclude.admins' },
    { path: ['exclude', 'serviceAccounts'], name: 'exclude.serviceAccounts' },
  ];
  for (const setting of settings) {
    let first: SourceLocation | undefined;
    for (const source of sources) {
      const [outer, inner] = setting.path;
      const root = source.value;
      const present =
        isRecord(root) &&
        outer in root &&
        (inner === undefined || (isRecord(root[outer]) && inner in (root[outer] as object)));
      if (!present) continue;
      const at = source.locate(setting.path, 'key');
      if (!first) first = at;
      else {
        report(
          at,
          `"${setting.name}" is already set in ${where(first)} — it may be set in one policy file only`,
        );
      }
    }
  }
}

function uniqueRuleIds(rules: readonly RuleView[], report: Report): void {
  const seen = new Map<string, SourceLocation>();
  for (const rule of rules) {
    if (rule.id === undefined) continue;
    const at = rule.source.locate([...rule.path, 'id']);
    const first = seen.get(rule.id);
    if (first) {
      report(
        at,
        `rule id "${rule.id}" is already used at ${where(first)} — rule ids must be unique across all policy files`,
      );
    } else seen.set(rule.id, at);
  }
}

/** The same account, group or domain excluded twice would leave two reasons and two expiries. */
function uniqueExclusions(sources: readonly YamlSource[], report: Report): void {
  const kinds: Array<{ list: string; key: string; noun: string }> = [
    { list: 'accounts', key: 'email', noun: 'account' },
    { list: 'accounts', key: 'accountId', noun: 'account' },
    { list: 'groups', key: 'name', noun: 'group' },
    { list: 'emailDomains', key: 'domain', noun: 'email domain' },
  ];
  for (const kind of kinds) {
    const seen = new Map<string, SourceLocation>();
    for (const source of sources) {
      const root = source.value;
      const exclude = isRecord(root) && isRecord(root.exclude) ? root.exclude : {};
      list(exclude[kind.list]).forEach((entry, index) => {
        const value = isRecord(entry) ? text(entry[kind.key]) : undefined;
        if (value === undefined || value.trim() === '') return;
        const normalised = value.trim().toLowerCase();
        const at = source.locate(['exclude', kind.list, index, kind.key]);
        const first = seen.get(normalised);
        if (first) {
          report(
            at,
            `${kind.noun} "${value}" is already excluded at ${where(first)} — list each ${kind.noun} once`,
          );
        } else seen.set(normalised, at);
      });
    }
  }
}

/** A site, scope group or scope domain listed twice in one rule is a slip (or a different one was meant). */
function noRepeatsWithinRules(sources: readonly YamlSource[], report: Report): void {
  const lists: Array<{ path: string[]; noun: string }> = [
    { path: ['sites'], noun: 'site' },
    { path: ['scope', 'groups'], noun: 'group' },
    { path: ['scope', 'emailDomains'], noun: 'email domain' },
  ];
  for (const source of sources) {
    const root = source.value;
    if (!isRecord(root)) continue;
    list(root.rules).forEach((rule, ruleIndex) => {
      for (const { path, noun } of lists) {
        const values = list(path.reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), rule));
        const seen = new Map<string, SourceLocation>();
        values.forEach((value, index) => {
          if (typeof value !== 'string') return;
          const at = source.locate(['rules', ruleIndex, ...path, index]);
          const first = seen.get(value.toLowerCase());
          if (first) {
            report(
              at,
              `${noun} "${value}" is listed twice in "${path[path.length - 1]}" (first at line ${first.line}, column ${first.column}) — remove one`,
            );
          } else seen.set(value.toLowerCase(), at);
        });
      }
    });
  }
}

function graceWithoutNeverActive(sources: readonly YamlSource[], report: Report): void {
  for (const source of sources) {
    const root = source.value;
    if (!isRecord(root)) continue;
    list(root.rules).forEach((rule, index) => {
      const neverActive = isRecord(rule) && isRecord(rule.neverActive) ? rule.neverActive : {};
      if (neverActive.include === false && 'graceDays' in neverActive) {
        report(
          source.locate(['rules', index, 'neverActive', 'graceDays'], 'key'),
          '"graceDays" has no effect because "include" is false (never-active users are not removed) — remove one of them',
        );
      }
    });
  }
}

const ruleName = (rule: RuleView) => (rule.id ? `rule "${rule.id}"` : 'a rule');

/** Sites two rules can both govern: undefined when none, [] when "every site". */
function sharedSites(a: RuleView, b: RuleView): string[] | undefined {
  if (a.sites && b.sites) {
    const shared = a.sites.filter((s) => b.sites!.includes(s));
    return shared.length > 0 ? shared : undefined;
  }
  return a.sites ?? b.sites ?? [];
}

/** Two seat targets for one product and site would contradict each other. */
function oneCapacityRulePerSite(rules: readonly RuleView[], report: Report): void {
  const capacity = rules.filter((r) => r.keepAtMost !== undefined && r.product !== undefined);
  capacity.forEach((rule, i) => {
    for (const earlier of capacity.slice(0, i)) {
      if (earlier.product !== rule.product) continue;
      const shared = sharedSites(earlier, rule);
      if (!shared) continue;
      const on = shared.length === 0 ? 'on every site' : `on ${shared.join(', ')}`;
      report(
        rule.source.locate([...rule.path, 'keepAtMost']),
        `a second keepAtMost target for ${rule.product!} ${on}: ${ruleName(earlier)} (${where(earlier.source.locate(earlier.path))}) already keeps at most ${earlier.keepAtMost} seats there — use one keepAtMost rule per product and site (name different "sites" to set different targets)`,
      );
      break; // one problem per rule is enough to act on
    }
  });
}

/**
 * A capacity rule only ever picks users inactive for at least its floor. When a plain rule of
 * the same product, for all of the same sites and everyone in them, already removes users
 * inactive for that long or less (never-active users included), the capacity rule can never
 * add anyone: its floor must be lower than that rule's `inactiveDays` to do anything.
 */
function capacityRulesThatCanAct(rules: readonly RuleView[], report: Report): void {
  const covers = (plain: RuleView, cap: RuleView) =>
    (plain.sites === undefined && cap.sites === undefined) ||
    (plain.sites !== undefined &&
      cap.sites !== undefined &&
      cap.sites.every((s) => plain.sites!.includes(s)));
  for (const cap of rules) {
    if (cap.keepAtMost === undefined || cap.inactiveDays === undefined) continue;
    const dominating = rules.find(
      (plain) =>
        plain.keepAtMost === undefined &&
        plain.product === cap.product &&
        !plain.scoped &&
        plain.action === cap.action &&
        plain.inactiveDays !== undefined &&
        plain.inactiveDays <= cap.inactiveDays! &&
        (!cap.neverActiveInclude ||
          (plain.neverActiveInclude && (plain.graceDays ?? 0) <= (cap.graceDays ?? 0))) &&
        (plain.countApiTokenUse === cap.countApiTokenUse || !plain.countApiTokenUse) &&
        (plain.allowCollateral || !cap.allowCollateral) &&
        covers(plain, cap),
    );
    if (!dominating) continue;
    report(
      cap.source.locate([...cap.path, 'inactiveDays']),
      `keepAtMost ${ruleName(cap)} can never remove anyone: its floor of ${cap.inactiveDays} days is not below the ${dominating.inactiveDays} days of ${ruleName(dominating)} (${where(dominating.source.locate(dominating.path))}), which already removes everyone inactive that long on the same sites — lower "inactiveDays" here below ${dominating.inactiveDays}`,
    );
  }
}

/** A rule scoped only to groups or domains that are excluded for good can never act. */
function scopesNotEntirelyExcluded(sources: readonly YamlSource[], report: Report): void {
  const permanent = (listName: string, key: string): Set<string> => {
    const names = new Set<string>();
    for (const source of sources) {
      const root = source.value;
      const exclude = isRecord(root) && isRecord(root.exclude) ? root.exclude : {};
      for (const entry of list(exclude[listName])) {
        const name = isRecord(entry) && entry.until === undefined ? text(entry[key]) : undefined;
        if (name) names.add(name.trim().toLowerCase());
      }
    }
    return names;
  };
  const excluded = {
    groups: permanent('groups', 'name'),
    emailDomains: permanent('emailDomains', 'domain'),
  };
  const nouns = { groups: 'group', emailDomains: 'email domain' };
  for (const source of sources) {
    const root = source.value;
    if (!isRecord(root)) continue;
    list(root.rules).forEach((rule, index) => {
      const scope = isRecord(rule) && isRecord(rule.scope) ? rule.scope : {};
      for (const key of ['groups', 'emailDomains'] as const) {
        const values = list(scope[key]).filter((v): v is string => typeof v === 'string');
        if (
          values.length === 0 ||
          !values.every((v) => excluded[key].has(v.trim().toLowerCase()))
        ) {
          continue;
        }
        const named = values.map((v) => `"${v}"`).join(', ');
        const which =
          values.length > 1
            ? `all its scope ${nouns[key]}s (${named}) are`
            : `its only scope ${nouns[key]}, ${named}, is`;
        report(
          source.locate(['rules', index, 'scope', key], 'key'),
          `this rule can never remove anyone: ${which} excluded in "exclude.${key}" without an expiry date — change the scope or the exclusion`,
        );
      }
    });
  }
}
