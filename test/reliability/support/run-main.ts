/**
 * The action's `run()` (src/main.ts) in this process, the way the runner starts it: the
 * environment built from scratch for one job (event payload file, INPUT_<NAME>, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY), stdout captured (the runner reads workflow commands from it), and
 * everything restored afterwards. For checks that need main.ts itself: the mode it picks for an
 * event, input validation, and what reaches the log.
 */
import * as core from '@actions/core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionIo, Pipelines } from '../../../src/action/deps.js';
import { runPost } from '../../../src/action/post.js';
import { run } from '../../../src/main.js';
import { INPUT_DEFAULTS } from '../../../src/inputs.js';
import { parseKeyValueFile } from '../../support/runner.js';
import type { FakeGitHub } from '../../support/fake-github.js';

export interface MainRun {
  /** 1 when the step failed (core.setFailed), else 0. */
  exitCode: number;
  /** What the step printed: log lines and workflow commands. */
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  /** The GITHUB_STATE file handed to the post step. */
  state: string;
  workspace: string;
}

export async function runMain(options: {
  github: FakeGitHub;
  event: string;
  payload: object;
  inputs: Record<string, string>;
  token: string;
  sha?: string;
  ref?: string;
  pipelines?: Pipelines;
  io?: ActionIo;
  /** Extra environment (the artifact service), added last. */
  env?: Record<string, string>;
  runId?: number;
  /** Also run the post step, with the state the main step saved (default false). */
  post?: boolean;
}): Promise<MainRun> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lp-main-'));
  const workspace = path.join(home, 'workspace');
  const sha = options.github.checkout(options.sha ?? options.github.defaultBranch, workspace);
  const file = (name: string, content = '') => {
    const p = path.join(home, name);
    writeFileSync(p, content);
    return p;
  };
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: file('event.json', JSON.stringify(options.payload)),
    GITHUB_REPOSITORY: options.github.fullName,
    GITHUB_SHA: sha,
    GITHUB_REF: options.ref ?? `refs/heads/${options.github.defaultBranch}`,
    GITHUB_RUN_ID: String(options.runId ?? 4321),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_API_URL: options.github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: home,
    GITHUB_OUTPUT: file('output'),
    GITHUB_STEP_SUMMARY: file('summary.md'),
    GITHUB_STATE: file('state'),
  };
  const inputs: Record<string, string> = { ...INPUT_DEFAULTS, ...options.inputs };
  inputs['github-token'] = inputs['github-token'].replace('${{ github.token }}', options.token);
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  Object.assign(env, options.env ?? {});

  const saved = { ...process.env };
  const savedExitCode = process.exitCode;
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  let exitCode: number;
  try {
    for (const key of Object.keys(process.env))
      if (/^(INPUT|GITHUB|RUNNER)_/.test(key)) delete process.env[key];
    Object.assign(process.env, env);
    process.exitCode = 0;
    // The toolkit's summary remembers the first job's file; each job here has its own.
    (core.summary as unknown as { _filePath?: string })._filePath = undefined;
    core.summary.emptyBuffer();
    const capture = (chunk: string | Uint8Array): boolean => {
      printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
    process.stdout.write = capture;
    await run({
      ...(options.pipelines ? { pipelines: options.pipelines } : {}),
      ...(options.io ? { io: options.io } : {}),
    });
    exitCode = Number(process.exitCode ?? 0);
    if (options.post) {
      for (const [name, value] of Object.entries(
        parseKeyValueFile(readFileSync(env.GITHUB_STATE, 'utf8')),
      )) {
        process.env[`STATE_${name}`] = value;
      }
      (core.summary as unknown as { _filePath?: string })._filePath = undefined;
      await runPost();
    }
  } finally {
    process.stdout.write = write;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    process.exitCode = savedExitCode;
  }
  return {
    exitCode,
    stdout: printed.join(''),
    outputs: parseKeyValueFile(readFileSync(env.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8'),
    state: readFileSync(env.GITHUB_STATE, 'utf8'),
    workspace,
  };
}
