/**
 * Validate mode (SPEC §7), what pull requests get: the policy's problems as annotations on the
 * YAML lines; on the plan PR (or any PR touching plan files) the checks that make a bad plan PR
 * red before anyone merges it; on a PR that changes the policy, one sticky comment previewing
 * what the change would do, from the last plan run's snapshot artifact. No Atlassian key is
 * needed or used. Fork PRs are validated only, and told why.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, PolicyError, messageOf } from '../errors.js';
import type { PullFile } from '../github/pulls.js';
import { runUrl } from '../github/context.js';
import { parsePlan, verifyPlanDigest, verifyPlanId } from '../plan/plan-file.js';
import { emptyState, parseState } from '../plan/state.js';
import type { Plan, State } from '../plan/types.js';
import { loadPolicy } from '../policy/load.js';
import { summarizePolicy } from '../policy/summary.js';
import type { Policy } from '../policy/types.js';
import type { ActionIo, ModeDeps } from './deps.js';
import { restoreBranchOf } from '../inputs.js';
import {
  changedPlanFiles,
  checkPlanKind,
  isPlanFilePath,
  planIdOfPath,
  planSourceOf,
} from './merge-checks.js';
import { SNAPSHOT_ARTIFACT, SNAPSHOT_FILE, STATE_FILE } from './names.js';
import { emptyOutputs, type ActionOutputs } from './outputs.js';
import { renderNoPreview, renderPreviewComment } from './preview.js';

export interface ModeResult {
  outputs: ActionOutputs;
  /** Why the run fails (red check); empty when it succeeds. */
  failures: string[];
}

/** Each of the policy's problems as an error annotation on its file and line. */
export function annotatePolicyProblems(io: ActionIo, error: PolicyError): void {
  for (const p of error.problems) {
    io.error(p.message, { file: p.file, line: p.line, column: p.column, title: 'License policy' });
  }
}

/** Loads the policy, annotating every problem on its file and line. Null when invalid. */
export async function loadPolicyAnnotated(
  deps: ModeDeps,
  failures: string[],
): Promise<Policy | null> {
  const { settings, context, io } = deps;
  try {
    return await loadPolicy(settings.policyPath, { displayRoot: context.workspace });
  } catch (error: unknown) {
    if (error instanceof PolicyError) {
      annotatePolicyProblems(io, error);
      failures.push(
        `The policy in ${settings.policyPath}/ has ${error.problems.length === 1 ? '1 problem' : `${error.problems.length} problems`} (see the annotations).`,
      );
      return null;
    }
    if (error instanceof InputError) {
      failures.push(error.message);
      return null;
    }
    throw error;
  }
}

export async function readState(deps: ModeDeps): Promise<State> {
  const { settings, github } = deps;
  const text = await github.branches.readFile(settings.stateBranch, STATE_FILE);
  return text === null ? emptyState() : parseState(text, `${settings.stateBranch}:${STATE_FILE}`);
}

interface PullRequestInfo {
  number: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  fork: boolean;
}

function pullRequestOf(deps: ModeDeps): PullRequestInfo | null {
  const pr = deps.context.payload.pull_request;
  if (!pr) return null;
  const repository = `${deps.context.repo.owner}/${deps.context.repo.repo}`;
  const headRepo = pr.head.repo?.full_name ?? null;
  return {
    number: pr.number,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    baseSha: pr.base.sha,
    fork: pr.head.repo?.fork === true || (headRepo !== null && headRepo !== repository),
  };
}

/**
 * The plan PR's own checks: it comes from the plan branch (a removal plan) or the restore branch
 * (a restore plan) of this repository, changes exactly one plan file, that file is intact
 * (parses, digest and plan id match its content), and its kind matches its branch.
 */
async function checkPlanFiles(
  deps: ModeDeps,
  pr: PullRequestInfo,
  files: PullFile[],
  failures: string[],
): Promise<Plan | null> {
  const { settings, io, github } = deps;
  const planFiles = changedPlanFiles(files, settings.plansPath);
  const fail = (message: string, file?: string) => {
    io.error(message, file ? { file, title: 'License plan' } : undefined);
    failures.push(message);
  };
  const branches = {
    planBranch: settings.planBranch,
    restoreBranch: restoreBranchOf(settings.planBranch),
  };
  // A fork's head is another repository: never a plan branch of this one.
  const source = pr.fork
    ? null
    : planSourceOf({ headRef: pr.headRef, headRepo: null }, { ...branches, repository: '' });
  if (source === null) {
    fail(
      `Plan files change only through the plan PR from "${branches.planBranch}" or the restore PR from "${branches.restoreBranch}" of this repository; ` +
        `this PR comes from ${pr.fork ? 'a fork' : `"${pr.headRef}"`} and changes ${planFiles.join(', ') || 'the plan branch'}. Apply would refuse it.`,
    );
  }
  if (planFiles.length !== 1) {
    fail(
      planFiles.length === 0
        ? `The plan PR changes no plan file in ${settings.plansPath}/; apply would refuse it.`
        : `The plan PR changes ${planFiles.length} plan files (${planFiles.join(', ')}); a plan PR must change exactly one, and apply would refuse it.`,
    );
    for (const file of planFiles)
      io.error('One of several plan files in this PR.', { file, title: 'License plan' });
    return null;
  }
  const file = planFiles[0];
  const text = await github.branches.readFile(pr.headSha, file);
  if (text === null) {
    fail(`Cannot read ${file} at ${pr.headSha.slice(0, 12)}.`, file);
    return null;
  }
  let plan: Plan;
  try {
    plan = parsePlan(text, file);
  } catch (error: unknown) {
    fail(messageOf(error), file);
    return null;
  }
  if (!verifyPlanDigest(plan)) {
    fail(
      `${file}: the digest does not match the content: the plan was edited after it was made. Apply would refuse it.`,
      file,
    );
  }
  if (!verifyPlanId(plan) || planIdOfPath(file) !== plan.planId) {
    fail(
      `${file}: the file name and plan id do not match the content (plan id ${plan.planId}).`,
      file,
    );
  }
  const wrongKind = source === null ? null : checkPlanKind(plan.kind, source, `This PR`, branches);
  if (wrongKind !== null) fail(`${file}: ${wrongKind}. Apply would refuse it.`, file);
  if (settings.atlassianOrgId !== '' && plan.org.id !== settings.atlassianOrgId) {
    fail(
      `${file}: the plan is for org ${plan.org.id}, not the configured ${settings.atlassianOrgId}.`,
      file,
    );
  }
  if (Date.parse(plan.expiresAt) <= deps.clock().getTime()) {
    io.warning(
      `${file}: the plan expired at ${plan.expiresAt}; apply will refuse it. The next scheduled run proposes a fresh one.`,
      { file },
    );
  }
  return plan;
}

async function policyFilesAt(deps: ModeDeps, ref: string, dir: string): Promise<string | null> {
  const files = await deps.github.branches.filesUnder(ref, deps.settings.policyPath);
  const policyFiles = files.filter((f) => /\.ya?ml$/i.test(f.path));
  if (policyFiles.length === 0) return null;
  for (const f of policyFiles) {
    const target = path.join(dir, f.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content);
  }
  return dir;
}

/** The preview comment's Markdown, or why there is none. */
async function computePreview(deps: ModeDeps, pr: PullRequestInfo): Promise<string> {
  const { settings, context, github, io, pipelines } = deps;
  const artifact = await github.artifacts.latest(SNAPSHOT_ARTIFACT);
  if (!artifact) {
    return renderNoPreview(
      'No preview yet: previews use the snapshot the scheduled plan run uploads, and no plan run has uploaded one (or it expired). Run the plan workflow once.',
    );
  }
  const work = mkdtempSync(path.join(context.tempDir, 'license-policy-preview-'));
  const snapshotDir = path.join(work, 'snapshot');
  await github.artifacts.download(artifact, snapshotDir);
  const snapshotFile = path.join(snapshotDir, SNAPSHOT_FILE);
  const state = await readState(deps);
  const now = deps.clock();
  const next = await pipelines.preview({
    policyDir: settings.policyPath,
    root: context.workspace,
    snapshotFile,
    state,
    now,
  });
  if (settings.atlassianOrgId !== '' && next.org.id !== settings.atlassianOrgId) {
    return renderNoPreview(
      `No preview: the latest snapshot artifact is for org ${next.org.id}, not the configured ${settings.atlassianOrgId}.`,
    );
  }
  let base: Plan | null = null;
  const baseRoot = path.join(work, 'base');
  try {
    if ((await policyFilesAt(deps, pr.baseSha, baseRoot)) !== null) {
      base = await pipelines.preview({
        policyDir: settings.policyPath,
        root: baseRoot,
        snapshotFile,
        state,
        now,
      });
    }
  } catch (error: unknown) {
    // The base policy may not evaluate against this snapshot (or may be invalid): no comparison.
    io.info(`The base branch's policy could not be evaluated for comparison: ${messageOf(error)}`);
  }
  return renderPreviewComment({
    next,
    base,
    origin: {
      fetchedAt: next.snapshot.fetchedAt,
      runUrl: artifact.runId
        ? `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${artifact.runId}`
        : null,
    },
    redact: settings.redact,
  });
}

export async function runValidate(deps: ModeDeps): Promise<ModeResult> {
  const { settings, io, github } = deps;
  const failures: string[] = [];
  const outputs = emptyOutputs('validate');
  const summary: string[] = ['## License policy: validate', ''];

  const policy = await io.group('Validate the policy', () => loadPolicyAnnotated(deps, failures));
  if (policy) {
    io.info(summarizePolicy(policy));
    summary.push(`✅ The policy is valid: ${summarizePolicy(policy)}`, '');
  } else {
    summary.push('❌ The policy is invalid:', '', ...failures.map((f) => `- ${f}`), '');
  }

  const pr = pullRequestOf(deps);
  if (pr) {
    const files = await github.pulls.files(pr.number);
    const touchesPlans =
      pr.headRef === settings.planBranch ||
      pr.headRef === restoreBranchOf(settings.planBranch) ||
      changedPlanFiles(files, settings.plansPath).length > 0;
    const touchesPolicy = files.some((f) => f.filename.startsWith(`${settings.policyPath}/`));

    if (touchesPlans) {
      const before = failures.length;
      const plan = await io.group('Check the plan PR', () =>
        checkPlanFiles(deps, pr, files, failures),
      );
      if (failures.length === before && plan) {
        summary.push(
          plan.kind === 'restore'
            ? `✅ Restore PR checks passed: one restore plan file (${plan.planId}), digest intact, from ${restoreBranchOf(settings.planBranch)}.`
            : `✅ Plan PR checks passed: one plan file (${plan.planId}), digest intact, from ${settings.planBranch}.`,
          '',
        );
        outputs.planFile = `${settings.plansPath}/${plan.planId}.json`;
      } else {
        summary.push(
          '❌ Plan PR checks failed:',
          '',
          ...failures.slice(before).map((f) => `- ${f}`),
          '',
        );
      }
    } else if (
      files.some((f) => f.status === 'removed' && isPlanFilePath(f.filename, settings.plansPath))
    ) {
      io.info('This PR removes plan files; removing a plan never applies anything.');
    }

    if (pr.fork) {
      const why =
        'This pull request comes from a fork: it is validated only. No preview is computed and nothing is commented, because fork runs get a read-only token and no access to the plan snapshot.';
      io.notice(why);
      summary.push(`ℹ️ ${why}`, '');
    } else if (touchesPolicy && !touchesPlans) {
      await io.group('Preview the policy change', async () => {
        let comment: string | null;
        if (policy) {
          comment = await computePreview(deps, pr);
        } else {
          // Keep an earlier preview from misleading: say it is out of date.
          const earlier = await github.comments.findSticky(pr.number, 'preview');
          comment = earlier
            ? renderNoPreview(
                'The policy in this PR has errors (see the check), so there is no preview of its current state.',
              )
            : null;
        }
        if (comment !== null) {
          await github.comments.upsertSticky(
            pr.number,
            'preview',
            comment,
            `the run ${runUrl(deps.context)}`,
          );
          summary.push(comment, '');
        }
      });
    }
  }

  await io.summary(summary.join('\n'));
  return { outputs, failures };
}
