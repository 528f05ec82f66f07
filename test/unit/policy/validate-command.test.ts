/** `license-policy validate`, driven through a fake io: exit codes, stdout and stderr. */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliIo } from '../../../src/commands/io.js';
import { VALIDATE_USAGE, validateCommand } from '../../../src/commands/validate.js';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/policies');

async function run(argv: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd,
  };
  const code = await validateCommand(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('license-policy validate', () => {
  it('prints a one-paragraph summary and exits 0 for a valid policy (default directory policies/)', async () => {
    const result = await run([], path.join(fixtures, 'valid/multi-file'));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toHaveLength(2); // one paragraph, then the final newline
    expect(result.stdout).toMatch(
      /^Policy is valid: 4 files \(policies\/00-org\.yml, policies\/confluence\.yaml, policies\/jira\/acme\.yml, policies\/jira\/beta\.yml\); 3 rules — confluence 1 rule: confluence-keep-4500 \(at most 4500 seats, floor 14 days\); jira-software 2 rules: jira-contractors-14d \(14 days inactive, acme\.atlassian\.net\), jira-beta-suspend-90d \(90 days inactive, beta\.atlassian\.net, sandbox\.atlassian\.net, suspends\)\. Exclusions: admins, service accounts NOT excluded, 2 accounts \(1 by email, 1 by account id\), 1 group, 1 email domain; 1 exclusion with an expiry date\. Limits: at most 50 removals per plan and 2\.5% of a product's seats on a site; plans expire after 72 h; activity lag 24 h; minimum activity coverage 50%\. Currency EUR\. Digest sha256:[0-9a-f]{64}\.\n$/,
    );
  });

  it('takes the directory from --policy, relative to the working directory', async () => {
    const result = await run(['--policy', 'valid/minimal/policies'], fixtures);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Policy is valid: 1 file (valid/minimal/policies/policy.yml); no rules (nothing will be removed).',
    );
  });

  it('prints every problem as file:line:column: message on stderr and exits 2', async () => {
    const result = await run(
      ['--policy', 'policies'],
      path.join(fixtures, 'invalid/problems-in-several-files'),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'policies/a.yml:2:11: currency "EURO" must be a three-letter ISO 4217 code in capitals, like "USD"',
        'policies/a.yml:7:5: unknown key "acton" in rule "a-rule" — did you mean "action"?',
        'policies/b.yml:5:19: "inactiveDays" must be at least 7, not 5 — shorter windows mistake a holiday for leaving',
        'policies/c.yml:2:8: YAML syntax error: this "[" is never closed — end the list with "]"; if it continues on the next lines, indent them more than its key',
        '4 problems in 3 files; the policy is not valid',
        '',
      ].join('\n'),
    );
  });

  it('exits 2 with a clear message when the directory has no policy files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'validate-'));
    mkdirSync(path.join(dir, 'policies'));
    writeFileSync(path.join(dir, 'policies', 'notes.md'), '# not a policy\n');
    const result = await run([], dir);
    rmSync(dir, { recursive: true, force: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'license-policy validate: no policy files (*.yml, *.yaml) in "policies" — create one starting with "version: 1", or point at the right directory with --policy\n',
    );
  });

  it('exits 2 when the directory does not exist or is a file', async () => {
    const missing = await run(['--policy', 'nowhere'], fixtures);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: 'license-policy validate: policy directory "nowhere" does not exist\n',
    });
    const file = await run(['--policy', 'valid/minimal/policies/policy.yml'], fixtures);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(
      'license-policy validate: "valid/minimal/policies/policy.yml" is not a directory of policy files\n',
    );
  });

  it('prints its usage for --help and -h, exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const result = await run([flag], fixtures);
      expect(result).toEqual({ code: 0, stdout: VALIDATE_USAGE, stderr: '' });
    }
    expect(VALIDATE_USAGE).toMatch(/^Usage: license-policy validate \[--policy DIR\]\n/);
  });

  it('refuses unknown flags, stray arguments and a --policy without a value with usage, exit 2', async () => {
    for (const argv of [['--polcy', 'x'], ['policies'], ['--policy']]) {
      const result = await run(argv, fixtures);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^license-policy validate: .+\n\nUsage: license-policy validate/,
      );
    }
  });
});
