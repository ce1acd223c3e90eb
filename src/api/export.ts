import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { quoteIdentifier } from '../engine/identifiers.ts';
import type { Engine, Statement } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { Project } from '../project/load-project.ts';
import { assertIsoDate } from '../time/dates.ts';
import { XLSX_MAX_ROWS, assertFitsSheet, interrupted, writeXlsx } from './export-xlsx.ts';
import { type ProjectOptions, withProject } from './open-project.ts';

export const EXPORT_FORMATS = ['csv', 'parquet', 'xlsx', 'json', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What to export and how: the same for `strata export` and GET /api/<project>/export/<model>. */
export interface ExportRequest {
  /** A model, seed or source table of the project (its name, as `ref()` takes it). */
  model?: string;
  /** Or one read-only query. */
  sql?: string;
  format: ExportFormat;
  /** The model's load dates (its `load_date_column`), inclusive. */
  from?: string;
  to?: string;
  /** Parquet only: a hive-partitioned folder on this column. */
  partitionBy?: string;
}

export interface ExportDestination {
  /** Absolute path of the file (or, with partitionBy, the folder) to write. */
  out: string;
  /** Replace an existing file, or a folder that is not empty. */
  overwrite?: boolean;
  /** Aborted: the export stops and its partial file is removed (EXPORT_INTERRUPTED). */
  signal?: AbortSignal;
  /** Excel's sheet limit, header included; a smaller one for tests. */
  xlsxMaxRows?: number;
}

export interface ExportSummary {
  path: string;
  format: ExportFormat;
  /** What was read: `schema.table`, or `query`. */
  source: string;
  rows: number;
  /** Bytes written (every file of a partitioned folder). */
  bytes: number;
  /** Files written: 1, or a partitioned folder's Parquet files. */
  files: number;
  durationMs: number;
}

/** `strata export`: opens the project's warehouse, writes the file, closes it. */
export function exportData(
  options: ProjectOptions & ExportRequest & ExportDestination,
): Promise<ExportSummary> {
  return withProject(options, (project, engine) => exportFromWarehouse(project, engine, options, options));
}

/**
 * Writes a model's rows (or a query's) to `destination.out` in `request.format`, streamed: CSV,
 * Parquet, JSON and NDJSON by the engine's own writers (`Engine.exportQuery`), XLSX from the
 * engine's row batches. The file is written under a temporary name beside it and renamed once
 * whole, so no half file is ever left at the path: a failure or an interruption removes it.
 */
export async function exportFromWarehouse(
  project: Project,
  engine: Engine,
  request: ExportRequest,
  destination: ExportDestination,
): Promise<ExportSummary> {
  const started = performance.now();
  checkRequest(request);
  const { query, source, sheet } = await resolveQuery(project, engine, request);
  const columns = await engine.describeQuery(query.sql, query.params);
  if (request.partitionBy !== undefined && !columns.some((c) => c.name === request.partitionBy)) {
    throw new StrataError(
      'USAGE',
      `--partition-by ${request.partitionBy}: the ${source === 'query' ? 'query' : source} has no such column`,
      {
        hint: `Columns: ${columns.map((c) => c.name).join(', ')}.`,
      },
    );
  }
  const out = destination.out;
  const partitioned = request.partitionBy !== undefined;
  await checkDestination(out, partitioned, destination.overwrite === true);
  await mkdir(dirname(out), { recursive: true });
  const temporary = `${out}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  const { signal } = destination;
  let rows: number;
  try {
    if (signal?.aborted) throw interrupted();
    if (request.format === 'xlsx') {
      const counted = await countRows(engine, query);
      assertFitsSheet(counted, destination.xlsxMaxRows ?? XLSX_MAX_ROWS);
      rows = await writeXlsx(engine, query, columns, temporary, sheet, signal);
    } else {
      const target = {
        format: request.format,
        path: temporary,
        ...(request.partitionBy !== undefined ? { partitionBy: request.partitionBy } : {}),
      };
      ({ rows } = await engine.exportQuery(query, target, signal));
    }
    if (signal?.aborted) throw interrupted();
    await moveInto(temporary, out, partitioned);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (signal?.aborted) throw interrupted();
    throw error;
  }
  const written = await sizeOf(out);
  return {
    path: out,
    format: request.format,
    source,
    rows,
    bytes: written.bytes,
    files: written.files,
    durationMs: Math.round(performance.now() - started),
  };
}

function checkRequest(request: ExportRequest): void {
  if ((request.model === undefined) === (request.sql === undefined)) {
    throw new StrataError('USAGE', 'name a model to export, or give --sql, not both', {
      hint: 'strata export fact_orders --format csv --out orders.csv, or strata export --sql "select ..." --format csv --out x.csv',
    });
  }
  if (!(EXPORT_FORMATS as readonly string[]).includes(request.format)) {
    throw new StrataError('USAGE', `format ${JSON.stringify(request.format)} is not one strata exports`, {
      hint: `Formats: ${EXPORT_FORMATS.join(', ')}.`,
    });
  }
  if (request.partitionBy !== undefined && request.format !== 'parquet') {
    throw new StrataError(
      'USAGE',
      '--partition-by writes a hive-partitioned Parquet folder: it needs --format parquet',
      {
        hint: 'Add --format parquet, or leave --partition-by out.',
      },
    );
  }
  if (request.from !== undefined) assertIsoDate(request.from, '--from');
  if (request.to !== undefined) assertIsoDate(request.to, '--to');
  if (request.from !== undefined && request.to !== undefined && request.from > request.to) {
    throw new StrataError('DATE_INVALID', `--from ${request.from} is after --to ${request.to}`, {
      hint: 'Swap the two dates.',
    });
  }
}

/** The SELECT to export: a model's table (by its validated name), filtered on its load dates; or the query given. */
async function resolveQuery(
  project: Project,
  engine: Engine,
  request: ExportRequest,
): Promise<{ query: Statement; source: string; sheet: string }> {
  const dated = request.from !== undefined || request.to !== undefined;
  if (request.sql !== undefined) {
    if (dated) {
      throw new StrataError(
        'EXPORT_NO_LOAD_DATE',
        '--from/--to filter a model on its load_date_column; --sql has none',
        {
          hint: "Put the dates in the query: --sql \"select ... where load_date between '2025-01-01' and '2025-01-31'\".",
        },
      );
    }
    await engine.assertSingleQuery(request.sql);
    return { query: { sql: request.sql }, source: 'query', sheet: 'query' };
  }
  const name = request.model ?? '';
  const table = project.graph.tables.get(name);
  if (!table) {
    const names = [...project.graph.tables.keys()].sort();
    throw new StrataError(
      'EXPORT_MODEL_UNKNOWN',
      `no model, seed or source table is named ${JSON.stringify(name)}`,
      {
        hint: `Models of this project: ${names.slice(0, 30).join(', ')}${names.length > 30 ? ', ...' : ''}.`,
      },
    );
  }
  const qualified = engine.dialect.qualify(table.target);
  const source = `${table.target.schema}.${table.target.name}`;
  if ((await engine.listColumns(table.target)).length === 0) {
    throw new StrataError('EXPORT_NOT_BUILT', `${name} (${source}) is not in the warehouse yet`, {
      hint: `Build it first: strata run --select ${name}`,
    });
  }
  if (!dated) return { query: { sql: `SELECT * FROM ${qualified}` }, source, sheet: name };
  const node = project.graph.nodes.get(table.node);
  const column = node?.kind === 'model' && table.node === name ? node.config.loadDateColumn : undefined;
  if (column === undefined) {
    throw new StrataError(
      'EXPORT_NO_LOAD_DATE',
      `--from/--to: ${name} has no load_date_column to filter on`,
      {
        hint: `Export it whole, or filter it yourself: --sql "select * from ${source} where ..."`,
      },
    );
  }
  const conditions: string[] = [];
  const params: string[] = [];
  for (const [bound, operator] of [
    [request.from, '>='],
    [request.to, '<='],
  ] as const) {
    if (bound === undefined) continue;
    params.push(bound);
    conditions.push(`${quoteIdentifier(column)} ${operator} CAST($${params.length} AS DATE)`);
  }
  return {
    query: { sql: `SELECT * FROM ${qualified} WHERE ${conditions.join(' AND ')}`, params },
    source,
    sheet: name,
  };
}

/** The result's rows, counted by the engine (read through `stream`, which reads only). */
async function countRows(engine: Engine, query: Statement): Promise<number> {
  let count = 0;
  for await (const batch of engine.stream(
    `SELECT count(*) AS n FROM (${query.sql}\n) AS strata_counted`,
    query.params,
  )) {
    count += Number(batch.rows[0]?.n ?? 0);
  }
  return count;
}

/**
 * A file is not written over unless asked (--overwrite), like `cp -n`; a partitioned folder must be
 * missing or empty, as DuckDB's own COPY ... PARTITION_BY asks (its OVERWRITE clears the folder).
 */
async function checkDestination(out: string, partitioned: boolean, overwrite: boolean): Promise<void> {
  const existing = await stat(out).catch(() => undefined);
  if (!existing) return;
  if (partitioned && !existing.isDirectory()) {
    throw new StrataError('EXPORT_OUT_EXISTS', `${out} is a file; --partition-by writes a folder there`, {
      hint: 'Name a folder with --out.',
    });
  }
  if (!partitioned && existing.isDirectory()) {
    throw new StrataError('EXPORT_OUT_EXISTS', `${out} is a folder; name the file to write with --out`, {
      hint: 'With --partition-by (Parquet), --out names a folder.',
    });
  }
  if (overwrite) return;
  if (partitioned && (await readdir(out)).length === 0) return;
  throw new StrataError(
    'EXPORT_OUT_EXISTS',
    partitioned ? `the folder ${out} is not empty` : `${out} exists already`,
    { hint: 'Pass --overwrite to replace it, or name another --out.' },
  );
}

/**
 * The finished file takes its place in one rename (a reader sees the old file or the new one). A
 * folder cannot be renamed over another: the old one is moved aside first and removed after.
 */
async function moveInto(temporary: string, out: string, partitioned: boolean): Promise<void> {
  if (!partitioned) {
    await rename(temporary, out);
    return;
  }
  const existing = await stat(out).catch(() => undefined);
  if (!existing) {
    await rename(temporary, out);
    return;
  }
  const aside = `${out}.old-${process.pid}-${randomBytes(3).toString('hex')}`;
  await rename(out, aside);
  await rename(temporary, out);
  await rm(aside, { recursive: true, force: true });
}

async function sizeOf(path: string): Promise<{ bytes: number; files: number }> {
  const info = await stat(path);
  if (!info.isDirectory()) return { bytes: info.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const inner = await sizeOf(join(path, entry.name));
    bytes += inner.bytes;
    files += inner.files;
  }
  return { bytes, files };
}
