import { describe, expect, it } from '@jest/globals';
import { runSandbox } from '../../../src/commands/sandbox.js';
import type { CliIo } from '../../../src/commands/io.js';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: '/' };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('license-policy sandbox', () => {
  it('serves the org, prints the exports that point the CLI at it, and stops when told', async () => {
    const { io, out } = captureIo();
    let reply: { status: number; name: string } | undefined;
    // The "signal": once the exports are printed, call the sandbox with them, then stop it.
    const stopped = (async () => {
      while (!out().includes('ATLASSIAN_API_KEY=')) await new Promise((r) => setTimeout(r, 5));
      const env = Object.fromEntries(
        [...out().matchAll(/export (\w+)=(\S+)/g)].map((m) => [m[1], m[2]]),
      );
      const res = await fetch(`${env.ATLASSIAN_API_URL}/admin/v1/orgs/${env.ATLASSIAN_ORG_ID}`, {
        headers: { Authorization: `Bearer ${env.ATLASSIAN_API_KEY}` },
      });
      reply = {
        status: res.status,
        name: ((await res.json()) as { data: { attributes: { name: string } } }).data.attributes
          .name,
      };
    })();
    const code = await runSandbox(
      ['--users', '1000', '--seed', '4', '--rate-limit', '600'],
      io,
      stopped,
    );
    expect(code).toBe(0);
    expect(reply).toEqual({ status: 200, name: 'Acme Inc.' });
    expect(out()).toMatch(/^Atlassian sandbox listening on http:\/\/127\.0\.0\.1:\d+$/m);
  });

  it('rejects bad options with exit 2 and the usage', async () => {
    const { io, err } = captureIo();
    expect(await runSandbox(['--fault-rate', '2'], io, Promise.resolve())).toBe(2);
    expect(err()).toMatch(/--fault-rate must be a number from 0 to 1 \(got "2"\)/);
    expect(err()).toContain('Usage: license-policy sandbox');
    expect(await runSandbox(['--nope'], io, Promise.resolve())).toBe(2);
  });

  it('prints its usage with --help', async () => {
    const { io, out } = captureIo();
    expect(await runSandbox(['--help'], io, Promise.resolve())).toBe(0);
    expect(out()).toContain('--time-scale F');
  });
});
