/**
 * Command-line parsing shared by `plan`, `apply` and `demo`: `node:util` parseArgs, with every
 * problem turned into an `InputError` (exit 2) that names the flag and the value.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError, PolicyError, exitCodeOf } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A malformed command line (exit 2): the command's usage is printed after the message. */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
}

/** Parses `argv` strictly; `-h`/`--help` is always accepted. */
export function parseCommandArgs(
  command: string,
  argv: string[],
  options: Options,
  positionals: { min: number; max: number; names: string },
): ParsedArgs {
  let parsed: { values: ParsedArgs['values']; positionals: string[] };
  try {
    const result = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: positionals.max > 0,
      strict: true,
    });
    parsed = { values: result.values, positionals: result.positionals };
  } catch (error: unknown) {
    throw new UsageError(`${command}: ${describeParseError(error)}`);
  }
  const help = parsed.values.help === true;
  if (!help) {
    if (parsed.positionals.length < positionals.min) {
      throw new UsageError(`${command}: missing ${positionals.names}`);
    }
    if (parsed.positionals.length > positionals.max) {
      const extra = parsed.positionals.slice(positionals.max).join(' ');
      throw new UsageError(`${command}: unexpected argument "${extra}"`);
    }
  }
  return { values: parsed.values, positionals: parsed.positionals, help };
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Node's messages already name the flag ("Unknown option '--bogus'"); drop its advice about "--".
  return message.replace(/\. To specify an option argument starting with a dash.*$/s, '');
}

export function stringFlag(values: ParsedArgs['values'], name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InputError(`--${name}: a value is required`);
  }
  return value;
}

/** A whole number within [min, max]. */
export function integerFlag(
  values: ParsedArgs['values'],
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const raw = stringFlag(values, name);
  if (raw === undefined) return undefined;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < bounds.min || n > bounds.max) {
    throw new InputError(
      `--${name}: "${raw}" is not a whole number from ${bounds.min} to ${bounds.max}`,
    );
  }
  return n;
}

/** An ISO-8601 timestamp with a date and a time (`2026-03-01T09:00:00Z`). */
export function timestampFlag(values: ParsedArgs['values'], name: string): Date | undefined {
  const raw = stringFlag(values, name);
  if (raw === undefined) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  const date = new Date(raw);
  if (!iso.test(raw) || Number.isNaN(date.getTime()) || !isCalendarDay(raw)) {
    throw new InputError(
      `--${name}: "${raw}" is not an ISO-8601 timestamp (for example 2026-03-01T09:00:00Z)`,
    );
  }
  return date;
}

/** `Date` rolls 2026-02-30 over to March 2: the day must exist in its month. */
function isCalendarDay(raw: string): boolean {
  const [year, month, day] = raw.slice(0, 10).split('-').map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth;
}

/**
 * Runs a command body and turns its typed errors into the exit code (SPEC §8), with the message
 * on stderr: the command is complete on its own, whoever calls it.
 */
export async function withExitCode(
  command: string,
  io: { stderr: (text: string) => void },
  usage: string,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof PolicyError) {
      io.stderr(
        `${message}\nlicense-policy ${command}: the policy is not valid (${error.problems.length} problem(s))\n`,
      );
    } else if (error instanceof UsageError) {
      io.stderr(`license-policy ${message}\n\n${usage}`);
    } else {
      io.stderr(`license-policy ${command}: ${message}\n`);
    }
    return exitCodeOf(error);
  }
}
