/**
 * Canonical and stable JSON for plan and state files: RFC 8785 (JCS) for hashing, and a
 * pretty, byte-stable form (sorted keys, 2-space indent, LF, final newline) for files in git.
 */
import { createHash, type Hash } from 'node:crypto';
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
 * in numeric order, whatever the insertion order. So `inJcsOrder` gives the value with every
 * object's keys in code-unit order, copying only what is not (the engine
 * inserts the keys of what it builds in that order, so a plan is checked rather than copied), and
 * gives up on any object with a key made only of digits (a superset of the array indices, so no
 * engine's notion of an index can surprise it). Then JSON.stringify without a replacer keeps V8
 * on its fast serialiser: a replacer function is a call into JavaScript per value, slower than
 * the walk.
 *
 * It also gives up — and the package then writes the value or throws exactly as it always did —
 * on whatever JSON.stringify and the package treat differently or might: non-finite numbers
 * (JSON.stringify writes `null`, JCS refuses them), strings and keys with lone surrogates
 * (JSON.stringify escapes them, JCS refuses them), objects with `toJSON`, boxed primitives and
 * bigints; and any error at all (a cycle, nesting too deep for the stack) is left to the package
 * too. Undefined, functions and symbols are what both make of them: dropped from objects, `null`
 * in arrays, no text at all alone. Members are read by the walk and again by JSON.stringify when
 * their object is written as it is, so a getter answering differently on each read is outside
 * this promise (plans are plain data).
 */
export function fastCanonicalJson(value: unknown): string | undefined | typeof GIVE_UP {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return undefined;
  }
  try {
    return JSON.stringify(inJcsOrder(value));
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

/**
 * `value` (anything but undefined, a function or a symbol) with every object's keys in JCS order:
 * the value itself where it already is so — the engine builds plans with keys inserted in that
 * order, so a plan of tens of thousands of actions is checked, not copied — else a copy of what
 * is out of order and of everything holding it. Throws `NotFastPath`.
 */
function inJcsOrder(value: unknown): unknown {
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
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      // JSON.stringify writes `null` for an element with no JSON form, as the copy would hold.
      const ordered = hasNoJsonForm(element) ? element : inJcsOrder(element);
      if (copy === null && ordered !== element) copy = value.slice(0, i);
      if (copy !== null) copy.push(ordered);
    }
    return copy ?? value;
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    throw new NotFastPath();
  }
  const record = value as Record<string, unknown>;
  // for-in, not Object.keys: objects of one shape enumerate their keys from a cache, with no
  // array per object (a plan holds hundreds of thousands of objects). Its own keys come in
  // Object.keys order.
  let previous: string | null = null;
  let inOrder = true;
  let seen = 0;
  /** The members in JCS order, once one of them differs from the record's own. */
  let ordered: unknown[] | null = null;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const first = key.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39 && DIGITS_ONLY.test(key)) throw new NotFastPath();
    if (!isWellFormed(key)) throw new NotFastPath();
    if (previous !== null && !(previous < key)) inOrder = false;
    previous = key;
    const member = record[key];
    // JSON.stringify drops a member with no JSON form just as the copy leaves it out.
    const inner = hasNoJsonForm(member) ? member : inJcsOrder(member);
    if (ordered === null && inner !== member) {
      // Every member before this one is written as it is.
      ordered = Object.keys(record)
        .slice(0, seen)
        .map((k) => record[k]);
    }
    ordered?.push(inner);
    seen += 1;
  }
  if (inOrder && ordered === null) return value;
  const keys = Object.keys(record);
  const members = ordered ?? keys.map((k) => record[k]);
  const order = keys.map((_, k) => k).sort((a, b) => (keys[a] < keys[b] ? -1 : 1));
  const copy: Record<string, unknown> = {};
  for (const k of order) {
    if (hasNoJsonForm(members[k])) continue;
    if (keys[k] === '__proto__') {
      // Assigning would set the copy's prototype instead of adding a member.
      Object.defineProperty(copy, keys[k], {
        value: members[k],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[keys[k]] = members[k];
    }
  }
  return copy;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Array elements canonicalised per piece: few enough calls, pieces of a few hundred kilobytes. */
const ELEMENTS_PER_PIECE = 512;

/**
 * An object's members as pieces of their RFC 8785 canonical JSON. By JCS's definition an object is
 * `{` + members sorted by key + `}`, and an array `[` + its elements joined by `,` + `]`, so a
 * large array member is canonicalised a slice of elements at a time — a plan's tens of thousands
 * of actions never become one giant string — and the object is hashed piece by piece, twice if
 * need be with one member added in between, without ever being assembled.
 */
export function canonicalMembers(value: Record<string, unknown>): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    if (!Array.isArray(member) || member.length <= ELEMENTS_PER_PIECE) {
      members.set(key, [canonicalJson(member)]);
      continue;
    }
    const pieces = ['['];
    for (let from = 0; from < member.length; from += ELEMENTS_PER_PIECE) {
      const slice = canonicalJson(member.slice(from, from + ELEMENTS_PER_PIECE));
      // `[a,b]` and `[c]` make `[a,b,c]`: the brackets off, a comma between slices.
      pieces.push(from > 0 ? ',' : '', slice.slice(1, -1));
    }
    pieces.push(']');
    members.set(key, pieces);
  }
  return members;
}

/**
 * SHA-256 hex of the object whose members `canonicalMembers` gave (`without`), and of the same
 * object with one member more whose value may depend on that first hash (`with`; a plan's digest
 * covers its id, which is made from the hash without it). The members sorted before the new
 * key are hashed once for both: a plan's `actions`, nearly all of it, come first.
 */
export function sha256WithOneMemberMore(
  members: ReadonlyMap<string, readonly string[]>,
  extra: { key: string; value: (without: string) => unknown },
): { without: string; with: string } {
  if (members.has(extra.key)) throw new Error(`canonical JSON: ${extra.key} is already a member`);
  const keys = [...members.keys()].sort(compareCodeUnits);
  const after = keys.findIndex((key) => compareCodeUnits(key, extra.key) > 0);
  const before = after < 0 ? keys.length : after;
  const write = (hash: Hash, key: string, pieces: readonly string[], first: boolean) => {
    hash.update(`${first ? '' : ','}${canonicalJson(key)}:`);
    for (const piece of pieces) hash.update(piece, 'utf8');
  };
  const hash = createHash('sha256').update('{');
  keys.slice(0, before).forEach((key, i) => write(hash, key, members.get(key)!, i === 0));
  const withExtra = hash.copy();
  keys.slice(before).forEach((key, i) => write(hash, key, members.get(key)!, before + i === 0));
  const without = hash.update('}').digest('hex');
  write(withExtra, extra.key, [canonicalJson(extra.value(without))], before === 0);
  for (const key of keys.slice(before)) write(withExtra, key, members.get(key)!, false);
  return { without, with: withExtra.update('}').digest('hex') };
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
