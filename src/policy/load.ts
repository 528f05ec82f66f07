/**
 * Reads the policy directory: every `*.yml`/`*.yaml` file below it, recursively, sorted by path.
 * Hidden files and directories (a leading dot) are skipped, like editor and tool settings, and
 * symbolic links to directories are not followed (no cycles).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { parsePolicyFiles, type PolicyFileContent } from './parse.js';
import type { Policy } from './types.js';

export { parsePolicyFiles, type PolicyFileContent } from './parse.js';

export interface LoadPolicyOptions {
  /** Paths in messages and the digest are relative to this directory (default: the cwd). */
  displayRoot?: string;
}

const POLICY_FILE = /\.ya?ml$/i;

export async function loadPolicy(dir: string, options: LoadPolicyOptions = {}): Promise<Policy> {
  const displayRoot = path.resolve(options.displayRoot ?? process.cwd());
  const root = path.resolve(displayRoot, dir);
  const shown = toPosix(path.relative(displayRoot, root)) || '.';
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new InputError(`policy directory "${shown}" does not exist`);
  if (!info.isDirectory()) throw new InputError(`"${shown}" is not a directory of policy files`);

  const paths = await policyFilePaths(root);
  if (paths.length === 0) {
    throw new InputError(
      `no policy files (*.yml, *.yaml) in "${shown}" — create one starting with "version: 1", or point at the right directory with --policy`,
    );
  }
  const files: PolicyFileContent[] = await Promise.all(
    paths.map(async (file) => ({
      path: toPosix(path.relative(displayRoot, file)),
      content: new Uint8Array(await readFile(file)),
    })),
  );
  return parsePolicyFiles(files);
}

async function policyFilePaths(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await policyFilePaths(full)));
    else if (POLICY_FILE.test(entry.name)) {
      const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(full)).isFile());
      if (isFile) found.push(full);
    }
  }
  return found.sort();
}

const toPosix = (p: string) => p.split(path.sep).join('/');
