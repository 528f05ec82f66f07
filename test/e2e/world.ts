/**
 * One simulated world for the end-to-end suite: the Atlassian sandbox, a fake GitHub repository
 * holding the policy, the artifact service, and a runner that checks the repository out and
 * runs the committed bundle for an event, the way a workflow job would.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.js';
import { startFakeArtifacts, type FakeArtifacts } from '../support/fake-artifacts.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { ROOT, runAction, type RunResult } from '../support/runner.js';

export const GITHUB_TOKEN = 'ghs_e2eRunnerToken1234567890abcdefABCDEF';
export const NOW = new Date('2026-11-30T06:00:00Z');

export interface World {
  sandbox: RunningSandbox;
  github: FakeGitHub;
  artifacts: FakeArtifacts;
  nextRunId: () => number;
  close(): Promise<void>;
}

export const EXAMPLE_POLICY = readFileSync(path.join(ROOT, 'policies/license-policy.yml'), 'utf8');

export async function startWorld(
  options: { users?: number; policy?: string } = {},
): Promise<World> {
  const sandbox = await startSandbox({ users: options.users ?? 2000, seed: 7 });
  const artifacts = await startFakeArtifacts();
  const github = await startFakeGitHub({
    token: GITHUB_TOKEN,
    artifacts,
    files: {
      'README.md': '# licences\n',
      'policies/license-policy.yml': options.policy ?? EXAMPLE_POLICY,
    },
  });
  let runId = 1000;
  return {
    sandbox,
    github,
    artifacts,
    nextRunId: () => ++runId,
    async close() {
      await Promise.all([sandbox.close(), artifacts.close(), github.close()]);
    },
  };
}

/** The inputs of the plan and apply jobs of the example workflow. */
export function atlassianInputs(world: World): Record<string, string> {
  return {
    'atlassian-org-id': world.sandbox.orgId,
    'atlassian-api-key': world.sandbox.apiKey,
    'atlassian-api-url': world.sandbox.url,
  };
}

export interface JobOptions {
  event: string;
  payload: object;
  inputs?: Record<string, string>;
  /** The commit checked out (default: the head of the default branch). */
  checkout?: string;
  ref?: string;
  runAttempt?: number;
  runId?: number;
  post?: boolean;
  cancelWhen?: (stdout: string) => boolean;
  token?: string;
}

/** Checks the repository out at a commit and runs the action's main and post steps. */
export async function runJob(
  world: World,
  job: JobOptions,
): Promise<RunResult & { runId: number }> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'license-policy-ws-'));
  const sha = world.github.checkout(job.checkout ?? world.github.defaultBranch, workspace);
  const runId = job.runId ?? world.nextRunId();
  const result = await runAction({
    github: world.github,
    artifacts: world.artifacts,
    event: job.event,
    payload: job.payload,
    workspace,
    inputs: job.inputs ?? {},
    token: job.token ?? GITHUB_TOKEN,
    sha,
    ref: job.ref ?? `refs/heads/${world.github.defaultBranch}`,
    runId,
    runAttempt: job.runAttempt ?? 1,
    ...(job.post === undefined ? {} : { post: job.post }),
    ...(job.cancelWhen ? { cancelWhen: job.cancelWhen } : {}),
  });
  return { ...result, runId };
}

/** What a failed step shows in its log, for assertion messages. */
export function logOf(result: RunResult): string {
  return `exit ${String(result.exitCode)}\n--- stdout ---\n${result.stdout.slice(-4000)}\n--- stderr ---\n${result.stderr.slice(-4000)}`;
}
