import { assertIdentifier, quoteIdentifier } from '../identifiers.ts';
import type { Dialect, LogicalType, TableRef } from '../types.ts';

const TYPES: Record<LogicalType, string> = {
  text: 'VARCHAR',
  json: 'JSON',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  quoteIdentifier,
  qualify: (table: TableRef) => `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`,
  type: (logical) => TYPES[logical],
  hashKey: (expressions) =>
    `md5(concat_ws('|', ${expressions.map((e) => `coalesce(CAST(${e} AS VARCHAR), '\\N')`).join(', ')}))`,
  // DuckDB views bind lazily and its DDL is transactional, so drop-then-rename is atomic and safe.
  swapTable: (staged, target) => [
    `DROP TABLE IF EXISTS ${duckdbDialect.qualify(target)}`,
    `ALTER TABLE ${duckdbDialect.qualify(staged)} RENAME TO ${quoteIdentifier(assertIdentifier(target.name))}`,
  ],
  replaceView: (target, selectSql) => [
    `CREATE OR REPLACE VIEW ${duckdbDialect.qualify(target)} AS\n${selectSql}`,
  ],
  castDate: (expression) => `CAST(${expression} AS DATE)`,
  tableChecksum: (table) =>
    `SELECT coalesce(md5(string_agg(row_text, '\n' ORDER BY row_text)), md5('')) AS checksum
FROM (SELECT CAST(t AS VARCHAR) AS row_text FROM ${duckdbDialect.qualify(table)} AS t) AS rows`,
};
