import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { StrataError } from '../errors/strata-error.ts';

export interface RunningServer {
  /** The address to open, without any token. */
  url: string;
  port: number;
  host: string;
  /** Stops accepting requests and waits for the open ones; what the app serves stays open (its owner closes it). */
  close(): Promise<void>;
}

/** Listens on host:port (port 0: any free port) with an app: the dashboards', or the scheduler's. */
export async function listen(app: Hono, host: string, wanted: number): Promise<RunningServer> {
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
