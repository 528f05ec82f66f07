/**
 * Turns Ajv's schema errors into problems an Atlassian admin can fix from the message alone:
 * the offending node's position (the key for an unknown key, the value for a wrong value, the
 * mapping for a missing key), plain words instead of schema jargon, and a hint where one can be
 * derived ("did you mean", allowed values, where a key belongs).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { PolicyProblem } from '../errors.js';
import { BOUND_ADVICE, EMPTY_TEXT_ADVICE, FIELD_TEXT, MISSING_KEY_ADVICE } from './field-text.js';
import { NON_BLANK, type SchemaNode } from './schema.js';
import { keysByParent, schemaAt } from './schema-walk.js';
import { closest } from './suggest.js';
import type { PathSegment, YamlSource } from './yaml-source.js';

/** Keyword priority when several fail on one value: report the most basic only. */
const VALUE_KEYWORDS = [
  'type',
  'const',
  'enum',
  'pattern',
  'format',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'maxLength',
  'minItems',
  'minProperties',
];

export function schemaProblems(
  errors: readonly ErrorObject[],
  source: YamlSource,
): PolicyProblem[] {
  const kept = new Map<string, ErrorObject>();
  const others: ErrorObject[] = [];
  // A misspelt key that surely means a missing required key is one mistake: report it once.
  const misspelt = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const key = String((error.params as { additionalProperty: unknown }).additionalProperty);
    const segments = segmentsOf(error.instancePath, source.value);
    const meant = meantKey(key, keyPathOf(segments));
    if (meant) misspelt.add(`${error.instancePath}\u0000${meant}`);
  }
  for (const error of [...errors].sort(
    (a, b) =>
      Number(b.keyword === 'additionalProperties') - Number(a.keyword === 'additionalProperties'),
  )) {
    if (/\/anyOf\/\d+\//.test(error.schemaPath)) continue; // explained by the anyOf error itself
    if (error.keyword === 'propertyNames') continue; // its `pattern` error names the key
    if (
      error.keyword === 'required' &&
      misspelt.has(`${error.instancePath}\u0000${String(error.params.missingProperty)}`)
    ) {
      continue;
    }
    const rank = VALUE_KEYWORDS.indexOf(error.keyword);
    const key = `${error.instancePath}\u0000${error.propertyName ?? ''}`;
    if (rank < 0 || error.propertyName !== undefined) {
      others.push(error);
      continue;
    }
    const previous = kept.get(key);
    if (!previous || rank < VALUE_KEYWORDS.indexOf(previous.keyword)) kept.set(key, error);
  }
  return [...others, ...kept.values()].map((error) => translate(error, source));
}

function segmentsOf(instancePath: string, value: unknown): PathSegment[] {
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

const isRecord = (v: unknown): v is Record<string, unknown> =>
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

const valueAt = (root: unknown, segments: readonly PathSegment[]): unknown =>
  segments.reduce<unknown>(
    (v, s) => (isRecord(v) || Array.isArray(v) ? (v as Record<string, unknown>)[s] : undefined),
    root,
  );

/** How a mapping is named in a message: `rule "jira-inactive-30d"`, `"limits"`, `this account exclusion`. */
function ownerName(segments: readonly PathSegment[], root: unknown): string {
  const [first, second, third] = segments;
  if (segments.length === 0) return 'the policy file';
  if (first === 'rules' && typeof second === 'number') {
    const id = valueAt(root, ['rules', second, 'id']);
    const rule = typeof id === 'string' && id !== '' ? `rule "${id}"` : `rule ${second + 1}`;
    return segments.length === 2 ? rule : `"${String(third)}" of ${rule}`;
  }
  if (first === 'exclude' && typeof third === 'number') {
    const kind = { accounts: 'account', groups: 'group', emailDomains: 'email-domain' }[
      String(second)
    ];
    return `this ${kind ?? ''} exclusion`.replace('  ', ' ');
  }
  if (first === 'products' && segments.length === 2) return `product "${String(second)}"`;
  return `"${String(segments[segments.length - 1])}"`;
}

/** How a value is named: `"inactiveDays"`, or `"sites" entry` for a list item. */
function subjectName(segments: readonly PathSegment[]): string {
  const last = segments[segments.length - 1];
  if (last === undefined) return 'a policy file';
  if (typeof last === 'number') {
    const list = segments[segments.length - 2];
    if (list === 'rules') return 'each rule';
    if (segments[0] === 'exclude') return `each entry of "${String(list)}"`;
    return `each entry of "${String(list)}"`;
  }
  return `"${last}"`;
}

export function show(value: unknown): string {
  if (typeof value === 'string') {
    const text = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(text);
  }
  return String(value);
}

function describeActual(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `text (${show(value)})`;
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? `${value}`
      : `${value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan'}`;
  }
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

function describeExpected(node: SchemaNode | undefined, type: string): string {
  const bounds: string[] = [];
  if (node?.minimum !== undefined && node.maximum !== undefined) {
    bounds.push(`${node.minimum} to ${node.maximum}`);
  } else if (node?.minimum !== undefined) bounds.push(`at least ${node.minimum}`);
  else if (node?.exclusiveMinimum !== undefined && node.maximum !== undefined) {
    bounds.push(`more than ${node.exclusiveMinimum}, at most ${node.maximum}`);
  }
  const withBounds = (text: string) => (bounds.length ? `${text} (${bounds.join(', ')})` : text);
  switch (type) {
    case 'integer':
      return withBounds('a whole number');
    case 'number':
      return withBounds('a number');
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'text';
    case 'array':
      return 'a list';
    case 'object': {
      const keys = Object.keys(node?.properties ?? {});
      return keys.length ? `a mapping (keys: ${keys.join(', ')})` : 'a mapping';
    }
    default:
      return type;
  }
}

function typeHint(type: string, value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (
      (type === 'integer' || type === 'number') &&
      trimmed !== '' &&
      Number.isFinite(Number(trimmed))
    ) {
      return 'remove the quotes';
    }
    if ((type === 'integer' || type === 'number') && /^-?\d+,\d+$/.test(trimmed)) {
      return `use a decimal point: ${trimmed.replace(',', '.')}`;
    }
    if (type === 'boolean' && /^(true|false)$/i.test(trimmed)) return 'remove the quotes';
    if (type === 'boolean' && /^(yes|no|on|off|y|n)$/i.test(trimmed)) {
      return `YAML 1.2 reads ${show(value)} as text; write true or false`;
    }
    if (type === 'array') return `write a list: [${value}]`;
  }
  if (type === 'object' && Array.isArray(value)) return 'remove the "- " in front of the keys';
  if (type === 'array' && isRecord(value)) return 'start each entry with "- "';
  return undefined;
}

const orList = (items: string[]) =>
  items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

const withHint = (message: string, hint: string | undefined) =>
  hint ? `${message} — ${hint}` : message;

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
function meantKey(key: string, parentPath: string): string | undefined {
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

function unknownKeyHint(key: string, parentPath: string): string {
  if (key === '<<') return 'YAML merge keys are not supported; write the keys out';
  const meant = meantKey(key, parentPath);
  if (meant) return `did you mean "${meant}"?`;
  const elsewhere = belongsElsewhere(key, parentPath);
  if (elsewhere.length > 0) return `"${key}" belongs ${elsewhere.map(placeName).join(' or ')}`;
  return `allowed keys: ${(allowedKeys?.get(parentPath) ?? []).join(', ')}`;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function realDateAdvice(text: string): string {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12) return `there is no month ${m}`;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const month = MONTHS[m - 1];
  return d < 1 ? `there is no day ${d}` : `${month} ${y} has ${daysInMonth} days`;
}

function translate(error: ErrorObject, source: YamlSource): PolicyProblem {
  const root = source.value;
  const segments = segmentsOf(error.instancePath, root);
  const keyPath = keyPathOf(segments);
  const value: unknown = error.data;
  const node = schemaAt(keyPath);
  const subject = subjectName(segments);
  const problem = (at: PathSegment[], target: 'key' | 'value', message: string): PolicyProblem => ({
    ...source.locate(at, target),
    message,
  });
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const where = segments.length === 0 ? 'unknown top-level key' : 'unknown key';
      const owner = segments.length === 0 ? '' : ` in ${ownerName(segments, root)}`;
      return problem(
        [...segments, key],
        'key',
        `${where} "${key}"${owner} — ${unknownKeyHint(key, keyPath)}`,
      );
    }
    case 'required': {
      const key = String(params.missingProperty);
      if (segments.length === 0 && key === 'version') {
        return problem(
          segments,
          'value',
          'missing "version: 1" — every policy file starts with it',
        );
      }
      const isCapacityRule = keyPath === 'rules[]' && isRecord(value) && 'keepAtMost' in value;
      const advice =
        isCapacityRule && key === 'inactiveDays'
          ? 'on a keepAtMost rule it is the floor: nobody active within it is removed (at least 7)'
          : MISSING_KEY_ADVICE[key];
      return problem(
        segments,
        'value',
        withHint(`${ownerName(segments, root)} is missing "${key}"`, advice),
      );
    }
    case 'anyOf':
      return problem(
        segments,
        'value',
        'this account exclusion names no account — add "email" or "accountId"',
      );
    case 'not': {
      const first = source.locate([...segments, 'email'], 'key');
      const second = source.locate([...segments, 'accountId'], 'key');
      const later =
        first.line > second.line || (first.line === second.line && first.column > second.column)
          ? 'email'
          : 'accountId';
      return problem(
        [...segments, later],
        'key',
        'this account exclusion has both "email" and "accountId" — an entry names one account, so keep one (write two entries to exclude two accounts)',
      );
    }
    case 'type': {
      const type = String(params.type);
      if (segments.length === 0) {
        return problem(
          segments,
          'value',
          `a policy file must be ${describeExpected(node, 'object')}, not ${describeActual(value)}`,
        );
      }
      if (keyPath === 'version') {
        return problem(
          segments,
          'value',
          withHint(
            `"version" must be the number 1, not ${describeActual(value)}`,
            value === '1' ? 'remove the quotes' : undefined,
          ),
        );
      }
      if (value === null) {
        return problem(
          segments,
          'value',
          `${subject} has no value — write ${describeExpected(node, type)}`,
        );
      }
      return problem(
        segments,
        'value',
        withHint(
          `${subject} must be ${describeExpected(node, type)}, not ${describeActual(value)}`,
          typeHint(type, value),
        ),
      );
    }
    case 'enum': {
      const allowed = (params.allowedValues as string[]) ?? [];
      const near = typeof value === 'string' ? closest(value, allowed) : undefined;
      return problem(
        segments,
        'value',
        withHint(
          `${subject} must be one of ${allowed.join(', ')}, not ${show(value)}`,
          near ? `did you mean "${near}"?` : undefined,
        ),
      );
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum': {
      const limit = Number(params.limit);
      const bound =
        error.keyword === 'minimum'
          ? `at least ${limit}`
          : error.keyword === 'maximum'
            ? `at most ${limit}`
            : `more than ${limit}`;
      return problem(
        segments,
        'value',
        withHint(`${subject} must be ${bound}, not ${show(value)}`, BOUND_ADVICE[keyPath]),
      );
    }
    case 'maxLength':
      return problem(
        segments,
        'value',
        `${subject} is ${String(value).length} characters long — at most ${String(params.limit)} are allowed`,
      );
    case 'minItems':
      return problem(
        segments,
        'value',
        keyPath === 'rules[].sites'
          ? '"sites" is an empty list — name at least one site, or remove "sites" to govern every site of the product'
          : `${subject} is an empty list`,
      );
    case 'minProperties':
      return problem(
        segments,
        'value',
        `${subject} is empty — narrow the rule with ${orList(Object.keys(node?.properties ?? {}))}, or remove "${String(segments[segments.length - 1])}"`,
      );
    case 'pattern':
    case 'format': {
      if (error.propertyName !== undefined) {
        const name = error.propertyName;
        const text = FIELD_TEXT[`${keyPath}.*`] ?? FIELD_TEXT['products.*'];
        const fixed = text.fix?.(name);
        return problem(
          [...segments, name],
          'key',
          withHint(
            `${text.noun} ${show(name)} must be ${text.expect}, like "${text.example}"`,
            fixed ? `did you mean "${fixed}"?` : undefined,
          ),
        );
      }
      const written = String(value);
      if (params.pattern === NON_BLANK) {
        const key = String(segments[segments.length - 1]);
        return problem(
          segments,
          'value',
          withHint(
            `${subject} is empty`,
            EMPTY_TEXT_ADVICE[key] ?? 'write a value or remove the key',
          ),
        );
      }
      if (node?.format === 'date') {
        return problem(
          segments,
          'value',
          error.keyword === 'pattern'
            ? `${subject} must be a date written YYYY-MM-DD, like 2027-06-30, not ${show(value)}`
            : `${subject} must be a real calendar date, and ${show(value)} is not one — ${realDateAdvice(written)}`,
        );
      }
      const text = FIELD_TEXT[keyPath];
      if (!text) {
        return problem(segments, 'value', `${subject} is not valid: ${show(value)}`);
      }
      const fixed = text.fix?.(written);
      const advice = fixed ? `did you mean "${fixed}"?` : text.advice?.(written);
      return problem(
        segments,
        'value',
        withHint(
          `${text.noun} ${show(value)} must be ${text.expect}, like "${text.example}"`,
          advice,
        ),
      );
    }
    default:
      return problem(segments, 'value', `${subject} ${error.message ?? 'is not valid'}`);
  }
}
