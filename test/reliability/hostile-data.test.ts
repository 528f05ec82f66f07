/**
 * Hostile text from Atlassian (SPEC §4, §6): names, emails and group names carrying Markdown,
 * HTML, @-mentions, issue references, spreadsheet formulas, 10,000-character strings,
 * right-to-left overrides, zero-width characters and terminal escapes. Served by the sandbox,
 * read by the real pipelines, and followed into everything written: the plan file, its Markdown,
 * the audit CSV, the CLI's stdout and stderr, and — through the action — the PR title and body,
 * the comments, the job summaries and the audit artifact. No crash, every removal still
 * happens, and every output stays well-formed and inert.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runApply } from '../../src/action/apply.js';
import { runPlan } from '../../src/action/plan.js';
import { applyCommand } from '../../src/commands/apply.js';
import { planCommand } from '../../src/commands/plan.js';
import { JOB_SUMMARY_LIMIT } from '../../src/plan/render-plan.js';
import type { Plan } from '../../src/plan/types.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { atlassianInputs, GITHUB_TOKEN, modeRun } from './support/action.js';
import {
  expectInertCsv,
  expectInertMarkdown,
  expectInertTerminalText,
  expectWellFormedPlanFile,
} from './support/inert.js';
import { ODD_POLICY, startOddOrg, type OddOrg } from './support/odd-org.js';

const LONG = 'x'.repeat(10_000);

/** One inactive Jira user per kind of hostile text; every one of them must still be removed. */
const HOSTILE_USERS = {
  markdown: {
    name: '**bold** _it_ [link](https://evil.example/login) ![i](https://evil.example/i.png) `code` ~~s~~',
    email: 'md*_`[x]@evil.example',
  },
  table: { name: '| a | b |\n|---|---|', email: 'pipe|cell@evil.example' },
  html: {
    name: '<img src=x onerror=alert(1)><script>alert("x")</script></details><details open><!--',
    email: '"<script>alert(1)</script>"@evil.example',
  },
  mentions: {
    name: '@octocat @acme/admins cc @here #1 GH-12 acme/licences#3',
    email: '@octocat@evil.example',
  },
  formulas: {
    name: '=HYPERLINK("https://evil.example","click")',
    email: '=1+1@evil.example',
  },
  formulaPlus: { name: '+SUM(1,2)', email: '+1@evil.example' },
  formulaMinus: { name: '-2+3', email: '-cmd@evil.example' },
  formulaAt: { name: '@SUM(A1:A2)', email: 'at.sum@evil.example' },
  formulaTab: { name: '\t=1+2', email: 'tab@evil.example' },
  long: { name: LONG, email: `${'y'.repeat(10_000)}@evil.example` },
  rightToLeft: {
    name: 'Alice \u202Egnp.exe\u202C \u2067isolate\u2069',
    email: 'rtl\u202E@evil.example',
  },
  zeroWidth: { name: 'Bo\u200Bb\u200D\u2060\uFEFF\u00AD', email: 'zero\u200Bwidth@evil.example' },
  lineBreaks: { name: 'line one\r\n# heading\n> quote\n- item', email: 'lines@evil.example' },
  escapes: { name: '\u001b[31mred\u001b[0m\u0007bell', email: 'esc\u001b[2J@evil.example' },
  math: { name: '$$x^2$$ $y$ \\(z\\)', email: 'math@evil.example' },
} as const;

const HOSTILE_GROUP = "<b>jira</b> | @acme/admins =cmd|' /C calc'!A0 \u202Epuorg";

describe('hostile names, emails and group names from Atlassian', () => {
  let org: OddOrg;
  let cwd: string;
  let stdout: string;
  let stderr: string;
  let planText: string;
  let plan: Plan;
  let exitCodes: number[];

  const cli = async (command: typeof planCommand, args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await command(args, {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: org.env(),
      cwd,
    });
    stdout += out.join('');
    stderr += err.join('');
    exitCodes.push(code);
    return code;
  };

  beforeAll(async () => {
    org = await startOddOrg(HOSTILE_USERS, { groupName: HOSTILE_GROUP });
    cwd = mkdtempSync(path.join(tmpdir(), 'lp-hostile-'));
    mkdirSync(path.join(cwd, 'policies'));
    writeFileSync(path.join(cwd, 'policies', 'policy.yml'), ODD_POLICY);
    stdout = '';
    stderr = '';
    exitCodes = [];
    await cli(planCommand, ['--out', 'plan.json', '--markdown', 'plan.md', '--audit', 'audit.csv']);
    planText = readFileSync(path.join(cwd, 'plan.json'), 'utf8');
    plan = JSON.parse(planText) as Plan;
    await cli(applyCommand, ['plan.json', '--audit', 'audit.csv']);
  });

  afterAll(async () => {
    await org.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('plans and applies without a crash, removing every hostile user like any other', () => {
    expect({ exitCodes, stderr: exitCodes.every((c) => c === 0) ? '' : stderr }).toEqual({
      exitCodes: [0, 0],
      stderr: '',
    });
    const planned = plan.actions.filter((a) => a.status === 'planned').map((a) => a.accountId);
    expect(planned.sort()).toEqual(Object.values(org.ids).sort());
    for (const id of Object.values(org.ids)) {
      expect(org.model.isLicensed(org.model.user(id)!, org.jiraId)).toBe(false);
    }
  });

  it('keeps the data itself exact in the plan file (JSON escapes it), which reads back with its digest', () => {
    expectWellFormedPlanFile(planText, 'plan.json');
    const byId = new Map(plan.actions.map((a) => [a.accountId, a]));
    for (const [key, user] of Object.entries(HOSTILE_USERS)) {
      const action = byId.get(org.ids[key])!;
      expect({ key, name: action.name, email: action.email }).toEqual({
        key,
        name: user.name,
        email: user.email,
      });
    }
    expect(plan.actions[0].operations).toEqual([
      expect.objectContaining({ type: 'remove-group-membership', groupName: HOSTILE_GROUP }),
    ]);
  });

  it('renders Markdown that breaks no table, injects no HTML, mentions nobody and formats nothing', () => {
    const md = readFileSync(path.join(cwd, 'plan.md'), 'utf8');
    expectInertMarkdown(md, 'plan.md');
    // Every hostile user is listed, shortened and escaped, not dropped.
    expect(md).toContain('x'.repeat(150));
    expect(md).not.toContain('x'.repeat(1_000));
  });

  it('writes an audit CSV that parses strictly and runs no formula, for plan and apply rows', () => {
    const csv = readFileSync(path.join(cwd, 'audit.csv'), 'utf8');
    expectInertCsv(csv, 'audit.csv');
    // The 10,000-character values are kept whole: the audit is evidence, not a summary.
    expect(csv).toContain(LONG);
    expect(csv).toContain("'=HYPERLINK(");
    expect(csv).toContain("'=1+1@evil.example");
  });

  it('prints no escape sequence or bidi control to the terminal', () => {
    expectInertTerminalText(stdout, 'stdout');
    expectInertTerminalText(stderr, 'stderr');
    expect(readdirSync(cwd).sort()).toEqual(
      ['audit.csv', 'license-policy.state.json', 'plan.json', 'plan.md', 'policies'].sort(),
    );
  });
});

describe('hostile text through the action: PR, comments, summaries, audit artifact', () => {
  let org: OddOrg;
  let github: FakeGitHub;
  const summaries: string[] = [];
  const uploaded: string[] = [];
  const planFailures: string[] = [];
  const applyFailures: string[] = [];
  let appliedCount: number | null = null;

  beforeAll(async () => {
    org = await startOddOrg(HOSTILE_USERS, { groupName: HOSTILE_GROUP });
    github = await startFakeGitHub({
      token: GITHUB_TOKEN,
      files: { 'policies/policy.yml': ODD_POLICY },
    });
    const plan = modeRun({
      github,
      event: 'schedule',
      payload: github.scheduleEvent(),
      inputs: atlassianInputs(org.sandbox),
    });
    const planned = await runPlan(plan.deps);
    planFailures.push(...planned.failures);
    summaries.push(...plan.io.summaries);
    uploaded.push(...plan.uploads.map((u) => u.file));

    github.review(1, 'bob');
    const push = github.mergePull(1);
    const apply = modeRun({
      github,
      event: 'push',
      payload: push,
      sha: push.after,
      inputs: atlassianInputs(org.sandbox),
    });
    const applied = await runApply(apply.deps);
    applyFailures.push(...applied.failures);
    appliedCount = applied.outputs.applied;
    summaries.push(...apply.io.summaries);
    uploaded.push(...apply.uploads.map((u) => u.file));
  });

  afterAll(async () => {
    await github.close();
    await org.close();
  });

  it('plans and applies through the action without a failure, removing every hostile user', () => {
    expect({ planFailures, applyFailures, appliedCount }).toEqual({
      planFailures: [],
      applyFailures: [],
      appliedCount: Object.keys(HOSTILE_USERS).length,
    });
  });

  it('opens the plan PR with an inert title and body', () => {
    const pr = github.pull(1);
    expectInertTerminalText(pr.title, 'PR title');
    expect(pr.title).not.toMatch(/[<>@]/);
    expectInertMarkdown(pr.body ?? '', 'PR body');
  });

  it('writes inert comments (plan and apply) and job summaries', () => {
    const comments = github.commentsOn(1);
    expect(comments.length).toBeGreaterThanOrEqual(2);
    for (const c of comments) expectInertMarkdown(c.body, `comment ${c.id}`);
    for (const [i, s] of summaries.entries())
      expectInertMarkdown(s, `summary ${i}`, JOB_SUMMARY_LIMIT);
  });

  it('keeps the audit artifacts strict and formula-free, and the plan file on the branch well-formed', () => {
    const csvs = uploaded.filter((f) => f.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThanOrEqual(2);
    for (const file of csvs) expectInertCsv(readFileSync(file, 'utf8'), path.basename(file));
    const planFiles = Object.entries(github.files(github.defaultBranch)).filter(([p]) =>
      /^plans\/.*\.json$/.test(p),
    );
    expect(planFiles).toHaveLength(1);
    expectWellFormedPlanFile(planFiles[0][1], planFiles[0][0]);
    for (const [p, text] of Object.entries(github.files('license-policy/audit'))) {
      if (p.endsWith('.csv')) expectInertCsv(text, p);
    }
  });
});
