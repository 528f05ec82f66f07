/** Valid policies become the typed Policy: defaults filled, names normalised, sources kept. */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadPolicy, parsePolicyFiles } from '../../../src/policy/load.js';
import { DEFAULT_LIMITS } from '../../../src/policy/types.js';

const valid = path.resolve(import.meta.dirname, '../../fixtures/policies/valid');
const at = (file: string, line: number, column: number) => ({ file, line, column });
const bytes = (text: string) => new TextEncoder().encode(text);

describe('the SPEC §2 example, verbatim', () => {
  it('loads with every value, default and position', async () => {
    const policy = await loadPolicy('policies', { displayRoot: path.join(valid, 'spec-example') });
    const f = 'policies/spec.yml';
    const content = readFileSync(path.join(valid, 'spec-example', f));
    expect(policy).toEqual({
      files: [f],
      digest: createHash('sha256').update(`${f}\0`).update(content).update('\0').digest('hex'),
      currency: 'USD',
      products: {
        'jira-software': { monthlyCostPerUser: 8.6, source: at(f, 4, 3) },
        confluence: { monthlyCostPerUser: 6.05, source: at(f, 5, 3) },
      },
      exclude: {
        admins: true,
        serviceAccounts: true,
        accounts: [
          { email: 'ceo@example.com', reason: 'Executive', source: at(f, 12, 7) },
          {
            accountId: '5b10ac8d82e05b22cc7d4ef5',
            reason: 'Break-glass account',
            until: '2027-06-30',
            source: at(f, 13, 7),
          },
        ],
        groups: [
          { name: 'license-policy-exempt', reason: 'Exempt on request', source: at(f, 15, 7) },
        ],
        emailDomains: [
          {
            domain: 'partner.example',
            reason: 'Partner contract covers seats',
            source: at(f, 17, 7),
          },
        ],
      },
      rules: [
        {
          id: 'jira-inactive-30d',
          description: 'Remove Jira licences from users inactive for 30 days',
          product: 'jira-software',
          sites: ['acme.atlassian.net'],
          inactiveDays: 30,
          neverActive: { include: true, graceDays: 30 },
          noticeDays: 7,
          scope: {
            groups: ['contractors'],
            groupSources: [at(f, 30, 16)],
            emailDomains: ['example.com'],
            claimStatus: 'unmanaged',
          },
          allowCollateral: false,
          action: 'remove-product-access',
          countApiTokenUse: true,
          source: at(f, 20, 5),
          productSource: at(f, 22, 14),
          siteSources: [at(f, 23, 13)],
        },
        {
          id: 'confluence-keep-4500',
          product: 'confluence',
          keepAtMost: 4500,
          inactiveDays: 14,
          neverActive: { include: true, graceDays: 14 },
          noticeDays: 7,
          allowCollateral: false,
          action: 'remove-product-access',
          countApiTokenUse: true,
          source: at(f, 36, 5),
          productSource: at(f, 37, 14),
        },
      ],
      limits: {
        maxRemovals: 500,
        maxRemovalsPercent: 10,
        planTtlHours: 72,
        activityLagHours: 24,
        minActivityCoverage: 50,
      },
    });
  });
});

describe('several files form one policy', () => {
  const root = path.join(valid, 'multi-file');

  it('reads *.yml and *.yaml recursively in path order, skipping hidden files and other files', async () => {
    const policy = await loadPolicy('policies', { displayRoot: root });
    expect(policy.files).toEqual([
      'policies/00-org.yml',
      'policies/confluence.yaml',
      'policies/jira/acme.yml',
      'policies/jira/beta.yml',
    ]);
    expect(policy.rules.map((r) => r.id)).toEqual([
      'confluence-keep-4500',
      'jira-contractors-14d',
      'jira-beta-suspend-90d',
    ]);
  });

  it('merges settings from the one file that sets them and combines the exclusion lists', async () => {
    const policy = await loadPolicy('policies', { displayRoot: root });
    expect(policy.currency).toBe('EUR');
    expect(policy.limits).toEqual({ ...DEFAULT_LIMITS, maxRemovals: 50, maxRemovalsPercent: 2.5 });
    expect(policy.exclude.admins).toBe(true);
    expect(policy.exclude.serviceAccounts).toBe(false);
    expect(policy.exclude.accounts).toEqual([
      {
        accountId: '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077',
        reason: 'Break-glass',
        until: '2028-02-29',
        source: at('policies/00-org.yml', 10, 7),
      },
      {
        email: 'ceo@acme.example',
        reason: 'Executive',
        source: at('policies/jira/acme.yml', 4, 7),
      },
    ]);
    expect(policy.exclude.groups).toEqual([
      {
        name: 'license-policy-exempt',
        reason: 'Exempt on request',
        source: at('policies/confluence.yaml', 4, 7),
      },
    ]);
    expect(policy.exclude.emailDomains.map((d) => d.domain)).toEqual(['partner.example']);
  });

  it('fills rule defaults and lower-cases sites and domains but keeps group names as written', async () => {
    const policy = await loadPolicy('policies', { displayRoot: root });
    const [, contractors, beta] = policy.rules;
    expect(contractors).toMatchObject({
      sites: ['acme.atlassian.net'],
      siteSources: [at('policies/jira/acme.yml', 9, 13)],
      neverActive: { include: false, graceDays: 14 },
      noticeDays: 0,
      countApiTokenUse: false,
      scope: {
        groups: ['contractors', 'Temps'],
        groupSources: [at('policies/jira/acme.yml', 14, 16), at('policies/jira/acme.yml', 14, 29)],
        emailDomains: ['contractor.example'],
        claimStatus: 'unmanaged',
      },
    });
    expect(beta).toMatchObject({
      sites: ['beta.atlassian.net', 'sandbox.atlassian.net'],
      neverActive: { include: true, graceDays: 10 },
      allowCollateral: true,
      action: 'suspend',
      productSource: at('policies/jira/beta.yml', 4, 14),
    });
    expect(beta.scope).toBeUndefined();
  });

  it('digests path and bytes of every file in order, so a rename or an edit changes it', async () => {
    const policy = await loadPolicy('policies', { displayRoot: root });
    const hash = createHash('sha256');
    for (const file of policy.files) {
      hash
        .update(`${file}\0`)
        .update(readFileSync(path.join(root, file)))
        .update('\0');
    }
    expect(policy.digest).toBe(hash.digest('hex'));

    const one = (p: string, text: string) => parsePolicyFiles([{ path: p, content: bytes(text) }]);
    const base = one('policies/a.yml', 'version: 1\n').digest;
    expect(one('policies/b.yml', 'version: 1\n').digest).not.toBe(base);
    expect(one('policies/a.yml', 'version: 1 \n').digest).not.toBe(base);
    expect(one('policies/a.yml', 'version: 1\n').digest).toBe(base);
  });

  it('gives the same policy whatever order the files are passed in', () => {
    const files = [
      {
        path: 'p/b.yml',
        content: bytes(
          'version: 1\nrules:\n  - { id: b, product: confluence, inactiveDays: 30 }\n',
        ),
      },
      {
        path: 'p/a.yml',
        content: bytes(
          'version: 1\nrules:\n  - { id: a, product: confluence, inactiveDays: 30 }\n',
        ),
      },
    ];
    const forwards = parsePolicyFiles(files);
    expect(parsePolicyFiles([...files].reverse())).toEqual(forwards);
    expect(forwards.rules.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('normalises Windows separators in given paths', () => {
    const policy = parsePolicyFiles([
      { path: 'policies\\jira\\a.yml', content: bytes('version: 1\n') },
    ]);
    expect(policy.files).toEqual(['policies/jira/a.yml']);
  });
});

describe('other valid shapes', () => {
  it('a file with only "version: 1" gives every default', async () => {
    const policy = await loadPolicy('policies', { displayRoot: path.join(valid, 'minimal') });
    expect(policy).toMatchObject({
      currency: 'USD',
      products: {},
      exclude: { admins: true, serviceAccounts: true, accounts: [], groups: [], emailDomains: [] },
      rules: [],
      limits: DEFAULT_LIMITS,
    });
  });

  it('anchors and aliases within the bound are expanded', async () => {
    const policy = await loadPolicy('policies', { displayRoot: path.join(valid, 'anchors') });
    expect(policy.rules.map((r) => [r.id, r.scope?.groups, r.scope?.claimStatus])).toEqual([
      ['jira-contractors', ['contractors'], 'unmanaged'],
      ['confluence-contractors', ['contractors'], 'unmanaged'],
    ]);
  });

  it('a UTF-8 BOM and CRLF line endings are fine', async () => {
    const policy = await loadPolicy('policies', { displayRoot: path.join(valid, 'crlf-bom') });
    expect(policy.rules[0]).toMatchObject({
      id: 'jira-inactive-30d',
      source: at('policies/policy.yml', 3, 5),
      productSource: at('policies/policy.yml', 4, 14),
    });
  });

  it('a plain rule and a keepAtMost rule with a lower floor work together', () => {
    const policy = parsePolicyFiles([
      {
        path: 'policies/c.yml',
        content: bytes(
          'version: 1\nrules:\n  - { id: c-30d, product: confluence, inactiveDays: 30 }\n  - { id: c-cap, product: confluence, keepAtMost: 10, inactiveDays: 14 }\n',
        ),
      },
    ]);
    expect(policy.rules.map((r) => r.keepAtMost)).toEqual([undefined, 10]);
  });

  it('keepAtMost rules on different sites of one product are separate targets', () => {
    const policy = parsePolicyFiles([
      {
        path: 'policies/c.yml',
        content: bytes(
          'version: 1\nrules:\n  - { id: acme-cap, product: confluence, sites: [acme.atlassian.net], keepAtMost: 10, inactiveDays: 14 }\n  - { id: beta-cap, product: confluence, sites: [beta.atlassian.net], keepAtMost: 20, inactiveDays: 14 }\n',
        ),
      },
    ]);
    expect(policy.rules.map((r) => [r.id, r.sites, r.keepAtMost])).toEqual([
      ['acme-cap', ['acme.atlassian.net'], 10],
      ['beta-cap', ['beta.atlassian.net'], 20],
    ]);
  });

  it('an exclusion that expires keeps a scope group usable', () => {
    const policy = parsePolicyFiles([
      {
        path: 'policies/p.yml',
        content: bytes(
          'version: 1\nexclude:\n  groups: [{ name: temps, reason: Pilot, until: 2027-01-31 }]\nrules:\n  - { id: temps, product: confluence, inactiveDays: 30, scope: { groups: [temps] } }\n',
        ),
      },
    ]);
    expect(policy.exclude.groups[0].until).toBe('2027-01-31');
  });
});
