import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exitCodeOf } from '../../../src/errors.js';
import {
  assertWritable,
  outputTarget,
  schemaRefFor,
  siblingPolicyFiles,
  writeStarterPolicy,
} from '../../../src/init/output.js';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(path.join(tmpdir(), 'init-output-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

const existing = (rel: string, text: string) => {
  const file = path.join(cwd, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};

describe('where init writes the starter policy', () => {
  it('defaults to policies/license-policy.yml, creating the directory', () => {
    const target = outputTarget(undefined, false, cwd);
    expect(target).toEqual({
      file: path.join(cwd, 'policies', 'license-policy.yml'),
      shown: 'policies/license-policy.yml',
      force: false,
    });
    assertWritable(target);
    writeStarterPolicy(target, 'version: 1\n');
    expect(readFileSync(path.join(cwd, 'policies', 'license-policy.yml'), 'utf8')).toBe(
      'version: 1\n',
    );
  });

  it('refuses an existing file with exit code 2 and leaves it untouched', () => {
    const file = existing('policies/license-policy.yml', 'mine\n');
    const target = outputTarget(undefined, false, cwd);
    const refused = (() => {
      try {
        assertWritable(target);
        return undefined;
      } catch (e: unknown) {
        return e;
      }
    })();
    expect(exitCodeOf(refused)).toBe(2);
    expect((refused as Error).message).toContain('policies/license-policy.yml already exists');
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it('refuses at the write too, when the file appeared after the first check', () => {
    const target = outputTarget('policies/p.yml', false, cwd);
    assertWritable(target);
    const file = existing('policies/p.yml', 'written meanwhile\n');
    expect(() => writeStarterPolicy(target, 'version: 1\n')).toThrow(/already exists/);
    expect(readFileSync(file, 'utf8')).toBe('written meanwhile\n');
  });

  it('replaces an existing file with --force, leaving no temporary file behind', () => {
    const file = existing('policies/license-policy.yml', 'old\n');
    const target = outputTarget(undefined, true, cwd);
    assertWritable(target);
    writeStarterPolicy(target, 'version: 1\n');
    expect(readFileSync(file, 'utf8')).toBe('version: 1\n');
    expect(readdirSync(path.join(cwd, 'policies'))).toEqual(['license-policy.yml']);
  });

  it('treats "-" as stdout, which is never refused', () => {
    existing('policies/license-policy.yml', 'mine\n');
    const target = outputTarget('-', false, cwd);
    expect(target).toEqual({ file: null, shown: 'stdout', force: false });
    expect(() => assertWritable(target)).not.toThrow();
  });

  it('points the schema line at schema/policy.schema.json relative to the written file', () => {
    expect(schemaRefFor(outputTarget(undefined, false, cwd), cwd)).toBe(
      '../schema/policy.schema.json',
    );
    expect(schemaRefFor(outputTarget('-', false, cwd), cwd)).toBe('../schema/policy.schema.json');
    expect(schemaRefFor(outputTarget('a/b/c.yml', false, cwd), cwd)).toBe(
      '../../schema/policy.schema.json',
    );
    expect(schemaRefFor(outputTarget('top.yml', false, cwd), cwd)).toBe(
      'schema/policy.schema.json',
    );
  });

  it('lists the other policy files that would form one policy with it', () => {
    existing('policies/jira.yaml', 'version: 1\n');
    existing('policies/.hidden.yml', 'version: 1\n');
    existing('policies/notes.txt', '');
    expect(siblingPolicyFiles(outputTarget(undefined, false, cwd))).toEqual(['jira.yaml']);
    expect(siblingPolicyFiles(outputTarget('elsewhere/new.yml', false, cwd))).toEqual([]);
  });
});
