import { Hono } from 'hono';
import { StrataError } from '../errors/strata-error.ts';
import { DEFAULT_HOST } from './defaults.ts';
import { type RunningServer, listen } from './listen.ts';
import { statusOf } from './status.ts';
import { type HealthSource, registerHealthzRoute } from './healthz-route.ts';
import { type OwnerRoutesOptions, mountOwnerRoutes } from './owner-routes.ts';

export interface ScheduleAppOptions {
  health: HealthSource;
  /** Told of every failure answering a request, with its cause, for the log. */
  onServerError?: (error: unknown, request: { method: string; path: string }) => void;
  /** When this process owns a DuckDB warehouse: the endpoint the CLI of other shells calls. */
  owner?: OwnerRoutesOptions;
}

/**
 * The small HTTP app of `strata schedule`: GET /healthz, and on DuckDB the owner endpoint through
 * which other shells' commands are carried out by this process (as on the dashboard app).
 */
export function createScheduleApp(options: ScheduleAppOptions): Hono {
  const app = new Hono();
  if (options.owner) mountOwnerRoutes(app, options.owner);
  registerHealthzRoute(app, options.health);
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: 'no such path; GET /healthz' } }, 404));
  app.onError((error, c) => {
    // The owner endpoint refuses with StrataErrors (a wrong token, a project not owned here).
    if (error instanceof StrataError && statusOf(error.code) !== 500) {
      const body = { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
      return c.json({ error: body }, statusOf(error.code));
    }
    options.onServerError?.(error, { method: c.req.method, path: c.req.path });
    return c.json(
      {
        error: {
          code: 'INTERNAL',
          message: 'the server failed to answer this request; its log has the details',
        },
      },
      500,
    );
  });
  return app;
}

/** Listens on host:port (0: any free port) with an app (createScheduleApp's, or one with more mounted). */
export function listenScheduleApp(
  app: Hono,
  options: { port?: number; host?: string } = {},
): Promise<RunningServer> {
  return listen(app, options.host ?? DEFAULT_HOST, options.port ?? 0);
}
