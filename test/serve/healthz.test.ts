import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardSite, openDashboardSite } from '../../src/api/dashboard-site.ts';
import { createScheduler, siteHealth } from '../../src/api/schedule.ts';
import { createApp } from '../../src/serve/app.ts';
import { JumpClock } from '../helpers/jump-clock.ts';
import { TestProject, csv, model } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';

const CONFIG = `import { defineConfig } from 'strata';

export default defineConfig({
  engine: { type: 'duckdb', path: 'warehouse.duckdb' },
  schedules: { daily: { cron: '0 2 * * *' } },
});
`;

/** GET /healthz of the dashboard app (`strata serve` without --schedule): no token, the first project's health. */
describe('GET /healthz on the dashboard app', () => {
  let project: TestProject;
  let site: DashboardSite;

  beforeAll(async () => {
    project = await TestProject.create(
      {
        'seeds/events.csv': csv('id,load_date', [1, '2025-03-01']),
        'models/warehouse/events_copy.sql': model(
          { materialized: 'table' },
          `select * from {{ ref('events') }}`,
        ),
      },
      { config: CONFIG },
    );
    expect((await project.run({ date: '2025-03-01' })).exitCode).toBe(0);
    site = await openDashboardSite({ projectDirs: [project.dir], env: project.env });
  });
  afterAll(async () => {
    await site?.close();
    await project?.dispose();
  });

  it('answers without the token, 200 when ok, and shows no data values', async () => {
    const clock = new JumpClock('2025-03-02T12:00:00Z');
    const app = createApp({ site, token: 'secret', health: () => siteHealth(site, clock) });
    expect((await app.request('/api')).status).toBe(401);
    const response = await app.request('/healthz');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    // No scheduler has seen the schedule yet: nothing is expected, so nothing is missing.
    expect(body).toMatchObject({
      status: 'ok',
      lastRun: { status: 'success', trigger: 'api' },
      schedules: [{ name: 'daily', nextFireAt: '2025-03-03T02:00:00.000Z', missing: [] }],
      newestLoadDate: '2025-03-01',
      lagDays: 0,
    });
    expect(Object.keys(body).sort()).toEqual([
      'checkedAt',
      'lagDays',
      'lastRun',
      'newestLoadDate',
      'schedules',
      'status',
    ]);
  });

  it('serve --schedule: during a catch-up the dashboard and /healthz keep answering, and a catch-up in progress is ok', async () => {
    const served = site.projects[0];
    if (!served) throw new Error('no project served');
    // A scheduler saw the schedule on 03-02; the process was down until 03-05.
    const seen = new JumpClock('2025-03-02T12:00:00Z');
    await createScheduler(served.project, served.engine, { clock: seen }).loop.once(
      new AbortController().signal,
    );
    const stop = new AbortController();
    const clock = new JumpClock('2025-03-05T12:00:00Z', { until: '2025-03-05T13:00:00Z', stop });
    const app = createApp({ site, health: () => siteHealth(site, clock) });
    const during: (Response | Promise<Response>)[] = [];
    const scheduler = createScheduler(served.project, served.engine, {
      clock,
      onRunEvent: (event) => {
        // The run's start, not its first task: tasks with nothing new to read are skipped, never started.
        if (event.type === 'run_started' && during.length === 0) {
          during.push(app.request('/api'), app.request('/healthz'));
        }
      },
    });
    await scheduler.run(stop.signal);
    expect(scheduler.loop.record.map((e) => `${e.loadDate} ${e.status}`)).toEqual([
      '2025-03-02 success',
      '2025-03-03 success',
      '2025-03-04 success',
    ]);
    const [api, health] = await Promise.all(during);
    expect(api?.status).toBe(200);
    expect(health?.status).toBe(200);
    expect(await health?.json()).toMatchObject({
      status: 'ok',
      schedules: [{ name: 'daily', missing: ['2025-03-02', '2025-03-03', '2025-03-04'] }],
    });
    const after = await app.request('/healthz');
    expect(await after.json()).toMatchObject({ status: 'ok', newestLoadDate: '2025-03-04', lagDays: 0 });
  });
});

// One environment names one PostgreSQL database, so two served projects there share it.
describe.runIf(testEngine() === 'duckdb')('DuckDB only: GET /healthz with several projects served', () => {
  let healthy: TestProject;
  let broken: TestProject;
  let site: DashboardSite;

  beforeAll(async () => {
    const seed = { 'seeds/events.csv': csv('id,load_date', [1, '2025-03-01']) };
    healthy = await TestProject.create(
      {
        ...seed,
        'models/warehouse/events_copy.sql': model(
          { materialized: 'table' },
          `select * from {{ ref('events') }}`,
        ),
      },
      { config: CONFIG },
    );
    broken = await TestProject.create(
      {
        ...seed,
        'models/warehouse/broken.sql': model({ materialized: 'table' }, `select cast('x' as integer) as n`),
      },
      { config: CONFIG },
    );
    expect((await healthy.run({ date: '2025-03-01' })).exitCode).toBe(0);
    expect((await broken.run({ date: '2025-03-01' })).exitCode).toBe(1);
    site = await openDashboardSite({ projectDirs: [healthy.dir, broken.dir], env: healthy.env });
  });
  afterAll(async () => {
    await site?.close();
    await healthy?.dispose();
    await broken?.dispose();
  });

  it('answers the worst status, with each project’s report under its name', async () => {
    const clock = new JumpClock('2025-03-02T12:00:00Z');
    const app = createApp({ site, health: () => siteHealth(site, clock) });
    const response = await app.request('/healthz');
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      status: string;
      projects: { project: string; status: string }[];
    };
    expect(body.status).toBe('failing');
    expect(body.projects.map((p) => [p.project, p.status])).toEqual([
      [site.projects[0]?.slug, 'ok'],
      [site.projects[1]?.slug, 'failing'],
    ]);
    expect(body.projects[1]).toMatchObject({ lastRun: { status: 'failed' }, newestLoadDate: null });
  });
});
