/**
 * Modes under test: the real GitHub adapter against the fake GitHub server, a recording log,
 * and pipelines that return a given plan and record what they were asked (no Atlassian).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  ActionIo,
  ApplyPipelineInput,
  ModeDeps,
  Pipelines,
  PlanPipelineInput,
  RefusalInput,
  RestorePipelineInput,
  RestorePipelineOutput,
} from '../../../src/action/deps.js';
import type { RunContext } from '../../../src/github/context.js';
import { connectRepository } from '../../../src/github/repository.js';
import { readSettings, INPUT_DEFAULTS, type InputName } from '../../../src/inputs.js';
import { finalizePlan, serializePlan } from '../../../src/plan/plan-file.js';
import { emptyState } from '../../../src/plan/state.js';
import type { Plan, PlanBody } from '../../../src/plan/types.js';
import { samplePlanBody } from '../plan/sample-plan.js';
import type { FakeGitHub } from '../../support/fake-github.js';

export const TOKEN = 'ghs_modeTestToken';
export const ORG = 'org-acme';
export const NOW = new Date('2026-11-30T07:00:00Z');

export const VALID_POLICY = `version: 1
rules:
  - id: jira-inactive-30d
    product: jira-software
    inactiveDays: 30
    action: remove-product-access
`;

export interface Logged {
  level: 'info' | 'debug' | 'warning' | 'error' | 'notice';
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export function recordingIo(): ActionIo & {
  logs: Logged[];
  summaries: string[];
  state: Record<string, string>;
} {
  const logs: Logged[] = [];
  const summaries: string[] = [];
  const state: Record<string, string> = {};
  const log =
    (level: Logged['level']) =>
    (message: string, place?: { file: string; line?: number; column?: number }) =>
      logs.push({
        level,
        message,
        ...(place ? { file: place.file, line: place.line, column: place.column } : {}),
      });
  return {
    logs,
    summaries,
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

export function planWith(overrides: Partial<PlanBody> = {}): Plan {
  return finalizePlan({ ...samplePlanBody(), ...overrides });
}

export interface PipelineCalls {
  plan: PlanPipelineInput[];
  apply: ApplyPipelineInput[];
  refusals: RefusalInput[];
  restore: RestorePipelineInput[];
}

export function fakePipelines(
  plan: Plan,
  applyResult?: Partial<Awaited<ReturnType<Pipelines['apply']>>>,
  /** What the restore pipeline gives (default: `plan` as a restore plan), or throws. */
  restoreResult?: RestorePipelineOutput | Error,
) {
  const calls: PipelineCalls = { plan: [], apply: [], refusals: [], restore: [] };
  const pipelines: Pipelines = {
    plan(input) {
      calls.plan.push(input);
      writeFileSync(input.auditFile, 'header\r\n');
      writeFileSync(input.snapshotFile, '{"record":"header"}\n');
      return Promise.resolve({
        plan,
        planFileText: serializePlan(plan),
        nextState: { ...emptyState(), orgId: plan.org.id },
        snapshotFile: input.snapshotFile,
      });
    },
    apply(input) {
      calls.apply.push(input);
      writeFileSync(input.auditFile, 'header\r\napplied\r\n');
      return Promise.resolve({
        result: { planId: input.plan.planId, outcomes: [], counts: {}, dryRun: input.dryRun },
        nextState: null,
        exitCode: 0,
        ...applyResult,
      });
    },
    recordRefusal(input) {
      calls.refusals.push(input);
      mkdirSync(path.dirname(input.auditFile), { recursive: true });
      writeFileSync(input.auditFile, `header\r\nrefused ${input.detail}\r\n`);
    },
    preview() {
      return Promise.resolve(plan);
    },
    restore(input) {
      calls.restore.push(input);
      writeFileSync(input.auditFile, 'header\r\nrestore\r\n');
      if (restoreResult instanceof Error) return Promise.reject(restoreResult);
      return Promise.resolve(
        restoreResult ?? { plan, planFileText: serializePlan(plan), refused: 0 },
      );
    },
  };
  return { pipelines, calls };
}

export function modeDeps(args: {
  github: FakeGitHub;
  event: string;
  payload: object;
  pipelines: Pipelines;
  inputs?: Partial<Record<InputName, string>>;
  sha?: string;
  ref?: string;
  workspaceFiles?: Record<string, string>;
}) {
  const io = recordingIo();
  const values: Record<string, string> = {
    ...INPUT_DEFAULTS,
    'github-token': TOKEN,
    'atlassian-org-id': ORG,
    'atlassian-api-key': 'atlassian-secret-key',
    ...args.inputs,
  };
  const settings = readSettings({ get: (name) => values[name] ?? '', mask: () => undefined });
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'lp-mode-ws-'));
  for (const [file, content] of Object.entries(
    args.workspaceFiles ?? { 'policies/p.yml': VALID_POLICY },
  )) {
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    writeFileSync(path.join(workspace, file), content);
  }
  const context: RunContext = {
    eventName: args.event,
    payload: args.payload,
    repo: { owner: args.github.owner, repo: args.github.repo },
    sha: args.sha ?? args.github.head('main'),
    ref: args.ref ?? 'refs/heads/main',
    runId: 555,
    runAttempt: 1,
    apiUrl: args.github.url,
    serverUrl: 'https://github.com',
    workspace,
    tempDir: mkdtempSync(path.join(os.tmpdir(), 'lp-mode-tmp-')),
  };
  const github = connectRepository(TOKEN, context);
  // Artifacts need the runner's artifact service; these tests stand in for it.
  const uploads: Array<{ name: string; file: string }> = [];
  github.artifacts.uploadFile = (name, file) => {
    uploads.push({ name, file });
    return Promise.resolve({ kind: 'uploaded', id: 9000 + uploads.length, name, size: 1 });
  };
  const deps: ModeDeps = {
    settings,
    context,
    io,
    github,
    pipelines: args.pipelines,
    clock: () => NOW,
  };
  return { deps, io, uploads };
}
