/**
 * SPEC §5 under faults, for apply: whatever the transport goes through, an apply reaches the
 * same final Atlassian state as a fault-free apply of the same plan on the same organisation —
 * or it stops before writing anything and says why, and a re-run then completes. Each scenario
 * starts its own sandbox (the same generated organisation) because apply changes it.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditRow } from '../../src/audit/types.js';
import { operationKey } from '../../src/apply/operations.js';
import type { Plan, State } from '../../src/plan/types.js';
import {
  applyIn,
  orgFingerprint,
  planIn,
  rateLimitStorm,
  startWorld,
  type World,
} from './support/world.js';
import { lostAnswerFetch } from './support/faulty-fetch.js';

interface Baseline {
  plan: Plan;
  text: string;
  state: State;
  fingerprintBefore: string;
  fingerprintAfter: string;
  counts: Record<string, number>;
  writes: string[];
}

let baseline: Baseline;

const isPlanned = (a: Plan['actions'][number]) => a.status === 'planned';

/** Every write the plan's planned actions list, as `accountId operation`, duplicates kept. */
function plannedOperations(plan: Plan): string[] {
  return plan.actions
    .filter(isPlanned)
    .flatMap((a) => a.operations.map((op) => `${a.accountId} ${operationKey(op)}`));
}
let world: World | undefined;

const writesOf = (w: World): string[] =>
  w.sandbox
    .writes()
    .filter((r) => r.status >= 200 && r.status < 300)
    .map((r) => `${r.method} ${r.path}${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}`)
    .sort();

beforeAll(async () => {
  const clean = await startWorld();
  try {
    const { plan, text, nextState } = await planIn(clean);
    const fingerprintBefore = orgFingerprint(clean.model);
    clean.sandbox.resetLog();
    const applied = await applyIn(clean, plan, nextState);
    if (applied.exitCode !== 0) throw new Error('the fault-free apply failed');
    baseline = {
      plan,
      text,
      state: nextState,
      fingerprintBefore,
      fingerprintAfter: orgFingerprint(clean.model),
      counts: applied.result.counts,
      writes: writesOf(clean),
    };
  } finally {
    await clean.close();
  }
});

afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A world with the baseline's organisation, checked to plan exactly the baseline plan. */
async function twin(options: Parameters<typeof startWorld>[0] = {}): Promise<World> {
  world = await startWorld(options);
  expect(orgFingerprint(world.model)).toBe(baseline.fingerprintBefore);
  return world;
}

describe('an apply under faults reaches the fault-free final state', () => {
  it('has something to compare: the fault-free apply changes the org with every kind of write', () => {
    expect(baseline.fingerprintAfter).not.toBe(baseline.fingerprintBefore);
    expect(baseline.counts).toEqual({ applied: baseline.plan.actions.filter(isPlanned).length });
    expect(baseline.counts.applied).toBeGreaterThan(20);
    expect(baseline.writes.some((w) => w.startsWith('DELETE '))).toBe(true);
    expect(baseline.writes.some((w) => w.includes('/roles/revoke'))).toBe(true);
  });

  it('sends a write that two actions of one account share once, and both count it applied', () => {
    // acme-product-team grants Jira and Confluence: losing both seats is one membership removal.
    const ops = plannedOperations(baseline.plan);
    const distinct = new Set(ops);
    expect(distinct.size).toBeLessThan(ops.length);
    expect(baseline.writes).toHaveLength(distinct.size);
    expect(new Set(baseline.writes).size).toBe(baseline.writes.length);
  });

  it('429 storm (X-RateLimit-Reset only), 10% 503s and 5% connection resets on every request, writes included', async () => {
    const w = await twin({ rateLimit: 25, faultRate: 0.1, resetRate: 0.05 });
    rateLimitStorm(w.sandbox, 3);
    const client = w.client();
    const applied = await applyIn(w, baseline.plan, baseline.state, { client });
    const writeAttempts = w.sandbox.writes();
    expect(writeAttempts.filter((r) => r.status === 429).length).toBeGreaterThan(5);
    expect(writeAttempts.filter((r) => r.status === 503 || r.status === 0).length).toBeGreaterThan(
      0,
    );
    expect(w.sandbox.counters.rateLimited).toBeGreaterThan(50);
    expect(orgFingerprint(w.model)).toBe(baseline.fingerprintAfter);
    expect(applied.exitCode).toBe(0);
    expect(applied.result.counts).toEqual(baseline.counts);
    // The faults fired before the writes took effect, so each write succeeded exactly once.
    expect(writesOf(w)).toEqual(baseline.writes);
  });

  it('answers lost after the write took effect: the repeat gets 404, a re-read settles it as applied', async () => {
    const w = await twin();
    const lost = lostAnswerFetch();
    const rows: AuditRow[] = [];
    const applied = await applyIn(w, baseline.plan, baseline.state, {
      client: w.client({ fetch: lost.fetch }),
      audit: (row) => rows.push(row),
    });
    expect(lost.lostAnswers).toBe(baseline.writes.length);
    expect(orgFingerprint(w.model)).toBe(baseline.fingerprintAfter);
    expect(applied.exitCode).toBe(0);
    // This run removed the seats: the audit must not say someone else had (already-absent).
    expect(applied.result.counts).toEqual(baseline.counts);
    const opRows = rows.filter((r) => r.operation !== '');
    expect(opRows).toHaveLength(plannedOperations(baseline.plan).length);
    expect(new Set(opRows.map((r) => r.outcome))).toEqual(new Set(['applied']));
    expect(opRows.every((r) => r.detail.includes('answer was lost'))).toBe(true);
  });

  it('a fresh-evaluation page that keeps failing: apply stops before any write; a re-run completes', async () => {
    const w = await twin();
    w.sandbox.faults.failNext({
      route: 'users.search',
      status: 503,
      times: 1000,
      match: (r) => typeof (r.body as { cursor?: unknown } | undefined)?.cursor === 'string',
    });
    const rows: AuditRow[] = [];
    await expect(
      applyIn(w, baseline.plan, baseline.state, { audit: (row) => rows.push(row) }),
    ).rejects.toMatchObject({ status: 503 });
    expect(w.sandbox.writes()).toEqual([]);
    expect(rows).toEqual([]);
    expect(orgFingerprint(w.model)).toBe(baseline.fingerprintBefore);

    w.sandbox.faults.clear();
    const again = await applyIn(w, baseline.plan, baseline.state);
    expect(again.exitCode).toBe(0);
    expect(orgFingerprint(w.model)).toBe(baseline.fingerprintAfter);
  });

  it('verification reads that keep failing: unverified and exit 1, never "applied"; a re-run finds every seat gone', async () => {
    const w = await twin();
    // The fresh evaluation's searches carry expand; the verification reads filter on account ids.
    w.sandbox.faults.failNext({
      route: 'users.search',
      status: 500,
      times: 10_000,
      match: (r) => Array.isArray((r.body as { accountIds?: unknown } | undefined)?.accountIds),
    });
    const first = await applyIn(w, baseline.plan, baseline.state);
    expect(first.exitCode).toBe(1);
    expect(first.result.counts).toEqual({ unverified: baseline.counts.applied });
    expect(orgFingerprint(w.model)).toBe(baseline.fingerprintAfter);

    w.sandbox.faults.clear();
    w.sandbox.resetLog();
    const second = await applyIn(w, baseline.plan, baseline.state);
    expect(second.exitCode).toBe(0);
    expect(w.sandbox.writes()).toEqual([]);
    expect(second.result.counts).toEqual({ 'already-absent': baseline.counts.applied });
  });
});

const SUSPEND_POLICY = `version: 1
rules:
  - id: jira-suspend
    product: jira-software
    inactiveDays: 30
    action: suspend
  - id: confluence-suspend
    product: confluence
    inactiveDays: 30
    action: suspend
limits:
  maxRemovals: 5000
  maxRemovalsPercent: 100
`;

describe('suspensions (not safe to repeat blindly) under faults', () => {
  it('a suspend whose answer is a 503 or a reset fails clearly and is not repeated; a re-run completes', async () => {
    const clean = await startWorld({}, SUSPEND_POLICY);
    let reference: { plan: Plan; state: State; fingerprint: string; suspends: number };
    try {
      const { plan, nextState } = await planIn(clean);
      const applied = await applyIn(clean, plan, nextState);
      reference = {
        plan,
        state: nextState,
        fingerprint: orgFingerprint(clean.model),
        suspends: clean.sandbox.writes().filter((r) => r.route === 'user.suspend').length,
      };
      expect(applied.exitCode).toBe(0);
    } finally {
      await clean.close();
    }
    expect(reference.suspends).toBeGreaterThan(3);

    const w = (world = await startWorld({}, SUSPEND_POLICY));
    w.sandbox.faults.failNext({ route: 'user.suspend', status: 503, times: 2 });
    w.sandbox.faults.failNext({ route: 'user.suspend', reset: true });
    const first = await applyIn(w, reference.plan, reference.state);
    expect(first.exitCode).toBe(1);
    expect(first.result.counts.failed).toBe(3);
    const suspends = w.sandbox.writes().filter((r) => r.route === 'user.suspend');
    // Each account's suspend was sent once: a write that is not idempotent is never repeated
    // after an ambiguous failure; the re-read says it did not happen.
    expect(new Set(suspends.map((r) => r.path)).size).toBe(suspends.length);
    expect(suspends.filter((r) => r.status === 503 || r.status === 0)).toHaveLength(3);

    w.sandbox.resetLog();
    const second = await applyIn(w, reference.plan, reference.state);
    expect(second.exitCode).toBe(0);
    expect(
      w.sandbox
        .writes()
        .map((r) => r.path)
        .sort(),
    ).toEqual(
      suspends
        .filter((r) => r.status !== 204)
        .map((r) => r.path)
        .sort(),
    );
    expect(orgFingerprint(w.model)).toBe(reference.fingerprint);
  });
});
