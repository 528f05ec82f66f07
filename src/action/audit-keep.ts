/**
 * Keeping the audit (SPEC §6): the CSV this run wrote is uploaded as the artifact
 * `<audit-artifact-name>-<planId>-<run attempt>` and, for apply, committed to the audit branch
 * as `audit/<yyyy>/<mm>/<planId>-<run id>-<attempt>.csv`. The main step does it when it ends;
 * the post step does it when the main step did not get that far (cancelled, crashed), from the
 * file and plan id the main step handed over as soon as it knew them.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../github/context.js';
import type { GitHubRepository } from '../github/repository.js';
import type { ActionSettings } from '../inputs.js';
import { messageOf } from '../errors.js';
import type { ActionIo, ModeDeps } from './deps.js';
import type { ModeResult } from './validate.js';
import { redactAuditCsv } from '../audit/redact.js';

/** Names of the values handed from the main step to the post step. */
export const POST_STATE = {
  auditFile: 'audit-file',
  planId: 'plan-id',
  /** `plan` or `apply`: only apply audits go to the audit branch. */
  phase: 'audit-phase',
  /** `true` once the main step kept the audit itself. */
  kept: 'audit-kept',
  /** Set once the artifact is uploaded / the CSV committed, so the post step does not repeat it. */
  artifactId: 'audit-artifact-id',
  branchPath: 'audit-branch-path',
} as const;

export type AuditPhase = 'plan' | 'apply';

/** Where this run's audit CSV is written (the directory is created). */
export function auditFilePath(context: RunContext, phase: AuditPhase): string {
  const dir = path.join(context.tempDir, 'license-policy');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `audit-${phase}-${context.runId}-${context.runAttempt}.csv`);
}

export function auditArtifactName(
  settings: ActionSettings,
  planId: string,
  attempt: number,
): string {
  return `${settings.auditArtifactName}-${planId}-${attempt}`;
}

export function auditBranchPath(planId: string, context: RunContext, now: Date): string {
  const yyyy = String(now.getUTCFullYear());
  const mm = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `audit/${yyyy}/${mm}/${planId}-${context.runId}-${context.runAttempt}.csv`;
}

export interface KeepAuditInput {
  settings: ActionSettings;
  context: RunContext;
  github: GitHubRepository;
  io: ActionIo;
  file: string;
  planId: string;
  phase: AuditPhase;
  now: Date;
  /** What an earlier step already kept (the post step after a main step that got half way). */
  already?: { artifact: boolean; branch: boolean };
}

export interface KeptAudit {
  artifactId: number | null;
  branchPath: string | null;
  /** What could not be kept: the run fails when evidence is lost. */
  problems: string[];
}

export async function keepAudit(input: KeepAuditInput): Promise<KeptAudit> {
  const { settings, context, github, io, file, planId, phase } = input;
  const kept: KeptAudit = { artifactId: null, branchPath: null, problems: [] };
  if (!existsSync(file)) {
    io.info('No audit rows were written; nothing to keep.');
    return kept;
  }
  const name = auditArtifactName(settings, planId, context.runAttempt);
  if (!input.already?.artifact)
    try {
      const upload = await github.artifacts.uploadFile(name, file, {
        retentionDays: settings.auditRetentionDays,
        replace: false,
      });
      if (upload.kind === 'uploaded') {
        kept.artifactId = upload.id;
        io.saveState(POST_STATE.artifactId, String(upload.id));
        io.info(`Audit uploaded as artifact ${name} (id ${upload.id}).`);
      } else {
        io.warning(
          `The audit was not uploaded as an artifact: ${upload.reason}.` +
            (settings.auditBranch ? ' It is still committed to the audit branch.' : ''),
        );
      }
    } catch (error: unknown) {
      kept.problems.push(`uploading the audit artifact ${name}: ${messageOf(error)}`);
    }

  if (phase === 'apply' && settings.auditBranch && !input.already?.branch) {
    const target = auditBranchPath(planId, context, input.now);
    try {
      const csv = redactAuditCsv(readFileSync(file, 'utf8'), settings.redact, file);
      await github.branches.commitFiles({
        branch: settings.auditBranch,
        message: `Audit of plan ${planId} (run ${context.runId}, attempt ${context.runAttempt})`,
        changes: () => Promise.resolve([{ path: target, content: csv }]),
      });
      kept.branchPath = target;
      io.saveState(POST_STATE.branchPath, target);
      io.info(`Audit committed to ${settings.auditBranch}:${target}.`);
    } catch (error: unknown) {
      kept.problems.push(`committing the audit to ${settings.auditBranch}: ${messageOf(error)}`);
    }
  }
  for (const problem of kept.problems) io.error(`Audit not kept: ${problem}`);
  if (kept.problems.length === 0) io.saveState(POST_STATE.kept, 'true');
  return kept;
}

/**
 * Keeps this run's audit as a mode does when it ends: the artifact id becomes the `artifact-id`
 * output, and evidence that could not be kept fails the run.
 */
export async function keepRunAudit(
  deps: ModeDeps,
  run: ModeResult,
  audit: { file: string; planId: string; phase: AuditPhase },
): Promise<KeptAudit> {
  const { settings, context, github, io } = deps;
  const kept = await keepAudit({ settings, context, github, io, ...audit, now: deps.clock() });
  run.outputs.artifactId = kept.artifactId;
  run.failures.push(...kept.problems.map((p) => `The audit was not kept: ${p}`));
  return kept;
}
