/**
 * The sandbox HTTP server (node:http, 127.0.0.1): Bearer auth, a shared rate limit with
 * Atlassian's headers, latency, seeded random faults and connection resets, one-shot fault
 * rules for tests, and a log of every request so tests can assert the exact writes.
 *
 * Order of checks for each request: route → latency → programmed fault → random reset /
 * 503 → auth (401) → rate limit (429) → the route.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createOrgModel, type OrgModel } from './model.js';
import { generateOrg } from './generate.js';
import { ROUTES, type RouteContext, type RouteDef } from './routes.js';
import {
  faultBody,
  apiError,
  badRequest,
  orgNotFound,
  unauthenticated,
  rateLimited,
  type ApiFamily,
  type Reply,
} from './errors.js';
import { FixedWindowLimiter, rateLimitHeaders, retryAfterSeconds } from './rate-limit.js';
import { QueryRegistry } from './cursor.js';
import { createPrng, fnv1a } from './prng.js';
import type { AriSpelling } from './views.js';

export interface SandboxOptions {
  /** 0 (default) = a free port. */
  port?: number;
  host?: string;
  /** Serve this model; otherwise `generateOrg({ users, seed, now })`. */
  org?: OrgModel;
  users?: number;
  seed?: number;
  now?: Date;
  /** Delay before every response (real time). */
  latencyMs?: number;
  /** Requests per minute shared by all routes; 0 (default) = none. */
  rateLimit?: number;
  /**
   * Requests per minute for last-active-dates (Atlassian documents 200 per org); default 200,
   * 0 = none. Counted on top of `rateLimit`.
   */
  lastActiveRateLimit?: number;
  /** Probability (0..1) that a request fails with 503 (seeded). */
  faultRate?: number;
  /** Probability (0..1) that a request's connection is reset without a response (seeded). */
  resetRate?: number;
  /** Divides the rate-limit window: 60 s becomes 60/timeScale s. Default 1. */
  timeScale?: number;
  /** Send `Retry-After` on 429 (the Org API does not document it). Default false. */
  retryAfter?: boolean;
  /** `alternate`: productAccess ids use another ARI spelling than the workspaces. Default `exact`. */
  activityAriSpelling?: AriSpelling;
  /** The Bearer key the sandbox accepts; default derived from the seed. */
  apiKey?: string;
  /** Clock for rate-limit windows and log times (tests inject one). Default `Date.now`. */
  clock?: () => number;
  /** Keep the request log (default true; the long-running CLI turns it off). */
  recordRequests?: boolean;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the query string, percent-decoding left as sent. */
  path: string;
  query: Record<string, string | string[]>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  /** HTTP status; 0 when the connection was reset. */
  status: number;
  /** ISO time the request arrived (sandbox clock). */
  at: string;
  /** Route id (`users.search`), or `unknown`. */
  route: string;
}

export interface FaultRule {
  /** Route id (`users.search`) to match; absent = any route. */
  route?: string;
  /** Regex (or substring) matched against the path; absent = any path. */
  path?: RegExp | string;
  method?: string;
  /** Status to answer (default 503); ignored with `reset`. */
  status?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  headers?: Record<string, string>;
  /** Body to send instead of the status's default body. */
  body?: unknown;
  /** Reset the connection instead of answering. */
  reset?: boolean;
  /**
   * Only requests this accepts fail (it sees the logged request: query and parsed body), e.g. the
   * pages of one search that carry a cursor, so a test can break a read mid-pagination.
   */
  match?: (request: RequestLogEntry) => boolean;
}

export interface FaultControl {
  failNext(rule: FaultRule): void;
  clear(): void;
  /** Programmed failures not yet used. */
  readonly pending: number;
}

export interface SandboxCounters {
  total: number;
  byRoute: Record<string, number>;
  rateLimited: number;
  faults: number;
}

export interface RunningSandbox {
  /** `http://127.0.0.1:<port>`: the value for ATLASSIAN_API_URL. */
  url: string;
  orgId: string;
  apiKey: string;
  org: OrgModel;
  requests: RequestLogEntry[];
  /** Logged requests that change something (not GET, not a search). */
  writes(): RequestLogEntry[];
  counters: SandboxCounters;
  faults: FaultControl;
  /** Empties the request log and zeroes the counters. */
  resetLog(): void;
  close(): Promise<void>;
}

interface CompiledRoute {
  def: RouteDef;
  regex: RegExp;
  names: string[];
}

function compile(def: RouteDef): CompiledRoute {
  const names: string[] = [];
  const pattern = def.template
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
  return { def, regex: new RegExp(`^${pattern}/?$`), names };
}

const COMPILED = ROUTES.map(compile);
const SEARCH_ROUTES = new Set(ROUTES.filter((r) => r.search).map((r) => r.id));

function familyOfPath(path: string): ApiFamily {
  if (path.startsWith('/users/')) return 'userManagement';
  if (path.startsWith('/admin/api-access/')) return 'apiAccess';
  if (path.startsWith('/admin/v1/')) return 'v1';
  return 'v2';
}

function matchRoute(
  method: string,
  path: string,
): { def: RouteDef; params: Record<string, string> } | null {
  for (const route of COMPILED) {
    if (route.def.method !== method) continue;
    const m = route.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]);
    });
    return { def: route.def, params };
  }
  return null;
}

function readBody(req: IncomingMessage, maxBytes = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

export const defaultApiKey = (seed: number): string =>
  `sandbox-${fnv1a(`key:${seed}`).toString(16).padStart(8, '0')}${fnv1a(`key2:${seed}`).toString(16).padStart(8, '0')}`;

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const seed = options.seed ?? 1;
  const org =
    options.org ??
    (options.users === 0
      ? createOrgModel({ seed, now: options.now })
      : generateOrg({ users: options.users ?? 65_000, seed, now: options.now }));
  const apiKey = options.apiKey ?? defaultApiKey(seed);
  const clock = options.clock ?? Date.now;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error('timeScale must be positive');
  const windowMs = 60_000 / timeScale;
  const limiter = new FixedWindowLimiter(options.rateLimit ?? 0, windowMs, clock);
  const lastActiveLimiter = new FixedWindowLimiter(
    options.lastActiveRateLimit ?? 200,
    windowMs,
    clock,
  );
  const prng = createPrng(seed ^ 0x0fa17);
  const spelling = options.activityAriSpelling ?? 'exact';
  const record = options.recordRequests ?? true;
  const cursors = new QueryRegistry();
  const rules: Array<Required<Pick<FaultRule, 'times'>> & FaultRule> = [];

  const requests: RequestLogEntry[] = [];
  const counters: SandboxCounters = { total: 0, byRoute: {}, rateLimited: 0, faults: 0 };

  let usageVersion = -1;
  const usageCache = new Map<string, number>();
  const usage = (resourceId: string): number => {
    if (usageVersion !== org.version) {
      usageCache.clear();
      usageVersion = org.version;
    }
    let n = usageCache.get(resourceId);
    if (n === undefined) usageCache.set(resourceId, (n = org.seatCount(resourceId)));
    return n;
  };

  const takeRule = (routeId: string, method: string, entry: RequestLogEntry): FaultRule | null => {
    const path = entry.path;
    const i = rules.findIndex(
      (r) =>
        (r.route === undefined || r.route === routeId) &&
        (r.method === undefined || r.method.toUpperCase() === method) &&
        (r.path === undefined ||
          (typeof r.path === 'string' ? path.includes(r.path) : r.path.test(path))) &&
        (r.match === undefined || r.match(entry)),
    );
    if (i < 0) return null;
    const rule = rules[i];
    rule.times--;
    if (rule.times <= 0) rules.splice(i, 1);
    return rule;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = clock();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const path = url.pathname;
    const matched = matchRoute(method, path);
    const routeId = matched?.def.id ?? 'unknown';
    const family = matched?.def.family ?? familyOfPath(path);
    counters.total++;
    counters.byRoute[routeId] = (counters.byRoute[routeId] ?? 0) + 1;

    let body: unknown = undefined;
    let bodyProblem: string | null = null;
    try {
      const rawBody = await readBody(req);
      if (rawBody.trim() !== '') body = JSON.parse(rawBody);
    } catch (e: unknown) {
      bodyProblem = e instanceof SyntaxError ? 'The request body is not valid JSON.' : String(e);
    }
    const entry: RequestLogEntry = {
      method,
      path,
      query: queryRecord(url.searchParams),
      body,
      status: 0,
      at: new Date(arrived).toISOString(),
      route: routeId,
    };
    if (record) requests.push(entry);

    if (options.latencyMs) await sleep(options.latencyMs);

    const window = routeId === 'user.lastActiveDates' ? lastActiveLimiter : limiter;
    const send = (reply: Reply, extraHeaders: Record<string, string> = {}) => {
      entry.status = reply.status;
      const headers: Record<string, string> = {
        ...rateLimitHeaders(window.peek()),
        ...extraHeaders,
        ...reply.headers,
      };
      if (reply.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
      res.writeHead(reply.status, headers);
      res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    };
    const reset = () => {
      entry.status = 0;
      counters.faults++;
      req.socket.destroy();
    };

    const rule = takeRule(routeId, method, entry);
    if (rule) {
      counters.faults++;
      if (rule.reset) return reset();
      const status = rule.status ?? 503;
      if (status === 429) counters.rateLimited++;
      const reply =
        rule.body !== undefined ? { status, body: rule.body } : faultBody(family, status);
      return send(reply, rule.headers ?? {});
    }
    if (options.resetRate && prng.next() < options.resetRate) return reset();
    if (options.faultRate && prng.next() < options.faultRate) {
      counters.faults++;
      return send(faultBody(family, 503));
    }

    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${apiKey}`) return send(unauthenticated(family));

    const taken = limiter.take();
    const routeTaken = routeId === 'user.lastActiveDates' ? lastActiveLimiter.take() : taken;
    if (!taken.allowed || !routeTaken.allowed) {
      counters.rateLimited++;
      const w = !taken.allowed ? taken.window : routeTaken.window;
      const headers = rateLimitHeaders(w);
      if (options.retryAfter)
        headers['Retry-After'] = retryAfterSeconds(w.resetAt, clock(), timeScale !== 1);
      return send({ ...rateLimited(family), headers });
    }

    if (!matched) {
      return send(
        apiError(
          family,
          404,
          'ADMIN-404-1',
          'Not found',
          `The sandbox serves no ${method} ${path}.`,
        ),
      );
    }
    if (bodyProblem) return send(badRequest(family, [bodyProblem]));
    if (matched.params.orgId !== undefined && matched.params.orgId !== org.orgId)
      return send(orgNotFound(family));

    const ctx: RouteContext = {
      model: org,
      params: matched.params,
      query: url.searchParams,
      body,
      baseUrl: `http://${req.headers.host ?? '127.0.0.1'}`,
      spelling,
      cursors,
      usage,
    };
    let reply: Reply;
    try {
      reply = matched.def.handle(ctx);
    } catch (e: unknown) {
      console.error(`sandbox: ${method} ${path} failed:`, e);
      reply = faultBody(family, 500);
    }
    send(reply);
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error('sandbox: request failed:', e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    orgId: org.orgId,
    apiKey,
    org,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET' && !SEARCH_ROUTES.has(r.route)),
    counters,
    faults: {
      failNext(rule: FaultRule) {
        rules.push({ ...rule, times: rule.times ?? 1 });
      },
      clear() {
        rules.length = 0;
      },
      get pending() {
        return rules.reduce((n, r) => n + r.times, 0);
      },
    },
    resetLog() {
      requests.length = 0;
      counters.total = 0;
      counters.rateLimited = 0;
      counters.faults = 0;
      for (const key of Object.keys(counters.byRoute)) delete counters.byRoute[key];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** The route ids and templates the sandbox serves (for tests and docs). */
export const SANDBOX_ROUTES: ReadonlyArray<
  Pick<RouteDef, 'id' | 'method' | 'template' | 'family'>
> = ROUTES.map(({ id, method, template, family }) => ({ id, method, template, family }));
