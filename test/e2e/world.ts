/**
 * One simulated world for the end-to-end suite: the Atlassian sandbox, a fake GitHub repository
 * holding the policy, the artifact service, and a runner that checks the repository out and
 * runs the committed bundle for an event, the way a workflow job would.
 */
import { expect } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startSandbox,
  type RunningSandbox,
  type SandboxOptions,
} from '../../src/sandbox/server.js';
import type { Plan } from '../../src/plan/types.js';
import { startFakeArtifacts, type FakeArtifacts } from '../support/fake-artifacts.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { ROOT, runAction, type RunResult } from '../support/runner.js';

export const GITHUB_TOKEN = 'ghs_e2eRunnerToken1234567890abcdefABCDEF';
export const NOW = new Date('2026-11-30T06:00:00Z');

export interface World {
  sandbox: RunningSandbox;
  /** The options the sandbox reads on every request: a test may change its latency mid-run. */
  sandboxOptions: SandboxOptions;
  github: FakeGitHub;
  artifacts: FakeArtifacts;
  nextRunId: () => number;
  close(): Promise<void>;
}

export const EXAMPLE_POLICY = readFileSync(path.join(ROOT, 'policies/license-policy.yml'), 'utf8');

export async function startWorld(
  options: { users?: number; policy?: string } = {},
): Promise<World> {
  const sandboxOptions: SandboxOptions = { users: options.users ?? 2000, seed: 7 };
  const sandbox = await startSandbox(sandboxOptions);
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
    sandboxOptions,
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

/** Expects the job to have succeeded; when it did not, the failure shows the job's log. */
export function expectSuccess(run: RunResult): void {
  expect({ exit: run.exitCode, log: run.exitCode === 0 ? '' : logOf(run) }).toEqual({
    exit: 0,
    log: '',
  });
}

/**
 * The scheduled plan job of the example workflow (with the Atlassian inputs), recorded in `runs`
 * when given; expects it to succeed.
 */
export async function scheduledPlan(
  world: World,
  runs?: RunResult[],
): Promise<RunResult & { runId: number }> {
  const run = await runJob(world, {
    event: 'schedule',
    payload: world.github.scheduleEvent(),
    inputs: atlassianInputs(world),
  });
  runs?.push(run);
  expectSuccess(run);
  return run;
}

/** The example policy with a limit loose enough that a small sandbox org's plan is not blocked. */
export const E2E_POLICY = EXAMPLE_POLICY.replace(
  /maxRemovalsPercent: \d+/,
  'maxRemovalsPercent: 60',
);

/** The requests apply must send for the planned actions of a plan, and nothing else. */
export function expectedWrites(plan: Plan, orgId: string): string[] {
  const writes: string[] = [];
  for (const action of plan.actions) {
    if (action.status !== 'planned') continue;
    for (const op of action.operations) {
      const account = action.accountId;
      switch (op.type) {
        case 'remove-group-membership':
          writes.push(
            `DELETE /admin/v2/orgs/${orgId}/directories/${op.directoryId}/groups/${op.groupId}/memberships/${account}`,
          );
          break;
        case 'revoke-role':
          writes.push(
            `POST /admin/v1/orgs/${orgId}/users/${account}/roles/revoke ${JSON.stringify({ role: op.role, resource: op.resourceId })}`,
          );
          break;
        case 'suspend':
          writes.push(
            `POST /admin/v2/orgs/${orgId}/directories/${op.directoryId}/users/${account}/suspend`,
          );
          break;
        default:
          throw new Error(`unexpected operation ${op.type}`);
      }
    }
  }
  return writes.sort();
}

/** The sandbox's write requests, in the same form. */
export function actualWrites(world: World): string[] {
  return world.sandbox
    .writes()
    .map((w) => `${w.method} ${w.path}${w.body === undefined ? '' : ` ${JSON.stringify(w.body)}`}`)
    .sort();
}

/**
 * Every text the product wrote anywhere a person or a log could read it: the runs' logs,
 * summaries, outputs and post steps, every file on every branch, PR titles and bodies,
 * comments, artifacts' contents, and the audit CSVs on the runner.
 */
export function everythingWritten(world: World, runs: RunResult[]): string[] {
  const texts: string[] = [];
  for (const run of runs) {
    texts.push(run.everything);
    const csv = run.outputs['audit-csv'];
    if (csv) {
      try {
        texts.push(readFileSync(csv, 'utf8'));
      } catch {
        // No rows were written in that run.
      }
    }
  }
  for (const branch of world.github.branches.keys()) {
    texts.push(...Object.values(world.github.files(branch)));
  }
  for (const pr of world.github.pulls) texts.push(pr.title, pr.body ?? '');
  for (const comment of world.github.comments) texts.push(comment.body);
  for (const artifact of world.artifacts.artifacts) {
    if (!artifact.finalized) continue;
    for (const bytes of Object.values(world.artifacts.files(artifact)))
      texts.push(bytes.toString('utf8'));
  }
  return texts;
}
