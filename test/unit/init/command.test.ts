import { describe, expect, it } from '@jest/globals';
import { initCommand, INIT_USAGE } from '../../../src/commands/init.js';
import type { CliIo } from '../../../src/commands/io.js';

function io(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      // Unreachable on purpose: these cases must fail before any request.
      env: {
        ATLASSIAN_ORG_ID: 'org',
        ATLASSIAN_API_KEY: 'key',
        ATLASSIAN_API_URL: 'http://127.0.0.1:9',
      },
      cwd: '/nonexistent',
    },
    out,
    err,
  };
}

describe('license-policy init on the command line', () => {
  it('prints its usage with --help', async () => {
    const run = io();
    expect(await initCommand(['--help'], run.io)).toBe(0);
    expect(run.out.join('')).toBe(INIT_USAGE);
  });

  it('rejects an unknown option with exit code 2 and the usage', async () => {
    const run = io();
    expect(await initCommand(['--bogus'], run.io)).toBe(2);
    const err = run.err.join('');
    expect(err).toMatch(/^license-policy init: .*Unknown option '--bogus'/);
    expect(err.endsWith(`\n\n${INIT_USAGE}`)).toBe(true);
  });

  it('rejects a positional argument and an empty --out, before any request', async () => {
    const positional = io();
    expect(await initCommand(['policies/x.yml'], positional.io)).toBe(2);
    expect(positional.err.join('')).toContain("Unexpected argument 'policies/x.yml'");
    const empty = io();
    expect(await initCommand(['--out', ''], empty.io)).toBe(2);
    expect(empty.err.join('')).toBe('license-policy init: --out: a value is required\n');
  });
});
