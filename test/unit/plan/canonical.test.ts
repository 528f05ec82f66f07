/**
 * The fast canonicaliser (native JSON.stringify with keys put in RFC 8785 order) against the
 * `canonicalize` package, byte for byte: plan ids and digests are hashes of these bytes.
 */
import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  GIVE_UP,
  canonicalJson,
  canonicalMembers,
  fastCanonicalJson,
  sha256WithOneMemberMore,
} from '../../../src/plan/canonical.js';

/** What the package makes of a value: its text, or that it throws. */
function byPackage(value: unknown): { text: string | undefined } | { throws: true } {
  try {
    return { text: canonicalize(value) };
  } catch {
    return { throws: true };
  }
}

function byCanonicalJson(value: unknown): { text: string | undefined } | { throws: true } {
  try {
    return { text: canonicalJson(value) };
  } catch {
    return { throws: true };
  }
}

/** Any UTF-16 code unit, so strings get lone surrogates as well as pairs. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const anyCodeUnits = fc.string({ unit: codeUnit, maxLength: 6 });
const astral = fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const wellFormedKey = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.string({ unit: astral, maxLength: 3 }),
  fc.constantFrom('é', 'ö', '\u20ac', '\ud83d\ude00', '\ufb33', '\r', '__proto__', 'toString'),
);
const integerLikeKey = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom('0', '42', '4294967294', '4294967295', '9007199254740993', '007', '-1', '1.5'),
);
const edgeNumber = fc.constantFrom(-0, 0, 1e21, 1e-7, 5e-324, -5e-324, 1.7976931348623157e308, 0.1);
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), edgeNumber);

const { value: jsonLike } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    fc.string({ maxLength: 8 }),
    fc.string({ unit: astral, maxLength: 3 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(wellFormedKey, tie('value'), { maxKeys: 5 }),
  ),
}));

/** Values the package refuses or that the fast path must leave to it. */
const { value: awkward } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLike,
    anyCodeUnits,
    fc.constantFrom(NaN, Infinity, -Infinity, undefined),
    fc.array(fc.oneof(tie('value'), fc.constant(undefined)), { maxLength: 4 }),
    fc.dictionary(fc.oneof(wellFormedKey, integerLikeKey, anyCodeUnits), tie('value'), {
      maxKeys: 5,
    }),
    fc.date({ noInvalidDate: true }),
    fc.constantFrom<unknown>(() => 1, Symbol('s'), 1n, Object(1), Object('s'), Object(false)),
    tie('value').map((inner) => ({ toJSON: () => inner })),
  ),
}));

describe('canonical JSON fast path', () => {
  it('writes every JSON value byte for byte as the canonicalize package does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const fast = fastCanonicalJson(value);
        expect(fast === GIVE_UP ? canonicalize(value) : fast).toBe(canonicalize(value));
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes values whose keys are already in order, or partly, as the package does', () => {
    /** A copy with the keys of each object in JCS order, or in reverse, chosen by `sorted`. */
    const reordered = (value: unknown, sorted: (depth: number) => boolean, depth = 0): unknown => {
      if (Array.isArray(value)) return value.map((v) => reordered(v, sorted, depth + 1));
      if (value === null || typeof value !== 'object') return value;
      const keys = Object.keys(value).sort();
      if (!sorted(depth)) keys.reverse();
      const copy: Record<string, unknown> = {};
      for (const key of keys) {
        Object.defineProperty(copy, key, {
          value: reordered((value as Record<string, unknown>)[key], sorted, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    };
    fc.assert(
      fc.property(jsonLike, fc.nat(7), (value, pattern) => {
        // Every object in order (the as-is path), or in order only at some depths.
        const partly = reordered(
          value,
          (depth) => pattern === 0 || ((pattern >> (depth % 3)) & 1) === 1,
        );
        const fast = fastCanonicalJson(partly);
        expect(fast === GIVE_UP ? canonicalize(partly) : fast).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
    const inOrder = { a: [{ b: 1, c: [undefined, { d: 2, e: () => 1 }] }], f: undefined };
    expect(fastCanonicalJson(inOrder)).toBe('{"a":[{"b":1,"c":[null,{"d":2}]}]}');
    expect(fastCanonicalJson(inOrder)).toBe(canonicalize(inOrder));
  });

  it('writes values with astral and non-ASCII keys, -0, 1e21 and 5e-324 as the package does', () => {
    fc.assert(
      fc.property(jsonLike, (value) => {
        const fast = fastCanonicalJson(value);
        const digitKeys = /"\d+":/.test(JSON.stringify(value) ?? '');
        expect({ gaveUp: fast === GIVE_UP, digitKeys }).not.toEqual({
          gaveUp: true,
          digitKeys: false,
        });
        expect(fast === GIVE_UP ? canonicalize(value) : fast).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the package’s text or error for integer-like keys, lone surrogates, NaN, toJSON', () => {
    fc.assert(
      fc.property(awkward, (value) => {
        const fast = fastCanonicalJson(value);
        expect(fast === GIVE_UP ? byPackage(value) : { text: fast }).toEqual(byPackage(value));
        expect(byCanonicalJson(value)).toEqual(
          ((p) => ('text' in p && p.text === undefined ? { throws: true } : p))(byPackage(value)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('orders integer-like keys as JCS does, not as JavaScript enumerates them', () => {
    const value = { b: 1, '10': 2, '9': 3, a: { '0': true, z: null, '': [] } };
    expect(canonicalJson(value)).toBe('{"10":2,"9":3,"a":{"":[],"0":true,"z":null},"b":1}');
    expect(fastCanonicalJson(value)).toBe(GIVE_UP);
  });

  it('keeps a "__proto__" key as a member when it reorders an object', () => {
    const value = JSON.parse('{"z":1,"__proto__":{"x":2}}') as unknown;
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":2},"z":1}');
    expect(fastCanonicalJson(value)).toBe(canonicalize(value));
  });

  it('refuses a lone surrogate, NaN and Infinity as the package does', () => {
    expect(() => canonicalJson({ a: '\ud800' })).toThrow('Lone surrogate');
    expect(() => canonicalJson({ '\udc00': 1 })).toThrow('Lone surrogate');
    expect(() => canonicalJson([NaN])).toThrow('NaN');
    expect(() => canonicalJson({ a: -Infinity })).toThrow('Infinity');
    expect(() => canonicalJson(undefined)).toThrow('no JSON representation');
  });

  it('writes a Date through toJSON and a cycle as an error, as the package does', () => {
    const when = new Date(Date.UTC(2026, 10, 29));
    expect(canonicalJson({ when })).toBe('{"when":"2026-11-29T00:00:00.000Z"}');
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow('Circular');
  });
});

describe('hashing an object with and without one member more', () => {
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  it('gives the hashes of both objects, the new member first, between, last, or alone', () => {
    const bodies: Array<Record<string, unknown>> = [
      {},
      { b: 1 },
      { a: [1, { z: 2, y: 'é' }], c: null },
      { a: 1, b: [2, 3], c: 'x' },
    ];
    for (const body of bodies) {
      for (const key of ['0', 'a0', 'bb', 'zz']) {
        const hashes = sha256WithOneMemberMore(canonicalMembers(body), {
          key,
          value: (without) => without.slice(0, 8),
        });
        expect(hashes.without).toBe(sha256(canonicalize(body)!));
        const withKey = { ...body, [key]: hashes.without.slice(0, 8) };
        expect(hashes.with).toBe(sha256(canonicalize(withKey)!));
      }
    }
  });
});
