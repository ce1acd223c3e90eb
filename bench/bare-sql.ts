/**
 * The bare-DuckDB reference: the SQL that reads a feed's files straight into a table with the
 * feed's columns and types (read_csv / read_json / read_parquet), nothing else. It is the physical
 * limit of ingestion on this machine: strata's ingest reads the same bytes and then validates,
 * records lineage and quarantines. Pure (no driver, no filesystem).
 */
import type { Column, FeedSpec } from '../src/generate/schema.ts';

const ISO = '%Y-%m-%dT%H:%M:%SZ';
const SPACE = '%Y-%m-%d %H:%M:%S';

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The DuckDB type a contract would give the column. */
export function columnType(column: Column): string {
  if (column.sqlType) return column.sqlType;
  switch (column.type) {
    case 'id':
    case 'string':
    case 'enum':
      return 'VARCHAR';
    case 'int':
      return 'BIGINT';
    case 'decimal':
      return 'DECIMAL(12,2)';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'date':
      return 'DATE';
    case 'bool':
      return 'BOOLEAN';
    case 'raw':
      return 'JSON';
    case 'list':
      return `STRUCT(${(column.fields ?? []).map((f) => `"${f.name}" ${columnType(f)}`).join(', ')})[]`;
  }
}

function columnsStruct(spec: FeedSpec): string {
  return `{${spec.columns.map((c) => `${sqlString(c.name)}: ${sqlString(columnType(c))}`).join(', ')}}`;
}

function timestampFormat(spec: FeedSpec): string {
  return spec.columns.some((c) => c.type === 'timestamp' && c.timestampStyle === 'space') ? SPACE : ISO;
}

/**
 * CREATE TABLE <table> AS a read of the files with the feed's columns and types. Damaged records
 * are skipped (ignore_errors), as a loader without validation would; the row count tells how many
 * made it.
 */
export function bareReadSql(spec: FeedSpec, files: readonly string[], table: string): string {
  const list = `[${files.map(sqlString).join(', ')}]`;
  const columns = columnsStruct(spec);
  const ts = sqlString(timestampFormat(spec));
  let read: string;
  switch (spec.format) {
    case 'csv':
      // union_by_name: a day whose header gained or renamed a column still lines up by name.
      read = `read_csv(${list}, header = true, union_by_name = true, types = ${columns}, timestampformat = ${ts}, dateformat = '%Y-%m-%d', ignore_errors = true)`;
      break;
    case 'json':
    case 'ndjson':
      read = `read_json(${list}, format = ${spec.format === 'json' ? "'array'" : "'newline_delimited'"}, columns = ${columns}, timestampformat = ${ts}, dateformat = '%Y-%m-%d', ignore_errors = true)`;
      break;
    case 'parquet':
      read = `(SELECT ${spec.columns.map((c) => `CAST("${c.name}" AS ${columnType(c)}) AS "${c.name}"`).join(', ')} FROM read_parquet(${list}, union_by_name = true))`;
      break;
  }
  const names = spec.columns.map((c) => `"${c.name}"`).join(', ');
  return `CREATE TABLE "${table}" AS SELECT ${names} FROM ${read}`;
}

/**
 * The typed table the row-by-row reference inserts into. No key constraint: with a primary key and
 * ON CONFLICT DO NOTHING (seed 004's idempotency) DuckDB's single-row inserts are about ten times
 * slower still, so the plain form is the reference's most favourable case.
 */
export function createTableSql(spec: FeedSpec, table: string): string {
  return `CREATE TABLE "${table}" (${spec.columns.map((c) => `"${c.name}" ${columnType(c)}`).join(', ')})`;
}

/**
 * One parameterised INSERT per record (the reference designs' loading loop), one $n per column.
 * Parameters are text, as a loader parsed them from the file; they are cast to the column types
 * in SQL (an empty text is NULL).
 */
export function rowInsertSql(spec: FeedSpec, table: string): string {
  const values = spec.columns.map((c, i) => {
    const type = columnType(c);
    return type === 'VARCHAR' ? `$${i + 1}` : `CAST(NULLIF($${i + 1}, '') AS ${type})`;
  });
  return `INSERT INTO "${table}" VALUES (${values.join(', ')})`;
}
