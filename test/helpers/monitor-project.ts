/**
 * A project for the monitor's tests, whose first run holds what the monitor must show: an error
 * check that fails (its downstream task skipped, the run failed), quarantined records (one bad
 * date of twenty a day) and a task retried after a transient failure.
 *
 * The retried task calls `strata_fail_once()`, planted in the warehouse before the run: its
 * first call raises an error the engine calls transient (DuckDB: a TransactionContext error;
 * PostgreSQL: SQLSTATE 40001), every later call returns 1. A sequence counts the calls, and
 * neither engine rolls a sequence back, so the second attempt passes.
 */
import { withProject } from '../../src/api/open-project.ts';
import { testEngine } from '../support/postgres.ts';
import { TestProject, model } from './project.ts';

const day = (date: string, bad: number) => {
  const [y, m, d] = date.split('-');
  return Array.from({ length: 20 }, (_, i) =>
    JSON.stringify({
      order_id: `${date}-${i}`,
      amount: 10 + i,
      ordered_on: i < bad ? `${m}/${d}/${y}` : date,
    }),
  ).join('\n');
};

const CONFIG = {
  engine: { type: 'duckdb', path: 'warehouse.duckdb' },
  run: { retries: 2, retryDelayMs: 50, retryMaxDelayMs: 200 },
  sources: {
    orders: {
      files: 'data/orders/*.ndjson',
      quarantine: { maxShare: '50%' },
      contract: {
        fields: {
          order_id: { type: 'string', required: true },
          amount: { type: 'integer' },
          ordered_on: { type: 'date', formats: ['%Y-%m-%d'] },
        },
      },
    },
  },
};

/** The project's strata.config.ts; `run` replaces the retry settings (a slower retry for the live tests). */
export function monitorConfig(run: Partial<(typeof CONFIG)['run']> = {}): string {
  const config = { ...CONFIG, run: { ...CONFIG.run, ...run } };
  return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`;
}

export const MONITOR_FILES = {
  'data/orders/2025-06-01.ndjson': day('2025-06-01', 1),
  'data/orders/2025-06-02.ndjson': day('2025-06-02', 1),
  // Retried once: its first attempt fails transiently.
  'models/warehouse/fact_orders.sql': model(
    { materialized: 'table' },
    "select order_id, amount, ordered_on, f.attempt_mark from {{ ref('orders') }} cross join (select strata_fail_once() as attempt_mark) as f",
  ),
  // An error check that fails: no order is that large.
  'models/warehouse/big_orders.sql': model(
    { materialized: 'table', checks: [{ expression: 'amount > 1000' }] },
    "select order_id, amount from {{ ref('fact_orders') }}",
  ),
  // Downstream of the failing check: skipped.
  'models/marts/big_order_count.sql': model(
    { materialized: 'table' },
    "select count(*) as orders from {{ ref('big_orders') }}",
  ),
  // Independent of it: built.
  'models/marts/daily_amount.sql': model(
    { materialized: 'table' },
    "select ordered_on, sum(amount) as amount from {{ ref('fact_orders') }} group by ordered_on",
  ),
};

const duckdbFailOnce = (failures: number) => [
  'CREATE SEQUENCE IF NOT EXISTS strata_fail_once_calls',
  `CREATE OR REPLACE MACRO strata_fail_once() AS CASE WHEN nextval('strata_fail_once_calls') <= ${failures} THEN error('TransactionContext Error: planted conflict on the first attempt') ELSE 1 END`,
];

const postgresFailOnce = (failures: number) => [
  'CREATE SEQUENCE IF NOT EXISTS public.strata_fail_once_calls',
  `CREATE OR REPLACE FUNCTION public.strata_fail_once() RETURNS integer LANGUAGE plpgsql VOLATILE AS $f$
   BEGIN
     IF nextval('public.strata_fail_once_calls') <= ${failures} THEN
       RAISE EXCEPTION 'could not serialize access: planted conflict on the first attempt' USING ERRCODE = 'serialization_failure';
     END IF;
     RETURN 1;
   END $f$`,
];

/** The project, with `strata_fail_once()` planted (its call count reset) and not yet run. */
export async function createMonitorProject(): Promise<TestProject> {
  const project = await TestProject.create(MONITOR_FILES, { config: monitorConfig() });
  await plantFailOnce(project);
  return project;
}

/**
 * (Re)plants `strata_fail_once()` with a fresh count: the next run's first `failures` attempts of
 * the task fail transiently again.
 */
export async function plantFailOnce(project: TestProject, failures = 1): Promise<void> {
  const statements = testEngine() === 'postgres' ? postgresFailOnce(failures) : duckdbFailOnce(failures);
  const drop =
    testEngine() === 'postgres'
      ? 'DROP SEQUENCE IF EXISTS public.strata_fail_once_calls CASCADE'
      : 'DROP SEQUENCE IF EXISTS strata_fail_once_calls CASCADE';
  await withProject(project.options, async (_project, engine) => {
    if (testEngine() === 'duckdb') await engine.execute('DROP MACRO IF EXISTS strata_fail_once');
    await engine.execute(drop);
    for (const sql of statements) await engine.execute(sql);
  });
}
