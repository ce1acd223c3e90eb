import type { DashboardSite } from '../api/dashboard-site.ts';
import { createApp } from './app.ts';
import { type RunningServer, listen } from './listen.ts';
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

export type { RunningServer } from './listen.ts';

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
  return listen(app, host, options.port ?? DEFAULT_PORT);
}
