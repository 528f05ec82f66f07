/**
 * Identity of plan operations. Two operations are "the same" when they would
 * send the same write: a group's display name is informational (a rename changes nothing), the
 * directory, group, role and resource ids are not.
 */
import type { Operation } from '../plan/types.js';

export function operationKey(op: Operation): string {
  switch (op.type) {
    case 'remove-group-membership':
    case 'add-group-membership':
      return `${op.type} ${op.directoryId} ${op.groupId}`;
    case 'revoke-role':
    case 'assign-role':
      return `${op.type} ${op.role} ${op.resourceId}`;
    case 'suspend':
    case 'restore-user':
      return `${op.type} ${op.directoryId}`;
  }
}
