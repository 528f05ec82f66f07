/** Local files of the CLI: the state, plan files and outputs, written whole or not at all. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { parsePlan } from '../plan/plan-file.js';
import { emptyState, parseState } from '../plan/state.js';
import type { Plan, State } from '../plan/types.js';

/** The state file, or an empty state when it does not exist yet (the first run). */
export function readStateFile(file: string | undefined): State {
  if (file === undefined) return emptyState();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new InputError(`--state: cannot read "${file}": ${(error as Error).message}`);
  }
  return parseState(text, file);
}

export function readPlanFile(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    throw new InputError(`cannot read plan "${file}": ${(error as Error).message}`);
  }
  return parsePlan(text, file);
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, 'utf8');
  renameSync(tmp, file);
}
