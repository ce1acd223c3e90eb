import type { RawRelations } from '../contracts/compile.ts';
import { loadedFilesFrom } from '../audit/ingested-files.ts';
import { RAW_COLUMNS } from '../engine/raw-columns.ts';
import type { Dialect, TableRef } from '../engine/types.ts';
import { loadDateIndex } from '../materialize/server-features.ts';

/** The raw layer's table for a source: append-only, one row per record as received. */
export function createRawTable(d: Dialect, table: TableRef): string {
  return `CREATE TABLE IF NOT EXISTS ${d.qualify(table)} (
  ingestion_id ${d.type('text')} NOT NULL,
  run_id ${d.type('text')} NOT NULL,
  load_date ${d.type('date')} NOT NULL,
  source_file ${d.type('text')} NOT NULL,
  record_position ${d.type('bigint')},
  source_line ${d.type('bigint')},
  ingested_at ${d.type('timestamp')} NOT NULL,
  record ${d.type('json')},
  raw_text ${d.type('text')},
  parse_error ${d.type('text')}
)`;
}

/**
 * On a server (capabilities.keyIndexes): the load-date index of a source's raw or staging table
 * (loadDateIndex). Raw's rows of a date are found by it when staging types them and the quarantine
 * reads their texts; staging's when it replaces a date and when the models reading it select the
 * run's dates.
 */
export function indexLoadDates(d: Dialect, table: TableRef): string[] {
  return loadDateIndex(d, table, 'load_date');
}

/**
 * On a server (capabilities.analyze): raw's statistics, of the columns queries filter and join
 * on, after records were appended (the statements take their count). Its records are never
 * filtered on, and sampling their texts was most of its ANALYZE.
 */
export function analyzeRaw(d: Dialect, raw: TableRef): string[] {
  return d.analyzeAfterWrite(
    raw,
    RAW_COLUMNS.filter((column) => column !== 'record' && column !== 'raw_text'),
  );
}

/**
 * What staging types for some load dates: the raw rows of the current version of every file of a
 * source — the newest version that loaded (a newer version that could not be read is reported, and
 * the last good one stays in use rather than losing the date's data) — and the files' layouts.
 */
export function currentRaw(
  d: Dialect,
  raw: TableRef,
  source: string,
  dates: readonly string[],
): RawRelations {
  const dateList = sqlDateList(d, dates);
  const loaded = loadedFilesFrom(d, source);
  return {
    rows: `SELECT r.* FROM ${d.qualify(raw)} AS r
WHERE r.load_date IN (${dateList})
  AND r.ingestion_id IN (
    SELECT ingestion_id FROM (
      SELECT ingestion_id, row_number() OVER (PARTITION BY path ORDER BY ingested_at DESC, run_id DESC) AS newest
      ${loaded}
    ) AS versions WHERE newest = 1
  )`,
    // A version loaded again later (restored) is recorded without its layout: any record of it tells.
    files: `SELECT ingestion_id, max(csv_header) AS csv_header, max(line_delimiter) AS line_delimiter,
  max(csv_quote) AS csv_quote, max(csv_escape) AS csv_escape
${loaded} AND load_date IN (${dateList}) GROUP BY ingestion_id`,
  };
}

/** Dates as an SQL IN list; no dates is a list that matches nothing (an empty IN list is not SQL). */
export function sqlDateList(d: Dialect, dates: readonly string[]): string {
  if (dates.length === 0) return 'CAST(NULL AS DATE)';
  return dates.map((date) => `CAST(${d.stringLiteral(date)} AS DATE)`).join(', ');
}
