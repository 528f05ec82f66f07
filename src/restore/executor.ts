/**
 * Runs a restore plan's operations and settles each action (SPEC §9) with the apply executor's
 * machinery (`liveSeatExecutor`); what differs is the strategy: an action is `restored` only when
 * a re-read shows the seat held again, and a 409 is not a crash.
 *
 * Atlassian answers 409 both when the user is already in the group and when a product the group
 * grants is at its licence limit; the error code tells them apart when it is there (`…-409-3` is
 * the licence limit), else a read of the user's groups does. "Already a member" gives back
 * nothing and is fine; "licence limit reached" fails the action with what to do.
 *
 * Dry run is a property of the executor: `dryRunRestoreExecutor` has no writer at all.
 */
import {
  dryRunExecutor,
  liveSeatExecutor,
  type ExecutedAction,
  type Executor,
  type ExecutorHooks,
  type LiveExecutorOptions,
  type OperationOutcome,
  type ActionOutcome,
  type OperationResult,
  type SeatDecision,
  type SeatStrategy,
  type SeatWriter,
  type WriteAnswer,
} from '../apply/executor.js';
import { AtlassianApiError } from '../atlassian/errors.js';
import { messageOf } from '../errors.js';
import type { Operation } from '../plan/types.js';

/** What the restore executor needs from Atlassian. */
export interface RestoreWriter extends SeatWriter {
  /** Sends one write; throws (an `AtlassianApiError` for Atlassian's answers) on failure. */
  execute(op: Operation, accountId: string): Promise<void>;
  /** Whether the account is in the group now: settles a 409 without an error code. */
  isMember(directoryId: string, groupId: string, accountId: string): Promise<boolean>;
}

/** The reviewed operations the fresh re-check still allows, in the reviewed order. */
export type RestoreDecision = SeatDecision;

/** A restore calls a write that gave access back and one that found it back already `restored`. */
export interface RestoreOutcomes {
  done: 'restored';
  unchanged: 'restored';
}

export type RestoreOperationOutcome = OperationOutcome<RestoreOutcomes>;
export type RestoreActionOutcome = ActionOutcome<RestoreOutcomes>;
export type RestoreOperationResult = OperationResult<RestoreOutcomes>;
export type RestoredAction = ExecutedAction<RestoreOutcomes>;
export type RestoreHooks = ExecutorHooks<RestoreOutcomes>;
export type RestoreExecutor = Executor<RestoreOutcomes>;
export type LiveRestoreExecutorOptions = LiveExecutorOptions;

export function dryRunRestoreExecutor(): RestoreExecutor {
  return dryRunExecutor<RestoreOutcomes>();
}

export function liveRestoreExecutor(
  writer: RestoreWriter,
  options: LiveRestoreExecutorOptions = {},
): RestoreExecutor {
  return liveSeatExecutor(writer, restoreStrategy(writer), options);
}

/** A restore: done when the seat is held again; a 409 is settled here, a lost answer by the re-read. */
function restoreStrategy(writer: RestoreWriter): SeatStrategy<RestoreOutcomes> {
  return {
    outcomes: { done: 'restored', unchanged: 'restored' },
    seatWhenDone: 'held',
    seatWhenNotDone: 'no seat is held',
    verified: {
      changed: 'verified: the seat is held again',
      unchanged: 'verified: the seat was already held; nothing changed',
    },
    answerOf(error, op, accountId) {
      const message = messageOf(error);
      if (!(error instanceof AtlassianApiError)) return { status: 'failed', detail: message };
      if (error.status === 409) return settleConflict(writer, op, accountId, error);
      if (error.ambiguous) return { status: 'uncertain', detail: message };
      return { status: 'failed', detail: message };
    },
  };
}

const LICENCE_LIMIT_CODE = /409-3$/;

function groupLabel(op: Extract<Operation, { type: 'add-group-membership' }>): string {
  return op.groupName || op.groupId;
}

async function settleConflict(
  writer: RestoreWriter,
  op: Operation,
  accountId: string,
  error: AtlassianApiError,
): Promise<WriteAnswer> {
  const code = error.code ? ` ${error.code}` : '';
  const limit = (what: string): WriteAnswer => ({
    status: 'failed',
    detail:
      `licence limit reached: ${what} has no free seat (409${code}); ` +
      'free a seat or raise the licence tier, then apply this restore plan again',
  });
  if (op.type === 'assign-role') return limit(op.resourceId);
  if (op.type !== 'add-group-membership') {
    return {
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
      status: 'failed',
      detail: `conflict (409${code}), and reading the user's groups to tell "already a member" from "licence limit reached" failed: ${messageOf(readError)}`,
    };
  }
  if (member) {
    return {
      status: 'already',
      detail: `already a member of ${groupLabel(op)} (409${code}): nothing to give back`,
    };
  }
  return limit(
    `a product that group ${groupLabel(op)} grants (the user is not a member, so the 409 is not "already a member")`,
  );
}
