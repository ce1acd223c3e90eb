import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withProject } from '../../src/api/open-project.ts';
import { explainSchedules, scheduleHealth, scheduleOnce } from '../../src/api/schedule.ts';
import { type QueueEntry, ScheduleLoop } from '../../src/api/schedule-loop.ts';
import { status } from '../../src/api/status.ts';
import { alertsOf } from '../../src/audit/alerts.ts';
import type { StrataConfigInput } from '../../src/config/schema.ts';
import { createScheduleApp } from '../../src/serve/schedule-app.ts';
import { JumpClock } from '../helpers/jump-clock.ts';
import { type ProjectFiles, TestProject, csv, model } from '../helpers/project.ts';

const DATES = Array.from({ length: 10 }, (_, i) => `2025-03-${String(i + 1).padStart(2, '0')}`);

/** Events and daily account snapshots for 2025-03-01..10; a snapshot model that must see its dates in order. */
const FILES: ProjectFiles = {
  'seeds/events.csv': csv(
    'id,account,value,load_date',
    ...DATES.map((d, i) => [i + 1, i % 2 ? 'a' : 'b', 10 * (i + 1), d]),
  ),
  'seeds/accounts.csv': csv(
    'account,plan,snapshot_date',
    ...DATES.flatMap((d, i) => [
      ['a', i < 4 ? 'free' : 'pro', d],
      ['b', i < 6 ? 'free' : 'team', d],
    ]),
  ),
  'models/staging/stg_events.sql': model(
    { materialized: 'view' },
    `select id, account, value, cast(load_date as date) as load_date from {{ ref('events') }}`,
  ),
  'models/warehouse/fact_events.sql': model(
    { materialized: 'incremental', load_date_column: 'load_date' },
    `select * from {{ ref('stg_events') }}`,
  ),
  'models/warehouse/dim_account_daily.sql': model(
    { materialized: 'scd2', unique_key: 'account', tracked_columns: ['plan'] },
    `select account, plan from {{ ref('accounts') }} where cast(snapshot_date as date) = {{ date_to }}`,
  ),
  'models/marts/daily_value.sql': model(
    { materialized: 'table' },
    `select load_date, sum(value) as value from {{ ref('fact_events') }} group by load_date`,
  ),
};

function configWith(extra: Partial<StrataConfigInput>): string {
  const config = { engine: { type: 'duckdb', path: 'warehouse.duckdb' }, ...extra };
  return `import { defineConfig } from 'strata';\n\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`;
}

/** Runs the project's scheduler on a jump clock from `start` until it would sleep past `until`. */
async function runScheduler(
  project: TestProject,
  start: string,
  until: string,
  during?: (clock: JumpClock) => (event: { type: string }) => void,
): Promise<QueueEntry[]> {
  const stop = new AbortController();
  const clock = new JumpClock(start, { until, stop });
  return withProject(project.options, async (loaded, engine) => {
    const onRunEvent = during?.(clock);
    const loop = new ScheduleLoop({ project: loaded, engine, clock, ...(onRunEvent ? { onRunEvent } : {}) });
    await loop.run(stop.signal);
    return loop.record;
  });
}

const dateList = (entries: readonly QueueEntry[]) =>
  entries.map((e) => `${e.schedule} ${e.loadDate} ${e.status}`);

describe('a daily schedule', () => {
  let scheduled: TestProject;
  let manual: TestProject;

  beforeAll(async () => {
    scheduled = await TestProject.create(FILES, {
      config: configWith({
        schedules: { daily: { cron: '0 2 * * *', description: 'everything, yesterday' } },
      }),
    });
    manual = await TestProject.create(FILES);
  });
  afterAll(async () => {
    await scheduled?.dispose();
    await manual?.dispose();
  });

  it('a week of daily fires gives the same warehouse as seven manual runs of the same dates', async () => {
    const record = await runScheduler(scheduled, '2025-03-01T12:00:00Z', '2025-03-08T03:00:00Z');
    expect(dateList(record)).toEqual(DATES.slice(0, 7).map((d) => `daily ${d} success`));
    for (const date of DATES.slice(0, 7)) expect((await manual.run({ date })).exitCode).toBe(0);
    const sums = await scheduled.checksums();
    expect(Object.keys(sums)).toContain('warehouse.dim_account_daily');
    expect(sums).toEqual(await manual.checksums());
    const ledger = await scheduled.query(
      `select cast(load_date as varchar) as d, status, attempts, run_id from audit.schedule_dates order by load_date`,
    );
    expect(ledger.map((r) => `${String(r.d)} ${String(r.status)} ${Number(r.attempts)}`)).toEqual(
      DATES.slice(0, 7).map((d) => `${d} success 1`),
    );
    const runs = await scheduled.query(`select trigger from audit.pipeline_runs`);
    expect(new Set(runs.map((r) => r.trigger))).toEqual(new Set(['schedule:daily']));
  });

  it('after three days of downtime, status and /healthz show the missing dates; on start they run in order', async () => {
    const now = new Date('2025-03-11T12:00:00Z');
    const state = await status({ ...scheduled.options, now });
    expect(state.schedules).toEqual([
      {
        name: 'daily',
        cron: '0 2 * * *',
        timezone: 'UTC',
        nextFireAt: '2025-03-12T02:00:00.000Z',
        missing: ['2025-03-08', '2025-03-09', '2025-03-10'],
      },
    ]);
    const app = createScheduleApp({
      health: () => withProject(scheduled.options, (p, engine) => scheduleHealth(p, engine, now)),
    });
    const lagging = await app.request('/healthz');
    expect(lagging.status).toBe(503);
    expect(await lagging.json()).toMatchObject({
      status: 'lagging',
      lastRun: { status: 'success', trigger: 'schedule:daily' },
      schedules: [{ name: 'daily', missing: ['2025-03-08', '2025-03-09', '2025-03-10'] }],
      newestLoadDate: '2025-03-07',
      lagDays: 3,
    });

    const record = await runScheduler(scheduled, '2025-03-11T12:00:00Z', '2025-03-11T13:00:00Z');
    expect(dateList(record)).toEqual([
      'daily 2025-03-08 success',
      'daily 2025-03-09 success',
      'daily 2025-03-10 success',
    ]);
    const runs = await scheduled.query(
      `select cast(date_from as varchar) as d from audit.pipeline_runs order by started_at, run_id`,
    );
    expect(runs.map((r) => r.d)).toEqual(DATES);

    const explained = await explainSchedules({ ...scheduled.options, now });
    expect(explained[0]).toMatchObject({
      name: 'daily',
      description: 'everything, yesterday',
      expected: DATES.slice(3, 10),
      done: DATES.slice(3, 10),
      missing: [],
    });
    const ok = await app.request('/healthz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', newestLoadDate: '2025-03-10', lagDays: 0 });
  });
});

describe('a model edited while the scheduler runs', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create(FILES, {
      config: configWith({ schedules: { daily: { cron: '0 2 * * *' } } }),
    });
  });
  afterAll(() => project?.dispose());

  it('is built as edited by the next scheduled run, without a restart', async () => {
    let edited = false;
    const record = await runScheduler(
      project,
      '2025-03-01T12:00:00Z',
      '2025-03-03T03:00:00Z',
      () => (event) => {
        // Between the first and the second fire, the mart's SQL changes on disk.
        if (event.type === 'run_finished' && !edited) {
          edited = true;
          writeFileSync(
            join(project.dir, 'models/marts/daily_value.sql'),
            model(
              { materialized: 'table' },
              `select load_date, sum(value) * 2 as value from {{ ref('fact_events') }} group by load_date`,
            ),
          );
        }
      },
    );
    expect(dateList(record)).toEqual(['daily 2025-03-01 success', 'daily 2025-03-02 success']);
    const rows = await project.query(
      `select cast(load_date as varchar) as d, value from marts.daily_value order by load_date`,
    );
    expect(rows.map((r) => `${String(r.d)} ${Number(r.value)}`)).toEqual(['2025-03-01 20', '2025-03-02 40']);
  });
});

describe('runs never overlap', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create(FILES, {
      config: configWith({
        schedules: {
          daily: { cron: '0 2 * * *', exclude: ['accounts+'] },
          events: { cron: '0 2 * * *', select: ['stg_events+'] },
        },
      }),
    });
  });
  afterAll(() => project?.dispose());

  it('two schedules firing at the same minute, and a fire during a long run, wait for the run', async () => {
    let advanced = false;
    const record = await runScheduler(
      project,
      '2025-03-01T12:00:00Z',
      '2025-03-04T03:00:00Z',
      (clock) => (event) => {
        // The first run lasts a day and an hour: the next day's fire happens while it runs.
        if (event.type === 'run_started' && !advanced) {
          advanced = true;
          clock.advance(25 * 3_600_000);
        }
      },
    );
    expect(dateList(record)).toEqual([
      'daily 2025-03-01 success',
      'events 2025-03-01 success',
      'daily 2025-03-02 success',
      'events 2025-03-02 success',
      'daily 2025-03-03 success',
      'events 2025-03-03 success',
    ]);
    // The fire during the first run waited for it: fired before the run ended, started after.
    const [first, , during] = record as [QueueEntry, QueueEntry, QueueEntry];
    expect(during.firedAt).toBe('2025-03-03T02:00:00.000Z');
    expect(first.finishedAt).toBe('2025-03-03T03:00:00.000Z');
    expect(during.startedAt && during.startedAt >= (first.finishedAt as string)).toBe(true);
    const bySequence = [...record].sort((a, b) => (a.startSequence ?? 0) - (b.startSequence ?? 0));
    for (const entry of bySequence) expect(entry.finishSequence).toBe((entry.startSequence ?? 0) + 1);
    const runs = await project.query(
      `select trigger, cast(started_at as varchar) as started, cast(finished_at as varchar) as finished
         from audit.pipeline_runs order by started_at, run_id`,
    );
    expect(runs).toHaveLength(6);
    for (let i = 1; i < runs.length; i += 1) {
      expect(String(runs[i]?.started) >= String(runs[i - 1]?.finished)).toBe(true);
    }
    // `exclude` left the accounts and what is built on them out of the daily runs, but for the
    // first, which built them because they did not exist yet.
    const selections = await project.query(
      `select selection from audit.pipeline_runs where trigger = 'schedule:daily' order by started_at, run_id`,
    );
    const excluded = ['daily_value', 'events', 'fact_events', 'stg_events'];
    expect(selections.map((r) => (JSON.parse(String(r.selection)) as string[]).sort())).toEqual([
      ['accounts', 'daily_value', 'dim_account_daily', 'events', 'fact_events', 'stg_events'],
      excluded,
      excluded,
    ]);
  });

  it('--once runs what is missing now, oldest first, and exits 0 when every run succeeded', async () => {
    const clock = new JumpClock('2025-03-06T12:00:00Z');
    const once = await scheduleOnce({ ...project.options, clock });
    expect(dateList(once.runs)).toEqual([
      'daily 2025-03-04 success',
      'events 2025-03-04 success',
      'daily 2025-03-05 success',
      'events 2025-03-05 success',
    ]);
    expect(once.exitCode).toBe(0);
    const again = await scheduleOnce({ ...project.options, clock });
    expect(again).toEqual({ runs: [], exitCode: 0 });
  });
});

describe('a scheduled run that fails', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create(
      {
        'models/broken.sql': model({ materialized: 'table' }, `select cast('not a number' as integer) as n`),
      },
      { config: configWith({ schedules: { daily: { cron: '0 2 * * *', catchupDays: 1 } } }) },
    );
  });
  afterAll(() => project?.dispose());

  it('fires the alert rule, stays missing, exits 1 with --once, and /healthz says failing', async () => {
    // The first look only registers the schedule: history is not backfilled.
    expect(await scheduleOnce({ ...project.options, clock: new JumpClock('2025-03-01T12:00:00Z') })).toEqual({
      runs: [],
      exitCode: 0,
    });
    const clock = new JumpClock('2025-03-03T12:00:00Z');
    const once = await scheduleOnce({ ...project.options, clock });
    // catchupDays 1: only the fire of 2025-03-03 02:00 is in the window.
    expect(dateList(once.runs)).toEqual(['daily 2025-03-02 failed']);
    expect(once.exitCode).toBe(1);
    const runId = once.runs[0]?.runId as string;
    const alerts = await withProject(project.options, (_p, engine) => alertsOf(engine, runId));
    expect(alerts.map((a) => a.rule)).toContain('run_failed');

    const app = createScheduleApp({
      health: () => withProject(project.options, (p, engine) => scheduleHealth(p, engine, clock.now())),
    });
    const response = await app.request('/healthz');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 'failing',
      lastRun: { runId, status: 'failed', trigger: 'schedule:daily' },
      schedules: [{ name: 'daily', missing: ['2025-03-02'] }],
      newestLoadDate: null,
      lagDays: null,
    });
    // A failed date is retried by the next look, one more attempt on the same ledger row.
    await scheduleOnce({ ...project.options, clock });
    const ledger = await project.query(`select status, attempts from audit.schedule_dates`);
    expect(ledger.map((r) => `${String(r.status)} ${Number(r.attempts)}`)).toEqual(['failed 2']);
  });
});

describe('the catch-up window', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create(FILES, {
      config: configWith({
        schedules: {
          latest: { cron: '0 2 * * *', catchupDays: false, select: ['+fact_events'] },
          twoDays: { cron: '0 2 * * *', catchupDays: 2, select: ['+fact_events'] },
        },
      }),
    });
  });
  afterAll(() => project?.dispose());

  it('after five days down: catchupDays 2 runs two days, false only the latest fire’s date', async () => {
    await scheduleOnce({ ...project.options, clock: new JumpClock('2025-03-01T12:00:00Z') });
    const once = await scheduleOnce({ ...project.options, clock: new JumpClock('2025-03-06T12:00:00Z') });
    expect(dateList(once.runs)).toEqual([
      'twoDays 2025-03-04 success',
      'latest 2025-03-05 success',
      'twoDays 2025-03-05 success',
    ]);
    const ledger = await project.query(
      `select schedule, cast(load_date as varchar) as d from audit.schedule_dates order by schedule, load_date`,
    );
    expect(ledger.map((r) => `${String(r.schedule)} ${String(r.d)}`)).toEqual([
      'latest 2025-03-05',
      'twoDays 2025-03-04',
      'twoDays 2025-03-05',
    ]);
  });
});

describe('stopping the scheduler during a catch-up', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create(FILES, {
      config: configWith({ schedules: { daily: { cron: '0 2 * * *' } } }),
    });
  });
  afterAll(() => project?.dispose());

  it('starts nothing more, interrupts the current run, and leaves the rest interrupted (still missing)', async () => {
    await scheduleOnce({ ...project.options, clock: new JumpClock('2025-03-01T12:00:00Z') });
    const stop = new AbortController();
    const clock = new JumpClock('2025-03-04T12:00:00Z');
    const record = await withProject(project.options, async (loaded, engine) => {
      const loop = new ScheduleLoop({
        project: loaded,
        engine,
        clock,
        // SIGTERM arrives while the first of three dates runs.
        onRunEvent: (event) => {
          if (event.type === 'run_started') stop.abort();
        },
      });
      await loop.run(stop.signal);
      return loop.record;
    });
    expect(record.map((e) => e.loadDate)).toEqual(['2025-03-01', '2025-03-02', '2025-03-03']);
    expect(record.filter((e) => e.startedAt !== undefined).map((e) => e.loadDate)).toEqual(['2025-03-01']);
    // The run honours the stop signal: it is interrupted, and its date stays missing.
    expect(record[0]?.status).toBe('interrupted');
    const ledger = await project.query(
      `select cast(load_date as varchar) as d, status from audit.schedule_dates order by load_date`,
    );
    expect(ledger.slice(1).map((r) => `${String(r.d)} ${String(r.status)}`)).toEqual([
      '2025-03-02 interrupted',
      '2025-03-03 interrupted',
    ]);
    expect(ledger[0]?.status).toBe(record[0]?.status);
    const state = await status({ ...project.options, now: clock.now() });
    expect(state.schedules[0]?.missing).toEqual(['2025-03-01', '2025-03-02', '2025-03-03']);
    const runs = await project.query(
      `select status from audit.pipeline_runs where trigger = 'schedule:daily'`,
    );
    expect(runs.map((r) => r.status)).toEqual(['interrupted']);
  });
});
