/**
 * A tiny request-body checker for the sandbox (the shipped CLI cannot load Atlassian's
 * OpenAPI file). It enforces what the spec declares for the fields we serve: types, enums,
 * array sizes, uniqueness, and no unknown fields — a misspelt filter (`resourceId`) must fail
 * loudly in tests instead of silently widening a search.
 */

export type FieldSpec =
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'strings'; min?: number; max?: number; unique?: boolean; values?: readonly string[] }
  /** Checked by the caller. */
  | { kind: 'any' };

export type Checked = Record<string, unknown>;

export function checkBody(
  body: unknown,
  fields: Record<string, FieldSpec>,
): { value: Checked; problems: string[] } {
  const problems: string[] = [];
  if (body === undefined || body === null) return { value: {}, problems };
  if (typeof body !== 'object' || Array.isArray(body)) {
    return { value: {}, problems: ['The request body must be a JSON object.'] };
  }
  const value: Checked = {};
  for (const [key, raw] of Object.entries(body as Record<string, unknown>)) {
    const spec = fields[key];
    if (!spec) {
      problems.push(`Unknown field "${key}".`);
      continue;
    }
    const problem = checkField(key, raw, spec);
    if (problem) problems.push(problem);
    else value[key] = raw;
  }
  return { value, problems };
}

function checkField(key: string, raw: unknown, spec: FieldSpec): string | null {
  switch (spec.kind) {
    case 'any':
      return null;
    case 'string':
      return typeof raw === 'string' ? null : `"${key}" must be a string.`;
    case 'boolean':
      return typeof raw === 'boolean' ? null : `"${key}" must be a boolean.`;
    case 'int':
      return typeof raw === 'number' && Number.isInteger(raw) && raw >= spec.min && raw <= spec.max
        ? null
        : `"${key}" must be an integer from ${spec.min} to ${spec.max}.`;
    case 'enum':
      return typeof raw === 'string' && spec.values.includes(raw)
        ? null
        : `"${key}" must be one of ${spec.values.join(', ')}.`;
    case 'strings': {
      if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string')) {
        return `"${key}" must be an array of strings.`;
      }
      const min = spec.min ?? 0;
      if (raw.length < min) return `"${key}" must have at least ${min} item(s).`;
      if (spec.max !== undefined && raw.length > spec.max) {
        return `"${key}" must have at most ${spec.max} items (got ${raw.length}).`;
      }
      if (spec.unique && new Set(raw).size !== raw.length)
        return `"${key}" must not repeat values.`;
      const bad = spec.values ? (raw as string[]).filter((v) => !spec.values?.includes(v)) : [];
      return bad.length ? `"${key}" has unsupported value(s): ${bad.join(', ')}.` : null;
    }
  }
}

/** Reads a repeated query parameter (`?roleIds=a&roleIds=b`, the OpenAPI default form style). */
export function queryList(query: URLSearchParams, name: string): string[] | undefined {
  const values = query.getAll(name);
  return values.length ? values : undefined;
}
