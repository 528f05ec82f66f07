/**
 * What the runner tells the action about this run: the event and its payload, the repository,
 * the commit, the run id and attempt, where the workspace and temp directory are. Read from the
 * environment (not from the toolkit's import-time global) so that tests build it directly.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { InputError } from '../errors.js';
import type { RepoRef } from './client.js';

export interface RunContext {
  eventName: string;
  payload: EventPayload;
  repo: RepoRef;
  sha: string;
  ref: string;
  runId: number;
  runAttempt: number;
  apiUrl: string;
  serverUrl: string;
  workspace: string;
  tempDir: string;
}

/** The parts of the event payloads the action reads. */
export interface EventPayload {
  repository?: { default_branch?: string; full_name?: string };
  pull_request?: {
    number: number;
    head: { ref: string; sha: string; repo?: { full_name?: string; fork?: boolean } | null };
    base: { ref: string; sha: string; repo?: { full_name?: string } };
  };
  /** push */
  ref?: string;
  before?: string;
  after?: string;
  commits?: Array<{ id: string; added?: string[]; modified?: string[]; removed?: string[] }>;
  head_commit?: { id: string; added?: string[]; modified?: string[]; removed?: string[] } | null;
  /** workflow_dispatch */
  inputs?: Record<string, unknown>;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) {
    throw new InputError(`The runner did not set ${name}; is this running inside GitHub Actions?`);
  }
  return value;
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const repository = required(env, 'GITHUB_REPOSITORY');
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new InputError(`GITHUB_REPOSITORY is not owner/repo: ${repository}`);
  const eventPath = env['GITHUB_EVENT_PATH'];
  let payload: EventPayload = {};
  if (eventPath) {
    try {
      payload = JSON.parse(readFileSync(eventPath, 'utf8')) as EventPayload;
    } catch (error: unknown) {
      throw new InputError(
        `Cannot read the event payload ${eventPath}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return {
    eventName: required(env, 'GITHUB_EVENT_NAME'),
    payload,
    repo: { owner, repo },
    sha: env['GITHUB_SHA'] ?? '',
    ref: env['GITHUB_REF'] ?? '',
    runId: Number(env['GITHUB_RUN_ID'] ?? '0') || 0,
    runAttempt: Number(env['GITHUB_RUN_ATTEMPT'] ?? '1') || 1,
    apiUrl: env['GITHUB_API_URL'] ?? 'https://api.github.com',
    serverUrl: env['GITHUB_SERVER_URL'] ?? 'https://github.com',
    workspace: env['GITHUB_WORKSPACE'] ?? process.cwd(),
    tempDir: env['RUNNER_TEMP'] ?? os.tmpdir(),
  };
}

/** A link to this run, for comments and summaries. */
export function runUrl(context: RunContext): string {
  return `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
}
