import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  AUDIT_HEADER,
  csvCell,
  formatAuditCsv,
  formatAuditRow,
  parseAuditCsv,
  unneutralizeCell,
} from '../../../src/audit/csv.js';
import { redactAuditCsv, redactAuditRow } from '../../../src/audit/redact.js';
import { actionAuditRow, auditRow, planAuditRows } from '../../../src/audit/rows.js';
import { operationFromAudit, operationTarget } from '../../../src/audit/target.js';
import { AUDIT_COLUMNS, type AuditRow } from '../../../src/audit/types.js';
import { InputError } from '../../../src/errors.js';
import { finalizePlan } from '../../../src/plan/plan-file.js';
import type { Plan } from '../../../src/plan/types.js';
import { action, samplePlanBody } from '../plan/sample-plan.js';

const GOLDEN = new URL('./golden/plan-audit.csv', import.meta.url);

/** The sample plan plus one account whose Atlassian data is built to break spreadsheets. */
function smallPlan(): Plan {
  const body = samplePlanBody();
  body.actions.push(
    action({
      id: 'act-00000000000000ff',
      accountId: '712020:0e9c6d1a-hostile',
      name: '=HYPERLINK("http://evil.example","click")',
      email: '-2+3@example.com',
      reason: 'inactive 45 days, "quoted", with commas',
      notes: ['line one\nline two', '@SUM(A1:A9)'],
      groups: ['+cmd'],
      operations: [
        {
          type: 'remove-group-membership',
          directoryId: 'dir-0001',
          groupId: 'f0f0f0f0-0000-0000-0000-000000000009',
          groupName: '\tTabbed, "group"',
        },
      ],
    }),
  );
  return finalizePlan(body);
}

const CONTEXT = {
  runId: '9876543210',
  timestamp: '2026-11-30T06:00:05.123Z',
  prNumber: 42,
  approvedBy: ['alice', 'bob'],
};

describe('audit CSV bytes', () => {
  it('writes a small plan exactly as the golden file (RFC 4180, CRLF, UTF-8, no BOM)', () => {
    const csv = formatAuditCsv(planAuditRows(smallPlan(), CONTEXT));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, csv);
    const golden = readFileSync(GOLDEN);
    expect(Buffer.from(csv, 'utf8').equals(golden)).toBe(true);
    expect(golden[0]).not.toBe(0xef);
    expect(csv.split('\r\n')[0]).toBe(AUDIT_COLUMNS.join(','));
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\r(?!")/);
  });

  it('has the SPEC header and one row per decision', () => {
    expect(AUDIT_HEADER).toBe(
      'timestamp,run_id,plan_id,phase,rule_id,account_id,email,name,product,site,last_active,inactive_days,operation,target,outcome,detail,policy_commit,plan_digest,pr_number,approved_by\r\n',
    );
    const plan = smallPlan();
    const rows = planAuditRows(plan, CONTEXT);
    // 6 actions: 1 + 2 + 1 + 1 operations, 1 without operations, 1 hostile; then protected and upcoming.
    expect(rows.map((r) => `${r.account_id.slice(-3)} ${r.operation} ${r.outcome}`)).toEqual([
      'e01 remove-group-membership planned',
      'e02 revoke-role planned',
      'e02 remove-group-membership planned',
      'e03 remove-group-membership planned',
      'e04 remove-group-membership needs-idp-change',
      'e05  skipped-collateral',
      'ile remove-group-membership planned',
      'e06  protected',
      'e08  upcoming',
    ]);
    expect(rows[3]).toMatchObject({
      timestamp: '2026-11-30T06:00:05.123Z',
      run_id: '9876543210',
      plan_id: plan.planId,
      phase: 'plan',
      rule_id: 'confluence-keep-140 confluence-inactive-60d',
      last_active: '2026-09-01T10:00:00.000Z',
      inactive_days: '200',
      target:
        '{"directoryId":"dir-0001","groupId":"c0c0c0c0-0000-0000-0000-000000000002","groupName":"confluence-users"}',
      detail: 'inactive 200 days, longest inactive (keepAtMost 140)',
      policy_commit: '0123456789abcdef0123456789abcdef01234567',
      plan_digest: plan.digest,
      pr_number: '42',
      approved_by: 'alice bob',
    });
    expect(rows[7].detail).toBe('excluded (account): Executive');
    expect(rows[8].detail).toBe('eligible from 2026-12-04T10:00:00.000Z if still inactive');
  });

  it('prefixes formula-looking cells with an apostrophe', () => {
    for (const start of ['=', '+', '-', '@', '\t']) {
      expect(csvCell(`${start}1+1`)).toBe(`'${start}1+1`);
    }
    expect(csvCell('\r1')).toBe('"\'\r1"');
    expect(csvCell("'=already")).toBe("'=already");
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('5b10ac8d82e05b22cc7d4e01')).toBe('5b10ac8d82e05b22cc7d4e01');
    expect(csvCell('')).toBe('');
  });

  it('quotes commas, quotes, CR and LF, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('one\ntwo')).toBe('"one\ntwo"');
    expect(csvCell('one\r\ntwo')).toBe('"one\r\ntwo"');
    expect(csvCell('=x,"y"')).toBe('"\'=x,""y"""');
  });

  it('writes the hostile row so that no cell starts a formula', () => {
    const row = planAuditRows(smallPlan(), CONTEXT).find((r) => r.account_id.endsWith('hostile'))!;
    const line = formatAuditRow(row);
    expect(line).toContain(',-2+3@example.com,'.replace('-', "'-"));
    expect(line).toContain(',"\'=HYPERLINK(""http://evil.example"",""click"")",');
    expect(line).toContain(
      '"inactive 45 days, ""quoted"", with commas; line one\nline two; @SUM(A1:A9)"',
    );
    const parsed = parseAuditCsv(AUDIT_HEADER + line)[0];
    for (const column of AUDIT_COLUMNS) expect(parsed[column]).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('reading an audit CSV back', () => {
  it('round-trips: cells as written, prefix kept; writing them again gives the same bytes', () => {
    const csv = formatAuditCsv(planAuditRows(smallPlan(), CONTEXT));
    const rows = parseAuditCsv(csv, 'audit.csv');
    expect(rows).toHaveLength(9);
    const hostile = rows.find((r) => r.account_id === '712020:0e9c6d1a-hostile')!;
    expect(hostile.name).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(unneutralizeCell(hostile.name)).toBe('=HYPERLINK("http://evil.example","click")');
    expect(unneutralizeCell("'plain")).toBe("'plain");
    expect(hostile.detail).toBe(
      'inactive 45 days, "quoted", with commas; line one\nline two; @SUM(A1:A9)',
    );
    expect(formatAuditCsv(rows)).toBe(csv);
    const original = planAuditRows(smallPlan(), CONTEXT);
    rows.forEach((row, i) => {
      for (const column of AUDIT_COLUMNS) {
        expect(unneutralizeCell(row[column])).toBe(original[i][column]);
      }
    });
  });

  it('accepts LF line endings, a missing final newline and a BOM', () => {
    const csv = formatAuditCsv(planAuditRows(smallPlan(), CONTEXT));
    // LF outside quoted cells only: the quoted detail keeps its own line break.
    const lf = csv.replace(/\r\n/g, '\n');
    expect(parseAuditCsv(lf)).toEqual(parseAuditCsv(csv));
    expect(parseAuditCsv('\uFEFF' + csv.slice(0, -2))).toEqual(parseAuditCsv(csv));
  });

  it('rejects a wrong header, a cut-off row, bad quoting and unknown outcomes, naming the line', () => {
    const csv = formatAuditCsv(planAuditRows(smallPlan(), CONTEXT));
    const fail = (text: string, fragment: string): void => {
      expect(() => parseAuditCsv(text, 'audit.csv')).toThrow(InputError);
      expect(() => parseAuditCsv(text, 'audit.csv')).toThrow(fragment);
    };
    fail('', 'audit.csv: the audit CSV is empty');
    fail(csv.replace('approved_by', 'approver'), 'audit.csv:1: not an audit CSV of this version');
    // The hostile row's detail holds a line break, so the last row starts on line 11.
    fail(csv.slice(0, csv.length - 120), 'audit.csv:11: the row has');
    fail(AUDIT_HEADER + 'a"b' + ',x'.repeat(19), 'audit.csv:2: a quote inside an unquoted field');
    fail(AUDIT_HEADER + '"abc', 'audit.csv:2: a quoted field is never closed');
    fail(AUDIT_HEADER + '"a"b' + ',x'.repeat(19), 'unexpected text after a closing quote');
    fail(csv.replace(',planned,', ',done,'), 'audit.csv:2: unknown outcome "done"');
    fail(AUDIT_HEADER + ',x'.repeat(19).slice(1) + ',\r', 'bare carriage return');
  });
});

describe('operations in the audit', () => {
  it('records each operation so that restore can rebuild it exactly from the row alone', () => {
    const ops = [
      { type: 'remove-group-membership', directoryId: 'd-1', groupId: 'g-1', groupName: 'a, "b"' },
      {
        type: 'revoke-role',
        role: 'atlassian/user',
        resourceId: 'ari:cloud:jira-software::site/1',
      },
      { type: 'suspend', directoryId: 'd-1' },
    ] as const;
    const plan = smallPlan();
    for (const op of ops) {
      const row = actionAuditRow(plan, plan.actions[0], op, {
        ...CONTEXT,
        phase: 'apply',
        outcome: 'applied',
        detail: 'seat gone after re-read',
      });
      const [back] = parseAuditCsv(AUDIT_HEADER + formatAuditRow(row));
      expect(operationFromAudit(back.operation, back.target, 'audit.csv:2')).toEqual(op);
    }
    expect(operationTarget(ops[0])).toBe(
      '{"directoryId":"d-1","groupId":"g-1","groupName":"a, \\"b\\""}',
    );
    expect(operationTarget(ops[1])).toBe(
      '{"resourceId":"ari:cloud:jira-software::site/1","role":"atlassian/user"}',
    );
    expect(operationTarget(ops[2])).toBe('{"directoryId":"d-1"}');
  });

  it('refuses targets that are not what the operation needs', () => {
    expect(() => operationFromAudit('delete-user', '{}', 'a.csv:9')).toThrow(
      'a.csv:9: unknown operation "delete-user"',
    );
    expect(() => operationFromAudit('suspend', 'not json', 'a.csv:9')).toThrow('is not JSON');
    expect(() => operationFromAudit('suspend', '[]', 'a.csv:9')).toThrow('not a JSON object');
    expect(() => operationFromAudit('suspend', '{}', 'a.csv:9')).toThrow('has no directoryId');
    expect(() => operationFromAudit('revoke-role', '{"role":"atlassian/user"}', 'a.csv:9')).toThrow(
      'has no resourceId',
    );
    expect(() => operationFromAudit('suspend', '{"directoryId":"d","x":1}', 'a.csv:9')).toThrow(
      'unexpected "x"',
    );
  });

  it('builds apply rows the same way as plan rows', () => {
    const plan = smallPlan();
    const a = plan.actions[0];
    const row = actionAuditRow(plan, a, a.operations[0], {
      runId: '1',
      timestamp: '2026-12-01T00:00:00.000Z',
      phase: 'apply',
      outcome: 'applied',
      detail: 'seat gone after re-read',
      approvedBy: 'alice',
      prNumber: 7,
    });
    const planned = planAuditRows(plan, CONTEXT)[0];
    for (const column of [
      'rule_id',
      'account_id',
      'email',
      'product',
      'operation',
      'target',
    ] as const) {
      expect(row[column]).toBe(planned[column]);
    }
    expect(row).toMatchObject({
      phase: 'apply',
      outcome: 'applied',
      approved_by: 'alice',
      pr_number: '7',
    });
    expect(auditRow({ phase: 'apply', outcome: 'refused', detail: 'digest mismatch' })).toEqual(
      Object.fromEntries(
        AUDIT_COLUMNS.map((c) => [
          c,
          c === 'phase'
            ? 'apply'
            : c === 'outcome'
              ? 'refused'
              : c === 'detail'
                ? 'digest mismatch'
                : '',
        ]),
      ),
    );
  });
});

describe('redaction for the audit branch copy', () => {
  const rows = planAuditRows(smallPlan(), CONTEXT);
  const ada = rows[0];

  it('keeps everything with none', () => {
    expect(redactAuditRow(ada, 'none')).toBe(ada);
  });

  it('drops emails with emails, everywhere in the row', () => {
    const row: AuditRow = { ...ada, detail: 'asked by ada@example.com' };
    expect(redactAuditRow(row, 'emails')).toMatchObject({
      email: '[redacted]',
      name: 'Ada Lovelace',
      detail: 'asked by [email redacted]',
    });
  });

  it('drops names and emails with all', () => {
    const row: AuditRow = { ...ada, detail: 'Ada Lovelace asked to keep access' };
    expect(redactAuditRow(row, 'all')).toMatchObject({
      email: '[redacted]',
      name: '[redacted]',
      detail: '[name redacted] asked to keep access',
      account_id: ada.account_id,
    });
  });

  it('redacts a whole CSV and keeps it a valid audit CSV', () => {
    const csv = formatAuditCsv(rows);
    const redacted = redactAuditCsv(csv, 'all', 'audit.csv');
    expect(redacted).not.toMatch(/@example\.com/);
    expect(redacted).not.toContain('Ada Lovelace');
    const back = parseAuditCsv(redacted);
    expect(back.map((r) => r.account_id)).toEqual(rows.map((r) => r.account_id));
    expect(redactAuditCsv(csv, 'none')).toBe(csv);
  });
});
