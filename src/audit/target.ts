/**
 * The audit's `operation` and `target` columns: `operation` is the operation type, `target` the
 * rest of the operation as RFC 8785 canonical JSON (`{"directoryId":"…","groupId":"…",
 * "groupName":"…"}`). JSON rather than a compact path because the row must be enough on its own
 * for restore to rebuild exactly what an apply removed — group name included — without parsing
 * free text; and an auditor can read it. Rows about a licence rather than an operation
 * (protected, upcoming, needs-review) have an empty operation and the licence's resource id as
 * target.
 */
import { InputError } from '../errors.js';
import { canonicalJson } from '../plan/canonical.js';
import type { Operation } from '../plan/types.js';

export function operationTarget(operation: Operation): string {
  const { type: _type, ...rest } = operation;
  return canonicalJson(rest);
}

const FIELDS: Record<Operation['type'], readonly string[]> = {
  'remove-group-membership': ['directoryId', 'groupId', 'groupName'],
  'add-group-membership': ['directoryId', 'groupId', 'groupName'],
  'revoke-role': ['role', 'resourceId'],
  'assign-role': ['role', 'resourceId'],
  suspend: ['directoryId'],
  'restore-user': ['directoryId'],
};

const OPTIONAL: Partial<Record<Operation['type'], readonly string[]>> = {
  'remove-group-membership': ['blockedBy'],
};

/** The operation an audit row records; `InputError` (naming `where`) when it is not one. */
export function operationFromAudit(operation: string, target: string, where: string): Operation {
  const fields = FIELDS[operation as Operation['type']];
  if (fields === undefined) {
    throw new InputError(`${where}: unknown operation ${JSON.stringify(operation)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(target);
  } catch {
    throw new InputError(`${where}: the target of a ${operation} row is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(`${where}: the target of a ${operation} row is not a JSON object`);
  }
  const record = parsed as Record<string, unknown>;
  const allowed = new Set([...fields, ...(OPTIONAL[operation as Operation['type']] ?? [])]);
  for (const key of Object.keys(record)) {
    if (!allowed.has(key)) throw new InputError(`${where}: unexpected "${key}" in the target`);
  }
  for (const key of fields) {
    const value = record[key];
    if (typeof value !== 'string' || (value === '' && key !== 'groupName')) {
      throw new InputError(`${where}: the target has no ${key}`);
    }
  }
  return { type: operation, ...record } as Operation;
}
