/**
 * What "well-formed and inert" means for each thing the product writes, checked the same way
 * wherever hostile text from Atlassian could end up: Markdown for GitHub (PR bodies, comments,
 * job summaries), the audit CSV, the plan file, and terminal text.
 */
import { expect } from '@jest/globals';
import { AUDIT_COLUMNS } from '../../../src/audit/types.js';
import { parseAuditCsv } from '../../../src/audit/csv.js';
import { parsePlan, serializePlan, verifyPlanDigest } from '../../../src/plan/plan-file.js';
import type { Plan } from '../../../src/plan/types.js';

/** Bidi overrides and isolates, marks, BOM, and C0 controls other than line breaks. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE_OR_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\uFEFF\u0000-\u0008\u001b]/;
/** What a terminal would act on: C0 controls but tab and line feed, DEL, C1, bidi overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202A-\u202E\u2066-\u2069]/;

/** The HTML the renderers write themselves; anything else is injected. */
const OUR_TAGS = /<\/?(details|summary|b|sub|br)>/g;

/** Every table row has as many cells as its header, and each line of a table is closed. */
function expectTablesWellFormed(markdown: string, where: string): void {
  let columns = -1;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      columns = -1;
      continue;
    }
    const cells = line.split('|').length - 2;
    if (columns === -1) columns = cells;
    expect({ where, line: line.slice(0, 160), closed: line.endsWith('|'), cells }).toEqual({
      where,
      line: line.slice(0, 160),
      closed: true,
      cells: columns,
    });
  }
}

/** The text GitHub scans for mentions and references: after escapes and entities are decoded. */
function visibleText(markdown: string): string {
  return markdown
    .replace(/\\(.)/g, '$1')
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/**
 * Markdown GitHub will render: tables intact, no foreign HTML, no @-mention or issue reference
 * from the data, no formatting or code from the data, no bidi or invisible characters, no line
 * longer than a screenful of text, and within `limit` characters.
 */
export function expectInertMarkdown(markdown: string, where: string, limit = 65_536): void {
  expect({ where, length: markdown.length <= limit }).toEqual({ where, length: true });
  expectTablesWellFormed(markdown, where);
  const withoutChart = markdown.replace(/```mermaid[\s\S]*?```/g, '');
  // The sticky comments' own first line marks them for updating.
  const withoutMarker = withoutChart.replace(/^<!-- license-policy:[a-z-]+ -->$/m, '');
  const withoutQuotes = withoutMarker.replace(/^>( |$)/gm, '');
  expect({ where, html: withoutQuotes.replace(OUR_TAGS, '').match(/<[^>]*>?/g) }).toEqual({
    where,
    html: null,
  });
  const opened = (markdown.match(/<details>/g) ?? []).length;
  expect({ where, details: (markdown.match(/<\/details>/g) ?? []).length }).toEqual({
    where,
    details: opened,
  });
  const visible = visibleText(withoutChart);
  expect({ where, mention: /(^|[^A-Za-z0-9_`])@[A-Za-z0-9]/m.exec(visible)?.[0] ?? null }).toEqual({
    where,
    mention: null,
  });
  // The renderers link the plan PR themselves (`#12`); the data's references must not survive.
  expect({
    where,
    reference: /#1 GH-12|GH-12|licences#3|\(#[0-9]/i.exec(visible)?.[0] ?? null,
  }).toEqual({ where, reference: null });
  expect({
    where,
    link: /:\/\/|www\./i.exec(visible.replace(/\]\(https?:\/\/[^)]*\)/g, ''))?.[0] ?? null,
  }).toEqual({
    where,
    link: null,
  });
  expect({
    where,
    bidi: INVISIBLE_OR_CONTROL.test(markdown),
  }).toEqual({
    where,
    bidi: false,
  });
  expect({
    where,
    bold: markdown.includes('**bold**'),
    evilLink: /[^\\]\[link\]/.test(markdown),
  }).toEqual({
    where,
    bold: false,
    evilLink: false,
  });
  expect({ where, longest: Math.max(...markdown.split('\n').map((l) => l.length)) < 8000 }).toEqual(
    {
      where,
      longest: true,
    },
  );
}

/**
 * The audit CSV: parses strictly (header, 20 columns a row, known outcomes), and no cell a
 * spreadsheet would run as a formula.
 */
export function expectInertCsv(text: string, where: string): void {
  const rows = parseAuditCsv(text, where);
  for (const row of rows) {
    for (const column of AUDIT_COLUMNS) {
      const cell = row[column];
      expect({
        where,
        column,
        formula: /^[=+\-@\t\r]/.test(cell) ? cell.slice(0, 40) : null,
      }).toEqual({
        where,
        column,
        formula: null,
      });
    }
  }
  // Lines end with CRLF; a line break inside a cell only ever appears inside quotes.
  expect(text.endsWith('\r\n')).toBe(true);
}

/** The plan file: reads back strictly, byte for byte, with its digest intact. */
export function expectWellFormedPlanFile(text: string, where: string): Plan {
  const plan = parsePlan(text, where);
  expect(serializePlan(plan)).toBe(text);
  expect(verifyPlanDigest(plan)).toBe(true);
  expect(text.includes('\r')).toBe(false);
  return plan;
}

/** Terminal text (stdout, stderr, logs): no escape sequences or other controls from the data. */
export function expectInertTerminalText(text: string, where: string): void {
  const control = TERMINAL_CONTROL.exec(text);
  expect({ where, control: control ? JSON.stringify(control[0]) : null }).toEqual({
    where,
    control: null,
  });
}
