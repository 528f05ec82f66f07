/**
 * Benchmark `apply`: applying a reviewed plan of ~2,000 removals (fresh evaluation, writes and
 * verification included) through a sandbox limited to 6,000 requests a minute, in real time.
 *
 * The org is the sandbox org of SPEC §10 at 87,600 accounts, and the policy
 * `bench/policies/apply-2000/` (the example policy with Confluence by a 30-day threshold and the
 * limits raised), which plans about 2,000 removals. The plan is made first on an unlimited
 * server; the apply then runs through a second server on the same org, with 50 ms latency and
 * the 6,000/minute limit, whose window starts when the apply does. "The time the limit allows"
 * is the requests the apply needed (those not answered 429) at 100 a second.
 *
 * Writes bench/results/apply.json.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ApplierArgs, ApplierReport } from './applier.js';
import { runChild } from './lib/child.js';
import { saveResult, startEnvelope } from './lib/results.js';
import { startSandboxProcess } from './lib/sandbox-process.js';
import type { ServerBehaviour } from './lib/sandbox-protocol.js';
import type { PlannerArgs, PlannerReport } from './planner.js';

const buildDir = path.dirname(new URL(import.meta.url).pathname);
const envelope = startEnvelope('apply');
const USERS = 87_600;
const POLICY_DIR = 'bench/policies/apply-2000';
const LIMITED: Required<Pick<ServerBehaviour, 'latencyMs' | 'rateLimit'>> = {
  latencyMs: 50,
  rateLimit: 6_000,
};
const log = (message: string) => process.stderr.write(`[apply] ${message}\n`);

// Real time: apply reads the clock (plans expire), so the org is generated around now.
const now = new Date().toISOString();
const workDir = path.resolve('.tmp', 'bench-apply');
mkdirSync(workDir, { recursive: true });
const planFile = path.join(workDir, 'plan.json');

log(`sandbox of ${USERS} accounts`);
const sandbox = await startSandboxProcess(buildDir, { users: USERS, seed: 1, now });
try {
  const plannerArgs: PlannerArgs = {
    url: sandbox.url,
    orgId: sandbox.orgId,
    apiKey: sandbox.apiKey,
    now,
    policyDir: POLICY_DIR,
    planOut: planFile,
  };
  const plan = await runChild<PlannerReport>(buildDir, 'planner', plannerArgs);
  log(
    `plan: ${plan.planned} removals planned (${plan.client.requests} requests, unlimited server)`,
  );
  const resourceIds = plan.governed.map((g) => g.resourceId);
  const seatsBefore = await sandbox.seats(resourceIds);

  const limitedUrl = await sandbox.startSecond(LIMITED);
  log(`applying through ${LIMITED.rateLimit} requests/minute, ${LIMITED.latencyMs} ms latency`);
  const applierArgs: ApplierArgs = {
    url: limitedUrl,
    orgId: sandbox.orgId,
    apiKey: sandbox.apiKey,
    policyDir: POLICY_DIR,
    planFile,
  };
  const apply = await runChild<ApplierReport>(buildDir, 'applier', applierArgs);
  const server = await sandbox.counters('second');
  const seatsAfter = await sandbox.seats(resourceIds);
  log(
    `apply: ${JSON.stringify(apply.outcomes)} in ${apply.wallMs} ms, ${apply.client.requests} requests, ` +
      `${apply.client.rateLimited} answered 429`,
  );

  saveResult(envelope, {
    settings: { users: USERS, seed: 1, policyDir: POLICY_DIR, ...LIMITED },
    plan: {
      planned: plan.planned,
      actions: plan.actions,
      requests: plan.client.requests,
      governed: plan.governed,
    },
    apply,
    server,
    seats: resourceIds.map((id, i) => ({
      resourceId: id,
      before: seatsBefore[i],
      after: seatsAfter[i],
    })),
  });
} finally {
  await sandbox.close();
}
