/**
 * Odd data from Atlassian (SPEC §3 safety): nulls where fields are usually set, enum values the
 * API does not document, activity timestamps that are not timestamps, access paths the engine
 * cannot explain, the same user on two pages, activity ids in another ARI spelling, an empty
 * organisation, a product with no licences, and error bodies carrying terminal escapes and forged
 * workflow commands. No crash, and no removal decided on data that does not support it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runApply } from '../../src/action/apply.js';
import { runPlan } from '../../src/action/plan.js';
import { applyCommand } from '../../src/commands/apply.js';
import type { CliIo } from '../../src/commands/io.js';
import { planCommand } from '../../src/commands/plan.js';
import { serializePlan } from '../../src/plan/plan-file.js';
import { renderPlanMarkdown } from '../../src/plan/render-plan.js';
import { emptyState } from '../../src/plan/state.js';
import type { Plan } from '../../src/plan/types.js';
import { loadPolicy } from '../../src/policy/load.js';
import { createPlan } from '../../src/run/plan-run.js';
import { createOrgModel, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { startFakeGitHub } from '../support/fake-github.js';
import { atlassianInputs, GITHUB_TOKEN, modeRun } from './support/action.js';
import { rewritingFetch } from './support/faulty-fetch.js';
import { expectInertMarkdown, expectInertTerminalText } from './support/inert.js';
import { ODD_POLICY, startOddOrg, type OddOrg } from './support/odd-org.js';
import { NOW } from './support/world.js';

type ApiUserJson = Record<string, unknown> & { accountId?: string };

/** Where the plan puts an account: its actions (by status), protected, or activity unknown. */
function placeOf(plan: Plan, accountId: string): string[] {
  return [
    ...plan.actions.filter((a) => a.accountId === accountId).map((a) => `action ${a.status}`),
    ...plan.protected.filter((p) => p.accountId === accountId).map((p) => `protected: ${p.reason}`),
    ...plan.activityUnknown.filter((u) => u.accountId === accountId).map(() => 'activity unknown'),
  ];
}

async function planOf(org: OddOrg, fetch?: typeof globalThis.fetch, pageSize?: number) {
  const created = await createPlan({
    policy: await loadPolicy(org.policyDir, { displayRoot: org.dir }),
    client: org.client({ ...(fetch ? { fetch } : {}), ...(pageSize ? { pageSize } : {}) }),
    state: emptyState(),
    now: NOW,
    policyCommit: null,
  });
  return created.plan;
}

/** A command run in this process with its output captured. */
async function runCli(
  command: typeof planCommand,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd };
  const code = await command(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function workdir(policy: string): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'lp-odd-cli-'));
  mkdirSync(path.join(cwd, 'policies'));
  writeFileSync(path.join(cwd, 'policies', 'policy.yml'), policy);
  return cwd;
}

describe('fields that are null, missing or outside the documented values', () => {
  let org: OddOrg;
  let plan: Plan;

  beforeAll(async () => {
    org = await startOddOrg({
      plain: {},
      nameNull: {},
      emailHidden: { email: null },
      typeNull: {},
      typeUnknown: { accountType: 'robot' },
      statusNull: {},
      statusUnknown: { accountStatus: 'paused' as never },
      membershipUnknown: { membershipStatus: 'limbo' as never },
      productAccessNull: {},
      timestampNull: {},
      timestampGarbage: {},
      methodUnknown: {},
      groupsNull: {},
      extraFields: {},
      addedToOrgNullNeverActive: { addedToOrg: null, activity: {} },
    });
    org.model.setActivity(org.ids.timestampNull, org.jiraId, null);
    const keyOf = new Map(Object.entries(org.ids).map(([key, id]) => [id, key]));
    const fetch = rewritingFetch((request, answer) => {
      const page = answer as { data?: unknown };
      if (request.path.endsWith('/users/search') && Array.isArray(page.data)) {
        for (const user of page.data as ApiUserJson[]) {
          switch (keyOf.get(user.accountId ?? '')) {
            case 'nameNull':
              user.name = null;
              user.nickname = null;
              break;
            case 'typeNull':
              user.accountType = null;
              break;
            case 'statusNull':
              user.accountStatus = null;
              break;
            case 'productAccessNull':
              if ('productAccess' in user) user.productAccess = null;
              break;
            case 'timestampGarbage':
              for (const p of (user.productAccess as Array<Record<string, unknown>> | undefined) ??
                [])
                p.lastActiveTimestamp = 'yesterday-ish';
              break;
            case 'groupsNull':
              if ('groups' in user) user.groups = null;
              break;
            case 'extraFields':
              user.someFutureField = { nested: [1, 2, 3] };
              user.accountStatusV3 = 'whatever';
              break;
          }
        }
      }
      if (request.path.endsWith(`/users/${org.ids.methodUnknown}/role-assignments`)) {
        for (const a of (page.data as Array<{
          roleAssignments?: Array<Record<string, unknown>>;
        }>) ?? [])
          for (const r of a.roleAssignments ?? []) r.roleAssignmentMethods = ['telepathy'];
      }
      return answer;
    });
    plan = await planOf(org, fetch);
  });

  afterAll(() => org.close());

  it.each([
    ['plain', ['action planned']],
    ['nameNull', ['action planned']],
    ['extraFields', ['action planned']],
    ['emailHidden', ['protected: email hidden']],
    ['typeNull', ['protected: account type unknown']],
    ['typeUnknown', ['protected: account type robot']],
    ['statusNull', []],
    ['statusUnknown', []],
    ['membershipUnknown', []],
    ['productAccessNull', ['activity unknown']],
    ['timestampNull', ['activity unknown']],
    ['timestampGarbage', ['activity unknown']],
    ['methodUnknown', ['action needs-review']],
    ['groupsNull', ['action needs-manual']],
    ['addedToOrgNullNeverActive', ['activity unknown']],
  ])('%s → %j', (key, expected) => {
    expect(placeOf(plan, org.ids[key])).toEqual(expected);
  });

  it('removes only what the data supports: the plain user, the nameless one, the one with extra fields', () => {
    const planned = plan.actions.filter((a) => a.status === 'planned').map((a) => a.accountId);
    expect(planned.sort()).toEqual([org.ids.plain, org.ids.nameNull, org.ids.extraFields].sort());
    expect(plan.actions.find((a) => a.accountId === org.ids.nameNull)!.name).toBeNull();
  });

  it('renders the plan, and writes its file, with nulls in place', () => {
    expect(() => serializePlan(plan)).not.toThrow();
    expectInertMarkdown(renderPlanMarkdown(plan, { redact: 'none' }), 'plan with nulls');
  });

  it('counts a product with zero licences as zero, with no division by zero and no block', () => {
    const confluence = plan.summary.find((s) => s.resourceId === org.confluenceId)!;
    expect(confluence).toMatchObject({ licensed: 0, toRemove: 0, after: 0 });
    const numbers = plan.summary.flatMap((row) =>
      Object.values(row).filter((v): v is number => typeof v === 'number'),
    );
    expect(numbers.filter((n) => !Number.isFinite(n))).toEqual([]);
    expect(plan.blocked).toEqual([]);
    expect(serializePlan(plan)).not.toMatch(/NaN|Infinity/);
  });
});

describe('the same user on two pages', () => {
  let org: OddOrg;
  const subjects: Record<string, object> = {};
  for (let i = 0; i < 12; i++) subjects[`inactive${i}`] = {};

  beforeAll(async () => {
    org = await startOddOrg(subjects);
  });
  afterAll(() => org.close());

  /** Repeats the last user of each page at the top of the next one (a cursor that overlaps). */
  function overlapping(change?: (user: ApiUserJson) => void) {
    let previous: ApiUserJson | undefined;
    return rewritingFetch((request, answer) => {
      const page = answer as { data?: ApiUserJson[] };
      if (!request.path.endsWith('/users/search') || !Array.isArray(page.data)) return answer;
      const body = request.body as { cursor?: string } | undefined;
      if (body?.cursor && previous) {
        const copy = structuredClone(previous);
        change?.(copy);
        page.data.unshift(copy);
      }
      previous = page.data[page.data.length - 1];
      return answer;
    });
  }

  it('gives the same plan as pages that do not overlap: one action per seat', async () => {
    const clean = await planOf(org, undefined, 5);
    const repeated = await planOf(org, overlapping(), 5);
    expect(serializePlan(repeated)).toBe(serializePlan(clean));
    const seats = repeated.actions.map((a) => `${a.accountId} ${a.resourceId}`);
    expect(new Set(seats).size).toBe(seats.length);
    expect(repeated.actions.filter((a) => a.status === 'planned')).toHaveLength(12);
  });

  it('keeps the later activity when the two copies disagree (never the staler one)', async () => {
    const recent = new Date(NOW.getTime() - 86_400_000).toISOString();
    const plan = await planOf(
      org,
      overlapping((user) => {
        for (const p of (user.productAccess as Array<Record<string, unknown>> | undefined) ?? [])
          p.lastActiveTimestamp = recent;
      }),
      5,
    );
    // Each repeated (inactive) user looked active in its second copy: not removed.
    expect(plan.actions.filter((a) => a.status === 'planned').length).toBeLessThan(12);
  });
});

describe('activity ids in another ARI spelling (SPEC §3 coverage guard)', () => {
  let org: OddOrg;
  let cwd: string;
  beforeAll(async () => {
    org = await startOddOrg(
      { inactiveA: {}, inactiveB: {} },
      { sandbox: { activityAriSpelling: 'alternate' } },
    );
    cwd = workdir(ODD_POLICY);
  });
  afterAll(async () => {
    await org.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('blocks the product+site with activity-data-missing, names the unmatched ids, and plans no removal there', async () => {
    const result = await runCli(planCommand, ['--out', 'plan.json'], cwd, org.env());
    expect(result.code).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(cwd, 'plan.json'), 'utf8')) as Plan;
    const block = plan.blocked.find((b) => b.code === 'activity-data-missing');
    expect(block).toMatchObject({ product: 'jira-software', overridable: false });
    expect(block!.unmatchedActivity).toEqual([
      expect.objectContaining({ id: expect.stringMatching(/^ari:cloud:jira::site\//), users: 22 }),
    ]);
    expect(plan.actions.filter((a) => a.status === 'planned')).toEqual([]);
    expect(result.stdout).toContain('activity-data-missing cannot be overridden');
  });

  it('is refused at apply even with --override-limits: exit 3, no write', async () => {
    org.sandbox.resetLog();
    const result = await runCli(
      applyCommand,
      ['plan.json', '--override-limits', '--audit', 'audit.csv'],
      cwd,
      org.env(),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('refused (activity-data-missing)');
    expect(org.sandbox.writes()).toEqual([]);
    expect(readFileSync(path.join(cwd, 'audit.csv'), 'utf8')).toContain(',refused,');
  });
});

describe('empty organisations', () => {
  let sandbox: RunningSandbox | undefined;
  let cwd: string | undefined;
  afterEach(async () => {
    await sandbox?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
    sandbox = undefined;
    cwd = undefined;
  });
  const env = (s: RunningSandbox) => ({
    ATLASSIAN_ORG_ID: s.orgId,
    ATLASSIAN_API_KEY: s.apiKey,
    ATLASSIAN_API_URL: s.url,
  });

  it('an org with no products: the rule naming one fails with exit 2 at its line, nothing written', async () => {
    sandbox = await startSandbox({ org: createOrgModel({ now: NOW, seed: 3 }) });
    cwd = workdir(ODD_POLICY);
    const result = await runCli(planCommand, [], cwd, env(sandbox));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/policies\/policy\.yml:\d+:\d+: .*jira-software/);
    expect(result.stdout).toBe('');
    expect(readdirSync(cwd)).toEqual(['policies']);
  });

  it('an org with products but no accounts: a plan with nothing to do, well-formed', async () => {
    const model = createOrgModel({ now: NOW, seed: 3 });
    model.addWorkspace({ product: 'jira-software', host: 'acme.atlassian.net' });
    model.addWorkspace({ product: 'confluence', host: 'acme.atlassian.net' });
    sandbox = await startSandbox({ org: model });
    cwd = workdir(ODD_POLICY);
    const result = await runCli(
      planCommand,
      ['--out', 'plan.json', '--markdown', 'plan.md'],
      cwd,
      env(sandbox),
    );
    expect(result.code).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(cwd, 'plan.json'), 'utf8')) as Plan;
    expect(plan.actions).toEqual([]);
    expect(plan.blocked).toEqual([]);
    expect(plan.summary.map((s) => [s.product, s.licensed, s.after])).toEqual([
      ['confluence', 0, 0],
      ['jira-software', 0, 0],
    ]);
    expectInertMarkdown(readFileSync(path.join(cwd, 'plan.md'), 'utf8'), 'empty plan.md');
  });
});

describe("Atlassian's own error text: terminal escapes, bidi overrides and forged workflow commands", () => {
  const HOSTILE_ERROR = {
    errors: [
      {
        status: '400',
        code: 'ADMIN-400-\u001b[31m',
        title:
          'Bad \u001b]0;pwned\u0007 request\n::add-mask::nothing\n::set-output name=applied::999',
        detail: 'group \u202Eevil\u202C \u001b[2J @octocat <img src=x> #1\r\n::error::forged',
      },
    ],
  };
  let org: OddOrg;
  beforeAll(async () => {
    org = await startOddOrg({ first: {}, second: {} });
  });
  afterAll(() => org.close());

  it('reaches the CLI as plain text: no escape sequence, no bidi control, no line break', async () => {
    const cwd = workdir(ODD_POLICY);
    try {
      expect((await runCli(planCommand, ['--out', 'plan.json'], cwd, org.env())).code).toBe(0);
      org.sandbox.faults.failNext({
        route: 'group.memberships.remove',
        status: 400,
        times: 2,
        body: HOSTILE_ERROR,
      });
      const result = await runCli(applyCommand, ['plan.json'], cwd, org.env());
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('failed: ');
      expect(result.stdout).toContain('Atlassian says: ADMIN-400-\uFFFD[31m');
      expectInertTerminalText(result.stdout, 'stdout');
      expectInertTerminalText(result.stderr, 'stderr');
      for (const line of result.stdout.split('\n')) expect(line.startsWith('::')).toBe(false);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('reaches the action log, summary and PR comment without forging a workflow command', async () => {
    const github = await startFakeGitHub({
      token: GITHUB_TOKEN,
      files: { 'policies/policy.yml': ODD_POLICY },
    });
    try {
      const plan = modeRun({
        github,
        event: 'schedule',
        payload: github.scheduleEvent(),
        inputs: atlassianInputs(org.sandbox),
      });
      expect((await runPlan(plan.deps)).failures).toEqual([]);
      github.review(1, 'bob');
      const push = github.mergePull(1);
      org.sandbox.faults.failNext({
        route: 'group.memberships.remove',
        status: 400,
        times: 2,
        body: HOSTILE_ERROR,
      });
      const apply = modeRun({
        github,
        event: 'push',
        payload: push,
        sha: push.after,
        inputs: atlassianInputs(org.sandbox),
      });
      const result = await runApply(apply.deps);
      expect(result.outputs.failed).toBe(2);
      for (const line of [...apply.io.lines, ...result.failures]) {
        expect(line.split('\n').some((l) => l.startsWith('::'))).toBe(false);
        expectInertTerminalText(line, 'log');
      }
      for (const s of apply.io.summaries) expectInertMarkdown(s, 'summary', 1 << 20);
      for (const c of github.commentsOn(1)) expectInertMarkdown(c.body, 'comment');
    } finally {
      await github.close();
    }
  });
});
