/**
 * What the batch readers' tests compare between files landed together and files landed alone:
 * raw.orders' rows (a JSON or Parquet record as text), the file ledger and the per-date ledger.
 */
export const RAW_RECORDS = `select source_file, record_position, source_line, cast(record as varchar) as record, raw_text, parse_error
  from raw.orders order by source_file, record_position`;
export const FILES_LOADED = `select path, records, malformed, unknown_fields, missing_fields from audit.ingested_files order by path`;
export const SOURCE_LOADS = `select cast(load_date as varchar) as load_date, received, staged, quarantined, duplicates, reconciled
  from audit.source_loads order by load_date`;
