import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackfillEvent, backfill } from '../../src/api/backfill.ts';
import { type ProjectFiles, TestProject, csv, model } from '../helpers/project.ts';

/**
 * `strata backfill` over a few days gives the warehouse day-by-day `run --date` runs give, with
 * chunks of one day or several, and after an interruption or a failed chunk once resumed. Runs on
 * both engines.
 */
const DATES = ['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05'];

const FILES: ProjectFiles = {
  'seeds/events.csv': csv(
    'id,account,value,load_date',
    [1, 'a', 10, '2025-03-01'],
    [2, 'b', 20, '2025-03-01'],
    [3, 'a', 30, '2025-03-02'],
    [4, 'c', 40, '2025-03-02'],
    [5, 'b', 50, '2025-03-03'],
    [6, 'c', 60, '2025-03-04'],
    [7, 'a', 70, '2025-03-05'],
  ),
  'seeds/accounts.csv': csv(
    'account,plan,snapshot_date',
    ['a', 'free', '2025-03-01'],
    ['b', 'free', '2025-03-01'],
    ['a', 'pro', '2025-03-02'],
    ['b', 'free', '2025-03-02'],
    ['c', 'team', '2025-03-02'],
    ['a', 'pro', '2025-03-04'],
    ['b', 'pro', '2025-03-04'],
    ['c', 'team', '2025-03-04'],
  ),
  'models/staging/stg_events.sql': model(
    { materialized: 'view' },
    `select id, account, value, cast(load_date as date) as load_date from {{ ref('events') }}`,
  ),
  'models/warehouse/fact_events.sql': model(
    { materialized: 'incremental', load_date_column: 'load_date' },
    `select * from {{ ref('stg_events') }}`,
  ),
  'models/warehouse/dim_account.sql': model(
    { materialized: 'scd2', unique_key: 'account', load_date_column: 'snapshot_date' },
    `select account, plan, cast(snapshot_date as date) as snapshot_date from {{ ref('accounts') }}`,
  ),
  'models/marts/daily_value.sql': model(
    { materialized: 'table' },
    `select load_date, sum(value) as value from {{ ref('fact_events') }} group by load_date`,
  ),
};

/** Fails on 2025-03-03 (a value that is not a number is cast to one), fine on every other date. */
const FRAGILE = model(
  { materialized: 'incremental', load_date_column: 'load_date' },
  `select id, load_date,
     case when load_date = date '2025-03-03' then cast(account as integer) else value end as value
   from {{ ref('stg_events') }}`,
);
const MENDED = model(
  { materialized: 'incremental', load_date_column: 'load_date' },
  `select id, load_date, value from {{ ref('stg_events') }}`,
);

describe('strata backfill', () => {
  let dayByDay: Record<string, string>;
  const projects: TestProject[] = [];
  const fresh = async (extra: ProjectFiles = {}) => {
    const project = await TestProject.create({ ...FILES, ...extra });
    projects.push(project);
    return project;
  };
  const backfillOf = (project: TestProject, request: Parameters<typeof backfill>[0] = {}) =>
    backfill({ ...request, ...project.options });

  beforeAll(async () => {
    const reference = await fresh({ 'models/warehouse/fragile.sql': MENDED });
    for (const date of DATES) expect((await reference.run({ date })).exitCode).toBe(0);
    dayByDay = await reference.checksums();
  });
  afterAll(async () => {
    for (const project of projects) await project.dispose();
  });

  it.each([1, 3])('with chunks of %i day(s) gives the checksums of day-by-day runs', async (chunkDays) => {
    const project = await fresh({ 'models/warehouse/fragile.sql': MENDED });
    const events: BackfillEvent[] = [];
    const result = await backfillOf(project, {
      from: DATES[0],
      to: DATES[4],
      chunkDays,
      onEvent: (e) => void events.push(e),
    });
    expect(result.exitCode).toBe(0);
    expect(result.backfill.status).toBe('success');
    const chunks = chunkDays === 1 ? 5 : 2;
    expect(result.backfill.chunks).toHaveLength(chunks);
    expect(result.runs.map((r) => r.window)).toEqual(
      result.backfill.chunks.map((c) => ({ from: c.from, to: c.to })),
    );
    expect(await project.checksums()).toEqual(dayByDay);
    // each chunk one run, recorded with the backfill as its trigger, in date order
    const runs = await project.query(
      `select trigger, cast(date_from as varchar) as date_from from audit.pipeline_runs order by started_at`,
    );
    expect(runs.map((r) => r.trigger)).toEqual(Array(chunks).fill(`backfill:${result.backfill.backfillId}`));
    expect(runs.map((r) => r.date_from)).toEqual(result.backfill.chunks.map((c) => c.from));
    expect(
      events.filter((e) => e.type === 'chunk_finished').map((e) => e.type === 'chunk_finished' && e.status),
    ).toEqual(Array(chunks).fill('success'));
  });

  it('interrupted after its first chunk, is recorded so, and --resume completes it as day-by-day', async () => {
    const project = await fresh({ 'models/warehouse/fragile.sql': MENDED });
    const stop = new AbortController();
    const first = await backfillOf(project, {
      from: DATES[0],
      to: DATES[4],
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'chunk_finished' && e.chunk === 1) stop.abort('SIGINT');
      },
    });
    expect(first.exitCode).toBe(130);
    expect(first.backfill.status).toBe('interrupted');
    expect(first.backfill.chunks.map((c) => c.status)).toEqual([
      'success',
      'interrupted',
      'pending',
      'pending',
      'pending',
    ]);
    const [ledger] = await project.query(
      `select status, error_code from audit.backfills where backfill_id = '${first.backfill.backfillId}'`,
    );
    expect(ledger).toEqual({ status: 'interrupted', error_code: 'RUN_INTERRUPTED' });

    // --resume with the options that define a backfill is refused, naming them
    await expect(backfillOf(project, { resume: true, from: DATES[0] })).rejects.toMatchObject({
      code: 'USAGE',
    });
    const resumed = await backfillOf(project, { resume: true });
    expect(resumed.backfill.backfillId).toBe(first.backfill.backfillId);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.runs.map((r) => r.window.from)).toEqual(DATES.slice(1));
    expect(resumed.backfill.chunks.every((c) => c.status === 'success')).toBe(true);
    expect(await project.checksums()).toEqual(dayByDay);
    // nothing is left to resume
    await expect(backfillOf(project, { resume: true })).rejects.toMatchObject({ code: 'BACKFILL_NOT_FOUND' });
  });

  it('stops at a failing chunk, and once the model is fixed --resume ID completes it as day-by-day', async () => {
    const project = await fresh({ 'models/warehouse/fragile.sql': FRAGILE });
    const failed = await backfillOf(project, { from: DATES[0], to: DATES[4], chunkDays: 1 });
    expect(failed.exitCode).toBe(1);
    expect(failed.backfill.status).toBe('failed');
    expect(failed.backfill.chunks.map((c) => c.status)).toEqual([
      'success',
      'success',
      'failed',
      'pending',
      'pending',
    ]);
    // later chunks never ran: they would build on the gap
    expect(failed.runs).toHaveLength(3);
    expect(failed.backfill.error).toMatch(/fragile/);

    await project.write({ 'models/warehouse/fragile.sql': MENDED });
    const resumed = await backfillOf(project, { resume: failed.backfill.backfillId });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.runs.map((r) => r.window.from)).toEqual(DATES.slice(2));
    expect(await project.checksums()).toEqual(dayByDay);
  });
});
