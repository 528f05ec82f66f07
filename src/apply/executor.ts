/**
 * Runs the operations apply decided on, and settles each action's outcome (SPEC §5, and §9 for a
 * restore, through the same machinery with its own `SeatStrategy`).
 *
 * Dry run is a property of the executor: `dryRunExecutor` has no writer at all, so it cannot
 * write whatever the caller does. The live executor writes with bounded concurrency (actions in
 * parallel, the operations of one action in order), keeps going when an action fails, then
 * re-reads the seats: a removal is `applied` only when the seat is gone, a restore `restored`
 * only when it is held again.
 *
 * A 404 on a removal is ambiguous (directory, group or user): it counts as already done only
 * when the re-read confirms the seat is gone. So does a write whose answer was lost.
 */
import type { Operation, PlanAction } from '../plan/types.js';
import { messageOf } from '../errors.js';
import { resourcesOfAction } from './intersect.js';
import { operationKey } from './operations.js';

/** What the executor needs from Atlassian. */
export interface SeatWriter {
  /** Sends one write; throws on failure. */
  execute(op: Operation, accountId: string): Promise<void>;
  /** Reads which of these accounts still hold a licensed seat on the resource. */
  seatsHeld(resourceId: string, accountIds: readonly string[]): Promise<ReadonlySet<string>>;
}

/** An action to run: the operations that may still run, in the reviewed order. */
export interface SeatDecision {
  action: PlanAction;
  operations: readonly Operation[];
}

/**
 * What a strategy calls a write that did its job (and an action verified done by its writes),
 * and one that found the change in place already.
 */
export interface OutcomeNames {
  done: string;
  unchanged: string;
}

/** A removal is `applied`, or `already-absent` when the seat was gone already. */
export interface RemovalOutcomes {
  done: 'applied';
  unchanged: 'already-absent';
}

export type OperationOutcome<N extends OutcomeNames = RemovalOutcomes> =
  N['done'] | N['unchanged'] | 'failed' | 'dry-run';
export type ActionOutcome<N extends OutcomeNames = RemovalOutcomes> =
  OperationOutcome<N> | 'partial' | 'unverified';

export interface OperationResult<N extends OutcomeNames = RemovalOutcomes> {
  op: Operation;
  outcome: OperationOutcome<N>;
  detail: string;
}

export interface ExecutedAction<N extends OutcomeNames = RemovalOutcomes> {
  action: PlanAction;
  outcome: ActionOutcome<N>;
  detail: string;
  operations: OperationResult<N>[];
}

export interface ExecutorHooks<N extends OutcomeNames = RemovalOutcomes> {
  /** A write returned (success or failure), as it happens; a 404 or lost answer is reported once the re-read settles it. */
  onOperation?: (action: PlanAction, result: OperationResult<N>) => void;
  /** An action's final outcome, as soon as it is known. */
  onAction?: (result: ExecutedAction<N>) => void;
  /** Actions whose writes are done, of all to run. */
  onProgress?: (done: number, total: number) => void;
}

export type Executor<N extends OutcomeNames = RemovalOutcomes> = (
  decisions: readonly SeatDecision[],
  hooks: ExecutorHooks<N>,
) => Promise<ExecutedAction<N>[]>;

/**
 * What a failed write means. `already`: the change was in place (a restore's "already a
 * member"). `not-found` (a removal's 404: directory, group or user?) and `uncertain` (the answer
 * was lost after the request may have taken effect) mean nothing until the re-read settles them.
 */
export interface WriteAnswer {
  status: 'already' | 'not-found' | 'uncertain' | 'failed';
  detail: string;
}

/** Where removal and restore differ: what "done" means, the outcomes' names, and error answers. */
export interface SeatStrategy<N extends OutcomeNames> {
  outcomes: N;
  /** The seat when an action is done: gone (removal) or held (restore). */
  seatWhenDone: 'gone' | 'held';
  /** The seat when it is not, as a detail says it. */
  seatWhenNotDone: string;
  /** Details of an action verified done: after writes, or with nothing written. */
  verified: { changed: string; unchanged: string };
  /** What a write's error means (the restore reads a user's groups to tell 409s apart). */
  answerOf(error: unknown, op: Operation, accountId: string): WriteAnswer | Promise<WriteAnswer>;
}

/** A removal: done when the seat is gone. A 404 is settled by the re-read. */
export const REMOVAL: SeatStrategy<RemovalOutcomes> = {
  outcomes: { done: 'applied', unchanged: 'already-absent' },
  seatWhenDone: 'gone',
  seatWhenNotDone: 'the seat is still held',
  verified: {
    changed: 'verified: the seat is gone',
    unchanged: 'every removal answered 404 and the seat is gone',
  },
  answerOf(error) {
    const { status, ambiguous } = (error ?? {}) as { status?: unknown; ambiguous?: unknown };
    const detail = messageOf(error);
    // A 404 on a repeat whose first attempt lost its answer most likely means that attempt
    // worked: this run removed it, so the re-read settles it as applied, not already-absent.
    if (status === 404 && ambiguous !== true) return { status: 'not-found', detail };
    return { status: ambiguous === true ? 'uncertain' : 'failed', detail };
  },
};

/** Writes nothing: every operation that would run is reported as `dry-run`. */
export function dryRunExecutor<N extends OutcomeNames = RemovalOutcomes>(): Executor<N> {
  return (decisions, hooks) => {
    const results = decisions.map((d, i): ExecutedAction<N> => {
      const operations = d.operations.map((op): OperationResult<N> => ({
        op,
        outcome: 'dry-run',
        detail: 'dry run: not written',
      }));
      for (const r of operations) hooks.onOperation?.(d.action, r);
      const result: ExecutedAction<N> = {
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
   * Atlassian's directory is eventually consistent: seats not yet as they should be at the first
   * verification read are read again this many times before they count as unverified. Default 2.
   */
  verifyRereads?: number;
  /** Wait before each re-read. Default 2,000 ms. */
  verifyDelayMs?: number;
  /** Injected so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/** How a write answered: `ok`, or what its error means. */
type WriteStatus = { op: Operation } & (WriteAnswer | { status: 'ok'; detail: string });

const needsReread = (w: WriteStatus | undefined): boolean =>
  w?.status === 'not-found' || w?.status === 'uncertain';

/** The removal executor (SPEC §5). */
export function liveExecutor(writer: SeatWriter, options: LiveExecutorOptions = {}): Executor {
  return liveSeatExecutor(writer, REMOVAL, options);
}

/** The live executor, for removal (`REMOVAL`) or restore (its strategy). */
export function liveSeatExecutor<N extends OutcomeNames>(
  writer: SeatWriter,
  strategy: SeatStrategy<N>,
  options: LiveExecutorOptions = {},
): Executor<N> {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const { done: doneName, unchanged } = strategy.outcomes;
  return async (decisions, hooks) => {
    const writes: WriteStatus[][] = new Array<WriteStatus[]>(decisions.length);
    // Two actions of one account can list the same write (a group granting both products they
    // lose, or give back): it is sent once, and both actions share its answer.
    const sent = new Map<string, Promise<WriteStatus>>();
    const writeOnce = (op: Operation, accountId: string): Promise<WriteStatus> => {
      const key = `${accountId} ${operationKey(op)}`;
      let status = sent.get(key);
      if (!status) sent.set(key, (status = writeOne(writer, strategy, op, accountId)));
      return status.then((s) => ({ ...s, op }));
    };
    let done = 0;
    await forEachBounded(decisions, concurrency, async (decision, index) => {
      const statuses: WriteStatus[] = [];
      for (const op of decision.operations) {
        const status = await writeOnce(op, decision.action.accountId);
        statuses.push(status);
        // 404s and lost answers are held back until the re-read can say what they mean.
        if (needsReread(status)) continue;
        const outcome =
          status.status === 'ok' ? doneName : status.status === 'already' ? unchanged : 'failed';
        hooks.onOperation?.(decision.action, { op, outcome, detail: status.detail });
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
    const held = await readSeats(writer, decisions, recheck, strategy.seatWhenDone === 'held', {
      rereads: Math.max(0, options.verifyRereads ?? 2),
      delayMs: options.verifyDelayMs ?? 2_000,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    });
    return decisions.map((decision, index) => {
      const result = settle(strategy, decision, writes[index] ?? [], held);
      for (const r of result.operations) {
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
  strategy: SeatStrategy<OutcomeNames>,
  op: Operation,
  accountId: string,
): Promise<WriteStatus> {
  try {
    await writer.execute(op, accountId);
    return { op, status: 'ok', detail: 'write accepted' };
  } catch (error: unknown) {
    return { op, ...(await strategy.answerOf(error, op, accountId)) };
  }
}

/** Per resource, the accounts that hold a seat now, or the read's error. */
type SeatsHeld = Map<string, Set<string> | { error: string }>;

async function readSeats(
  writer: SeatWriter,
  decisions: readonly SeatDecision[],
  recheck: ReadonlySet<string>,
  heldWhenDone: boolean,
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
      return new Set(await writer.seatsHeld(resourceId, accounts));
    } catch (error: unknown) {
      return { error: messageOf(error) };
    }
  };
  for (const [resourceId, accounts] of accountsByResource) {
    held.set(resourceId, await read(resourceId, [...accounts]));
  }
  // Only seats not yet as they should be are read again, and only for actions whose writes all
  // went through; a failed first read is not retried (it is reported).
  for (let attempt = 0; attempt < retry.rereads; attempt++) {
    const pending: Array<[string[], Set<string>, string]> = [];
    for (const [resourceId, accounts] of accountsByResource) {
      const seats = held.get(resourceId);
      if (!seats || 'error' in seats) continue;
      const again = [...accounts].filter((a) => recheck.has(a) && seats.has(a) !== heldWhenDone);
      if (again.length > 0) pending.push([again, seats, resourceId]);
    }
    if (pending.length === 0) break;
    await retry.sleep(retry.delayMs);
    for (const [accounts, seats, resourceId] of pending) {
      const again = await read(resourceId, accounts);
      // A failed re-read leaves the last answer: not verified.
      if ('error' in again) continue;
      // Accounts not re-read keep what the first read said.
      for (const a of accounts) {
        if (again.has(a)) seats.add(a);
        else seats.delete(a);
      }
    }
  }
  return held;
}

/** The verification of one action: done, not done (naming where), or unknown (the read failed). */
function seatState(
  action: PlanAction,
  held: SeatsHeld,
  heldWhenDone: boolean,
):
  | { state: 'done' }
  | { state: 'not-done'; where: string[] }
  | { state: 'unknown'; detail: string } {
  const where: string[] = [];
  for (const resourceId of resourcesOfAction(action)) {
    const seats = held.get(resourceId);
    if (!seats) continue;
    if ('error' in seats)
      return { state: 'unknown', detail: `verification read failed: ${seats.error}` };
    if (seats.has(action.accountId) !== heldWhenDone) where.push(resourceId);
  }
  return where.length > 0 ? { state: 'not-done', where } : { state: 'done' };
}

function settle<N extends OutcomeNames>(
  strategy: SeatStrategy<N>,
  decision: SeatDecision,
  writes: readonly WriteStatus[],
  held: SeatsHeld,
): ExecutedAction<N> {
  const { done, unchanged } = strategy.outcomes;
  const seat = seatState(decision.action, held, strategy.seatWhenDone === 'held');
  const operations = writes.map((w): OperationResult<N> => {
    switch (w.status) {
      case 'ok':
        return { op: w.op, outcome: done, detail: w.detail };
      case 'already':
        return { op: w.op, outcome: unchanged, detail: w.detail };
      case 'failed':
        return { op: w.op, outcome: 'failed', detail: w.detail };
      case 'uncertain':
        return seat.state === 'done'
          ? {
              op: w.op,
              outcome: done,
              detail: `the answer was lost, and a re-read shows the seat ${strategy.seatWhenDone} (${w.detail})`,
            }
          : { op: w.op, outcome: 'failed', detail: w.detail };
      case 'not-found':
        return seat.state === 'done'
          ? {
              op: w.op,
              outcome: unchanged,
              detail: `404, and a re-read confirms the seat is ${strategy.seatWhenDone} (${w.detail})`,
            }
          : {
              op: w.op,
              outcome: 'failed',
              detail: `404 not confirmed: ${seat.state === 'not-done' ? strategy.seatWhenNotDone : seat.detail} (${w.detail})`,
            };
    }
  });
  const failed = operations.filter((o) => o.outcome === 'failed');
  const base = { action: decision.action, operations };

  if (failed.length > 0) {
    const why = failed.map((f) => f.detail).join('; ');
    return failed.length < operations.length
      ? {
          ...base,
          outcome: 'partial',
          detail: `${failed.length} of ${operations.length} operation(s) failed: ${why}`,
        }
      : { ...base, outcome: 'failed', detail: why };
  }
  if (seat.state === 'done') {
    // Written by this run (a lost answer that the re-read confirms counts), or found so already.
    const changed = writes.some((w) => w.status === 'ok' || w.status === 'uncertain');
    return changed
      ? { ...base, outcome: done, detail: strategy.verified.changed }
      : { ...base, outcome: unchanged, detail: strategy.verified.unchanged };
  }
  return {
    ...base,
    outcome: 'unverified',
    detail:
      seat.state === 'not-done'
        ? `the writes were accepted but ${strategy.seatWhenNotDone} on ${seat.where.join(', ')}`
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
