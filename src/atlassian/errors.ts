/**
 * The one error type the Atlassian client throws. It carries what a caller needs to decide
 * (status, Atlassian's error code, whether a write may have taken effect) and a message an admin
 * can act on. It never carries the API key: the message is scrubbed and no request headers are kept.
 */
import type { ApiErrorItem, ErrorsBody, ProxyErrorBody } from './api-types.js';

/**
 * `http`: Atlassian answered with an error status. `network`: the connection failed or was reset.
 * `timeout`: no complete answer within the per-request timeout. `protocol`: the answer broke the
 * API's contract (unparseable JSON, a repeating pagination cursor).
 */
export type AtlassianErrorKind = 'http' | 'network' | 'timeout' | 'protocol';

export interface AtlassianApiErrorInit {
  kind: AtlassianErrorKind;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  method: string;
  /** The concrete request path (no query string). */
  path: string;
  /** The route template, e.g. `POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search`. */
  route: string;
  /** Atlassian's error code (`ADMIN-404-10`, `ADMIN-UAM-403-1`), when the body had one. */
  code?: string | null;
  /** Atlassian's explanation (`detail`, else `title`, else `message`), when the body had one. */
  detail?: string | null;
  /** True when a write may have taken effect although it did not report success. */
  ambiguous?: boolean;
  attempts: number;
  /** Low-level reason for network errors (`ECONNRESET`, ...). */
  reason?: string;
}

export class AtlassianApiError extends Error {
  readonly kind: AtlassianErrorKind;
  readonly status: number | null;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly code: string | null;
  readonly detail: string | null;
  readonly ambiguous: boolean;
  readonly attempts: number;

  constructor(init: AtlassianApiErrorInit, secrets: readonly string[] = []) {
    super(scrub(describe(init), secrets));
    this.name = 'AtlassianApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.method = init.method;
    this.path = scrub(init.path, secrets);
    this.route = init.route;
    this.code = init.code ?? null;
    this.detail =
      init.detail === undefined || init.detail === null ? null : scrub(init.detail, secrets);
    this.ambiguous = init.ambiguous ?? false;
    this.attempts = init.attempts;
  }
}

function describe(init: AtlassianApiErrorInit): string {
  const where = `${init.method} ${init.path}`;
  const atlassianSays = [init.code, init.detail].filter(Boolean).join(': ');
  const tail = atlassianSays ? ` Atlassian says: ${atlassianSays}` : '';
  const tries = init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
  const maybeApplied = init.ambiguous
    ? ' The request may have taken effect: verify by reading before repeating it.'
    : '';
  switch (init.kind) {
    case 'timeout':
      return `Atlassian did not answer ${where} in time${tries}.${maybeApplied}`;
    case 'network':
      return `Could not reach Atlassian for ${where}${tries}${init.reason ? ` (${init.reason})` : ''}.${maybeApplied}`;
    case 'protocol':
      return `Unexpected answer from Atlassian for ${where}: ${init.detail ?? 'malformed response'}`;
    case 'http':
      break;
  }
  switch (init.status) {
    case 401:
      return (
        `Atlassian rejected the API key (401 Unauthorized) on ${where}: the key is invalid, expired or revoked. ` +
        `Create an organization API key without scopes (admin.atlassian.com → Settings → API keys) ` +
        `and pass it as ATLASSIAN_API_KEY or the atlassian-api-key input.${tail}`
      );
    case 403:
      return (
        `Atlassian refused ${where} (403 Forbidden): the API key may not manage this organization, directory, ` +
        `group or user, or it is a key with scopes that this endpoint does not accept ` +
        `(create an organization API key without scopes).${tail}`
      );
    case 404:
      return (
        `Atlassian found nothing at ${where} (404 Not Found): the organization, directory, group or user does not ` +
        `exist or is not visible to this API key (check the org id).${tail}`
      );
    case 429:
      return `Atlassian kept rate-limiting ${where} (429 Too Many Requests)${tries}.${tail}`;
    default:
      return `Atlassian answered ${where} with HTTP ${init.status ?? '?'}${tries}.${tail}${maybeApplied}`;
  }
}

/** Replace every secret (and any Bearer credential) in a text. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]');
}

/** Longest piece of Atlassian's error text kept in a message (a gateway may answer a whole page). */
const MAX_ERROR_TEXT = 500;

/**
 * Atlassian's error text is data from outside: it ends up in terminals, workflow logs and the
 * audit. Line breaks become spaces (a log line cannot be split into a forged workflow command),
 * other control and bidi/format characters become U+FFFD (no terminal escape sequences, no
 * reordered text), and it is cut to a readable length.
 */
export function plainErrorText(value: string): string {
  const flat = value
    .replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ')
    .replace(/(?![\u200C\u200D])[\p{Cc}\p{Cf}]/gu, '\uFFFD')
    .trim();
  return flat.length > MAX_ERROR_TEXT ? `${flat.slice(0, MAX_ERROR_TEXT - 1)}…` : flat;
}

/** Atlassian's error code and explanation from any of its error body shapes, as plain text. */
export function parseErrorBody(text: string): { code: string | null; detail: string | null } {
  const { code, detail } = parseErrorBodyRaw(text);
  return {
    code: code === null ? null : plainErrorText(code) || null,
    detail: detail === null ? null : plainErrorText(detail) || null,
  };
}

function parseErrorBodyRaw(text: string): { code: string | null; detail: string | null } {
  if (!text) return { code: null, detail: null };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Gateways sometimes answer with HTML or plain text; keep a short excerpt.
    const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    return { code: null, detail: excerpt || null };
  }
  if (!body || typeof body !== 'object') return { code: null, detail: null };
  const errors = (body as ErrorsBody).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const first: ApiErrorItem = errors[0] ?? {};
    const detail = [first.title, first.detail].filter((s) => typeof s === 'string' && s);
    return {
      code: typeof first.code === 'string' ? first.code : null,
      detail: detail.length > 0 ? [...new Set(detail)].join(' — ') : null,
    };
  }
  const proxy = body as ProxyErrorBody & { key?: string };
  const message = typeof proxy.message === 'string' ? proxy.message : null;
  // The user management API answers `{ key: "forbidden.action", ... }`.
  const code =
    typeof proxy.key === 'string' ? proxy.key : typeof proxy.code === 'string' ? proxy.code : null;
  return { code, detail: message };
}
