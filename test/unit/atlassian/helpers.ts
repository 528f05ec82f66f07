/**
 * Test doubles for the Atlassian client: a real HTTP server on 127.0.0.1 whose answers each test
 * scripts, and a fake clock whose `sleep` records the wait and advances time instantly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  rawBody: string;
}

/** What a scripted handler answers. */
export type Reply =
  | {
      status: number;
      body?: unknown;
      headers?: Record<string, string>;
    }
  /** Send headers and half a body, then destroy the socket. */
  | 'reset-mid-body'
  /** Destroy the socket without answering. */
  | 'reset'
  /** Never answer. */
  | 'hang';

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  /** Highest number of requests being handled at the same time. */
  maxConcurrent(): number;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let active = 0;
  let maxActive = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: rawBody ? (JSON.parse(rawBody) as unknown) : undefined,
        rawBody,
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded)).then((reply) => {
        if (reply === 'hang') return;
        active -= 1;
        if (reply === 'reset') {
          req.socket.destroy();
          return;
        }
        if (reply === 'reset-mid-body') {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
          res.write('{"data":[{"accountId":"a');
          setImmediate(() => req.socket.destroy());
          return;
        }
        const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          ...(text ? { 'Content-Type': 'application/json' } : {}),
          ...reply.headers,
        });
        res.end(text);
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxConcurrent: () => maxActive,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface FakeTime {
  now(): number;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Every wait requested, in order. */
  waits: number[];
}

/** A clock that only moves when someone sleeps. */
export function fakeTime(start = Date.parse('2026-11-30T12:00:00.000Z')): FakeTime {
  let current = start;
  const waits: number[] = [];
  return {
    now: () => current,
    clock: () => current,
    sleep: async (ms: number) => {
      waits.push(ms);
      current += ms;
      // Let other tasks run, as a real timer would.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    waits,
  };
}

export const API_KEY = 'ATATT3xFfGF0-test-secret-key-0123456789abcdef';
export const ORG_ID = 'org-0000-1111';

export function errorsBody(status: number, code: string, title: string, detail?: string) {
  return {
    errors: [{ id: 'e1', status: String(status), code, title, ...(detail ? { detail } : {}) }],
  };
}
