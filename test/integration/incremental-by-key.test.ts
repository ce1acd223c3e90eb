/**
 * Incremental by key on a real warehouse: a run replaces the rows of the keys its dates touched,
 * and the table always equals a full rebuild — loaded day by day, after a day is re-run with a
 * changed file that lost records (the keys only those records held must go), and when the keys
 * cannot be captured before the run (the model then rebuilds the whole table).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { withProject } from '../../src/api/open-project.ts';
import { StrataAggregateError } from '../../src/errors/strata-error.ts';
import { touchedKeysCapture } from '../../src/runner/touched-keys.ts';
import { TestProject, model } from '../helpers/project.ts';

const DAYS = ['2025-04-01', '2025-04-02', '2025-04-03', '2025-04-04'];

function config(): string {
  const config = {
    engine: { type: 'duckdb', path: 'warehouse.duckdb' },
    sources: {
      orders: {
        files: 'data/orders/*.csv',
        quarantine: false,
        contract: {
          uniqueKey: ['order_id'],
          fields: {
            order_id: { type: 'string', required: true },
            customer: { type: 'string', required: true },
            amount: { type: 'decimal', precision: 10, scale: 2 },
            ordered_on: { type: 'date', required: true },
          },
        },
      },
    },
  };
  return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`;
}

const TOUCHED_DATES = `select ordered_on as order_date from {{ ref('orders') }}
where load_date between {{ date_from }} and {{ date_to }}`;

/** By day: an order placed earlier may arrive in a later file, so a day's file touches other days. */
const DAILY = model(
  { materialized: 'incremental', unique_key: 'order_date', touched: TOUCHED_DATES },
  `select o.ordered_on as order_date, count(*) as orders, sum(o.amount) as amount
   from {{ ref('orders') }} as o
   where o.ordered_on in (select order_date from {{ touched }} as t)
   group by o.ordered_on`,
);

/**
 * By customer, two columns of grain (customer, first month) and several rows per key: each of the
 * customer's months, with the running total since their first order.
 */
const CUSTOMER_MONTHS = model(
  {
    materialized: 'incremental',
    unique_key: ['customer'],
    touched: `select customer from {{ ref('orders') }} where load_date between {{ date_from }} and {{ date_to }}`,
  },
  `with mine as (
     select o.* from {{ ref('orders') }} as o
     where o.customer in (select customer from {{ touched }} as t)
   )
   select customer, ordered_on, sum(amount) as amount,
     sum(sum(amount)) over (partition by customer order by ordered_on) as running_amount
   from mine
   group by customer, ordered_on`,
);

const header = 'order_id,customer,amount,ordered_on';
const file = (...rows: string[]) => [header, ...rows].join('\n') + '\n';

const FILES = {
  'data/orders/2025-04-01.csv': file('o1,ann,10.00,2025-04-01', 'o2,bob,20.00,2025-04-01'),
  // o3 arrives late: placed on 03-30, a day only this file touches.
  'data/orders/2025-04-02.csv': file('o3,cy,5.00,2025-03-30', 'o4,ann,7.50,2025-04-02'),
  'data/orders/2025-04-03.csv': file('o5,bob,1.25,2025-04-03', 'o6,dee,3.00,2025-04-01'),
  'data/orders/2025-04-04.csv': file('o7,ann,2.00,2025-04-04'),
};

let project: TestProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

async function create(): Promise<TestProject> {
  return TestProject.create({
    'strata.config.ts': config(),
    'models/marts/daily_orders.sql': DAILY,
    'models/marts/customer_months.sql': CUSTOMER_MONTHS,
    ...FILES,
  });
}

function dailyRows(p: TestProject) {
  return p.query(
    `select cast(order_date as varchar) as d, orders, cast(amount as varchar) as amount
     from marts.daily_orders order by d`,
  );
}

async function marts(p: TestProject) {
  return {
    daily: await dailyRows(p),
    customers: await p.query(
      `select customer, cast(ordered_on as varchar) as d, cast(amount as varchar) as amount,
              cast(running_amount as varchar) as running
       from marts.customer_months order by customer, d`,
    ),
  };
}

async function runOk(p: TestProject, request: Parameters<TestProject['run']>[0]) {
  const { exitCode, summary } = await p.run(request);
  expect(summary.tasks.filter((t) => t.status !== 'success')).toEqual([]);
  expect(exitCode).toBe(0);
  return summary;
}

async function priorTables(p: TestProject) {
  return p.query(
    `select table_name from information_schema.tables where table_name like '%strata_touched_prior%'`,
  );
}

describe('incremental by key', () => {
  it('loaded day by day equals a full refresh, replacing only the keys each day touched', async () => {
    project = await create();
    const counts = [];
    for (const date of DAYS) {
      const summary = await runOk(project, { date });
      counts.push(summary.tasks.find((t) => t.task === 'daily_orders')?.rows);
    }
    // Day 1 builds the table; day 2 touches 03-30 (new) and 04-02 (new); day 3 04-03 and 04-01 (again).
    expect(counts[2]).toMatchObject({ rowsDeleted: 1, rowsInserted: 2 });
    const daily = await marts(project);
    expect(daily.daily).toEqual([
      { d: '2025-03-30', orders: 1, amount: '5.00' },
      { d: '2025-04-01', orders: 3, amount: '33.00' },
      { d: '2025-04-02', orders: 1, amount: '7.50' },
      { d: '2025-04-03', orders: 1, amount: '1.25' },
      { d: '2025-04-04', orders: 1, amount: '2.00' },
    ]);
    await runOk(project, { fullRefresh: true });
    expect(await marts(project)).toEqual(daily);
  });

  it('a re-run day whose file lost and gained records leaves no stale key', async () => {
    project = await create();
    for (const date of DAYS) await runOk(project, { date });
    // The new 04-02 file drops o3 (the only order of 03-30, and cy's only order) and adds o8.
    await project.write({
      'data/orders/2025-04-02.csv': file('o4,ann,7.50,2025-04-02', 'o8,eve,9.00,2025-03-31'),
    });
    await runOk(project, { date: '2025-04-02' });
    const rerun = await marts(project);
    expect(rerun.daily.map((r) => r.d)).toEqual([
      '2025-03-31',
      '2025-04-01',
      '2025-04-02',
      '2025-04-03',
      '2025-04-04',
    ]);
    expect(rerun.customers.map((r) => r.customer)).not.toContain('cy');
    expect(rerun.customers.filter((r) => r.customer === 'eve')).toEqual([
      { customer: 'eve', d: '2025-03-31', amount: '9.00', running: '9.00' },
    ]);
    expect(await priorTables(project)).toEqual([]);
    await runOk(project, { fullRefresh: true });
    expect(await marts(project)).toEqual(rerun);
  });

  it('a re-run of a day with nothing changed skips the model and leaves no captured keys beside it', async () => {
    project = await create();
    for (const date of DAYS.slice(0, 2)) await runOk(project, { date });
    const before = await marts(project);
    const { exitCode, summary } = await project.run({ date: DAYS[1] as string });
    expect(exitCode).toBe(0);
    expect(summary.tasks.find((t) => t.task === 'daily_orders')).toMatchObject({
      status: 'skipped',
      error: { code: 'TASK_UNCHANGED' },
    });
    expect(await priorTables(project)).toEqual([]);
    expect(await marts(project)).toEqual(before);
  });

  it('rebuilds the whole table when the keys cannot be read before the run (an upstream table reshaped)', async () => {
    project = await TestProject.create({
      'strata.config.ts': config(),
      'models/staging/order_days.sql': model(
        { materialized: 'table' },
        `select order_id, ordered_on, load_date from {{ ref('orders') }}`,
      ),
      'models/marts/daily_orders.sql': DAILY,
      ...FILES,
    });
    for (const date of DAYS.slice(0, 3)) await runOk(project, { date });
    // The upstream table gains a column the touched SELECT now reads: before the run it lacks it.
    await project.write({
      'models/staging/order_days.sql': model(
        { materialized: 'table' },
        `select order_id, ordered_on, ordered_on as placed_on, load_date from {{ ref('orders') }}`,
      ),
      'models/marts/daily_orders.sql': model(
        {
          materialized: 'incremental',
          unique_key: 'order_date',
          touched: `select placed_on as order_date from {{ ref('order_days') }}
where load_date between {{ date_from }} and {{ date_to }}`,
        },
        `select o.ordered_on as order_date, count(*) as orders, sum(o.amount) as amount
         from {{ ref('orders') }} as o
         where o.ordered_on in (select order_date from {{ touched }} as t)
         group by o.ordered_on`,
      ),
    });
    // A day loaded before (a new day has no upstream rows whose keys the run could lose: nothing is captured).
    const { summary } = await project.run({ date: DAYS[1] as string });
    expect(summary.tasks.find((t) => t.task === 'daily_orders')?.status).toBe('success');
    // A whole build: every row counted as written, none deleted.
    expect(summary.tasks.find((t) => t.task === 'daily_orders')?.rows).toMatchObject({
      rowsDeleted: 0,
      rowsInserted: 4,
    });
    expect(await priorTables(project)).toEqual([]);
    const built = await dailyRows(project);
    expect(built).toHaveLength(4);
    await runOk(project, { fullRefresh: true, select: ['daily_orders'] });
    expect(await dailyRows(project)).toEqual(built);
  });

  it('captures keys once, when a task is about to write, for a day loaded before, and nothing for a new day', async () => {
    project = await create();
    for (const date of DAYS.slice(0, 2)) await runOk(project, { date });
    const keys = (date: string, writes: number) =>
      withProject((project as TestProject).options, async (p, engine) => {
        const window = { from: date, to: date };
        const capture = await touchedKeysCapture(engine, p.graph, [...p.graph.nodes.values()], window, false);
        const before = await priorTables(project as TestProject);
        await Promise.all(Array.from({ length: writes }, () => capture.beforeWriting()));
        await capture.settled();
        return before;
      });
    expect(await keys(DAYS[2] as string, 2)).toEqual([]);
    expect(await priorTables(project)).toEqual([]);
    // Nothing is captured until a task is about to write: a run that writes nothing captures nothing.
    expect(await keys(DAYS[1] as string, 0)).toEqual([]);
    expect(await priorTables(project)).toEqual([]);
    // Two writers waiting at once get one capture.
    expect(await keys(DAYS[1] as string, 2)).toEqual([]);
    expect((await priorTables(project)).map((r) => r.table_name).sort()).toEqual([
      'customer_months__strata_touched_prior',
      'daily_orders__strata_touched_prior',
    ]);
    const [captured] = await project.query(
      'select count(*) as n, count(distinct order_date) as distinct_keys from marts.daily_orders__strata_touched_prior',
    );
    expect(Number(captured?.n)).toBeGreaterThan(0);
    expect(captured?.n).toEqual(captured?.distinct_keys);
  });

  it('reports a header without touched and one with both forms together, each at its file and line', async () => {
    project = await TestProject.create({
      'strata.config.ts': config(),
      'models/marts/a.sql': model({ materialized: 'incremental', unique_key: 'd' }, 'select 1 as d'),
      'models/marts/b.sql': model(
        { materialized: 'incremental', unique_key: 'd', load_date_column: 'd', touched: 'select 1 as d' },
        'select 1 as d',
      ),
      ...FILES,
    });
    const error = await project.run({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrataAggregateError);
    const problems = (error as StrataAggregateError).problems.map((p) => ({
      message: p.message,
      file: p.location.file,
      line: p.location.line,
    }));
    expect(problems).toEqual([
      { message: 'materialized: incremental needs touched', file: 'models/marts/a.sql', line: 1 },
      {
        message: 'materialized: incremental takes load_date_column or touched, not both',
        file: 'models/marts/b.sql',
        line: 5,
      },
    ]);
  });
});
