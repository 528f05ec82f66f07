/**
 * BASELINE — a deliberately naive reference implementation, NOT the product.
 *
 * It does what public inactive-user scripts do: list every account of the organisation (users
 * search, 100 a page), then ask the per-user last-active-dates endpoint for each account, one
 * request after another, and flag whoever has not used Jira Software or Confluence for 30 days.
 * Its cost grows with the whole org (pages + one request per account), not with the licences the
 * policy governs. It knows nothing of exclusions, access paths or collateral: it exists only so
 * that the benchmarks can compare our request count and wall time with this approach, in the
 * same run, against the same sandbox.
 *
 * Runs as its own process. Arguments: one JSON object (`NaivePlanArgs`) in argv[2]. Prints one
 * JSON line (`NaivePlanReport`).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { peakRssMb, report, since } from '../lib/measure.js';

export interface NaivePlanArgs {
  url: string;
  orgId: string;
  apiKey: string;
  /** ISO time "now" for the 30-day threshold. */
  now: string;
}

export interface NaivePlanReport {
  wallMs: number;
  peakRssMb: number;
  requests: number;
  byRoute: Record<string, number>;
  rateLimited: number;
  accounts: number;
  /** Accounts with a Jira Software or Confluence entry last active over 30 days (+1 day) ago. */
  flagged: number;
}

interface SearchPage {
  data?: Array<{ accountId?: string }>;
  links?: { next?: string | null };
}

interface LastActivePage {
  data?: { product_access?: Array<{ key?: string; last_active_timestamp?: string }> };
}

const args = JSON.parse(process.argv[2] ?? '{}') as NaivePlanArgs;
const byRoute: Record<string, number> = {};
let requests = 0;
let rateLimited = 0;

/** One request; on 429, wait as the headers say and try again (what the better scripts do). */
async function call<T>(route: string, path: string, init: RequestInit = {}): Promise<T> {
  for (;;) {
    requests += 1;
    byRoute[route] = (byRoute[route] ?? 0) + 1;
    const response = await fetch(`${args.url}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${args.apiKey}`,
        Accept: 'application/json',
        'Content-Type': 'application/json',
      },
    });
    if (response.status === 429) {
      rateLimited += 1;
      const reset = Date.parse(response.headers.get('x-ratelimit-reset') ?? '');
      await response.arrayBuffer();
      await sleep(Number.isNaN(reset) ? 1000 : Math.max(0, reset - Date.now()));
      continue;
    }
    if (!response.ok) throw new Error(`${route}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }
}

const start = performance.now();
const org = encodeURIComponent(args.orgId);

// 1. Every account of the org.
const accountIds: string[] = [];
let cursor: string | undefined;
do {
  const page = await call<SearchPage>(
    'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search',
    `/admin/v2/orgs/${org}/directories/-/users/search`,
    { method: 'POST', body: JSON.stringify({ limit: 100, ...(cursor ? { cursor } : {}) }) },
  );
  for (const user of page.data ?? []) if (user.accountId) accountIds.push(user.accountId);
  cursor = page.links?.next ?? undefined;
} while (cursor);

// 2. Last-active dates, one account at a time.
const thresholdMs = Date.parse(args.now) - (30 * 24 + 24) * 3_600_000;
let flagged = 0;
for (const accountId of accountIds) {
  const page = await call<LastActivePage>(
    'GET /admin/v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates',
    `/admin/v1/orgs/${org}/directory/users/${encodeURIComponent(accountId)}/last-active-dates`,
  );
  const stale = (page.data?.product_access ?? []).some(
    (p) =>
      (p.key === 'jira-software' || p.key === 'confluence') &&
      p.last_active_timestamp !== undefined &&
      Date.parse(p.last_active_timestamp) < thresholdMs,
  );
  if (stale) flagged += 1;
}

const result: NaivePlanReport = {
  wallMs: since(start),
  peakRssMb: peakRssMb(),
  requests,
  byRoute,
  rateLimited,
  accounts: accountIds.length,
  flagged,
};
report(result);
