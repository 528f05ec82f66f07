/** How values, keys and mappings are named in messages, in an admin's words rather than the schema's. */
import type { SchemaNode } from './schema.js';
import { isRecord, valueAt } from './instance-path.js';
import type { PathSegment } from './yaml-source.js';

/** How a mapping is named in a message: `rule "jira-inactive-30d"`, `"limits"`, `this account exclusion`. */
export function ownerName(segments: readonly PathSegment[], root: unknown): string {
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
export function subjectName(segments: readonly PathSegment[]): string {
  const last = segments[segments.length - 1];
  if (last === undefined) return 'a policy file';
  if (typeof last === 'number') {
    const list = segments[segments.length - 2];
    return list === 'rules' ? `rule ${last + 1}` : `entry ${last + 1} of "${String(list)}"`;
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

export function describeActual(value: unknown): string {
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

export function describeExpected(node: SchemaNode | undefined, type: string): string {
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

export function typeHint(type: string, value: unknown): string | undefined {
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
  if (type === 'object' && Array.isArray(value) && value.some(isRecord)) {
    return 'remove the "- " in front of the keys';
  }
  if (type === 'array' && isRecord(value)) return 'start each entry with "- "';
  return undefined;
}

export const orList = (items: string[]) =>
  items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

export const withHint = (message: string, hint: string | undefined) =>
  hint ? `${message} — ${hint}` : message;

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

/** Why a well-formed `YYYY-MM-DD` is not a date. */
export function realDateAdvice(text: string): string {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12) return `there is no month ${m}`;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const month = MONTHS[m - 1];
  return d < 1 ? `there is no day ${d}` : `${month} ${y} has ${daysInMonth} days`;
}
