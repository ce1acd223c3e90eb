import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { StrataError } from '../errors/strata-error.ts';
import { DEFAULT_HOST } from './defaults.ts';
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

export interface RunningScheduleServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port (0: any free port) with an app (createScheduleApp's, or one with more mounted). */
export async function listenScheduleApp(
  app: Hono,
  options: { port?: number; host?: string } = {},
): Promise<RunningScheduleServer> {
  const host = options.host ?? DEFAULT_HOST;
  const wanted = options.port ?? 0;
  const server: ServerType = serve({ fetch: app.fetch, port: wanted, hostname: host });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('listening', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : wanted);
    });
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new StrataError(
          'SERVE_PORT_IN_USE',
          `cannot listen on ${host}:${wanted}: ${error.code ?? error.message}`,
          {
            hint: 'Pick another port with --port (0: any free one), or stop the program using this one.',
            cause: error,
          },
        ),
      ),
    );
  });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
