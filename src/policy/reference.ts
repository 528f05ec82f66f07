/**
 * Renders docs/policy.md from the schema and the prose in reference-text.ts: one table per
 * mapping, every key with its type, requirement, default and constraints. Generated, so the
 * reference cannot drift from what the loader accepts.
 */
import { FIELD_TEXT } from './field-text.js';
import { COMPUTED_DEFAULTS, ERRORS, FILE_RULES, FULL_EXAMPLE, INTRO } from './reference-text.js';
import { NON_BLANK, policySchema, type SchemaNode } from './schema.js';
import { resolveRef, schemaKeys, type SchemaKey } from './schema-walk.js';

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeName(node: SchemaNode): string {
  if (node.enum) return `one of ${node.enum.map(code).join(', ')}`;
  if (node.const !== undefined) return `the number ${code(String(node.const))}`;
  switch (node.type) {
    case 'integer':
      return 'whole number';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return node.format === 'date' ? 'date (text)' : 'text';
    case 'array':
      return `list of ${node.items ? plural(typeName(resolveRef(node.items))) : 'values'}`;
    case 'object':
      return 'mapping';
    default:
      return 'value';
  }
}

const plural = (name: string) =>
  name === 'mapping' ? 'mappings' : name === 'text' ? 'text values' : name;

function constraints(key: SchemaKey): string {
  const { node } = key;
  const parts: string[] = [];
  const item = node.type === 'array' && node.items ? resolveRef(node.items) : undefined;
  const text = FIELD_TEXT[key.path] ?? (item ? FIELD_TEXT[`${key.path}[]`] : undefined);
  const subject = item ?? node;
  const each = item ? 'each: ' : '';
  if (text) parts.push(`${each}${text.expect}, e.g. ${code(text.example)}`);
  else if (subject.format === 'date') parts.push(`${each}a real calendar date, \`YYYY-MM-DD\``);
  else if (subject.pattern === NON_BLANK) parts.push(`${each}not empty`);
  if (node.minimum !== undefined) parts.push(`≥ ${node.minimum}`);
  if (node.exclusiveMinimum !== undefined) parts.push(`> ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined) parts.push(`≤ ${node.maximum}`);
  if (node.maxLength !== undefined) parts.push(`at most ${node.maxLength} characters`);
  if (node.minItems !== undefined) parts.push(`at least ${node.minItems} entry`);
  if (node.minProperties !== undefined) parts.push('not empty');
  if (node.propertyNames) parts.push(`keys: product keys (${FIELD_TEXT['products.*'].expect})`);
  return parts.join('; ') || '—';
}

function defaultOf(key: SchemaKey): string {
  if (key.required) return '—';
  if (COMPUTED_DEFAULTS[key.path]) return COMPUTED_DEFAULTS[key.path];
  if (key.node.default !== undefined) return code(JSON.stringify(key.node.default));
  return 'not set';
}

/** Mappings get a section each: the top level, then every object or list of objects. */
function sections(keys: readonly SchemaKey[]): Array<{ path: string; node: SchemaNode }> {
  const found: Array<{ path: string; node: SchemaNode }> = [{ path: '', node: policySchema }];
  for (const key of keys) {
    const { node } = key;
    if (node.type === 'object' && node.properties) found.push({ path: key.path, node });
    if (node.type === 'object' && node.additionalProperties) {
      const value = resolveRef(node.additionalProperties);
      found.push({ path: `${key.path}.*`, node: value });
    }
    if (node.type === 'array' && node.items) {
      const item = resolveRef(node.items);
      if (item.type === 'object') found.push({ path: `${key.path}[]`, node: item });
    }
  }
  return found;
}

function sectionTitle(path: string): string {
  if (path === '') return 'Top level';
  return code(path);
}

function sectionIntro(path: string, node: SchemaNode): string[] {
  const lines: string[] = [];
  if (path !== '' && node.description) lines.push(node.description, '');
  if (path === 'exclude.accounts[]') {
    lines.push(
      'Write exactly one of `email` and `accountId` in each entry; `reason` is required.',
      '',
    );
  }
  return lines;
}

export function renderPolicyReference(): string {
  const keys = schemaKeys();
  const out: string[] = [
    '<!-- Generated from src/policy/schema.ts and src/policy/reference-text.ts by `npm run build`. Do not edit. -->',
    '',
    '# Policy reference',
    '',
    INTRO,
    '',
    '## Example',
    '',
    'Every key in use (the example in `policies/` is a smaller one that runs against the sandbox):',
    '',
    '```yaml',
    FULL_EXAMPLE.trimEnd(),
    '```',
    '',
    '## Keys',
    '',
    'Paths name each key from the top of the file: `rules[]` is an entry of the `rules` list,',
    '`products.*` the settings of one product.',
    '',
  ];
  for (const section of sections(keys)) {
    const rows = keys.filter((k) => k.parent === section.path);
    if (rows.length === 0) continue;
    out.push(`### ${sectionTitle(section.path)}`, '', ...sectionIntro(section.path, section.node));
    out.push('| Key | Type | Required | Default | Constraints | Description |');
    out.push('| --- | --- | --- | --- | --- | --- |');
    for (const key of rows) {
      out.push(
        `| ${[
          code(key.path),
          typeName(key.node),
          key.required ? 'yes' : 'no',
          defaultOf(key),
          constraints(key),
          key.node.description ?? '',
        ]
          .map(cell)
          .join(' | ')} |`,
      );
    }
    out.push('');
  }
  out.push('## What is checked', '', FILE_RULES, '', '## Errors', '', ERRORS, '');
  return out.join('\n');
}
