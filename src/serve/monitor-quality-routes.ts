import type { Hono } from 'hono';
import { monitorCheck, monitorChecks } from '../api/monitor-checks.ts';
import { monitorLineage } from '../api/monitor-lineage.ts';
import { monitorQuarantine } from '../api/monitor-quarantine.ts';
import { monitorReconciliation } from '../api/monitor-reconciliation.ts';
import type { DashboardSite } from '../api/dashboard-site.ts';

/**
 * The monitor's quality views in the JSON API: `/api/<project>/monitor/checks[/<checkId>]`,
 * `quarantine`, `reconciliation`, `lineage`. Thin: each calls its api/ function.
 */
export function registerMonitorQualityRoutes(app: Hono, site: DashboardSite): void {
  const params = (url: string) => new URL(url).searchParams;
  app.get('/api/:project/monitor/checks', async (c) =>
    c.json(await monitorChecks(site, c.req.param('project'), params(c.req.url))),
  );
  app.get('/api/:project/monitor/checks/:check', async (c) =>
    c.json(await monitorCheck(site, c.req.param('project'), c.req.param('check'), params(c.req.url))),
  );
  app.get('/api/:project/monitor/quarantine', async (c) =>
    c.json(await monitorQuarantine(site, c.req.param('project'), params(c.req.url))),
  );
  app.get('/api/:project/monitor/reconciliation', async (c) =>
    c.json(await monitorReconciliation(site, c.req.param('project'), params(c.req.url))),
  );
  app.get('/api/:project/monitor/lineage', async (c) =>
    c.json(await monitorLineage(site, c.req.param('project'))),
  );
}
