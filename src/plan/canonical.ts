/**
 * Canonical and stable JSON for plan and state files: RFC 8785 (JCS) for hashing, and a
 * pretty, byte-stable form (sorted keys, 2-space indent, LF, final newline) for files in git.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * RFC 8785 canonical JSON. Throws on values JSON cannot represent (NaN, Infinity, lone surrogates).
 *
 * Plans hold tens of thousands of actions, so the common case goes through the engine's native
 * `JSON.stringify` (`fastCanonicalJson`) and only unusual values through the `canonicalize`
 * package, which stays the reference: whenever the fast path is not certain to write the same
 * bytes, it gives up and the package decides, result or error alike.
 */
export function canonicalJson(value: unknown): string {
  const fast = fastCanonicalJson(value);
  const text = fast === GIVE_UP ? canonicalize(value) : fast;
  if (text === undefined) throw new Error('canonical JSON: the value has no JSON representation');
  return text;
}

/** Returned by the fast path for a value it leaves to the `canonicalize` package. */
export const GIVE_UP: unique symbol = Symbol('give up');

/** Thrown while copying a value to stop at the first thing the fast path must not write. */
class NotFastPath extends Error {}

/**
 * RFC 8785 canonical JSON by native `JSON.stringify`, or `GIVE_UP`.
 *
 * Why this is RFC 8785: JCS (§3.2.2) writes literals, strings and numbers exactly as ECMAScript's
 * JSON.stringify does — strings with its escaping (§3.2.2.2), numbers by ECMAScript
 * Number-to-String (§3.2.2.3) — with no whitespace, and (§3.2.3) object members sorted by key as
 * arrays of UTF-16 code units, which is what the default `Array.prototype.sort` does to strings.
 * JSON.stringify writes an object's members in its property order, which for string keys is
 * insertion order — except that integer-like keys ("0", "42", array indices) always come first
 * in numeric order, whatever the insertion order. So `sortedCopy` copies the value with every
 * object's keys inserted in code-unit order, and gives up on any object with a key made only of
 * digits (a superset of the array indices, so no engine's notion of an index can surprise it).
 * Copying and then calling JSON.stringify without a replacer keeps V8 on its fast serialiser: a
 * replacer function is a call into JavaScript per value, slower than the copy.
 *
 * It also gives up — and the package then writes the value or throws exactly as it always did —
 * on whatever JSON.stringify and the package treat differently or might: non-finite numbers
 * (JSON.stringify writes `null`, JCS refuses them), strings and keys with lone surrogates
 * (JSON.stringify escapes them, JCS refuses them), objects with `toJSON`, boxed primitives and
 * bigints; and any error at all (a cycle, nesting too deep for the stack) is left to the package
 * too. Undefined, functions and symbols are what both make of them: dropped from objects, `null`
 * in arrays, no text at all alone. Each member is read once, as the package reads it.
 */
export function fastCanonicalJson(value: unknown): string | undefined | typeof GIVE_UP {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return undefined;
  }
  try {
    return JSON.stringify(sortedCopy(value));
  } catch {
    return GIVE_UP;
  }
}

const DIGITS_ONLY = /^\d+$/;

/** `String.prototype.isWellFormed` (Node 20+; the package relies on it too), which our TS lib predates. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** JSON drops these from objects and writes `null` for them in arrays. */
function hasNoJsonForm(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** `value` (anything but undefined, a function or a symbol) with keys in JCS order; throws `NotFastPath`. */
function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) throw new NotFastPath();
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new NotFastPath();
      return value;
    case 'boolean':
      return value;
    case 'object':
      if (value === null) return null;
      break;
    default:
      throw new NotFastPath();
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw new NotFastPath();
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      copy[i] = hasNoJsonForm(element) ? null : sortedCopy(element);
    }
    return copy;
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    throw new NotFastPath();
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (const key of keys) {
    const first = key.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39 && DIGITS_ONLY.test(key)) throw new NotFastPath();
    if (!isWellFormed(key)) throw new NotFastPath();
  }
  keys.sort();
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    const member = record[key];
    if (hasNoJsonForm(member)) continue;
    if (key === '__proto__') {
      // Assigning would set the copy's prototype instead of adding a member.
      Object.defineProperty(copy, key, {
        value: sortedCopy(member),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[key] = sortedCopy(member);
    }
  }
  return copy;
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
