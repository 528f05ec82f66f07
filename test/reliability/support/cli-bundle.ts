/**
 * The CLI as users run it — one bundled file started with `node` — built from the current
 * sources into a temporary directory, so that a test never runs a stale committed `dist/`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Bundles `src/cli.ts` the way `scripts/build.mjs` does; returns the file to run. */
export async function buildCli(): Promise<string> {
  const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'lp-cli-bundle-')), 'cli.mjs');
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/cli.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    banner: {
      js: [
        "import { createRequire as __createRequire } from 'node:module';",
        'const require = __createRequire(import.meta.url);',
      ].join('\n'),
    },
    logLevel: 'error',
  });
  return outfile;
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process has exited, with what it printed. */
  done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/** Starts `node <bundle> ...args` in `cwd` with only `env` (and PATH): async, never spawnSync. */
export function startCli(
  bundle: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): CliRun {
  const child = spawn(process.execPath, [bundle, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
