/**
 * A small seeded PRNG (sfc32) and the id formats Atlassian uses. The sandbox never calls
 * Math.random: the same seed must give the same org, byte for byte, on every machine.
 */

export interface Prng {
  /** Uniform 32-bit unsigned integer. */
  u32(): number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Fisher–Yates in place. */
  shuffle<T>(items: T[]): T[];
}

export function createPrng(seed: number): Prng {
  // sfc32 seeded through splitmix32 so that small seeds (1, 2, 3) give unrelated streams.
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  const next = (): number => u32() / 4294967296;
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    u32,
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    shuffle: <T>(items: T[]): T[] => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
  };
}

const HEX_DIGITS = '0123456789abcdef';

/**
 * Fills a pattern's `x` with random hex digits and `y` with a uuid variant digit. Built from
 * char codes so the result is a flat string: ids are Map keys looked up millions of times,
 * and V8's concatenated (cons) strings hash and compare several times slower.
 */
function hexPattern(prng: Prng, pattern: string): string {
  const codes = new Array<number>(pattern.length);
  let bits = 0;
  let left = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c !== 120 /* x */ && c !== 121 /* y */) {
      codes[i] = c;
      continue;
    }
    if (left === 0) {
      bits = prng.u32();
      left = 8;
    }
    const nibble = bits & 15;
    bits >>>= 4;
    left--;
    codes[i] = HEX_DIGITS.charCodeAt(c === 121 ? 8 | (nibble & 3) : nibble);
  }
  return String.fromCharCode(...codes);
}

/** A version-4-shaped uuid drawn from the PRNG. */
export function uuidFrom(prng: Prng): string {
  return hexPattern(prng, 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx');
}

/** Legacy Atlassian account id: 24 hex digits (`5b86be50b8e3cb5895860d6d`). */
export function legacyAccountIdFrom(prng: Prng): string {
  return hexPattern(prng, 'xxxxxxxxxxxxxxxxxxxxxxxx');
}

/** Current Atlassian account id: `712020:<uuid>`. */
export function prefixedAccountIdFrom(prng: Prng): string {
  return hexPattern(prng, '712020:xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx');
}

/** FNV-1a over a string: a cheap, stable 32-bit hash (cursor filter hashes, derived digits). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
