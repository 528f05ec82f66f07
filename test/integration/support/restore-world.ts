/**
 * What the restore tests against the sandbox share: git served from memory, and a removal plan
 * created and applied against the test org so there is an audit to restore from.
 */
import { formatAuditCsv } from '../../../src/audit/csv.js';
import type { AuditRow } from '../../../src/audit/types.js';
import { emptyState } from '../../../src/plan/state.js';
import type { Plan } from '../../../src/plan/types.js';
import type { GitFiles } from '../../../src/restore/from-branches.js';
import { applyPlan } from '../../../src/run/apply-run.js';
import { createPlan } from '../../../src/run/plan-run.js';
import type { TestOrg } from '../apply-org.js';

/**
 * Git as the restore dispatch sees it, from `branch -> path -> text`; `listed` records each
 * directory listing as `ref:dir`, in order.
 */
export function gitOf(
  branches: Record<string, Record<string, string>>,
): GitFiles & { listed: string[] } {
  const listed: string[] = [];
  return {
    listed,
    listDirectory: (ref, dir) => {
      listed.push(`${ref}:${dir}`);
      const prefix = `${dir}/`;
      return Promise.resolve(
        Object.keys(branches[ref] ?? {})
          .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
          .map((p) => p.slice(prefix.length)),
      );
    },
    readFile: (ref, file) => Promise.resolve(branches[ref]?.[file] ?? null),
  };
}

/**
 * Plans the org's policy from an empty state and applies it (run id 77), then clears the
 * sandbox's request log; returns the plan and the apply's audit CSV.
 */
export async function appliedPlan(org: TestOrg): Promise<{ plan: Plan; csv: string }> {
  const { plan, nextState } = await createPlan({
    policyDir: org.policyDir,
    client: org.client(),
    state: emptyState(),
    now: new Date(),
    policyCommit: 'c0ffee',
  });
  const rows: AuditRow[] = [];
  await applyPlan({
    plan,
    policyDir: org.policyDir,
    client: org.client(),
    state: nextState,
    dryRun: false,
    overrideLimits: false,
    audit: (row) => rows.push(row),
    auditContext: { runId: '77' },
    verify: { sleep: () => Promise.resolve() },
  });
  org.sandbox.resetLog();
  return { plan, csv: formatAuditCsv(rows) };
}
