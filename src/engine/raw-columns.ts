/**
 * The raw layer's layout, shared by every engine. Each raw row carries its lineage, then the record
 * as received:
 *
 * - JSON, NDJSON, Parquet and HTTP pages: `record`, the JSON object;
 * - CSV: `raw_text`, the record's line(s) as read, and nothing more: staging cuts it into fields
 *   by the file's dialect (a quote-free line is split on the delimiter; a line holding a quote is
 *   cut by the grammar of csv-grammar.ts) and finds a field by its place in the file's header
 *   (`audit.ingested_files.csv_header`). Storing the line alone is the cheapest way to keep a
 *   record as received: a column per field cost DuckDB twice the time of reading the file, and a
 *   JSON object per record cost PostgreSQL more than the copy.
 *
 * `parse_error` is set exactly when the record could not be parsed (then `record` is null and
 * `raw_text` holds what was read).
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
