/**
 * Validates one parsed policy file against the schema. Ajv reports every error (`allErrors`)
 * with the failing schema and data (`verbose`), which the message translator needs; numbers
 * must be finite (`.inf` and `.nan` are not numbers a policy means).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { policySchema } from './schema.js';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({
      allErrors: true,
      verbose: true,
      strict: true,
      strictRequired: false, // `anyOf`/`not` name keys declared beside them, by design
      strictNumbers: true,
      coerceTypes: false,
      useDefaults: false,
    });
    addFormats.default(ajv, ['date', 'email']);
    compiled = ajv.compile(policySchema);
  }
  return compiled;
}

export function schemaErrors(value: unknown): ErrorObject[] {
  const validate = validator();
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
