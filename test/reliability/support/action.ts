/**
 * The action's modes run in this process: the real GitHub adapter against the fake GitHub
 * server, the real pipelines against the sandbox, the repository checked out from the fake at
 * the event's commit, and a log, summary and artifact uploads recorded for the assertions.
 * (The committed bundle is exercised by test/e2e/; this drives the same modes from src/.)
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runApply } from '../../../src/action/apply.js';
import type { ActionIo, ModeDeps, Pipelines } from '../../../src/action/deps.js';
import { runPlan } from '../../../src/action/plan.js';
import type { ModeResult } from '../../../src/action/validate.js';
import { realPipelines } from '../../../src/action/pipelines.js';
import type { RunContext } from '../../../src/github/context.js';
import { connectRepository } from '../../../src/github/repository.js';
import { INPUT_DEFAULTS, readSettings, type InputName } from '../../../src/inputs.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';

export const GITHUB_TOKEN = 'ghs_reliabilityToken0123456789abcdefABCDEF';

export interface RecordedIo extends ActionIo {
  /** Every log line, annotation and summary, in order, as text. */
  lines: string[];
  summaries: string[];
  errors: string[];
  state: Record<string, string>;
}

export function recordingIo(): RecordedIo {
  const lines: string[] = [];
  const summaries: string[] = [];
  const errors: string[] = [];
  const state: Record<string, string> = {};
  const log =
    (level: string) =>
    (message: string, place?: { file: string; line?: number; column?: number }) => {
      lines.push(`${level}: ${message}${place ? ` (${place.file}:${place.line ?? ''})` : ''}`);
      if (level === 'error') errors.push(message);
    };
  return {
    lines,
    summaries,
    errors,
    state,
    info: log('info'),
    debug: log('debug'),
    warning: log('warning'),
    error: log('error'),
    notice: log('notice'),
    group: (_name, fn) => fn(),
    summary: (markdown) => {
      summaries.push(markdown);
      return Promise.resolve();
    },
    saveState: (name, value) => {
      state[name] = value;
    },
  };
}

export interface ModeRun {
  deps: ModeDeps;
  io: RecordedIo;
  /** Artifacts the mode uploaded: name and a copy of the file. */
  uploads: Array<{ name: string; file: string }>;
  workspace: string;
}

export interface ModeRunOptions {
  github: FakeGitHub;
  event: string;
  payload: object;
  /** `with:` values over the action.yml defaults and the token. */
  inputs?: Partial<Record<InputName, string>>;
  /** The commit checked out and reported as GITHUB_SHA (default: head of the default branch). */
  sha?: string;
  ref?: string;
  pipelines?: Pipelines;
  clock?: () => Date;
  runId?: number;
}

/** Everything a mode needs, the way main.ts wires it, for one job. */
export function modeRun(options: ModeRunOptions): ModeRun {
  const { github } = options;
  const io = recordingIo();
  const values: Record<string, string> = {
    ...INPUT_DEFAULTS,
    'github-token': GITHUB_TOKEN,
    ...options.inputs,
  };
  const settings = readSettings({ get: (name) => values[name] ?? '', mask: () => undefined });
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'lp-rel-ws-'));
  const sha = github.checkout(options.sha ?? github.defaultBranch, workspace);
  const context: RunContext = {
    eventName: options.event,
    payload: options.payload,
    repo: { owner: github.owner, repo: github.repo },
    sha,
    ref: options.ref ?? `refs/heads/${github.defaultBranch}`,
    runId: options.runId ?? 7000,
    runAttempt: 1,
    apiUrl: github.url,
    serverUrl: 'https://github.com',
    workspace,
    tempDir: mkdtempSync(path.join(os.tmpdir(), 'lp-rel-tmp-')),
  };
  const repository = connectRepository(GITHUB_TOKEN, context);
  const uploads: Array<{ name: string; file: string }> = [];
  const kept = mkdtempSync(path.join(os.tmpdir(), 'lp-rel-artifacts-'));
  repository.artifacts.uploadFile = (name, file) => {
    const copy = path.join(kept, `${uploads.length}-${path.basename(file)}`);
    mkdirSync(path.dirname(copy), { recursive: true });
    copyFileSync(file, copy);
    uploads.push({ name, file: copy });
    return Promise.resolve({ kind: 'uploaded', id: 9000 + uploads.length, name, size: 1 });
  };
  const deps: ModeDeps = {
    settings,
    context,
    io,
    github: repository,
    pipelines: options.pipelines ?? realPipelines(),
    clock: options.clock ?? (() => new Date()),
  };
  return { deps, io, uploads, workspace };
}

/** The `with:` inputs of the plan and apply jobs against a sandbox. */
export function atlassianInputs(sandbox: {
  orgId: string;
  apiKey: string;
  url: string;
}): Partial<Record<InputName, string>> {
  return {
    'atlassian-org-id': sandbox.orgId,
    'atlassian-api-key': sandbox.apiKey,
    'atlassian-api-url': sandbox.url,
  };
}

/** A repository whose plan PRs are made from, and applied to, one sandbox organisation. */
export interface ActionWorld {
  github: FakeGitHub;
  sandbox: { orgId: string; apiKey: string; url: string };
  /** A scheduled plan run (the real pipelines). */
  schedule(inputs?: Partial<Record<InputName, string>>): Promise<ModeRun & { result: ModeResult }>;
  /** The apply job for a push event (a merge) or a dispatch. */
  applyFor(
    event: string,
    payload: object,
    options?: { sha?: string; ref?: string; inputs?: Partial<Record<InputName, string>> },
  ): Promise<ModeRun & { result: ModeResult }>;
  /** The plan file a PR changed (its path and text at the PR's head). */
  planFileOf(pr: number): { path: string; text: string };
  close(): Promise<void>;
}

export async function startActionWorld(
  sandbox: { orgId: string; apiKey: string; url: string },
  files: Record<string, string>,
): Promise<ActionWorld> {
  const github = await startFakeGitHub({ token: GITHUB_TOKEN, files });
  let runId = 7000;
  return {
    github,
    sandbox,
    async schedule(inputs = {}) {
      const run = modeRun({
        github,
        event: 'schedule',
        payload: github.scheduleEvent(),
        inputs: { ...atlassianInputs(sandbox), ...inputs },
        runId: ++runId,
      });
      return { ...run, result: await runPlan(run.deps) };
    },
    async applyFor(event, payload, options = {}) {
      const run = modeRun({
        github,
        event,
        payload,
        ...(options.sha ? { sha: options.sha } : {}),
        ...(options.ref ? { ref: options.ref } : {}),
        inputs: { ...atlassianInputs(sandbox), ...options.inputs },
        runId: ++runId,
      });
      return { ...run, result: await runApply(run.deps) };
    },
    planFileOf(pr) {
      const pull = github.pull(pr);
      const base = github.files(pull.baseRef);
      // The plan files the PR adds or changes (earlier applied plans stay on the base branch).
      const entries = Object.entries(github.files(github.headSha(pull))).filter(
        ([p, text]) => /^plans\/[^/]+\.json$/.test(p) && base[p] !== text,
      );
      if (entries.length !== 1) throw new Error(`PR #${pr} holds ${entries.length} plan files`);
      return { path: entries[0][0], text: entries[0][1] };
    },
    close: () => github.close(),
  };
}
