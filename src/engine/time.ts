/** Instants as epoch milliseconds; the engine never reads the clock, it is handed `now`. */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Epoch ms of an ISO timestamp or date, or null when absent or unparseable. */
export function parseInstant(text: string | null | undefined): number | null {
  if (!text) return null;
  const ms = Date.parse(text);
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
