import { afterEach, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { AtlassianApiError } from '../../../src/atlassian/errors.js';
import {
  AtlassianHttp,
  backoffMs,
  parseRateLimitReset,
  parseRetryAfter,
  type AtlassianHttpOptions,
  type RequestSpec,
} from '../../../src/atlassian/http.js';
import {
  API_KEY,
  errorsBody,
  fakeTime,
  startServer,
  type FakeTime,
  type Handler,
  type Reply,
  type TestServer,
} from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(
  handler: Handler,
  options: Partial<AtlassianHttpOptions> = {},
  time: FakeTime = fakeTime(),
) {
  server = await startServer(handler);
  const http = new AtlassianHttp({
    apiKey: API_KEY,
    baseUrl: server.url,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    ...options,
  });
  return { server, time, http };
}

const getOrg: RequestSpec = {
  method: 'GET',
  path: '/admin/v1/orgs/org-1',
  route: 'GET /admin/v1/orgs/{orgId}',
  retry: 'read',
};
const search: RequestSpec = {
  method: 'POST',
  path: '/admin/v2/orgs/org-1/directories/dir-1/users/search',
  route: 'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search',
  body: { limit: 100 },
  retry: 'read',
};
const suspend: RequestSpec = {
  method: 'POST',
  path: '/admin/v2/orgs/org-1/directories/dir-1/users/acc-1/suspend',
  route: 'POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/suspend',
  retry: 'write',
};
const removeMembership: RequestSpec = {
  method: 'DELETE',
  path: '/admin/v2/orgs/org-1/directories/dir-1/groups/g-1/memberships/acc-1',
  route:
    'DELETE /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId}',
  retry: 'idempotent-write',
};

/** Answers `replies` in order, then 200 `{ ok: true }`. */
function sequence(...replies: Reply[]): Handler {
  let i = 0;
  return () => replies[i++] ?? { status: 200, body: { ok: true } };
}

const WINDOW_MS = 60_000;

/**
 * A server on the test's clock that allows `limit` requests a fixed minute, answers each after
 * `answerAfterMs` of real time with Atlassian's rate-limit headers, and 429 past the limit.
 */
async function windowedServer(time: FakeTime, options: { limit: number; answerAfterMs: number }) {
  const { limit, answerAfterMs } = options;
  let windowStart = time.now();
  let used = 0;
  let tooMany = 0;
  let inFlight = 0;
  /** How many requests were in flight when each answer left the server. */
  const inFlightAtAnswer: number[] = [];
  server = await startServer(async () => {
    inFlight += 1;
    if (time.now() >= windowStart + WINDOW_MS) {
      windowStart += WINDOW_MS * Math.floor((time.now() - windowStart) / WINDOW_MS);
      used = 0;
    }
    await new Promise((r) => setTimeout(r, answerAfterMs));
    const headers = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Reset': new Date(windowStart + WINDOW_MS).toISOString(),
    };
    inFlightAtAnswer.push(inFlight);
    inFlight -= 1;
    if (used >= limit) {
      tooMany += 1;
      return { status: 429, headers: { ...headers, 'X-RateLimit-Remaining': '0' } };
    }
    used += 1;
    return {
      status: 200,
      body: {},
      headers: { ...headers, 'X-RateLimit-Remaining': String(limit - used) },
    };
  });
  return { server, inFlightAtAnswer, tooMany: () => tooMany };
}

describe('the Atlassian transport', () => {
  it('sends the key as a Bearer token, JSON bodies, and paths under the base URL', async () => {
    const { server, http } = await setup(() => ({ status: 200, body: { data: [] } }));
    const response = await http.request<{ data: unknown[] }>(search);
    expect(response.body).toEqual({ data: [] });
    const [sent] = server.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe('/admin/v2/orgs/org-1/directories/dir-1/users/search');
    expect(sent?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.accept).toBe('application/json');
    expect(sent?.body).toEqual({ limit: 100 });
  });

  it('repeats array query parameters (OpenAPI form/explode)', async () => {
    const { server, http } = await setup(() => ({ status: 200, body: {} }));
    await http.request({
      ...getOrg,
      query: { roleIds: ['a', 'b'], limit: 100, cursor: undefined },
    });
    expect(server.requests[0]?.query.getAll('roleIds')).toEqual(['a', 'b']);
    expect(server.requests[0]?.query.get('limit')).toBe('100');
    expect(server.requests[0]?.query.has('cursor')).toBe(false);
  });

  it('waits Retry-After seconds after a 429 and then succeeds', async () => {
    const { server, time, http } = await setup(
      sequence({
        status: 429,
        headers: { 'Retry-After': '30' },
        body: { code: 429, message: 'Rate limit' },
      }),
    );
    const response = await http.request(getOrg);
    expect(response.status).toBe(200);
    expect(time.waits).toEqual([30_000]);
    expect(server.requests).toHaveLength(2);
    expect(http.counters()).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it('waits until X-RateLimit-Reset when a 429 has no Retry-After', async () => {
    const time = fakeTime();
    const reset = new Date(time.now() + 42_000).toISOString();
    const { server, http } = await setup(
      sequence({
        status: 429,
        headers: { 'X-RateLimit-Reset': reset, 'X-RateLimit-Remaining': '0' },
      }),
      {},
      time,
    );
    await http.request(getOrg);
    expect(time.waits).toEqual([42_000]);
    expect(server.requests).toHaveLength(2);
  });

  it('backs off 5 s, 10 s, 20 s, 30 s after header-less 429s, then gives up', async () => {
    const { server, time, http } = await setup(() => ({
      status: 429,
      body: errorsBody(429, 'ADMIN-429-1', 'Rate limit exceeded'),
    }));
    const error = await http.request(getOrg).catch((e: unknown) => e);
    expect(time.waits).toEqual([5_000, 10_000, 20_000, 30_000]);
    expect(server.requests).toHaveLength(5);
    expect(error).toBeInstanceOf(AtlassianApiError);
    expect(error).toMatchObject({ status: 429, code: 'ADMIN-429-1', attempts: 5 });
  });

  it('keeps backoff jitter within ×0.7–1.3 and the 30 s cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, () => 0))).toEqual([
      3_500, 7_000, 14_000, 21_000, 21_000,
    ]);
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, () => 0.5))).toEqual([
      5_000, 10_000, 20_000, 30_000, 30_000,
    ]);
    const high = [1, 2, 3, 4, 5].map((n) => backoffMs(n, () => 0.999999));
    expect(high).toEqual([6_500, 13_000, 26_000, 39_000, 39_000]);
  });

  it('parses Retry-After and X-RateLimit-Reset in their documented forms', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Mon, 30 Nov 2026 12:00:09 GMT', now)).toBe(9_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRateLimitReset('2026-11-30T12:01:00Z')).toBe(now + 60_000);
    expect(parseRateLimitReset('2026-11-30T12:01Z')).toBe(now + 60_000);
    expect(parseRateLimitReset(null)).toBeNull();
  });

  it('retries a read after a 503 and succeeds', async () => {
    const { server, time, http } = await setup(sequence({ status: 503, body: { errors: [] } }));
    const response = await http.request(search);
    expect(response.status).toBe(200);
    expect(time.waits).toEqual([5_000]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toEqual({ limit: 100 });
  });

  it('honours Retry-After on a 503', async () => {
    const { time, http } = await setup(sequence({ status: 503, headers: { 'Retry-After': '2' } }));
    await http.request(getOrg);
    expect(time.waits).toEqual([2_000]);
  });

  it('retries a read whose connection is reset mid-body', async () => {
    const { server, time, http } = await setup(sequence('reset-mid-body'));
    const response = await http.request(search);
    expect(response.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
    expect(time.waits).toEqual([5_000]);
  });

  it('times out a read that never answers, then retries it', async () => {
    // The timeout must also outlast the answering retry on a loaded machine, or it times out too.
    const { server, time, http } = await setup(sequence('hang'), { timeoutMs: 1_000 });
    const response = await http.request(getOrg);
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(time.waits).toEqual([5_000]);
  });

  it('fails with a timeout error after the last retry', async () => {
    const { server, http } = await setup(() => 'hang', { timeoutMs: 50, maxRetries: 1 });
    const error = await http.request(getOrg).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', status: null, attempts: 2, ambiguous: false });
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a write after a 500, and says it may have taken effect', async () => {
    const { server, time, http } = await setup(() => ({
      status: 500,
      body: errorsBody(500, 'ADMIN-500-1', 'Internal error'),
    }));
    const error = await http.request(suspend).catch((e: unknown) => e);
    expect(server.requests).toHaveLength(1);
    expect(time.waits).toEqual([]);
    expect(error).toMatchObject({ status: 500, ambiguous: true, code: 'ADMIN-500-1', attempts: 1 });
    expect((error as Error).message).toMatch(/may have taken effect/);
  });

  it('does not retry a write whose connection was reset', async () => {
    const { server, http } = await setup(() => 'reset');
    const error = await http.request(suspend).catch((e: unknown) => e);
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'network', status: null, ambiguous: true });
  });

  it('does not retry a write that timed out', async () => {
    const { server, http } = await setup(() => 'hang', { timeoutMs: 50 });
    const error = await http.request(suspend).catch((e: unknown) => e);
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'timeout', ambiguous: true });
  });

  it('retries a write refused with 429 (Atlassian did nothing)', async () => {
    const { server, time, http } = await setup(
      sequence({ status: 429, headers: { 'Retry-After': '1' } }, { status: 204 }),
    );
    const response = await http.request(suspend);
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect(server.requests).toHaveLength(2);
    expect(time.waits).toEqual([1_000]);
  });

  it('retries a write whose connection was refused (nothing was sent)', async () => {
    server = await startServer(() => ({ status: 204 }));
    let calls = 0;
    const refusing: typeof fetch = (input, init) => {
      calls += 1;
      if (calls === 1) {
        return Promise.reject(
          new TypeError('fetch failed', {
            cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
          }),
        );
      }
      return fetch(input, init);
    };
    const refusingHttp = new AtlassianHttp({
      apiKey: API_KEY,
      baseUrl: server.url,
      fetch: refusing,
      sleep: async () => {},
      random: () => 0.5,
    });
    const response = await refusingHttp.request(suspend);
    expect(response).toMatchObject({
      status: 204,
      attempts: 2,
      repeatedAfterAmbiguousFailure: false,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('repeats an idempotent removal after a 503 and marks a following 404 as ambiguous', async () => {
    const { server, http } = await setup(
      sequence(
        { status: 503 },
        { status: 404, body: errorsBody(404, 'ADMIN-404-10', 'Group not found') },
      ),
    );
    const error = await http.request(removeMembership).catch((e: unknown) => e);
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
    expect(error).toMatchObject({ status: 404, ambiguous: true, code: 'ADMIN-404-10' });
  });

  it('reports a removal that succeeded on a repeat', async () => {
    const { http } = await setup(sequence('reset', { status: 204 }));
    const response = await http.request(removeMembership);
    expect(response).toMatchObject({
      status: 204,
      attempts: 2,
      repeatedAfterAmbiguousFailure: true,
    });
  });

  it('explains a 401 and never shows the API key, even when Atlassian echoes it', async () => {
    const { http } = await setup((req) => ({
      status: 401,
      body: {
        code: 401,
        message: `Unauthorized: ${String(req.headers.authorization)} is not valid`,
      },
    }));
    const error = await http.request(getOrg).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlassianApiError);
    const message = (error as Error).message;
    expect(message).toMatch(/401/);
    expect(message).toMatch(/invalid, expired or revoked/);
    expect(message).toMatch(/create an organization API key without scopes/i);
    expect(message).toMatch(/GET \/admin\/v1\/orgs\/org-1/);
    expect(message).not.toContain(API_KEY);
    expect(inspect(error, { depth: 10 })).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
    expect((error as Error).stack ?? '').not.toContain(API_KEY);
  });

  it('explains a 403 with Atlassian’s code and detail', async () => {
    const { http } = await setup(() => ({
      status: 403,
      body: errorsBody(403, 'ADMIN-403-3', 'Forbidden', 'You are not allowed to manage this org'),
    }));
    const error = (await http.request(search).catch((e: unknown) => e)) as AtlassianApiError;
    expect(error).toMatchObject({
      status: 403,
      code: 'ADMIN-403-3',
      method: 'POST',
      path: search.path,
      route: search.route,
    });
    expect(error.message).toMatch(/403 Forbidden/);
    expect(error.message).toMatch(/without scopes/);
    expect(error.message).toMatch(
      /ADMIN-403-3: Forbidden — You are not allowed to manage this org/,
    );
  });

  it('explains a 404', async () => {
    const { http } = await setup(() => ({
      status: 404,
      body: errorsBody(404, 'ADMIN-404-2', 'Org not found'),
    }));
    const error = (await http.request(getOrg).catch((e: unknown) => e)) as AtlassianApiError;
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/organization, directory, group or user does not exist/);
    expect(error.message).toMatch(/ADMIN-404-2/);
    expect(error.ambiguous).toBe(false);
  });

  it('does not retry other client errors', async () => {
    const { server, http } = await setup(() => ({
      status: 400,
      body: errorsBody(400, 'ADMIN-400-24', 'Invalid request body'),
    }));
    const error = await http.request(search).catch((e: unknown) => e);
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ status: 400, code: 'ADMIN-400-24' });
  });

  it('rejects a success answer that is not JSON', async () => {
    server = await startServer(() => ({ status: 200 }));
    const http = new AtlassianHttp({
      apiKey: API_KEY,
      baseUrl: server.url,
      fetch: () => Promise.resolve(new Response('<html>proxy</html>', { status: 200 })),
    });
    await expect(http.request(getOrg)).rejects.toMatchObject({ kind: 'protocol' });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const { server, http } = await setup(
      () => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: {} }), 20)),
      { concurrency: 3 },
    );
    await Promise.all(Array.from({ length: 10 }, () => http.request(getOrg)));
    expect(server.requests).toHaveLength(10);
    expect(server.maxConcurrent()).toBe(3);
  });

  it('paces concurrent requests on one shared budget: one pause until the reset, no 429', async () => {
    const time = fakeTime();
    const limited = await windowedServer(time, { limit: 5, answerAfterMs: 5 });
    const http = new AtlassianHttp({
      apiKey: API_KEY,
      baseUrl: limited.server.url,
      clock: time.clock,
      sleep: time.sleep,
      concurrency: 4,
      rateLimitReserve: 0,
    });
    await Promise.all(Array.from({ length: 12 }, () => http.request(getOrg)));
    expect(limited.tooMany()).toBe(0);
    expect(limited.server.requests).toHaveLength(12);
    // 12 requests at 5 per window: two pauses, each one shared wait until that window's reset.
    // A third is possible here and only here: the fake clock jumps to the reset at once, so a
    // request sent just before a pause can reach this server after the jump and count in the
    // next window (real time never jumps ahead of a request in flight).
    const { pauses } = http.counters();
    expect(pauses).toBeGreaterThanOrEqual(2);
    expect(pauses).toBeLessThanOrEqual(3);
    expect(time.waits.every((w) => w > 0 && w <= WINDOW_MS)).toBe(true);
    expect(time.waits).toHaveLength(pauses);
  });

  it('sends one request alone while a window’s budget is unknown, so a burst cannot overrun a small window', async () => {
    const time = fakeTime();
    const limit = 3;
    // Slow answers: every other request has been sent by the time the first one is answered.
    const limited = await windowedServer(time, { limit, answerAfterMs: 20 });
    const http = new AtlassianHttp({
      apiKey: API_KEY,
      baseUrl: limited.server.url,
      clock: time.clock,
      sleep: time.sleep,
      concurrency: 16,
      rateLimitReserve: 0,
    });
    await Promise.all(Array.from({ length: 10 }, () => http.request(getOrg)));
    // 10 requests, 3 a window, 16 allowed in flight: without a probe all 10 would go at once
    // and 7 would be refused. The first went alone; never more than a window's worth in flight.
    expect(limited.tooMany()).toBe(0);
    expect(limited.server.requests).toHaveLength(10);
    expect(limited.inFlightAtAnswer[0]).toBe(1);
    expect(Math.max(...limited.inFlightAtAnswer)).toBeLessThanOrEqual(limit);
    expect(time.waits.every((w) => w > 0 && w <= WINDOW_MS)).toBe(true);
  });

  it('does not hold requests back for a server that never sends rate-limit headers', async () => {
    const { server, http } = await setup(
      () => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: {} }), 20)),
      { concurrency: 4 },
    );
    await Promise.all(Array.from({ length: 9 }, () => http.request(getOrg)));
    expect(server.requests).toHaveLength(9);
    // Only the very first request went alone, to learn that there are no headers.
    expect(server.maxConcurrent()).toBe(4);
  });

  it('backs off after a 429 whose reset time has passed, with a rate limit’s retries', async () => {
    const time = fakeTime();
    // The reset is 2 s behind our clock (the window just turned, or the clocks disagree), on
    // five answers in a row: more than the 4 retries of a header-less 429.
    const past = new Date(time.now() - 2_000).toISOString();
    const refused = {
      status: 429,
      headers: { 'X-RateLimit-Reset': past, 'X-RateLimit-Remaining': '0' },
    };
    const { server, http } = await setup(
      sequence(refused, refused, refused, refused, refused),
      {},
      time,
    );
    await http.request(getOrg);
    expect(server.requests).toHaveLength(6);
    expect(time.waits).toEqual([5_000, 10_000, 20_000, 30_000, 30_000]);
  });

  it('holds every request behind a 429 that says when to come back', async () => {
    const time = fakeTime();
    let first = true;
    server = await startServer(() => {
      if (first) {
        first = false;
        return { status: 429, headers: { 'Retry-After': '10' } };
      }
      return { status: 200, body: {} };
    });
    const http = new AtlassianHttp({
      apiKey: API_KEY,
      baseUrl: server.url,
      clock: time.clock,
      sleep: time.sleep,
      concurrency: 1,
    });
    await Promise.all([http.request(getOrg), http.request(getOrg), http.request(getOrg)]);
    // One shared wait of 10 s, not one per request.
    expect(time.waits).toEqual([10_000]);
    expect(server.requests).toHaveLength(4);
    expect(http.counters()).toMatchObject({
      requests: 4,
      rateLimited: 1,
      byRoute: { [getOrg.route]: 4 },
    });
  });

  it('stops retrying when the caller aborts', async () => {
    const controller = new AbortController();
    const { server, http } = await setup(() => {
      controller.abort(new Error('sibling failed'));
      return { status: 503 };
    });
    await expect(http.request({ ...getOrg, signal: controller.signal })).rejects.toThrow(
      'sibling failed',
    );
    expect(server.requests).toHaveLength(1);
  });
});
