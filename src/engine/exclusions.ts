/**
 * Who is excluded, and why (SPEC §2, §3). Exclusions win over every rule: an excluded user a rule
 * matches is listed as protected, never acted on.
 */
import type { PlanWarning } from '../plan/types.js';
import type { Policy, SourceLocation } from '../policy/types.js';
import {
  ADMIN_PLATFORM_ROLES,
  PRODUCT_ADMIN_ROLE,
  type Snapshot,
  type SnapshotUser,
  type UserResourceRoles,
} from '../snapshot/types.js';
import { bareGroupId, emailDomainOf, isAscii, isServiceAccount } from './accounts.js';

export type ExclusionKind =
  'admin' | 'serviceAccount' | 'accountType' | 'account' | 'group' | 'emailDomain' | 'emailHidden';

export interface ExclusionHit {
  kind: ExclusionKind;
  reason: string;
}

interface Listed {
  /** Position in the policy's exclusion lists (accounts, then groups, then domains): the first wins. */
  order: number;
  label: string;
  reason: string;
  until?: string;
  source: SourceLocation;
  kind: 'account' | 'group' | 'emailDomain';
}

const ADMIN_ROLES = new Set([...ADMIN_PLATFORM_ROLES, PRODUCT_ADMIN_ROLE]);
const ADMIN_HIT: ExclusionHit = Object.freeze({ kind: 'admin', reason: 'admin' });
const SERVICE_ACCOUNT_HIT: ExclusionHit = Object.freeze({
  kind: 'serviceAccount',
  reason: 'service account',
});
const EMAIL_HIDDEN_HIT: ExclusionHit = Object.freeze({
  kind: 'emailHidden',
  reason: 'email hidden',
});

function at(source: SourceLocation): string {
  return `${source.file}:${source.line}:${source.column}`;
}

export class ExclusionMatcher {
  private readonly listed: Listed[] = [];
  private readonly byAccountId = new Map<string, Listed>();
  private readonly byEmail = new Map<string, Listed>();
  private readonly byGroupId = new Map<string, Listed>();
  private readonly byDomain = new Map<string, Listed>();
  private readonly adminIds: ReadonlySet<string>;
  private readonly cache = new Map<string, ExclusionHit | null>();

  constructor(
    private readonly policy: Policy,
    snapshot: Snapshot,
    /** `YYYY-MM-DD` (UTC) of `now`: an exclusion applies up to and including its `until` day. */
    private readonly today: string,
    groupIdsByName: ReadonlyMap<string, readonly string[]>,
    private readonly serviceAccountIds: ReadonlySet<string>,
  ) {
    this.adminIds = new Set(snapshot.adminAccountIds);
    const { exclude } = policy;
    for (const a of exclude.accounts) {
      this.add(
        {
          label: a.email ?? a.accountId ?? '',
          reason: a.reason,
          until: a.until,
          source: a.source,
          kind: 'account',
        },
        (entry) => {
          if (a.accountId !== undefined) setFirst(this.byAccountId, a.accountId, entry);
          if (a.email !== undefined) setFirst(this.byEmail, a.email.toLowerCase(), entry);
        },
      );
    }
    for (const g of exclude.groups) {
      this.add(
        {
          label: `group ${g.name}`,
          reason: g.reason,
          until: g.until,
          source: g.source,
          kind: 'group',
        },
        (entry) => {
          for (const id of groupIdsByName.get(g.name.toLowerCase()) ?? [])
            setFirst(this.byGroupId, id, entry);
        },
      );
    }
    for (const d of exclude.emailDomains) {
      this.add(
        {
          label: `domain ${d.domain}`,
          reason: d.reason,
          until: d.until,
          source: d.source,
          kind: 'emailDomain',
        },
        (entry) => setFirst(this.byDomain, d.domain.toLowerCase(), entry),
      );
    }
  }

  private add(entry: Omit<Listed, 'order'>, index: (entry: Listed) => void): void {
    const listed = { ...entry, order: this.listed.length };
    this.listed.push(listed);
    if (!this.isExpired(listed)) index(listed);
  }

  private isExpired(entry: Listed): boolean {
    return entry.until !== undefined && entry.until < this.today;
  }

  /** Exclusions known from the snapshot alone; the first kind in SPEC order wins. */
  match(user: SnapshotUser): ExclusionHit | null {
    const cached = this.cache.get(user.accountId);
    if (cached !== undefined) return cached;
    const hit = this.compute(user);
    this.cache.set(user.accountId, hit);
    return hit;
  }

  /**
   * A product admin (`atlassian/admin`) or platform admin the candidate's own role read shows:
   * belt and braces beside the snapshot's admin search.
   */
  matchRoles(roles: readonly UserResourceRoles[]): ExclusionHit | null {
    if (!this.policy.exclude.admins) return null;
    const admin = roles.some((entry) => entry.roles.some((r) => ADMIN_ROLES.has(r.role)));
    return admin ? ADMIN_HIT : null;
  }

  private compute(user: SnapshotUser): ExclusionHit | null {
    const { exclude } = this.policy;
    if (
      exclude.admins &&
      (this.adminIds.has(user.accountId) || user.platformRoles.some((r) => ADMIN_ROLES.has(r)))
    ) {
      return ADMIN_HIT;
    }
    const email = user.email;
    if (exclude.serviceAccounts) {
      if (isServiceAccount(user, this.serviceAccountIds)) {
        return SERVICE_ACCOUNT_HIT;
      }
      if (user.accountType !== 'atlassian') {
        return { kind: 'accountType', reason: `account type ${user.accountType}` };
      }
    }
    let first: Listed | undefined;
    const consider = (entry: Listed | undefined) => {
      if (entry && (!first || entry.order < first.order)) first = entry;
    };
    consider(this.byAccountId.get(user.accountId));
    // Lower-case (allocate) only when an exclusion of that length exists: this runs per candidate.
    this.lengths ??= lengthsOf(this.byEmail, this.byDomain);
    if (email !== null) {
      // Lower-casing can change the length of non-ASCII text: then always look it up.
      const ascii = isAscii(email);
      if (!ascii || this.lengths.emails.has(email.length))
        consider(this.byEmail.get(email.toLowerCase()));
      if (!ascii || this.lengths.domains.has(email.length - email.lastIndexOf('@') - 1)) {
        consider(this.byDomain.get(emailDomainOf(email)!));
      }
    }
    if (this.byGroupId.size > 0) {
      for (const id of user.groupIds) consider(this.byGroupId.get(bareGroupId(id)));
    }
    if (first) return { kind: first.kind, reason: first.reason };
    // Safety: with a hidden email a domain exclusion cannot be checked, so it must not be bypassed.
    if (email === null && this.byDomain.size > 0) return EMAIL_HIDDEN_HIT;
    return null;
  }

  private lengths: { emails: ReadonlySet<number>; domains: ReadonlySet<number> } | null = null;

  private readonly used = new Set<Listed>();

  /**
   * Notes which exclusions match this account, for `exclusion-unused`. Called once for every
   * account of the snapshot (a million), so it lower-cases only emails whose length could match.
   */
  observe(user: SnapshotUser): void {
    if (
      this.byAccountId.size + this.byEmail.size + this.byGroupId.size + this.byDomain.size ===
      0
    ) {
      return;
    }
    this.lengths ??= lengthsOf(this.byEmail, this.byDomain);
    if (this.byAccountId.size > 0) this.mark(this.byAccountId.get(user.accountId));
    const email = user.email;
    if (email !== null) {
      const ascii = isAscii(email);
      if (!ascii || this.lengths.emails.has(email.length))
        this.mark(this.byEmail.get(email.toLowerCase()));
      if (!ascii || this.lengths.domains.has(email.length - email.lastIndexOf('@') - 1)) {
        this.mark(this.byDomain.get(emailDomainOf(email)!));
      }
    }
    if (this.byGroupId.size > 0) {
      for (let g = 0; g < user.groupIds.length; g++) {
        this.mark(this.byGroupId.get(bareGroupId(user.groupIds[g])));
      }
    }
  }

  private mark(entry: Listed | undefined): void {
    if (entry) this.used.add(entry);
  }

  /**
   * `exclusion-expired` for each expired entry, `exclusion-unused` for live ones that matched no
   * account passed to `observe`.
   */
  warnings(): PlanWarning[] {
    const used = this.used;
    const warnings: PlanWarning[] = [];
    for (const entry of this.listed) {
      if (this.isExpired(entry)) {
        warnings.push({
          code: 'exclusion-expired',
          message: `${at(entry.source)}: the exclusion of ${entry.label} (${entry.reason}) expired on ${entry.until}; it no longer protects anyone`,
        });
      } else if (!used.has(entry)) {
        warnings.push({
          code: 'exclusion-unused',
          message: `${at(entry.source)}: the exclusion of ${entry.label} (${entry.reason}) matches nobody in the organisation`,
        });
      }
    }
    return warnings;
  }
}

function lengthsOf(
  byEmail: ReadonlyMap<string, unknown>,
  byDomain: ReadonlyMap<string, unknown>,
): { emails: ReadonlySet<number>; domains: ReadonlySet<number> } {
  return {
    emails: new Set([...byEmail.keys()].map((e) => e.length)),
    domains: new Set([...byDomain.keys()].map((d) => d.length)),
  };
}

function setFirst<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (!map.has(key)) map.set(key, value);
}
