import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type DashboardSite, openDashboardSite } from '../../api/dashboard-site.ts';
import { StrataError } from '../../index.ts';
import { DEFAULT_HOST, DEFAULT_PORT, type RunningServer, startServer } from '../../serve/start-server.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { type CliIo, writeChunk } from '../io.ts';
import { nonNegativeInteger } from '../options.ts';

export const SERVE_TOKEN_ENV = 'STRATA_SERVE_TOKEN';

interface ServeCliOptions {
  port: number;
  host: string;
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description("Serve the project's dashboards and their JSON API in the browser.")
    .argument('[projects...]', 'more project folders to serve beside --project')
    .option('--port <n>', 'the port (0: any free one)', nonNegativeInteger, DEFAULT_PORT)
    .option(
      '--host <host>',
      'the address to bind; anything but loopback is reachable from other machines',
      DEFAULT_HOST,
    )
    .addHelpText(
      'after',
      `
Pages are the projects' dashboards/*.md files (see the README, section Dashboards); GET /api lists
them with their queries. With ${SERVE_TOKEN_ENV} set every request needs the token (open the URL
with ?token=... once, or send Authorization: Bearer ...). Stops on Ctrl-C or SIGTERM.`,
    )
    .action(async (projects: string[], options: ServeCliOptions, command: Command) => {
      const { projectDir } = globalOptions(command, ctx.io);
      const dirs = [projectDir, ...projects.map((p) => resolve(ctx.io.cwd, p))];
      const site = await openDashboardSite({ projectDirs: [...new Set(dirs)], env: ctx.io.env });
      try {
        const server = await serveSite(site, options, ctx.io);
        await stopRequested();
        await server.close();
      } finally {
        await site.close();
      }
      ctx.exitCode = EXIT_OK;
    });
}

/** Starts the server over an open site and prints where it is and what it serves. */
export async function serveSite(
  site: DashboardSite,
  options: { port: number; host: string },
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
    onServerError: (error, request) =>
      io.stderr.write(`error answering ${request.method} ${request.path}: ${describe(error)}\n`),
  });
  let out = `Dashboards: ${server.url}${token ? `  (append ?token=<${SERVE_TOKEN_ENV}> once in the browser)` : ''}\n`;
  for (const served of site.projects) {
    const pages = served.project.dashboards;
    out += `  ${served.title}: ${
      pages.length === 0
        ? 'no pages (add dashboards/*.md)'
        : pages
            .map((p) => `${server.url}${served.slug}/${p.name}`)
            .join('\n    ')
            .replace(/^/, '\n    ')
    }\n`;
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

/**
 * SIGTERM stops the server and closes the warehouses; Ctrl-C ends the process at once (the
 * entry point's handler), which only reads.
 */
function stopRequested(): Promise<void> {
  return new Promise((done) => process.once('SIGTERM', () => done()));
}
