/**
 * Validates request and response bodies against Atlassian's own OpenAPI specs (the
 * Organizations API and the User management API, vendored in test/fixtures/atlassian-openapi).
 *
 *   validateAgainstOpenApi('POST', '/admin/v2/orgs/{orgId}/directories/{directoryId}/users/search', 200, body)
 *   validateAgainstOpenApi('POST', '/admin/v1/orgs/{orgId}/users/{userId}/roles/revoke', 'request', body)
 *
 * Paths may be given as the sandbox/client sees them (`/admin/v2/...`, `/users/...`) or as the
 * spec writes them (`/v2/...`); parameter names do not matter (`{id}` matches `{accountId}`).
 *
 * OpenAPI 3.0 is not JSON Schema, so each schema is translated first:
 * - `nullable: true` becomes a `null` type (or `anyOf [..., null]` when there is no type);
 * - siblings of `$ref` are dropped, as OpenAPI 3.0 says they are ignored (the spec relies on
 *   that: `MultiDirectoryGroupDetails.data.counts` has `type: "GroupCounts"` beside its `$ref`),
 *   except `nullable`, whose intent is kept (`anyOf [$ref, null]`);
 * - annotations JSON Schema does not know (`example`, `discriminator`, `xml`, `readOnly`, ...)
 *   are removed; the spec's non-standard formats (`int`) are accepted as-is.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';

type Json = Record<string, unknown>;

interface Api {
  id: string;
  doc: Json;
  /** Prefix the sandbox/client puts before the spec's paths. */
  prefix: string;
}

const specDir = new URL('../fixtures/atlassian-openapi/', import.meta.url);
const load = (file: string): Json =>
  JSON.parse(readFileSync(new URL(file, specDir), 'utf8')) as Json;

const APIS: Api[] = [
  { id: 'org', doc: load('atlassian_org_openapi.json'), prefix: '/admin' },
  { id: 'user-management', doc: load('atlassian_user_management_openapi.json'), prefix: '' },
];

const DROPPED = new Set([
  'example',
  'examples',
  'discriminator',
  'xml',
  'externalDocs',
  'deprecated',
  'readOnly',
  'writeOnly',
  'nullable',
]);
/** Keywords whose value maps names to schemas (the names are not keywords). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', 'schemas']);
/** Keywords whose value is a schema or a list of schemas. */
const SCHEMA_VALUED = new Set([
  'items',
  'additionalProperties',
  'not',
  'allOf',
  'anyOf',
  'oneOf',
  'contains',
  'propertyNames',
]);

/** OpenAPI 3.0 schema → JSON Schema (draft-07), with refs made absolute to `apiId`. */
export function toJsonSchema(node: unknown, apiId: string): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, apiId));
  if (!node || typeof node !== 'object') return node;
  const schema = node as Json;
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref.startsWith('#') ? `${apiId}${schema.$ref}` : schema.$ref;
    return schema.nullable === true ? { anyOf: [{ $ref: ref }, { type: 'null' }] } : { $ref: ref };
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value as Json).map(([k, v]) => [k, toJsonSchema(v, apiId)]),
      );
    } else if (SCHEMA_VALUED.has(key)) {
      out[key] = typeof value === 'boolean' ? value : toJsonSchema(value, apiId);
    } else {
      out[key] = value;
    }
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null))
      out.enum = [...(out.enum as unknown[]), null];
    if (out.type === undefined) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
ajvFormats.default(ajv);
ajv.addFormat('int', true);
for (const api of APIS) {
  const components = (api.doc.components ?? {}) as Json;
  const schemas = Object.fromEntries(
    Object.entries((components.schemas ?? {}) as Json).map(([name, schema]) => [
      name,
      toJsonSchema(schema, api.id),
    ]),
  );
  ajv.addSchema({ $id: api.id, components: { schemas } }, api.id);
}

const normalise = (template: string) => template.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '');

export interface Operation {
  api: string;
  method: string;
  /** As written in the spec. */
  path: string;
  op: Json;
}

/** Finds the spec operation for a method and path template. */
export function findOperation(method: string, pathTemplate: string): Operation | undefined {
  const m = method.toLowerCase();
  for (const api of APIS) {
    const candidates = [pathTemplate];
    if (api.prefix && pathTemplate.startsWith(`${api.prefix}/`))
      candidates.push(pathTemplate.slice(api.prefix.length));
    for (const [path, item] of Object.entries((api.doc.paths ?? {}) as Record<string, Json>)) {
      if (!candidates.some((c) => normalise(c) === normalise(path))) continue;
      const op = item[m] as Json | undefined;
      if (op) return { api: api.id, method: m, path, op };
    }
  }
  return undefined;
}

function resolveResponse(api: string, response: Json): Json {
  if (typeof response.$ref !== 'string') return response;
  const name = response.$ref.replace('#/components/responses/', '');
  const doc = APIS.find((a) => a.id === api)?.doc as Json;
  return ((doc.components as Json).responses as Record<string, Json>)[name];
}

export interface OpenApiResult {
  valid: boolean;
  /** Readable problems (`/data/0/accountType must be equal to one of the allowed values`). */
  errors: string[];
  /** Ajv's errors, for callers that need to filter known deviations. */
  issues: ErrorObject[];
  /** The spec operation that was used (undefined when none matched). */
  operation?: Operation;
  /** True when the spec declares no body schema for this error status, so the body was not checked. */
  unchecked?: boolean;
}

const cache = new Map<string, ValidateFunction | null>();

/**
 * Validates `body` against the operation's response schema for `status`, or its requestBody
 * schema when `status` is `'request'`. A status the operation does not declare is a failure,
 * and so is a body on a success the spec declares without one (204); error responses the spec
 * declares without a schema are accepted unchecked (`unchecked: true`).
 */
export function validateAgainstOpenApi(
  method: string,
  pathTemplate: string,
  status: number | 'request',
  body: unknown,
): OpenApiResult {
  const operation = findOperation(method, pathTemplate);
  const fail = (message: string): OpenApiResult => ({
    valid: false,
    errors: [message],
    issues: [],
    operation,
  });
  if (!operation)
    return fail(`no operation ${method.toUpperCase()} ${pathTemplate} in the OpenAPI specs`);
  const key = `${operation.api} ${operation.method} ${operation.path} ${status}`;
  let validate = cache.get(key);
  if (validate === undefined) {
    let schema: unknown;
    if (status === 'request') {
      const requestBody = operation.op.requestBody as Json | undefined;
      schema = (
        (requestBody?.content as Json | undefined)?.['application/json'] as Json | undefined
      )?.schema;
    } else {
      const responses = (operation.op.responses ?? {}) as Record<string, Json>;
      const declared = responses[String(status)] ?? responses.default;
      if (!declared)
        return fail(`${method.toUpperCase()} ${operation.path} declares no ${status} response`);
      const response = resolveResponse(operation.api, declared);
      schema = ((response.content as Json | undefined)?.['application/json'] as Json | undefined)
        ?.schema;
    }
    validate =
      schema === undefined ? null : ajv.compile(toJsonSchema(schema, operation.api) as Json);
    cache.set(key, validate);
  }
  if (validate === null) {
    // No schema: a success must then have no body (204); an error's body is not described, so unchecked.
    const empty = body === undefined || body === null || body === '';
    if (empty || (status !== 'request' && status >= 400)) {
      return { valid: true, errors: [], issues: [], operation, unchecked: !empty };
    }
    return fail(
      `${method.toUpperCase()} ${operation.path} ${status} declares no JSON body, but one was sent`,
    );
  }
  const valid = validate(body);
  const issues = valid ? [] : [...(validate.errors ?? [])];
  return {
    valid,
    errors: issues.map(
      (e) =>
        `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`,
    ),
    issues,
    operation,
  };
}

/** Every operation of both specs (for coverage reports). */
export function listOperations(): Array<{
  api: string;
  method: string;
  path: string;
  deprecated: boolean;
}> {
  return APIS.flatMap((api) =>
    Object.entries((api.doc.paths ?? {}) as Record<string, Json>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(([m, op]) => ({
          api: api.id,
          method: m.toUpperCase(),
          path: `${api.prefix}${path}`,
          deprecated: (op as Json).deprecated === true,
        })),
    ),
  );
}
