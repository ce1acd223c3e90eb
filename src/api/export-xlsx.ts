import { type ColumnKind, columnKind } from '../engine/column-kinds.ts';
import type { ColumnInfo, Engine, Row, Statement } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';

/** Excel's rows a sheet, the header row included. */
export const XLSX_MAX_ROWS = 1_048_576;

/** Rows read from the engine at a time: the writer's memory is one batch, whatever the table. */
const BATCH_ROWS = 4096;

const DATE_FORMAT = 'yyyy-mm-dd';
const TIMESTAMP_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * A sheet name Excel accepts: at most 31 characters, none of \ / ? * [ ] :, not starting or ending
 * with an apostrophe, not empty.
 */
export function sheetName(name: string): string {
  const cleaned = name
    .replace(/[\\/?*[\]:]/g, '_')
    .slice(0, 31)
    .replace(/^'+|'+$/g, '');
  return cleaned === '' ? 'export' : cleaned;
}

/**
 * Refuses, before anything is written, a result Excel cannot open whole: `rows` plus the header
 * over `maxRows` (Excel's 1,048,576; tests pass a smaller one).
 */
export function assertFitsSheet(rows: number, maxRows: number): void {
  if (rows + 1 <= maxRows) return;
  throw new StrataError(
    'EXPORT_TOO_MANY_ROWS',
    `the result has ${rows.toLocaleString('en-US')} rows; an Excel sheet holds ${(maxRows - 1).toLocaleString('en-US')} under its header`,
    {
      hint: 'Export it as csv or parquet (no row limit), or take a part of it with --from/--to (or a WHERE in --sql).',
    },
  );
}

/**
 * Writes the query's rows as one sheet of an XLSX file through exceljs's streaming writer: a header
 * row, then each row committed as it comes (the rows of a batch are all it holds). Cells are typed:
 * dates and timestamps as Excel dates (UTC) with a date format, integers and decimals as numbers (an
 * integer beyond 2^53, which a double would change, as its text), booleans as booleans, NULL as an
 * empty cell. This is the one export written in JavaScript: no engine writes XLSX.
 */
export async function writeXlsx(
  engine: Engine,
  query: Statement,
  columns: readonly ColumnInfo[],
  path: string,
  sheet: string,
  signal?: AbortSignal,
): Promise<number> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  const worksheet = workbook.addWorksheet(sheetName(sheet));
  const kinds = columns.map((c) => columnKind(c.type));
  worksheet.columns = columns.map((c, i) => {
    const kind = kinds[i];
    const numFmt = kind === 'date' ? DATE_FORMAT : kind === 'timestamp' ? TIMESTAMP_FORMAT : undefined;
    return {
      header: c.name,
      width: kind === 'timestamp' ? 20 : kind === 'date' ? 12 : Math.min(40, Math.max(10, c.name.length + 2)),
      ...(numFmt ? { style: { numFmt } } : {}),
    };
  });
  let rows = 0;
  for await (const batch of engine.stream(query.sql, query.params, BATCH_ROWS)) {
    if (signal?.aborted) throw interrupted();
    const names = batch.columns.map((c) => c.name);
    for (const row of batch.rows) {
      worksheet.addRow(cells(row, names, kinds)).commit();
    }
    rows += batch.rows.length;
    await drained(worksheet);
  }
  worksheet.commit();
  await workbook.commit();
  return rows;
}

/** Bytes the sheet's zip entry may hold unwritten before the next batch is read. */
const BUFFERED_BYTES = 1 << 20;

/**
 * exceljs's streaming writer (4.4.0, pinned) applies no backpressure: a committed row's XML is
 * handed to the zip entry of its sheet whether or not the compressor keeps up, and what it has not
 * taken accumulates — 584 MiB at 600,000 rows of 23 columns, against 120 MiB at 300,000 with this
 * wait. So between batches the writer waits until that entry (the PassThrough the sheet's stream
 * pipes into) holds less than BUFFERED_BYTES. Its internals are read defensively: a later exceljs
 * without them writes the same file, only without the wait.
 */
async function drained(worksheet: unknown): Promise<void> {
  const pipe = (worksheet as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as
    { _writableState?: { length?: number }; _readableState?: { length?: number } } | undefined;
  const buffered = () => (pipe?._writableState?.length ?? 0) + (pipe?._readableState?.length ?? 0);
  while (buffered() > BUFFERED_BYTES) await new Promise((resolve) => setTimeout(resolve, 5));
}

function cells(row: Row, names: readonly string[], kinds: readonly (ColumnKind | undefined)[]): unknown[] {
  return names.map((name, i) => cellValue(row[name], kinds[i] ?? 'text'));
}

/** A warehouse value (the engines' shapes: see engine/postgres/values.ts) as an exceljs cell value. */
export function cellValue(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'date':
    case 'timestamp':
      return typeof value === 'string' ? excelDate(value) : value;
    case 'integer':
      // A string is an integer a double cannot hold exactly: its digits are kept as text.
      return typeof value === 'bigint' ? bigintCell(value) : value;
    case 'decimal':
    case 'float':
      return typeof value === 'string' ? Number(value) : value;
    case 'boolean':
      return value;
    case 'text':
      return typeof value === 'object' ? JSON.stringify(value) : value;
  }
}

function bigintCell(value: bigint): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}

/**
 * '2025-01-02', '2025-01-02 03:04:05.678' or with an offset ('+00', '+05:30') as a Date at that
 * instant, read as UTC when it has no offset (Excel dates have no zone; exceljs writes UTC). A text
 * that does not read as one stays text.
 */
function excelDate(text: string): Date | string {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}(?::?\d{2})?)?)?$/.exec(
    text,
  );
  if (!match) return text;
  const [, day, time, offset] = match;
  const seconds = time ? time.replace(/(\.\d{3})\d+$/, '$1') : '00:00:00';
  const zone = offset
    ? offset.length === 3
      ? `${offset}:00`
      : offset.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
    : 'Z';
  const date = new Date(`${day}T${seconds}${zone}`);
  return Number.isNaN(date.getTime()) ? text : date;
}

export function interrupted(): StrataError {
  return new StrataError('EXPORT_INTERRUPTED', 'the export was interrupted; the partial file was removed', {
    hint: 'Run the command again to write the whole file.',
  });
}
