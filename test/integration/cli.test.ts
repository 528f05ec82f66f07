/**
 * `license-policy plan` and `apply` run in-process with a fake io against the sandbox over
 * HTTP: exit codes, results on stdout and progress on stderr, the files they write, and the API
 * key never appearing anywhere.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyCommand } from '../../src/commands/apply.js';
import { demoCommand } from '../../src/commands/demo.js';
import type { CliIo, Command } from '../../src/commands/io.js';
import { planCommand } from '../../src/commands/plan.js';
import { AUDIT_COLUMNS } from '../../src/audit/types.js';
import { parsePlan, verifyPlanDigest } from '../../src/plan/plan-file.js';
import { parseState } from '../../src/plan/state.js';
import { BASE_POLICY, startTestOrg, writeRequests, type TestOrg } from './apply-org.js';

let org: TestOrg;
beforeEach(async () => {
  org = await startTestOrg();
});
afterEach(async () => {
  await org.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: Command, argv: string[], env = org.env()): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    cwd: org.dir,
  };
  const code = await command(argv, io);
  return { code, stdout, stderr };
}

const file = (name: string) => readFileSync(path.join(org.dir, name), 'utf8');

async function planToFile(): Promise<string> {
  const result = await run(planCommand, ['--out', 'plan.json']);
  expect(result.code).toBe(0);
  org.sandbox.resetLog();
  return 'plan.json';
}

describe('license-policy plan', () => {
  it('writes the plan, its Markdown, the audit and the state; results on stdout, progress on stderr', async () => {
    const result = await run(planCommand, [
      '--markdown',
      'plan.md',
      '--audit',
      'audit.csv',
      '--state',
      'state.json',
    ]);
    expect(result.code).toBe(0);

    const plans = readdirSync(path.join(org.dir, 'plans'));
    expect(plans).toHaveLength(1);
    const plan = parsePlan(file(`plans/${plans[0]}`), plans[0]);
    expect(plans[0]).toBe(`${plan.planId}.json`);
    expect(verifyPlanDigest(plan)).toBe(true);
    expect(plan.actions.filter((a) => a.status === 'planned')).toHaveLength(4);

    expect(result.stdout).toContain(`plan file: ${path.join('plans', `${plan.planId}.json`)}`);
    expect(result.stdout).toContain('planned 4');
    expect(result.stdout).not.toMatch(/pages fetched|evaluated/);
    expect(result.stderr).toMatch(/read the organization: \d+ pages fetched/);
    expect(result.stderr).toMatch(/evaluated \d+ users: 4 removal\(s\) planned/);

    expect(file('plan.md')).toContain(`License policy plan \`${plan.planId}\``);
    expect(file('audit.csv').split('\r\n')[0]).toBe(AUDIT_COLUMNS.join(','));
    expect(file('audit.csv')).toContain(`,${plan.planId},plan,`);
    expect(parseState(file('state.json'), 'state.json').licensedSince.size).toBe(5);
    expect(org.sandbox.writes()).toEqual([]);
  });

  it('reproduces the same plan for the same --now', async () => {
    const now = new Date().toISOString();
    await run(planCommand, ['--now', now, '--out', 'a.json', '--state', 'a-state.json']);
    await run(planCommand, ['--now', now, '--out', 'b.json', '--state', 'b-state.json']);
    expect(file('a.json')).toBe(file('b.json'));
  });

  it('exits 2 naming a bad flag value, before any request', async () => {
    const result = await run(planCommand, ['--now', 'yesterday']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('--now: "yesterday" is not an ISO-8601 timestamp');
    expect(org.sandbox.requests).toEqual([]);
  });

  it('exits 2 with the usage for an unknown flag', async () => {
    const result = await run(planCommand, ['--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bogus'");
    expect(result.stderr).toContain('Usage: license-policy plan');
  });

  it('exits 2 naming the missing Atlassian settings', async () => {
    const result = await run(planCommand, [], { ATLASSIAN_API_KEY: 'k' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('set ATLASSIAN_ORG_ID');
  });

  it('exits 2 with file:line:column when the policy names a group the org does not have', async () => {
    org.writePolicy(
      `${BASE_POLICY}exclude:\n  groups:\n    - { name: no-such-group, reason: typo }\n`,
    );
    const result = await run(planCommand, []);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/policies\/policy\.yml:\d+:\d+: .*no-such-group/);
    expect(existsSync(path.join(org.dir, 'plans'))).toBe(false);
  });

  it('exits 1 when Atlassian rejects the key, without printing the key', async () => {
    const result = await run(planCommand, [], {
      ...org.env(),
      ATLASSIAN_API_KEY: 'wrong-key-123456',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401');
    expect(result.stderr + result.stdout).not.toContain('wrong-key-123456');
  });
});

describe('license-policy apply', () => {
  it('applies a plan: summary on stdout, progress on stderr, audit and state written, key never printed', async () => {
    const planFile = await planToFile();
    const result = await run(applyCommand, [
      planFile,
      '--audit',
      'audit.csv',
      '--state',
      'state.json',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Applied plan \S+: 4 planned action\(s\) — applied 4$/m);
    expect(result.stdout).not.toContain('actions applied');
    expect(result.stderr).toContain('actions applied 4/4');
    expect(writeRequests(org.sandbox)).toHaveLength(5);

    const plan = parsePlan(file(planFile), planFile);
    expect(parseState(file('state.json'), 'state.json').lastApplied).toEqual({
      planId: plan.planId,
      createdAt: plan.createdAt,
    });
    const rows = file('audit.csv').trimEnd().split('\r\n');
    expect(rows[0]).toBe(AUDIT_COLUMNS.join(','));
    expect(rows.slice(1).filter((r) => r.includes(',apply,'))).toHaveLength(9);

    const everything = result.stdout + result.stderr + file('audit.csv') + file('state.json');
    expect(everything).not.toContain(org.sandbox.apiKey);
  });

  it('writes the audit next to the plan id by default and re-applies as a no-op', async () => {
    const planFile = await planToFile();
    const plan = parsePlan(file(planFile), planFile);
    expect((await run(applyCommand, [planFile])).code).toBe(0);
    org.sandbox.resetLog();

    const again = await run(applyCommand, [planFile]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already-absent 4');
    expect(org.sandbox.writes()).toEqual([]);
    expect(file(`audit/${plan.planId}.csv`)).toContain('already-absent');
  });

  it('exits 3 for an edited plan, with a refused row and no request to Atlassian', async () => {
    const planFile = await planToFile();
    writeFileSync(
      path.join(org.dir, planFile),
      file(planFile).replace(org.ids.alice, org.ids.carol),
    );
    const result = await run(applyCommand, [planFile, '--audit', 'audit.csv']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('refused (digest-mismatch)');
    expect(result.stdout).toContain('nothing was changed');
    expect(org.sandbox.requests).toEqual([]);
    const rows = file('audit.csv').trimEnd().split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(',apply,');
    expect(rows[1]).toContain(',refused,');
  });

  it('exits 3 for a blocked plan, and applies it with --override-limits', async () => {
    org.writePolicy(`${BASE_POLICY}limits:\n  maxRemovals: 2\n`);
    const planFile = await planToFile();
    const refused = await run(applyCommand, [planFile]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('--override-limits');
    expect(org.sandbox.writes()).toEqual([]);

    const overridden = await run(applyCommand, [planFile, '--override-limits']);
    expect(overridden.code).toBe(0);
    expect(overridden.stderr).toContain('limits overridden');
  });

  it('writes nothing with --dry-run and leaves the state as it was', async () => {
    const planFile = await planToFile();
    const before = file('license-policy.state.json');
    const result = await run(applyCommand, [planFile, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run of plan');
    expect(result.stdout).toContain('dry-run 4');
    expect(org.sandbox.writes()).toEqual([]);
    expect(file('license-policy.state.json')).toBe(before);
  });

  it('exits 1 when a write fails, after applying the others', async () => {
    const planFile = await planToFile();
    org.sandbox.faults.failNext({
      method: 'DELETE',
      path: `/memberships/${org.ids.alice}`,
      status: 403,
    });
    const result = await run(applyCommand, [planFile]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('applied 3');
    expect(result.stdout).toMatch(new RegExp(`failed: ${org.ids.alice}.*403`));
  });

  it.each([
    [[], 'apply: missing the PLAN file to apply'],
    [['p.json', 'q.json'], 'apply: unexpected argument "q.json"'],
    [['p.json', '--concurrency', '0'], '--concurrency: "0" is not a whole number from 1 to 16'],
    [['p.json', '--concurrency', 'four'], '--concurrency: "four" is not a whole number'],
    [['p.json', '--dry-run=yes'], "--dry-run' does not take an argument"],
    [['missing.json'], 'missing.json: plan file not found'],
  ])('exits 2 for bad arguments %j', async (argv, message) => {
    const result = await run(applyCommand, argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(org.sandbox.requests).toEqual([]);
  });
});

describe('--help', () => {
  it.each([
    ['plan', planCommand, 'Usage: license-policy plan'],
    ['apply', applyCommand, 'Usage: license-policy apply PLAN'],
    ['demo', demoCommand, 'Usage: license-policy demo'],
  ])('%s --help prints its usage on stdout and exits 0', async (_name, command, usage) => {
    const result = await run(command, ['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(usage);
    expect(result.stdout).toContain('Exit codes');
  });
});
