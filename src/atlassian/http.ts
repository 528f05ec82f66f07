/**
 * The transport to Atlassian's admin APIs: Bearer auth, JSON, per-request timeouts, retries that
 * respect what is safe to repeat, proactive pacing on one rate-limit budget shared by every
 * concurrent request, and a concurrency limit. Everything time-related (clock, sleep, jitter) is
 * injected so that tests assert the waits instead of sitting through them.
 *
 * Retry rules (SPEC §5, API.md §9):
 * - 429 is retried for every request, reads and writes alike: Atlassian refused it before doing
 *   anything. Wait `Retry-After` seconds if given, else until `X-RateLimit-Reset`, else back off
 *   exponentially (5 s doubling to a 30 s cap, each wait ×0.7–1.3 jitter). A server-directed wait
 *   pauses every request, not only the one that was refused.
 * - 500/502/503/504, connection resets and timeouts are retried for `read` requests (GETs and the
 *   POST searches) and for `idempotent-write` requests (see `RetryPolicy`). A `write` is never
 *   repeated after such an ambiguous failure: the error says it may have taken effect.
 * - A connection that was refused sent nothing, so it is retried for every request.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { AtlassianApiError, parseErrorBody, scrub, type AtlassianApiErrorInit } from './errors.js';
import { nodeExchange, type Exchange, type ExchangeResponse } from './exchange.js';

export const DEFAULT_BASE_URL = 'https://api.atlassian.com';

/**
 * Requests in flight when the caller does not say. A plan is mostly independent reads (pages of
 * every governed resource, one role-assignments read per candidate), each waiting out the API's
 * latency: at 4 in flight and 50 ms a request, 2,800 reads take 35 s; at 32, 5 s. Politeness is
 * the shared rate-limit budget's job, not this number's; and writes are bounded by the apply
 * executor (actions in flight), whatever the transport allows.
 */
export const DEFAULT_CONCURRENCY = 32;

/**
 * How a request may be repeated.
 * - `read`: no effect; retry every transient failure.
 * - `idempotent-write`: repeating it cannot do more than the first attempt did (removing a group
 *   membership, revoking a role). Retried like a read; if a retry then fails, the error is marked
 *   `ambiguous` because an earlier attempt may have succeeded (a 404 on the retry usually means it did).
 * - `write`: not repeated after a 5xx, reset or timeout (suspend, restore, add membership, assign role:
 *   a repeat would answer 409/400 and hide what happened); the caller verifies by reading.
 */
export type RetryPolicy = 'read' | 'idempotent-write' | 'write';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface RequestSpec {
  method: HttpMethod;
  /** Concrete path from the API root, starting with `/` (`/admin/v2/orgs/…`); path segments already encoded. */
  path: string;
  /** Route template for counters and errors (`POST /admin/v2/orgs/{orgId}/…/users/search`). */
  route: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  retry: RetryPolicy;
  /** Aborts the request (and its retries) when the caller gives up, e.g. a sibling read failed. */
  signal?: AbortSignal;
}

export interface HttpResponse<T> {
  status: number;
  /** Parsed JSON, or undefined for an empty body (204). */
  body: T | undefined;
  /** Attempts it took, 1 when the first one succeeded. */
  attempts: number;
  /** True when an earlier attempt failed ambiguously (an idempotent write that was repeated). */
  repeatedAfterAmbiguousFailure: boolean;
}

export interface HttpCounters {
  /** Requests sent (every attempt counts). */
  requests: number;
  /** Requests sent, by route template. */
  byRoute: Record<string, number>;
  /** Attempts repeated after a failure (429 included). */
  retries: number;
  /** 429 responses received. */
  rateLimited: number;
  /** Times new requests were held because the shared budget ran low or a 429 said to wait. */
  pauses: number;
  /** Total milliseconds of waiting requested from `sleep` (pauses, 429 and backoff waits). */
  waitedMs: number;
}

export interface AtlassianHttpOptions {
  apiKey: string;
  /** Default `https://api.atlassian.com`. */
  baseUrl?: string;
  /** How one request is sent (default `nodeExchange`; the global `fetch` fits too). */
  fetch?: Exchange;
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
  /** Waits `ms`; may end early when `signal` aborts (the default does). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Per attempt, including reading the body. Default 30 s. */
  timeoutMs?: number;
  /** Repeats after 5xx, resets, timeouts and header-less 429s. Default 4 (Atlassian's guidance). */
  maxRetries?: number;
  /** Repeats after 429s that say how long to wait. Default 8. */
  maxRateLimitRetries?: number;
  /** Requests in flight at once, across all callers of this transport. Default `DEFAULT_CONCURRENCY`. */
  concurrency?: number;
  /** Hold new requests when the shared budget's remaining requests fall to this. Default 1. */
  rateLimitReserve?: number;
  /** Longest single wait a header may ask for (guards against clock skew). Default 5 minutes. */
  maxWaitMs?: number;
  userAgent?: string;
}

const BACKOFF_START_MS = 5_000;
const BACKOFF_CAP_MS = 30_000;
const JITTER_MIN = 0.7;
const JITTER_SPAN = 0.6;
const RETRYABLE_5XX = new Set([500, 502, 503, 504]);

/** Exponential backoff before the `n`th header-less retry (1-based): 5 s, 10 s, 20 s, 30 s, 30 s … ×0.7–1.3. */
export function backoffMs(n: number, random: () => number): number {
  const base = Math.min(BACKOFF_START_MS * 2 ** (n - 1), BACKOFF_CAP_MS);
  return Math.round(base * (JITTER_MIN + JITTER_SPAN * random()));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** `X-RateLimit-Reset` as epoch milliseconds: ISO 8601 (Atlassian's documented form) or epoch seconds. */
export function parseRateLimitReset(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    return n > 1e12 ? n : n * 1000;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : date;
}

/** Counts requests in flight and queues the rest (FIFO). */
class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    // Hand the slot straight to the next waiter so no newcomer can overtake it.
    if (next) next();
    else this.active -= 1;
  }
}

/**
 * One rate-limit budget for every request this transport sends. Atlassian reports
 * `X-RateLimit-Remaining` and `X-RateLimit-Reset`; we count down locally for requests in flight
 * (a response only knows about itself) and, when the estimate reaches the reserve, hold every new
 * request behind one shared pause until the reset time.
 *
 * When a window's budget is unknown — the first request, and the first after each reset — one
 * request goes alone and the others wait for its answer: sent together, up to the concurrency
 * limit of requests could overrun a small window before any answer told how much of it is left.
 * A server that answers the first request without rate-limit headers is never probed again.
 */
class RateLimitBudget {
  private remaining: number | null = null;
  private resetAt: number | null = null;
  private pause: Promise<void> | null = null;
  /** Requests sent and not yet answered: the server may not have counted them yet. */
  private inFlight = 0;
  /** Whether answers carry rate-limit headers; null until the first answer. */
  private reported: boolean | null = null;
  /** The request sent alone to learn an unknown window's budget, until it is answered. */
  private probe: { answered: Promise<void>; settle: () => void } | null = null;

  constructor(
    private readonly clock: () => number,
    private readonly wait: (ms: number) => Promise<void>,
    private readonly reserve: number,
    private readonly maxWaitMs: number,
    private readonly onPause: () => void,
  ) {}

  /** Waits until a request may be sent; true when it is the probe of an unknown window. */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      const held = this.pause ?? this.probe?.answered;
      if (held) {
        await (signal ? raceAbort(held, signal) : held);
        continue;
      }
      signal?.throwIfAborted();
      const now = this.clock();
      if (this.resetAt !== null && now >= this.resetAt) {
        this.remaining = null;
        this.resetAt = null;
      }
      if (this.remaining !== null && this.resetAt !== null && this.remaining <= this.reserve) {
        const ms = Math.min(this.resetAt - now, this.maxWaitMs);
        this.onPause();
        this.pause = this.wait(ms).finally(() => {
          this.pause = null;
          this.remaining = null;
          this.resetAt = null;
        });
        continue;
      }
      this.inFlight += 1;
      if (this.remaining !== null) {
        this.remaining -= 1;
        return false;
      }
      if (this.reported === false) return false;
      let settle = () => {};
      const answered = new Promise<void>((resolve) => (settle = resolve));
      this.probe = { answered, settle };
      return true;
    }
  }

  /**
   * Learn from the headers of a response to a request still counted in flight. The other requests
   * in flight may reach the server after it counted this one, so they are taken off the count. A
   * later window replaces an earlier one; within a window, the lower estimate wins.
   */
  observe(remaining: number | null, resetAt: number | null): void {
    if (remaining === null || resetAt === null) return;
    this.reported = true;
    this.endProbe();
    const estimate = remaining - Math.max(0, this.inFlight - 1);
    if (this.resetAt === null || resetAt > this.resetAt) {
      this.resetAt = resetAt;
      this.remaining = estimate;
    } else if (resetAt === this.resetAt) {
      this.remaining = Math.min(this.remaining ?? estimate, estimate);
    }
  }

  /** A request that passed `acquire` has finished (answered or not). */
  release(probe: boolean): void {
    this.inFlight -= 1;
    if (!probe) return;
    // A probe answered without rate-limit headers: the first one says the server has none.
    this.reported ??= false;
    this.endProbe();
  }

  /** A 429 said when to come back: nobody goes before then. */
  blockUntil(at: number): void {
    this.reported = true;
    this.endProbe();
    if (this.resetAt === null || at > this.resetAt) this.resetAt = at;
    this.remaining = 0;
  }

  private endProbe(): void {
    this.probe?.settle();
    this.probe = null;
  }
}

type FailureInit = Omit<AtlassianApiErrorInit, 'method' | 'path' | 'route' | 'attempts'>;

type AttemptOutcome =
  | { kind: 'response'; status: number; headers: ExchangeResponse['headers']; text: string }
  | { kind: 'timeout' }
  | { kind: 'network'; reason: string; refused: boolean };

export class AtlassianHttp {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetchImpl: Exchange;
  readonly clock: () => number;
  /** Requests in flight at once: readers that fan out use it as their own bound. */
  readonly concurrency: number;
  private readonly sleepImpl: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRateLimitRetries: number;
  private readonly maxWaitMs: number;
  private readonly userAgent: string;
  private readonly limiter: ConcurrencyLimiter;
  private readonly budget: RateLimitBudget;
  private readonly stats: HttpCounters = {
    requests: 0,
    byRoute: {},
    retries: 0,
    rateLimited: 0,
    pauses: 0,
    waitedMs: 0,
  };

  constructor(options: AtlassianHttpOptions) {
    if (!options.apiKey) throw new Error('An Atlassian API key is required.');
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? nodeExchange;
    this.clock = options.clock ?? Date.now;
    this.sleepImpl = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 4;
    this.maxRateLimitRetries = options.maxRateLimitRetries ?? 8;
    this.maxWaitMs = options.maxWaitMs ?? 5 * 60_000;
    this.userAgent = options.userAgent ?? 'atlassian-license-policy';
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.limiter = new ConcurrencyLimiter(this.concurrency);
    this.budget = new RateLimitBudget(
      this.clock,
      (ms) => this.sleep(ms),
      Math.max(0, options.rateLimitReserve ?? 1),
      this.maxWaitMs,
      () => {
        this.stats.pauses += 1;
      },
    );
  }

  /** A copy of the counters (requests by route, retries, 429s, waits). */
  counters(): HttpCounters {
    return { ...this.stats, byRoute: { ...this.stats.byRoute } };
  }

  async request<T>(spec: RequestSpec): Promise<HttpResponse<T>> {
    // Every request in flight (or held by a pause) listens to the caller's signal, which a whole
    // snapshot read shares: many listeners on it are expected, not a leak.
    if (spec.signal) setMaxListeners(0, spec.signal);
    let attempts = 0;
    let transientRetries = 0;
    let rateLimitRetries = 0;
    let backoffs = 0;
    let ambiguousEarlier = false;

    const fail = (init: FailureInit): AtlassianApiError =>
      new AtlassianApiError(
        { ...init, method: spec.method, path: spec.path, route: spec.route, attempts },
        [this.apiKey],
      );
    const backoff = async (): Promise<void> => {
      backoffs += 1;
      await this.sleep(backoffMs(backoffs, this.random), spec.signal);
    };

    for (;;) {
      attempts += 1;
      const outcome = await this.attempt(spec);

      if (outcome.kind === 'response') {
        const { status, headers, text } = outcome;
        if (status >= 200 && status < 300) {
          return {
            status,
            body: this.parseBody<T>(text, spec, attempts),
            attempts,
            repeatedAfterAmbiguousFailure: ambiguousEarlier,
          };
        }
        if (status === 429) {
          this.stats.rateLimited += 1;
          rateLimitRetries += 1;
          const waitMs = this.serverDirectedWait(headers);
          // A reset time our clock has already passed (the window has just turned, or the
          // clocks disagree) cannot be waited for: back off instead, with the retries a
          // rate limit gets all the same.
          const saysWhen =
            waitMs !== null || parseRateLimitReset(headers.get('x-ratelimit-reset')) !== null;
          const allowed = saysWhen ? this.maxRateLimitRetries : this.maxRetries;
          if (rateLimitRetries > allowed) {
            throw fail({
              kind: 'http',
              status,
              ...parseErrorBody(text),
              ambiguous: ambiguousEarlier,
            });
          }
          this.stats.retries += 1;
          if (waitMs !== null) this.budget.blockUntil(this.clock() + waitMs);
          else await backoff();
          continue;
        }
        if (RETRYABLE_5XX.has(status) && spec.retry !== 'write') {
          transientRetries += 1;
          if (transientRetries > this.maxRetries) {
            throw fail({
              kind: 'http',
              status,
              ...parseErrorBody(text),
              ambiguous: this.isWrite(spec),
            });
          }
          if (this.isWrite(spec)) ambiguousEarlier = true;
          this.stats.retries += 1;
          const waitMs = parseRetryAfter(headers.get('retry-after'), this.clock());
          if (waitMs !== null) await this.sleep(Math.min(waitMs, this.maxWaitMs), spec.signal);
          else await backoff();
          continue;
        }
        throw fail({
          kind: 'http',
          status,
          ...parseErrorBody(text),
          // A write's 5xx leaves its effect unknown; a 4xx after an ambiguous attempt may mean it took.
          ambiguous: (status >= 500 && this.isWrite(spec)) || ambiguousEarlier,
        });
      }

      // No response: a timeout or a network failure.
      spec.signal?.throwIfAborted();
      const refused = outcome.kind === 'network' && outcome.refused;
      const repeatable = refused || spec.retry !== 'write';
      const kind = outcome.kind;
      const reason = outcome.kind === 'network' ? outcome.reason : undefined;
      if (!repeatable) {
        throw fail({ kind, status: null, reason, ambiguous: true });
      }
      transientRetries += 1;
      if (transientRetries > this.maxRetries) {
        throw fail({
          kind,
          status: null,
          reason,
          ambiguous: (!refused && this.isWrite(spec)) || ambiguousEarlier,
        });
      }
      if (!refused && this.isWrite(spec)) ambiguousEarlier = true;
      this.stats.retries += 1;
      await backoff();
    }
  }

  private isWrite(spec: RequestSpec): boolean {
    return spec.retry !== 'read';
  }

  private async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.stats.waitedMs += ms;
    await this.sleepImpl(ms, signal);
    signal?.throwIfAborted();
  }

  /** How long a 429 says to wait: `Retry-After`, else until `X-RateLimit-Reset`; null when neither says. */
  private serverDirectedWait(headers: ExchangeResponse['headers']): number | null {
    const now = this.clock();
    const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
    if (retryAfter !== null) return Math.min(retryAfter, this.maxWaitMs);
    const reset = parseRateLimitReset(headers.get('x-ratelimit-reset'));
    if (reset !== null && reset > now) return Math.min(reset - now, this.maxWaitMs);
    return null;
  }

  private parseBody<T>(text: string, spec: RequestSpec, attempts: number): T | undefined {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new AtlassianApiError(
        {
          kind: 'protocol',
          status: null,
          method: spec.method,
          path: spec.path,
          route: spec.route,
          detail: 'the response body is not JSON',
          attempts,
        },
        [this.apiKey],
      );
    }
  }

  private url(spec: RequestSpec): string {
    const url = new URL(this.baseUrl + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined) continue;
      // OpenAPI's default for query arrays (form, explode): repeat the key.
      if (Array.isArray(value))
        for (const item of value) url.searchParams.append(name, String(item));
      else url.searchParams.append(name, String(value));
    }
    return url.toString();
  }

  private async attempt(spec: RequestSpec): Promise<AttemptOutcome> {
    await this.limiter.acquire();
    const controller = new AbortController();
    let timedOut = false;
    const onCallerAbort = () => controller.abort(spec.signal?.reason);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let counted = false;
    let probe = false;
    try {
      probe = await this.budget.acquire(spec.signal);
      counted = true;
      spec.signal?.throwIfAborted();
      spec.signal?.addEventListener('abort', onCallerAbort, { once: true });
      this.stats.requests += 1;
      this.stats.byRoute[spec.route] = (this.stats.byRoute[spec.route] ?? 0) + 1;
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.timeoutMs);
      const headers: Record<string, string> = {
        Authorization: `Bearer ${this.apiKey}`,
        Accept: 'application/json',
        'User-Agent': this.userAgent,
      };
      if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await this.fetchImpl(this.url(spec), {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: controller.signal,
      });
      // The timeout covers the body too: a server that stalls mid-page is a timeout.
      const text = await response.text();
      this.budget.observe(
        parseCount(response.headers.get('x-ratelimit-remaining')),
        parseRateLimitReset(response.headers.get('x-ratelimit-reset')),
      );
      return { kind: 'response', status: response.status, headers: response.headers, text };
    } catch (e: unknown) {
      if (timedOut) return { kind: 'timeout' };
      spec.signal?.throwIfAborted();
      const reason = networkReason(e);
      return {
        kind: 'network',
        reason: scrub(reason, [this.apiKey]),
        refused: reason === 'ECONNREFUSED',
      };
    } finally {
      if (timer) clearTimeout(timer);
      if (counted) this.budget.release(probe);
      spec.signal?.removeEventListener('abort', onCallerAbort);
      this.limiter.release();
    }
  }
}

/** `promise`, or a rejection with the abort reason as soon as `signal` aborts. */
function raceAbort(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function parseCount(value: string | null): number | null {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}

/** The most specific code or message of a fetch failure (`ECONNRESET`, `UND_ERR_SOCKET`, ...). */
function networkReason(e: unknown): string {
  let current: unknown = e;
  let message = '';
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth += 1) {
    const {
      code,
      message: msg,
      cause,
    } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && code) return code;
    if (typeof msg === 'string' && msg) message = msg;
    current = cause;
  }
  return message || 'connection failed';
}
