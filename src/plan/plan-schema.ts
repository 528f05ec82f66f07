/**
 * The JSON Schema of a plan file (`plans/<planId>.json`). Strict: no unknown fields anywhere,
 * so a plan written by a newer version, or edited by hand, is rejected rather than half-read.
 * Built with `strictObject`, which keeps it in step with the types in `types.ts`.
 */
import {
  type JsonSchema,
  anyString,
  arrayOf,
  count,
  dateTime,
  nonEmptyString,
  nullableCount,
  nullableDateTime,
  nullableString,
  oneOfStrings,
  sha256,
  strictObject,
} from './json-schema.js';
import { stableJson } from './canonical.js';
import {
  PLAN_SCHEMA_VERSION,
  type ActivityUnknownEntry,
  type BlockReason,
  type Operation,
  type Plan,
  type PlanAction,
  type PlanWarning,
  type ProductSiteSummary,
  type ProtectedEntry,
  type UpcomingEntry,
} from './types.js';

export const PLAN_ID_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9a-f]{8}$';

export const ACTION_STATUSES = [
  'planned',
  'needs-idp-change',
  'needs-manual',
  'needs-review',
  'skipped-collateral',
] as const;

export const OPERATION_TYPES = [
  'remove-group-membership',
  'revoke-role',
  'suspend',
  'add-group-membership',
  'assign-role',
  'restore-user',
] as const satisfies readonly Operation['type'][];

type OperationOf<T extends Operation['type']> = Extract<Operation, { type: T }>;

const operationSchemas: { [T in Operation['type']]: JsonSchema } = {
  'remove-group-membership': strictObject<OperationOf<'remove-group-membership'>>(
    {
      type: { const: 'remove-group-membership' },
      directoryId: nonEmptyString,
      groupId: nonEmptyString,
      groupName: anyString,
      blockedBy: oneOfStrings(['idp-synced', 'not-modifiable']),
    },
    { blockedBy: true },
  ),
  'revoke-role': strictObject<OperationOf<'revoke-role'>>(
    { type: { const: 'revoke-role' }, role: nonEmptyString, resourceId: nonEmptyString },
    {},
  ),
  suspend: strictObject<OperationOf<'suspend'>>(
    { type: { const: 'suspend' }, directoryId: nonEmptyString },
    {},
  ),
  'add-group-membership': strictObject<OperationOf<'add-group-membership'>>(
    {
      type: { const: 'add-group-membership' },
      directoryId: nonEmptyString,
      groupId: nonEmptyString,
      groupName: anyString,
    },
    {},
  ),
  'assign-role': strictObject<OperationOf<'assign-role'>>(
    { type: { const: 'assign-role' }, role: nonEmptyString, resourceId: nonEmptyString },
    {},
  ),
  'restore-user': strictObject<OperationOf<'restore-user'>>(
    { type: { const: 'restore-user' }, directoryId: nonEmptyString },
    {},
  ),
};

/** Ajv's `discriminator` keyword gives one clear error for an unknown `type`. */
const operationSchema: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' } },
  discriminator: { propertyName: 'type' },
  oneOf: OPERATION_TYPES.map((type) => operationSchemas[type]),
};

const productSite = { product: nonEmptyString, site: nonEmptyString, resourceId: nonEmptyString };

const actionSchema = strictObject<PlanAction>(
  {
    id: { type: 'string', pattern: '^act-[0-9a-f]{16}$' },
    ruleIds: { type: 'array', items: nonEmptyString, minItems: 1 },
    kind: oneOfStrings(['remove-product-access', 'suspend', 'restore']),
    accountId: nonEmptyString,
    email: nullableString,
    name: nullableString,
    ...productSite,
    directoryId: nonEmptyString,
    lastActive: nullableDateTime,
    licensedSince: nullableDateTime,
    inactiveDays: nullableCount,
    reason: anyString,
    status: oneOfStrings(ACTION_STATUSES),
    operations: arrayOf(operationSchema),
    notes: arrayOf(anyString),
    groups: arrayOf(anyString),
    removes: arrayOf(
      strictObject<{ product: string; site: string; resourceId: string }>(productSite, {}),
    ),
  },
  { removes: true },
);

const protectedSchema = strictObject<ProtectedEntry>(
  {
    accountId: nonEmptyString,
    email: nullableString,
    name: nullableString,
    ...productSite,
    ruleIds: arrayOf(nonEmptyString),
    reason: anyString,
    exclusion: nonEmptyString,
  },
  {},
);

const activityUnknownSchema = strictObject<ActivityUnknownEntry>(
  {
    accountId: nonEmptyString,
    email: nullableString,
    name: nullableString,
    ...productSite,
    reason: anyString,
  },
  {},
);

const upcomingSchema = strictObject<UpcomingEntry>(
  {
    accountId: nonEmptyString,
    email: nullableString,
    name: nullableString,
    ...productSite,
    ruleId: nonEmptyString,
    eligibleAt: dateTime,
    lastActive: nullableDateTime,
  },
  {},
);

const warningSchema = strictObject<PlanWarning>({ code: nonEmptyString, message: anyString }, {});

const blockSchema = strictObject<BlockReason>(
  {
    code: nonEmptyString,
    message: anyString,
    product: nonEmptyString,
    site: nonEmptyString,
    limit: { type: 'number' },
    actual: { type: 'number' },
    overridable: { type: 'boolean' },
    unmatchedActivity: arrayOf(
      strictObject<{ id: string; key: string | null; users: number }>(
        { id: anyString, key: nullableString, users: count },
        {},
      ),
    ),
  },
  { product: true, site: true, unmatchedActivity: true },
);

const nullableNumber: JsonSchema = { type: ['number', 'null'] };

const summarySchema = strictObject<ProductSiteSummary>(
  {
    ...productSite,
    licensed: count,
    toRemove: count,
    after: count,
    monthlySavings: nullableNumber,
    yearlySavings: nullableNumber,
    capacity: nullableCount,
    activityCoverage: { type: 'number', minimum: 0, maximum: 100 },
    shortOfTarget: count,
  },
  { shortOfTarget: true },
);

export const planJsonSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'atlassian-license-policy plan file',
  description:
    'A reviewed plan: what the policy would change, and exactly what apply may do. `digest` is the SHA-256 of the RFC 8785 canonical JSON of the plan without `digest`.',
  ...strictObject<Plan>(
    {
      schemaVersion: { const: PLAN_SCHEMA_VERSION },
      planId: { type: 'string', pattern: PLAN_ID_PATTERN },
      kind: oneOfStrings(['removal', 'restore']),
      createdAt: dateTime,
      expiresAt: dateTime,
      org: strictObject<Plan['org']>({ id: nonEmptyString }, {}),
      policy: strictObject<Plan['policy']>(
        { commit: nullableString, digest: anyString, files: arrayOf(anyString) },
        {},
      ),
      snapshot: strictObject<Plan['snapshot']>(
        {
          fetchedAt: dateTime,
          counts: strictObject<Plan['snapshot']['counts']>(
            { resources: count, groups: count, users: count, licensedSeats: count },
            {},
          ),
        },
        {},
      ),
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      summary: arrayOf(summarySchema),
      actions: arrayOf(actionSchema),
      protected: arrayOf(protectedSchema),
      activityUnknown: arrayOf(activityUnknownSchema),
      upcoming: arrayOf(upcomingSchema),
      warnings: arrayOf(warningSchema),
      blocked: arrayOf(blockSchema),
      restoreOf: strictObject<NonNullable<Plan['restoreOf']>>(
        {
          planId: { type: 'string', pattern: PLAN_ID_PATTERN },
          planDigest: sha256,
          auditFile: anyString,
        },
        {},
      ),
      digest: sha256,
    },
    { restoreOf: true },
  ),
};

/** The published `schema/plan.schema.json` text (for `scripts/generate.ts`): stable JSON. */
export function planSchemaJson(): string {
  return stableJson(planJsonSchema);
}
