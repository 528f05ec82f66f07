/**
 * What plan and restore mode share to propose a plan for review: one open PR from the plan's
 * own branch, that branch rebuilt on the default branch with exactly the one plan file, the PR
 * opened or updated with the plan as its body, and the plan in the job summary.
 */
import { InputError } from '../errors.js';
import type { PullSummary } from '../github/pulls.js';
import {
  JOB_SUMMARY_LIMIT,
  PR_BODY_LIMIT,
  renderPlanMarkdown,
  renderPrTitle,
} from '../plan/render-plan.js';
import type { Plan } from '../plan/types.js';
import type { ModeDeps } from './deps.js';
import type { ActionOutputs } from './outputs.js';

/** The open PR from `head` into `base`: the newest, with a warning when there are several. */
export async function openPrFrom(
  deps: ModeDeps,
  head: string,
  base: string,
): Promise<PullSummary | null> {
  const open = await deps.github.pulls.openFrom(head, base);
  if (open.length > 1) {
    deps.io.warning(
      `${open.length} open PRs come from ${head} (${open.map((p) => `#${p.number}`).join(', ')}); updating the newest.`,
    );
  }
  return open[0] ?? null;
}

export interface PlanProposal {
  /** `plan` or `restore`: how the log names the PR. */
  what: 'plan' | 'restore';
  plan: Plan;
  planPath: string;
  planFileText: string;
  head: string;
  base: string;
  commitMessage: string;
  /** The PR from `head` to update, or null to open one. */
  open: PullSummary | null;
}

/**
 * Rebuilds `head` on the default branch with exactly the plan file, then opens or updates the PR
 * with the plan as its body; sets the `plan-file` and `pr-number` outputs as each is done.
 */
export async function proposePlanPr(
  deps: ModeDeps,
  outputs: ActionOutputs,
  proposal: PlanProposal,
): Promise<PullSummary> {
  const { settings, context, github, io } = deps;
  const { plan, planPath, head, base, open } = proposal;
  const defaultHead = await github.branches.headOf(base);
  if (defaultHead === null) throw new InputError(`The default branch "${base}" does not exist.`);
  await github.branches.commitFiles({
    branch: head,
    message: proposal.commitMessage,
    resetTo: defaultHead,
    changes: () => Promise.resolve([{ path: planPath, content: proposal.planFileText }]),
  });
  outputs.planFile = planPath;

  const fullPlanUrl = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/blob/${encodeURI(head)}/${planPath}`;
  const body = renderPlanMarkdown(plan, {
    redact: settings.redact,
    maxLength: PR_BODY_LIMIT,
    fullPlanUrl,
    planPath,
  });
  const title = renderPrTitle(plan);
  let pr: PullSummary;
  if (open) {
    pr = await github.pulls.update(open.number, { title, body });
    io.info(`Updated ${proposal.what} PR #${pr.number}.`);
  } else {
    pr = await github.pulls.create({ head, base, title, body });
    io.info(`Opened ${proposal.what} PR #${pr.number}.`);
  }
  outputs.prNumber = pr.number;
  return pr;
}

/** The plan as the job summary shows it. */
export function planSummaryMarkdown(deps: ModeDeps, plan: Plan, planPath: string): string {
  return renderPlanMarkdown(plan, {
    redact: deps.settings.redact,
    maxLength: JOB_SUMMARY_LIMIT - 4096,
    planPath,
  });
}
