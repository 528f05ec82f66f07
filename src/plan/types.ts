/**
 * The plan (SPEC §4): data rendered for review, and the same data that apply executes.
 * Written as `plans/<planId>.json` with sorted keys, LF line endings and a final newline;
 * `digest` is the SHA-256 of the RFC 8785 canonical JSON of the plan without `digest`.
 */

import type { AuditOutcome } from '../audit/types.js';
import type { LicensedSince } from './licensed-since.js';

export const PLAN_SCHEMA_VERSION = 1;

export type ActionStatus =
  'planned' | 'needs-idp-change' | 'needs-manual' | 'needs-review' | 'skipped-collateral';

export type Operation =
  | {
      type: 'remove-group-membership';
      directoryId: string;
      groupId: string;
      groupName: string;
      /**
       * Optional: why the API cannot do this one (on `needs-idp-change` / `needs-manual` actions):
       * `idp-synced` (the group is managed by the identity provider) or `not-modifiable`
       * (`managementAccess.modifiable: false`). The rendering groups the IdP and manual change
       * lists by these groups; without it, every group operation of such an action is listed.
       */
      blockedBy?: 'idp-synced' | 'not-modifiable';
    }
  | { type: 'revoke-role'; role: string; resourceId: string }
  | { type: 'suspend'; directoryId: string }
  // Restore plans (SPEC §9) give back what an apply removed.
  | { type: 'add-group-membership'; directoryId: string; groupId: string; groupName: string }
  | { type: 'assign-role'; role: string; resourceId: string }
  | { type: 'restore-user'; directoryId: string };

export type OperationType = Operation['type'];

export interface PlanAction {
  /** Stable id: `act-` + 16 hex of SHA-256 over `kind, accountId, resourceId` (same user+resource → same id across runs). */
  id: string;
  /** Every rule that matched; the first (file order) is the primary. */
  ruleIds: string[];
  /** `remove-product-access` | `suspend` | `restore`. */
  kind: 'remove-product-access' | 'suspend' | 'restore';
  accountId: string;
  email: string | null;
  name: string | null;
  product: string;
  site: string;
  resourceId: string;
  directoryId: string;
  lastActive: string | null;
  licensedSince: string | null;
  /** Whole days since max(lastActive, licensedSince); null when unknown. */
  inactiveDays: number | null;
  /** One human sentence: why this user (e.g. "inactive 41 days (threshold 30)"). */
  reason: string;
  status: ActionStatus;
  operations: Operation[];
  /** Notes a reviewer needs: "licence start unknown (first run)", the IdP group to change, collateral. */
  notes: string[];
  /** The groups the user is in (names), for the review table. */
  groups: string[];
  /** For suspend: every product+site the suspension removes. */
  removes?: Array<{ product: string; site: string; resourceId: string }>;
}

export interface ProtectedEntry {
  accountId: string;
  email: string | null;
  name: string | null;
  product: string;
  site: string;
  resourceId: string;
  ruleIds: string[];
  /** The exclusion's reason, or `admin`, `service account`, `email hidden`, ... */
  reason: string;
  /** `account` | `group` | `emailDomain` | `admin` | `serviceAccount` | `accountType` | `emailHidden` */
  exclusion: string;
}

export interface ActivityUnknownEntry {
  accountId: string;
  email: string | null;
  name: string | null;
  product: string;
  site: string;
  resourceId: string;
  reason: string;
}

export interface UpcomingEntry {
  accountId: string;
  email: string | null;
  name: string | null;
  product: string;
  site: string;
  resourceId: string;
  ruleId: string;
  /** ISO timestamp when the user becomes eligible if they stay inactive. */
  eligibleAt: string;
  lastActive: string | null;
}

export interface PlanWarning {
  /** Machine-readable: `first-run`, `exclusion-expired`, `exclusion-unused`, `target-unreachable`, `activity-unknown`, `snapshot`, ... */
  code: string;
  message: string;
}

export interface BlockReason {
  /** `max-removals` | `max-removals-percent` | `activity-data-missing` */
  code: string;
  message: string;
  product?: string;
  site?: string;
  limit: number;
  actual: number;
  /** False for `activity-data-missing`: no label or flag overrides it. */
  overridable: boolean;
  /** For activity-data-missing: the productAccess ids and keys that matched no governed resource. */
  unmatchedActivity?: Array<{ id: string; key: string | null; users: number }>;
}

export interface ProductSiteSummary {
  product: string;
  site: string;
  resourceId: string;
  licensed: number;
  toRemove: number;
  after: number;
  /** list-price estimate; null when the policy has no price for the product. */
  monthlySavings: number | null;
  yearlySavings: number | null;
  /** The workspace's licence tier when Atlassian reports it. */
  capacity: number | null;
  /** Percent of licensed users with a matching activity entry. */
  activityCoverage: number;
  /** keepAtMost target not reachable: seats still above the target. */
  shortOfTarget?: number;
}

export interface Plan {
  schemaVersion: number;
  /** `YYYY-MM-DD-` + 8 hex. */
  planId: string;
  kind: 'removal' | 'restore';
  createdAt: string;
  expiresAt: string;
  org: { id: string };
  policy: { commit: string | null; digest: string; files: string[] };
  snapshot: {
    fetchedAt: string;
    counts: { resources: number; groups: number; users: number; licensedSeats: number };
  };
  currency: string;
  summary: ProductSiteSummary[];
  actions: PlanAction[];
  protected: ProtectedEntry[];
  activityUnknown: ActivityUnknownEntry[];
  upcoming: UpcomingEntry[];
  warnings: PlanWarning[];
  blocked: BlockReason[];
  /** For restore plans: the apply this restore undoes. */
  restoreOf?: { planId: string; planDigest: string; auditFile: string };
  digest: string;
}

/** State kept between runs (`--state FILE`, or the state branch in the action). */
export interface State {
  schemaVersion: 1;
  orgId: string | null;
  /**
   * When each account+resource licence was first seen (in the file: keyed
   * `${accountId} ${resourceId}`). `estimated` marks the first run's `addedToOrg` fallback.
   */
  licensedSince: LicensedSince;
  lastApplied: { planId: string; createdAt: string } | null;
}

export const STATE_SCHEMA_VERSION = 1;

export function licenceKey(accountId: string, resourceId: string): string {
  return `${accountId} ${resourceId}`;
}

/** What the engine produces; `finalizePlan` (src/plan) adds `planId` and `digest`. */
export type PlanBody = Omit<Plan, 'planId' | 'digest'>;

/** One action's outcome in an apply (or a dry run), as the apply summary renders it. */
export interface ApplyOutcomeEntry {
  actionId: string;
  accountId: string;
  email: string | null;
  name: string | null;
  product: string;
  site: string;
  outcome: AuditOutcome;
  /** Human text: the failure, the reason it was skipped, what was verified. */
  detail: string;
}

/** What an apply run did, for `renderApplyMarkdown`. */
export interface ApplyResult {
  planId: string;
  outcomes: ApplyOutcomeEntry[];
  /** Actions per outcome (`applied`, `failed`, ...). */
  counts: Record<string, number>;
  dryRun: boolean;
}
