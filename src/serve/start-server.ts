import { type ServerType, serve } from '@hono/node-server';
import type { DashboardSite } from '../api/dashboard-site.ts';
import { StrataError } from '../errors/strata-error.ts';
import { createApp } from './app.ts';
import type { HealthSource } from './healthz-route.ts';
import type { OwnerRoutesOptions } from './owner-routes.ts';

import { DEFAULT_HOST, DEFAULT_PORT } from './defaults.ts';

export { DEFAULT_HOST, DEFAULT_PORT } from './defaults.ts';

export interface ServerOptions {
  site: DashboardSite;
  port?: number;
  host?: string;
  token?: string;
  onServerError?: (error: unknown, request: { method: string; path: string }) => void;
  /** GET /healthz's report (`strata serve --schedule`: the scheduler's). */
  health?: HealthSource;
  owner?: OwnerRoutesOptions;
}

export interface RunningServer {
  /** The address to open, without the token. */
  url: string;
  port: number;
  host: string;
  /** Stops accepting requests and waits for the open ones; the site stays open (its owner closes it). */
  close(): Promise<void>;
}

/** Listens on host:port (port 0: any free port) and answers with the dashboard app. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const app = createApp({
    site: options.site,
    ...(options.token ? { token: options.token } : {}),
    ...(options.onServerError ? { onServerError: options.onServerError } : {}),
    ...(options.health ? { health: options.health } : {}),
    ...(options.owner ? { owner: options.owner } : {}),
  });
  const server: ServerType = serve({ fetch: app.fetch, port: options.port ?? DEFAULT_PORT, hostname: host });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('listening', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT));
    });
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new StrataError(
          'SERVE_PORT_IN_USE',
          `cannot listen on ${host}:${options.port ?? DEFAULT_PORT}: ${error.code ?? error.message}`,
          {
            hint: 'Pick another port with --port, or stop the program using this one.',
            cause: error,
          },
        ),
      ),
    );
  });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open until they time out.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
