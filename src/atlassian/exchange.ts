/**
 * One HTTP request and its whole answer, over `node:http` / `node:https` with keep-alive
 * connections: the transport's default in place of the global `fetch`.
 *
 * A plan sends thousands of small requests, 32 at a time. `fetch` builds a Request, a Response,
 * streams, Headers and promises for each, and on Node 24 what of that was still alive at each
 * young-generation collection made V8 double its young generation to 134 MB: the 65,000-account
 * plan peaked at 248–268 MB of RSS, 190–202 MB with this. The transport only needs the status,
 * the headers and the body as text, so that is all this builds.
 */
import http from 'node:http';
import https from 'node:https';

/** What the transport needs of an HTTP answer (the global `fetch`'s Response has it too). */
export interface ExchangeResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface ExchangeInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the request, the body included. */
  signal: AbortSignal;
}

/** The global `fetch` fits this type, so tests can hand the transport a fetch of their own. */
export type Exchange = (url: string, init: ExchangeInit) => Promise<ExchangeResponse>;

// Idle keep-alive sockets are unreferenced by Node, so they never hold the process open.
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** An error carrying a network code, as `networkReason` reads it. */
function networkError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * Sends the request and resolves once the whole body has arrived (redirects are not followed:
 * the Organizations API does not redirect, and following one would carry the key elsewhere).
 */
export const nodeExchange: Exchange = (url, init) =>
  new Promise<ExchangeResponse>((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      reject(new Error(`unsupported URL protocol ${target.protocol}`));
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers['Content-Length'] = Buffer.byteLength(init.body);
    const request = client.request(
      target,
      { method: init.method, headers, agent: agents[target.protocol], signal: init.signal },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('close', () => {
          if (!response.complete) {
            reject(networkError('the connection closed before the answer ended', 'ECONNRESET'));
            return;
          }
          const body = Buffer.concat(chunks).toString('utf8');
          const raw = response.headers;
          resolve({
            status: response.statusCode ?? 0,
            headers: {
              get(name: string): string | null {
                const value = raw[name.toLowerCase()];
                return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
              },
            },
            text: () => Promise.resolve(body),
          });
        });
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
