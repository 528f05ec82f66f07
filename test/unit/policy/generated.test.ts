/**
 * The published schema and the policy reference are generated from src/policy; these tests
 * fail when the committed files fall out of step, when the reference misses a key, or when
 * the schema stops being closed.
 */
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { generatedFiles } from '../../../scripts/generate.js';
import { loadPolicy, parsePolicyFiles } from '../../../src/policy/load.js';
import { FULL_EXAMPLE } from '../../../src/policy/reference-text.js';
import { policySchema, type SchemaNode } from '../../../src/policy/schema.js';
import { schemaKeys } from '../../../src/policy/schema-walk.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const committed = (file: string) => readFileSync(path.join(repo, file), 'utf8');

describe('generated files match the source', () => {
  it.each(generatedFiles().map((f) => [f.path, f.content] as const))(
    '%s is committed exactly as generated (run `npm run build`)',
    (file, content) => {
      expect(committed(file)).toBe(content);
      expect(content.endsWith('\n')).toBe(true);
    },
  );

  it('the reference names every key of the schema, with its path', () => {
    const reference = committed('docs/policy.md');
    const keys = schemaKeys();
    expect(keys.length).toBeGreaterThanOrEqual(40);
    for (const key of keys) expect(reference).toContain(`| \`${key.path}\` |`);
  });

  it('the reference carries the full example, which is a valid policy', () => {
    expect(committed('docs/policy.md')).toContain(FULL_EXAMPLE.trimEnd());
    const policy = parsePolicyFiles([
      { path: 'example.yml', content: new TextEncoder().encode(FULL_EXAMPLE) },
    ]);
    expect(policy.rules.map((r) => r.id)).toEqual(['jira-inactive-30d', 'confluence-keep-4500']);
  });
});

describe('the schema', () => {
  it('is closed: every mapping lists its keys or constrains both key names and values', () => {
    const open: string[] = [];
    const visit = (node: SchemaNode, where: string) => {
      if (node.type === 'object') {
        const closed =
          node.additionalProperties === false ||
          (typeof node.additionalProperties === 'object' && node.propertyNames !== undefined);
        if (!closed) open.push(where);
      }
      for (const [name, child] of Object.entries(node.properties ?? {}))
        visit(child, `${where}.${name}`);
      for (const [name, child] of Object.entries(node.$defs ?? {})) visit(child, `$defs.${name}`);
      if (node.items) visit(node.items, `${where}[]`);
      if (typeof node.additionalProperties === 'object')
        visit(node.additionalProperties, `${where}.*`);
    };
    visit(policySchema, '(root)');
    expect(open).toEqual([]);
  });

  it('as published, works in any draft 2020-12 validator (what editors use)', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(committed('schema/policy.schema.json')) as object);
    const example = parse(FULL_EXAMPLE, { schema: 'core' }) as Record<string, unknown>;
    expect(validate(example)).toBe(true);
    expect(validate({ ...example, version: '1' })).toBe(false);
    expect(validate({ ...example, extra: true })).toBe(false);
    expect(validate({ version: 1, exclude: { accounts: [{ reason: 'r' }] } })).toBe(false);
    expect(
      validate({
        version: 1,
        exclude: { accounts: [{ email: 'a@b.example', accountId: 'x', reason: 'r' }] },
      }),
    ).toBe(false);
    expect(
      validate({
        version: 1,
        exclude: { groups: [{ name: 'g', reason: 'r', until: '2027-02-29' }] },
      }),
    ).toBe(false);
  });
});

describe('the shipped example policy', () => {
  const file = 'policies/license-policy.yml';

  it('points editors at the schema on its first line', () => {
    expect(committed(file).split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schema/policy.schema.json',
    );
  });

  it('is valid, and excludes only what the sandbox organisation has', async () => {
    const policy = await loadPolicy('policies', { displayRoot: repo });
    expect(policy.files).toEqual([file]);
    expect(policy.exclude.accounts.map((a) => [a.email, a.accountId])).toEqual([
      ['ceo@acme.example', undefined],
    ]);
    expect(policy.exclude.groups.map((g) => g.name)).toEqual(['license-policy-exempt']);
    expect(policy.exclude.emailDomains.map((d) => d.domain)).toEqual(['partner.example']);
    expect(
      policy.rules.map((r) => [r.id, r.product, r.sites, r.inactiveDays, r.keepAtMost]),
    ).toEqual([
      ['jira-inactive-30d', 'jira-software', ['acme.atlassian.net'], 30, undefined],
      ['confluence-keep-4500', 'confluence', undefined, 14, 4500],
    ]);
    expect(policy.rules.flatMap((r) => r.scope?.groups ?? [])).toEqual([]);
  });
});
