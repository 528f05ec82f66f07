/**
 * Runs a restore plan's operations and settles each action (SPEC §9), the mirror image of the
 * apply executor: an action is `restored` only when a re-read shows the seat held again.
 *
 * A 409 is not a crash. Atlassian answers 409 both when the user is already in the group and when
 * a product the group grants is at its licence limit; the error code tells them apart when it is
 * there (`…-409-3` is the licence limit), else a read of the user's groups does. "Already a
 * member" gives back nothing and is fine; "licence limit reached" fails the action with what to do.
 *
 * Dry run is a property of the executor: `dryRunRestoreExecutor` has no writer at all.
 */
import { AtlassianApiError } from '../atlassian/errors.js';
import { resourcesOfAction } from '../apply/intersect.js';
import { messageOf } from '../errors.js';
import type { Operation, PlanAction } from '../plan/types.js';

/** What the restore executor needs from Atlassian. */
export interface RestoreWriter {
  /** Sends one write; throws (an `AtlassianApiError` for Atlassian's answers) on failure. */
  execute(op: Operation, accountId: string): Promise<void>;
  /** Whether the account is in the group now: settles a 409 without an error code. */
  isMember(directoryId: string, groupId: string, accountId: string): Promise<boolean>;
  /** Which of these accounts hold a licensed seat on the resource now. */
  seatsHeld(resourceId: string, accountIds: readonly string[]): Promise<ReadonlySet<string>>;
}

export interface RestoreDecision {
  action: PlanAction;
  /** The reviewed operations the fresh re-check still allows, in the reviewed order. */
  operations: Operation[];
}

export type RestoreOperationOutcome = 'restored' | 'failed' | 'dry-run';
export type RestoreActionOutcome = 'restored' | 'partial' | 'unverified' | 'failed' | 'dry-run';

export interface RestoreOperationResult {
  op: Operation;
  outcome: RestoreOperationOutcome;
  detail: string;
}

export interface RestoredAction {
  action: PlanAction;
  outcome: RestoreActionOutcome;
  detail: string;
  operations: RestoreOperationResult[];
}

export interface RestoreHooks {
  onOperation?: (action: PlanAction, result: RestoreOperationResult) => void;
  onAction?: (result: RestoredAction) => void;
  onProgress?: (done: number, total: number) => void;
}

export type RestoreExecutor = (
  decisions: readonly RestoreDecision[],
  hooks: RestoreHooks,
) => Promise<RestoredAction[]>;

export function dryRunRestoreExecutor(): RestoreExecutor {
  return (decisions, hooks) =>
    Promise.resolve(
      decisions.map((d, i): RestoredAction => {
        const operations = d.operations.map((op): RestoreOperationResult => ({
          op,
          outcome: 'dry-run',
          detail: 'dry run: not written',
        }));
        for (const r of operations) hooks.onOperation?.(d.action, r);
        const result: RestoredAction = {
          action: d.action,
          outcome: 'dry-run',
          detail: `dry run: ${operations.length} operation(s) would run`,
          operations,
        };
        hooks.onAction?.(result);
        hooks.onProgress?.(i + 1, decisions.length);
        return result;
      }),
    );
}

export interface LiveRestoreExecutorOptions {
  /** Actions written at once. Default 4. */
  concurrency?: number;
  /** Re-reads of seats not yet held (Atlassian is eventually consistent). Default 2. */
  verifyRereads?: number;
  /** Wait before each re-read. Default 2,000 ms. */
  verifyDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * How a write answered. `already`: a 409 that a read shows to be "already a member".
 * `uncertain`: the answer was lost after the request may have taken effect; the seat read settles it.
 */
type WriteStatus = {
  op: Operation;
  status: 'ok' | 'already' | 'failed' | 'uncertain';
  detail: string;
};

const LICENCE_LIMIT_CODE = /409-3$/;

function groupLabel(op: Extract<Operation, { type: 'add-group-membership' }>): string {
  return op.groupName || op.groupId;
}

async function writeOne(
  writer: RestoreWriter,
  op: Operation,
  accountId: string,
): Promise<WriteStatus> {
  try {
    await writer.execute(op, accountId);
    return { op, status: 'ok', detail: 'write accepted' };
  } catch (error: unknown) {
    const message = messageOf(error);
    if (!(error instanceof AtlassianApiError)) return { op, status: 'failed', detail: message };
    if (error.status === 409) return settleConflict(writer, op, accountId, error);
    if (error.ambiguous) return { op, status: 'uncertain', detail: message };
    return { op, status: 'failed', detail: message };
  }
}

async function settleConflict(
  writer: RestoreWriter,
  op: Operation,
  accountId: string,
  error: AtlassianApiError,
): Promise<WriteStatus> {
  const code = error.code ? ` ${error.code}` : '';
  const limit = (what: string): WriteStatus => ({
    op,
    status: 'failed',
    detail:
      `licence limit reached: ${what} has no free seat (409${code}); ` +
      'free a seat or raise the licence tier, then apply this restore plan again',
  });
  if (op.type === 'assign-role') return limit(op.resourceId);
  if (op.type !== 'add-group-membership') {
    return {
      op,
      status: 'failed',
      detail: `conflict (409${code}): ${error.detail ?? error.message}`,
    };
  }
  if (error.code !== null && LICENCE_LIMIT_CODE.test(error.code)) {
    return limit(`a product that group ${groupLabel(op)} grants`);
  }
  let member: boolean;
  try {
    member = await writer.isMember(op.directoryId, op.groupId, accountId);
  } catch (readError: unknown) {
    return {
      op,
      status: 'failed',
      detail: `conflict (409${code}), and reading the user's groups to tell "already a member" from "licence limit reached" failed: ${messageOf(readError)}`,
    };
  }
  if (member) {
    return {
      op,
      status: 'already',
      detail: `already a member of ${groupLabel(op)} (409${code}): nothing to give back`,
    };
  }
  return limit(
    `a product that group ${groupLabel(op)} grants (the user is not a member, so the 409 is not "already a member")`,
  );
}

export function liveRestoreExecutor(
  writer: RestoreWriter,
  options: LiveRestoreExecutorOptions = {},
): RestoreExecutor {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const rereads = Math.max(0, options.verifyRereads ?? 2);
  const delayMs = options.verifyDelayMs ?? 2_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return async (decisions, hooks) => {
    const writes: WriteStatus[][] = new Array<WriteStatus[]>(decisions.length);
    let done = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < decisions.length) {
        const index = next++;
        const decision = decisions[index];
        const statuses: WriteStatus[] = [];
        for (const op of decision.operations) {
          const status = await writeOne(writer, op, decision.action.accountId);
          statuses.push(status);
          if (status.status !== 'uncertain') {
            hooks.onOperation?.(decision.action, {
              op,
              outcome: status.status === 'failed' ? 'failed' : 'restored',
              detail: status.detail,
            });
          }
        }
        writes[index] = statuses;
        done += 1;
        hooks.onProgress?.(done, decisions.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, decisions.length) }, worker));

    const held = await readHeld(writer, decisions, writes, { rereads, delayMs, sleep });
    return decisions.map((decision, index) => {
      const result = settle(decision, writes[index] ?? [], held);
      for (const r of result.operations) {
        const write = writes[index]?.find((w) => w.op === r.op);
        if (write?.status === 'uncertain') hooks.onOperation?.(decision.action, r);
      }
      hooks.onAction?.(result);
      return result;
    });
  };
}

/** Per resource, the accounts holding a seat now, or the read's error. */
type Held = Map<string, Set<string> | { error: string }>;

async function readHeld(
  writer: RestoreWriter,
  decisions: readonly RestoreDecision[],
  writes: readonly WriteStatus[][],
  retry: { rereads: number; delayMs: number; sleep: (ms: number) => Promise<void> },
): Promise<Held> {
  const wanted = new Map<string, Set<string>>();
  decisions.forEach((d) => {
    for (const resourceId of resourcesOfAction(d.action)) {
      let accounts = wanted.get(resourceId);
      if (!accounts) wanted.set(resourceId, (accounts = new Set()));
      accounts.add(d.action.accountId);
    }
  });
  const read = async (resourceId: string, accounts: readonly string[]) => {
    try {
      return new Set(await writer.seatsHeld(resourceId, accounts));
    } catch (error: unknown) {
      return { error: messageOf(error) };
    }
  };
  const held: Held = new Map();
  for (const [resourceId, accounts] of wanted)
    held.set(resourceId, await read(resourceId, [...accounts]));

  // Accounts whose writes all went through but whose seat is not back yet are read again.
  const recheck = new Set(
    decisions
      .filter((_d, i) => !(writes[i] ?? []).some((w) => w.status === 'failed'))
      .map((d) => d.action.accountId),
  );
  for (let attempt = 0; attempt < retry.rereads; attempt++) {
    const pending: Array<[string, string[], Set<string>]> = [];
    for (const [resourceId, accounts] of wanted) {
      const seats = held.get(resourceId);
      if (!seats || 'error' in seats) continue;
      const missing = [...accounts].filter((a) => recheck.has(a) && !seats.has(a));
      if (missing.length > 0) pending.push([resourceId, missing, seats]);
    }
    if (pending.length === 0) break;
    await retry.sleep(retry.delayMs);
    for (const [resourceId, accounts, seats] of pending) {
      const again = await read(resourceId, accounts);
      if ('error' in again) continue;
      for (const a of again) seats.add(a);
    }
  }
  return held;
}

function seatState(
  action: PlanAction,
  held: Held,
):
  { state: 'held' } | { state: 'missing'; where: string[] } | { state: 'unknown'; detail: string } {
  const where: string[] = [];
  for (const resourceId of resourcesOfAction(action)) {
    const seats = held.get(resourceId);
    if (!seats) continue;
    if ('error' in seats)
      return { state: 'unknown', detail: `verification read failed: ${seats.error}` };
    if (!seats.has(action.accountId)) where.push(resourceId);
  }
  return where.length === 0 ? { state: 'held' } : { state: 'missing', where };
}

function settle(
  decision: RestoreDecision,
  writes: readonly WriteStatus[],
  held: Held,
): RestoredAction {
  const seat = seatState(decision.action, held);
  const operations = writes.map((w): RestoreOperationResult => {
    switch (w.status) {
      case 'ok':
      case 'already':
        return { op: w.op, outcome: 'restored', detail: w.detail };
      case 'failed':
        return { op: w.op, outcome: 'failed', detail: w.detail };
      case 'uncertain':
        return seat.state === 'held'
          ? {
              op: w.op,
              outcome: 'restored',
              detail: `the answer was lost, and a re-read shows the seat held (${w.detail})`,
            }
          : { op: w.op, outcome: 'failed', detail: w.detail };
    }
  });
  const base = { action: decision.action, operations };
  const failed = operations.filter((o) => o.outcome === 'failed');
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
  if (seat.state === 'held') {
    const changed = writes.some((w) => w.status !== 'already');
    return {
      ...base,
      outcome: 'restored',
      detail: changed
        ? 'verified: the seat is held again'
        : 'verified: the seat was already held; nothing changed',
    };
  }
  return {
    ...base,
    outcome: 'unverified',
    detail:
      seat.state === 'missing'
        ? `the writes were accepted but no seat is held on ${seat.where.join(', ')}`
        : seat.detail,
  };
}
