/**
 * The action's pipelines, over the same src/run code the CLI uses: an Atlassian client built
 * from the inputs, the plan run (with the plan file redacted as `redact` says before it is
 * finalized, and the snapshot kept for previews), the apply run, previews from a stored
 * snapshot, the restore plan of a recorded apply (SPEC §9), and the audit file every decision
 * is appended to as it happens.
 */
import { applyAuditRow } from '../apply/audit-rows.js';
import { AtlassianClient } from '../atlassian/client.js';
import { DEFAULT_CONCURRENCY } from '../atlassian/http.js';
import { auditRow, auditTimestamp, planAuditRows } from '../audit/rows.js';
import type { AuditRow } from '../audit/types.js';
import { AuditWriter } from '../audit/writer.js';
import {
  assertPolicyMatchesOrg,
  buildContext,
  evaluate,
  findCandidates,
  predictRoles,
  type EvaluationContext,
} from '../engine/index.js';
import { finalizePlan, serializePlan } from '../plan/plan-file.js';
import { redactPlanBody } from '../plan/redact.js';
import type { Snapshot } from '../snapshot/types.js';
import { loadPolicy } from '../policy/load.js';
import { restorePlanFromBranches } from '../restore/from-branches.js';
import { applyPlan } from '../run/apply-run.js';
import { evaluateOrg } from '../run/plan-run.js';
import { readSnapshotNdjson, writeSnapshotNdjson } from '../snapshot/ndjson.js';
import type { AtlassianConnection, Pipelines } from './deps.js';

function clientFor(atlassian: AtlassianConnection, concurrency?: number): AtlassianClient {
  return new AtlassianClient({
    orgId: atlassian.orgId,
    apiKey: atlassian.apiKey,
    baseUrl: atlassian.apiUrl,
    // The `concurrency` input bounds apply's writes (the executor); reads keep the wider default.
    concurrency: Math.max(DEFAULT_CONCURRENCY, concurrency ?? 0),
    userAgent: 'atlassian-license-policy-action',
  });
}

/** Appends rows to the audit CSV as they happen (one write each, nothing buffered). */
function auditSink(file: string): { write: (row: AuditRow) => void; close: () => void } {
  const writer = AuditWriter.open(file);
  return { write: (row) => writer.write(row), close: () => writer.close() };
}

/**
 * For a preview only: the role assignments of accounts the snapshot did not read, as the engine
 * predicts them while it looks for candidates (`predictRoles`: their groups' grants and, for a
 * seat no group explains, a direct grant). The next plan run reads them for real; the preview
 * comment says it is computed from the snapshot.
 */
function inferRoles(
  snapshot: Snapshot,
  context: EvaluationContext,
  accountIds: readonly string[],
): void {
  const users = new Map(snapshot.users.map((u) => [u.accountId, u]));
  for (const accountId of accountIds) {
    const user = users.get(accountId);
    snapshot.userRoles.set(accountId, user ? predictRoles(context, user) : []);
  }
}

export function realPipelines(): Pipelines {
  return {
    async plan(input) {
      const policy = await loadPolicy(input.policyDir, { displayRoot: input.root });
      const client = clientFor(input.atlassian);
      const now = new Date();
      const evaluation = await evaluateOrg({
        policy,
        client,
        state: input.state,
        now,
        policyCommit: input.policyCommit,
        onProgress: input.onProgress,
      });
      const plan = finalizePlan(redactPlanBody(evaluation.body, input.redact));
      // The artifact keeps what git does not: rows come from the unredacted evaluation, under
      // the id and digest of the plan as committed.
      const sink = auditSink(input.auditFile);
      try {
        const rows = planAuditRows(
          { ...evaluation.body, planId: plan.planId, digest: plan.digest },
          { runId: input.runId, timestamp: auditTimestamp(now) },
        );
        for (const row of rows) sink.write(row);
      } finally {
        sink.close();
      }
      await writeSnapshotNdjson(evaluation.snapshot, input.snapshotFile);
      return {
        plan,
        planFileText: serializePlan(plan),
        nextState: evaluation.nextState,
        snapshotFile: input.snapshotFile,
      };
    },

    async apply(input) {
      const policy = await loadPolicy(input.policyDir, { displayRoot: input.root });
      const sink = auditSink(input.auditFile);
      try {
        const applied = await applyPlan({
          plan: input.plan,
          policy,
          policyCommit: input.audit.policyCommit,
          client: clientFor(input.atlassian, input.concurrency),
          state: input.state,
          dryRun: input.dryRun,
          overrideLimits: input.overrideLimits,
          concurrency: input.concurrency,
          audit: sink.write,
          auditContext: {
            runId: input.audit.runId,
            prNumber: input.audit.prNumber,
            approvedBy: input.audit.approvedBy,
          },
          onProgress: input.onProgress,
        });
        return { result: applied.result, nextState: applied.nextState, exitCode: applied.exitCode };
      } finally {
        sink.close();
      }
    },

    recordRefusal(input) {
      const sink = auditSink(input.auditFile);
      const now = new Date();
      try {
        if (input.plan) {
          sink.write(
            applyAuditRow(
              input.plan,
              {
                runId: input.audit.runId,
                policyCommit: input.audit.policyCommit,
                prNumber: input.audit.prNumber,
                approvedBy: input.audit.approvedBy,
                clock: () => now,
              },
              { outcome: 'refused', detail: input.detail },
            ),
          );
        } else {
          sink.write(
            auditRow({
              timestamp: auditTimestamp(now),
              run_id: input.audit.runId,
              plan_id: input.planId,
              phase: 'apply',
              outcome: 'refused',
              detail: input.detail,
              policy_commit: input.audit.policyCommit,
              pr_number: input.audit.prNumber === null ? '' : String(input.audit.prNumber),
              approved_by: input.audit.approvedBy.join(' '),
            }),
          );
        }
      } finally {
        sink.close();
      }
    },

    async restore(input) {
      // The policy at HEAD sets how long the restore plan lives, as it does for any plan.
      const policy = await loadPolicy(input.policyDir, { displayRoot: input.root });
      const sink = auditSink(input.auditFile);
      try {
        const created = await restorePlanFromBranches({
          files: input.files,
          auditBranch: input.auditBranch,
          defaultBranch: input.defaultBranch,
          plansPath: input.plansPath,
          planId: input.planId,
          accounts: input.accounts,
          client: clientFor(input.atlassian),
          now: new Date(),
          ttlHours: policy.limits.planTtlHours,
          runId: input.runId,
          onProgress: input.onProgress,
          onRefused: sink.write,
        });
        // As for a plan: git gets the redacted plan, the artifact's rows keep names and emails
        // under the id and digest of the plan as committed.
        let plan = created.plan;
        if (input.redact !== 'none') {
          const { planId: _id, digest: _digest, ...body } = created.plan;
          plan = finalizePlan(redactPlanBody(body, input.redact));
        }
        for (const row of created.auditRows) {
          sink.write({ ...row, plan_id: plan.planId, plan_digest: plan.digest });
        }
        return {
          plan,
          planFileText: serializePlan(plan),
          refused: created.refused.length,
        };
      } finally {
        sink.close();
      }
    },

    async preview(input) {
      const policy = await loadPolicy(input.policyDir, { displayRoot: input.root });
      const snapshot = await readSnapshotNdjson(input.snapshotFile);
      assertPolicyMatchesOrg(policy, snapshot);
      // A preview cannot read Atlassian: access paths the snapshot lacks are inferred from
      // groups, and API-token use it did not read counts as unknown (never as "not used").
      for (let round = 0; round < 5; round++) {
        const wanted = findCandidates(policy, snapshot, input.state, input.now);
        const missingRoles = wanted.roleReads.filter((id) => !snapshot.userRoles.has(id));
        const unavailable = new Set(snapshot.apiTokenUnavailable ?? []);
        const missingTokens = wanted.apiTokenReads.filter(
          (id) => !snapshot.apiTokenLastUsed.has(id) && !unavailable.has(id),
        );
        if (missingRoles.length === 0 && missingTokens.length === 0) break;
        inferRoles(snapshot, buildContext(policy, snapshot, input.state, input.now), missingRoles);
        if (missingTokens.length > 0) {
          snapshot.apiTokenUnavailable = [...unavailable, ...missingTokens].sort();
        }
      }
      const evaluation = evaluate({
        policy,
        snapshot,
        state: input.state,
        now: input.now,
        policyCommit: null,
      });
      return finalizePlan(evaluation.plan);
    },
  };
}
