/** Instants as epoch milliseconds; the engine never reads the clock, it is handed `now`. */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

const ZERO = 48;

/** The decimal number in text[from, to), or NaN when any character is not a digit. */
function decimal(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return value;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, the form Atlassian and our own files use, read by hand: a
 * million-account snapshot holds about a million timestamps, and `Date.parse` is the slow part.
 * NaN for anything else (including days after the 28th, left to `Date.parse` to judge).
 */
function parseUtcInstant(text: string): number {
  const end = text.length - 1;
  if (end < 19 || text[end] !== 'Z') return NaN;
  if (
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':'
  ) {
    return NaN;
  }
  let ms = 0;
  if (end > 19) {
    // Milliseconds are the first three digits of the fraction; finer ones are truncated, as
    // Date.parse does with Atlassian's nanoseconds.
    if (text[19] !== '.' || end === 20 || Number.isNaN(decimal(text, 20, end))) return NaN;
    ms = decimal(text.slice(20, Math.min(23, end)).padEnd(3, '0'), 0, 3);
  }
  const month = decimal(text, 5, 7);
  const day = decimal(text, 8, 10);
  const hour = decimal(text, 11, 13);
  const minute = decimal(text, 14, 16);
  const second = decimal(text, 17, 19);
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 28 &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59;
  return valid ? Date.UTC(decimal(text, 0, 4), month - 1, day, hour, minute, second, ms) : NaN;
}

/** Epoch ms of an ISO timestamp or date, or null when absent or unparseable. */
export function parseInstant(text: string | null | undefined): number | null {
  if (!text) return null;
  let ms = parseUtcInstant(text);
  if (Number.isNaN(ms)) ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** `YYYY-MM-DD` (UTC). */
export function isoDay(ms: number): string {
  return isoInstant(ms).slice(0, 10);
}

export function wholeDays(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
