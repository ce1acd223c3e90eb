import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withProject } from '../../src/api/open-project.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** One project with a model of every materialisation, built once for 2025-01-01..2025-01-02. */
describe('each materialisation builds the expected rows', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/orders.csv': csv(
        'order_id,customer_id,amount,status,load_date',
        [1, 10, '100.00', 'placed', '2025-01-01'],
        [2, 20, '50.00', 'placed', '2025-01-01'],
        [3, 10, '25.50', 'placed', '2025-01-02'],
        [2, 20, '50.00', 'shipped', '2025-01-02'],
      ),
      'seeds/customers.csv': csv(
        'customer_id,city,segment,snapshot_date',
        [10, 'London', 'retail', '2025-01-01'],
        [20, 'Paris', 'retail', '2025-01-01'],
        [10, 'Leeds', 'retail', '2025-01-02'],
        [20, 'Paris', 'corporate', '2025-01-02'],
      ),
      'models/staging/stg_orders.sql': model(
        { materialized: 'view' },
        `select order_id, customer_id, cast(amount as decimal(10, 2)) as amount, status,
                cast(load_date as date) as load_date
         from {{ ref('orders') }}`,
      ),
      'models/warehouse/orders_by_customer.sql': model(
        { materialized: 'table' },
        `select customer_id, count(*) as events, sum(amount) as amount
         from {{ ref('stg_orders') }} group by customer_id`,
      ),
      'models/warehouse/fact_orders.sql': model(
        { materialized: 'incremental', load_date_column: 'load_date' },
        `select order_id, customer_id, amount, status, load_date from {{ ref('stg_orders') }}`,
      ),
      'models/warehouse/order_status.sql': model(
        { materialized: 'upsert', unique_key: 'order_id' },
        `select order_id, customer_id, amount, status, load_date as updated_on
         from (select *, row_number() over (partition by order_id order by load_date desc) as newest
               from {{ ref('stg_orders') }}) as ranked
         where newest = 1`,
      ),
      'models/warehouse/dim_customer.sql': model(
        { materialized: 'scd2', unique_key: 'customer_id', load_date_column: 'snapshot_date' },
        `select customer_id, city, segment, cast(snapshot_date as date) as snapshot_date
         from {{ ref('customers') }}`,
      ),
    });
    const { exitCode, summary } = await project.run({ from: '2025-01-01', to: '2025-01-02' });
    expect(summary.tasks.filter((t) => t.status !== 'success')).toEqual([]);
    expect(exitCode).toBe(0);
  });

  afterAll(() => project?.dispose());

  it('creates views as views and every other materialisation as a table, with no leftovers', async () => {
    const tables = await withProject(project.options, (_p, engine) => engine.listTables());
    const kinds = Object.fromEntries(
      tables.filter((t) => t.schema !== 'audit').map((t) => [`${t.schema}.${t.name}`, t.kind]),
    );
    expect(kinds).toEqual({
      'raw.customers': 'table',
      'raw.orders': 'table',
      'staging.stg_orders': 'view',
      'warehouse.dim_customer': 'table',
      'warehouse.fact_orders': 'table',
      'warehouse.order_status': 'table',
      'warehouse.orders_by_customer': 'table',
    });
  });

  it('view: the SELECT as written', async () => {
    expect(await project.query('select * from staging.stg_orders order by load_date, order_id')).toEqual([
      { order_id: 1, customer_id: 10, amount: 100, status: 'placed', load_date: '2025-01-01' },
      { order_id: 2, customer_id: 20, amount: 50, status: 'placed', load_date: '2025-01-01' },
      { order_id: 2, customer_id: 20, amount: 50, status: 'shipped', load_date: '2025-01-02' },
      { order_id: 3, customer_id: 10, amount: 25.5, status: 'placed', load_date: '2025-01-02' },
    ]);
  });

  it('table: the SELECT materialised', async () => {
    expect(await project.query('select * from warehouse.orders_by_customer order by customer_id')).toEqual([
      { customer_id: 10, events: 2, amount: 125.5 },
      { customer_id: 20, events: 2, amount: 100 },
    ]);
  });

  it('incremental: every row of the run dates', async () => {
    expect(await project.query('select * from warehouse.fact_orders order by load_date, order_id')).toEqual([
      { order_id: 1, customer_id: 10, amount: 100, status: 'placed', load_date: '2025-01-01' },
      { order_id: 2, customer_id: 20, amount: 50, status: 'placed', load_date: '2025-01-01' },
      { order_id: 2, customer_id: 20, amount: 50, status: 'shipped', load_date: '2025-01-02' },
      { order_id: 3, customer_id: 10, amount: 25.5, status: 'placed', load_date: '2025-01-02' },
    ]);
  });

  it('upsert: one row per key', async () => {
    expect(await project.query('select * from warehouse.order_status order by order_id')).toEqual([
      { order_id: 1, customer_id: 10, amount: 100, status: 'placed', updated_on: '2025-01-01' },
      { order_id: 2, customer_id: 20, amount: 50, status: 'shipped', updated_on: '2025-01-02' },
      { order_id: 3, customer_id: 10, amount: 25.5, status: 'placed', updated_on: '2025-01-02' },
    ]);
  });

  it('scd2: a version per change, with surrogate key, validity and load date', async () => {
    const sk = (id: number, from: string) => md5(`${id}|${from} 00:00:00`);
    expect(
      await project.query('select * from warehouse.dim_customer order by customer_id, valid_from'),
    ).toEqual([
      {
        customer_sk: sk(10, '2025-01-01'),
        customer_id: 10,
        city: 'London',
        segment: 'retail',
        snapshot_date: '2025-01-01',
        valid_from: '2025-01-01 00:00:00',
        valid_to: '2025-01-02 00:00:00',
        is_current: false,
        strata_load_date: '2025-01-01',
      },
      {
        customer_sk: sk(10, '2025-01-02'),
        customer_id: 10,
        city: 'Leeds',
        segment: 'retail',
        snapshot_date: '2025-01-02',
        valid_from: '2025-01-02 00:00:00',
        valid_to: null,
        is_current: true,
        strata_load_date: '2025-01-02',
      },
      {
        customer_sk: sk(20, '2025-01-01'),
        customer_id: 20,
        city: 'Paris',
        segment: 'retail',
        snapshot_date: '2025-01-01',
        valid_from: '2025-01-01 00:00:00',
        valid_to: '2025-01-02 00:00:00',
        is_current: false,
        strata_load_date: '2025-01-01',
      },
      {
        customer_sk: sk(20, '2025-01-02'),
        customer_id: 20,
        city: 'Paris',
        segment: 'corporate',
        snapshot_date: '2025-01-02',
        valid_from: '2025-01-02 00:00:00',
        valid_to: null,
        is_current: true,
        strata_load_date: '2025-01-02',
      },
    ]);
  });

  it('records the run and one successful attempt per task', async () => {
    const runs = await project.query('select status, tasks_total, tasks_succeeded from audit.pipeline_runs');
    expect(runs).toEqual([{ status: 'success', tasks_total: 7, tasks_succeeded: 7 }]);
    const tasks = await project.query(
      'select task_id, attempt, status, rows_out from audit.task_runs order by task_id',
    );
    expect(tasks).toEqual([
      { task_id: 'customers', attempt: 1, status: 'success', rows_out: 4 },
      { task_id: 'dim_customer', attempt: 1, status: 'success', rows_out: 4 },
      { task_id: 'fact_orders', attempt: 1, status: 'success', rows_out: 4 },
      { task_id: 'order_status', attempt: 1, status: 'success', rows_out: 3 },
      { task_id: 'orders', attempt: 1, status: 'success', rows_out: 4 },
      { task_id: 'orders_by_customer', attempt: 1, status: 'success', rows_out: 2 },
      { task_id: 'stg_orders', attempt: 1, status: 'success', rows_out: null }, // a view holds no rows
    ]);
  });
});

describe('changing a model’s materialisation', () => {
  let project: TestProject;
  const D = '2025-01-02';
  const write = (header: Record<string, unknown>) =>
    project.write({
      'models/warehouse/m.sql': model(header, `select id, v, cast(d as date) as d from {{ ref('s') }}`),
      'models/marts/uses_m.sql': model({ materialized: 'view' }, `select * from {{ ref('m') }}`),
    });
  const kindOfM = async () =>
    (await withProject(project.options, (_p, e) => e.listTables('warehouse'))).find((t) => t.name === 'm')
      ?.kind;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/s.csv': csv('id,v,d', [1, 10, '2025-01-01'], [2, 20, D]),
    });
  });
  afterAll(() => project?.dispose());

  it('replaces a view by a table and back, and keeps dependants working', async () => {
    for (const [header, kind] of [
      [{ materialized: 'view' }, 'view'],
      [{ materialized: 'table' }, 'table'],
      [{ materialized: 'view' }, 'view'],
      [{ materialized: 'incremental', load_date_column: 'd' }, 'table'],
      [{ materialized: 'upsert', unique_key: 'id' }, 'table'],
    ] as const) {
      await write(header);
      const { exitCode } = await project.run();
      expect(exitCode, header.materialized).toBe(0);
      expect(await kindOfM(), header.materialized).toBe(kind);
      expect(await project.query('select id, v from marts.uses_m order by id')).toEqual([
        { id: 1, v: 10 },
        { id: 2, v: 20 },
      ]);
    }
  });

  it('a table that is not an SCD2 snapshot must be rebuilt with --full-refresh to become one', async () => {
    await write({ materialized: 'incremental', load_date_column: 'd' });
    expect((await project.run()).exitCode).toBe(0);
    const before = await project.checksums();
    await write({ materialized: 'scd2', unique_key: 'id', load_date_column: 'd' });
    for (const request of [{}, { date: D }]) {
      const result = await project.run(request);
      expect(result.exitCode).toBe(1);
      const task = result.summary.tasks.find((t) => t.task === 'm');
      expect(task?.error?.code, JSON.stringify(request)).toBe('SCHEMA_CHANGED');
      expect(task?.error?.hint).toContain('--full-refresh');
    }
    expect(await project.checksums()).toEqual(before);
    expect((await project.run({ fullRefresh: true, select: ['m+'] })).exitCode).toBe(0);
    expect(await project.query('select id, v, is_current from warehouse.m order by id')).toEqual([
      { id: 1, v: 10, is_current: true },
      { id: 2, v: 20, is_current: true },
    ]);
  });
});
