/**
 * The cautious values a starter policy begins with. They are meant to make the first plans
 * small and unsurprising: a long inactivity window, a long grace period for people who never
 * used a product, two weeks' notice, and limits well below the defaults, so that a first plan
 * that would remove more than a handful of seats is proposed for reading but blocked from apply.
 */
import { DEFAULT_LIMITS } from '../policy/types.js';

export const STARTER_RULE = {
  /** A quarter without use: long enough that holidays, leave and quarterly users are safe. */
  inactiveDays: 90,
  /** People licensed but never active get as long as everyone else. */
  graceDays: 90,
  /** Two weeks' warning in the plan's "upcoming" list. */
  noticeDays: 14,
} as const;

export const STARTER_LIMITS = {
  /** Per plan; the default is 500. */
  maxRemovals: 50,
  /** Of one product's seats on one site per plan; the default is 10. */
  maxRemovalsPercent: 5,
  planTtlHours: DEFAULT_LIMITS.planTtlHours,
  activityLagHours: DEFAULT_LIMITS.activityLagHours,
  minActivityCoverage: DEFAULT_LIMITS.minActivityCoverage,
} as const;

/** Rule ids are kebab-case and at most 64 characters (the policy schema). */
export const RULE_ID_MAX = 64;
