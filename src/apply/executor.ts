/**
 * Runs the operations apply decided on, and settles each action's outcome (SPEC §5).
 *
 * Dry run is a property of the executor: `dryRunExecutor` has no writer at all, so it cannot
 * write whatever the caller does. The live executor writes with bounded concurrency (actions in
 * parallel, the operations of one action in order), keeps going when an action fails, then
 * re-reads the seats: an action is `applied` only when the seat is gone.
 *
 * A 404 on a removal is ambiguous (directory, group or user): it counts as already done only
 * when the re-read confirms the seat is gone.
 */
import type { Operation, PlanAction } from '../plan/types.js';
import { messageOf } from '../errors.js';
import type { ExecuteDecision } from './intersect.js';
import { resourcesOfAction } from './intersect.js';
import { operationKey } from './operations.js';

/** What the executor needs from Atlassian. */
export interface SeatWriter {
  /** Sends one write; throws on failure. */
  execute(op: Operation, accountId: string): Promise<void>;
  /** Reads which of these accounts still hold a licensed seat on the resource. */
  seatsHeld(resourceId: string, accountIds: readonly string[]): Promise<ReadonlySet<string>>;
}

export type OperationOutcome = 'applied' | 'already-absent' | 'failed' | 'dry-run';
export type ActionOutcome =
  'applied' | 'partial' | 'unverified' | 'already-absent' | 'failed' | 'dry-run';

export interface OperationResult {
  op: Operation;
  outcome: OperationOutcome;
  detail: string;
}

export interface ExecutedAction {
  action: PlanAction;
  outcome: ActionOutcome;
  detail: string;
  operations: OperationResult[];
}

export interface ExecutorHooks {
  /** A write returned (success or failure), as it happens; a 404 is reported once the re-read settles it. */
  onOperation?: (action: PlanAction, result: OperationResult) => void;
  /** An action's final outcome, as soon as it is known. */
  onAction?: (result: ExecutedAction) => void;
  /** Actions whose writes are done, of all to run. */
  onProgress?: (done: number, total: number) => void;
}

export type Executor = (
  decisions: readonly ExecuteDecision[],
  hooks: ExecutorHooks,
) => Promise<ExecutedAction[]>;

/** Writes nothing: every operation that would run is reported as `dry-run`. */
export function dryRunExecutor(): Executor {
  return (decisions, hooks) => {
    const results = decisions.map((d, i): ExecutedAction => {
      const operations = d.operations.map((op): OperationResult => ({
        op,
        outcome: 'dry-run',
        detail: 'dry run: not written',
      }));
      for (const r of operations) hooks.onOperation?.(d.action, r);
      const result: ExecutedAction = {
        action: d.action,
        outcome: 'dry-run',
        detail: `dry run: ${operations.length} operation(s) would run`,
        operations,
      };
      hooks.onAction?.(result);
      hooks.onProgress?.(i + 1, decisions.length);
      return result;
    });
    return Promise.resolve(results);
  };
}

export interface LiveExecutorOptions {
  /** Actions written at once. Default 4. */
  concurrency?: number;
  /**
   * Atlassian's directory is eventually consistent: seats still held at the first verification
   * read are read again this many times before they count as unverified. Default 2.
   */
  verifyRereads?: number;
  /** Wait before each re-read. Default 2,000 ms. */
  verifyDelayMs?: number;
  /** Injected so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * How a write answered. `not-found` (404: directory, group or user?) and `uncertain` (the answer
 * was lost after the request may have taken effect) mean nothing until the re-read settles them.
 */
type WriteStatus =
  | { op: Operation; status: 'ok' }
  | { op: Operation; status: 'not-found' | 'uncertain' | 'failed'; detail: string };

const needsReread = (w: WriteStatus | undefined): boolean =>
  w?.status === 'not-found' || w?.status === 'uncertain';

export function liveExecutor(writer: SeatWriter, options: LiveExecutorOptions = {}): Executor {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  return async (decisions, hooks) => {
    const writes: WriteStatus[][] = new Array<WriteStatus[]>(decisions.length);
    // Two actions of one account can list the same write (a group granting both products they
    // lose): it is sent once, and both actions share its answer.
    const sent = new Map<string, Promise<WriteStatus>>();
    const writeOnce = (op: Operation, accountId: string): Promise<WriteStatus> => {
      const key = `${accountId} ${operationKey(op)}`;
      let status = sent.get(key);
      if (!status) sent.set(key, (status = writeOne(writer, op, accountId)));
      return status.then((s) => ({ ...s, op }));
    };
    let done = 0;
    await forEachBounded(decisions, concurrency, async (decision, index) => {
      const statuses: WriteStatus[] = [];
      for (const op of decision.operations) {
        const status = await writeOnce(op, decision.action.accountId);
        statuses.push(status);
        if (status.status === 'ok') {
          hooks.onOperation?.(decision.action, {
            op,
            outcome: 'applied',
            detail: 'write accepted',
          });
        } else if (status.status === 'failed') {
          hooks.onOperation?.(decision.action, { op, outcome: 'failed', detail: status.detail });
        }
      }
      writes[index] = statuses;
      done += 1;
      hooks.onProgress?.(done, decisions.length);
    });

    // Actions with a failed write are failed or partial whatever a re-read says: not worth a wait.
    const recheck = new Set(
      decisions
        .filter((_d, i) => !(writes[i] ?? []).some((w) => w.status === 'failed'))
        .map((d) => d.action.accountId),
    );
    const held = await readSeats(writer, decisions, recheck, {
      rereads: Math.max(0, options.verifyRereads ?? 2),
      delayMs: options.verifyDelayMs ?? 2_000,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    });
    return decisions.map((decision, index) => {
      const result = settle(decision, writes[index] ?? [], held);
      for (const r of result.operations) {
        // 404s and lost answers were held back until the re-read could say what they mean.
        if (needsReread(writes[index]?.find((w) => w.op === r.op))) {
          hooks.onOperation?.(decision.action, r);
        }
      }
      hooks.onAction?.(result);
      return result;
    });
  };
}

async function writeOne(
  writer: SeatWriter,
  op: Operation,
  accountId: string,
): Promise<WriteStatus> {
  try {
    await writer.execute(op, accountId);
    return { op, status: 'ok' };
  } catch (error: unknown) {
    const { status, ambiguous } = (error ?? {}) as { status?: unknown; ambiguous?: unknown };
    const detail = messageOf(error);
    // A 404 on a repeat whose first attempt lost its answer most likely means that attempt
    // worked: this run removed it, so the re-read settles it as applied, not already-absent.
    if (status === 404 && ambiguous !== true) return { op, status: 'not-found', detail };
    return { op, status: ambiguous === true ? 'uncertain' : 'failed', detail };
  }
}

/** Per resource, the accounts that still hold a seat; `null` when the read failed. */
type SeatsHeld = Map<string, ReadonlySet<string> | { error: string }>;

async function readSeats(
  writer: SeatWriter,
  decisions: readonly ExecuteDecision[],
  recheck: ReadonlySet<string>,
  retry: { rereads: number; delayMs: number; sleep: (ms: number) => Promise<void> },
): Promise<SeatsHeld> {
  const accountsByResource = new Map<string, Set<string>>();
  for (const d of decisions) {
    for (const resourceId of resourcesOfAction(d.action)) {
      let accounts = accountsByResource.get(resourceId);
      if (!accounts) accountsByResource.set(resourceId, (accounts = new Set()));
      accounts.add(d.action.accountId);
    }
  }
  const held: SeatsHeld = new Map();
  const read = async (resourceId: string, accounts: readonly string[]) => {
    try {
      return await writer.seatsHeld(resourceId, accounts);
    } catch (error: unknown) {
      return { error: messageOf(error) };
    }
  };
  for (const [resourceId, accounts] of accountsByResource) {
    held.set(resourceId, await read(resourceId, [...accounts]));
  }
  // Only seats still held are read again, and only for actions whose writes all went through;
  // a failed first read is not retried (it is reported).
  for (let attempt = 0; attempt < retry.rereads; attempt++) {
    const pending: Array<[string, string[], ReadonlySet<string>]> = [];
    for (const [resourceId, seats] of held) {
      if ('error' in seats) continue;
      const again = [...seats].filter((a) => recheck.has(a));
      if (again.length > 0) pending.push([resourceId, again, seats]);
    }
    if (pending.length === 0) break;
    await retry.sleep(retry.delayMs);
    for (const [resourceId, accounts, seats] of pending) {
      const again = await read(resourceId, accounts);
      // A failed re-read leaves the last answer: still held, so not verified.
      if ('error' in again) continue;
      // Accounts not re-read keep what the first read said.
      const reread = new Set(accounts);
      held.set(resourceId, new Set([...seats].filter((a) => !reread.has(a) || again.has(a))));
    }
  }
  return held;
}

/** The verification of one action: gone, still held (naming where), or unknown (the read failed). */
function seatState(
  action: PlanAction,
  held: SeatsHeld,
): { state: 'gone' } | { state: 'held'; where: string[] } | { state: 'unknown'; detail: string } {
  const where: string[] = [];
  for (const resourceId of resourcesOfAction(action)) {
    const seats = held.get(resourceId);
    if (!seats) continue;
    if ('error' in seats)
      return { state: 'unknown', detail: `verification read failed: ${seats.error}` };
    if (seats.has(action.accountId)) where.push(resourceId);
  }
  return where.length > 0 ? { state: 'held', where } : { state: 'gone' };
}

function settle(
  decision: ExecuteDecision,
  writes: readonly WriteStatus[],
  held: SeatsHeld,
): ExecutedAction {
  const seat = seatState(decision.action, held);
  const operations = writes.map((w): OperationResult => {
    if (w.status === 'ok') return { op: w.op, outcome: 'applied', detail: 'write accepted' };
    if (w.status === 'failed') return { op: w.op, outcome: 'failed', detail: w.detail };
    if (w.status === 'uncertain') {
      return seat.state === 'gone'
        ? {
            op: w.op,
            outcome: 'applied',
            detail: `the answer was lost, and a re-read shows the seat gone (${w.detail})`,
          }
        : { op: w.op, outcome: 'failed', detail: w.detail };
    }
    return seat.state === 'gone'
      ? {
          op: w.op,
          outcome: 'already-absent',
          detail: `404, and a re-read confirms the seat is gone (${w.detail})`,
        }
      : {
          op: w.op,
          outcome: 'failed',
          detail: `404 not confirmed: ${seat.state === 'held' ? 'the seat is still held' : seat.detail} (${w.detail})`,
        };
  });
  const ok = operations.filter((o) => o.outcome === 'applied').length;
  const absent = operations.filter((o) => o.outcome === 'already-absent').length;
  const failed = operations.filter((o) => o.outcome === 'failed');
  const base = { action: decision.action, operations };

  if (failed.length > 0) {
    const why = failed.map((f) => f.detail).join('; ');
    return ok + absent > 0
      ? {
          ...base,
          outcome: 'partial',
          detail: `${failed.length} of ${operations.length} operation(s) failed: ${why}`,
        }
      : { ...base, outcome: 'failed', detail: why };
  }
  if (seat.state === 'gone') {
    return ok === 0
      ? {
          ...base,
          outcome: 'already-absent',
          detail: 'every removal answered 404 and the seat is gone',
        }
      : { ...base, outcome: 'applied', detail: 'verified: the seat is gone' };
  }
  return {
    ...base,
    outcome: 'unverified',
    detail:
      seat.state === 'held'
        ? `the writes were accepted but the seat is still held on ${seat.where.join(', ')}`
        : seat.detail,
  };
}

/**
 * Runs `work` over `items` with at most `limit` in flight. `work` handles an action's own
 * failures; if it throws anyway (the audit could not be written), no new item starts, because
 * writing without a record is worse than stopping.
 */
async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && next < items.length) {
      const index = next++;
      try {
        await work(items[index], index);
      } catch (error: unknown) {
        stopped = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
