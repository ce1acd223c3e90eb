/**
 * Test support (imported only by this folder's *.test.ts): a real HTTP server on 127.0.0.1 that
 * answers each request with the next of its scripted behaviours (the last one repeats), and
 * records what it received.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour = (request: IncomingMessage, response: ServerResponse) => void;

export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

export interface WebhookServer {
  /** http://127.0.0.1:PORT/hooks/<token>: the token stands for the secret a real webhook URL holds. */
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export const TOKEN = 'T0KEN-s3cr3t-abc123';

export const respond =
  (status: number, headers: Record<string, string> = {}): Behaviour =>
  (_request, response) => {
    response.writeHead(status, headers).end(status < 300 ? 'ok' : `error ${status}`);
  };

/** Never answers: the client's timeout has to end the attempt. */
export const hang: Behaviour = () => undefined;

/** Resets the TCP connection instead of answering. */
export const reset: Behaviour = (request) => {
  request.socket.resetAndDestroy();
};

export async function startWebhookServer(behaviours: Behaviour[]): Promise<WebhookServer> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const behaviour = behaviours[Math.min(received.length, behaviours.length) - 1] ?? respond(200);
      behaviour(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/${TOKEN}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL nothing listens on: a server is started, its port noted, and it is closed. */
export async function refusedUrl(): Promise<string> {
  const server = await startWebhookServer([respond(200)]);
  await server.close();
  return server.url;
}
