/**
 * The plan pipeline, shared by the CLI (`plan`, `demo`), the action's plan mode, and apply's
 * fresh re-evaluation: policy → snapshot → policy-vs-org check → candidate reads → evaluate →
 * finalize. Any failed read fails the whole run: a partial read never becomes a plan.
 */
import type { AtlassianClient } from '../atlassian/client.js';
import {
  addCandidateReads,
  readSnapshot,
  type SnapshotProgress,
} from '../atlassian/snapshot-reader.js';
import { assertPolicyMatchesOrg, evaluate, findCandidates } from '../engine/index.js';
import { finalizePlan } from '../plan/plan-file.js';
import { renderPlanMarkdown, type RenderPlanOptions } from '../plan/render-plan.js';
import type { Plan, PlanBody, State } from '../plan/types.js';
import { loadPolicy } from '../policy/load.js';
import type { Policy } from '../policy/types.js';
import type { Snapshot } from '../snapshot/types.js';

/** One line of progress (pages fetched, users evaluated); never carries a secret. */
export type ProgressListener = (message: string) => void;

export interface EvaluateOrgOptions {
  policy: Policy;
  client: AtlassianClient;
  /** The state before this run (`emptyState()` on the first run). */
  state: State;
  now: Date;
  policyCommit: string | null;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface OrgEvaluation {
  body: PlanBody;
  snapshot: Snapshot;
  nextState: State;
}

/** The read-candidates loop can need a second round when a read disproves a prediction; more means a bug. */
const MAX_CANDIDATE_ROUNDS = 5;

/** Reads the org and evaluates the policy: the plan body, the snapshot it came from, and the next state. */
export async function evaluateOrg(options: EvaluateOrgOptions): Promise<OrgEvaluation> {
  const { policy, client, state, now, onProgress } = options;
  const read = await readSnapshot(client, policy, {
    now,
    onProgress: onProgress ? snapshotProgressReporter(onProgress) : undefined,
    signal: options.signal,
  });
  assertPolicyMatchesOrg(policy, read);

  let snapshot = read;
  for (let round = 1; ; round++) {
    const wanted = findCandidates(policy, snapshot, state, now);
    const added = await addCandidateReads(client, snapshot, wanted, { signal: options.signal });
    if (added.reads === 0) break;
    if (round > MAX_CANDIDATE_ROUNDS) {
      throw new Error(
        `the candidates kept changing after ${MAX_CANDIDATE_ROUNDS} rounds of reads; no plan was made`,
      );
    }
    onProgress?.(`read the access paths and API-token use of ${added.reads} candidate account(s)`);
    snapshot = added.snapshot;
  }

  const evaluation = evaluate({ policy, snapshot, state, now, policyCommit: options.policyCommit });
  const planned = evaluation.plan.actions.filter((a) => a.status === 'planned').length;
  onProgress?.(
    `evaluated ${snapshot.users.length} users: ${planned} removal(s) planned, ` +
      `${evaluation.plan.actions.length - planned} other action(s), ${evaluation.plan.protected.length} protected`,
  );
  return { body: evaluation.plan, snapshot, nextState: evaluation.nextState };
}

export interface CreatePlanOptions {
  /** The policy, or the directory to load it from (default `policies`). */
  policy?: Policy;
  policyDir?: string;
  client: AtlassianClient;
  state: State;
  now: Date;
  /** The git commit of the policy, recorded in the plan (null outside git). */
  policyCommit: string | null;
  onProgress?: ProgressListener;
  /** How to render the Markdown (default: no redaction, PR body limit). */
  markdown?: RenderPlanOptions;
  signal?: AbortSignal;
}

export interface CreatedPlan {
  plan: Plan;
  policy: Policy;
  snapshot: Snapshot;
  /** The state to save after this run. */
  nextState: State;
  markdown: string;
}

export async function createPlan(options: CreatePlanOptions): Promise<CreatedPlan> {
  const policy = options.policy ?? (await loadPolicy(options.policyDir ?? 'policies'));
  const { body, snapshot, nextState } = await evaluateOrg({ ...options, policy });
  const plan = finalizePlan(body);
  const markdown = renderPlanMarkdown(plan, options.markdown ?? { redact: 'none' });
  return { plan, policy, snapshot, nextState, markdown };
}

/** Turns page-by-page snapshot progress into a line every 25 pages and one at the end. */
export function snapshotProgressReporter(
  emit: ProgressListener,
): (progress: SnapshotProgress) => void {
  let lastPages = 0;
  return (progress) => {
    const done = progress.phase === 'done';
    if (!done && progress.pagesFetched - lastPages < 25) return;
    lastPages = progress.pagesFetched;
    emit(
      `${done ? 'read' : 'reading'} the organization: ${progress.pagesFetched} pages fetched, ` +
        `${progress.usersRead} user records`,
    );
  };
}
