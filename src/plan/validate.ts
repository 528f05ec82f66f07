/**
 * Schema validation for our own JSON files, with errors a person can act on: where in the file
 * (`actions[3].operations[0].type`) and what is wrong, in plain words.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { InputError } from '../errors.js';
import type { JsonSchema } from './json-schema.js';

const MAX_REPORTED_PROBLEMS = 10;

export function compileSchema(schema: JsonSchema): ValidateFunction {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    discriminator: true,
    strict: true,
    // `type: ['string', 'null']` with `format` is intended: the format applies to strings only.
    strictTypes: false,
  });
  ajvFormats.default(ajv, ['date-time', 'date']);
  return ajv.compile(schema);
}

/** Parses JSON text, turning syntax errors (truncated or corrupted files) into `InputError`. */
export function parseJsonText(text: string, source: string, what: string): unknown {
  if (text.trim() === '') throw new InputError(`${source}: the ${what} is empty`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e: unknown) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new InputError(
      `${source}: the ${what} is not valid JSON (truncated or corrupted?): ${detail}`,
    );
  }
}

/** Throws one `InputError` listing what is wrong, when `value` does not match the schema. */
export function assertValid(
  validate: ValidateFunction,
  value: unknown,
  source: string,
  what: string,
): void {
  if (validate(value)) return;
  const problems = [...new Set(mergeMissingFields(validate.errors ?? []).map(describeError))];
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS).map((p) => `  - ${p}`);
  if (problems.length > MAX_REPORTED_PROBLEMS) {
    shown.push(`  - and ${problems.length - MAX_REPORTED_PROBLEMS} more`);
  }
  throw new InputError(`${source}: not a valid ${what}:\n${shown.join('\n')}`);
}

/** Several missing fields of one object read better as one line. */
function mergeMissingFields(errors: ErrorObject[]): ErrorObject[] {
  const merged: ErrorObject[] = [];
  const missingAt = new Map<string, ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== 'required') {
      merged.push(error);
      continue;
    }
    const field = String((error.params as { missingProperty?: unknown }).missingProperty);
    const previous = missingAt.get(error.instancePath);
    if (previous === undefined) {
      const copy = { ...error, params: { missingProperty: field } };
      missingAt.set(error.instancePath, copy);
      merged.push(copy);
    } else {
      const params = previous.params as { missingProperty: string };
      params.missingProperty += `", "${field}`;
    }
  }
  return merged;
}

/** `/actions/3/operations/0` → `actions[3].operations[0]`. */
export function readablePath(instancePath: string): string {
  if (instancePath === '') return '(top level)';
  let out = '';
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^[0-9]+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function shortValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeError(error: ErrorObject): string {
  const at = readablePath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return String(params.missingProperty).includes('"')
        ? `${at}: missing required fields "${String(params.missingProperty)}"`
        : `${at}: missing required field "${String(params.missingProperty)}"`;
    case 'additionalProperties':
      return `${at}: unknown field "${String(params.additionalProperty)}"`;
    case 'discriminator': {
      const allowed = discriminatorValues(error.parentSchema);
      const found = (error.data as Record<string, unknown> | null)?.[String(params.tag)];
      return found === undefined
        ? `${at}: missing required field "${String(params.tag)}"`
        : `${at}.${String(params.tag)}: unknown type ${shortValue(found)}` +
            (allowed.length > 0 ? ` (expected one of: ${allowed.join(', ')})` : '');
    }
    case 'type':
      return `${at}: must be ${String(params.type).replace(',', ' or ')}, found ${jsonType(error.data)}`;
    case 'enum':
      return `${at}: ${shortValue(error.data)} is not one of: ${(params.allowedValues as unknown[]).map((v) => String(v)).join(', ')}`;
    case 'const':
      return `${at}: must be ${shortValue(params.allowedValue)}, found ${shortValue(error.data)}`;
    case 'format':
      return `${at}: ${shortValue(error.data)} is not a valid ${String(params.format)} (ISO 8601, e.g. 2026-11-30T06:00:00.000Z)`;
    case 'pattern':
      return `${at}: ${shortValue(error.data)} does not have the expected form (${String(params.pattern)})`;
    default:
      return `${at}: ${error.message ?? error.keyword}`;
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' || typeof value === 'string') {
    return `${typeof value} ${shortValue(value)}`;
  }
  return typeof value;
}

function discriminatorValues(parentSchema: unknown): string[] {
  const branches = (parentSchema as { oneOf?: unknown[] } | undefined)?.oneOf ?? [];
  const values: string[] = [];
  for (const branch of branches) {
    const tag = (branch as { properties?: { type?: { const?: unknown } } }).properties?.type?.const;
    if (typeof tag === 'string') values.push(tag);
  }
  return values;
}
