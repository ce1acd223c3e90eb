/**
 * `strata export` on both engines: every format read back (CSV and Parquet by DuckDB, XLSX by
 * exceljs's reader, JSON and NDJSON parsed) equals the table — NULLs, dates, timestamps, decimals,
 * a BIGINT beyond 2^53, booleans, text with quotes, commas, a newline and non-ASCII characters. The
 * CSV and NDJSON texts are compared byte for byte with one expected text, so both engines write
 * the same files. Then hive-partitioned Parquet read back with pruning, --from/--to, the XLSX row
 * limit, read-only --sql, --overwrite and an interrupted export.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportData, type ExportRequest } from '../../src/api/export.ts';
import { openDuckDb } from '../../src/engine/duckdb/duckdb-engine.ts';
import type { Engine } from '../../src/engine/types.ts';
import { StrataError } from '../../src/errors/strata-error.ts';
import { TestProject, model } from '../helpers/project.ts';

const TYPED_ROWS = model(
  {
    materialized: 'table',
    load_date_column: 'load_date',
    description: 'Every kind of value an export carries.',
  },
  `
-- Types are cast outside VALUES: PostgreSQL keeps no precision and scale through a VALUES list.
select cast(id as integer) as id, cast(big as bigint) as big, cast(amount as decimal(18,2)) as amount,
  cast(neg as decimal(18,2)) as neg, cast(day as date) as day, cast(stamp as timestamp) as stamp,
  cast(flag as boolean) as flag, note, cast(load_date as date) as load_date
from (values
  (1, '9007199254740993', '0.10', '-12.34', '2024-02-29', '2024-03-01 10:11:12.345', 'true',
   'a "q", b' || chr(10) || 'line ü — 東京', '2025-01-01'),
  (2, null, null, null, null, null, null, null, '2025-01-02'),
  (3, '-5', '1234567890123456.78', '0.00', '1900-01-01', '1970-01-01 00:00:00', 'false', '', '2025-01-02'),
  (4, '42', '-0.01', '99.99', '2024-12-31', '2024-12-31 23:59:59', 'true', 'plain', '2025-01-03')
) as v(id, big, amount, neg, day, stamp, flag, note, load_date)
`,
);

const EXPECTED_CSV = [
  'id,big,amount,neg,day,stamp,flag,note,load_date',
  '1,9007199254740993,0.10,-12.34,2024-02-29,2024-03-01 10:11:12.345,true,"a ""q"", b\nline ü — 東京",2025-01-01',
  '2,,,,,,,,2025-01-02',
  '3,-5,1234567890123456.78,0.00,1900-01-01,1970-01-01 00:00:00,false,"",2025-01-02',
  '4,42,-0.01,99.99,2024-12-31,2024-12-31 23:59:59,true,plain,2025-01-03',
  '',
].join('\n');

const EXPECTED_NDJSON = [
  '{"id":1,"big":9007199254740993,"amount":0.10,"neg":-12.34,"day":"2024-02-29","stamp":"2024-03-01 10:11:12.345","flag":true,"note":"a \\"q\\", b\\nline ü — 東京","load_date":"2025-01-01"}',
  '{"id":2,"big":null,"amount":null,"neg":null,"day":null,"stamp":null,"flag":null,"note":null,"load_date":"2025-01-02"}',
  '{"id":3,"big":-5,"amount":1234567890123456.78,"neg":0.00,"day":"1900-01-01","stamp":"1970-01-01 00:00:00","flag":false,"note":"","load_date":"2025-01-02"}',
  '{"id":4,"big":42,"amount":-0.01,"neg":99.99,"day":"2024-12-31","stamp":"2024-12-31 23:59:59","flag":true,"note":"plain","load_date":"2025-01-03"}',
  '',
].join('\n');

/** The table's values as text, as the warehouse casts them: what CSV and Parquet must give back. */
const TEXT_ROWS = [
  [
    '1',
    '9007199254740993',
    '0.10',
    '-12.34',
    '2024-02-29',
    '2024-03-01 10:11:12.345',
    'true',
    'a "q", b\nline ü — 東京',
    '2025-01-01',
  ],
  ['2', null, null, null, null, null, null, null, '2025-01-02'],
  ['3', '-5', '1234567890123456.78', '0.00', '1900-01-01', '1970-01-01 00:00:00', 'false', '', '2025-01-02'],
  ['4', '42', '-0.01', '99.99', '2024-12-31', '2024-12-31 23:59:59', 'true', 'plain', '2025-01-03'],
];
const COLUMNS = ['id', 'big', 'amount', 'neg', 'day', 'stamp', 'flag', 'note', 'load_date'];

let project: TestProject;
let reader: Engine;

beforeAll(async () => {
  project = await TestProject.create({ 'models/warehouse/typed_rows.sql': TYPED_ROWS });
  const result = await project.run();
  expect(result.summary.status, JSON.stringify(result.summary.tasks?.map((t) => t.error ?? t.status))).toBe(
    'success',
  );
  reader = await openDuckDb({ path: ':memory:' });
});

afterAll(async () => {
  await reader?.close();
  await project?.dispose();
});

function exportTo(
  file: string,
  request: Partial<ExportRequest> & { format: ExportRequest['format'] },
  more = {},
) {
  return exportData({
    ...project.options,
    model: 'typed_rows',
    ...request,
    out: join(project.dir, 'out', file),
    ...more,
  });
}

/** Every value of a relation DuckDB reads, as text (NULL stays null), ordered by id. */
async function asText(relation: string): Promise<(string | null)[][]> {
  const casts = COLUMNS.map((c) => `CAST(${c} AS VARCHAR) AS ${c}`).join(', ');
  const { rows } = await reader.query(`SELECT ${casts} FROM ${relation} ORDER BY CAST(id AS INTEGER)`);
  return rows.map((row) => COLUMNS.map((c) => (row[c] === null ? null : String(row[c]))));
}

/** The warehouse's own text of the table, on either engine. */
async function warehouseText(): Promise<(string | null)[][]> {
  const casts = COLUMNS.map((c) => `CAST(${c} AS VARCHAR) AS ${c}`).join(', ');
  const rows = await project.query(`SELECT ${casts} FROM warehouse.typed_rows ORDER BY id`);
  return rows.map((row) => COLUMNS.map((c) => (row[c] === null ? null : String(row[c]))));
}

function errorCode(error: unknown): string | undefined {
  return error instanceof StrataError ? error.code : undefined;
}

describe('strata export: every format reads back equal to the table', () => {
  it('the warehouse holds what the expectations say', async () => {
    expect(await warehouseText()).toEqual(TEXT_ROWS);
  });

  it('csv: the same bytes on both engines, read back by DuckDB equal to the table', async () => {
    const summary = await exportTo('rows.csv', { format: 'csv' });
    expect(summary).toMatchObject({ rows: 4, files: 1, format: 'csv', source: 'warehouse.typed_rows' });
    expect(await readFile(summary.path, 'utf8')).toBe(EXPECTED_CSV);
    expect(summary.bytes).toBe(Buffer.byteLength(EXPECTED_CSV));
    const path = summary.path.replace(/'/g, "''");
    expect(
      await asText(`read_csv('${path}', header = true, all_varchar = true, allow_quoted_nulls = false)`),
    ).toEqual(TEXT_ROWS);
  });

  it('parquet: exact types (DECIMAL(18,2), DATE, TIMESTAMP, BIGINT, BOOLEAN) and values', async () => {
    const summary = await exportTo('rows.parquet', { format: 'parquet' });
    expect(summary.rows).toBe(4);
    const path = summary.path.replace(/'/g, "''");
    const { rows } = await reader.query(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    const types = Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
    expect(types).toMatchObject({
      big: 'BIGINT',
      amount: 'DECIMAL(18,2)',
      neg: 'DECIMAL(18,2)',
      day: 'DATE',
      stamp: 'TIMESTAMP',
      flag: 'BOOLEAN',
      note: 'VARCHAR',
      load_date: 'DATE',
    });
    expect(await asText(`read_parquet('${path}')`)).toEqual(TEXT_ROWS);
  });

  it('ndjson: one object a line, the same bytes on both engines', async () => {
    const summary = await exportTo('rows.ndjson', { format: 'ndjson' });
    const text = await readFile(summary.path, 'utf8');
    expect(text).toBe(EXPECTED_NDJSON);
    const objects = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects[0]).toMatchObject({
      id: 1,
      amount: 0.1,
      day: '2024-02-29',
      flag: true,
      note: 'a "q", b\nline ü — 東京',
    });
    expect(objects[1]).toMatchObject({ big: null, amount: null, note: null });
  });

  it('json: one array of the same objects', async () => {
    const summary = await exportTo('rows.json', { format: 'json' });
    const text = await readFile(summary.path, 'utf8');
    // The BIGINT beyond 2^53 is written exactly (JSON.parse would round it).
    expect(text).toContain('"big":9007199254740993');
    const parsed = JSON.parse(text) as unknown[];
    const lines = EXPECTED_NDJSON.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(parsed).toEqual(lines);
  });

  it('xlsx: one sheet named after the model, a header row, typed cells', async () => {
    const summary = await exportTo('rows.xlsx', { format: 'xlsx' });
    expect(summary.rows).toBe(4);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(summary.path);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['typed_rows']);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.rowCount).toBe(5);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(COLUMNS);
    const row = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(row(2)).toEqual([
      1,
      '9007199254740993',
      0.1,
      -12.34,
      new Date(Date.UTC(2024, 1, 29)),
      new Date(Date.UTC(2024, 2, 1, 10, 11, 12, 345)),
      true,
      'a "q", b\nline ü — 東京',
      new Date(Date.UTC(2025, 0, 1)),
    ]);
    // NULLs are empty cells.
    const second = sheet.getRow(3);
    expect(second.getCell(1).value).toBe(2);
    for (let c = 2; c <= 8; c++) expect(second.getCell(c).value).toBeNull();
    expect(row(4)).toEqual([
      3,
      -5,
      1234567890123456.8,
      0,
      new Date(Date.UTC(1900, 0, 1)),
      new Date(Date.UTC(1970, 0, 1)),
      false,
      // An empty text is an empty cell, as Excel keeps it.
      undefined,
      new Date(Date.UTC(2025, 0, 2)),
    ]);
    expect(sheet.getRow(2).getCell(5).numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getRow(2).getCell(6).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(2).getCell(3).type).toBe(ExcelJS.ValueType.Number);
    expect(sheet.getRow(2).getCell(7).type).toBe(ExcelJS.ValueType.Boolean);
  });
});

describe('strata export: partitions, dates, limits and refusals', () => {
  it('--partition-by writes a hive folder DuckDB reads back and prunes', async () => {
    const summary = await exportTo('lake', { format: 'parquet', partitionBy: 'load_date' });
    expect(summary.rows).toBe(4);
    expect((await readdir(summary.path)).sort()).toEqual([
      'load_date=2025-01-01',
      'load_date=2025-01-02',
      'load_date=2025-01-03',
    ]);
    expect(summary.files).toBe(3);
    const glob = `${summary.path.replace(/'/g, "''")}/**/*.parquet`;
    const lake = `read_parquet('${glob}', hive_partitioning = true)`;
    expect(await asText(lake)).toEqual(TEXT_ROWS);
    const { rows } = await reader.query(`DESCRIBE SELECT * FROM ${lake}`);
    expect(rows.find((r) => r.column_name === 'load_date')?.column_type).toBe('DATE');
    // A filter on the partition column reads one file of three.
    const plan = await reader.query(
      `EXPLAIN ANALYZE SELECT count(*) FROM ${lake} WHERE load_date = DATE '2025-01-02'`,
    );
    const text = plan.rows.map((r) => Object.values(r).join('\n')).join('\n');
    expect(text).toMatch(/Scanning Files: 1\/3|Total Files Read: 1\b/);
    const filtered = await reader.query(
      `SELECT count(*) AS n FROM ${lake} WHERE load_date = DATE '2025-01-02'`,
    );
    expect(Number(filtered.rows[0]?.n)).toBe(2);
  });

  it('--partition-by needs parquet, and names a column of the result', async () => {
    await expect(exportTo('lake.csv', { format: 'csv', partitionBy: 'load_date' })).rejects.toMatchObject({
      code: 'USAGE',
    });
    await expect(exportTo('lake2', { format: 'parquet', partitionBy: 'nope' })).rejects.toMatchObject({
      code: 'USAGE',
    });
  });

  it('--from/--to keep the model’s load dates in range', async () => {
    const summary = await exportTo('dated.csv', { format: 'csv', from: '2025-01-02', to: '2025-01-02' });
    expect(summary.rows).toBe(2);
    const lines = (await readFile(summary.path, 'utf8')).trim().split('\n');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['2', '3']);
    const onlyFrom = await exportTo('from.ndjson', { format: 'ndjson', from: '2025-01-03' });
    expect(onlyFrom.rows).toBe(1);
    await expect(
      exportTo('bad.csv', { format: 'csv', from: '2025-01-03', to: '2025-01-01' }),
    ).rejects.toMatchObject({
      code: 'DATE_INVALID',
    });
  });

  it('an empty range gives files with no rows that read back as such', async () => {
    const empty = { from: '2030-01-01' };
    const csvFile = await exportTo('empty.csv', { format: 'csv', ...empty });
    expect(csvFile.rows).toBe(0);
    expect(await readFile(csvFile.path, 'utf8')).toBe(`${COLUMNS.join(',')}\n`);
    const json = await exportTo('empty.json', { format: 'json', ...empty });
    expect(JSON.parse(await readFile(json.path, 'utf8'))).toEqual([]);
    const ndjson = await exportTo('empty.ndjson', { format: 'ndjson', ...empty });
    expect(await readFile(ndjson.path, 'utf8')).toBe('');
    const parquet = await exportTo('empty.parquet', { format: 'parquet', ...empty });
    const { rows } = await reader.query(
      `SELECT count(*) AS n FROM read_parquet('${parquet.path.replace(/'/g, "''")}')`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
    const xlsx = await exportTo('empty.xlsx', { format: 'xlsx', ...empty });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx.path);
    expect(workbook.worksheets[0]?.rowCount).toBe(1);
  });

  it('--from/--to on a query: an error with a hint', async () => {
    const error = await exportData({
      ...project.options,
      sql: 'select 1 as x',
      format: 'csv',
      from: '2025-01-01',
      out: join(project.dir, 'out', 'q.csv'),
    }).catch((e: unknown) => e);
    expect(errorCode(error)).toBe('EXPORT_NO_LOAD_DATE');
    expect((error as StrataError).hint).toMatch(/where/);
  });

  it('xlsx past the sheet limit: EXPORT_TOO_MANY_ROWS, and no file at all', async () => {
    const out = join(project.dir, 'limit');
    const error = await exportData({
      ...project.options,
      model: 'typed_rows',
      format: 'xlsx',
      out: join(out, 'big.xlsx'),
      xlsxMaxRows: 4,
    }).catch((e: unknown) => e);
    expect(errorCode(error)).toBe('EXPORT_TOO_MANY_ROWS');
    expect((error as StrataError).hint).toMatch(/csv or parquet.*--from\/--to/);
    expect(await readdir(out)).toEqual([]);
    // The header and four rows fit in five.
    const fits = await exportData({
      ...project.options,
      model: 'typed_rows',
      format: 'xlsx',
      out: join(out, 'ok.xlsx'),
      xlsxMaxRows: 5,
    });
    expect(fits.rows).toBe(4);
  });

  it('--sql exports one read-only query and refuses anything else', async () => {
    const out = (name: string) => join(project.dir, 'out', name);
    const summary = await exportData({
      ...project.options,
      sql: "select id, note from warehouse.typed_rows where note <> '' order by id",
      format: 'csv',
      out: out('query.csv'),
    });
    expect(summary).toMatchObject({ rows: 2, source: 'query' });
    for (const sql of [
      'delete from warehouse.typed_rows',
      'select 1 as x; drop table warehouse.typed_rows',
      'drop table warehouse.typed_rows',
    ]) {
      const error = await exportData({ ...project.options, sql, format: 'csv', out: out('bad.csv') }).catch(
        (e: unknown) => e,
      );
      expect(errorCode(error), sql).toBe('EXPORT_SQL_NOT_READ_ONLY');
    }
    // A data-modifying CTE cannot stand in the subquery the export reads: the engine refuses it.
    const cte = await exportData({
      ...project.options,
      sql: 'with gone as (delete from warehouse.typed_rows returning id) select * from gone',
      format: 'csv',
      out: out('cte.csv'),
    }).catch((e: unknown) => e);
    expect(cte).toBeInstanceOf(StrataError);
    expect(await warehouseText()).toEqual(TEXT_ROWS);
  });

  it('a sum of decimals stays an exact DECIMAL(38,2) in Parquet and JSON on both engines', async () => {
    const request = {
      ...project.options,
      sql: 'select load_date, sum(amount) as total from warehouse.typed_rows group by load_date order by load_date',
    };
    const parquet = await exportData({
      ...request,
      format: 'parquet',
      out: join(project.dir, 'out', 'sums.parquet'),
    });
    const path = parquet.path.replace(/'/g, "''");
    const described = await reader.query(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    expect(described.rows.find((r) => r.column_name === 'total')?.column_type).toBe('DECIMAL(38,2)');
    const { rows } = await reader.query(
      `SELECT CAST(total AS VARCHAR) AS total FROM read_parquet('${path}')`,
    );
    expect(rows.map((r) => r.total)).toEqual(['0.10', '1234567890123456.78', '-0.01']);
    const ndjson = await exportData({
      ...request,
      format: 'ndjson',
      out: join(project.dir, 'out', 'sums.ndjson'),
    });
    expect(await readFile(ndjson.path, 'utf8')).toBe(
      [
        '{"load_date":"2025-01-01","total":0.10}',
        '{"load_date":"2025-01-02","total":1234567890123456.78}',
        '{"load_date":"2025-01-03","total":-0.01}',
        '',
      ].join('\n'),
    );
  });

  it('an unknown or unbuilt model is named as such', async () => {
    await expect(exportTo('x.csv', { format: 'csv', model: 'nope' })).rejects.toMatchObject({
      code: 'EXPORT_MODEL_UNKNOWN',
    });
  });

  it('an existing file is kept unless --overwrite', async () => {
    await exportTo('twice.csv', { format: 'csv' });
    await expect(exportTo('twice.csv', { format: 'csv', from: '2025-01-03' })).rejects.toMatchObject({
      code: 'EXPORT_OUT_EXISTS',
    });
    expect(await readFile(join(project.dir, 'out', 'twice.csv'), 'utf8')).toBe(EXPECTED_CSV);
    const replaced = await exportTo('twice.csv', { format: 'csv', from: '2025-01-03' }, { overwrite: true });
    expect(replaced.rows).toBe(1);
    await exportTo('lake-twice', { format: 'parquet', partitionBy: 'load_date' });
    await expect(
      exportTo('lake-twice', { format: 'parquet', partitionBy: 'load_date' }),
    ).rejects.toMatchObject({
      code: 'EXPORT_OUT_EXISTS',
    });
    const again = await exportTo(
      'lake-twice',
      { format: 'parquet', partitionBy: 'load_date', from: '2025-01-03' },
      { overwrite: true },
    );
    expect(again.files).toBe(1);
    expect(await readdir(join(project.dir, 'out', 'lake-twice'))).toEqual(['load_date=2025-01-03']);
  });

  it('an interrupted export leaves no file behind', async () => {
    const out = join(project.dir, 'stopped');
    const stop = new AbortController();
    stop.abort('SIGINT');
    for (const format of ['csv', 'xlsx'] as const) {
      const error = await exportData({
        ...project.options,
        model: 'typed_rows',
        format,
        out: join(out, `rows.${format}`),
        signal: stop.signal,
      }).catch((e: unknown) => e);
      expect(errorCode(error)).toBe('EXPORT_INTERRUPTED');
    }
    expect(await readdir(out)).toEqual([]);
  });
});
