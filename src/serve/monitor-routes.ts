import type { Hono } from 'hono';
import type { DashboardSite } from '../api/dashboard-site.ts';
import { monitorRun, monitorRuns } from '../api/monitor-runs.ts';

/**
 * The monitor's runs views in the JSON API: `/api/<project>/monitor/runs` (filters and paging as
 * query parameters) and `/api/<project>/monitor/runs/<runId>`. Registered before the API's
 * catch-all; the browser pages at `/<project>/monitor/...` are the page shell like every other.
 */
export function registerMonitorRunsRoutes(app: Hono, site: DashboardSite): void {
  app.get('/api/:project/monitor/runs', async (c) =>
    c.json(await monitorRuns(site, c.req.param('project'), new URL(c.req.url).searchParams)),
  );
  app.get('/api/:project/monitor/runs/:runId', async (c) =>
    c.json(await monitorRun(site, c.req.param('project'), c.req.param('runId'))),
  );
}
