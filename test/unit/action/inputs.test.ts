import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../../../src/errors.js';
import {
  INPUT_DEFAULTS,
  SECRET_INPUTS,
  isValidBranchName,
  readSettings,
  requireAtlassian,
  restoreBranchOf,
  type InputName,
} from '../../../src/inputs.js';
import { OUTPUT_NAMES } from '../../../src/action/outputs.js';

interface ActionYml {
  runs: Record<string, string>;
  branding: Record<string, string>;
  inputs: Record<string, { description?: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description?: string }>;
}

const root = path.resolve(import.meta.dirname, '../../..');
const actionYml = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as ActionYml;

/** Inputs as the runner passes them: action.yml defaults, overridden by `given`. */
function source(given: Partial<Record<InputName, string>> = {}) {
  const masked: string[] = [];
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(actionYml.inputs)) values[name] = spec.default ?? '';
  values['github-token'] = 'ghs_runnertoken';
  Object.assign(values, given);
  return {
    masked,
    get: (name: InputName) => (values[name] ?? '').trim(),
    mask: (secret: string) => masked.push(secret),
  };
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e: unknown) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('action.yml', () => {
  it('runs on node24 with a post step that always runs', () => {
    expect(actionYml.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/post.js',
      'post-if': 'always()',
    });
    expect(actionYml.branding.icon).toBeTruthy();
  });

  it('declares exactly the inputs inputs.ts knows, each described, with the same default', () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort());
    for (const [name, spec] of Object.entries(actionYml.inputs)) {
      expect({ name, described: (spec.description ?? '').length > 20 }).toEqual({
        name,
        described: true,
      });
      expect({ name, default: spec.default ?? '' }).toEqual({
        name,
        default: INPUT_DEFAULTS[name as InputName],
      });
    }
  });

  it('uses the SPEC defaults', () => {
    expect(INPUT_DEFAULTS).toMatchObject({
      mode: 'auto',
      'policy-path': 'policies',
      'plans-path': 'plans',
      'atlassian-api-url': 'https://api.atlassian.com',
      'github-token': '${{ github.token }}',
      'plan-branch': 'license-policy/plan',
      'state-branch': 'license-policy/state',
      'audit-branch': 'license-policy/audit',
      'require-approval': 'true',
      'override-label': 'license-policy:override-limits',
      'audit-artifact-name': 'license-policy-audit',
      'audit-retention-days': '90',
      redact: 'none',
      'dry-run': 'false',
      concurrency: '4',
    });
  });

  it('declares exactly the outputs every mode sets, each described', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    for (const [name, spec] of Object.entries(actionYml.outputs)) {
      expect({ name, described: (spec.description ?? '').length > 10 }).toEqual({
        name,
        described: true,
      });
    }
  });
});

describe('reading the inputs', () => {
  it('turns the defaults into typed settings', () => {
    const settings = readSettings(source());
    expect(settings).toEqual({
      mode: 'auto',
      policyPath: 'policies',
      plansPath: 'plans',
      atlassianOrgId: '',
      atlassianApiKey: '',
      atlassianApiUrl: 'https://api.atlassian.com',
      githubToken: 'ghs_runnertoken',
      planBranch: 'license-policy/plan',
      stateBranch: 'license-policy/state',
      auditBranch: 'license-policy/audit',
      planFile: null,
      restorePlanId: null,
      restoreAccounts: [],
      requireApproval: true,
      overrideLabel: 'license-policy:override-limits',
      auditArtifactName: 'license-policy-audit',
      auditRetentionDays: 90,
      redact: 'none',
      dryRun: false,
      concurrency: 4,
    });
  });

  it('masks both secrets before parsing anything else', () => {
    const s = source({ 'atlassian-api-key': 'ATATT-secret-key', mode: 'bogus' });
    expect(() => readSettings(s)).toThrow(InputError);
    expect(s.masked).toEqual(['ATATT-secret-key', 'ghs_runnertoken']);
  });

  it('names the input, the value and what is allowed', () => {
    expect(errorOf(() => readSettings(source({ mode: 'destroy' }))).message).toBe(
      `Input 'mode' has the value "destroy"; allowed: auto, validate, plan, apply.`,
    );
    expect(errorOf(() => readSettings(source({ 'dry-run': 'yes' }))).message).toBe(
      `Input 'dry-run' has the value "yes"; allowed: true or false.`,
    );
    expect(errorOf(() => readSettings(source({ concurrency: '0' }))).message).toBe(
      `Input 'concurrency' has the value "0"; allowed: a whole number from 1 to 32.`,
    );
    expect(errorOf(() => readSettings(source({ redact: 'names' }))).message).toContain(
      'allowed: none, emails, all',
    );
    expect(
      errorOf(() => readSettings(source({ 'audit-retention-days': '9.5' }))).message,
    ).toContain("Input 'audit-retention-days'");
  });

  it('never echoes a secret in an error', () => {
    const message = errorOf(() =>
      readSettings(source({ 'atlassian-api-key': 'ATATT one two' })),
    ).message;
    expect(message).toBe(
      `Input 'atlassian-api-key' has the value (hidden); allowed: one API key without spaces or line breaks.`,
    );
  });

  it('refuses paths that leave the workspace and normalises the rest', () => {
    expect(errorOf(() => readSettings(source({ 'policy-path': '../etc' }))).message).toContain(
      'Input \'policy-path\' has the value "../etc"',
    );
    expect(() => readSettings(source({ 'plans-path': '/abs' }))).toThrow(InputError);
    expect(readSettings(source({ 'policy-path': './config/policies/' })).policyPath).toBe(
      'config/policies',
    );
  });

  it('resolves a plan file name inside plans-path and refuses one elsewhere', () => {
    expect(readSettings(source({ 'plan-file': '2026-11-30-a1b2c3d4.json' })).planFile).toBe(
      'plans/2026-11-30-a1b2c3d4.json',
    );
    expect(readSettings(source({ 'plan-file': 'plans/2026-11-30-a1b2c3d4.json' })).planFile).toBe(
      'plans/2026-11-30-a1b2c3d4.json',
    );
    expect(() => readSettings(source({ 'plan-file': 'policies/x.json' }))).toThrow(InputError);
    expect(() => readSettings(source({ 'plan-file': 'plans/x.yml' }))).toThrow(InputError);
  });

  it('reads a restore request: a plan id and account ids separated by commas, spaces or lines', () => {
    const settings = readSettings(
      source({
        'restore-plan-id': ' 2026-11-30-a1b2c3d4 ',
        'restore-accounts':
          '5b10ac8d82e05b22cc7d4ef5, 557058:f0e1d2c3\nqm|x_y-z  5b10ac8d82e05b22cc7d4ef5',
      }),
    );
    expect(settings.restorePlanId).toBe('2026-11-30-a1b2c3d4');
    expect(settings.restoreAccounts).toEqual([
      '5b10ac8d82e05b22cc7d4ef5',
      '557058:f0e1d2c3',
      'qm|x_y-z',
    ]);
    expect(restoreBranchOf(settings.planBranch)).toBe('license-policy/plan-restore');
  });

  it('refuses a restore plan id or account id that is not one, naming the input, value and what is allowed', () => {
    expect(
      errorOf(() => readSettings(source({ 'restore-plan-id': 'plans/2026-11-30-a1b2c3d4.json' })))
        .message,
    ).toBe(
      `Input 'restore-plan-id' has the value "plans/2026-11-30-a1b2c3d4.json"; allowed: a plan id such as 2026-11-30-a1b2c3d4 (the applied plan file's name without .json).`,
    );
    expect(
      errorOf(() =>
        readSettings(
          source({
            'restore-plan-id': '2026-11-30-a1b2c3d4',
            'restore-accounts': 'alice, bob@acme.example',
          }),
        ),
      ).message,
    ).toBe(
      `Input 'restore-accounts' has the value "bob@acme.example"; allowed: Atlassian account ids (1–128 letters, digits, "_", "|", ":" or "-") separated by commas, spaces or line breaks.`,
    );
    expect(() =>
      readSettings(
        source({ 'restore-plan-id': '2026-11-30-a1b2c3d4', 'restore-accounts': 'a'.repeat(129) }),
      ),
    ).toThrow("Input 'restore-accounts'");
    expect(
      readSettings(
        source({ 'restore-plan-id': '2026-11-30-a1b2c3d4', 'restore-accounts': 'a'.repeat(128) }),
      ).restoreAccounts,
    ).toEqual(['a'.repeat(128)]);
  });

  it('refuses restore-accounts without restore-plan-id, and restore-plan-id with plan-file', () => {
    expect(errorOf(() => readSettings(source({ 'restore-accounts': 'abc' }))).message).toBe(
      `Input 'restore-accounts' has the value "abc"; allowed only together with 'restore-plan-id' (the plan whose apply to undo).`,
    );
    expect(
      errorOf(() =>
        readSettings(
          source({
            'restore-plan-id': '2026-11-30-a1b2c3d4',
            'plan-file': 'plans/2026-11-29-00000000.json',
          }),
        ),
      ).message,
    ).toContain(
      "Input 'restore-plan-id' has the value \"2026-11-30-a1b2c3d4\"; allowed only without 'plan-file'",
    );
  });

  it('keeps the state and audit branches off the restore branch', () => {
    expect(
      errorOf(() => readSettings(source({ 'audit-branch': 'license-policy/plan-restore' })))
        .message,
    ).toContain(`Input 'audit-branch' has the value "license-policy/plan-restore"`);
    expect(() => readSettings(source({ 'state-branch': 'license-policy/plan-restore' }))).toThrow(
      "Input 'state-branch'",
    );
  });

  it('checks branch names and keeps the three branches apart', () => {
    expect(isValidBranchName('license-policy/plan')).toBe(true);
    for (const bad of ['a..b', 'a b', 'x.lock', '/x', 'x/', 'a~1', 'a:b', '.hidden', '']) {
      expect({ bad, valid: isValidBranchName(bad) }).toEqual({ bad, valid: false });
    }
    expect(() => readSettings(source({ 'state-branch': 'license-policy/plan' }))).toThrow(
      "Input 'state-branch'",
    );
    expect(readSettings(source({ 'audit-branch': '' })).auditBranch).toBeNull();
    expect(readSettings(source({ 'plan-branch': 'refs/heads/lp/plan' })).planBranch).toBe(
      'lp/plan',
    );
  });

  it('accepts https and a loopback sandbox, nothing else', () => {
    expect(
      readSettings(source({ 'atlassian-api-url': 'http://127.0.0.1:4010/' })).atlassianApiUrl,
    ).toBe('http://127.0.0.1:4010');
    expect(() => readSettings(source({ 'atlassian-api-url': 'http://api.example.com' }))).toThrow(
      "Input 'atlassian-api-url'",
    );
    expect(() => readSettings(source({ 'atlassian-api-url': 'not a url' }))).toThrow(InputError);
  });

  it('applies the default when the runner passes an empty value', () => {
    expect(readSettings(source({ mode: '', concurrency: '' }))).toMatchObject({
      mode: 'auto',
      concurrency: 4,
    });
  });

  it('asks for the org id and key only where Atlassian is needed', () => {
    const settings = readSettings(source());
    expect(() => requireAtlassian(settings, 'plan')).toThrow("Input 'atlassian-org-id' is empty");
    const withOrg = readSettings(source({ 'atlassian-org-id': 'org-1' }));
    expect(() => requireAtlassian(withOrg, 'apply')).toThrow("Input 'atlassian-api-key' is empty");
    expect(SECRET_INPUTS).toEqual(['atlassian-api-key', 'github-token']);
  });
});
