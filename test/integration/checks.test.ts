import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../src/api/check.ts';
import { getRun } from '../../src/api/runs.ts';
import { StrataAggregateError } from '../../src/errors/strata-error.ts';
import { loadProject } from '../../src/project/load-project.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

function config(extra: Record<string, unknown>): string {
  const body = { engine: { type: 'duckdb', path: 'warehouse.duckdb' }, run: { retries: 0 }, ...extra };
  return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(body, null, 2)});\n`;
}

const statuses = (summary: { tasks: { task: string; status: string }[] }) =>
  Object.fromEntries(summary.tasks.map((t) => [t.task, t.status]));

async function dqResults(project: TestProject, where = 'true') {
  return project.query(
    `select run_id, check_id, status, severity, failing_rows, checked_rows,
            cast(date_from as varchar) as date_from, cast(date_to as varchar) as date_to,
            cast(sample as varchar) as sample, check_sql
     from audit.dq_results where ${where} order by started_at, check_id`,
  );
}

describe('every check type, on data that meets it and data that does not', () => {
  // The same checks on `good` (meets every one) and `bad` (each check has exactly one failing
  // row, key or date). Severity warn, so every check runs and nothing is skipped.
  const PEOPLE = 'id,name,country,age,parent_id,seen_at,load_date';
  const good = csv(
    PEOPLE,
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((id) => [
      id,
      `P${id}`,
      id % 2 ? 'US' : 'DE',
      20 + id,
      1 + (id % 2),
      '2025-06-09',
      `2025-06-0${Math.ceil(id / 2)}`,
    ]),
  );
  const bad = csv(
    PEOPLE,
    [1, 'Ann', 'US', 30, 1, '2025-05-01', '2025-06-01'],
    [2, '', 'US', 30, 1, '2025-05-01', '2025-06-01'], // not_null(name)
    [2, 'Bob', 'XX', 30, 1, '2025-05-01', '2025-06-02'], // unique(id), accepted_values(country)
    [3, 'Cid', 'DE', 200, 1, '2025-05-01', '2025-06-02'], // range(age)
    [4, 'Dan', 'DE', 15, 99, '2025-05-01', '2025-06-03'], // expression(age >= 18), relationships
    [5, 'forbidden', 'DE', 40, 1, '2025-05-01', '2025-06-03'], // sql
    // volume: 2, 2, 2 rows, then 6 on the newest date
    ...[6, 7, 8, 9, 10, 11].map((id) => [id, `E${id}`, 'US', 30, 1, '2025-05-01', '2025-06-04']),
  );
  const checksFor = (copy: string) => [
    { not_null: 'name', severity: 'warn' },
    { unique: 'id', severity: 'warn' },
    { accepted_values: { column: 'country', values: ['US', 'DE'] }, severity: 'warn' },
    { range: { column: 'age', min: 0, max: 120 }, severity: 'warn' },
    { relationships: { column: 'parent_id', to: 'parents', field: 'id' }, severity: 'warn' },
    { expression: 'age >= 18', severity: 'warn' },
    { sql: "select * from {{ this }} where name = 'forbidden'", severity: 'warn', name: 'no_forbidden' },
    { freshness: { column: 'seen_at', max_age: '2d' }, severity: 'warn' },
    { volume: { column: 'load_date', tolerance_percent: 50 }, severity: 'warn' },
    { reconciliation: { with: copy, column: 'load_date' }, severity: 'warn' },
  ];
  let project: TestProject;
  let rows: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    project = await TestProject.create(
      {
        'seeds/good.csv': good,
        'seeds/bad.csv': bad,
        'seeds/parents.csv': csv('id,name', [1, 'P1'], [2, 'P2']),
        'models/good_copy.sql': model({ materialized: 'table' }, "select * from {{ ref('good') }}"),
        'models/bad_trimmed.sql': model(
          { materialized: 'table' },
          "select * from {{ ref('bad') }} where id <> 1",
        ),
      },
      { config: config({ checks: { good: checksFor('good_copy'), bad: checksFor('bad_trimmed') } }) },
    );
    const { summary, exitCode } = await project.run({ now: () => new Date('2025-06-10T06:00:00Z') });
    expect(exitCode).toBe(0); // warnings do not fail a run
    expect(summary.checks).toHaveLength(20);
    rows = Object.fromEntries((await dqResults(project)).map((r) => [String(r.check_id), r]));
  });
  afterAll(() => project?.dispose());

  const ids = [
    'not_null(name)',
    'unique(id)',
    'accepted_values(country)',
    'range(age)',
    'relationships(parent_id → parents.id)',
    'expression(age >= 18)',
    'no_forbidden',
    'freshness(seen_at)',
    'volume(load_date)',
    'reconciliation(bad_trimmed)',
  ];

  it.each(ids)('%s passes on good data', (id) => {
    const row = rows[`good:${id.replace('bad_trimmed', 'good_copy')}`];
    expect(row).toMatchObject({ status: 'pass', failing_rows: 0, sample: '[]' });
  });

  it.each(ids)('%s finds exactly the one bad row, key or date, and keeps it as a sample', (id) => {
    const row = rows[`bad:${id}`];
    expect(row).toMatchObject({ status: 'warn', severity: 'warn', failing_rows: 1 });
    expect(JSON.parse(String(row?.sample))).toHaveLength(1);
  });

  it('samples the failing rows themselves, so the culprit can be read from the audit', () => {
    const sample = (id: string) => JSON.parse(String(rows[`bad:${id}`]?.sample))[0];
    expect(sample('not_null(name)')).toMatchObject({ id: 2, name: null });
    expect(sample('unique(id)')).toEqual({ id: 2, duplicate_rows: 2 });
    expect(sample('relationships(parent_id → parents.id)')).toMatchObject({ id: 4, parent_id: 99 });
    expect(sample('volume(load_date)')).toMatchObject({
      load_date: '2025-06-04',
      row_count: 6,
      trailing_average: 2,
    });
    expect(sample('reconciliation(bad_trimmed)')).toEqual({
      load_date: '2025-06-01',
      row_count: 2,
      expected_rows: 1,
    });
    expect(sample('freshness(seen_at)')).toMatchObject({ newest: '2025-05-01' });
  });

  it('counts the rows looked at for row-by-row checks', () => {
    expect(rows['bad:not_null(name)']?.checked_rows).toBe(12);
    expect(rows['bad:unique(id)']?.checked_rows).toBeNull();
  });

  it('stores SQL that reruns on its own and finds the same rows', async () => {
    for (const id of ids) {
      const sql = String(rows[`bad:${id}`]?.check_sql);
      expect(await project.query(sql), id).toHaveLength(1);
    }
  });
});

describe('a check of severity error is a gate', () => {
  let project: TestProject;
  let receiver: { url: string; bodies: unknown[]; close: () => Promise<void> };
  const ORDERS = csv('order_id,customer_id,amount', [1, 10, 5], [2, '', 7], [3, 11, 9]);

  beforeAll(async () => {
    receiver = await startReceiver();
    project = await TestProject.create(
      {
        'seeds/raw_orders.csv': ORDERS,
        'seeds/raw_customers.csv': csv('customer_id,name', [10, 'A'], [11, 'B']),
        'models/warehouse/fact_orders.sql': model(
          { materialized: 'table', columns: { customer_id: { checks: ['not_null'] } } },
          "select * from {{ ref('raw_orders') }}",
        ),
        'models/marts/orders_by_customer.sql': model(
          { materialized: 'table' },
          "select customer_id, sum(amount) as amount from {{ ref('fact_orders') }} group by customer_id",
        ),
        'models/marts/top_customer.sql': model(
          { materialized: 'view' },
          "select * from {{ ref('orders_by_customer') }} order by amount desc limit 1",
        ),
        'models/marts/customer_count.sql': model(
          { materialized: 'table' },
          "select count(*) as customers from {{ ref('raw_customers') }}",
        ),
      },
      { config: config({ alerts: { webhook: { urlEnv: 'TEST_ALERT_URL', timeoutMs: 2000 } } }) },
    );
  });
  afterAll(async () => {
    await project?.dispose();
    await receiver?.close();
  });

  it('skips exactly what depends on the checked model, builds the rest, and fails the run', async () => {
    const { summary, exitCode } = await project.run({ env: { TEST_ALERT_URL: receiver.url } });
    expect(exitCode).toBe(1);
    expect(statuses(summary)).toEqual({
      raw_customers: 'success',
      raw_orders: 'success',
      customer_count: 'success',
      fact_orders: 'success',
      'fact_orders:checks': 'failed',
      orders_by_customer: 'skipped',
      top_customer: 'skipped',
    });
    const gate = summary.tasks.find((t) => t.task === 'fact_orders:checks');
    expect(gate?.error?.code).toBe('CHECK_FAILED');
    expect(gate?.error?.message).toContain('fact_orders:not_null(customer_id): 1 of 3 rows failing');
    expect(summary.tasks.find((t) => t.task === 'orders_by_customer')?.error?.message).toBe(
      'skipped: upstream fact_orders:checks failed (CHECK_FAILED)',
    );

    const [result] = await dqResults(project);
    expect(result).toMatchObject({
      check_id: 'fact_orders:not_null(customer_id)',
      status: 'fail',
      failing_rows: 1,
    });
    expect(JSON.parse(String(result?.sample))).toEqual([{ order_id: 2, customer_id: null, amount: 7 }]);

    // The run's report and its alert, delivered to a real receiver.
    expect(summary.metrics).toMatchObject({ checksRun: 1, checksFailed: 1, checksWarned: 0 });
    expect(summary.alerts.alerts).toEqual([
      expect.objectContaining({ rule: 'run_failed', delivery: 'delivered' }),
    ]);
    expect(receiver.bodies).toEqual([
      expect.objectContaining({
        runId: summary.runId,
        alerts: [expect.objectContaining({ rule: 'run_failed' })],
      }),
    ]);

    const detail = await getRun({ ...project.options, runId: summary.runId });
    expect(detail.checks.map((c) => [c.checkId, c.status, c.failingRows])).toEqual([
      ['fact_orders:not_null(customer_id)', 'fail', 1],
    ]);
    expect(detail.alerts).toEqual([expect.objectContaining({ rule: 'run_failed', delivery: 'delivered' })]);
    expect(detail.metrics).toMatchObject({ checks_failed: 1 });
  });

  it('after the model is fixed, --resume rebuilds and rechecks the model and builds what was skipped', async () => {
    const [failed] = await project.query(
      `select run_id from audit.pipeline_runs order by started_at limit 1`,
    );
    await project.write({
      'models/warehouse/fact_orders.sql': model(
        { materialized: 'table', columns: { customer_id: { checks: ['not_null'] } } },
        "select * from {{ ref('raw_orders') }} where customer_id is not null",
      ),
    });
    const { summary, exitCode } = await project.run({ resume: String(failed?.run_id) });
    expect(exitCode).toBe(0);
    expect(statuses(summary)).toEqual({
      fact_orders: 'success',
      'fact_orders:checks': 'success',
      orders_by_customer: 'success',
      top_customer: 'success',
    });
  });

  it('a threshold lets a few failing rows through', async () => {
    await project.write({
      'models/warehouse/fact_orders.sql': model(
        {
          materialized: 'table',
          checks: [
            { not_null: 'customer_id', fail_above: 1, name: 'at_most_one_missing' },
            { not_null: 'customer_id', fail_above: '50%', name: 'at_most_half_missing' },
            { not_null: 'customer_id', fail_above: '20%', name: 'at_most_a_fifth_missing', severity: 'warn' },
          ],
        },
        "select * from {{ ref('raw_orders') }}",
      ),
    });
    const { summary, exitCode } = await project.run();
    expect(exitCode).toBe(0);
    expect(summary.checks.map((c) => [c.checkId, c.status, c.threshold])).toEqual([
      ['fact_orders:at_most_one_missing', 'pass', '> 1 rows'],
      ['fact_orders:at_most_half_missing', 'pass', '> 50%'],
      ['fact_orders:at_most_a_fifth_missing', 'warn', '> 20%'],
    ]);
    expect(summary.checks[2]?.message).toContain('1 of 3 rows failing (allowed > 20%)');
  });
});

describe('checks on an incremental model look at the dates just loaded', () => {
  let project: TestProject;
  const EVENTS = csv(
    'event_id,user_id,load_date',
    [1, '', '2025-06-01'], // the bad row, on the first date
    [2, 'u2', '2025-06-01'],
    [3, 'u3', '2025-06-02'],
  );

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/raw_events.csv': EVENTS,
      'models/fact_events.sql': model(
        {
          materialized: 'incremental',
          load_date_column: 'load_date',
          checks: [
            { not_null: 'user_id', name: 'user_known' },
            { not_null: 'user_id', name: 'user_known_anywhere', scope: 'all', severity: 'warn' },
          ],
        },
        "select * from {{ ref('raw_events') }} where load_date between {{ date_from }} and {{ date_to }}",
      ),
      'models/daily_events.sql': model(
        { materialized: 'table' },
        "select load_date, count(*) as events from {{ ref('fact_events') }} group by load_date",
      ),
    });
  });
  afterAll(() => project?.dispose());

  it('a bad row fails the date it was loaded on, and only that date', async () => {
    const first = await project.run({ date: '2025-06-01' });
    expect(first.exitCode).toBe(1);
    expect(statuses(first.summary)['daily_events']).toBe('skipped');

    const second = await project.run({ date: '2025-06-02' });
    expect(second.exitCode).toBe(0);
    expect(second.summary.checks.map((c) => [c.checkId, c.status, c.failingRows])).toEqual([
      ['fact_events:user_known', 'pass', 0],
      ['fact_events:user_known_anywhere', 'warn', 1],
    ]);
    const results = await dqResults(project, "check_id = 'fact_events:user_known'");
    expect(results.map((r) => [r.date_from, r.date_to, r.status, r.failing_rows])).toEqual([
      ['2025-06-01', '2025-06-01', 'fail', 1],
      ['2025-06-02', '2025-06-02', 'pass', 0],
    ]);
  });

  it('strata check reruns the checks alone: whole tables by default, or given dates; history is kept', async () => {
    const tableBefore = await project.query('select count(*) as n from warehouse.fact_events');
    const whole = await check(project.options);
    expect(whole.exitCode).toBe(1);
    expect(whole.summary.tasks.map((t) => t.task)).toEqual(['fact_events:checks']);
    expect(whole.summary.checks.find((c) => c.checkId === 'fact_events:user_known')).toMatchObject({
      status: 'fail',
      failingRows: 1,
      checkedRows: 3,
    });
    const oneDate = await check({ ...project.options, date: '2025-06-02' });
    expect(oneDate.exitCode).toBe(0);
    expect(await project.query('select count(*) as n from warehouse.fact_events')).toEqual(tableBefore);

    const history = await dqResults(project, "check_id = 'fact_events:user_known'");
    expect(history.map((r) => r.status)).toEqual(['fail', 'pass', 'fail', 'pass']);
    expect(new Set(history.map((r) => r.run_id)).size).toBe(4);
    const metrics = await project.query(
      `select m.command, m.status, m.checks_run, m.checks_failed, m.checks_warned
       from audit.daily_metrics m join audit.pipeline_runs r using (run_id) order by r.started_at`,
    );
    expect(metrics).toEqual([
      { command: 'run', status: 'failed', checks_run: 2, checks_failed: 1, checks_warned: 1 },
      { command: 'run', status: 'success', checks_run: 2, checks_failed: 0, checks_warned: 1 },
      { command: 'check', status: 'failed', checks_run: 2, checks_failed: 1, checks_warned: 1 },
      { command: 'check', status: 'success', checks_run: 2, checks_failed: 0, checks_warned: 1 },
    ]);
  });
});

describe('checks on a source', () => {
  let project: TestProject | undefined;
  afterEach(async () => {
    await project?.dispose();
    project = undefined;
  });

  it('run on the staged records of the dates loaded, and reconcile them with what was received', async () => {
    project = await TestProject.create(
      {
        'data/orders/2025-06-01.csv': csv('order_id,customer_id', ['o1', 'c1'], ['o2', 'c9']),
        'data/orders/2025-06-02.csv': csv('order_id,customer_id', ['o3', 'c1'], ['o3', 'c1'], ['', 'c2']),
        'seeds/customers.csv': csv('customer_id', ['c1'], ['c2']),
      },
      {
        config: config({
          sources: {
            orders: {
              files: 'data/orders/*.csv',
              contract: {
                uniqueKey: ['order_id'],
                fields: { order_id: { type: 'string', required: true }, customer_id: { type: 'string' } },
                // Declared with the contract or beside it: both are the source's checks.
                checks: [{ relationships: { column: 'customer_id', to: 'customers' }, severity: 'warn' }],
              },
              checks: [{ reconciliation: 'raw' }],
              // The second date quarantines one record of three: let it through.
              quarantine: { maxShare: '50%' },
            },
          },
        }),
      },
    );
    const first = await project.run({ date: '2025-06-01' });
    expect(first.exitCode).toBe(0);
    expect(first.summary.checks.map((c) => [c.checkId, c.status, c.failingRows])).toEqual([
      ['orders:relationships(customer_id → customers.customer_id)', 'warn', 1],
      ['orders:reconciliation(raw)', 'pass', 0],
      ['orders:quarantine_share', 'pass', 0],
    ]);
    // The second date: a duplicate and a quarantined record, still reconciled; its orphan-free rows pass.
    const second = await project.run({ date: '2025-06-02' });
    expect(second.summary.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
    expect(second.summary.metrics).toMatchObject({ received: 3, staged: 1, quarantined: 1, duplicates: 1 });
  });
});

describe('the quarantine gate every source has', () => {
  let project: TestProject | undefined;
  afterEach(async () => {
    await project?.dispose();
    project = undefined;
  });

  // 20 orders a day; on 2025-06-02, 15 of them carry their date as 06/02/2025, a format the
  // contract does not list: three quarters of the day are quarantined.
  const day = (date: string, slashed: number) => {
    const [y, m, d] = date.split('-');
    return Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ order_id: `${date}-${i}`, ordered_on: i < slashed ? `${m}/${d}/${y}` : date }),
    ).join('\n');
  };
  const files = {
    'data/orders/2025-06-01.ndjson': day('2025-06-01', 1), // 5%: at the limit, not above it
    'data/orders/2025-06-02.ndjson': day('2025-06-02', 15),
    'models/daily_orders.sql': model(
      { materialized: 'table' },
      "select ordered_on, count(*) as n from {{ ref('orders') }} group by ordered_on",
    ),
  };
  const orders = (quarantine?: unknown) => ({
    files: 'data/orders/*.ndjson',
    ...(quarantine === undefined ? {} : { quarantine }),
    contract: {
      fields: {
        order_id: { type: 'string', required: true },
        ordered_on: { type: 'date', formats: ['%Y-%m-%d'] },
      },
    },
  });

  it('fails the run when a load date quarantines more than 5%, saying the share, counts, date and what to do', async () => {
    project = await TestProject.create(files, { config: config({ sources: { orders: orders() } }) });
    const { exitCode, summary } = await project.run({ from: '2025-06-01', to: '2025-06-02' });
    expect(exitCode).toBe(1);
    expect(summary.status).toBe('failed');
    expect(statuses(summary)).toMatchObject({
      orders: 'success',
      'orders:checks': 'failed',
      daily_orders: 'skipped',
    });
    const gate = summary.checks.find((c) => c.checkId === 'orders:quarantine_share');
    expect(gate).toMatchObject({ status: 'fail', severity: 'error', failingRows: 1 });
    expect(gate?.message).toBe(
      'orders:quarantine_share: 75% of the records received on 2025-06-02 were quarantined (15 of 20; allowed 5%). ' +
        'See why with `strata quarantine --source orders`, fix the contract (or the files), then rerun the date: ' +
        'strata run --from 2025-06-02 --to 2025-06-02 --select orders+',
    );
    // Recorded like any check, with the ledger row that failed as its sample.
    const [result] = await dqResults(project, "check_id = 'orders:quarantine_share'");
    expect(result).toMatchObject({ status: 'fail', severity: 'error', failing_rows: 1 });
    expect(result?.sample).toContain('2025-06-02');
    // Every record is still accounted for, and the rejected ones are kept.
    expect(
      await project.query(
        `select cast(load_date as varchar) as d, received, staged, quarantined from audit.source_loads order by d`,
      ),
    ).toEqual([
      { d: '2025-06-01', received: 20, staged: 19, quarantined: 1 },
      { d: '2025-06-02', received: 20, staged: 5, quarantined: 15 },
    ]);
    // `strata check` runs the same gate against the warehouse as it is.
    const checked = await check({ ...project.options, date: '2025-06-02' });
    expect(checked.exitCode).toBe(1);
    expect(checked.summary.checks.map((c) => [c.checkId, c.status])).toEqual([
      ['orders:quarantine_share', 'fail'],
    ]);
  });

  it('is set per source: a higher share, severity warn, or off', async () => {
    project = await TestProject.create(files, {
      config: config({ sources: { orders: orders({ maxShare: 0.8 }) } }),
    });
    const higher = await project.run({ from: '2025-06-01', to: '2025-06-02' });
    expect(higher.exitCode).toBe(0);
    expect(higher.summary.checks.map((c) => [c.checkId, c.status])).toEqual([
      ['orders:quarantine_share', 'pass'],
    ]);

    // A date fails only once enough of its records are quarantined for the share to mean something.
    await project.write({
      'strata.config.ts': config({ sources: { orders: orders({ maxShare: 0.07, minQuarantined: 16 }) } }),
    });
    const few = await project.run({ date: '2025-06-02' });
    expect(few.exitCode).toBe(0);
    expect(few.summary.checks.map((c) => c.status)).toEqual(['pass']);

    await project.write({
      'strata.config.ts': config({ sources: { orders: orders({ severity: 'warn' }) } }),
    });
    const warned = await project.run({ date: '2025-06-02' });
    expect(warned.exitCode).toBe(0);
    expect(statuses(warned.summary)).toMatchObject({ 'orders:checks': 'success', daily_orders: 'success' });
    const gate = warned.summary.checks[0];
    expect([gate?.checkId, gate?.status]).toEqual(['orders:quarantine_share', 'warn']);
    expect(gate?.message).toContain(
      '75% of the records received on 2025-06-02 were quarantined (15 of 20; allowed 5%)',
    );

    await project.write({ 'strata.config.ts': config({ sources: { orders: orders(false) } }) });
    const off = await project.run({ date: '2025-06-02' });
    expect(off.exitCode).toBe(0);
    expect(off.summary.checks).toEqual([]);
  });

  it('refuses a share that is not one', async () => {
    project = await TestProject.create(files, {
      config: config({ sources: { orders: orders({ maxShare: 5 }) } }),
    });
    const error = await loadProject(project.dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrataAggregateError);
    const [problem] = (error as StrataAggregateError).problems;
    expect(problem?.message).toContain('sources.orders.quarantine');
    expect(problem?.message).toContain("a share between 0 and 1 such as 0.05 or a percentage such as '5%'");
  });
});

it('problems in check definitions are reported together, each with where it is declared', async () => {
  const project = await TestProject.create(
    {
      'seeds/things.csv': csv('id', [1]),
      'models/stuff.sql': model(
        { materialized: 'table', checks: ['not_null', { relationships: { column: 'id', to: 'nowhere' } }] },
        "select * from {{ ref('things') }}",
      ),
    },
    { config: config({ checks: { no_such_model: [{ not_null: 'id' }], things: [{ volume: 10 }] } }) },
  );
  try {
    const error = await loadProject(project.dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrataAggregateError);
    const problems = (error as StrataAggregateError).problems.map((p) => [
      p.code,
      p.location.file,
      p.message,
    ]);
    expect(problems).toEqual([
      ['CHECK_INVALID', 'models/stuff.sql', 'check not_null on stuff: not_null needs a column'],
      [
        'CHECK_INVALID',
        'models/stuff.sql',
        'check relationships on stuff: to: nowhere names no model, seed or source',
      ],
      [
        'CHECK_INVALID',
        'strata.config.ts',
        'checks on "no_such_model": no model, seed or source has that name',
      ],
      ['CHECK_INVALID', 'strata.config.ts', 'check volume on things: volume needs a column'],
    ]);
  } finally {
    await project.dispose();
  }
});

/** A real HTTP receiver on 127.0.0.1 that records the JSON bodies posted to it. */
async function startReceiver(): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      bodies.push(JSON.parse(body));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/secret-token`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
