import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AUDIT_HEADER, formatAuditRow, parseAuditCsv } from '../../../src/audit/csv.js';
import { auditRow } from '../../../src/audit/rows.js';
import type { AuditRow } from '../../../src/audit/types.js';
import { AuditWriter } from '../../../src/audit/writer.js';
import { InputError } from '../../../src/errors.js';

function outcomeRow(i: number): AuditRow {
  return auditRow({
    timestamp: `2026-11-30T06:00:0${i}.000Z`,
    run_id: '1',
    plan_id: '2026-11-30-a1b2c3d4',
    phase: 'apply',
    account_id: `acc-${i}`,
    email: i === 2 ? '=cmd@example.com' : `u${i}@example.com`,
    operation: 'remove-group-membership',
    target: '{"directoryId":"d","groupId":"g","groupName":"jira, users"}',
    outcome: i === 3 ? 'failed' : 'applied',
    detail: i === 3 ? 'HTTP 500\nafter 4 attempts' : '',
  });
}

describe('AuditWriter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-writer-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves a valid partial audit on disk after every row, before close', () => {
    const path = join(dir, 'nested', 'audit.csv');
    const writer = AuditWriter.open(path);
    expect(readFileSync(path, 'utf8')).toBe(AUDIT_HEADER);
    for (let i = 1; i <= 4; i++) {
      writer.write(outcomeRow(i));
      // Read by another handle while the writer is still open: what a crash would leave.
      const onDisk = readFileSync(path, 'utf8');
      expect(parseAuditCsv(onDisk, path).map((r) => r.account_id)).toEqual(
        Array.from({ length: i }, (_, k) => `acc-${k + 1}`),
      );
    }
    expect(writer.rowsWritten).toBe(4);
    writer.close();
    expect(readFileSync(path, 'utf8')).toBe(
      AUDIT_HEADER + [1, 2, 3, 4].map((i) => formatAuditRow(outcomeRow(i))).join(''),
    );
  });

  it('continues an existing audit without a second header', () => {
    const path = join(dir, 'audit.csv');
    const first = AuditWriter.open(path);
    first.write(outcomeRow(1));
    first.close();
    const second = AuditWriter.open(path);
    second.writeAll([outcomeRow(2), outcomeRow(3)]);
    second.close();
    const text = readFileSync(path, 'utf8');
    expect(text.split(AUDIT_HEADER)).toHaveLength(2);
    expect(parseAuditCsv(text)).toHaveLength(3);
  });

  it('ends a row cut off by a crash, so that later rows stay whole', () => {
    const path = join(dir, 'audit.csv');
    writeFileSync(path, AUDIT_HEADER + formatAuditRow(outcomeRow(1)));
    appendFileSync(path, formatAuditRow(outcomeRow(2)).slice(0, 30));
    const writer = AuditWriter.open(path);
    writer.write(outcomeRow(3));
    writer.close();
    const lines = readFileSync(path, 'utf8').split('\r\n');
    expect(lines[2]).toBe(formatAuditRow(outcomeRow(2)).slice(0, 30));
    expect(() => parseAuditCsv(readFileSync(path, 'utf8'), 'audit.csv')).toThrow(
      'audit.csv:3: the row has',
    );
    expect(lines[3].startsWith('2026-11-30T06:00:03.000Z,')).toBe(true);
  });

  it('refuses to append to a file that is not an audit CSV', () => {
    const path = join(dir, 'notes.csv');
    writeFileSync(path, 'name,email\r\n');
    expect(() => AuditWriter.open(path)).toThrow(InputError);
    expect(readFileSync(path, 'utf8')).toBe('name,email\r\n');
  });

  it('refuses writes after close', () => {
    const writer = AuditWriter.open(join(dir, 'audit.csv'));
    writer.close();
    expect(() => writer.write(outcomeRow(1))).toThrow('closed');
  });
});
