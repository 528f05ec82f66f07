/**
 * SPEC §5 transport rules under the sandbox's fault injection, for the plan: whatever the
 * transport goes through (429 storms that give only X-RateLimit-Reset, random 503s, connection
 * resets, slow and stalling pages), the plan is byte-identical to the fault-free plan — or the
 * run fails as a whole, exit 1, and no plan is written. Time is virtual: the sandbox's rate-limit
 * windows and the client's waits share one clock that moves only when the client sleeps.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AtlassianApiError } from '../../src/atlassian/errors.js';
import { planCommand } from '../../src/commands/plan.js';
import type { SandboxOptions } from '../../src/sandbox/index.js';
import { stallingFetch } from './support/faulty-fetch.js';
import {
  failCursorPages,
  FAULT_POLICY,
  planIn,
  rateLimitStorm,
  startWorld,
  type World,
} from './support/world.js';

let baseline: { text: string; planned: number; requests: number; cursorPages: number };
let world: World | undefined;

const hasCursor = (body: unknown) =>
  typeof (body as { cursor?: unknown } | undefined)?.cursor === 'string';

beforeAll(async () => {
  const clean = await startWorld();
  try {
    const { plan, text } = await planIn(clean);
    baseline = {
      text,
      planned: plan.actions.filter((a) => a.status === 'planned').length,
      requests: clean.sandbox.counters.total,
      cursorPages: clean.sandbox.requests.filter((r) => hasCursor(r.body)).length,
    };
  } finally {
    await clean.close();
  }
});

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function faultyWorld(options: Partial<SandboxOptions>): Promise<World> {
  world = await startWorld(options);
  return world;
}

describe('a plan under faults is byte-identical to the fault-free plan', () => {
  it('has something to compare: removals on several resources, read over several pages', () => {
    expect(baseline.planned).toBeGreaterThan(20);
    expect(baseline.cursorPages).toBeGreaterThan(0);
  });

  it('429 storm with only X-RateLimit-Reset (half the requests refused, 20 a window): waits for each reset', async () => {
    const w = await faultyWorld({ rateLimit: 20, retryAfter: false });
    rateLimitStorm(w.sandbox, 2);
    const client = w.client();
    const { text } = await planIn(w, client);
    expect(text).toBe(baseline.text);
    expect(w.sandbox.counters.rateLimited).toBeGreaterThan(baseline.requests / 2);
    expect(client.counters().rateLimited).toBe(w.sandbox.counters.rateLimited);
    // Every wait was until a window's reset (a minute at most), never a blind 5-30 s backoff
    // repeated until the retries ran out; the virtual clock crossed many windows.
    expect(Math.max(...w.time.waits)).toBeLessThanOrEqual(60_000);
    expect(w.time.waitedMs).toBeGreaterThan(5 * 60_000);
  });

  it.each([0.05, 0.1])('%p of requests answered 503', async (faultRate) => {
    const w = await faultyWorld({ faultRate });
    const client = w.client();
    const { text } = await planIn(w, client);
    expect(text).toBe(baseline.text);
    expect(w.sandbox.counters.faults).toBeGreaterThan(0);
    expect(client.counters().retries).toBe(w.sandbox.counters.faults);
  });

  it('connection resets (5%) and 503s (5%)', async () => {
    const w = await faultyWorld({ resetRate: 0.05, faultRate: 0.05 });
    const { text } = await planIn(w);
    expect(text).toBe(baseline.text);
    expect(w.sandbox.requests.filter((r) => r.status === 0).length).toBeGreaterThan(0);
  });

  it('slow pages: latency on every answer, and pages that stall past the client timeout twice', async () => {
    const w = await faultyWorld({ latencyMs: 5 });
    let stalls = 2;
    const stalling = stallingFetch((_method, _url, body) => hasCursor(body) && stalls-- > 0);
    // The timeout is real time (a stalled socket is): short, but well above a loaded machine's
    // answer time, so that only the stalls time out.
    const client = w.client({ fetch: stalling.fetch, timeoutMs: 750 });
    const { text } = await planIn(w, client);
    expect(text).toBe(baseline.text);
    expect(stalling.stalled).toBe(2);
    expect(client.counters().retries).toBeGreaterThanOrEqual(2);
  });

  it('everything at once: a storm, 10% 503s, 5% resets and latency', async () => {
    const w = await faultyWorld({ rateLimit: 30, faultRate: 0.1, resetRate: 0.05, latencyMs: 2 });
    rateLimitStorm(w.sandbox, 3);
    const { text } = await planIn(w);
    expect(text).toBe(baseline.text);
    expect(w.sandbox.counters.faults).toBeGreaterThan(20);
  });
});

describe('a plan that cannot read a page fails as a whole', () => {
  it('a page that keeps answering 503 mid-pagination: the pipeline rejects, naming the request', async () => {
    const w = await faultyWorld({});
    failCursorPages(w.sandbox, 503);
    const failure = await planIn(w).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AtlassianApiError);
    expect(failure).toMatchObject({ status: 503, route: expect.stringContaining('users/search') });
    // Retried (Atlassian's guidance: 4 repeats), then given up: not one page short of a plan.
    expect((failure as AtlassianApiError).attempts).toBe(5);
  });

  it('a page whose connection keeps resetting mid-pagination: the pipeline rejects', async () => {
    const w = await faultyWorld({});
    w.sandbox.faults.failNext({
      route: 'users.search',
      reset: true,
      times: 100_000,
      match: (r) => hasCursor(r.body),
    });
    await expect(planIn(w)).rejects.toMatchObject({ kind: 'network', status: null });
  });

  it('the CLI exits 1 with a clear message and writes no plan, state, Markdown or audit', async () => {
    const w = await faultyWorld({});
    // The CLI's client runs on the real clock: the 503s say "retry now" so nothing waits.
    failCursorPages(w.sandbox, 503, { 'Retry-After': '0' });
    const cwd = mkdtempSync(path.join(tmpdir(), 'lp-plan-cli-'));
    try {
      mkdirSync(path.join(cwd, 'policies'));
      writeFileSync(path.join(cwd, 'policies', 'policy.yml'), FAULT_POLICY);
      const out: string[] = [];
      const err: string[] = [];
      const code = await planCommand(
        ['--markdown', 'plan.md', '--audit', 'audit.csv', '--now', '2026-11-30T06:00:00Z'],
        {
          stdout: (t) => out.push(t),
          stderr: (t) => err.push(t),
          env: {
            ATLASSIAN_ORG_ID: w.sandbox.orgId,
            ATLASSIAN_API_KEY: w.sandbox.apiKey,
            ATLASSIAN_API_URL: w.sandbox.url,
          },
          cwd,
        },
      );
      expect(code).toBe(1);
      expect(out.join('')).toBe('');
      const stderr = err.join('');
      expect(stderr).toMatch(/license-policy plan: .*503/);
      expect(stderr).toContain('users/search');
      expect(stderr).not.toContain(w.sandbox.apiKey);
      expect(readdirSync(cwd)).toEqual(['policies']);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
