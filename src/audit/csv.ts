/**
 * The audit CSV's bytes (SPEC §6): RFC 4180 with CRLF line endings (the RFC's, and what
 * spreadsheets expect), UTF-8 without a BOM, a header row, and the columns of `AUDIT_COLUMNS`.
 *
 * Formula injection: a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return is
 * written with a leading `'`, so a spreadsheet shows it as text instead of running it.
 * `parseAuditCsv` returns cells exactly as written, `'` included: the prefix cannot be told
 * apart from a value that really starts with `'`, so it is never taken off silently.
 * `unneutralizeCell` takes it off for display. Restore matches on account ids, group ids and
 * resource ids, which never start with those characters, so the prefix never touches them.
 */
import { InputError } from '../errors.js';
import {
  AUDIT_COLUMNS,
  type AuditColumn,
  type AuditOutcome,
  type AuditPhase,
  type AuditRow,
} from './types.js';

export const AUDIT_LINE_END = '\r\n';

export const AUDIT_HEADER = AUDIT_COLUMNS.join(',') + AUDIT_LINE_END;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export const AUDIT_PHASES: readonly AuditPhase[] = ['plan', 'apply', 'restore'];

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = [
  'planned',
  'upcoming',
  'protected',
  'needs-idp-change',
  'needs-manual',
  'needs-review',
  'skipped-collateral',
  'refused',
  'applied',
  'partial',
  'unverified',
  'already-absent',
  'skipped-now-active',
  'skipped-now-excluded',
  'skipped-policy-changed',
  'failed',
  'dry-run',
  'restored',
];

/** `'=SUM(A1)` for `=SUM(A1)`; anything else unchanged. */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** For display: `=SUM(A1)` for `'=SUM(A1)`. Only a `'` before a formula character is taken off. */
export function unneutralizeCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

export function csvCell(value: string): string {
  const safe = neutralizeFormula(value);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One row, CRLF-terminated. */
export function formatAuditRow(row: AuditRow): string {
  return AUDIT_COLUMNS.map((column) => csvCell(row[column])).join(',') + AUDIT_LINE_END;
}

export function formatAuditCsv(rows: Iterable<AuditRow>): string {
  const parts = [AUDIT_HEADER];
  for (const row of rows) parts.push(formatAuditRow(row));
  return parts.join('');
}

/**
 * Strict RFC 4180 reading of an audit CSV (CRLF or LF line endings; a final line ending is
 * optional). The header must be exactly `AUDIT_COLUMNS`; every row must have every column and a
 * known phase and outcome. Errors name `source` and the line.
 */
export function parseAuditCsv(text: string, source = 'audit CSV'): AuditRow[] {
  const records = parseRecords(text.startsWith('\uFEFF') ? text.slice(1) : text, source);
  if (records.length === 0) throw new InputError(`${source}: the audit CSV is empty`);
  const [header, ...rows] = records;
  if (header.fields.join(',') !== AUDIT_COLUMNS.join(',')) {
    throw new InputError(
      `${source}:1: not an audit CSV of this version: the header must be ${AUDIT_COLUMNS.join(',')}`,
    );
  }
  const phases = new Set<string>(AUDIT_PHASES);
  const outcomes = new Set<string>(AUDIT_OUTCOMES);
  return rows.map(({ fields, line }) => {
    if (fields.length !== AUDIT_COLUMNS.length) {
      throw new InputError(
        `${source}:${line}: the row has ${fields.length} fields, expected ${AUDIT_COLUMNS.length} (a cut-off or edited file?)`,
      );
    }
    const row = {} as Record<AuditColumn, string>;
    AUDIT_COLUMNS.forEach((column, i) => {
      row[column] = fields[i]!;
    });
    if (!phases.has(row.phase)) {
      throw new InputError(`${source}:${line}: unknown phase ${JSON.stringify(row.phase)}`);
    }
    if (!outcomes.has(row.outcome)) {
      throw new InputError(`${source}:${line}: unknown outcome ${JSON.stringify(row.outcome)}`);
    }
    return row as AuditRow;
  });
}

interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

function parseRecords(text: string, source: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let atFieldStart = true;
  const endRecord = (): void => {
    fields.push(field);
    records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    atFieldStart = true;
  };
  while (i < text.length) {
    const ch = text[i];
    if (atFieldStart && ch === '"') {
      // Quoted field: up to the closing quote, `""` being one quote.
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new InputError(
            `${source}:${start}: a quoted field is never closed (a cut-off file?)`,
          );
        }
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      const after = text[i];
      if (after !== undefined && after !== ',' && after !== '\r' && after !== '\n') {
        throw new InputError(`${source}:${line}: unexpected text after a closing quote`);
      }
      atFieldStart = false;
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] !== '\n') {
        throw new InputError(`${source}:${line}: a bare carriage return outside quotes`);
      }
      endRecord();
      i += ch === '\r' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (ch === '"') {
      throw new InputError(`${source}:${line}: a quote inside an unquoted field`);
    }
    field += ch;
    atFieldStart = false;
    i++;
  }
  // A last record without a line ending still counts; an empty trailing line does not.
  if (!atFieldStart || fields.length > 0 || field !== '') endRecord();
  return records;
}
