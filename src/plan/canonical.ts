/**
 * Canonical and stable JSON for plan and state files: RFC 8785 (JCS) for hashing, and a
 * pretty, byte-stable form (sorted keys, 2-space indent, LF, final newline) for files in git.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** RFC 8785 canonical JSON. Throws on values JSON cannot represent (NaN, Infinity, lone surrogates). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('canonical JSON: the value has no JSON representation');
  return text;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * An object's members as pieces of their RFC 8785 canonical JSON. By JCS's definition an object is
 * `{` + members sorted by key + `}`, and an array `[` + its elements + `]`, so each member is
 * canonicalised once — an array element by element, so that a plan's tens of thousands of actions
 * never build one giant string (the canonicaliser appends piece by piece, and a string of a
 * million appends costs many times its size until it is flattened) — and the object is hashed,
 * twice if need be with one member added in between, without ever being assembled.
 */
export function canonicalMembers(value: Record<string, unknown>): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    members.set(
      key,
      Array.isArray(member)
        ? ['[', member.map((element: unknown) => canonicalJson(element ?? null)).join(','), ']']
        : [canonicalJson(member)],
    );
  }
  return members;
}

/** SHA-256 hex of the object whose members `canonicalMembers` gave, fed to the hash piece by piece. */
export function sha256OfCanonicalMembers(members: ReadonlyMap<string, readonly string[]>): string {
  const hash = createHash('sha256');
  hash.update('{');
  [...members.keys()].sort(compareCodeUnits).forEach((key, i) => {
    hash.update(`${i > 0 ? ',' : ''}${canonicalJson(key)}:`);
    for (const piece of members.get(key)!) hash.update(piece, 'utf8');
  });
  hash.update('}');
  return hash.digest('hex');
}

/** JCS orders object keys by UTF-16 code units; the stable file form uses the same order. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * JSON with keys sorted (UTF-16 code-unit order, as JCS), 2-space indentation, LF line endings
 * and a final newline. Numbers and strings are written exactly as JCS writes them, so parsing
 * this text and canonicalising it gives the same bytes as canonicalising the original value.
 * `undefined` object members are left out, as JSON.stringify and JCS do.
 */
export function stableJson(value: unknown): string {
  const parts: string[] = [];
  writeValue(value, '', parts);
  parts.push('\n');
  return parts.join('');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A primitive exactly as JCS writes it (JSON.stringify's forms), refusing the same values. */
function primitiveJson(value: unknown): string {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new Error('canonical JSON: lone surrogate in a string');
    return JSON.stringify(value);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`canonical JSON: ${value} has no JSON form`);
  }
  return canonicalJson(value);
}

function writeValue(value: unknown, indent: string, out: string[]): void {
  if (typeof value === 'string' || typeof value === 'number') {
    out.push(primitiveJson(value));
    return;
  }
  if (value === null || typeof value !== 'object') {
    out.push(canonicalJson(value));
    return;
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    out.push('[\n');
    for (let i = 0; i < value.length; i++) {
      out.push(inner);
      const element: unknown = value[i];
      writeValue(element === undefined ? null : element, inner, out);
      out.push(i < value.length - 1 ? ',\n' : '\n');
    }
    out.push(indent, ']');
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort(compareCodeUnits);
  if (keys.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{\n');
  keys.forEach((key, i) => {
    out.push(inner, primitiveJson(key), ': ');
    writeValue(record[key], inner, out);
    out.push(i < keys.length - 1 ? ',\n' : '\n');
  });
  out.push(indent, '}');
}
