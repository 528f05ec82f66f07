/**
 * The apply that dies mid-way (SPEC §5 "re-running the same plan is safe", §6 "rows are written
 * as outcomes happen"): `license-policy apply` runs as its own process against the sandbox in
 * this one, is killed with SIGKILL when half of its writes have reached Atlassian, and is run
 * again. The second run completes with no failed action and sends no write the first one sent;
 * a removal the first run made shows as already-absent; the two audits together account for
 * every action; and Atlassian ends exactly where a fault-free apply leaves it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { operationKey } from '../../src/apply/operations.js';
import { operationRequest } from '../../src/atlassian/operations.js';
import { parseAuditCsv } from '../../src/audit/csv.js';
import { operationFromAudit } from '../../src/audit/target.js';
import type { AuditRow } from '../../src/audit/types.js';
import { writePlanFile, writeStateFile } from '../../src/io/plan-files.js';
import type { Plan, PlanAction } from '../../src/plan/types.js';
import type { RequestLogEntry } from '../../src/sandbox/index.js';
import { buildCli, startCli } from './support/cli-bundle.js';
import { applyIn, orgFingerprint, planIn, startWorld, type World } from './support/world.js';

const LATENCY_MS = 40;

const request = (r: RequestLogEntry) =>
  `${r.method} ${r.path}${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}`;

/** Polls until `ready` holds (every few ms, real time: this is a child process, not a wait for a window). */
async function until(ready: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!ready()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('an apply killed with SIGKILL half-way, then run again', () => {
  const now = new Date();
  let bundle: string;
  let world: World;
  let plan: Plan;
  let planned: PlanAction[];
  let expectedFingerprint: string;
  let expectedWrites: string[];
  let firstRun: Awaited<ReturnType<typeof startCli>['done']>;
  let secondRun: Awaited<ReturnType<typeof startCli>['done']>;
  let firstWrites: RequestLogEntry[];
  let secondWrites: RequestLogEntry[];
  let firstRows: AuditRow[];
  let secondRows: AuditRow[];
  let stateBefore: string;
  let stateAfterKill: string;

  beforeAll(async () => {
    const built = buildCli();
    // What a fault-free apply of the same plan does to the same organisation.
    const reference = await startWorld({ now, clock: Date.now });
    try {
      const made = await planIn(reference, reference.client(), now);
      reference.sandbox.resetLog();
      const applied = await applyIn(reference, made.plan, made.nextState, { at: new Date() });
      if (applied.exitCode !== 0) throw new Error('the fault-free apply failed');
      expectedFingerprint = orgFingerprint(reference.model);
      expectedWrites = reference.sandbox.writes().map(request).sort();
    } finally {
      await reference.close();
    }

    world = await startWorld({ now, clock: Date.now });
    const made = await planIn(world, world.client(), now);
    plan = made.plan;
    planned = plan.actions.filter((a) => a.status === 'planned');
    const planFile = path.join(world.dir, 'plan.json');
    const stateFile = path.join(world.dir, 'state.json');
    writePlanFile(planFile, plan);
    writeStateFile(stateFile, made.nextState);
    stateBefore = readFileSync(stateFile, 'utf8');
    bundle = await built;

    const args = ['apply', 'plan.json', '--state', 'state.json', '--audit', 'audit.csv'];
    const env = {
      ATLASSIAN_ORG_ID: world.sandbox.orgId,
      ATLASSIAN_API_KEY: world.sandbox.apiKey,
      ATLASSIAN_API_URL: world.sandbox.url,
    };
    world.sandbox.resetLog();

    // First run: one action at a time, every answer slow, killed when half the writes are in.
    world.options.latencyMs = LATENCY_MS;
    const first = startCli(bundle, [...args, '--concurrency', '1'], world.dir, env);
    const half = Math.ceil(expectedWrites.length / 2);
    await until(() => world.sandbox.writes().length >= half || first.child.exitCode !== null);
    first.child.kill('SIGKILL');
    firstRun = await first.done;
    // A write the sandbox received before the kill still completes there (its answer is lost).
    await until(() => world.sandbox.writes().every((w) => w.status !== 0));
    firstWrites = world.sandbox.writes();
    firstRows = parseAuditCsv(readFileSync(path.join(world.dir, 'audit.csv'), 'utf8'));
    stateAfterKill = readFileSync(stateFile, 'utf8');

    // Second run: the same command, no delay, to the end.
    world.options.latencyMs = 0;
    world.sandbox.resetLog();
    secondRun = await startCli(bundle, args, world.dir, env).done;
    secondWrites = world.sandbox.writes();
    const allRows = parseAuditCsv(readFileSync(path.join(world.dir, 'audit.csv'), 'utf8'));
    secondRows = allRows.slice(firstRows.length);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('the first run was killed half-way: some writes done, some not, the state not yet saved', () => {
    expect(firstRun.signal).toBe('SIGKILL');
    expect(firstWrites.length).toBeGreaterThan(0);
    expect(firstWrites.length).toBeLessThan(expectedWrites.length);
    expect(stateAfterKill).toBe(stateBefore);
    // What it recorded before dying is a true partial record for this plan.
    expect(firstRows.length).toBeGreaterThan(0);
    expect(new Set(firstRows.map((r) => r.plan_id))).toEqual(new Set([plan.planId]));
    expect(firstRows.filter((r) => r.outcome === 'failed')).toEqual([]);
  });

  it('the second run completes with no failed, partial or unverified action', () => {
    expect({ code: secondRun.code, stderr: secondRun.code === 0 ? '' : secondRun.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const bad = secondRows.filter((r) => ['failed', 'partial', 'unverified'].includes(r.outcome));
    expect(bad).toEqual([]);
    expect(readFileSync(path.join(world.dir, 'state.json'), 'utf8')).toContain(plan.planId);
  });

  it('no write was sent twice: the second run sends only what the first never sent', () => {
    const sentFirst = new Set(firstWrites.map(request));
    expect(secondWrites.map(request).filter((w) => sentFirst.has(w))).toEqual([]);
    expect([...firstWrites, ...secondWrites].map(request).sort()).toEqual(expectedWrites);
    expect([...firstWrites, ...secondWrites].every((w) => w.status >= 200 && w.status < 300)).toBe(
      true,
    );
  });

  it('a removal the first run made shows as already-absent in the second, not repeated', () => {
    const sentFirst = new Set(firstWrites.map(request));
    const writeOf = (action: PlanAction, op: PlanAction['operations'][number]) => {
      const w = operationRequest(plan.org.id, op, action.accountId);
      return `${w.method} ${w.path}${w.body === undefined ? '' : ` ${JSON.stringify(w.body)}`}`;
    };
    const doneFirst = planned.filter((a) =>
      a.operations.every((op) => sentFirst.has(writeOf(a, op))),
    );
    const notStarted = planned.filter((a) =>
      a.operations.every((op) => !sentFirst.has(writeOf(a, op))),
    );
    expect(doneFirst.length).toBeGreaterThan(0);
    expect(notStarted.length).toBeGreaterThan(0);
    const finalRow = (a: PlanAction) =>
      secondRows
        .filter(
          (r) =>
            r.account_id === a.accountId &&
            r.product === a.product &&
            r.site === a.site &&
            r.operation === '',
        )
        .map((r) => r.outcome);
    for (const action of doneFirst) expect(finalRow(action)).toEqual(['already-absent']);
    for (const action of notStarted) expect(finalRow(action)).toEqual(['applied']);
  });

  it('the two audits together account for every planned action and every write', () => {
    const rows = [...firstRows, ...secondRows];
    for (const action of planned) {
      const final = rows.filter(
        (r) =>
          r.account_id === action.accountId &&
          r.product === action.product &&
          r.site === action.site &&
          r.operation === '' &&
          (r.outcome === 'applied' || r.outcome === 'already-absent'),
      );
      expect({ action: action.id, settled: final.length > 0 }).toEqual({
        action: action.id,
        settled: true,
      });
    }
    // Every operation of every planned action is recorded as done by one of the runs, or as
    // already gone when the second run looked (its action row then says already-absent).
    for (const action of planned) {
      for (const op of action.operations) {
        const key = operationKey(op);
        const recorded = rows.some(
          (r) =>
            r.account_id === action.accountId &&
            r.operation === op.type &&
            operationKey(operationFromAudit(r.operation, r.target, 'row')) === key &&
            (r.outcome === 'applied' || r.outcome === 'already-absent'),
        );
        const settledByAction = secondRows.some(
          (r) =>
            r.account_id === action.accountId &&
            r.product === action.product &&
            r.site === action.site &&
            r.operation === '' &&
            r.outcome === 'already-absent',
        );
        expect({ action: action.id, op: key, recorded: recorded || settledByAction }).toEqual({
          action: action.id,
          op: key,
          recorded: true,
        });
      }
    }
  });

  it('Atlassian ends exactly where a fault-free apply of the same plan leaves it', () => {
    expect(orgFingerprint(world.model)).toBe(expectedFingerprint);
  });

  it('a third run changes nothing: everything is already absent', async () => {
    world.sandbox.resetLog();
    const third = await startCli(
      bundle,
      ['apply', 'plan.json', '--state', 'state.json', '--audit', 'third.csv'],
      world.dir,
      {
        ATLASSIAN_ORG_ID: world.sandbox.orgId,
        ATLASSIAN_API_KEY: world.sandbox.apiKey,
        ATLASSIAN_API_URL: world.sandbox.url,
      },
    ).done;
    // The state now records this plan as applied; applying it again is not refused (same plan).
    expect(third.code).toBe(0);
    expect(world.sandbox.writes()).toEqual([]);
  });
});
