/**
 * Small typed builders for the JSON Schemas of our own files (plan, state). `strictObject<T>`
 * must be given a schema for every property of `T` and told exactly which ones are optional,
 * so adding a field to the TypeScript type without adding it to the schema fails typecheck
 * instead of making every new file unreadable.
 */

export type JsonSchema = { [keyword: string]: unknown };

type OptionalKeys<T> = {
  [K in keyof T]-?: object extends Pick<T, K> ? K : never;
}[keyof T];

export function strictObject<T>(
  properties: { [K in keyof T]-?: JsonSchema },
  optional: { [K in OptionalKeys<T>]-?: true },
): JsonSchema {
  const optionalKeys = new Set<string>(Object.keys(optional));
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((key) => !optionalKeys.has(key)),
    properties,
  };
}

export const nonEmptyString: JsonSchema = { type: 'string', minLength: 1 };
export const anyString: JsonSchema = { type: 'string' };
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
export const nullableDateTime: JsonSchema = { type: ['string', 'null'], format: 'date-time' };
export const nullableString: JsonSchema = { type: ['string', 'null'] };
export const count: JsonSchema = { type: 'integer', minimum: 0 };
export const nullableCount: JsonSchema = { type: ['integer', 'null'], minimum: 0 };
export const sha256: JsonSchema = { type: 'string', pattern: '^[0-9a-f]{64}$' };

export function arrayOf(items: JsonSchema): JsonSchema {
  return { type: 'array', items };
}

export function oneOfStrings(values: readonly string[]): JsonSchema {
  return { type: 'string', enum: [...values] };
}
