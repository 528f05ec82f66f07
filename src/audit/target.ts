/**
 * The audit's `operation` and `target` columns. `operation` is the operation type; `target` names
 * what it acts on, short and machine-readable, in the form the apply rows already use:
 *
 * - group operations: `group:<directoryId>/<groupId>` (the group's name leads `detail`:
 *   `group "<name>": …`);
 * - role operations: `role:<role>@<resourceId>`;
 * - suspend / restore-user: `directory:<directoryId>`.
 *
 * Rows about a licence rather than an operation (protected, upcoming, needs-review) have an empty
 * operation and the licence's resource id as target. Restore reads `applied` rows back into
 * operations with `operationFromAudit`.
 */
import { InputError } from '../errors.js';
import type { Operation } from '../plan/types.js';

export function operationTarget(op: Operation): string {
  switch (op.type) {
    case 'remove-group-membership':
    case 'add-group-membership':
      return `group:${op.directoryId}/${op.groupId}`;
    case 'revoke-role':
    case 'assign-role':
      return `role:${op.role}@${op.resourceId}`;
    case 'suspend':
    case 'restore-user':
      return `directory:${op.directoryId}`;
  }
}

/** What a reader needs beyond the target: the group's name, as `detail` starts. */
export function operationLabel(op: Operation): string {
  return op.type === 'remove-group-membership' || op.type === 'add-group-membership'
    ? `group "${op.groupName}"`
    : '';
}

/** `group "<name>": <text>` when the operation has a label; the text alone otherwise. */
export function operationDetail(op: Operation | null, text: string): string {
  const label = op === null ? '' : operationLabel(op);
  return label === '' ? text : `${label}: ${text}`;
}

/** The group name a row's `detail` starts with (`group "<name>": …`), or null. */
export function groupNameFromDetail(detail: string): string | null {
  const match = /^group "(.*?)"(?::|$)/s.exec(detail);
  return match === null ? null : match[1];
}

/**
 * The operation an audit row records; `InputError` naming `where` when the row is not one.
 * Group operations take their name from the row's `detail` (empty when it does not say).
 */
export function operationFromAudit(
  operation: string,
  target: string,
  where: string,
  detail = '',
): Operation {
  const bad = (what: string): InputError =>
    new InputError(
      `${where}: ${what} (operation ${JSON.stringify(operation)}, target ${JSON.stringify(target)})`,
    );
  switch (operation) {
    case 'remove-group-membership':
    case 'add-group-membership': {
      const match = /^group:(.+)\/([^/]+)$/.exec(target);
      if (match === null) throw bad('the target is not group:<directoryId>/<groupId>');
      return {
        type: operation,
        directoryId: match[1],
        groupId: match[2],
        groupName: groupNameFromDetail(detail) ?? '',
      };
    }
    case 'revoke-role':
    case 'assign-role': {
      const match = /^role:([^@]+)@(.+)$/.exec(target);
      if (match === null) throw bad('the target is not role:<role>@<resourceId>');
      return { type: operation, role: match[1], resourceId: match[2] };
    }
    case 'suspend':
    case 'restore-user': {
      const match = /^directory:(.+)$/.exec(target);
      if (match === null) throw bad('the target is not directory:<directoryId>');
      return { type: operation, directoryId: match[1] };
    }
    default:
      throw bad('unknown operation');
  }
}
