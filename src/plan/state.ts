/**
 * The state kept between runs (SPEC §4): when each licence was first seen, and the last applied
 * plan. Small, strict, and written byte-stably so that the state branch diffs stay readable.
 */
import type { ValidateFunction } from 'ajv';
import { InputError } from '../errors.js';
import { stableJson } from './canonical.js';
import { type JsonSchema, dateTime, nullableString, strictObject } from './json-schema.js';
import { PLAN_ID_PATTERN } from './plan-schema.js';
import { LicensedSince, type LicenceStart } from './licensed-since.js';
import { STATE_SCHEMA_VERSION, type State } from './types.js';
import { assertValid, compileSchema, parseJsonText } from './validate.js';

/** The state as its file holds it. */
interface StateFile extends Omit<State, 'licensedSince'> {
  licensedSince: Record<string, LicenceStart>;
}

export const stateJsonSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'atlassian-license-policy state file',
  ...strictObject<StateFile>(
    {
      schemaVersion: { const: STATE_SCHEMA_VERSION },
      orgId: nullableString,
      licensedSince: {
        type: 'object',
        // `${accountId} ${resourceId}` (licenceKey); neither part contains a space.
        propertyNames: { pattern: '^[^ ]+ [^ ]+$' },
        additionalProperties: strictObject<LicenceStart>(
          { since: dateTime, estimated: { const: true } },
          { estimated: true },
        ),
      },
      lastApplied: {
        oneOf: [
          { type: 'null' },
          strictObject<NonNullable<State['lastApplied']>>(
            { planId: { type: 'string', pattern: PLAN_ID_PATTERN }, createdAt: dateTime },
            {},
          ),
        ],
      },
    },
    {},
  ),
};

export function emptyState(): State {
  return { schemaVersion: 1, orgId: null, licensedSince: new LicensedSince(), lastApplied: null };
}

let validateState: ValidateFunction | undefined;

/** Strict: a state file this version does not understand is an `InputError`, never ignored. */
export function parseState(text: string, source: string): State {
  const value = parseJsonText(text, source, 'state file');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${source}: a state file must hold a JSON object`);
  }
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version !== STATE_SCHEMA_VERSION) {
    throw new InputError(
      version === undefined
        ? `${source}: not a state file: missing "schemaVersion"`
        : `${source}: state schemaVersion ${JSON.stringify(version)} is not supported (this version reads ${STATE_SCHEMA_VERSION})`,
    );
  }
  validateState ??= compileSchema(stateJsonSchema);
  assertValid(validateState, value, source, 'state file');
  const file = value as StateFile;
  return { ...file, licensedSince: LicensedSince.fromRecord(file.licensedSince) };
}

/** Sorted keys, 2-space indent, LF, final newline: the same state gives the same bytes. */
export function serializeState(state: State): string {
  const file: StateFile = { ...state, licensedSince: state.licensedSince.toRecord() };
  return stableJson(file);
}

/** The published `schema/state.schema.json` text (for `scripts/generate.ts`): stable JSON. */
export function stateSchemaJson(): string {
  return stableJson(stateJsonSchema);
}
