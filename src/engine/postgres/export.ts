import { createWriteStream } from 'node:fs';
import { StrataError } from '../../errors/strata-error.ts';
import { type HandedOverColumn, writeCsvAs } from '../duckdb/file-writer.ts';
import type { ColumnInfo, Dialect, ExportTarget, Session, SqlValue, Statement } from '../types.ts';
import type { ScratchDuckDb } from './bulk.ts';

/**
 * `exportQuery` on PostgreSQL. The server has one writer of its own, COPY ... TO STDOUT in CSV: its
 * bytes stream into the file (CSV), or into a scratch DuckDB's hand-over file, which DuckDB reads
 * with the query's exact column types and writes as Parquet, JSON or NDJSON — the same writer, so
 * the same files, as on DuckDB. Everything runs in one READ ONLY transaction.
 */

/** A session that can stream COPY ... TO STDOUT into a file (the adapter's own sessions). */
export interface CopyOutSession extends Session {
  copyToFile(sql: string, path: string, flags: 'w' | 'a'): Promise<number>;
}

export async function exportPostgres(
  session: CopyOutSession,
  query: Statement,
  target: ExportTarget,
  scratch: ScratchDuckDb,
  dialect: Dialect,
): Promise<{ rows: number }> {
  const sql = inlineParameters(query.sql, query.params ?? [], dialect);
  return session.transaction(async () => {
    await session.execute('SET TRANSACTION READ ONLY');
    const { columns } = await session.query(`SELECT * FROM (${sql}\n) AS strata_export LIMIT 0`);
    const copy = copyOut(sql, columns);
    if (target.format === 'csv') {
      // COPY's header would be the positional aliases: the names go first, written here.
      await writeHeader(target.path, columns);
      return { rows: await session.copyToFile(copy, target.path, 'a') };
    }
    const scales = await numericScales(session, sql, columns);
    return scratch.use(async (duck, _table, csvPath) => {
      await session.copyToFile(copy, csvPath, 'w');
      const handed = columns.map((c, i): HandedOverColumn => ({
        name: c.name,
        type: scales.get(i) ?? duckdbType(c.type),
      }));
      return { rows: await writeCsvAs(duck, csvPath, handed, target) };
    });
  });
}

/** The alias list that names a query's columns by position (no result name reaches SQL). */
function positional(sql: string, columns: readonly ColumnInfo[]): string {
  return `(${sql}\n) AS strata_export(${columns.map((_c, i) => `strata_c${i + 1}`).join(', ')})`;
}

/**
 * A NUMERIC column without a precision (what sum() or round() of a NUMERIC gives) holds values of
 * any scale: the DECIMAL that holds them all exactly is found from the values themselves — DuckDB's
 * DECIMAL(38, the largest scale), as DuckDB types such a sum — in one pass over the result, only
 * when there is such a column. Integer parts too long for it leave the column DOUBLE.
 */
async function numericScales(
  session: Session,
  sql: string,
  columns: readonly ColumnInfo[],
): Promise<Map<number, string>> {
  const free = columns.flatMap((c, i) => (c.type === 'NUMERIC' ? [i] : []));
  const scales = new Map<number, string>();
  if (free.length === 0) return scales;
  const items = free.flatMap((i) => [
    `max(scale(strata_c${i + 1})) AS s${i}`,
    `CAST(max(abs(trunc(strata_c${i + 1}))) AS text) AS m${i}`,
  ]);
  const { rows } = await session.query(`SELECT ${items.join(', ')} FROM ${positional(sql, columns)}`);
  const row = rows[0] ?? {};
  for (const i of free) {
    const scale = Number(row[`s${i}`] ?? 0);
    const digits = String(row[`m${i}`] ?? '0').length;
    scales.set(i, digits + scale <= 38 ? `DECIMAL(38,${scale})` : 'DOUBLE');
  }
  return scales;
}

/**
 * COPY of the query's rows as CSV without a header. Its columns are taken by position (the alias
 * list), so no result name reaches SQL, and booleans are written `true`/`false` as DuckDB writes
 * them (COPY's own text is `t`/`f`).
 */
function copyOut(sql: string, columns: readonly ColumnInfo[]): string {
  const alias = (i: number) => `strata_c${i + 1}`;
  const items = columns.map((c, i) => (c.type === 'BOOLEAN' ? `CAST(${alias(i)} AS text)` : alias(i)));
  const select = `SELECT ${items.join(', ')} FROM ${positional(sql, columns)}`;
  return `COPY (${columns.length > 0 ? select : sql}) TO STDOUT (FORMAT csv, HEADER false)`;
}

async function writeHeader(path: string, columns: readonly ColumnInfo[]): Promise<void> {
  const header = `${columns.map((c) => (/[",\r\n]/.test(c.name) ? `"${c.name.replace(/"/g, '""')}"` : c.name)).join(',')}\n`;
  const out = createWriteStream(path, { flags: 'wx' });
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(header, () => resolve());
  });
}

/**
 * The DuckDB type a PostgreSQL column is read back as (format_type's spelling, upper-case): exact
 * where DuckDB has the type — NUMERIC(p,s) up to 38 digits stays DECIMAL(p,s), DATE, TIMESTAMP —
 * and text otherwise (intervals, arrays, ranges, bytea: their PostgreSQL text). A NUMERIC without a
 * precision is typed from its values (numericScales); DOUBLE only when they do not fit a DECIMAL.
 */
export function duckdbType(type: string): string {
  const numeric = /^NUMERIC\((\d+),(\d+)\)$/.exec(type.replace(/\s+/g, ''));
  if (numeric) return Number(numeric[1]) <= 38 ? `DECIMAL(${numeric[1]},${numeric[2]})` : 'DOUBLE';
  if (/^TIMESTAMP(\(\d\))? WITHOUT TIME ZONE$/.test(type)) return 'TIMESTAMP';
  if (/^TIMESTAMP(\(\d\))? WITH TIME ZONE$/.test(type)) return 'TIMESTAMPTZ';
  if (/^TIME(\(\d\))? WITHOUT TIME ZONE$/.test(type)) return 'TIME';
  const direct: Record<string, string> = {
    SMALLINT: 'SMALLINT',
    INTEGER: 'INTEGER',
    BIGINT: 'BIGINT',
    NUMERIC: 'DOUBLE',
    REAL: 'FLOAT',
    'DOUBLE PRECISION': 'DOUBLE',
    BOOLEAN: 'BOOLEAN',
    DATE: 'DATE',
    UUID: 'UUID',
    JSON: 'JSON',
    JSONB: 'JSON',
  };
  return direct[type] ?? 'VARCHAR';
}

/**
 * COPY takes no parameters: the values go into its text as literals. Only `$n` outside quotes,
 * identifiers, comments and dollar-quoted strings is a parameter; strings are escaped string
 * literals (standard_conforming_strings is on: the adapter refuses a server without it), numbers
 * finite, so no value can change the statement.
 */
export function inlineParameters(sql: string, params: readonly SqlValue[], dialect: Dialect): string {
  if (params.length === 0) return sql;
  const literal = (index: number): string => {
    if (index < 1 || index > params.length) {
      throw new StrataError('INTERNAL', `the export's SQL names $${index}, which has no value`);
    }
    const value = params[index - 1];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (typeof value === 'bigint') return `(${value.toString()})`;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new StrataError('INTERNAL', 'a parameter is not a finite number');
      return `(${String(value)})`;
    }
    return dialect.stringLiteral(value);
  };
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    const skipped =
      /^'(?:[^']|'')*'/.exec(rest) ??
      /^"(?:[^"]|"")*"/.exec(rest) ??
      /^--[^\n]*/.exec(rest) ??
      /^\/\*[\s\S]*?\*\//.exec(rest) ??
      dollarQuoted(rest);
    if (skipped) {
      out += skipped[0];
      i += skipped[0].length;
      continue;
    }
    const parameter = /^\$(\d+)/.exec(rest);
    if (parameter?.[1] !== undefined) {
      out += literal(Number(parameter[1]));
      i += parameter[0].length;
      continue;
    }
    out += sql[i];
    i += 1;
  }
  return out;
}

/** A dollar-quoted string ($$...$$, $tag$...$tag$) at the start of `text`. */
function dollarQuoted(text: string): RegExpExecArray | null {
  const open = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text);
  if (!open) return null;
  const close = text.indexOf(open[0], open[0].length);
  if (close < 0) return null;
  return /^[\s\S]*/.exec(text.slice(0, close + open[0].length));
}
