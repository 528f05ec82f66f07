/**
 * The corpus of broken policies: each directory under test/fixtures/policies/invalid holds a
 * `policies/` directory and `expected.txt`, the exact `file:line:column: message` lines an admin
 * must see. Paths are relative to the case directory, as a user in it would type them.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PolicyError, formatProblem } from '../../../src/errors.js';
import { loadPolicy, parsePolicyFiles } from '../../../src/policy/load.js';
import { MAX_POLICY_FILE_BYTES } from '../../../src/policy/yaml-source.js';

const corpus = path.resolve(import.meta.dirname, '../../fixtures/policies/invalid');
const cases = readdirSync(corpus).sort();

function filesUnder(dir: string, prefix: string): Array<{ path: string; content: Uint8Array }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    const shown = `${prefix}/${entry.name}`;
    return entry.isDirectory()
      ? filesUnder(full, shown)
      : [{ path: shown, content: new Uint8Array(readFileSync(full)) }];
  });
}

function policyErrorOf(run: () => unknown): PolicyError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError, but the policy was accepted');
}

async function loadError(caseDir: string): Promise<PolicyError> {
  try {
    await loadPolicy('policies', { displayRoot: caseDir });
  } catch (error: unknown) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError, but the policy was accepted');
}

describe('invalid policies are refused with the exact problems and positions', () => {
  it('has a broad corpus (at least 45 cases, each with expected output)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    for (const name of cases) {
      expect(readFileSync(path.join(corpus, name, 'expected.txt'), 'utf8')).toMatch(
        /^policies\/\S+:\d+:\d+: .+\n/,
      );
    }
  });

  it.each(cases)('%s', async (name) => {
    const caseDir = path.join(corpus, name);
    const expected = readFileSync(path.join(caseDir, 'expected.txt'), 'utf8');

    const loaded = await loadError(caseDir);
    expect(`${loaded.problems.map(formatProblem).join('\n')}\n`).toBe(expected);
    expect(`${loaded.message}\n`).toBe(expected);

    // The pure entry point (used by the action and apply) reports the same, in any input order.
    const files = filesUnder(path.join(caseDir, 'policies'), 'policies').reverse();
    const parsed = policyErrorOf(() => parsePolicyFiles(files));
    expect(parsed.problems).toEqual(loaded.problems);
  });
});

describe('files the corpus cannot hold', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('refuses a file over 1 MiB without parsing it', () => {
    const big = new Uint8Array(MAX_POLICY_FILE_BYTES + 1).fill(0x23); // all '#'
    big.set(bytes('version: 1\n'));
    const error = policyErrorOf(() =>
      parsePolicyFiles([
        { path: 'policies/huge.yml', content: big },
        { path: 'policies/ok.yml', content: bytes('version: 1\n') },
      ]),
    );
    expect(error.problems.map(formatProblem)).toEqual([
      'policies/huge.yml:1:1: file is 1,048,577 bytes; a policy file may be at most 1 MiB (1,048,576 bytes) — split it into several files',
    ]);
  });

  it('accepts a file of exactly 1 MiB', () => {
    const text = `version: 1\n${'#'.repeat(MAX_POLICY_FILE_BYTES - 12)}\n`;
    expect(bytes(text).length).toBe(MAX_POLICY_FILE_BYTES);
    expect(parsePolicyFiles([{ path: 'policies/full.yml', content: bytes(text) }]).files).toEqual([
      'policies/full.yml',
    ]);
  });

  it('counts columns in characters, not bytes (three 2-byte letters before the key: bytes would say 45)', () => {
    const error = policyErrorOf(() =>
      parsePolicyFiles([
        {
          path: 'policies/p.yml',
          content: bytes(
            'version: 1\nexclude:\n  groups:\n    - { name: Équipe ünïcode, reason: x, untl: 2027-01-01 }\n',
          ),
        },
      ]),
    );
    expect(error.problems.map(formatProblem)).toEqual([
      'policies/p.yml:4:42: unknown key "untl" in this group exclusion — did you mean "until"?',
    ]);
  });

  it('points past a BOM as editors do', () => {
    const content = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('version: 1\nrules: 3\n')]);
    const error = policyErrorOf(() => parsePolicyFiles([{ path: 'policies/bom.yml', content }]));
    expect(error.problems.map(formatProblem)).toEqual([
      'policies/bom.yml:2:8: "rules" must be a list, not 3',
    ]);
  });

  it('reports positions in CRLF files by line', () => {
    const content = bytes(
      'version: 1\r\nrules:\r\n  - id: a-rule\r\n    product: confluence\r\n    inactiveDays: 2\r\n',
    );
    const error = policyErrorOf(() => parsePolicyFiles([{ path: 'policies/crlf.yml', content }]));
    expect(error.problems.map(formatProblem)).toEqual([
      'policies/crlf.yml:5:19: "inactiveDays" must be at least 7, not 2 — shorter windows mistake a holiday for leaving',
    ]);
  });
});
