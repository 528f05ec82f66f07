/**
 * Ajv names a failing value by JSON pointer (`/rules/0/sites/1`); the loader needs the same
 * place as path segments (to find the YAML node) and as a key path (`rules[].sites[]`, to find
 * the schema and the wording for it).
 */
import type { PathSegment } from './yaml-source.js';

export function segmentsOf(instancePath: string, value: unknown): PathSegment[] {
  const segments: PathSegment[] = [];
  let current = value;
  for (const raw of instancePath.split('/').slice(1)) {
    const text = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment: PathSegment = Array.isArray(current) ? Number(text) : text;
    segments.push(segment);
    current =
      isRecord(current) || Array.isArray(current)
        ? (current as Record<string, unknown>)[segment]
        : undefined;
  }
  return segments;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `rules[].scope.groups[]`, `products.*`: the path the schema walk and the docs use. */
export function keyPathOf(segments: readonly PathSegment[]): string {
  let path = '';
  segments.forEach((segment, i) => {
    if (typeof segment === 'number') path += '[]';
    else if (i === 1 && segments[0] === 'products') path += '.*';
    else path += path === '' ? segment : `.${segment}`;
  });
  return path;
}

export const valueAt = (root: unknown, segments: readonly PathSegment[]): unknown =>
  segments.reduce<unknown>(
    (v, s) => (isRecord(v) || Array.isArray(v) ? (v as Record<string, unknown>)[s] : undefined),
    root,
  );
