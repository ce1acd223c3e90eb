/**
 * Server features behind capabilities: month partitions created on demand for an incremental model
 * with `partition_by: month`, indexes on upsert, SCD2 and distribution keys and on the load dates
 * of raw, staging and tables incremental by date, ANALYZE after loads.
 * On both engines the rows are the same; on PostgreSQL the catalog shows the partitions, indexes
 * and statistics, and on DuckDB none of it exists (the headers are accepted and build plain tables):
 * those tests name their engine and report as skipped on the other one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';

const onPostgres = testEngine() === 'postgres';

const config = `import { defineConfig } from 'strata';
export default defineConfig(${JSON.stringify({
  engine: { type: 'duckdb', path: 'warehouse.duckdb' },
  sources: {
    events: {
      files: 'data/events/*.csv',
      contract: { fields: { event_id: { type: 'string', required: true }, kind: { type: 'string' } } },
    },
  },
})});
`;

const orders = (...rows: (string | number)[][]) => csv('order_id,customer_id,amount,load_date', ...rows);

let project: TestProject;

beforeAll(async () => {
  project = await TestProject.create({
    'strata.config.ts': config,
    'data/events/2025-01-31.csv': 'event_id,kind\n1,view\n2,click\n',
    'seeds/orders.csv': orders(
      [1, 10, '10.00', '2025-01-30'],
      [2, 20, '20.00', '2025-01-31'],
      [3, 10, '30.00', '2025-02-01'],
    ),
    'models/warehouse/fact_orders.sql': model(
      {
        materialized: 'incremental',
        load_date_column: 'load_date',
        partition_by: 'month',
        distribution_column: 'customer_id',
      },
      `select order_id, customer_id, cast(amount as decimal(10, 2)) as amount, cast(load_date as date) as load_date
       from {{ ref('orders') }}`,
    ),
    'models/warehouse/orders_by_day.sql': model(
      { materialized: 'incremental', load_date_column: 'load_date' },
      `select cast(load_date as date) as load_date, count(*) as orders from {{ ref('orders') }} group by 1`,
    ),
    'models/warehouse/order_latest.sql': model(
      { materialized: 'upsert', unique_key: 'order_id' },
      `select order_id, customer_id, amount from {{ ref('fact_orders') }}`,
    ),
    'models/warehouse/dim_customer.sql': model(
      { materialized: 'scd2', unique_key: 'customer_id' },
      `select customer_id, count(*) as orders from {{ ref('fact_orders') }} group by customer_id`,
    ),
  });
  const { exitCode, summary } = await project.run({ from: '2025-01-30', to: '2025-02-01' });
  expect(summary.tasks.filter((t) => t.status !== 'success')).toEqual([]);
  expect(exitCode).toBe(0);
});

afterAll(async () => {
  await project?.dispose();
});

const factRows = () =>
  project.query(
    `select order_id, customer_id, cast(amount as double precision) as amount, cast(load_date as varchar) as load_date
     from warehouse.fact_orders order by order_id`,
  );

describe('partition_by: month', () => {
  it('builds the same rows on every engine', async () => {
    expect(await factRows()).toEqual([
      { order_id: 1, customer_id: 10, amount: 10, load_date: '2025-01-30' },
      { order_id: 2, customer_id: 20, amount: 20, load_date: '2025-01-31' },
      { order_id: 3, customer_id: 10, amount: 30, load_date: '2025-02-01' },
    ]);
  });

  it.runIf(onPostgres)('PostgreSQL only: a partitioned table with a month partition per month', async () => {
    expect(await partitions()).toEqual([
      { name: 'fact_orders_p202501', rows: 2 },
      { name: 'fact_orders_p202502', rows: 1 },
      { name: 'fact_orders_pdefault', rows: 0 },
    ]);
    const [parent] = await project.query(
      `select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'warehouse' and c.relname = 'fact_orders'`,
    );
    expect(parent).toEqual({ relkind: 'p' });
  });

  it('creates the partition of a new month on demand, replaces a date exactly, and keeps partitions out of listings', async () => {
    await project.write({
      'seeds/orders.csv': orders(
        [1, 10, '10.00', '2025-01-30'],
        [2, 20, '20.00', '2025-01-31'],
        [3, 10, '30.00', '2025-02-01'],
        [4, 30, '40.00', '2025-03-02'],
      ),
    });
    expect((await project.run({ date: '2025-03-02' })).exitCode).toBe(0);
    const once = await project.checksums();
    expect((await project.run({ date: '2025-03-02' })).exitCode).toBe(0);
    expect(await project.checksums()).toEqual(once);
    expect((await factRows()).map((r) => r.order_id)).toEqual([1, 2, 3, 4]);
    expect(Object.keys(once).filter((name) => name.includes('_p20'))).toEqual([]);
  });

  it.runIf(onPostgres)('PostgreSQL only: the new month got its partition', async () => {
    expect(await partitions()).toEqual([
      { name: 'fact_orders_p202501', rows: 2 },
      { name: 'fact_orders_p202502', rows: 1 },
      { name: 'fact_orders_p202503', rows: 1 },
      { name: 'fact_orders_pdefault', rows: 0 },
    ]);
  });

  it('is rebuilt by a full refresh', async () => {
    expect((await project.run({ fullRefresh: true })).exitCode).toBe(0);
    expect((await factRows()).map((r) => r.order_id)).toEqual([1, 2, 3, 4]);
  });

  it.runIf(onPostgres)('PostgreSQL only: the full refresh rebuilt the table partitioned', async () => {
    expect((await partitions()).map((p) => p.name)).toEqual([
      'fact_orders_p202501',
      'fact_orders_p202502',
      'fact_orders_p202503',
      'fact_orders_pdefault',
    ]);
  });
});

describe('indexes and statistics', () => {
  it.runIf(!onPostgres)('DuckDB only: creates no index (it scans columns and needs none)', async () => {
    const [indexes] = await project.query(`select count(*) as n from duckdb_indexes()`);
    expect(Number(indexes?.n)).toBe(0);
  });

  it.runIf(onPostgres)(
    'PostgreSQL only: indexes upsert, SCD2 and distribution keys and analyzes what was loaded',
    async () => {
      const indexes = await project.query(
        `select tablename, indexname, indexdef like 'CREATE UNIQUE%' as is_unique from pg_indexes
       where schemaname = 'warehouse' and indexname like '%strata%' order by indexname`,
      );
      expect(indexes).toEqual([
        { tablename: 'dim_customer', indexname: 'dim_customer__strata_nk', is_unique: false },
        { tablename: 'dim_customer', indexname: 'dim_customer__strata_sk', is_unique: false },
        { tablename: 'fact_orders', indexname: 'fact_orders__strata_dist', is_unique: false },
        { tablename: 'order_latest', indexname: 'order_latest__strata_key', is_unique: true },
        { tablename: 'orders_by_day', indexname: 'orders_by_day__strata_load_date', is_unique: false },
      ]);
      const analyzed = await project.query(
        `select schemaname || '.' || relname as name from pg_stat_user_tables
       where last_analyze is not null and schemaname in ('raw', 'staging', 'warehouse') order by 1`,
      );
      expect(analyzed.map((r) => r.name)).toEqual(
        expect.arrayContaining([
          'raw.events',
          'staging.events',
          'warehouse.dim_customer',
          'warehouse.fact_orders_p202501',
          'warehouse.order_latest',
        ]),
      );
      // Raw, staging and a table incremental by load date (not partitioned): a block-range index on
      // their load dates; raw's statistics cover what queries filter on.
      expect(
        await project.query(
          `select schemaname, indexname, indexdef like '%USING brin (load_date)' as brin from pg_indexes
           where indexname like '%strata_load_date' order by 1, 2`,
        ),
      ).toEqual([
        { schemaname: 'raw', indexname: 'events__strata_load_date', brin: true },
        { schemaname: 'staging', indexname: 'events__strata_load_date', brin: true },
        { schemaname: 'warehouse', indexname: 'orders_by_day__strata_load_date', brin: true },
      ]);
      const sampled = await project.query(
        `select attname from pg_stats where schemaname = 'raw' and tablename = 'events' order by 1`,
      );
      expect(sampled.map((r) => r.attname)).toEqual(expect.arrayContaining(['ingestion_id', 'load_date']));
      expect(sampled.map((r) => r.attname)).not.toContain('raw_text');
    },
  );
});

async function partitions(): Promise<{ name: string; rows: number }[]> {
  const rows = await project.query(
    `select c.relname as name from pg_inherits i
     join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
     join pg_namespace n on n.oid = p.relnamespace
     where n.nspname = 'warehouse' and p.relname = 'fact_orders' order by 1`,
  );
  const out: { name: string; rows: number }[] = [];
  for (const row of rows) {
    const [count] = await project.query(`select count(*) as n from warehouse.${String(row.name)}`);
    out.push({ name: String(row.name), rows: Number(count?.n) });
  }
  return out;
}
