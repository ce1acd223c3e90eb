import { type DashboardSite, openDashboardSite } from '../api/dashboard-site.ts';
import { StrataError } from '../index.ts';
import { SERVE_TOKEN_ENV } from '../serve/defaults.ts';
import { DEFAULT_PORT, type RunningServer, startServer } from '../serve/start-server.ts';
import { type CliIo, untilStopped, writeChunk } from './io.ts';
import { type OwnerHost, type RunCommand, hostOwnership } from './own-warehouses.ts';

interface ServeOptions {
  port: number;
  host: string;
  fallBackToFreePort?: boolean;
  /** Given: this process owns its DuckDB warehouses and carries out other shells' commands on them. */
  runCommand?: RunCommand | undefined;
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
    const held = site.projects.map((p) => ({ root: p.project.root, engine: p.engine }));
    const owner = await hostOwnership(held, 'serve', options.runCommand, io);
    try {
      const server = await serveSite(site, options, owner, io).catch((error: unknown) => {
        if (
          options.fallBackToFreePort &&
          error instanceof StrataError &&
          error.code === 'SERVE_PORT_IN_USE' &&
          options.port === DEFAULT_PORT
        ) {
          return serveSite(site, { ...options, port: 0 }, owner, io);
        }
        throw error;
      });
      await untilStopped(io.stop);
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

/** Starts the server over an open site and prints where it is and what it serves. */
async function serveSite(
  site: DashboardSite,
  options: { port: number; host: string },
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
