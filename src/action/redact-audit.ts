/**
 * The audit CSV as committed to the audit branch: `redact` removes emails (and, with `all`,
 * names) from everything written to git, while the artifact keeps the full CSV for the auditor.
 * Works on the CSV text (RFC 4180) so that it applies to whatever the writer produced, including
 * the partial file of a cancelled run.
 */
import { AUDIT_COLUMNS } from '../audit/types.js';
import type { Redact } from '../inputs.js';

/** Splits RFC 4180 text into records of raw (still quoted) fields, keeping the line ends. */
function parseRecords(text: string): Array<{ fields: string[]; end: string }> {
  const records: Array<{ fields: string[]; end: string }> = [];
  let fields: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      // A quoted field: up to the closing quote that is not doubled.
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
          j = text.length;
          break;
        }
        if (text[q + 1] === '"') {
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      field = text.slice(i, j);
      i = j;
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      const end = c === '\r' && text[i + 1] === '\n' ? '\r\n' : c;
      fields.push(field);
      records.push({ fields, end });
      fields = [];
      field = '';
      i += end.length;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ fields, end: '' });
  }
  return records;
}

const EMAIL_LIKE = /[^\s@<>()[\]"',;:|`]+@[^\s@<>()[\]"',;:|`]+\.[^\s@<>()[\]"',;:|`]+/g;

function unquote(field: string): string {
  return field.startsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field;
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function redactAuditCsv(text: string, redact: Redact): string {
  if (redact === 'none') return text;
  const email = AUDIT_COLUMNS.indexOf('email');
  const name = AUDIT_COLUMNS.indexOf('name');
  const detail = AUDIT_COLUMNS.indexOf('detail');
  const records = parseRecords(text);
  return records
    .map(({ fields, end }, index) => {
      if (index === 0 || fields.length !== AUDIT_COLUMNS.length) {
        return fields.join(',') + end;
      }
      const out = [...fields];
      const personName = unquote(out[name]);
      if (out[email] !== '') out[email] = '[redacted]';
      if (redact === 'all' && out[name] !== '') out[name] = '[redacted]';
      let text = unquote(out[detail]).replace(EMAIL_LIKE, '[email redacted]');
      if (redact === 'all' && personName.trim().length >= 3) {
        text = text.split(personName).join('[name redacted]');
      }
      out[detail] = quote(text);
      return out.join(',') + end;
    })
    .join('');
}
