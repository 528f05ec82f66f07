/**
 * Secrets (SPEC §7, docs/security.md): the Atlassian API key and the GitHub token appear in no
 * output of any mode — stdout, stderr, job summary, outputs, the state handed to the post step,
 * PR titles and bodies, comments, plan files, the state branch, the audit CSV on the runner and
 * on the audit branch, artifacts — including when Atlassian echoes the key back in an error.
 * The action runs through main.ts (the real toolkit writing GITHUB_OUTPUT and the summary) with
 * the artifact service faked; the CLI runs every command.
 *
 * That the example workflow gives pull-request jobs no Atlassian key is tested by
 * test/unit/action/example-workflow.test.ts ("gives pull-request jobs no Atlassian key, no
 * secret and no environment").
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyCommand } from '../../src/commands/apply.js';
import { initCommand } from '../../src/commands/init.js';
import type { Command } from '../../src/commands/io.js';
import { planCommand } from '../../src/commands/plan.js';
import { restoreCommand } from '../../src/commands/restore.js';
import { validateCommand } from '../../src/commands/validate.js';
import { startFakeArtifacts, runtimeToken, type FakeArtifacts } from '../support/fake-artifacts.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { runMain, type MainRun } from './support/run-main.js';
import { ODD_POLICY, startOddOrg, type OddOrg } from './support/odd-org.js';

const API_KEY = 'ATLASSIAN-KEY-reliability-7c1f9e0b52d4a8e6';
const TOKEN = 'ghs_SECRETreliabilityToken9f8e7d6c5b4a3210';

/** Atlassian answering with the key in its error text (a proxy echoing the Authorization header). */
const ECHOING_ERROR = {
  errors: [
    {
      status: '400',
      code: `ADMIN-400-${API_KEY}`,
      title: `Bearer ${API_KEY} is not allowed here`,
      detail: `Authorization: Bearer ${API_KEY}; key=${API_KEY}`,
    },
  ],
};

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (statSync(full).size < 50 * 1024 * 1024) out.push(readFileSync(full, 'utf8'));
  }
  return out;
}

describe('no output of any mode holds the Atlassian key or the GitHub token', () => {
  let org: OddOrg;
  let github: FakeGitHub;
  let artifacts: FakeArtifacts;
  let cliDir: string;
  /** Every text written, by where it was written. */
  const written: Array<{ where: string; text: string }> = [];
  const modes = new Set<string>();
  const masks: string[] = [];
  const exitCodes: Record<string, number> = {};
  const firstLines: string[] = [];
  let runId = 5000;

  const atlassian = () => ({
    'atlassian-org-id': org.sandbox.orgId,
    'atlassian-api-key': API_KEY,
    'atlassian-api-url': org.sandbox.url,
  });

  async function job(
    name: string,
    event: string,
    payload: object,
    options: { inputs?: Record<string, string>; sha?: string; ref?: string } = {},
  ): Promise<MainRun> {
    runId += 1;
    const result = await runMain({
      github,
      event,
      payload,
      inputs: { 'github-token': TOKEN, ...options.inputs },
      token: TOKEN,
      ...(options.sha ? { sha: options.sha } : {}),
      ...(options.ref ? { ref: options.ref } : {}),
      runId,
      post: true,
      env: {
        ACTIONS_RESULTS_URL: `${artifacts.url}/`,
        ACTIONS_RUNTIME_TOKEN: runtimeToken(String(runId), `job-${runId}-1`),
      },
    });
    modes.add(`action ${result.outputs.mode} (${name})`);
    exitCodes[name] = result.exitCode;
    // `::add-mask::` hands a secret to the runner, which consumes the line and masks the value
    // in everything shown later: that line is the one place the secret must appear.
    const lines = result.stdout.split('\n');
    firstLines.push(lines[0]);
    masks.push(...lines.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice(12)));
    for (const [what, text] of Object.entries({
      stdout: lines.filter((l) => !l.startsWith('::add-mask::')).join('\n'),
      summary: result.summary,
      outputs: JSON.stringify(result.outputs),
      state: result.state,
    })) {
      written.push({ where: `${name}: ${what}`, text });
    }
    if (result.outputs['audit-csv']) {
      try {
        written.push({
          where: `${name}: audit CSV`,
          text: readFileSync(result.outputs['audit-csv'], 'utf8'),
        });
      } catch {
        // No rows were written in that run.
      }
    }
    return result;
  }

  async function cli(name: string, command: Command, args: string[]): Promise<number> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await command(args, {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: {
        ATLASSIAN_ORG_ID: org.sandbox.orgId,
        ATLASSIAN_API_KEY: API_KEY,
        ATLASSIAN_API_URL: org.sandbox.url,
      },
      cwd: cliDir,
    });
    modes.add(`cli ${name}`);
    exitCodes[`cli ${name}`] = code;
    written.push({ where: `cli ${name}: stdout`, text: out.join('') });
    written.push({ where: `cli ${name}: stderr`, text: err.join('') });
    return code;
  }

  beforeAll(async () => {
    org = await startOddOrg(
      { inactive0: {}, inactive1: {}, inactive2: {} },
      { sandbox: { apiKey: API_KEY } },
    );
    artifacts = await startFakeArtifacts();
    github = await startFakeGitHub({
      token: TOKEN,
      artifacts,
      files: { 'policies/policy.yml': ODD_POLICY },
    });

    // The action, every mode and the refusals and failures in between.
    // A policy PR before any plan run: validated, and told no snapshot exists yet for a preview.
    // (Previews from the snapshot artifact are scanned by test/e2e/pull-requests.test.ts: in this
    // process the artifact toolkit's own GitHub client cannot be pointed at the fake.)
    github.pushCommit('policy/fourteen', {
      'policies/policy.yml': ODD_POLICY.replace(/inactiveDays: 30/g, 'inactiveDays: 14'),
    });
    const policyPr = github.openPull('policy/fourteen', 'Tighten the rules');
    await job('policy PR', 'pull_request', github.pullRequestEvent(policyPr.number), {
      sha: github.head('policy/fourteen'),
      ref: `refs/pull/${policyPr.number}/merge`,
    });
    const plan = await job('schedule', 'schedule', github.scheduleEvent(), { inputs: atlassian() });
    const planPr = Number(plan.outputs['pr-number']);
    await job('plan PR check', 'pull_request', github.pullRequestEvent(planPr), {
      sha: github.head('license-policy/plan'),
      ref: `refs/pull/${planPr}/merge`,
    });
    github.pushCommit('fork-main', { 'policies/policy.yml': `${ODD_POLICY}# fork\n` });
    const fork = github.openPull('fork-main', 'From a fork', { fromFork: true });
    await job('fork PR', 'pull_request', github.pullRequestEvent(fork.number), {
      sha: github.head('fork-main'),
      ref: `refs/pull/${fork.number}/merge`,
      inputs: atlassian(),
    });
    await job('dispatch refused', 'workflow_dispatch', github.dispatchEvent({}), {
      inputs: { ...atlassian(), mode: 'apply', 'plan-file': plan.outputs['plan-file'] },
    });
    github.review(planPr, 'bob');
    const push = github.mergePull(planPr);
    // The first apply meets Atlassian echoing the key in an error; the re-run applies.
    org.sandbox.faults.failNext({
      route: 'group.memberships.remove',
      status: 400,
      body: ECHOING_ERROR,
    });
    await job('apply with an echoing error', 'push', push, {
      sha: push.after,
      inputs: atlassian(),
    });
    await job('apply re-run', 'push', push, { sha: push.after, inputs: atlassian() });
    await job('apply dry run', 'workflow_dispatch', github.dispatchEvent({}), {
      inputs: {
        ...atlassian(),
        mode: 'apply',
        'plan-file': plan.outputs['plan-file'],
        'dry-run': 'true',
      },
    });
    org.sandbox.faults.failNext({
      route: 'workspaces.search',
      status: 400,
      body: ECHOING_ERROR,
      times: 10,
    });
    await job('plan with an echoing error', 'workflow_dispatch', github.dispatchEvent({}), {
      inputs: atlassian(),
    });
    org.sandbox.faults.clear();

    // The CLI, every command that touches the key.
    cliDir = mkdtempSync(path.join(tmpdir(), 'lp-secrets-cli-'));
    mkdirSync(path.join(cliDir, 'policies'));
    writeFileSync(path.join(cliDir, 'policies', 'policy.yml'), ODD_POLICY);
    org.model.setActivity(
      org.model.users()[0].accountId,
      org.jiraId,
      new Date(Date.now() - 90 * 86_400_000),
    );
    await cli('validate', validateCommand, []);
    await cli('plan', planCommand, [
      '--out',
      'plan.json',
      '--markdown',
      'plan.md',
      '--audit',
      'audit.csv',
    ]);
    await cli('apply dry run', applyCommand, ['plan.json', '--dry-run', '--audit', 'audit.csv']);
    await cli('apply', applyCommand, ['plan.json', '--audit', 'audit.csv']);
    writeFileSync(
      path.join(cliDir, 'edited.json'),
      readFileSync(path.join(cliDir, 'plan.json'), 'utf8').replace(
        '"jira-software"',
        '"confluence"',
      ),
    );
    await cli('apply refused', applyCommand, ['edited.json', '--audit', 'audit.csv']);
    mkdirSync(path.join(cliDir, 'plans'));
    writeFileSync(
      path.join(cliDir, 'plans', 'plan.json'),
      readFileSync(path.join(cliDir, 'plan.json')),
    );
    await cli('restore', restoreCommand, [
      'audit.csv',
      '--plan',
      'plan.json',
      '--out',
      'restore.json',
      '--markdown',
      'restore.md',
    ]);
    await cli('init', initCommand, ['--out', 'starter.yml']);
    org.sandbox.faults.failNext({
      route: 'workspaces.search',
      status: 400,
      body: ECHOING_ERROR,
      times: 10,
    });
    await cli('plan with an echoing error', planCommand, ['--out', 'never.json']);

    // Everything that was written to GitHub and kept as artifacts, and the CLI's files.
    for (const branch of github.branches.keys()) {
      for (const [file, text] of Object.entries(github.files(branch))) {
        written.push({ where: `branch ${branch}: ${file}`, text });
      }
    }
    for (const pr of github.pulls)
      written.push({ where: `PR #${pr.number}`, text: `${pr.title}\n${pr.body ?? ''}` });
    for (const c of github.comments)
      written.push({ where: `comment on #${c.issue}`, text: c.body });
    for (const artifact of artifacts.artifacts) {
      for (const [file, bytes] of Object.entries(artifacts.files(artifact))) {
        written.push({ where: `artifact ${artifact.name}: ${file}`, text: bytes.toString('utf8') });
      }
    }
    for (const text of filesUnder(cliDir)) written.push({ where: 'cli file', text });
  }, 60_000);

  afterAll(async () => {
    await github.close();
    await artifacts.close();
    await org.close();
    rmSync(cliDir, { recursive: true, force: true });
  });

  it('ran every mode: plan, validate (plan PR, policy PR, fork), apply (refused, failed, applied, dry run), and every CLI command', () => {
    expect([...modes].sort()).toEqual(
      [
        'action apply (apply dry run)',
        'action apply (apply re-run)',
        'action apply (apply with an echoing error)',
        'action apply (dispatch refused)',
        'action plan (plan with an echoing error)',
        'action plan (schedule)',
        'action validate (fork PR)',
        'action validate (plan PR check)',
        'action validate (policy PR)',
        'cli apply',
        'cli apply dry run',
        'cli apply refused',
        'cli init',
        'cli plan',
        'cli plan with an echoing error',
        'cli restore',
        'cli validate',
      ].sort(),
    );
    expect(artifacts.artifacts.length).toBeGreaterThan(0);
    expect(github.comments.length).toBeGreaterThan(0);
    expect(written.length).toBeGreaterThan(50);
  });

  it('each run ended as its mode says: failures only where Atlassian failed or apply refused', () => {
    expect(exitCodes).toEqual({
      schedule: 0,
      'plan PR check': 0,
      'policy PR': 0,
      'fork PR': 0,
      'dispatch refused': 1,
      'apply with an echoing error': 1,
      'apply re-run': 0,
      'apply dry run': 0,
      'plan with an echoing error': 1,
      'cli validate': 0,
      'cli plan': 0,
      'cli apply dry run': 0,
      'cli apply': 0,
      'cli apply refused': 3,
      'cli restore': 0,
      'cli init': 0,
      'cli plan with an echoing error': 1,
    });
  });

  it('Atlassian did echo the key, and the error was still reported (scrubbed)', () => {
    const reported = written.filter((w) => w.text.includes('[redacted]'));
    expect(reported.length).toBeGreaterThan(0);
  });

  it('masked both secrets for the runner (each action run, before it printed anything else)', () => {
    expect(masks).toEqual(expect.arrayContaining([API_KEY, TOKEN]));
    expect(firstLines.every((l) => l.startsWith('::add-mask::'))).toBe(true);
  });

  it('finds neither secret anywhere', () => {
    const leaks = written
      .filter((w) => w.text.includes(API_KEY) || w.text.includes(TOKEN))
      .map((w) => w.where);
    expect(leaks).toEqual([]);
  });
});
