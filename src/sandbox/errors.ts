/**
 * Error bodies as each Atlassian API spells them. The org API alone has four shapes: the
 * gateway's `ProxyError` `{code, message}` (401, and 429 on v1 routes), v2's `Errors`
 * `{errors: [...]}`, the v1 role endpoints' `ADMIN-UAM-*` application errors, and the
 * workspaces API's bare `ApplicationError`. The user management API answers `{key}`.
 */

/** Which API family a route belongs to: decides the shape of its error bodies. */
export type ApiFamily = 'v1' | 'v1roles' | 'v2' | 'workspaces' | 'apiAccess' | 'userManagement';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

let errorSeq = 0;
const errorId = (): string => `sandbox-error-${(++errorSeq).toString(36)}`;

export function proxyError(status: number, message: string): Reply {
  return { status, body: { code: status, message } };
}

/** An application error in the family's shape. `code` is Atlassian's (`ADMIN-404-8`). */
export function apiError(
  family: ApiFamily,
  status: number,
  code: string,
  title: string,
  detail?: string,
): Reply {
  const error: Record<string, string> = { id: errorId(), status: String(status), code, title };
  if (detail !== undefined) error.detail = detail;
  switch (family) {
    case 'workspaces':
      return { status, body: error };
    case 'userManagement':
      return { status, body: { key: code } };
    case 'apiAccess':
      return proxyError(status, detail ?? title);
    default:
      return { status, body: { errors: [error] } };
  }
}

export function unauthenticated(family: ApiFamily): Reply {
  if (family === 'userManagement') return { status: 401, body: { key: 'unauthorized' } };
  return proxyError(
    401,
    'Unauthorized: send the sandbox API key as "Authorization: Bearer <key>".',
  );
}

export function rateLimited(family: ApiFamily): Reply {
  if (family === 'v2') return apiError('v2', 429, 'ADMIN-429-1', 'Rate limit exceeded');
  return proxyError(429, 'Rate limit exceeded');
}

export function internalError(family: ApiFamily): Reply {
  if (family === 'v1roles') return apiError('v1roles', 500, 'ADMIN-UAM-500-1', 'Internal error');
  if (family === 'userManagement' || family === 'apiAccess')
    return proxyError(500, 'Internal error');
  return apiError(family, 500, 'ADMIN-500-1', 'Internal error');
}

/** The body of a fault injected with only a status. */
export function faultBody(family: ApiFamily, status: number): Reply {
  if (status === 429) return rateLimited(family);
  if (status === 500) return internalError(family);
  if (status === 401) return unauthenticated(family);
  if (status >= 500)
    return proxyError(status, status === 503 ? 'Service Unavailable' : 'Upstream error');
  return apiError(family, status, `SANDBOX-${status}`, 'Injected fault');
}

export const badRequest = (family: ApiFamily, problems: string[]): Reply =>
  apiError(
    family,
    400,
    family === 'v1roles' ? 'ADMIN-UAM-400-1' : 'ADMIN-400-24',
    'Invalid request',
    problems.join(' '),
  );

export const invalidCursor = (family: ApiFamily, detail = 'The page cursor is invalid.'): Reply =>
  apiError(family, 400, 'ADMIN-400-1', 'Invalid page cursor', detail);

export const orgNotFound = (family: ApiFamily): Reply =>
  apiError(
    family,
    404,
    family === 'v1roles' ? 'ADMIN-UAM-404-2' : 'ADMIN-404-2',
    'Organization not found',
  );
