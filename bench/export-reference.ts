/**
 * The reference of `bench/export.ts`, run in a child process of its own: DuckDB's own
 * `COPY (SELECT * FROM table) TO file` on the warehouse file strata exports from, attached read-only
 * as strata attaches it. Prints `{"ms": <COPY's time>, "rows": n}` on stdout.
 *
 *   node --import tsx bench/export-reference.ts <warehouse.duckdb> <schema.table> <csv|parquet|json|ndjson> <out> [memory_limit]
 */
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckDbMemorySettings } from '../src/engine/duckdb/memory-budget.ts';

const [warehouse, table, format, out, memoryLimit] = process.argv.slice(2);
if (!warehouse || !table || !format || !out)
  throw new Error('usage: export-reference.ts <warehouse> <table> <format> <out>');
const options: Record<string, string> = {
  csv: 'FORMAT csv, HEADER true',
  parquet: 'FORMAT parquet',
  json: 'FORMAT json, ARRAY true',
  ndjson: 'FORMAT json',
};
const sql = (text: string) => `'${text.replace(/'/g, "''")}'`;
const instance = await DuckDBInstance.create(':memory:', {
  preserve_insertion_order: 'true',
  // The same budget strata's engine is given for engine.memoryLimit.
  ...(memoryLimit ? duckDbMemorySettings(memoryLimit) : {}),
});
const connection = await instance.connect();
await connection.run(`ATTACH ${sql(warehouse)} AS strata_db (READ_ONLY)`);
await connection.run('USE strata_db');
const started = performance.now();
const result = await connection.run(
  `COPY (SELECT * FROM ${table}) TO ${sql(out)} (${options[format] ?? ''})`,
);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, rows: Number(result.rowsChanged) })}\n`);
connection.closeSync();
instance.closeSync();
