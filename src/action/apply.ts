/**
 * Apply mode (SPEC §7), on a push to the default branch that adds or changes a plan file, or on
 * dispatch with `plan-file`. Before anything touches Atlassian, the merge checks: the plan came
 * through a merged PR from `plan-branch` (a removal plan) or `<plan-branch>-restore` (a restore
 * plan, SPEC §9) into the default branch, that PR changed exactly one plan file, and — with
 * `require-approval` — a person approved its head commit. Then the apply
 * pipeline (refusals of SPEC §5, fresh re-evaluation, writes, verification), the outcome
 * comment on the PR, the state branch, and the audit (artifact and audit branch).
 *
 * A refusal changes nothing in Atlassian, records a `refused` audit row, and fails the run with
 * the reason (what exit code 3 is on the CLI).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FAILING_OUTCOMES } from '../apply/outcomes.js';
import { InputError, RefusedError, messageOf } from '../errors.js';
import { runUrl } from '../github/context.js';
import type { PullSummary } from '../github/pulls.js';
import { requireAtlassian, restoreBranchOf } from '../inputs.js';
import { plural } from '../plan/format.js';
import { mdCode, mdText } from '../plan/markdown-escape.js';
import { parsePlan } from '../plan/plan-file.js';
import { JOB_SUMMARY_LIMIT, PR_BODY_LIMIT } from '../plan/render-plan.js';
import { renderApplyMarkdown } from '../plan/render-apply.js';
import type { ApplyResult, Plan } from '../plan/types.js';
import { auditFilePath, keepRunAudit, POST_STATE } from './audit-keep.js';
import { atlassianConnectionOf, type ApplyPipelineInput, type ModeDeps } from './deps.js';
import {
  checkMergedPlanPr,
  checkPlanKind,
  planFilesInPush,
  planIdOfPath,
  selectMergedPlanPr,
  type MergeContext,
  type PlanSource,
} from './merge-checks.js';
import { emptyOutputs, type ActionOutputs } from './outputs.js';
import { saveState } from './plan.js';
import { readState, type ModeResult } from './validate.js';

/** Done and verified: a removal `applied`, a restore `restored`. */
const SUCCEEDED = new Set(['applied', 'restored']);

export function countOutcomes(result: ApplyResult): {
  applied: number;
  skipped: number;
  failed: number;
} {
  let applied = 0;
  let skipped = 0;
  let failed = 0;
  for (const entry of result.outcomes) {
    if (SUCCEEDED.has(entry.outcome)) applied++;
    else if (FAILING_OUTCOMES.has(entry.outcome)) failed++;
    else if (entry.outcome.startsWith('skipped-') || entry.outcome === 'already-absent') skipped++;
  }
  return { applied, skipped, failed };
}

interface Target {
  planFile: string;
  pr: PullSummary;
  approvers: string[];
  source: PlanSource;
}

/**
 * The merged PR a dispatch's `plan-file` came from: newest first among the PRs from
 * `plan-branch` and from the restore branch.
 */
async function mergedPrAddingPlanFile(
  deps: ModeDeps,
  planFile: string,
  defaultBranch: string,
): Promise<PullSummary | null> {
  const { planBranch } = deps.settings;
  const closed = [
    ...(await deps.github.pulls.closedFrom(planBranch, defaultBranch, 50)),
    ...(await deps.github.pulls.closedFrom(restoreBranchOf(planBranch), defaultBranch, 50)),
  ].sort((a, b) => b.number - a.number);
  for (const pr of closed) {
    if (pr.mergedAt === null) continue;
    const files = await deps.github.pulls.files(pr.number);
    if (files.some((f) => f.filename === planFile && f.status !== 'removed')) return pr;
  }
  return null;
}

function readPlanText(deps: ModeDeps, planFile: string): string {
  const file = path.join(deps.context.workspace, planFile);
  if (!existsSync(file)) {
    throw new InputError(
      `${planFile} is not in the workspace ${deps.context.workspace}; check the repository out (actions/checkout) before this step.`,
    );
  }
  return readFileSync(file, 'utf8');
}

export async function runApply(deps: ModeDeps): Promise<ModeResult> {
  const { settings, context, io, github, pipelines } = deps;
  requireAtlassian(settings, 'apply');
  const outputs: ActionOutputs = emptyOutputs('apply');
  const failures: string[] = [];
  const summary: string[] = [`## License policy: apply${settings.dryRun ? ' (dry run)' : ''}`, ''];
  const finish = async (): Promise<ModeResult> => {
    await io.summary(summary.join('\n'));
    return { outputs, failures };
  };

  const defaultBranch = await github.defaultBranch();
  const repository = `${context.repo.owner}/${context.repo.repo}`;
  const ctx: MergeContext = {
    planBranch: settings.planBranch,
    restoreBranch: restoreBranchOf(settings.planBranch),
    defaultBranch,
    repository,
    plansPath: settings.plansPath,
    requireApproval: settings.requireApproval,
  };
  const auditFile = auditFilePath(context, 'apply');
  outputs.auditCsv = auditFile;
  io.saveState(POST_STATE.auditFile, auditFile);
  io.saveState(POST_STATE.phase, 'apply');

  let planFile: string | null;
  if (context.eventName === 'push') {
    if (context.ref !== `refs/heads/${defaultBranch}`) {
      io.info(
        `This push is to ${context.ref}, not the default branch ${defaultBranch}: nothing to apply.`,
      );
      summary.push(`Nothing to apply: the push is not to the default branch \`${defaultBranch}\`.`);
      return finish();
    }
    const pushed = planFilesInPush(context.payload, settings.plansPath);
    if (pushed.length === 0) {
      io.info(
        `This push adds or changes no plan file in ${settings.plansPath}/: nothing to apply.`,
      );
      summary.push(
        `Nothing to apply: the push adds or changes no plan file in \`${settings.plansPath}/\`.`,
      );
      return finish();
    }
    planFile = pushed.length === 1 ? pushed[0] : null;
  } else {
    planFile = settings.planFile;
    if (planFile === null) {
      throw new InputError(
        "Input 'plan-file' is empty; apply on workflow_dispatch needs the plan file to apply.",
      );
    }
  }
  const planIdGuess = planFile ? planIdOfPath(planFile) : 'unknown';
  io.saveState(POST_STATE.planId, planIdGuess);
  outputs.planFile = planFile ?? '';

  /** Refuses before any write: audit row, comment, audit kept, red run. */
  const refuse = async (
    detail: string,
    pr: PullSummary | null,
    plan: Plan | null,
    rowWritten: boolean,
    approvedBy: readonly string[] = [],
  ): Promise<ModeResult> => {
    const planId = plan?.planId ?? planIdGuess;
    if (!rowWritten) {
      pipelines.recordRefusal({
        auditFile,
        plan,
        planId,
        detail,
        audit: {
          runId: String(context.runId),
          policyCommit: context.sha,
          prNumber: pr?.number ?? null,
          approvedBy,
        },
      });
    }
    io.error(`Apply refused: ${detail}`);
    failures.push(`Apply refused: ${detail}. Nothing was changed.`);
    summary.push(`❌ **Apply refused:** ${mdText(detail, 2000)}. Nothing was changed.`, '');
    if (pr) {
      outputs.prNumber = pr.number;
      await github.comments
        .upsertSticky(
          pr.number,
          'apply',
          `**Apply refused** by [run ${context.runId}](${runUrl(context)}): ${mdText(detail, 2000)}.\n\nNothing was changed in Atlassian. The refusal is recorded in the audit.`,
          `the run ${runUrl(context)}`,
        )
        .catch((e: unknown) =>
          io.warning(`Could not comment on PR #${pr.number}: ${messageOf(e)}`),
        );
    }
    await keepRunAudit(deps, { outputs, failures }, { file: auditFile, planId, phase: 'apply' });
    return finish();
  };

  // The merge checks.
  const target = await io.group('Check the merged plan PR', async (): Promise<Target | string> => {
    let pr: PullSummary;
    if (context.eventName === 'push') {
      const selected = selectMergedPlanPr(
        await github.pulls.forCommit(context.sha),
        context.sha,
        ctx,
      );
      if ('reason' in selected) return selected.reason;
      pr = selected.pr;
    } else {
      if (context.ref !== `refs/heads/${defaultBranch}`) {
        return `a manual apply must run on the default branch ${defaultBranch}, not ${context.ref}`;
      }
      const found = await mergedPrAddingPlanFile(deps, planFile!, defaultBranch);
      if (!found)
        return `no merged PR from "${ctx.planBranch}" or "${ctx.restoreBranch}" into ${defaultBranch} added ${planFile}`;
      pr = found;
    }
    outputs.prNumber = pr.number;
    const check = checkMergedPlanPr(
      pr,
      await github.pulls.files(pr.number),
      await github.pulls.reviews(pr.number),
      planFile,
      ctx,
    );
    if (!check.ok) return check.reason;
    io.info(
      `PR #${pr.number} from ${pr.headRef}: one plan file (${check.planFile})` +
        (check.approval.approvers.length > 0
          ? `, approved by ${check.approval.approvers.join(', ')}`
          : ', approval not required') +
        '.',
    );
    return {
      planFile: check.planFile,
      pr,
      approvers: check.approval.approvers,
      source: check.source,
    };
  });
  if (typeof target === 'string') {
    const pr = outputs.prNumber !== null ? await github.pulls.get(outputs.prNumber) : null;
    return refuse(target, pr, null, false);
  }
  planFile = target.planFile;
  outputs.planFile = planFile;

  let plan: Plan;
  try {
    plan = parsePlan(readPlanText(deps, planFile), planFile);
  } catch (error: unknown) {
    if (error instanceof InputError)
      return refuse(
        `the plan file cannot be read: ${error.message}`,
        target.pr,
        null,
        false,
        target.approvers,
      );
    throw error;
  }
  io.saveState(POST_STATE.planId, plan.planId);
  // A removal plan only from plan-branch, a restore plan only from the restore branch.
  const wrongKind = checkPlanKind(plan.kind, target.source, `PR #${target.pr.number}`, ctx);
  if (wrongKind !== null) return refuse(wrongKind, target.pr, plan, false, target.approvers);
  const restore = plan.kind === 'restore';
  const overrideLimits = target.pr.labels.includes(settings.overrideLabel);
  if (overrideLimits)
    io.notice(
      `PR #${target.pr.number} carries ${settings.overrideLabel}: the removal limits are overridden for this apply.`,
    );

  const state = await readState(deps);
  const input: ApplyPipelineInput = {
    plan,
    policyDir: settings.policyPath,
    root: context.workspace,
    atlassian: atlassianConnectionOf(settings),
    state,
    dryRun: settings.dryRun,
    overrideLimits,
    concurrency: settings.concurrency,
    auditFile,
    audit: {
      runId: String(context.runId),
      policyCommit: context.sha,
      prNumber: target.pr.number,
      approvedBy: target.approvers,
    },
    onProgress: (message) => io.info(message),
  };
  let applied;
  try {
    applied = await io.group(`Apply plan ${plan.planId}`, () => pipelines.apply(input));
  } catch (error: unknown) {
    if (error instanceof RefusedError)
      return refuse(error.message, target.pr, plan, true, target.approvers);
    // A failure (Atlassian unreachable, the policy at HEAD no longer matching the org): say so on
    // the PR people are watching, keep whatever the audit holds, and fail the run.
    await github.comments
      .upsertSticky(
        target.pr.number,
        'apply',
        `**Apply of plan ${mdCode(plan.planId)} failed** in [run ${context.runId}](${runUrl(context)}): ${mdText(messageOf(error), 2000)}\n\nSee the run's log and audit. Re-running the job is safe.`,
        `the run ${runUrl(context)}`,
      )
      .catch((e: unknown) =>
        io.warning(`Could not comment on PR #${target.pr.number}: ${messageOf(e)}`),
      );
    await keepRunAudit(
      deps,
      { outputs, failures },
      { file: auditFile, planId: plan.planId, phase: 'apply' },
    );
    throw error;
  }

  const counts = countOutcomes(applied.result);
  outputs.applied = counts.applied;
  outputs.skipped = counts.skipped;
  outputs.failed = counts.failed;

  if (applied.nextState) {
    await io.group('Update the state branch', () =>
      saveState(deps, applied.nextState!, `applied ${plan.planId}`),
    );
  }

  const kept = await io.group('Keep the audit', () =>
    keepRunAudit(
      deps,
      { outputs, failures },
      { file: auditFile, planId: plan.planId, phase: 'apply' },
    ),
  );

  const where = [
    kept.artifactId !== null
      ? `artifact \`${settings.auditArtifactName}-${plan.planId}-${context.runAttempt}\``
      : null,
    kept.branchPath !== null ? `\`${settings.auditBranch}:${kept.branchPath}\`` : null,
  ]
    .filter(Boolean)
    .join(' and ');
  const render = (maxLength: number) =>
    renderApplyMarkdown(applied.result, {
      redact: settings.redact,
      maxLength,
      ...(where ? { auditPath: where } : {}),
      auditUrl: runUrl(context),
    });
  const undoes = restore && plan.restoreOf ? ` (undoes plan ${mdCode(plan.restoreOf.planId)})` : '';
  const heading =
    `**${settings.dryRun ? 'Dry run of' : 'Applied'} ${restore ? 'restore plan' : 'plan'} ${mdCode(plan.planId)}**${undoes} by [run ${context.runId}](${runUrl(context)})` +
    (target.approvers.length > 0
      ? `, approved by ${target.approvers.map((a) => mdText(a)).join(', ')}`
      : '') +
    (restore
      ? `: ${counts.applied} restored, ${counts.skipped} skipped, ${counts.failed} failed or left for a manual change.`
      : `: ${counts.applied} applied, ${counts.skipped} skipped, ${counts.failed} failed.`);
  await github.comments
    .upsertSticky(
      target.pr.number,
      'apply',
      `${heading}\n\n${render(PR_BODY_LIMIT - 2000)}`,
      `the run ${runUrl(context)}`,
    )
    .catch((e: unknown) => {
      io.warning(`Could not comment on PR #${target.pr.number}: ${messageOf(e)}`);
    });

  summary.push(heading, '', render(JOB_SUMMARY_LIMIT - 4096));
  if (applied.exitCode !== 0 || counts.failed > 0) {
    failures.push(
      `${plural(counts.failed, 'action', 'actions')} failed, were partial or unverified${restore ? ', or were left for a manual change' : ''}; see the audit and the PR comment.`,
    );
  }
  return finish();
}
