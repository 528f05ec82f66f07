import { describe, expect, it } from '@jest/globals';
import {
  dryRunExecutor,
  liveExecutor as realLiveExecutor,
  type LiveExecutorOptions,
  type ExecutedAction,
  type OperationResult,
  type SeatWriter,
} from '../../../src/apply/executor.js';
import type { ExecuteDecision } from '../../../src/apply/intersect.js';
import { operationKey } from '../../../src/apply/operations.js';
import type { Operation, PlanAction } from '../../../src/plan/types.js';
import { JIRA, action, groupOp, revokeOp } from './builders.js';

/** The live executor with an instant sleep, recording the waits it asked for. */
const waits: number[] = [];
const liveExecutor = (writer: SeatWriter, options: LiveExecutorOptions = {}) =>
  realLiveExecutor(writer, {
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    ...options,
  });

const decide = (a: PlanAction): ExecuteDecision => ({
  kind: 'execute',
  action: a,
  operations: a.operations,
  notNeeded: [],
});

class NotFound extends Error {
  readonly status = 404;
}
class ServerError extends Error {
  readonly status = 500;
}
class LostAnswer extends Error {
  readonly status = 503;
  readonly ambiguous = true;
}

/** A directory in memory: seats held, and what each write does to them. */
function fakeDirectory(options: {
  held: string[];
  /** How a write for `accountId op` answers: 'ok' removes the seat when the account has no other op left. */
  answer?: (op: Operation, accountId: string) => 'ok' | 'not-found' | 'fail' | 'lost';
  seatReadFails?: boolean;
  /** Seats that stay even after every write succeeded (Atlassian did not apply it). */
  sticky?: string[];
  /** Seats that still show in this many reads after their removal (eventual consistency). */
  staleReads?: number;
}) {
  let staleReads = options.staleReads ?? 0;
  const removed = new Set<string>();
  const held = new Set(options.held);
  const writes: string[] = [];
  const seatReads: Array<{ resourceId: string; accountIds: string[] }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const writer: SeatWriter = {
    async execute(op, accountId) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight -= 1;
      writes.push(`${accountId} ${operationKey(op)}`);
      const answer = options.answer?.(op, accountId) ?? 'ok';
      if (answer === 'not-found') throw new NotFound('404 group or user');
      if (answer === 'fail') throw new ServerError('HTTP 500');
      if (answer === 'lost') {
        held.delete(accountId);
        throw new LostAnswer('HTTP 503 after 2 attempts; the request may have taken effect');
      }
      if (!options.sticky?.includes(accountId)) {
        held.delete(accountId);
        removed.add(accountId);
      }
    },
    seatsHeld(resourceId, accountIds) {
      seatReads.push({ resourceId, accountIds: [...accountIds] });
      if (options.seatReadFails) return Promise.reject(new Error('users/search 503'));
      const stale = staleReads > 0;
      staleReads -= 1;
      return Promise.resolve(
        new Set(accountIds.filter((a) => held.has(a) || (stale && removed.has(a)))),
      );
    },
  };
  return { writer, writes, seatReads, maxInFlight: () => maxInFlight };
}

function collect() {
  const operations: Array<{ accountId: string; result: OperationResult }> = [];
  const actions: ExecutedAction[] = [];
  const progress: string[] = [];
  return {
    operations,
    actions,
    progress,
    hooks: {
      onOperation: (a: PlanAction, result: OperationResult) =>
        operations.push({ accountId: a.accountId, result }),
      onAction: (r: ExecutedAction) => actions.push(r),
      onProgress: (done: number, total: number) => progress.push(`${done}/${total}`),
    },
  };
}

describe('the live executor', () => {
  it('applies every operation and verifies the seat is gone', async () => {
    const dir = fakeDirectory({ held: ['u1', 'u2'] });
    const seen = collect();
    const results = await liveExecutor(dir.writer)(
      [
        decide(action({ accountId: 'u1', operations: [groupOp('g1'), revokeOp()] })),
        decide(action({ accountId: 'u2' })),
      ],
      seen.hooks,
    );
    expect(results.map((r) => [r.action.accountId, r.outcome])).toEqual([
      ['u1', 'applied'],
      ['u2', 'applied'],
    ]);
    expect(dir.writes.sort()).toEqual([
      `u1 remove-group-membership dir-1 g1`,
      `u1 revoke-role atlassian/user ${JIRA}`,
      `u2 remove-group-membership dir-1 jira-users`,
    ]);
    expect(dir.seatReads).toEqual([{ resourceId: JIRA, accountIds: ['u1', 'u2'] }]);
    expect(seen.progress).toEqual(['1/2', '2/2']);
    expect(seen.operations.map((o) => o.result.outcome)).toEqual(['applied', 'applied', 'applied']);
    expect(seen.actions.map((a) => a.outcome)).toEqual(['applied', 'applied']);
  });

  it('runs the operations of one action in the reviewed order', async () => {
    const dir = fakeDirectory({ held: ['u1'] });
    await liveExecutor(dir.writer, { concurrency: 1 })(
      [decide(action({ accountId: 'u1', operations: [revokeOp(), groupOp('g2'), groupOp('g1')] }))],
      {},
    );
    expect(dir.writes).toEqual([
      `u1 revoke-role atlassian/user ${JIRA}`,
      'u1 remove-group-membership dir-1 g2',
      'u1 remove-group-membership dir-1 g1',
    ]);
  });

  it('keeps at most the given number of actions in flight', async () => {
    const dir = fakeDirectory({ held: [] });
    const many = Array.from({ length: 12 }, (_, i) => decide(action({ accountId: `u${i}` })));
    await liveExecutor(dir.writer, { concurrency: 3 })(many, {});
    expect(dir.writes).toHaveLength(12);
    expect(dir.maxInFlight()).toBe(3);
  });

  it('keeps going after a failed action and reports it failed', async () => {
    const dir = fakeDirectory({
      held: ['u1', 'u2', 'u3'],
      answer: (_op, accountId) => (accountId === 'u2' ? 'fail' : 'ok'),
    });
    const results = await liveExecutor(dir.writer)(
      ['u1', 'u2', 'u3'].map((u) => decide(action({ accountId: u }))),
      {},
    );
    expect(results.map((r) => r.outcome)).toEqual(['applied', 'failed', 'applied']);
    expect(results[1].detail).toContain('HTTP 500');
  });

  it('reports an action whose operations only partly succeeded as partial', async () => {
    const dir = fakeDirectory({
      held: ['u1'],
      answer: (op) => (op.type === 'revoke-role' ? 'fail' : 'ok'),
      sticky: ['u1'],
    });
    const [result] = await liveExecutor(dir.writer)(
      [decide(action({ accountId: 'u1', operations: [groupOp('g1'), revokeOp()] }))],
      {},
    );
    expect(result.outcome).toBe('partial');
    expect(result.operations.map((o) => o.outcome)).toEqual(['applied', 'failed']);
  });

  it('counts a 404 as already-absent only when the re-read confirms the seat is gone', async () => {
    const dir = fakeDirectory({ held: [], answer: () => 'not-found' });
    const seen = collect();
    const [result] = await liveExecutor(dir.writer)(
      [decide(action({ accountId: 'u1' }))],
      seen.hooks,
    );
    expect(result.outcome).toBe('already-absent');
    expect(dir.seatReads).toHaveLength(1);
    expect(seen.operations.map((o) => o.result.outcome)).toEqual(['already-absent']);
  });

  it('treats a 404 as a failure when the seat is still held', async () => {
    const dir = fakeDirectory({ held: ['u1'], answer: () => 'not-found' });
    const [result] = await liveExecutor(dir.writer)([decide(action({ accountId: 'u1' }))], {});
    expect(result.outcome).toBe('failed');
    expect(result.detail).toContain('404 not confirmed: the seat is still held');
  });

  it('treats a 404 as a failure when the confirming read fails', async () => {
    const dir = fakeDirectory({ held: [], answer: () => 'not-found', seatReadFails: true });
    const [result] = await liveExecutor(dir.writer)([decide(action({ accountId: 'u1' }))], {});
    expect(result.outcome).toBe('failed');
    expect(result.detail).toContain('verification read failed');
  });

  it('settles a write whose answer was lost by the re-read', async () => {
    const dir = fakeDirectory({ held: ['u1'], answer: () => 'lost' });
    const seen = collect();
    const [result] = await liveExecutor(dir.writer)(
      [decide(action({ accountId: 'u1' }))],
      seen.hooks,
    );
    expect(result.outcome).toBe('applied');
    expect(seen.operations.map((o) => o.result.outcome)).toEqual(['applied']);
  });

  it('reads again a seat the directory still shows right after its removal', async () => {
    waits.length = 0;
    const dir = fakeDirectory({ held: ['u1', 'u2'], staleReads: 2 });
    const results = await liveExecutor(dir.writer)(
      [decide(action({ accountId: 'u1' })), decide(action({ accountId: 'u2' }))],
      {},
    );
    expect(results.map((r) => r.outcome)).toEqual(['applied', 'applied']);
    expect(dir.seatReads).toHaveLength(3);
    expect(waits).toEqual([2000, 2000]);
  });

  it('does not wait to re-read the seat of an action whose write failed', async () => {
    waits.length = 0;
    const dir = fakeDirectory({ held: ['u1'], answer: () => 'fail' });
    const [result] = await liveExecutor(dir.writer)([decide(action({ accountId: 'u1' }))], {});
    expect(result.outcome).toBe('failed');
    expect(dir.seatReads).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('reports accepted writes that left the seat in place as unverified', async () => {
    const dir = fakeDirectory({ held: ['u1'], sticky: ['u1'] });
    const [result] = await liveExecutor(dir.writer)([decide(action({ accountId: 'u1' }))], {});
    expect(result.outcome).toBe('unverified');
    // The first read and two re-reads.
    expect(dir.seatReads).toHaveLength(3);
    expect(result.detail).toContain(`still held on ${JIRA}`);
  });

  it('reports accepted writes as unverified when the verification read fails', async () => {
    const dir = fakeDirectory({ held: ['u1'], seatReadFails: true });
    const [result] = await liveExecutor(dir.writer)([decide(action({ accountId: 'u1' }))], {});
    expect(result.outcome).toBe('unverified');
  });

  it('verifies a suspension on every resource it removes', async () => {
    const dir = fakeDirectory({ held: ['u1'] });
    const suspend = action({
      accountId: 'u1',
      kind: 'suspend',
      operations: [{ type: 'suspend', directoryId: 'dir-1' }],
      removes: [
        { product: 'jira-software', site: 'acme.atlassian.net', resourceId: JIRA },
        {
          product: 'confluence',
          site: 'acme.atlassian.net',
          resourceId: 'ari:cloud:confluence::site/acme',
        },
      ],
    });
    const [result] = await liveExecutor(dir.writer)([decide(suspend)], {});
    expect(result.outcome).toBe('applied');
    expect(dir.seatReads.map((r) => r.resourceId).sort()).toEqual([
      'ari:cloud:confluence::site/acme',
      JIRA,
    ]);
  });

  it('stops starting new actions when recording an outcome fails', async () => {
    const dir = fakeDirectory({ held: [] });
    const many = Array.from({ length: 10 }, (_, i) => decide(action({ accountId: `u${i}` })));
    await expect(
      liveExecutor(dir.writer, { concurrency: 1 })(many, {
        onOperation: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(dir.writes).toHaveLength(1);
  });
});

describe('the dry-run executor', () => {
  it('reports every operation it would run and has no way to write', async () => {
    const seen = collect();
    const results = await dryRunExecutor()(
      [decide(action({ accountId: 'u1', operations: [groupOp('g1'), revokeOp()] }))],
      seen.hooks,
    );
    expect(results.map((r) => r.outcome)).toEqual(['dry-run']);
    expect(seen.operations.map((o) => [o.result.outcome, operationKey(o.result.op)])).toEqual([
      ['dry-run', 'remove-group-membership dir-1 g1'],
      ['dry-run', `revoke-role atlassian/user ${JIRA}`],
    ]);
    expect(seen.progress).toEqual(['1/1']);
  });
});
