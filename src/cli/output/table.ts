/** Aligned plain-text tables: a header, a rule, and one line per row. */
export interface TableColumn {
  header: string;
  align?: 'left' | 'right';
}

export function renderTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) =>
    Math.max(displayWidth(column.header), ...rows.map((row) => displayWidth(row[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => pad(cells[i] ?? '', widths[i] ?? 0, column.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(row)),
  ]
    .map((l) => `${l}\n`)
    .join('');
}

/** Width in terminal columns, counting code points (good enough for names, numbers and symbols). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const _ of text) width += 1;
  return width;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}
