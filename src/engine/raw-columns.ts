import { createHash } from 'node:crypto';

/**
 * The raw layer's layout, shared by every engine. Each raw row carries its lineage, then the record
 * as received:
 *
 * - JSON, NDJSON, Parquet and HTTP pages: `record`, the JSON object;
 * - CSV: one text column per header field (`rawCsvColumn`). No JSON is built for a CSV record: on
 *   PostgreSQL, parsing it into `jsonb` costs more than copying the file, and staging reads a
 *   column faster than a key of a JSON text. A record whose line holds no quote is exactly its
 *   fields joined by the delimiter, so its `raw_text` is null and the line is rebuilt when needed
 *   (the file's column order is in `audit.ingested_files.line_columns`); quoted, multi-line and
 *   malformed records keep their line(s) as read in `raw_text`.
 *
 * `parse_error` is set exactly when the record could not be parsed (then `record` and the CSV
 * columns are null and `raw_text` holds what was read). CSV rows loaded before the columns existed
 * hold their record as JSON; staging reads either.
 */
export const RAW_COLUMNS = [
  'ingestion_id',
  'run_id',
  'load_date',
  'source_file',
  'record_position',
  'source_line',
  'ingested_at',
  'record',
  'raw_text',
  'parse_error',
] as const;

/** Names staging gives its own columns beside the raw row's (record_key, strata_*). */
const RESERVED = new Set<string>([...RAW_COLUMNS, 'record_key']);
const READABLE = /^(?!strata_)[a-z_][a-z0-9_]{0,62}$/;
const HASHED = /^c_[0-9a-f]{16}$/;

/**
 * The raw column holding a CSV header field. A lower-case identifier keeps its own name, so the raw
 * table reads like the file; any other header ("Order Date", "ID", a lineage column's name or one
 * staging uses, a name too long for PostgreSQL) gets `c_` and 16 hex digits of its sha256. Lower case only, because
 * DuckDB compares quoted identifiers without case: "ID" and "id" must not meet in one table.
 */
export function rawCsvColumn(header: string): string {
  if (READABLE.test(header) && !RESERVED.has(header) && !HASHED.test(header)) return header;
  return `c_${createHash('sha256').update(header, 'utf8').digest('hex').slice(0, 16)}`;
}
