import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
};

/** The rows of the table between `<!-- name:start -->` and `<!-- name:end -->`, as cells. */
function table(name: string): string[][] {
  const start = readme.indexOf(`<!-- ${name}:start -->`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  return readme
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

const unquote = (cell: string) =>
  cell.startsWith('`') && cell.endsWith('`') ? cell.slice(1, -1) : cell;

describe('the README tables', () => {
  it('list every input of action.yml, in order, with its default', () => {
    const rows = table('inputs');
    expect(rows.map((r) => unquote(r[0]))).toEqual(Object.keys(action.inputs));
    for (const [name, def, description] of rows) {
      expect({ input: name, default: unquote(def) }).toEqual({
        input: name,
        default: action.inputs[unquote(name)].default ?? '',
      });
      expect(description.length).toBeGreaterThan(10);
    }
  });

  it('list every output of action.yml, in order', () => {
    const rows = table('outputs');
    expect(rows.map((r) => unquote(r[0]))).toEqual(Object.keys(action.outputs));
    for (const [, description] of rows) expect(description.length).toBeGreaterThan(10);
  });
});
