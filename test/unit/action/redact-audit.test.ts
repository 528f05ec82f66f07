import { describe, expect, it } from '@jest/globals';
import { redactAuditCsv } from '../../../src/action/redact-audit.js';
import { AUDIT_COLUMNS } from '../../../src/audit/types.js';

const header = AUDIT_COLUMNS.join(',');
function row(cells: Partial<Record<(typeof AUDIT_COLUMNS)[number], string>>): string {
  return AUDIT_COLUMNS.map((c) => cells[c] ?? '').join(',');
}

describe('the audit CSV committed to git under redact', () => {
  const csv =
    [
      header,
      row({
        email: 'ada@acme.example',
        name: 'Ada Fowler',
        outcome: 'applied',
        detail: '"removed ada@acme.example, Ada Fowler from ""jira-users"""',
      }),
      row({ outcome: 'refused', detail: 'no approval' }),
    ].join('\r\n') + '\r\n';

  it('keeps the CSV as is with redact none', () => {
    expect(redactAuditCsv(csv, 'none')).toBe(csv);
  });

  it('removes emails, in their column and in free text, and keeps the rest byte for byte', () => {
    const out = redactAuditCsv(csv, 'emails');
    const lines = out.split('\r\n');
    expect(lines[0]).toBe(header);
    expect(lines[1]).toBe(
      row({
        email: '[redacted]',
        name: 'Ada Fowler',
        outcome: 'applied',
        detail: '"removed [email redacted], Ada Fowler from ""jira-users"""',
      }),
    );
    expect(lines[2]).toBe(row({ outcome: 'refused', detail: 'no approval' }));
    expect(out.endsWith('\r\n')).toBe(true);
  });

  it('removes names too with redact all', () => {
    const out = redactAuditCsv(csv, 'all');
    expect(out).not.toContain('Ada Fowler');
    expect(out).not.toContain('ada@acme.example');
    expect(out.split('\r\n')[1]).toBe(
      row({
        email: '[redacted]',
        name: '[redacted]',
        outcome: 'applied',
        detail: '"removed [email redacted], [name redacted] from ""jira-users"""',
      }),
    );
  });
});
