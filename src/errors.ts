/**
 * The product's one failure path: typed errors thrown anywhere, turned into an exit code (CLI)
 * or `core.setFailed` (action) only at the edge. Exit codes (SPEC §8): 0 done, 1 runtime failure,
 * 2 invalid input, 3 refused.
 */
import type { SourceLocation } from './policy/types.js';

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_INVALID = 2;
export const EXIT_REFUSED = 3;

/** One problem in a policy file, printed as `file:line:column: message`. */
export interface PolicyProblem extends SourceLocation {
  message: string;
}

export function formatProblem(p: PolicyProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** Invalid policy: every problem found, sorted by file, line and column. Exit 2. */
export class PolicyError extends Error {
  readonly exitCode = EXIT_INVALID;
  readonly problems: PolicyProblem[];
  constructor(problems: PolicyProblem[]) {
    const sorted = [...problems].sort(
      (a, b) =>
        (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
    );
    super(sorted.map(formatProblem).join('\n'));
    this.name = 'PolicyError';
    this.problems = sorted;
  }
}

/** Bad command-line arguments, action inputs, plan or state files. Exit 2. */
export class InputError extends Error {
  readonly exitCode = EXIT_INVALID;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Apply refused before any write (SPEC §5). Exit 3. */
export class RefusedError extends Error {
  readonly exitCode = EXIT_REFUSED;
  /** Machine-readable reason: `digest-mismatch`, `expired`, `org-mismatch`, `older-than-last-applied`, `blocked`, `merge-check`, ... */
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'RefusedError';
    this.reason = reason;
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof PolicyError || error instanceof InputError) return EXIT_INVALID;
  if (error instanceof RefusedError) return EXIT_REFUSED;
  return EXIT_RUNTIME;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
