/** GFM tables from cells that are already escaped (`mdText`, `mdCode`, our own numbers). */

export interface Column {
  title: string;
  align?: 'left' | 'right';
}

export function tableHeader(columns: readonly Column[]): string {
  const titles = columns.map((c) => c.title).join(' | ');
  const rule = columns.map((c) => (c.align === 'right' ? '--:' : '---')).join(' | ');
  return `| ${titles} |\n| ${rule} |\n`;
}

/** Cells must not contain `|` or line breaks; the escapers guarantee that. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |\n`;
}
