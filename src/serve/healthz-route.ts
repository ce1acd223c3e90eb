import type { Hono } from 'hono';
import type { HealthReport, SiteHealthReport } from '../api/schedule.ts';

/** Computes the health report when asked (a scheduler's, or a served project's). */
export type HealthSource = () => Promise<HealthReport | SiteHealthReport>;

/**
 * GET /healthz for an external monitor: the report as JSON, 200 when `ok`, 503 when `failing` or
 * `lagging` (see HealthReport). It needs no token and holds no data values: run ids, statuses,
 * dates and times only. Registered before any token check.
 */
export function registerHealthzRoute(app: Hono, health: HealthSource): void {
  app.get('/healthz', async (c) => {
    const report = await health();
    c.header('Cache-Control', 'no-store');
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });
}
