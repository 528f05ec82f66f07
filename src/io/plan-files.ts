/**
 * Reading and writing plan and state files. Thin: the formats live in `src/plan/`; this adds the
 * file system, strict UTF-8, and writes that replace a file whole (temp file + rename), so a
 * crash never leaves half a plan or half a state.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { parsePlan, serializePlan } from '../plan/plan-file.js';
import { emptyState, parseState, serializeState } from '../plan/state.js';
import type { Plan, State } from '../plan/types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** A path that exists but cannot be read as a file is bad input too (exit 2), said plainly. */
function unreadable(e: unknown, path: string, what: string): InputError | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'EISDIR') return new InputError(`${path}: is a directory, not a ${what}`);
  if (code === 'EACCES' || code === 'EPERM') {
    return new InputError(`${path}: the ${what} cannot be read (permission denied)`);
  }
  return null;
}

function decodeUtf8(bytes: Buffer, path: string, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InputError(`${path}: the ${what} is not valid UTF-8`);
  }
}

/** A text file as strict UTF-8; `InputError` when missing or not UTF-8. */
export function readTextFile(path: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e: unknown) {
    if (isMissing(e)) throw new InputError(`${path}: ${what} not found`);
    throw unreadable(e, path, what) ?? e;
  }
  return decodeUtf8(bytes, path, what);
}

/** Replaces `path` whole: readers see the old file or the new one, never a mix. */
export function writeTextFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, 'utf8');
    renameSync(temp, path);
  } catch (e: unknown) {
    rmSync(temp, { force: true });
    throw e;
  }
}

export function readPlanFile(path: string): Plan {
  return parsePlan(readTextFile(path, 'plan file'), path);
}

export function writePlanFile(path: string, plan: Plan): void {
  writeTextFileAtomic(path, serializePlan(plan));
}

/** The state in `path`, or the empty state when there is no file yet (the first run). */
export function readStateFile(path: string): State {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e: unknown) {
    if (isMissing(e)) return emptyState();
    throw unreadable(e, path, 'state file') ?? e;
  }
  return parseState(decodeUtf8(bytes, path, 'state file'), path);
}

export function writeStateFile(path: string, state: State): void {
  writeTextFileAtomic(path, serializeState(state));
}
