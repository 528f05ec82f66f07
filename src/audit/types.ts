/** The audit CSV (SPEC §6): one row per decision, columns in this exact order. */

export const AUDIT_COLUMNS = [
  'timestamp',
  'run_id',
  'plan_id',
  'phase',
  'rule_id',
  'account_id',
  'email',
  'name',
  'product',
  'site',
  'last_active',
  'inactive_days',
  'operation',
  'target',
  'outcome',
  'detail',
  'policy_commit',
  'plan_digest',
  'pr_number',
  'approved_by',
] as const;

export type AuditColumn = (typeof AUDIT_COLUMNS)[number];

export type AuditPhase = 'plan' | 'apply' | 'restore';

export type AuditOutcome =
  | 'planned'
  | 'upcoming'
  | 'protected'
  | 'needs-idp-change'
  | 'needs-manual'
  | 'needs-review'
  | 'skipped-collateral'
  | 'refused'
  | 'applied'
  | 'partial'
  | 'unverified'
  | 'already-absent'
  | 'skipped-now-active'
  | 'skipped-now-excluded'
  | 'skipped-policy-changed'
  | 'failed'
  | 'dry-run'
  | 'restored';

/** One audit row; every cell is text (empty string when not applicable). */
export type AuditRow = Record<AuditColumn, string> & { phase: AuditPhase; outcome: AuditOutcome };
