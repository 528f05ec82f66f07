/**
 * Redaction of audit rows for the copy committed to the audit branch (git). The CSV artifact
 * keeps everything (SPEC §4); `redact` decides what the git copy drops.
 */
import { REDACTED, type Redact, redactFreeText } from '../plan/redact.js';
import { AUDIT_HEADER, formatAuditRow, parseAuditCsv } from './csv.js';
import type { AuditRow } from './types.js';

export function redactAuditRow(row: AuditRow, redact: Redact): AuditRow {
  if (redact === 'none') return row;
  const names = redact === 'all' && row.name !== '' ? [row.name] : [];
  return {
    ...row,
    email: row.email === '' ? '' : REDACTED,
    name: redact === 'all' && row.name !== '' ? REDACTED : row.name,
    detail: redactFreeText(row.detail, redact, names),
    target: redactFreeText(row.target, redact),
  };
}

/** A whole audit CSV redacted: parse, redact every row, write again (byte-stable for `none`). */
export function redactAuditCsv(text: string, redact: Redact, source?: string): string {
  if (redact === 'none') return text;
  const parts = [AUDIT_HEADER];
  for (const row of parseAuditCsv(text, source))
    parts.push(formatAuditRow(redactAuditRow(row, redact)));
  return parts.join('');
}
