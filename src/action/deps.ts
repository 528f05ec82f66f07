/**
 * What a mode needs from the outside world, passed in rather than imported: the settings, the
 * run context, the log and summary, GitHub, the pipelines that talk to Atlassian, the clock.
 * main.ts wires the real ones; tests pass recording fakes and loopback servers.
 */
import type { AnnotationPlace } from '../github/core.js';
import type { RunContext } from '../github/context.js';
import type { GitHubRepository } from '../github/repository.js';
import type { ActionSettings } from '../inputs.js';
import type { ApplyResult, Plan, State } from '../plan/types.js';
import type { GitFiles } from '../restore/from-branches.js';

export interface ActionIo {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string, place?: AnnotationPlace): void;
  error(message: string, place?: AnnotationPlace): void;
  notice(message: string, place?: AnnotationPlace): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Appends Markdown to the job summary. */
  summary(markdown: string): Promise<void>;
  /** Hands a value to the post step. */
  saveState(name: string, value: string): void;
}

export interface AtlassianConnection {
  orgId: string;
  apiKey: string;
  apiUrl: string;
}

export function atlassianConnectionOf(settings: ActionSettings): AtlassianConnection {
  return {
    orgId: settings.atlassianOrgId,
    apiKey: settings.atlassianApiKey,
    apiUrl: settings.atlassianApiUrl,
  };
}

export interface PlanPipelineInput {
  /** Policy directory, relative to `root`. */
  policyDir: string;
  /** The repository root (the workspace): policy file paths are shown relative to it. */
  root: string;
  atlassian: AtlassianConnection;
  state: State;
  redact: ActionSettings['redact'];
  /** Where the plan-phase audit CSV goes (rows written as they happen). */
  auditFile: string;
  /** Where the snapshot used is written, for pull-request previews. */
  snapshotFile: string;
  runId: string;
  /** The commit the policy was read from. */
  policyCommit: string;
  onProgress: (message: string) => void;
}

export interface PlanPipelineOutput {
  /** The finalized plan as written to git (redacted as configured). */
  plan: Plan;
  /** The plan file's exact text. */
  planFileText: string;
  nextState: State;
  /** The snapshot written for previews, or null when none was written. */
  snapshotFile: string | null;
}

export interface ApplyPipelineInput {
  plan: Plan;
  policyDir: string;
  root: string;
  atlassian: AtlassianConnection;
  state: State;
  dryRun: boolean;
  overrideLimits: boolean;
  concurrency: number;
  auditFile: string;
  audit: {
    runId: string;
    policyCommit: string;
    prNumber: number | null;
    approvedBy: readonly string[];
  };
  onProgress: (message: string) => void;
}

export interface ApplyPipelineOutput {
  result: ApplyResult;
  /** Null for a dry run. */
  nextState: State | null;
  /** 1 when any action failed, was partial or unverified. */
  exitCode: number;
}

export interface PreviewPipelineInput {
  policyDir: string;
  root: string;
  /** The snapshot artifact's file, downloaded. */
  snapshotFile: string;
  state: State;
  now: Date;
}

export interface RefusalInput {
  auditFile: string;
  /** The plan, when it could be read; else only its id (from the file name). */
  plan: Plan | null;
  planId: string;
  detail: string;
  audit: ApplyPipelineInput['audit'];
}

export interface RestorePipelineInput {
  /** Git as the restore reads it: the audit branch and the default branch. */
  files: GitFiles;
  auditBranch: string;
  defaultBranch: string;
  plansPath: string;
  /** The `restore-plan-id` input: the plan whose apply to undo. */
  planId: string;
  /** The `restore-accounts` input; empty = every account the apply removed. */
  accounts: readonly string[];
  atlassian: AtlassianConnection;
  /** Policy directory (its `planTtlHours` sets the restore plan's expiry) relative to `root`. */
  policyDir: string;
  root: string;
  redact: ActionSettings['redact'];
  /** Where the restore decisions go (phase `restore`: `planned`, or `refused`). */
  auditFile: string;
  runId: string;
  onProgress: (message: string) => void;
}

export interface RestorePipelineOutput {
  /** The finalized restore plan as written to git (redacted as configured). */
  plan: Plan;
  /** The plan file's exact text. */
  planFileText: string;
  /** What the reviewer must restore by hand (admin-granting groups, IdP groups, ...). */
  refused: number;
}

/** The Atlassian-facing work, implemented in src/run and injected here. */
export interface Pipelines {
  plan(input: PlanPipelineInput): Promise<PlanPipelineOutput>;
  apply(input: ApplyPipelineInput): Promise<ApplyPipelineOutput>;
  /** Appends the `refused` audit row of a refusal decided before the pipeline ran. */
  recordRefusal(input: RefusalInput): void;
  /** Evaluates a policy against a stored snapshot: no network. */
  preview(input: PreviewPipelineInput): Promise<Plan>;
  /**
   * Builds the restore plan of a recorded apply (SPEC §9) from git and a read of the org. A
   * forged or edited audit throws `RefusedError` after recording the `refused` row.
   */
  restore(input: RestorePipelineInput): Promise<RestorePipelineOutput>;
}

export interface ModeDeps {
  settings: ActionSettings;
  context: RunContext;
  io: ActionIo;
  github: GitHubRepository;
  pipelines: Pipelines;
  clock: () => Date;
}
