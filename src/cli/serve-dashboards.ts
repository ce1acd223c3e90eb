import { type DashboardSite, openDashboardSite } from '../api/dashboard-site.ts';
import { type WarehouseOwnership, ownWarehouses } from '../api/owner-file.ts';
import { StrataError } from '../index.ts';
import { SERVE_TOKEN_ENV } from '../serve/defaults.ts';
import type { OwnerExecute } from '../serve/owner-routes.ts';
import { DEFAULT_PORT, type RunningServer, startServer } from '../serve/start-server.ts';
import { carriedOutIo } from './delegate.ts';
import { type CliIo, type OutputStream, untilStopped, writeChunk } from './io.ts';

/** Runs a command line in this process (run-cli.ts's `runCli`, handed down through the context). */
export type RunCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

interface ServeOptions {
  port: number;
  host: string;
  fallBackToFreePort?: boolean;
  /** Given: this process owns its DuckDB warehouses and carries out other shells' commands on them. */
  runCommand?: RunCommand | undefined;
}

/**
 * Serves the projects' dashboards until the CLI is told to stop (SIGTERM; Ctrl-C ends the
 * process). `fallBackToFreePort`: a busy default port gives way to any free one (the demo).
 */
export async function serveUntilStopped(
  projectDirs: readonly string[],
  options: ServeOptions,
  io: CliIo,
): Promise<void> {
  const site = await openDashboardSite({ projectDirs, env: io.env });
  const held = site.projects.map((p) => ({ root: p.project.root, engine: p.engine }));
  const ownership = await ownWarehouses(options.runCommand ? held : [], 'serve');
  // The commands being carried out for other shells: stopping waits for them (a run cut off
  // halfway would be recorded as interrupted).
  const carrying = new Set<Promise<void>>();
  const owner =
    options.runCommand && ownership.roots.length > 0
      ? {
          ownership,
          execute: carryOut(options.runCommand, io),
          onCommand: (answered: Promise<void>) => {
            carrying.add(answered);
            const forget = () => carrying.delete(answered);
            answered.then(forget, forget);
          },
        }
      : undefined;
  // Ctrl-C exits at once (main.ts): the owner files go with the process all the same.
  const onExit = () => ownership.releaseSync();
  process.once('exit', onExit);
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
    try {
      await untilStopped(io.stop);
    } finally {
      // Gone before the server stops answering, so no client waits on a closing server.
      await ownership.release();
      if (carrying.size > 0) {
        io.stderr.write(
          `waiting for ${carrying.size === 1 ? 'the command' : `${carrying.size} commands`} carried out for other shells to finish\n`,
        );
        await Promise.allSettled(carrying);
      }
      await server.close();
    }
  } finally {
    process.off('exit', onExit);
    await site.close();
  }
}

/** Writes the owner files with the server's loopback address; a server not on loopback writes none. */
async function claim(ownership: WarehouseOwnership, server: RunningServer, io: CliIo): Promise<void> {
  const loopback = loopbackUrl(server.host, server.port);
  if (loopback) {
    await ownership.claim(loopback);
    return;
  }
  io.stderr.write(
    `warning: the server does not listen on loopback, so commands from other shells cannot be carried out here (they will find the warehouse in use); bind 127.0.0.1 or 0.0.0.0 for that\n`,
  );
}

/** Where this machine reaches the server, when it listens on a loopback or every address. */
function loopbackUrl(host: string, port: number): string | undefined {
  if (host === '0.0.0.0' || host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host)) {
    return `http://127.0.0.1:${port}`;
  }
  if (host === '::' || host === '::1') return `http://[::1]:${port}`;
  return undefined;
}

/**
 * The owner endpoint's `execute`: the command line runs here, through the CLI itself, with an IO
 * whose stdout and stderr go to the client (not a terminal, the client's width) and whose stop is
 * aborted when the client goes away or this server stops.
 */
function carryOut(runCommand: RunCommand, io: CliIo): OwnerExecute {
  return (request, sink, signal) => {
    const stream = (kind: 'stdout' | 'stderr'): OutputStream => ({
      write: (text) => sink.write(kind, text),
      once: (_event, listener) => sink.onceDrained(listener),
      isTTY: false,
      ...(request.columns ? { columns: request.columns } : {}),
    });
    const stop = io.stop ? AbortSignal.any([signal, io.stop]) : signal;
    const clientIo = carriedOutIo(
      {
        stdout: stream('stdout'),
        stderr: stream('stderr'),
        env: io.env,
        cwd: request.cwd,
        command: io.command,
        stop,
      },
      { project: request.project, command: request.command },
    );
    return runCommand(request.argv, clientIo);
  };
}

/** Starts the server over an open site and prints where it is and what it serves. */
async function serveSite(
  site: DashboardSite,
  options: { port: number; host: string },
  owner:
    | { ownership: WarehouseOwnership; execute: OwnerExecute; onCommand: (answered: Promise<void>) => void }
    | undefined,
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
    ...(owner
      ? {
          owner: {
            token: owner.ownership.token,
            roots: owner.ownership.roots,
            execute: owner.execute,
            onCommand: owner.onCommand,
          },
        }
      : {}),
    onServerError: (error, request) =>
      io.stderr.write(`error answering ${request.method} ${request.path}: ${describe(error)}\n`),
  });
  // Before the address is printed: whoever reads it finds the warehouse's owner.
  if (owner) await claim(owner.ownership, server, io);
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
