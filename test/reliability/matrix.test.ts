/**
 * The matrix in README.md is the index a reader trusts: every file it names must exist and hold
 * the test name it quotes, or this fails (a renamed or deleted test cannot silently leave a gap).
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(import.meta.dirname, 'README.md'), 'utf8');

/** Every `` `file` › "name" `` reference in the tables. */
const references = [...readme.matchAll(/`(test\/[^`]+\.test\.ts)` › "([^"]+)"/g)].map(
  ([, file, name]) => ({ file, name }),
);

describe('the reliability matrix', () => {
  it('lists every scenario of the four sections with where it is tested', () => {
    for (const section of [
      '## 1. Faults',
      '## 2. Hostile',
      '## 3. Bad input',
      '## 4. Who may apply',
    ])
      expect(readme).toContain(section);
    expect(references.length).toBeGreaterThan(60);
  });

  it.each(references.map((r) => [r.file, r.name]))('%s holds "%s"', (file, name) => {
    const full = path.join(ROOT, file);
    expect(existsSync(full)).toBe(true);
    // Names are quoted as they appear in the source (an it.each table entry counts).
    expect(readFileSync(full, 'utf8').replace(/\s+/g, ' ')).toContain(name);
  });
});
