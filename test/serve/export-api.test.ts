import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardSite, openDashboardSite } from '../../src/api/dashboard-site.ts';
import type { ErrorView } from '../../src/dashboards/views.ts';
import { openDuckDb } from '../../src/engine/duckdb/duckdb-engine.ts';
import { createApp } from '../../src/serve/app.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

/**
 * GET /api/<project>/export/<model> through `app.request()`, on both engines: each format as a
 * download with its type and name, read back equal to the table; errors as JSON with their status;
 * the token; and no temporary file left once a download is over.
 */
const ORDERS = csv(
  'order_id,order_date,amount,note',
  ...Array.from({ length: 30 }, (_, i) => [
    i + 1,
    `2025-03-${String(1 + (i % 10)).padStart(2, '0')}`,
    (i * 1.25 - 3).toFixed(2),
    i % 4 === 0 ? '"with, comma"' : `n${i}`,
  ]),
);

const ORDER_FACTS = model(
  { materialized: 'table', load_date_column: 'load_date' },
  `select cast(order_id as integer) as order_id, cast(order_date as date) as load_date,
     cast(amount as decimal(12,2)) as amount, note
   from {{ ref('orders') }}`,
);

let project: TestProject;
let site: DashboardSite;
let app: Hono;
let slug: string;
let scratch: string;
const previousTmp = process.env.TMPDIR;

beforeAll(async () => {
  // A temporary folder of this file's own, to see that downloads leave nothing in it.
  scratch = await mkdtemp(join(tmpdir(), 'strata-export-api-'));
  process.env.TMPDIR = scratch;
  project = await TestProject.create({
    'seeds/orders.csv': ORDERS,
    'models/warehouse/order_facts.sql': ORDER_FACTS,
  });
  expect((await project.run({})).exitCode).toBe(0);
  site = await openDashboardSite({ projectDirs: [project.dir], env: project.env });
  app = createApp({ site });
  slug = site.projects[0]?.slug ?? '';
});

afterAll(async () => {
  await site?.close();
  await project?.dispose();
  if (previousTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmp;
  await rm(scratch, { recursive: true, force: true });
});

async function leftovers(): Promise<string[]> {
  return (await readdir(scratch)).filter((name) => name.startsWith('strata-export-'));
}

describe('GET /api/<project>/export/<model>', () => {
  it('csv: a download named after the model, the rows of the table', async () => {
    const response = await app.request(`/api/${slug}/export/order_facts?format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="order_facts.csv"');
    const text = await response.text();
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('order_id,load_date,amount,note');
    expect(lines).toHaveLength(31);
    expect(lines[1]).toBe('1,2025-03-01,-3.00,"with, comma"');
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(await leftovers()).toEqual([]);
  });

  it('xlsx with from/to: the rows of those load dates, typed', async () => {
    const response = await app.request(
      `/api/${slug}/export/order_facts?format=xlsx&from=2025-03-02&to=2025-03-03`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('order_facts');
    const expected = await project.query(
      "select order_id, load_date, amount from warehouse.order_facts where load_date between '2025-03-02' and '2025-03-03' order by order_id",
    );
    expect(expected).toHaveLength(6);
    const rows = (sheet?.getSheetValues().slice(2) as unknown[][]).map((r) => [
      r[1],
      (r[2] as Date).toISOString().slice(0, 10),
      r[3],
    ]);
    expect(rows).toEqual(expected.map((r) => [r.order_id, r.load_date, Number(r.amount)]));
    expect(await leftovers()).toEqual([]);
  });

  it('parquet and ndjson: DuckDB and JSON.parse read the table back', async () => {
    const parquet = await app.request(`/api/${slug}/export/order_facts?format=parquet`);
    expect(parquet.status).toBe(200);
    expect(parquet.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    const file = join(scratch, 'download.parquet');
    await writeFile(file, Buffer.from(await parquet.arrayBuffer()));
    const reader = await openDuckDb({ path: ':memory:' });
    try {
      const { rows } = await reader.query(
        `SELECT count(*) AS n, sum(amount) AS total, typeof(any_value(amount)) AS type FROM read_parquet('${file}')`,
      );
      const table = await project.query(
        'select count(*) as n, sum(amount) as total from warehouse.order_facts',
      );
      expect(Number(rows[0]?.n)).toBe(Number(table[0]?.n));
      expect(Number(rows[0]?.total)).toBe(Number(table[0]?.total));
      expect(rows[0]?.type).toBe('DECIMAL(12,2)');
    } finally {
      await reader.close();
      await rm(file);
    }
    const ndjson = await app.request(`/api/${slug}/export/order_facts?format=ndjson&from=2025-03-10`);
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const objects = (await ndjson.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects.map((o) => o.order_id)).toEqual([10, 20, 30]);
    expect(objects[0]).toEqual({ order_id: 10, load_date: '2025-03-10', amount: 8.25, note: 'n9' });
    expect(await leftovers()).toEqual([]);
  });

  it('errors answer as JSON with their status, and leave nothing behind', async () => {
    const cases: [string, number, string][] = [
      ['/export/nope?format=csv', 404, 'EXPORT_MODEL_UNKNOWN'],
      ['/export/order_facts?format=docx', 400, 'DASHBOARD_BAD_INPUT'],
      ['/export/order_facts?format=csv&from=2025-13-01', 400, 'DASHBOARD_BAD_INPUT'],
      ['/export/orders?format=csv&from=2025-03-01', 400, 'EXPORT_NO_LOAD_DATE'],
    ];
    for (const [path, status, code] of cases) {
      const response = await app.request(`/api/${slug}${path}`);
      expect(response.status, path).toBe(status);
      expect(((await response.json()) as ErrorView).error.code, path).toBe(code);
    }
    expect(await leftovers()).toEqual([]);
  });

  it('asks for the token like the rest of /api', async () => {
    const secured = createApp({ site, token: 'export-token' });
    expect((await secured.request(`/api/${slug}/export/order_facts?format=csv`)).status).toBe(401);
    const allowed = await secured.request(`/api/${slug}/export/order_facts?format=csv`, {
      headers: { Authorization: 'Bearer export-token' },
    });
    expect(allowed.status).toBe(200);
    await allowed.text();
  });
});
