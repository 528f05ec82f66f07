/**
 * Ordering helpers. Plans must be byte-identical for the same inputs, so everything the engine
 * emits is sorted explicitly, by UTF-16 code units (never `localeCompare`, which depends on the
 * machine's locale).
 */

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNumber(a: number, b: number): number {
  return a - b;
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareText);
}
