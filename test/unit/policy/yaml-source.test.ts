/** Reading one file: where positions point, and the bounds on aliases and encodings. */
import { describe, expect, it } from '@jest/globals';
import { MAX_ALIAS_EXPANSION, readYamlSource } from '../../../src/policy/yaml-source.js';
import { firstInvalidUtf8Offset } from '../../../src/policy/utf8.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function source(text: string) {
  const read = readYamlSource('p.yml', bytes(text));
  if (!read.ok) throw new Error(read.problems.map((p) => p.message).join('\n'));
  return read.source;
}

describe('positions', () => {
  const text = 'version: 1\nrules:\n  - id: a\n    inactiveDays:\n    sites: [x, y]\n';

  it('points at a key, at a value, and at the key when the value is left empty', () => {
    const s = source(text);
    expect(s.locate(['rules', 0, 'id'], 'key')).toEqual({ file: 'p.yml', line: 3, column: 5 });
    expect(s.locate(['rules', 0, 'id'])).toEqual({ file: 'p.yml', line: 3, column: 9 });
    expect(s.locate(['rules', 0, 'inactiveDays'])).toEqual({ file: 'p.yml', line: 4, column: 5 });
    expect(s.locate(['rules', 0, 'sites', 1])).toEqual({ file: 'p.yml', line: 5, column: 16 });
  });

  it('falls back to the deepest node that exists (a missing key is reported on its mapping)', () => {
    expect(source(text).locate(['rules', 0, 'product'])).toEqual({
      file: 'p.yml',
      line: 3,
      column: 5,
    });
  });

  it('follows aliases to the anchored node', () => {
    const s = source('version: 1\nbase: &b { x: 1 }\nother: *b\n');
    expect(s.locate(['other', 'x'])).toEqual({ file: 'p.yml', line: 2, column: 15 });
  });
});

describe('alias expansion bound', () => {
  // `list` holds n scalars; each alias to it adds n + 1 values (the list itself and its items).
  const expanding = (items: number, aliases: number) =>
    `version: 1\nlist: &l [${Array.from({ length: items }, () => 'x').join(', ')}]\nuses: [${Array.from({ length: aliases }, () => '*l').join(', ')}]\n`;

  it(`allows aliases adding up to ${MAX_ALIAS_EXPANSION} values`, () => {
    // 99 aliases x (100 items + the list) = 9,999 added values; 101 aliases add 10,201.
    expect(readYamlSource('p.yml', bytes(expanding(100, 99))).ok).toBe(true);
  });

  it('refuses a file whose aliases add more, at the alias that expands most', () => {
    const read = readYamlSource('p.yml', bytes(expanding(100, 101)));
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems).toEqual([
      {
        file: 'p.yml',
        line: 3,
        column: 8,
        message: `aliases expand this file by more than ${MAX_ALIAS_EXPANSION} values (a "billion laughs" pattern) — use anchors (&name) and aliases (*name) only for small repeated values`,
      },
    ]);
  });
});

describe('strict UTF-8', () => {
  it('finds the first byte that is not UTF-8', () => {
    expect(firstInvalidUtf8Offset(bytes('abc é'))).toBe(6);
    expect(firstInvalidUtf8Offset(new Uint8Array([0x61, 0xc3]))).toBe(1); // truncated sequence
    expect(firstInvalidUtf8Offset(new Uint8Array([0xc0, 0xaf]))).toBe(0); // overlong '/'
    expect(firstInvalidUtf8Offset(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8Offset(new Uint8Array([0x61, 0xf0, 0x9f, 0x98, 0x80, 0xff]))).toBe(5);
  });
});
