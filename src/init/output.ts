/**
 * Where the starter policy goes: a new file (never silently replacing one), or stdout. The
 * existence check runs before the organisation is read, so a refusal costs no API call, and
 * again at the write itself (exclusive create), so a file that appeared meanwhile is kept too.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';

export const DEFAULT_OUT = 'policies/license-policy.yml';
/** `--out -` writes to stdout. */
export const STDOUT = '-';

export interface OutputTarget {
  /** Absolute path, or null for stdout. */
  file: string | null;
  /** As shown in messages: relative to the working directory, POSIX separators. */
  shown: string;
  force: boolean;
}

export function outputTarget(out: string | undefined, force: boolean, cwd: string): OutputTarget {
  const value = out ?? DEFAULT_OUT;
  if (value === STDOUT) return { file: null, shown: 'stdout', force };
  const file = path.resolve(cwd, value);
  const shown = path.relative(cwd, file).split(path.sep).join('/') || value;
  return { file, shown, force };
}

function refusal(target: OutputTarget): InputError {
  return new InputError(
    `${target.shown} already exists and was left as it is; pass --force to replace it, ` +
      `--out FILE to write elsewhere, or --out - to print the policy`,
  );
}

/** Throws `InputError` (exit 2) when the file exists and `--force` was not given. */
export function assertWritable(target: OutputTarget): void {
  if (target.file !== null && !target.force && existsSync(target.file)) throw refusal(target);
}

/** Writes the policy file: exclusive create, or an atomic replace with `--force`. */
export function writeStarterPolicy(target: OutputTarget, text: string): void {
  if (target.file === null) throw new Error('writeStarterPolicy: stdout is written by the caller');
  mkdirSync(path.dirname(target.file), { recursive: true });
  if (target.force) {
    // Through a temporary file and a rename: a crash never leaves half a policy.
    const tmp = `${target.file}.${process.pid}.tmp`;
    writeFileSync(tmp, text, 'utf8');
    renameSync(tmp, target.file);
    return;
  }
  try {
    writeFileSync(target.file, text, { encoding: 'utf8', flag: 'wx' });
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw refusal(target);
    throw e;
  }
}

/**
 * Other policy files beside the target: every *.yml / *.yaml in a policy directory forms one
 * policy, so a starter file next to an existing policy is combined with it.
 */
export function siblingPolicyFiles(target: OutputTarget): string[] {
  if (target.file === null) return [];
  const dir = path.dirname(target.file);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith('.'))
    .filter((n) => path.join(dir, n) !== target.file)
    .sort();
}

/** The `$schema` reference for the header: `schema/policy.schema.json` of the working directory, relative to the file. */
export function schemaRefFor(target: OutputTarget, cwd: string): string {
  const schema = path.resolve(cwd, 'schema', 'policy.schema.json');
  const from =
    target.file === null ? path.resolve(cwd, path.dirname(DEFAULT_OUT)) : path.dirname(target.file);
  return path.relative(from, schema).split(path.sep).join('/');
}
