/**
 * Fitting a rendered document into a size limit (PR bodies and comments: 65,536 characters;
 * job summaries: 1 MiB). The document is fixed text plus row tables; when the whole does not
 * fit, the largest tables are cut first — every table keeps rows up to a common size cap, found
 * by binary search — and each cut table says how many rows it left out and where the full list
 * is. Sizes are UTF-8 bytes, an upper bound on GitHub's character count.
 */
import { formatCount, utf8Length } from './format.js';

export interface FixedPart {
  kind: 'fixed';
  text: string;
}

export interface TablePart {
  kind: 'table';
  /** What one row is, plural, for the notes ("users of rule `x`"). Markdown. */
  label: string;
  /** Header and separator lines, each ending in `\n`. */
  header: string;
  /** One line per row, each ending in `\n`. */
  rows: string[];
}

/** Where the notice about left-out rows goes, when anything is left out. */
export interface NoticePart {
  kind: 'notice';
}

export type DocumentPart = FixedPart | TablePart | NoticePart;

export interface FitOptions {
  maxLength: number;
  /** Markdown naming where the full list is (the plan file path, a link to it). */
  fullListHint: string;
}

export interface FitResult {
  text: string;
  totalRows: number;
  omittedRows: number;
  /** Tables that lost rows. */
  shortenedTables: number;
  /** True when even the fixed text did not fit and had to be cut. */
  hardCut: boolean;
}

interface MeasuredTable {
  part: TablePart;
  headerBytes: number;
  /** prefix[k] = bytes of header + first k rows. */
  prefix: number[];
}

export function fitDocument(parts: DocumentPart[], options: FitOptions): FitResult {
  const tables: MeasuredTable[] = [];
  let fixedBytes = 0;
  let totalRows = 0;
  for (const part of parts) {
    if (part.kind === 'fixed') fixedBytes += utf8Length(part.text);
    if (part.kind !== 'table') continue;
    const headerBytes = utf8Length(part.header);
    const prefix = [headerBytes];
    for (const row of part.rows) prefix.push(prefix[prefix.length - 1] + utf8Length(row));
    tables.push({ part, headerBytes, prefix });
    totalRows += part.rows.length;
  }
  const fullBytes = tables.reduce((sum, t) => sum + t.prefix[t.prefix.length - 1], 0);
  if (fixedBytes + fullBytes <= options.maxLength) {
    return finish(parts, new Map(), '', options, totalRows);
  }

  // The notice's size with the largest numbers it can show, so the real one always fits.
  const reserve = utf8Length(noticeText(totalRows, totalRows, tables.length, options));
  const budget = options.maxLength - fixedBytes - reserve;
  const shownAt = (cap: number): Map<TablePart, number> => {
    const shown = new Map<TablePart, number>();
    for (const table of tables) shown.set(table.part, rowsWithin(table, cap));
    return shown;
  };
  const costAt = (cap: number): number => {
    let cost = 0;
    for (const table of tables) cost += tableBytes(table, rowsWithin(table, cap), options);
    return cost;
  };

  // Largest cap whose total cost fits; cap 0 shows every table as a one-line note.
  let low = 0;
  let high = Math.max(...tables.map((t) => t.prefix[t.prefix.length - 1]), 0) + 1;
  if (costAt(low) > budget) {
    return finish(parts, shownAt(0), 'cut', options, totalRows);
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (costAt(middle) <= budget) low = middle;
    else high = middle;
  }
  return finish(parts, shownAt(low), 'notice', options, totalRows);
}

function rowsWithin(table: MeasuredTable, cap: number): number {
  const total = table.prefix.length - 1;
  if (table.prefix[total] <= cap) return total;
  if (table.headerBytes > cap) return 0;
  // Largest k with prefix[k] <= cap.
  let low = 0;
  let high = total;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (table.prefix[middle] <= cap) low = middle;
    else high = middle;
  }
  return low;
}

function tableBytes(table: MeasuredTable, shown: number, options: FitOptions): number {
  const total = table.prefix.length - 1;
  if (shown === total) return table.prefix[total];
  const note = utf8Length(omissionNote(table.part, shown, options));
  return shown === 0 ? note : table.prefix[shown] + note;
}

export function omissionNote(table: TablePart, shown: number, options: FitOptions): string {
  const total = table.rows.length;
  const omitted = total - shown;
  return shown === 0
    ? `_All ${formatCount(total)} ${table.label} left out to fit the size limit; the full list is in ${options.fullListHint}._\n`
    : `\n_Showing ${formatCount(shown)} of ${formatCount(total)} ${table.label}; ${formatCount(omitted)} left out to fit the size limit. The full list is in ${options.fullListHint}._\n`;
}

function noticeText(
  omitted: number,
  total: number,
  tablesShortened: number,
  options: FitOptions,
): string {
  return (
    `> [!NOTE]\n> To fit GitHub's size limit (${formatCount(options.maxLength)} characters), this text leaves out ` +
    `${formatCount(omitted)} of ${formatCount(total)} detail rows from ${formatCount(tablesShortened)} ` +
    `${tablesShortened === 1 ? 'table' : 'tables'}; each shortened table says what it leaves out. ` +
    `The full list is in ${options.fullListHint}.\n\n`
  );
}

function finish(
  parts: DocumentPart[],
  shown: Map<TablePart, number>,
  mode: '' | 'notice' | 'cut',
  options: FitOptions,
  totalRows: number,
): FitResult {
  let omittedRows = 0;
  let shortenedTables = 0;
  for (const [table, count] of shown) {
    if (count < table.rows.length) {
      omittedRows += table.rows.length - count;
      shortenedTables++;
    }
  }
  const out: string[] = [];
  for (const part of parts) {
    if (part.kind === 'fixed') out.push(part.text);
    else if (part.kind === 'notice') {
      if (omittedRows > 0) {
        out.push(noticeText(omittedRows, totalRows, shortenedTables, options));
      }
    } else {
      const count = shown.get(part) ?? part.rows.length;
      if (count === part.rows.length) {
        out.push(part.header, ...part.rows);
      } else {
        if (count > 0) out.push(part.header, ...part.rows.slice(0, count));
        out.push(omissionNote(part, count, options));
      }
    }
  }
  let text = out.join('');
  let hardCut = false;
  if (mode === 'cut' || utf8Length(text) > options.maxLength) {
    text = hardCutText(text, options);
    hardCut = true;
  }
  return { text, totalRows, omittedRows, shortenedTables, hardCut };
}

/** Last resort (the fixed text alone is too long): cut at a line end and say so. */
function hardCutText(text: string, options: FitOptions): string {
  const tail = `\n\n_…cut here to fit the size limit. The full plan is in ${options.fullListHint}._\n`;
  const room = options.maxLength - utf8Length(tail);
  if (room <= 0) return truncateToBytes(tail.trim(), options.maxLength);
  let head = truncateToBytes(text, room);
  const lineEnd = head.lastIndexOf('\n');
  if (lineEnd > 0) head = head.slice(0, lineEnd);
  return head + tail;
}

function truncateToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = utf8Length(ch);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end);
}
