/**
 * `license-policy sandbox`: serves the Atlassian Organizations API emulator with the
 * synthetic organisation on 127.0.0.1 until SIGINT/SIGTERM, and prints the environment
 * variables that point the CLI at it.
 */
import { parseArgs } from 'node:util';
import type { CliIo, Command } from './io.js';
import { EXIT_INVALID, EXIT_OK, InputError, messageOf } from '../errors.js';
import { startSandbox, type SandboxOptions } from '../sandbox/index.js';

export const SANDBOX_USAGE = `Usage: license-policy sandbox [options]

Serve an emulation of the Atlassian Organizations API on 127.0.0.1 with a deterministic
synthetic organisation, until interrupted (Ctrl-C).

Options:
  --port N          port to listen on (default: 0, a free port)
  --users N         accounts in the synthetic org (default: 65000, at least 1000)
  --seed N          seed of the synthetic org (default: 1)
  --latency-ms N    delay every response by N milliseconds (default: 0)
  --rate-limit N    requests per minute across all routes (default: 0, no limit)
  --fault-rate F    probability 0..1 that a request fails with 503 (default: 0)
  --time-scale F    shorten rate-limit windows: 60 s becomes 60/F s (default: 1)
  -h, --help        show this help
`;

interface Parsed {
  options: SandboxOptions;
  help: boolean;
}

function number(
  name: string,
  text: string | undefined,
  check: (n: number) => boolean,
  what: string,
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) {
    throw new InputError(`--${name} must be ${what} (got "${text}")`);
  }
  return n;
}

export function parseSandboxArgs(argv: string[]): Parsed {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        users: { type: 'string' },
        seed: { type: 'string' },
        'latency-ms': { type: 'string' },
        'rate-limit': { type: 'string' },
        'fault-rate': { type: 'string' },
        'time-scale': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e: unknown) {
    throw new InputError(messageOf(e));
  }
  const str = (k: string) => values[k] as string | undefined;
  const int = (n: number) => Number.isInteger(n);
  return {
    help: values.help === true,
    options: {
      port: number(
        'port',
        str('port'),
        (n) => int(n) && n >= 0 && n <= 65535,
        'a port number 0..65535',
      ),
      users: number(
        'users',
        str('users'),
        (n) => int(n) && n >= 1000,
        'an integer of at least 1000',
      ),
      seed: number('seed', str('seed'), int, 'an integer'),
      latencyMs: number(
        'latency-ms',
        str('latency-ms'),
        (n) => n >= 0,
        'a number of milliseconds ≥ 0',
      ),
      rateLimit: number('rate-limit', str('rate-limit'), (n) => int(n) && n >= 0, 'an integer ≥ 0'),
      faultRate: number(
        'fault-rate',
        str('fault-rate'),
        (n) => n >= 0 && n <= 1,
        'a number from 0 to 1',
      ),
      timeScale: number('time-scale', str('time-scale'), (n) => n > 0, 'a number > 0'),
    },
  };
}

/** Runs the sandbox until `stopped` resolves (the command passes a SIGINT/SIGTERM promise). */
export async function runSandbox(
  argv: string[],
  io: CliIo,
  stopped: Promise<unknown>,
): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseSandboxArgs(argv);
  } catch (e: unknown) {
    io.stderr(`license-policy sandbox: ${messageOf(e)}\n\n${SANDBOX_USAGE}`);
    return EXIT_INVALID;
  }
  if (parsed.help) {
    io.stdout(SANDBOX_USAGE);
    return EXIT_OK;
  }
  const users = parsed.options.users ?? 65_000;
  io.stderr(
    `Generating the synthetic organisation (${users.toLocaleString('en-US')} accounts)...\n`,
  );
  const started = Date.now();
  const sandbox = await startSandbox({ ...parsed.options, recordRequests: false });
  const w = sandbox.org.workspaces();
  io.stderr(
    `Ready in ${Date.now() - started} ms: ${sandbox.org.userCount()} accounts, ${w.length} workspaces.\n`,
  );
  io.stdout(
    [
      `Atlassian sandbox listening on ${sandbox.url}`,
      `  org id:  ${sandbox.orgId}`,
      `  API key: ${sandbox.apiKey}   (a sandbox key, not a secret)`,
      '',
      'Point the CLI at it:',
      `  export ATLASSIAN_API_URL=${sandbox.url}`,
      `  export ATLASSIAN_ORG_ID=${sandbox.orgId}`,
      `  export ATLASSIAN_API_KEY=${sandbox.apiKey}`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await stopped;
  await sandbox.close();
  io.stderr(`Sandbox stopped after ${sandbox.counters.total} requests.\n`);
  return EXIT_OK;
}

export const sandboxCommand: Command = (argv, io) => {
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  return runSandbox(argv, io, stopped);
};
