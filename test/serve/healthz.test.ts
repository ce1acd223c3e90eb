import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardSite, openDashboardSite } from '../../src/api/dashboard-site.ts';
import { siteHealth } from '../../src/api/schedule.ts';
import { createApp } from '../../src/serve/app.ts';
import { JumpClock } from '../helpers/jump-clock.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

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
});
