/** The transport's HTTP exchange over node:http: what it sends, what it hands back, how it fails. */
import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeExchange } from '../../../src/atlassian/exchange.js';

let server: http.Server | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

async function serve(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const never = new AbortController().signal;

describe('nodeExchange', () => {
  it('sends the method, headers and body, and hands back status, headers and text', async () => {
    let seen: { method?: string; url?: string; headers?: http.IncomingHttpHeaders; body?: string } =
      {};
    const base = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body };
        res.writeHead(201, { 'X-RateLimit-Remaining': '7', 'Set-Cookie': ['a=1', 'b=2'] });
        res.end('{"ok":"é"}');
      });
    });
    const response = await nodeExchange(`${base}/admin/v2/x?y=1`, {
      method: 'POST',
      headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
      body: '{"name":"é"}',
      signal: never,
    });
    expect(seen).toMatchObject({ method: 'POST', url: '/admin/v2/x?y=1', body: '{"name":"é"}' });
    expect(seen.headers).toMatchObject({ authorization: 'Bearer k', 'content-length': '13' });
    expect(response.status).toBe(201);
    expect(response.headers.get('X-RateLimit-Remaining')).toBe('7');
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await response.text()).toBe('{"ok":"é"}');
  });

  it('does not follow a redirect (the key would go with it)', async () => {
    let requests = 0;
    const base = await serve((_req, res) => {
      requests += 1;
      res.writeHead(302, { Location: 'http://127.0.0.1:9/elsewhere' });
      res.end();
    });
    const response = await nodeExchange(`${base}/a`, { method: 'GET', headers: {}, signal: never });
    expect(response.status).toBe(302);
    expect(requests).toBe(1);
  });

  it('fails with ECONNRESET when the connection closes before the body ends', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    await expect(
      nodeExchange(`${base}/a`, { method: 'GET', headers: {}, signal: never }),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('stops when its signal aborts, mid-body too', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200);
      res.write('{"slow":');
    });
    const controller = new AbortController();
    const pending = nodeExchange(`${base}/a`, {
      method: 'GET',
      headers: {},
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toThrow();
  });

  it('fails with ECONNREFUSED when nothing listens', async () => {
    await serve(() => {});
    const port = (server!.address() as AddressInfo).port;
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    await expect(
      nodeExchange(`http://127.0.0.1:${port}/a`, {
        method: 'GET',
        headers: {},
        signal: never,
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
