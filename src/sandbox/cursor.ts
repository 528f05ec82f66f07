/**
 * Opaque page cursors: base64url of `{o: offset, h: filter hash}`. The hash ties a cursor to
 * the query that produced it, so a client that changes its filters mid-pagination gets a 400
 * instead of a silently wrong page; the registry lets a client send the cursor alone.
 */
import { fnv1a } from './prng.js';

export interface CursorState {
  offset: number;
  hash: string;
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify({ o: state.offset, h: state.hash })).toString('base64url');
}

export function decodeCursor(cursor: string): CursorState | null {
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { o, h } = parsed as { o?: unknown; h?: unknown };
    if (typeof o !== 'number' || !Number.isInteger(o) || o < 0 || typeof h !== 'string')
      return null;
    return { offset: o, hash: h };
  } catch {
    return null;
  }
}

/** JSON with sorted object keys, so equal queries hash equally whatever the key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function queryHash(scope: string, query: unknown): string {
  const text = `${scope}\u0000${stableJson(query)}`;
  return `${fnv1a(text).toString(36)}${text.length.toString(36)}`;
}

/** Remembers the queries behind issued cursors (bounded; the oldest are forgotten first). */
export class QueryRegistry {
  private readonly entries = new Map<string, unknown>();
  constructor(private readonly capacity = 20_000) {}

  remember(hash: string, query: unknown): void {
    if (this.entries.has(hash)) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(hash, query);
  }

  recall(hash: string): unknown {
    return this.entries.get(hash);
  }
}
