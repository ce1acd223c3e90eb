import { type DashboardSite, openDashboardSite } from '../api/dashboard-site.ts';
import { type Scheduler, StrataError, clockFromEnv, createScheduler } from '../index.ts';
import { siteHealth } from '../api/schedule.ts';
import type { HealthSource } from '../serve/healthz-route.ts';
import { SERVE_TOKEN_ENV } from '../serve/defaults.ts';
import { DEFAULT_PORT, type RunningServer, startServer } from '../serve/start-server.ts';
import type { LogFormat } from './context.ts';
import { type CliIo, untilStopped, writeChunk } from './io.ts';
import { scheduleEventWriter } from './schedule-events.ts';
import { queuedBehindSchedules } from './schedule-owner.ts';
import { type OwnerHost, type RunCommand, hostOwnership } from './own-warehouses.ts';

interface ServeOptions {
  port: number;
  host: string;
  fallBackToFreePort?: boolean;
  /** Given: this process owns its DuckDB warehouses and carries out other shells' commands on them. */
  runCommand?: RunCommand | undefined;
  /** Also run the projects' schedules in this process (`--schedule`). */
  schedule?: boolean;
  logFormat?: LogFormat;
}

/**
 * Serves the projects' dashboards until the CLI is told to stop (`io.stop`: the first SIGTERM or
 * Ctrl-C; a second Ctrl-C ends the process, cli/main.ts). `fallBackToFreePort`: a busy default port gives way to any free one (the demo).
 */
export async function serveUntilStopped(
  projectDirs: readonly string[],
  options: ServeOptions,
  io: CliIo,
): Promise<void> {
  const site = await openDashboardSite({ projectDirs, env: io.env });
  try {
    const schedulers = options.schedule ? siteSchedulers(site, io, options.logFormat ?? 'text') : [];
    const clock = schedulers[0]?.clock ?? clockFromEnv(io.env);
    const serveOptions = { ...options, health: () => siteHealth(site, clock) };
    const held = site.projects.map((p) => ({ root: p.project.root, engine: p.engine }));
    const owner = await hostOwnership(held, 'serve', options.runCommand, io);
    // A command from another shell that writes a scheduled warehouse takes its turn in the queue.
    owner.routes = queuedBehindSchedules(owner.routes, schedulers);
    try {
      const server = await serveSite(site, serveOptions, owner, io).catch((error: unknown) => {
        if (
          options.fallBackToFreePort &&
          error instanceof StrataError &&
          error.code === 'SERVE_PORT_IN_USE' &&
          options.port === DEFAULT_PORT
        ) {
          return serveSite(site, { ...serveOptions, port: 0 }, owner, io);
        }
        throw error;
      });
      // Each warehouse has its own scheduler (one queue per warehouse); reads keep being answered
      // during a run, each on its own connection. On stop no fire starts, the current run is asked
      // to stop, and the server closes once every scheduler has returned.
      const stop = io.stop ?? new AbortController().signal;
      await Promise.all([untilStopped(io.stop), ...schedulers.map((s) => s.run(stop))]);
      // The owner files go before the server stops answering, so no client waits on a closing server.
      await owner.stop();
      await server.close();
    } finally {
      // On the way out after a failure too (a second stop does nothing).
      await owner.stop();
    }
  } finally {
    await site.close();
  }
}

/** The schedulers of `serve --schedule`: one per served project that declares schedules (one at least). */
function siteSchedulers(site: DashboardSite, io: CliIo, logFormat: LogFormat): Scheduler[] {
  const scheduled = site.projects.filter((p) => Object.keys(p.project.config.schedules).length > 0);
  // None: createScheduler says so (SCHEDULE_NONE) for the first project.
  const targets = scheduled.length > 0 ? scheduled : site.projects.slice(0, 1);
  const onEvent = scheduleEventWriter(io, logFormat);
  return targets.map((served) =>
    createScheduler(served.project, served.engine, {
      env: io.env,
      command: 'serve',
      onEvent,
    }),
  );
}

/** Starts the server over an open site and prints where it is and what it serves. */
async function serveSite(
  site: DashboardSite,
  options: { port: number; host: string; health?: HealthSource },
  owner: OwnerHost,
  io: CliIo,
): Promise<RunningServer> {
  const token = io.env[SERVE_TOKEN_ENV] || undefined;
  if (!isLoopback(options.host)) {
    io.stderr.write(
      `warning: binding ${options.host} makes the dashboards reachable from other machines${token ? '' : `, and ${SERVE_TOKEN_ENV} is not set: anyone who can reach this port can read the warehouse`}\n`,
    );
  }
  const server = await startServer({
    site,
    port: options.port,
    host: options.host,
    ...(token ? { token } : {}),
    ...(options.health ? { health: options.health } : {}),
    ...(owner.routes ? { owner: owner.routes } : {}),
    onServerError: (error, request) =>
      io.stderr.write(`error answering ${request.method} ${request.path}: ${describe(error)}\n`),
  });
  // Before the address is printed: whoever reads it finds the warehouse's owner.
  await owner.claim(server.host, server.port);
  let out = `Dashboards: ${server.url}${token ? `  (open it once with ?token=<${SERVE_TOKEN_ENV}>)` : ''}\n`;
  for (const served of site.projects) {
    const pages = served.pages;
    out += `  ${served.title}${pages.length === 0 ? ': no pages yet (add dashboards/*.md)' : ''}\n`;
    for (const page of pages) out += `    ${server.url}${served.slug}/${page.name}  ${page.title}\n`;
  }
  out += 'Ctrl-C stops the server.\n';
  await writeChunk(io.stdout, out);
  return server;
}

function describe(error: unknown): string {
  if (error instanceof StrataError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
