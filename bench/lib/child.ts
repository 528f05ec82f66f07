/** Runs a measured benchmark process (a bundle in the build directory) and reads its report. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface ChildOptions {
  /** Extra node flags (`--max-old-space-size=...`). */
  nodeFlags?: string[];
  /** Show the child's stderr (progress) on ours. Default true. */
  showStderr?: boolean;
  /** The node binary to run it with (default: the one running this process). */
  execPath?: string;
}

/**
 * `node <buildDir>/<name>.mjs <JSON args>`; resolves with the last JSON line it printed. Async
 * `spawn`, never `spawnSync`: the sandbox may live in this process's event loop.
 */
export function runChild<T>(
  buildDir: string,
  name: string,
  args: unknown,
  options: ChildOptions = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(
      options.execPath ?? process.execPath,
      [...(options.nodeFlags ?? []), path.join(buildDir, `${name}.mjs`), JSON.stringify(args)],
      { stdio: ['ignore', 'pipe', options.showStderr === false ? 'ignore' : 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) {
        reject(new Error(`${name} exited with ${code}: ${last}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${name} printed no JSON report: ${last}`));
      }
    });
  });
}
