/**
 * Bad input everywhere (SPEC §2, §4, §8): malformed plan files and state files, malformed
 * command lines for every command, and malformed action inputs. Each gets a message naming what
 * is wrong and the documented exit code (2 invalid input; 3 for a plan whose digest does not
 * match, which apply refuses) — and nothing is written anywhere: no request to Atlassian, no
 * plan, no state, no audit (a refusal writes its one `refused` row), no GitHub call.
 *
 * The malformed policies live in test/fixtures/policies/invalid/ and are run by
 * test/unit/policy/invalid-corpus.test.ts; the plan and state files here are in
 * test/fixtures/plans/ and test/fixtures/state/.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pipelines } from '../../src/action/deps.js';
import { applyCommand } from '../../src/commands/apply.js';
import { demoCommand } from '../../src/commands/demo.js';
import { initCommand } from '../../src/commands/init.js';
import type { Command } from '../../src/commands/io.js';
import { planCommand } from '../../src/commands/plan.js';
import { restoreCommand } from '../../src/commands/restore.js';
import { sandboxCommand } from '../../src/commands/sandbox.js';
import { validateCommand } from '../../src/commands/validate.js';
import { finalizePlan, serializePlan } from '../../src/plan/plan-file.js';
import { emptyState, serializeState } from '../../src/plan/state.js';
import type { Plan } from '../../src/plan/types.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { runMain } from './support/run-main.js';
import { ODD_POLICY, startOddOrg, type OddOrg } from './support/odd-org.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

/** A directory's files and their bytes, to show that a command changed nothing. */
function contentsOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else out[`${prefix}${entry.name}`] = readFileSync(full).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}

let org: OddOrg;
let cwd: string;
/** A plan of this org that apply would accept, and the state after it. */
let goodPlan: Plan;
let goodState: string;

async function cli(command: Command, args: string[], env: NodeJS.ProcessEnv = org.env()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command(args, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    cwd,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

beforeAll(async () => {
  org = await startOddOrg({ inactive: {} });
  cwd = mkdtempSync(path.join(tmpdir(), 'lp-bad-input-'));
  mkdirSync(path.join(cwd, 'policies'));
  writeFileSync(path.join(cwd, 'policies', 'policy.yml'), ODD_POLICY);
  const made = await cli(planCommand, ['--out', 'good.json', '--state', 'good-state.json']);
  if (made.code !== 0) throw new Error(made.stderr);
  goodPlan = JSON.parse(readFileSync(path.join(cwd, 'good.json'), 'utf8')) as Plan;
  goodState = readFileSync(path.join(cwd, 'good-state.json'), 'utf8');
});

afterAll(async () => {
  await org.close();
  rmSync(cwd, { recursive: true, force: true });
});

beforeEach(() => {
  org.sandbox.resetLog();
  writeFileSync(path.join(cwd, 'good-state.json'), goodState);
  for (const f of readdirSync(cwd)) {
    if (!['policies', 'good.json', 'good-state.json'].includes(f)) {
      rmSync(path.join(cwd, f), { recursive: true, force: true });
    }
  }
});

/** [fixture, exit code, what the message must say] */
const PLAN_FILES: Array<[string, number, RegExp]> = [
  [
    'truncated.json',
    2,
    /truncated\.json: the plan file is not valid JSON \(truncated or corrupted\?\)/,
  ],
  ['empty.json', 2, /empty\.json: the plan file is empty/],
  ['not-an-object.json', 2, /not-an-object\.json: a plan file must hold a JSON object/],
  ['schema-version-2.json', 2, /plan schemaVersion 2 is not supported \(this version reads 1\)/],
  ['schema-version-missing.json', 2, /not a plan file: missing "schemaVersion"/],
  ['schema-version-text.json', 2, /plan schemaVersion "1" is not supported/],
  [
    'unknown-operation-type.json',
    2,
    /actions\[0\]\.operations\[0\]\.type: unknown type "delete-user"/,
  ],
  ['duplicate-action-ids.json', 2, /actions\[1\]\.id: duplicate action id/],
  ['created-at-not-a-time.json', 2, /createdAt: "yesterday" is not a valid date-time/],
  ['unknown-field.json', 2, /unknown field "approvedBy"/],
  ['unknown-status.json', 2, /actions\[0\]\.status: "approved" is not one of/],
  ['actions-not-a-list.json', 2, /actions: must be array/],
  ['digest-missing.json', 2, /missing required field "digest"/],
  // A byte-order mark is tolerated (editors add it): this plan is read, then refused as another org's.
  ['bom.json', 3, /refused \(org-mismatch\): plan \S+ is for organization org-fixture/],
  ['not-utf8.json', 2, /not-utf8\.json: the plan file is not valid UTF-8/],
  [
    'digest-mismatch.json',
    3,
    /refused \(digest-mismatch\): plan \S+ was edited after it was generated/,
  ],
];

describe('malformed plan files: apply says what is wrong, exits 2 (3 when edited), changes nothing', () => {
  it('covers every fixture in test/fixtures/plans', () => {
    expect(readdirSync(path.join(FIXTURES, 'plans')).sort()).toEqual(
      PLAN_FILES.map(([f]) => f).sort(),
    );
  });

  it.each(PLAN_FILES)('%s → exit %d', async (fixture, exit, message) => {
    copyFileSync(path.join(FIXTURES, 'plans', fixture), path.join(cwd, fixture));
    const before = contentsOf(cwd);
    const result = await cli(applyCommand, [
      fixture,
      '--state',
      'good-state.json',
      '--audit',
      'audit.csv',
    ]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: exit,
      stderr: expect.stringMatching(message),
    });
    expect(org.sandbox.requests).toEqual([]);
    // A refusal records itself — the header and one refused row — and writes nothing else.
    const { 'audit.csv': audit, ...after } = contentsOf(cwd);
    const outcomes = audit
      ? Buffer.from(audit, 'base64')
          .toString('utf8')
          .trimEnd()
          .split('\r\n')
          .slice(1)
          .map((row) => row.split(',')[14])
      : [];
    expect(outcomes).toEqual(exit === 3 ? ['refused'] : []);
    expect(after).toEqual(before);
  });

  it('a plan path that is a directory, or is missing: exit 2, named', async () => {
    mkdirSync(path.join(cwd, 'plans-dir.json'));
    const directory = await cli(applyCommand, ['plans-dir.json', '--state', 'good-state.json']);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain('plans-dir.json: is a directory, not a plan file');
    const missing = await cli(applyCommand, ['nowhere.json', '--state', 'good-state.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere.json: plan file not found');
    expect(org.sandbox.requests).toEqual([]);
    expect(readdirSync(cwd).sort()).toEqual(
      ['good-state.json', 'good.json', 'plans-dir.json', 'policies'].sort(),
    );
  });

  it('a well-formed plan whose actions name a product and resource the org does not have: nothing is written to Atlassian', async () => {
    const planned = goodPlan.actions.find((a) => a.status === 'planned')!;
    const { planId: _id, digest: _digest, ...body } = goodPlan;
    const foreign = finalizePlan({
      ...body,
      actions: [
        ...body.actions,
        {
          ...planned,
          id: 'act-ffffffffffffffff',
          product: 'jira-hyperdrive',
          resourceId: 'ari:cloud:jira-hyperdrive::site/00000000-0000-0000-0000-000000000000',
          operations: [
            {
              type: 'revoke-role',
              role: 'atlassian/user',
              resourceId: 'ari:cloud:jira-hyperdrive::site/00000000-0000-0000-0000-000000000000',
            },
          ],
        },
      ],
    });
    writeFileSync(path.join(cwd, 'foreign.json'), serializePlan(foreign));
    const result = await cli(applyCommand, [
      'foreign.json',
      '--state',
      'good-state.json',
      '--audit',
      'audit.csv',
      '--dry-run',
    ]);
    expect(result.code).toBe(0);
    expect(org.sandbox.writes()).toEqual([]);
    const audit = readFileSync(path.join(cwd, 'audit.csv'), 'utf8');
    const row = audit.split('\r\n').find((l) => l.includes('jira-hyperdrive'))!;
    expect(row).toContain(',skipped-policy-changed,');
  });
});

const STATE_FILES: Array<[string, RegExp]> = [
  ['truncated.json', /the state file is not valid JSON \(truncated or corrupted\?\)/],
  ['empty.json', /the state file is empty/],
  ['not-an-object.json', /a state file must hold a JSON object/],
  ['schema-version-2.json', /state schemaVersion 2 is not supported/],
  ['since-not-a-time.json', /since: "last spring" is not a valid date-time/],
  ['last-applied-bad-plan-id.json', /lastApplied/],
  ['unknown-field.json', /unknown field "approved"/],
  ['licence-key-without-account.json', /licensedSince/],
  ['not-utf8.json', /the state file is not valid UTF-8/],
];

describe('malformed state files: plan and apply exit 2 before any request, writing nothing', () => {
  it('covers every fixture in test/fixtures/state', () => {
    expect(readdirSync(path.join(FIXTURES, 'state')).sort()).toEqual(
      STATE_FILES.map(([f]) => f).sort(),
    );
  });

  it.each(STATE_FILES)('%s', async (fixture, message) => {
    copyFileSync(path.join(FIXTURES, 'state', fixture), path.join(cwd, fixture));
    const before = contentsOf(cwd);
    const plan = await cli(planCommand, ['--state', fixture, '--out', 'new.json']);
    const apply = await cli(applyCommand, ['good.json', '--state', fixture, '--audit', 'a.csv']);
    for (const result of [plan, apply]) {
      expect({ code: result.code, stderr: result.stderr }).toEqual({
        code: 2,
        stderr: expect.stringMatching(new RegExp(`${fixture}: .*${message.source}`, 's')),
      });
    }
    expect(org.sandbox.requests).toEqual([]);
    expect(contentsOf(cwd)).toEqual(before);
  });
});

/** [command, its name, arguments, what the message must name] */
const COMMAND_LINES: Array<[Command, string, string[], RegExp]> = [
  [planCommand, 'plan', ['--bogus'], /Unknown option '--bogus'/],
  [planCommand, 'plan', ['--now'], /--now/],
  [planCommand, 'plan', ['--now', 'tomorrow'], /--now: "tomorrow" is not an ISO-8601 timestamp/],
  // Date would roll it over to 2 March: a plan "as of" a day nobody typed.
  [planCommand, 'plan', ['--now', '2026-02-30T00:00:00Z'], /--now: "2026-02-30T00:00:00Z" is not/],
  [planCommand, 'plan', ['--now', '2026-13-01'], /--now: "2026-13-01" is not/],
  [planCommand, 'plan', ['--state', '.'], /is a directory, not a state file/],
  [planCommand, 'plan', ['stray'], /nexpected argument .stray./],
  [planCommand, 'plan', ['--policy', 'missing-dir'], /missing-dir/],
  [applyCommand, 'apply', [], /missing the PLAN file to apply/],
  [applyCommand, 'apply', ['good.json', 'other.json'], /unexpected argument "other.json"/],
  [
    applyCommand,
    'apply',
    ['good.json', '--concurrency', '0'],
    /--concurrency: "0" is not a whole number from 1 to 16/,
  ],
  [applyCommand, 'apply', ['good.json', '--concurrency', '17'], /--concurrency: "17"/],
  [applyCommand, 'apply', ['good.json', '--concurrency', '2.5'], /--concurrency: "2.5"/],
  [applyCommand, 'apply', ['good.json', '--concurrency', 'many'], /--concurrency: "many"/],
  [applyCommand, 'apply', ['good.json', '--now', '2026-11-30T00:00:00Z'], /Unknown option '--now'/],
  [applyCommand, 'apply', ['good.json', '--dry-run=yes'], /--dry-run/],
  [validateCommand, 'validate', ['--policy'], /--policy/],
  [validateCommand, 'validate', ['extra'], /extra/],
  [restoreCommand, 'restore', [], /AUDIT_CSV/],
  [restoreCommand, 'restore', ['missing.csv'], /missing\.csv/],
  [restoreCommand, 'restore', ['missing.csv', '--only', ''], /--only|missing\.csv/],
  [initCommand, 'init', ['--out'], /--out/],
  [initCommand, 'init', ['surplus'], /nexpected argument .surplus./],
  [demoCommand, 'demo', ['--users', '10'], /--users: "10" is not a whole number from 1000/],
  [demoCommand, 'demo', ['--users', 'lots'], /--users: "lots"/],
  [sandboxCommand, 'sandbox', ['--fault-rate', '2'], /fault-rate/],
  [sandboxCommand, 'sandbox', ['--time-scale', '0'], /time-scale/],
  [sandboxCommand, 'sandbox', ['--port', '70000'], /port/],
  [sandboxCommand, 'sandbox', ['--users', '-5'], /users/],
];

describe('malformed command lines: exit 2, the flag named, nothing done', () => {
  it.each(
    COMMAND_LINES.map(([command, name, args, message]) => [name, args, message, command] as const),
  )('license-policy %s %j', async (_name, args, message, command) => {
    const before = contentsOf(cwd);
    const result = await cli(command, args);
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 2,
      stderr: expect.stringMatching(message),
    });
    expect(result.stdout).toBe('');
    expect(org.sandbox.requests).toEqual([]);
    expect(contentsOf(cwd)).toEqual(before);
  });

  const ENVIRONMENTS: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ['no org id', { ATLASSIAN_API_KEY: 'k' }, /set ATLASSIAN_ORG_ID/],
    ['no key', { ATLASSIAN_ORG_ID: 'o' }, /set ATLASSIAN_API_KEY/],
    [
      'plain http to another host',
      { ATLASSIAN_ORG_ID: 'o', ATLASSIAN_API_KEY: 'k', ATLASSIAN_API_URL: 'http://evil.example' },
      /must use https/,
    ],
    [
      'not a URL',
      { ATLASSIAN_ORG_ID: 'o', ATLASSIAN_API_KEY: 'k', ATLASSIAN_API_URL: 'api.atlassian.com' },
      /is not a URL/,
    ],
    [
      'another scheme',
      {
        ATLASSIAN_ORG_ID: 'o',
        ATLASSIAN_API_KEY: 'k',
        ATLASSIAN_API_URL: 'ftp://api.atlassian.com',
      },
      /must be an http or https URL/,
    ],
  ];

  it.each(ENVIRONMENTS)('plan and apply with %s: exit 2, named', async (_what, env, message) => {
    const before = contentsOf(cwd);
    for (const result of [
      await cli(planCommand, [], env),
      await cli(applyCommand, ['good.json'], env),
      await cli(initCommand, ['--out', 'starter.yml'], env),
    ]) {
      expect({ code: result.code, stderr: result.stderr }).toEqual({
        code: 2,
        stderr: expect.stringMatching(message),
      });
    }
    expect(contentsOf(cwd)).toEqual(before);
  });
});

describe('malformed action inputs: the step fails naming the input, before any GitHub or Atlassian call', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub({
      token: 'ghs_inputsTestToken',
      files: { 'policies/policy.yml': ODD_POLICY },
    });
  });
  afterAll(() => github.close());

  const GOOD: Record<string, string> = {
    'github-token': 'ghs_inputsTestToken',
    'atlassian-org-id': 'org-acme',
    'atlassian-api-key': 'atlassian-inputs-secret',
    'atlassian-api-url': 'https://api.atlassian.com',
  };

  const INPUTS: Array<[string, string, RegExp]> = [
    ['mode', 'deploy', /Input 'mode' has the value "deploy"/],
    ['redact', 'some', /Input 'redact'/],
    ['concurrency', '0', /Input 'concurrency'/],
    ['concurrency', 'eight', /Input 'concurrency'/],
    ['audit-retention-days', '0', /Input 'audit-retention-days'/],
    ['audit-retention-days', '1000', /Input 'audit-retention-days'/],
    ['require-approval', 'yes', /Input 'require-approval'/],
    ['dry-run', 'maybe', /Input 'dry-run'/],
    ['policy-path', '../outside', /Input 'policy-path'/],
    ['plans-path', '/etc', /Input 'plans-path'/],
    ['plan-file', '../../etc/passwd.json', /Input 'plan-file'/],
    ['plan-file', 'plans/plan.yml', /Input 'plan-file'/],
    ['plan-branch', 'bad..branch', /Input 'plan-branch'/],
    ['state-branch', 'license-policy/plan', /Input 'state-branch'/],
    ['audit-branch', 'license-policy/state', /Input 'audit-branch'/],
    ['atlassian-api-url', 'http://evil.example', /Input 'atlassian-api-url'/],
    ['atlassian-api-url', 'https://user:pw@api.atlassian.com', /Input 'atlassian-api-url'/],
    ['atlassian-org-id', 'org id with spaces', /Input 'atlassian-org-id'/],
    ['atlassian-api-key', 'two words', /Input 'atlassian-api-key'/],
    ['audit-artifact-name', 'bad/name', /Input 'audit-artifact-name'/],
    ['restore-plan-id', 'yesterday', /Input 'restore-plan-id'/],
  ];

  it.each(INPUTS)('%s: %j', async (name, value, message) => {
    const touched: string[] = [];
    const failing = new Proxy({} as Pipelines, {
      get: (_t, prop: string) => () => {
        touched.push(prop);
        throw new Error(`pipeline ${prop} must not run`);
      },
    });
    const requestsBefore = github.requests.length;
    const result = await runMain({
      github,
      event: 'schedule',
      payload: github.scheduleEvent(),
      inputs: { ...GOOD, [name]: value },
      token: 'ghs_inputsTestToken',
      pipelines: failing,
    });
    expect(result.exitCode).toBe(1);
    const failure = result.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? '';
    expect(failure).toMatch(message);
    expect(failure).toContain('Invalid input');
    expect(result.summary).toMatch(message);
    // The secret is never echoed (masked first, and named rather than shown in the error).
    expect(failure).not.toContain('atlassian-inputs-secret');
    expect(failure).not.toContain('two words');
    expect(touched).toEqual([]);
    expect(github.requests.length).toBe(requestsBefore);
    // Every output is still set, so later steps read defined values.
    expect(Object.keys(result.outputs)).toContain('mode');
  });

  it('an empty state (the first run) is not a malformed one: it is the empty state', () => {
    expect(serializeState(emptyState())).toContain('"schemaVersion": 1');
  });
});
