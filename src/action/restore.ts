/**
 * Restore mode (SPEC §9 in the action): a manual `workflow_dispatch` with `restore-plan-id` (and
 * optionally `restore-accounts`) builds the restore plan of that plan's recorded apply — from
 * its audit CSVs on `audit-branch` and its merged plan file on the default branch — and proposes
 * it as a restore PR, reviewed and applied like any plan.
 *
 * The restore PR has a head branch of its own, `<plan-branch>-restore` (ADR 0006): every plan
 * run rebuilds `plan-branch`, which would overwrite a restore waiting for review. Apply accepts
 * a merged PR from that branch only when the plan file it adds is a restore plan.
 *
 * Like the plan PR: one restore PR at a time, rebuilt on the default branch with exactly one
 * plan file, one sticky comment. A restore PR that a person approved is never replaced; a new
 * dispatch while it waits fails and says so. Nothing is written to Atlassian here.
 */
import { InputError, RefusedError, messageOf } from '../errors.js';
import { runUrl } from '../github/context.js';
import { requireAtlassian, restoreBranchOf } from '../inputs.js';
import { formatDateTime, plural } from '../plan/format.js';
import { mdCode, mdText } from '../plan/markdown-escape.js';
import type { Plan } from '../plan/types.js';
import { auditFilePath, keepRunAudit, POST_STATE } from './audit-keep.js';
import { atlassianConnectionOf, type ModeDeps, type RestorePipelineOutput } from './deps.js';
import { approvalOf, isApproved } from './merge-checks.js';
import { PLAN_LABEL, RESTORE_LABEL } from './names.js';
import { emptyOutputs } from './outputs.js';
import { openPrFrom, planSummaryMarkdown, proposePlanPr } from './plan-pr.js';
import type { ModeResult } from './validate.js';

/** Restore actions the plan will run (the rest are listed for a person to decide). */
export function restoreActionCount(plan: Plan): number {
  return plan.actions.filter((a) => a.status === 'planned').length;
}

function restoreComment(
  plan: Plan,
  planPath: string,
  refused: number,
  deps: ModeDeps,
  pr: 'opened' | 'updated',
): string {
  const { settings, context } = deps;
  const undone = plan.restoreOf?.planId ?? 'unknown';
  const restoreBranch = restoreBranchOf(settings.planBranch);
  return [
    `**Restore plan ${mdCode(plan.planId)}** — restores ${plural(restoreActionCount(plan), 'action', 'actions')} removed by plan ${mdCode(undone)}` +
      (refused > 0
        ? `; ${plural(refused, 'operation', 'operations')} left for a manual change`
        : '') +
      '.',
    '',
    `${pr === 'opened' ? 'Proposed' : 'Refreshed'} by [run ${context.runId}](${runUrl(context)}) at ${formatDateTime(deps.clock().toISOString())} from the audit of plan ${mdCode(undone)} on ${mdCode(settings.auditBranch ?? '')} and the organisation read at ${formatDateTime(plan.snapshot.fetchedAt)}. ` +
      `The restore plan expires at ${formatDateTime(plan.expiresAt)}.`,
    '',
    `Merging this PR after an approving review applies ${mdCode(planPath)}: apply re-reads every account, group and role, and gives back only what this plan lists and what still grants no admin or platform role. A restored licence starts anew.`,
    '',
    `This PR comes from ${mdCode(restoreBranch)}, which scheduled plan runs never touch. Another restore dispatch replaces it while it is not approved; once approved it is kept as reviewed.`,
  ].join('\n');
}

/** The CLI phrases an unknown `--only` account as such; the action names its own input. */
function asActionInputError(error: InputError): InputError {
  const prefix = '--only: ';
  if (!error.message.startsWith(prefix)) return error;
  return new InputError(`Input 'restore-accounts': ${error.message.slice(prefix.length)}.`);
}

export async function runRestore(deps: ModeDeps): Promise<ModeResult> {
  const { settings, context, io, github, pipelines } = deps;
  requireAtlassian(settings, 'restore');
  const planId = settings.restorePlanId;
  if (planId === null) {
    throw new InputError(
      "Input 'restore-plan-id' is empty; a restore needs the id of the plan whose apply to undo.",
    );
  }
  const auditBranch = settings.auditBranch;
  if (auditBranch === null) {
    throw new InputError(
      "Input 'audit-branch' is empty; a restore reads the apply's audit from the audit branch (default license-policy/audit), so it cannot run without one.",
    );
  }
  const outputs = emptyOutputs('restore');
  const failures: string[] = [];
  const summary: string[] = ['## License policy: restore', ''];
  const restoreBranch = restoreBranchOf(settings.planBranch);

  const defaultBranch = await github.defaultBranch();
  for (const [input, branch] of [
    ['plan-branch', settings.planBranch],
    ['plan-branch', restoreBranch],
    ['state-branch', settings.stateBranch],
    ['audit-branch', auditBranch],
  ] as const) {
    if (branch === defaultBranch) {
      throw new InputError(
        `Input '${input}' makes "${branch}" the default branch "${defaultBranch}"; it must be a branch of its own.`,
      );
    }
  }
  // The applied plan is read from the default branch and the plan's TTL from its policy: the
  // reviewed versions, not those of a branch a manual run was started from.
  if (context.ref !== `refs/heads/${defaultBranch}`) {
    throw new InputError(
      `a restore runs on the default branch "${defaultBranch}"; this run is on ${context.ref || 'no ref'}. Start the workflow from ${defaultBranch}.`,
    );
  }

  const auditFile = auditFilePath(context, 'plan');
  outputs.auditCsv = auditFile;
  io.saveState(POST_STATE.auditFile, auditFile);
  io.saveState(POST_STATE.phase, 'plan');
  io.saveState(POST_STATE.planId, planId);
  const keep = (id: string) =>
    io.group('Keep the audit', () =>
      keepRunAudit(deps, { outputs, failures }, { file: auditFile, planId: id, phase: 'plan' }),
    );
  const finish = async (): Promise<ModeResult> => {
    await io.summary(summary.join('\n'));
    return { outputs, failures };
  };

  const accounts = settings.restoreAccounts;
  io.info(
    `Restore of plan ${planId}: ${accounts.length === 0 ? 'every account its apply removed' : plural(accounts.length, 'account', 'accounts')}.`,
  );
  let created: RestorePipelineOutput;
  try {
    created = await io.group(`Build the restore plan of ${planId}`, () =>
      pipelines.restore({
        files: github.branches,
        auditBranch,
        defaultBranch,
        plansPath: settings.plansPath,
        planId,
        accounts,
        atlassian: atlassianConnectionOf(settings),
        policyDir: settings.policyPath,
        root: context.workspace,
        redact: settings.redact,
        auditFile,
        runId: String(context.runId),
        onProgress: (message) => io.info(message),
      }),
    );
  } catch (error: unknown) {
    if (error instanceof InputError) throw asActionInputError(error);
    if (!(error instanceof RefusedError)) throw error;
    // A forged or edited audit, an edited plan file, another org: nothing is proposed, and the
    // refusal (recorded by the pipeline) is kept.
    io.error(`Restore refused: ${error.message}`);
    failures.push(
      `Restore refused: ${error.message}. No restore PR was proposed and nothing was changed.`,
    );
    summary.push(
      `❌ **Restore refused:** ${mdText(error.message, 2000)}. No restore PR was proposed and nothing was changed.`,
      '',
    );
    await keep(planId);
    return finish();
  }

  const plan = created.plan;
  io.saveState(POST_STATE.planId, plan.planId);
  const planPath = `${settings.plansPath}/${plan.planId}.json`;
  const actions = restoreActionCount(plan);
  io.info(
    `Restore plan ${plan.planId}: ${plural(actions, 'action', 'actions')} to restore` +
      (created.refused > 0
        ? `, ${plural(created.refused, 'operation', 'operations')} left for a manual change`
        : '') +
      '.',
  );

  if (actions === 0) {
    const why = `Nothing to restore automatically: every removal of plan ${planId} that was asked for is left for a manual change (see the restore plan's warnings). No restore PR was opened.`;
    io.warning(why);
    summary.push(`⚠️ ${mdText(why, 2000)}`, '');
  } else {
    await io
      .group('Propose the restore', async () => {
        const current = await openPrFrom(deps, restoreBranch, defaultBranch);
        if (current) {
          const approval = approvalOf(
            await github.pulls.reviews(current.number),
            current.headSha,
            current.author,
          );
          if (isApproved(approval)) {
            // A reviewed restore is never replaced by one nobody has seen.
            outputs.prNumber = current.number;
            const message = `Restore PR #${current.number} is approved by ${approval.approvers.join(', ')} and waits to be merged, so it was not replaced by the restore of plan ${planId}. Merge it (or close it), then start this restore again.`;
            await github.comments.upsertSticky(
              current.number,
              'newer-plan',
              `**Another restore was requested** by [run ${context.runId}](${runUrl(context)}) (undo plan ${mdCode(planId)}). This PR is approved, so it was **not replaced**: merging it applies the restore that was reviewed. To propose the other restore, merge or close this PR and start it again.`,
              `the run ${runUrl(context)}`,
            );
            io.error(message);
            failures.push(message);
            summary.push(`❌ ${mdText(message, 2000)}`, '');
            return;
          }
        }

        const pr = await proposePlanPr(deps, outputs, {
          what: 'restore',
          plan,
          planPath,
          planFileText: created.planFileText,
          head: restoreBranch,
          base: defaultBranch,
          commitMessage: `License restore plan ${plan.planId}: restore ${plural(actions, 'action', 'actions')} of plan ${planId}`,
          open: current,
        });
        await github.pulls.addLabels(pr.number, [PLAN_LABEL, RESTORE_LABEL]);
        await github.comments.upsertSticky(
          pr.number,
          'plan',
          restoreComment(plan, planPath, created.refused, deps, current ? 'updated' : 'opened'),
          `the run ${runUrl(context)}`,
        );
        summary.push(
          `Restore PR: #${pr.number} (${current ? 'updated' : 'opened'}) from \`${restoreBranch}\`, undoing plan \`${planId}\`.`,
          '',
        );
      })
      .catch((error: unknown) => {
        // Keep the audit of what was decided, then fail with the reason.
        failures.push(`The restore PR was not proposed: ${messageOf(error)}`);
        summary.push(`❌ The restore PR was not proposed: ${mdText(messageOf(error), 2000)}`, '');
      });
  }

  await keep(plan.planId);
  summary.push(planSummaryMarkdown(deps, plan, planPath));
  return finish();
}
