/**
 * A simulated GitHub Actions runner for the committed bundle: runs `node dist/index.js` and then
 * `node dist/post.js` as child processes (async spawn: the fake servers live in this process)
 * with an environment built from scratch the way the runner builds it — event payload file,
 * INPUT_<NAME> with action.yml defaults applied, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY /
 * GITHUB_STATE files, the artifact service's URL and runtime token — and reads back the
 * outputs, the summary, the state handed to the post step, and the annotations.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { runtimeToken, type FakeArtifacts } from './fake-artifacts.js';
import type { FakeGitHub } from './fake-github.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The Node binary the action runs under: the one running the tests unless told otherwise. */
export const NODE_BINARY = process.env['LICENSE_POLICY_E2E_NODE'] ?? process.execPath;

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** stdout without `::add-mask::` commands (the runner consumes them). */
  stdout: string;
  stderr: string;
  annotations: Annotation[];
  /** Values passed to `::add-mask::`. */
  masks: string[];
  outputs: Record<string, string>;
  summary: string;
}

export interface RunResult extends StepResult {
  /** State the main step saved for the post step. */
  state: Record<string, string>;
  post: StepResult | null;
  /** Everything the run printed or wrote, for scans (logs, summary, outputs, post step). */
  everything: string;
  /** The main step's environment, as the runner gave it. */
  env: Record<string, string>;
}

export interface RunOptions {
  github: FakeGitHub;
  artifacts?: FakeArtifacts;
  /** `schedule`, `workflow_dispatch`, `push`, `pull_request`, `pull_request_target`, ... */
  event: string;
  payload: object;
  /** The checked-out repository (GITHUB_WORKSPACE). */
  workspace: string;
  /** `with:` values; action.yml defaults fill the rest. */
  inputs?: Record<string, string>;
  /** The value of `${{ github.token }}`. */
  token?: string;
  sha?: string;
  ref?: string;
  runId?: number;
  runAttempt?: number;
  /** Extra environment (for example a job's `env:`), added last. */
  env?: Record<string, string>;
  node?: string;
  /** Run the post step (default true). */
  post?: boolean;
  /** Interrupt the main step (like a cancellation) once its stdout satisfies this. */
  cancelWhen?: (stdout: string) => boolean;
  timeoutMs?: number;
}

interface ActionYml {
  inputs: Record<string, { default?: string }>;
}

/** action.yml defaults overridden by `given`, as the runner resolves `with:`. */
export function resolveInputs(
  given: Record<string, string>,
  token: string,
): Record<string, string> {
  const spec = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
  const values: Record<string, string> = {};
  for (const [name, input] of Object.entries(spec.inputs)) {
    if (input.default !== undefined) values[name] = input.default;
  }
  for (const [name, value] of Object.entries(given)) {
    if (!(name in spec.inputs)) throw new Error(`action.yml has no input '${name}'`);
    values[name] = value;
  }
  for (const [name, value] of Object.entries(values)) {
    values[name] = value.replace(/\$\{\{\s*github\.token\s*\}\}/g, token);
  }
  return values;
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file: `name<<delimiter` blocks and `name=value` lines. */
export function parseKeyValueFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++]);
      if (i >= lines.length) throw new Error(`unterminated value for ${name}`);
      out[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`malformed line: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const unescapeData = (s: string) =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** Reads the workflow commands a step printed: annotations and masks. */
export function parseCommands(stdout: string): {
  annotations: Annotation[];
  masks: string[];
  log: string;
} {
  const annotations: Annotation[] = [];
  const masks: string[] = [];
  const log: string[] = [];
  for (const line of stdout.split('\n')) {
    const command = /^::(error|warning|notice|add-mask)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!command) {
      log.push(line);
      continue;
    }
    const [, name, props, data] = command;
    if (name === 'add-mask') {
      masks.push(unescapeData(data));
      continue;
    }
    log.push(line);
    const annotation: Annotation = {
      level: name as Annotation['level'],
      message: unescapeData(data),
    };
    for (const pair of (props ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      const key = pair.slice(0, eq);
      const value = unescapeProperty(pair.slice(eq + 1));
      if (key === 'file') annotation.file = value;
      if (key === 'line') annotation.line = Number(value);
      if (key === 'col') annotation.col = Number(value);
      if (key === 'title') annotation.title = value;
    }
    annotations.push(annotation);
  }
  return { annotations, masks, log: log.join('\n') };
}

function spawnNode(
  node: string,
  script: string,
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
  cancelWhen?: (stdout: string) => boolean,
): Promise<{
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let cancelled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (cancelWhen && !cancelled && cancelWhen(stdout)) {
        cancelled = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}

export async function runAction(options: RunOptions): Promise<RunResult> {
  const { github } = options;
  const token = options.token ?? 'ghs_fakeRunnerToken0000000000000000000';
  const runId = options.runId ?? 4242;
  const runAttempt = options.runAttempt ?? 1;
  const sha = options.sha ?? github.head(github.defaultBranch);
  const ref = options.ref ?? `refs/heads/${github.defaultBranch}`;
  const node = options.node ?? NODE_BINARY;
  const timeoutMs = options.timeoutMs ?? 120_000;

  const home = mkdtempSync(path.join(os.tmpdir(), 'license-policy-runner-'));
  const temp = path.join(home, '_temp');
  mkdirSync(temp, { recursive: true });
  const file = (name: string, content = '') => {
    const p = path.join(home, name);
    writeFileSync(p, content);
    return p;
  };
  const eventPath = file('event.json', JSON.stringify(options.payload, null, 2));
  const outputPath = file('output');
  const summaryPath = file('summary.md');
  const statePath = file('state');
  const postOutputPath = file('post-output');
  const postSummaryPath = file('post-summary.md');

  const pr = (
    options.payload as { pull_request?: { head?: { ref?: string }; base?: { ref?: string } } }
  ).pull_request;
  const base: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    HOME: home,
    TMPDIR: temp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'fake-runner',
    RUNNER_TEMP: temp,
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: github.fullName,
    GITHUB_REPOSITORY_OWNER: github.owner,
    GITHUB_SHA: sha,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags)\//, ''),
    GITHUB_HEAD_REF: pr?.head?.ref ?? '',
    GITHUB_BASE_REF: pr?.base?.ref ?? '',
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_NUMBER: String(runId % 1000),
    GITHUB_RUN_ATTEMPT: String(runAttempt),
    GITHUB_JOB: 'license-policy',
    GITHUB_WORKFLOW: 'License policy',
    GITHUB_ACTION: '__licence_policy',
    GITHUB_ACTOR: 'github-actions[bot]',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: github.url,
    GITHUB_GRAPHQL_URL: `${github.url}/graphql`,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_STATE: statePath,
    GITHUB_RETENTION_DAYS: '90',
  };
  if (options.artifacts) {
    base['ACTIONS_RESULTS_URL'] = `${options.artifacts.url}/`;
    base['ACTIONS_RUNTIME_TOKEN'] = runtimeToken(String(runId), `job-${runId}-${runAttempt}`);
  }
  for (const [name, value] of Object.entries(resolveInputs(options.inputs ?? {}, token))) {
    base[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  Object.assign(base, options.env ?? {});

  const read = (p: string) => readFileSync(p, 'utf8');
  const main = await spawnNode(
    node,
    path.join(ROOT, 'dist/index.js'),
    base,
    options.workspace,
    timeoutMs,
    options.cancelWhen,
  );
  const mainCommands = parseCommands(main.stdout);
  const state = parseKeyValueFile(read(statePath));

  let post: StepResult | null = null;
  if (options.post !== false) {
    const postEnv: Record<string, string> = {
      ...base,
      GITHUB_OUTPUT: postOutputPath,
      GITHUB_STEP_SUMMARY: postSummaryPath,
      GITHUB_STATE: file('post-state'),
    };
    for (const [name, value] of Object.entries(state)) postEnv[`STATE_${name}`] = value;
    const result = await spawnNode(
      node,
      path.join(ROOT, 'dist/post.js'),
      postEnv,
      options.workspace,
      timeoutMs,
    );
    const commands = parseCommands(result.stdout);
    post = {
      exitCode: result.exitCode,
      signal: result.signal,
      stdout: commands.log,
      stderr: result.stderr,
      annotations: commands.annotations,
      masks: commands.masks,
      outputs: parseKeyValueFile(read(postOutputPath)),
      summary: read(postSummaryPath),
    };
  }

  const outputs = parseKeyValueFile(read(outputPath));
  const summary = read(summaryPath);
  const everything = [
    mainCommands.log,
    main.stderr,
    summary,
    JSON.stringify(outputs),
    JSON.stringify(state),
    post?.stdout ?? '',
    post?.stderr ?? '',
    post?.summary ?? '',
  ].join('\n');
  return {
    exitCode: main.exitCode,
    signal: main.signal,
    stdout: mainCommands.log,
    stderr: main.stderr,
    annotations: mainCommands.annotations,
    masks: mainCommands.masks,
    outputs,
    summary,
    state,
    post,
    everything,
    env: base,
  };
}
