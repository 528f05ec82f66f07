/**
 * The CLI's audit CSV file: rows appended synchronously as outcomes happen, so a crash leaves a
 * true partial record. The header is written when the file is new; later runs append.
 *
 * TEMPORARY: a minimal RFC 4180 writer until `src/audit`'s `AuditWriter` lands; then this file
 * only opens that writer.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AUDIT_COLUMNS, type AuditRow } from '../audit/types.js';

export interface AuditFile {
  path: string;
  append(row: AuditRow): void;
  /** Rows appended by this run. */
  readonly rows: number;
  close(): void;
}

function cell(value: string): string {
  // Spreadsheets run cells that start with these: make them text (SPEC §6).
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function openAuditFile(file: string): AuditFile {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const isNew = !existsSync(file) || statSync(file).size === 0;
  const fd = openSync(file, 'a');
  if (isNew) writeSync(fd, `${AUDIT_COLUMNS.join(',')}\r\n`);
  let rows = 0;
  return {
    path: file,
    append(row) {
      writeSync(fd, `${AUDIT_COLUMNS.map((c) => cell(row[c])).join(',')}\r\n`);
      rows += 1;
    },
    get rows() {
      return rows;
    },
    close() {
      closeSync(fd);
    },
  };
}
