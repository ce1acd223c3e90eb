import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { projectSummary, pageView, serverIndex } from '../api/dashboard-pages.ts';
import { pageQueryCsv, runPageQuery } from '../api/dashboard-query.ts';
import type { DashboardSite } from '../api/dashboard-site.ts';
import { siteHealth } from '../api/schedule.ts';
import type { ErrorView } from '../dashboards/views.ts';
import { StrataError } from '../errors/strata-error.ts';
import { PAGE_SHELL, readAsset } from './assets.ts';
import { requireToken } from './auth.ts';
import { registerDocsRoutes } from './docs-routes.ts';
import { registerMonitorQualityRoutes } from './monitor-quality-routes.ts';
import { registerMonitorRunsRoutes } from './monitor-routes.ts';
import { registerExportRoutes } from './export-routes.ts';
import { type HealthSource, registerHealthzRoute } from './healthz-route.ts';
import { type OwnerRoutesOptions, mountOwnerRoutes } from './owner-routes.ts';
import { statusOf } from './status.ts';

export interface AppOptions {
  site: DashboardSite;
  /** When set, every request must carry it (STRATA_SERVE_TOKEN). */
  token?: string;
  /** Told of every failure that is the server's fault (a 500), with its cause, for the log. */
  onServerError?: (error: unknown, request: { method: string; path: string }) => void;
  /** GET /healthz's report (default: the first project's, read from its warehouse). */
  health?: HealthSource;
  /** When this process owns DuckDB warehouses: the endpoint the CLI of other shells calls. */
  owner?: OwnerRoutesOptions;
}

/**
 * The HTTP app of `strata serve`: the JSON API over `api/`'s dashboard functions, the browser
 * code, and the page shell. Handlers only translate HTTP to those functions; one error handler
 * turns every failure into `{ error: { code, message, hint } }` — never a stack trace.
 */
export function createApp(options: AppOptions): Hono {
  const { site } = options;
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    // ECharts and the page code set inline styles; scripts come only from this server.
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    );
  });
  // The owner endpoint has its own token (the owner file's), so it comes before STRATA_SERVE_TOKEN's.
  if (options.owner) mountOwnerRoutes(app, options.owner);
  // For an external monitor, before the token: it answers no data values.
  registerHealthzRoute(app, options.health ?? (() => siteHealth(site)));
  if (options.token) app.use('*', requireToken(options.token));

  app.get('/api', async (c) => c.json(await serverIndex(site)));
  app.get('/api/:project/pages', async (c) => {
    await site.refreshed();
    return c.json(projectSummary(site.project(c.req.param('project'))).pages);
  });
  app.get('/api/:project/pages/:page', async (c) =>
    c.json(await pageView(site, c.req.param('project'), c.req.param('page'), searchParams(c.req.url))),
  );
  app.get('/api/:project/pages/:page/queries/:query', async (c) => {
    const params = searchParams(c.req.url);
    const request = {
      project: c.req.param('project'),
      page: c.req.param('page'),
      query: c.req.param('query'),
      params,
    };
    if (params.get('format') === 'csv') {
      // The first rows decide whether the query runs: its errors are answered as JSON, before
      // any CSV is sent.
      const chunks = pageQueryCsv(site, request);
      const first = await chunks.next();
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="${request.page}-${request.query}.csv"`);
      return stream(c, async (out) => {
        out.onAbort(() => void chunks.return(undefined));
        if (!first.done) await out.write(first.value);
        for (let next = await chunks.next(); !next.done; next = await chunks.next())
          await out.write(next.value);
      });
    }
    if (params.has('format') && params.get('format') !== 'json') {
      throw new StrataError('DASHBOARD_BAD_INPUT', 'format must be json or csv', { field: 'format' });
    }
    return c.json(await runPageQuery(site, request));
  });
  // The monitor (each half of it registers its own views, before the API's catch-all).
  registerMonitorRunsRoutes(app, site);
  registerMonitorQualityRoutes(app, site);
  // A model as a download, streamed (the file is written whole before the first byte).
  registerExportRoutes(app, site);
  app.all('/api/*', () => {
    throw new StrataError('DASHBOARD_NOT_FOUND', 'no such API path', {
      hint: 'GET /api lists the projects, pages and queries served.',
    });
  });

  app.get('/assets/:name', async (c) => {
    const asset = await readAsset(c.req.param('name'));
    if (!asset) return c.text('not found', 404);
    return c.body(new Uint8Array(asset.body), 200, {
      'Content-Type': asset.type,
      'Cache-Control': 'no-cache',
    });
  });
  // The documentation sites, before the page shell.
  registerDocsRoutes(app, site);
  app.get('*', (c) => c.html(PAGE_SHELL));

  app.onError((error, c) => {
    const known = error instanceof StrataError ? error : undefined;
    const status = known ? statusOf(known.code) : 500;
    if (status === 500) options.onServerError?.(error, { method: c.req.method, path: c.req.path });
    const body: ErrorView = {
      error: known
        ? {
            code: known.code,
            message: known.message,
            ...(known.hint ? { hint: known.hint } : {}),
            ...(known.location.file ? { file: known.location.file } : {}),
            ...(known.location.line ? { line: known.location.line } : {}),
          }
        : { code: 'INTERNAL', message: 'the server failed to answer this request; its log has the details' },
    };
    return c.json(body, status);
  });
  return app;
}

function searchParams(url: string): URLSearchParams {
  return new URL(url).searchParams;
}
