/** Hints for an unknown key: the key it was probably meant to be, or where it belongs. */
import { keysByParent } from './schema-walk.js';
import { closest } from './suggest.js';

/** Where a key is allowed, in words, for "belongs under" hints. */
function placeName(parent: string): string {
  const names: Record<string, string> = {
    '': 'at the top level of the file',
    'rules[]': 'in a rule',
    'exclude.accounts[]': 'in an "exclude.accounts" entry',
    'exclude.groups[]': 'in an "exclude.groups" entry',
    'exclude.emailDomains[]': 'in an "exclude.emailDomains" entry',
    'products.*': 'under a product in "products"',
  };
  if (names[parent]) return names[parent];
  if (parent.startsWith('rules[].')) return `under "${parent.slice('rules[].'.length)}" in a rule`;
  return `under "${parent}"`;
}

let allowedKeys: Map<string, string[]> | undefined;

/** The key an unknown key was probably meant to be, in the same mapping. */
export function meantKey(key: string, parentPath: string): string | undefined {
  allowedKeys ??= keysByParent();
  const here = allowedKeys.get(parentPath) ?? [];
  const sameLetters = here.find((k) => k.toLowerCase() === key.toLowerCase());
  if (sameLetters) return sameLetters;
  return belongsElsewhere(key, parentPath).length > 0 ? undefined : closest(key, here);
}

function belongsElsewhere(key: string, parentPath: string): string[] {
  allowedKeys ??= keysByParent();
  return [...allowedKeys.entries()]
    .filter(([parent, keys]) => parent !== parentPath && keys.includes(key))
    .map(([parent]) => parent);
}

export function unknownKeyHint(key: string, parentPath: string): string {
  if (key === '<<') return 'YAML merge keys are not supported; write the keys out';
  const meant = meantKey(key, parentPath);
  if (meant) return `did you mean "${meant}"?`;
  const elsewhere = belongsElsewhere(key, parentPath);
  if (elsewhere.length > 0) return `"${key}" belongs ${elsewhere.map(placeName).join(' or ')}`;
  return `allowed keys: ${(allowedKeys?.get(parentPath) ?? []).join(', ')}`;
}
