/**
 * One policy file read as YAML *with positions*: the bytes are checked (size, UTF-8, one
 * non-empty document, no duplicate keys, bounded aliases), and the parsed value keeps a link
 * to the syntax tree so that any later problem can point at the exact key or value.
 * The `yaml` package's document API provides the node ranges (see docs/adr/0001-yaml-parser.md).
 */
import {
  LineCounter,
  parseAllDocuments,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Pair,
  type YAMLError,
} from 'yaml';
import type { PolicyProblem } from '../errors.js';
import type { SourceLocation } from './types.js';
import { decodeUtf8, encodingHint, firstInvalidUtf8Offset, positionOfByte } from './utf8.js';
import { syntaxProblem } from './yaml-syntax-messages.js';

export const MAX_POLICY_FILE_BYTES = 1024 * 1024;
/** How many values aliases may add to a document: generous for reuse, fatal to "billion laughs". */
export const MAX_ALIAS_EXPANSION = 10_000;

export type PathSegment = string | number;

/** What part of a mapping entry a problem points at. */
export type Target = 'key' | 'value';

export class YamlSource {
  constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Position of a character offset in the decoded text. */
  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /**
   * Position of the node at `path` (aliases followed). `key` points at the entry's key; `value`
   * at its value, or at the key when the value is missing or left empty. A path that does not
   * exist resolves to the deepest node that does (a missing key is reported on its mapping).
   */
  locate(path: readonly PathSegment[], target: Target = 'value'): SourceLocation {
    let node: Node | null | undefined = this.doc.contents;
    let pair: Pair | undefined;
    for (const segment of path) {
      const next = this.child(node, segment);
      if (!next) break;
      ({ node, pair } = next);
    }
    const keyNode = pair && isScalar(pair.key) ? pair.key : undefined;
    const emptyValue = !node || (isScalar(node) && node.source === '' && node.type === 'PLAIN');
    const chosen = (target === 'key' || emptyValue) && keyNode ? keyNode : node;
    return this.at(chosen?.range?.[0] ?? 0);
  }

  private child(
    node: Node | null | undefined,
    segment: PathSegment,
  ): { node: Node | null | undefined; pair?: Pair } | undefined {
    const resolved = this.resolve(node);
    if (isMap(resolved)) {
      const pair = resolved.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      return pair ? { node: pair.value as Node | null, pair } : undefined;
    }
    if (isSeq(resolved) && typeof segment === 'number') {
      const item = resolved.items[segment] as Node | undefined;
      return item ? { node: item } : undefined;
    }
    return undefined;
  }

  private resolve(node: Node | null | undefined): Node | null | undefined {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }
}

export type ReadResult =
  { ok: true; source: YamlSource } | { ok: false; problems: PolicyProblem[] };

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Reads one file's bytes into a `YamlSource`, or every problem that makes it unreadable. */
export function readYamlSource(file: string, bytes: Uint8Array): ReadResult {
  const fail = (line: number, column: number, message: string): ReadResult => ({
    ok: false,
    problems: [{ file, line, column, message }],
  });
  if (bytes.length > MAX_POLICY_FILE_BYTES) {
    return fail(
      1,
      1,
      `file is ${grouped(bytes.length)} bytes; a policy file may be at most 1 MiB (${grouped(MAX_POLICY_FILE_BYTES)} bytes) — split it into several files`,
    );
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    const offset = firstInvalidUtf8Offset(bytes);
    const { line, column } = positionOfByte(bytes, offset);
    const byte = bytes[offset].toString(16).toUpperCase().padStart(2, '0');
    return fail(
      line,
      column,
      `file is not UTF-8 text (byte 0x${byte} here; ${encodingHint(bytes)}) — save it as UTF-8`,
    );
  }
  if (text.trim() === '') {
    return fail(1, 1, 'file is empty — a policy file starts with "version: 1"');
  }

  const lines = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter: lines,
    schema: 'core',
    uniqueKeys: false, // duplicates are reported below, with both positions
    prettyErrors: false,
  });
  const position = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  if (documents.length === 0) {
    return fail(
      1,
      1,
      'file holds only comments — a policy file starts with "version: 1" (delete the file if it is not needed)',
    );
  }
  if (documents.length > 1) {
    const second = documents[1];
    const start = second.range[0];
    const marker = text.lastIndexOf('---', Math.max(0, start));
    return {
      ok: false,
      problems: [
        {
          ...position(marker >= 0 ? marker : start),
          message:
            'a second YAML document starts here; a policy file holds one document — move it to its own file or remove the "---" line',
        },
      ],
    };
  }
  const doc = documents[0];
  // After the first syntax error on a line the parser's further complaints there are echoes.
  const syntaxProblems: PolicyProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings] as YAMLError[]) {
    const { offset, message } = syntaxProblem(e, text);
    const at = position(offset);
    if (!syntaxProblems.some((p) => p.line === at.line)) syntaxProblems.push({ ...at, message });
  }
  if (syntaxProblems.length > 0) return { ok: false, problems: syntaxProblems };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return fail(1, 1, 'file is empty — a policy file starts with "version: 1"');
  }

  const treeProblems = checkTree(doc, position);
  if (treeProblems.length > 0) return { ok: false, problems: treeProblems };
  const value: unknown = doc.toJS({ maxAliasCount: -1 }); // bounded by checkTree
  return { ok: true, source: new YamlSource(file, value, doc, lines) };
}

/**
 * What the YAML grammar accepts but a policy must not: duplicate keys (YAML would silently keep
 * one), keys that are not plain names, aliases to nothing, and alias expansion beyond
 * MAX_ALIAS_EXPANSION values.
 */
function checkTree(
  doc: Document.Parsed,
  position: (offset: number) => SourceLocation,
): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const at = (node: Node, message: string) =>
    problems.push({ ...position(node.range?.[0] ?? 0), message });
  let writtenValues = 0;
  const aliases: Node[] = [];

  const visit = (node: unknown): void => {
    if (isAlias(node)) {
      aliases.push(node);
      if (!node.resolve(doc)) {
        at(
          node,
          `alias *${node.source} refers to no anchor — define "&${node.source}" before using it`,
        );
      }
      return;
    }
    writtenValues += 1;
    if (isMap(node)) {
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        writtenValues += 1; // the key, as sizeOf counts it
        const key = pair.key as Node | null;
        if (!isScalar(key)) {
          if (key) at(key, 'keys must be plain names, not lists, mappings or aliases');
        } else {
          const name = String(key.value);
          const first = seen.get(name);
          if (first) {
            const { line, column } = position(first.range?.[0] ?? 0);
            at(
              key,
              `duplicate key "${name}" — it is already set at line ${line}, column ${column}; YAML would silently keep only one, so remove one of them`,
            );
          } else {
            seen.set(name, key);
          }
        }
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  if (problems.length > 0 || aliases.length === 0) return problems;

  // Expanded size of each node, memoised; an alias counts as the whole node it repeats.
  const sizes = new Map<unknown, number>();
  const sizeOf = (node: unknown, depth: number): number => {
    if (depth > 1000) return Infinity; // an alias inside the node it names
    if (isAlias(node)) return sizeOf(node.resolve(doc), depth + 1);
    const known = sizes.get(node);
    if (known !== undefined) return known;
    let size = 1;
    if (isMap(node)) {
      for (const pair of node.items) size += 1 + sizeOf(pair.value, depth + 1);
    } else if (isSeq(node)) {
      for (const item of node.items) size += sizeOf(item, depth + 1);
    }
    sizes.set(node, size);
    return size;
  };
  const total = sizeOf(doc.contents, 0);
  if (total - writtenValues > MAX_ALIAS_EXPANSION) {
    let largest = aliases[0];
    for (const alias of aliases) if (sizeOf(alias, 0) > sizeOf(largest, 0)) largest = alias;
    at(
      largest,
      `aliases expand this file by more than ${MAX_ALIAS_EXPANSION} values (a "billion laughs" pattern) — use anchors (&name) and aliases (*name) only for small repeated values`,
    );
  }
  return problems;
}
