import { quoteIdentifier } from '../identifiers.ts';
import type { ExportTarget, Session } from '../types.ts';

/**
 * DuckDB's own writers for `Engine.exportQuery`: the DuckDB adapter's COPY ... TO, and the one
 * module of `engine/duckdb/` besides file-reader.ts another adapter may import (ESLint's zones say
 * so): PostgreSQL hands a query's rows over as CSV with their exact types, and a scratch DuckDB
 * writes Parquet, JSON and NDJSON from it, so both engines write the same files.
 */

/** COPY's options for a target: CSV with a header, a JSON array, NDJSON, Parquet (hive-partitioned). */
export function copyOptions(target: ExportTarget): string {
  switch (target.format) {
    case 'csv':
      return 'FORMAT csv, HEADER true';
    case 'json':
      return 'FORMAT json, ARRAY true';
    case 'ndjson':
      return 'FORMAT json';
    case 'parquet':
      return target.partitionBy === undefined
        ? 'FORMAT parquet'
        : `FORMAT parquet, PARTITION_BY (${quoteIdentifier(target.partitionBy)})`;
  }
}

/** `COPY (select) TO 'path' (...)`: DuckDB writes the file, streamed, never holding the result. */
export function copyTo(select: string, target: ExportTarget): string {
  return `COPY (${select}) TO ${sqlString(target.path)} (${copyOptions(target)})`;
}

export interface HandedOverColumn {
  /** The column's name in the result (any text: it reaches SQL as a string literal). */
  name: string;
  /** The DuckDB type to read it as, e.g. DECIMAL(18,2), DATE, TIMESTAMP, VARCHAR. */
  type: string;
}

/**
 * Writes the rows of a CSV file without a header (RFC 4180 quoting with '"', NULL an empty unquoted
 * field, an empty text `""`) as `target`, every column read as its stated type: nothing is sniffed,
 * so a DECIMAL(18,2) stays one and a text column of digits stays text.
 */
export async function writeCsvAs(
  duck: Session,
  csvPath: string,
  columns: readonly HandedOverColumn[],
  target: ExportTarget,
): Promise<number> {
  const types = columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
  const reader =
    `read_csv(${sqlString(csvPath)}, header = false, auto_detect = false, delim = ',', quote = '"', ` +
    `escape = '"', allow_quoted_nulls = false, columns = {${types}})`;
  const { rowsAffected } = await duck.execute(copyTo(`SELECT * FROM ${reader}`, target));
  return rowsAffected;
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
