import { sqlTimestamp } from '../time/timestamps.ts';
import type { CsvDialect } from '../engine/csv-grammar.ts';
import type { Dialect, LogicalType, SqlValue } from '../engine/types.ts';
import { insertRows } from './batched-writes.ts';
import type { AuditConnection } from './values.ts';

/**
 * audit.ingested_files, the file ledger: one row per file version (ingestion id) per run that met
 * it, loaded or failed, with the layout staging needs to cut its CSV lines. The sources write and
 * read it on their session, inside the transaction that lands the file.
 */

/** One row as a source records it. */
export interface IngestedFile {
  ingestionId: string;
  runId: string;
  source: string;
  /** The file's path as the source names it. */
  path: string;
  checksum: string;
  sizeBytes: number;
  loadDate: string;
  status: 'loaded' | 'failed';
  change: 'new' | 'changed' | 'restored';
  ingestedAt: Date;
  /** Null for a file that failed. */
  records: number | null;
  malformed: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** A loaded file's warning (SOURCE_FILE_EMPTY); null for none. */
  warningCode: string | null;
  warningMessage: string | null;
  /** Comma-separated: keys of the records the contract does not know, and contract fields absent. */
  unknownFields: string | null;
  missingFields: string | null;
  /** A CSV file's header (its fields in file order) and dialect; null otherwise. */
  csvHeader: string[] | null;
  csv: CsvDialect | null;
}

/** A loaded version of a file. */
export interface LoadedVersion {
  path: string;
  ingestionId: string;
}

export async function recordIngestedFile(db: AuditConnection, d: Dialect, file: IngestedFile): Promise<void> {
  await recordIngestedFiles(db, d, [file]);
}

/** Columns of audit.ingested_files a source writes, with their types, in the order of ingestedFileValues. */
const FILE_COLUMNS = [
  ['ingestion_id', 'text'],
  ['run_id', 'text'],
  ['source', 'text'],
  ['path', 'text'],
  ['checksum', 'text'],
  ['size_bytes', 'bigint'],
  ['load_date', 'date'],
  ['records', 'bigint'],
  ['malformed', 'bigint'],
  ['status', 'text'],
  ['change', 'text'],
  ['ingested_at', 'timestamp'],
  ['error_code', 'text'],
  ['error_message', 'text'],
  ['unknown_fields', 'text'],
  ['missing_fields', 'text'],
  ['csv_header', 'text'],
  ['line_delimiter', 'text'],
  ['csv_quote', 'text'],
  ['csv_escape', 'text'],
  ['warning_code', 'text'],
  ['warning_message', 'text'],
] as const satisfies readonly (readonly [string, LogicalType])[];
/** Rows per INSERT: a batch of files is recorded in one statement (its parameters well under any limit). */
const FILES_PER_INSERT = 200;

/** Records files in as few statements as it takes (one per FILES_PER_INSERT), in the caller's transaction. */
export async function recordIngestedFiles(
  db: AuditConnection,
  d: Dialect,
  files: readonly IngestedFile[],
): Promise<void> {
  for (let start = 0; start < files.length; start += FILES_PER_INSERT) {
    const chunk = files.slice(start, start + FILES_PER_INSERT);
    const { sql, params } = insertRows(
      d,
      'audit.ingested_files',
      FILE_COLUMNS,
      chunk.map(ingestedFileValues),
    );
    await db.execute(sql, params);
  }
}

function ingestedFileValues(file: IngestedFile): SqlValue[] {
  return [
    file.ingestionId,
    file.runId,
    file.source,
    file.path,
    file.checksum,
    file.sizeBytes,
    file.loadDate,
    file.records,
    file.malformed,
    file.status,
    file.change,
    sqlTimestamp(file.ingestedAt),
    file.errorCode,
    file.errorMessage,
    file.unknownFields,
    file.missingFields,
    file.csvHeader ? JSON.stringify(file.csvHeader) : null,
    ...(file.csv ? [file.csv.delimiter, file.csv.quote, file.csv.escape] : [null, null, null]),
    file.warningCode,
    file.warningMessage,
  ];
}

/**
 * Records how many values of each file version's staged records were rounded (`rounded`: SQL of
 * ingestion_id, rounded_values, see ContractSql.roundedValues), on every row of those versions.
 */
export async function recordRoundedValues(db: AuditConnection, rounded: string): Promise<void> {
  await db.execute(
    `UPDATE audit.ingested_files SET rounded_values = r.rounded_values
     FROM (${rounded}) AS r WHERE audit.ingested_files.ingestion_id = r.ingestion_id`,
  );
}

/** The load dates of a source that any loaded file holds, in order. */
export async function loadedDates(db: AuditConnection, d: Dialect, source: string): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT CAST(load_date AS ${d.type('text')}) AS d FROM audit.ingested_files WHERE source = $1 AND status = 'loaded' ORDER BY 1`,
    [source],
  );
  return rows.map((r) => String(r.d));
}

/** Every loaded version of a source's files, the newest first (by time, then run). */
export async function loadedVersions(db: AuditConnection, source: string): Promise<LoadedVersion[]> {
  const { rows } = await db.query(
    `SELECT path, ingestion_id FROM audit.ingested_files WHERE source = $1 AND status = 'loaded'
     ORDER BY ingested_at DESC, run_id DESC`,
    [source],
  );
  return rows.map((row) => ({ path: String(row.path), ingestionId: String(row.ingestion_id) }));
}

/** The files of a source's load dates as typing needs to know them (csvDialectsOf). */
export interface FileDialects {
  /** The dialects of the CSV files among them, each once (a handful at most). */
  dialects: CsvDialect[];
  /** Every file is a CSV file (has a header), and there is one: their raw rows hold no JSON record. */
  csvOnly: boolean;
}

/**
 * The dialects of a source's CSV files of some load dates, and whether those are all its files, in
 * one query. `dateList` is the dates as an SQL IN list of validated literals.
 */
export async function csvDialectsOf(
  db: AuditConnection,
  source: string,
  dateList: string,
): Promise<FileDialects> {
  const { rows } = await db.query(
    `SELECT DISTINCT CASE WHEN csv_header IS NULL THEN 0 ELSE 1 END AS csv, line_delimiter, csv_quote, csv_escape
     FROM audit.ingested_files WHERE source = $1 AND status = 'loaded' AND load_date IN (${dateList})`,
    [source],
  );
  const csv = rows.filter((r) => Number(r.csv) === 1);
  return {
    dialects: csv.map((r) => ({
      delimiter: String(r.line_delimiter),
      quote: String(r.csv_quote),
      escape: String(r.csv_escape),
    })),
    csvOnly: csv.length > 0 && csv.length === rows.length,
  };
}

/**
 * The FROM clause of a source's loaded files, for SQL that staging builds around it (the current
 * version of each file, the layouts of the files of some dates). The source is a literal: the
 * statement is composed before it runs.
 */
export function loadedFilesFrom(d: Dialect, source: string): string {
  return `FROM audit.ingested_files WHERE source = ${d.stringLiteral(source)} AND status = 'loaded'`;
}
