/**
 * Plan mode (SPEC §7), on schedule and dispatch: read the org and evaluate the policy (the plan
 * pipeline), then keep exactly one plan PR and one sticky comment — the plan file on
 * `plan-branch` rebuilt on the default branch, the PR opened or updated, closed with its branch
 * when there is nothing to do — upload the snapshot for previews, and update the state branch.
 *
 * Safety: an open plan PR that a person has approved is never replaced; the run says on it that
 * a newer plan exists instead.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { InputError, messageOf } from '../errors.js';
import { runUrl } from '../github/context.js';
import { requireAtlassian } from '../inputs.js';
import { formatDateTime, formatMoney, plural } from '../plan/format.js';
import { mdCode } from '../plan/markdown-escape.js';
import { serializeState } from '../plan/state.js';
import type { Plan, State } from '../plan/types.js';
import { auditFilePath, keepRunAudit, POST_STATE } from './audit-keep.js';
import { atlassianConnectionOf, type ModeDeps } from './deps.js';
import { approvalOf, isApproved } from './merge-checks.js';
import {
  BLOCKED_LABEL,
  PLAN_LABEL,
  SNAPSHOT_ARTIFACT,
  SNAPSHOT_FILE,
  STATE_FILE,
} from './names.js';
import { emptyOutputs } from './outputs.js';
import { openPrFrom, planSummaryMarkdown, proposePlanPr } from './plan-pr.js';
import { readState, type ModeResult } from './validate.js';

export function plannedCount(plan: Plan): number {
  return plan.actions.filter((a) => a.status === 'planned').length;
}

export function monthlySavingsOf(plan: Plan): number | null {
  let sum: number | null = null;
  for (const s of plan.summary) {
    if (s.monthlySavings !== null && s.toRemove > 0) sum = (sum ?? 0) + s.monthlySavings;
  }
  return sum === null ? null : Math.round(sum * 100) / 100;
}

/** Nothing for anyone to review: no removal planned and nothing blocked. */
export function hasNothingToDo(plan: Plan): boolean {
  return plannedCount(plan) === 0 && plan.blocked.length === 0;
}

/** The later of two "last applied" records: a plan run must never forget an apply. */
export function mergeStates(ours: State, theirs: Pick<State, 'lastApplied'> | null): State {
  const a = ours.lastApplied;
  const b = theirs?.lastApplied ?? null;
  const lastApplied = !a ? b : !b ? a : Date.parse(b.createdAt) > Date.parse(a.createdAt) ? b : a;
  return { ...ours, lastApplied };
}

/** Writes the state to the state branch; a concurrent writer's newer `lastApplied` is kept. */
export async function saveState(deps: ModeDeps, state: State, why: string): Promise<void> {
  const { settings, github } = deps;
  await github.branches.commitFiles({
    branch: settings.stateBranch,
    message: `License policy state: ${why}`,
    changes: async (read) => {
      const current = await read(STATE_FILE);
      let theirs: Pick<State, 'lastApplied'> | null = null;
      if (current !== null) {
        try {
          theirs = JSON.parse(current) as Pick<State, 'lastApplied'>;
        } catch {
          theirs = null;
        }
      }
      return [{ path: STATE_FILE, content: serializeState(mergeStates(state, theirs)) }];
    },
  });
}

function statusComment(
  plan: Plan,
  planPath: string,
  deps: ModeDeps,
  pr: 'opened' | 'updated',
): string {
  const savings = monthlySavingsOf(plan);
  return [
    `**Plan ${mdCode(plan.planId)}** — ${plural(plannedCount(plan), 'removal', 'removals')}` +
      (savings === null
        ? ''
        : `, est. ${formatMoney(savings, plan.currency).replace(/\$/g, '\\$')}/month at list price`) +
      (plan.blocked.length > 0 ? ' — **blocked**' : '') +
      '.',
    '',
    `${pr === 'opened' ? 'Proposed' : 'Refreshed'} by [run ${deps.context.runId}](${runUrl(deps.context)}) at ${formatDateTime(deps.clock().toISOString())} from data read at ${formatDateTime(plan.snapshot.fetchedAt)}. ` +
      `The plan expires at ${formatDateTime(plan.expiresAt)}.`,
    '',
    `Merging this PR after an approving review applies ${mdCode(planPath)}: apply re-reads the organisation and does only what this plan lists **and** the policy still asks for. To keep someone, add an exclusion to \`${deps.settings.policyPath}/\` in this PR.`,
    '',
    'Each scheduled run replaces this plan while it is not approved; once approved it is kept as reviewed.',
  ].join('\n');
}

export async function runPlan(deps: ModeDeps): Promise<ModeResult> {
  const { settings, context, io, github, pipelines } = deps;
  requireAtlassian(settings, 'plan');
  const outputs = emptyOutputs('plan');
  const failures: string[] = [];

  const defaultBranch = await github.defaultBranch();
  for (const [input, branch] of [
    ['plan-branch', settings.planBranch],
    ['state-branch', settings.stateBranch],
    ['audit-branch', settings.auditBranch],
  ] as const) {
    if (branch === defaultBranch) {
      throw new InputError(
        `Input '${input}' is the default branch "${defaultBranch}"; it must be a branch of its own.`,
      );
    }
  }

  // The plan must come from the reviewed policy: the default branch's, not a branch a manual
  // run was started from.
  if (context.ref !== `refs/heads/${defaultBranch}`) {
    throw new InputError(
      `plan runs on the default branch "${defaultBranch}"; this run is on ${context.ref || 'no ref'}. Start the workflow from ${defaultBranch}.`,
    );
  }

  const state = await readState(deps);
  const auditFile = auditFilePath(context, 'plan');
  const snapshotFile = path.join(context.tempDir, 'license-policy', 'snapshot', SNAPSHOT_FILE);
  mkdirSync(path.dirname(snapshotFile), { recursive: true });
  io.saveState(POST_STATE.auditFile, auditFile);
  io.saveState(POST_STATE.phase, 'plan');
  outputs.auditCsv = auditFile;

  const result = await io.group('Read the organisation and plan', () =>
    pipelines.plan({
      policyDir: settings.policyPath,
      root: context.workspace,
      atlassian: atlassianConnectionOf(settings),
      state,
      redact: settings.redact,
      auditFile,
      snapshotFile,
      runId: String(context.runId),
      policyCommit: context.sha,
      onProgress: (message) => io.info(message),
    }),
  );
  const plan = result.plan;
  io.saveState(POST_STATE.planId, plan.planId);
  const planPath = `${settings.plansPath}/${plan.planId}.json`;
  outputs.removals = plannedCount(plan);
  outputs.blocked = plan.blocked.length > 0;
  outputs.monthlySavings = monthlySavingsOf(plan);
  io.info(
    `Plan ${plan.planId}: ${plural(outputs.removals, 'removal', 'removals')}${outputs.blocked ? ', blocked' : ''}.`,
  );

  // Previews on pull requests evaluate policy changes against this snapshot.
  if (result.snapshotFile) {
    try {
      const upload = await github.artifacts.uploadFile(SNAPSHOT_ARTIFACT, result.snapshotFile, {
        retentionDays: settings.auditRetentionDays,
        replace: true,
      });
      if (upload.kind === 'unsupported')
        io.warning(`No snapshot artifact (${upload.reason}): pull requests get no preview.`);
    } catch (error: unknown) {
      io.warning(`The snapshot for previews was not uploaded: ${messageOf(error)}`);
    }
  }

  await io.group('Update the state branch', () =>
    saveState(deps, result.nextState, `plan ${plan.planId}`),
  );

  const summary: string[] = ['## License policy: plan', ''];
  await io.group('Propose the plan', async () => {
    const open = await openPrFrom(deps, settings.planBranch, defaultBranch);
    const approval = open
      ? approvalOf(await github.pulls.reviews(open.number), open.headSha, open.author)
      : null;

    if (open && approval && isApproved(approval)) {
      outputs.prNumber = open.number;
      const message = [
        `**A newer plan exists:** ${mdCode(plan.planId)} (${plural(plannedCount(plan), 'removal', 'removals')}${plan.blocked.length > 0 ? ', blocked' : ''}), made by [run ${context.runId}](${runUrl(context)}) at ${formatDateTime(deps.clock().toISOString())}.`,
        '',
        `This PR was approved by ${approval.approvers.join(', ')}, so it was **not replaced**: merging it applies the plan that was reviewed (re-checked against fresh data at apply). To review the newer plan instead, close this PR; the next run proposes it.`,
      ].join('\n');
      await github.comments.upsertSticky(
        open.number,
        'newer-plan',
        message,
        `the run ${runUrl(context)}`,
      );
      io.notice(
        `Plan PR #${open.number} is approved; it was kept and told that plan ${plan.planId} is newer.`,
      );
      summary.push(
        `Plan PR #${open.number} is approved and was kept as reviewed; the newer plan ${plan.planId} was not proposed.`,
        '',
      );
      return;
    }

    if (hasNothingToDo(plan)) {
      if (open) {
        await github.comments.upsertSticky(
          open.number,
          'plan',
          `**Nothing to do** as of [run ${context.runId}](${runUrl(context)}) (${formatDateTime(deps.clock().toISOString())}): plan ${mdCode(plan.planId)} removes no licence. Closing this PR.`,
          `the run ${runUrl(context)}`,
        );
        await github.pulls.close(open.number);
        io.info(`Closed plan PR #${open.number}: nothing to do.`);
      }
      if (await github.branches.deleteBranch(settings.planBranch))
        io.info(`Deleted ${settings.planBranch}.`);
      summary.push('Nothing to do: no licence to remove.', '');
      return;
    }

    const pr = await proposePlanPr(deps, outputs, {
      what: 'plan',
      plan,
      planPath,
      planFileText: result.planFileText,
      head: settings.planBranch,
      base: defaultBranch,
      commitMessage: `License plan ${plan.planId}: ${plural(plannedCount(plan), 'removal', 'removals')}`,
      open,
    });
    await github.pulls.addLabels(
      pr.number,
      plan.blocked.length > 0 ? [PLAN_LABEL, BLOCKED_LABEL] : [PLAN_LABEL],
    );
    if (plan.blocked.length === 0 && pr.labels.includes(BLOCKED_LABEL))
      await github.pulls.removeLabel(pr.number, BLOCKED_LABEL);
    await github.comments.upsertSticky(
      pr.number,
      'plan',
      statusComment(plan, planPath, deps, open ? 'updated' : 'opened'),
      `the run ${runUrl(context)}`,
    );
    summary.push(`Plan PR: #${pr.number} (${open ? 'updated' : 'opened'}).`, '');
  });

  await io.group('Keep the audit', () =>
    keepRunAudit(
      deps,
      { outputs, failures },
      { file: auditFile, planId: plan.planId, phase: 'plan' },
    ),
  );

  summary.push(planSummaryMarkdown(deps, plan, planPath));
  await io.summary(summary.join('\n'));
  return { outputs, failures };
}
