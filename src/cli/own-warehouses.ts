import { type HeldWarehouse, ownWarehouses } from '../api/owner-file.ts';
import type { OwnerExecute, OwnerRoutesOptions } from '../serve/owner-routes.ts';
import { carriedOutIo } from './delegate.ts';
import type { CliIo, OutputStream } from './io.ts';

/** Runs a command line in this process (run-cli.ts's `runCli`, handed down as `CliContext.runCommand`). */
export type RunCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * A long-lived process's ownership of the warehouses it holds (`strata serve`, `strata schedule`):
 * the routes to mount on its app, the owner files, and an orderly stop.
 *
 *   const owner = await hostOwnership(held, 'serve', ctx.runCommand, io);
 *   const server = await startServer({ ..., owner: owner.routes });  // mountOwnerRoutes
 *   await owner.claim(server.host, server.port);                      // before printing the address
 *   ...
 *   await owner.stop();   // then close the server
 */
export interface OwnerHost {
  /** What `mountOwnerRoutes` takes; undefined when nothing is owned (PostgreSQL, or no runCommand). */
  routes: OwnerRoutesOptions | undefined;
  /** Writes the owner files with the loopback address of a server listening on host:port. */
  claim(host: string, port: number): Promise<void>;
  /**
   * Removes the owner files (so no new client comes), then waits for the commands being carried out
   * (a run cut off halfway would be recorded as interrupted). Close the server after it.
   */
  stop(): Promise<void>;
}

export async function hostOwnership(
  held: readonly HeldWarehouse[],
  command: string,
  runCommand: RunCommand | undefined,
  io: CliIo,
): Promise<OwnerHost> {
  const ownership = await ownWarehouses(runCommand ? held : [], command);
  const carrying = new Set<Promise<void>>();
  const routes: OwnerRoutesOptions | undefined =
    runCommand && ownership.roots.length > 0
      ? {
          token: ownership.token,
          roots: ownership.roots,
          execute: carryOut(runCommand, io),
          onCommand: (answered) => {
            carrying.add(answered);
            const forget = () => carrying.delete(answered);
            answered.then(forget, forget);
          },
        }
      : undefined;
  // Ctrl-C exits at once (main.ts): the owner files go with the process all the same.
  const onExit = () => ownership.releaseSync();
  process.once('exit', onExit);
  return {
    routes,
    async claim(host, port) {
      if (!routes) return;
      const url = loopbackUrl(host, port);
      if (url) {
        await ownership.claim(url);
        return;
      }
      io.stderr.write(
        `warning: ${host} is not a loopback address, so commands from other shells cannot be carried out here (they will find the warehouse in use); bind 127.0.0.1 or 0.0.0.0 for that\n`,
      );
    },
    async stop() {
      await ownership.release();
      process.off('exit', onExit);
      if (carrying.size > 0) {
        io.stderr.write(
          `waiting for ${carrying.size === 1 ? 'the command' : `${carrying.size} commands`} carried out for other shells to finish\n`,
        );
        await Promise.allSettled(carrying);
      }
    },
  };
}

/** Where this machine reaches a server listening on host, if it does: loopback or every address. */
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
 * aborted when the client goes away or this process is told to stop.
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
