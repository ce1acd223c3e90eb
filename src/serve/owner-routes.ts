import { realpath } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { Context, Hono } from 'hono';
import { stream } from 'hono/streaming';
import type { StreamingApi } from 'hono/utils/stream';
import { OWNER_CLI_PATH, OWNER_COMMANDS } from '../api/owner-file.ts';
import { StrataError } from '../errors/strata-error.ts';
import { bearer, secretMatcher } from './auth.ts';

export { OWNER_CLI_PATH } from '../api/owner-file.ts';

/** A command line the CLI in another shell hands to the process that owns the warehouse. */
export interface OwnerCliRequest {
  /** The arguments after `strata`, as typed. */
  argv: string[];
  /** The client's current folder: relative paths in argv are its. */
  cwd: string;
  /** The project folder the client resolved (absolute). */
  project: string;
  /** The command the client resolved from argv (one of OWNER_COMMANDS). */
  command: string;
  /** The client terminal's width, when it has one. */
  columns?: number;
}

/** Where a carried-out command writes: its stdout and stderr, sent on to the client. */
export interface OwnerSink {
  /** False once enough is waiting to be sent: wait for `onceDrained` before writing more. */
  write(stream: 'stdout' | 'stderr', text: string): boolean;
  onceDrained(listener: () => void): void;
}

/** Carries out a command line (the CLI supplies it: serve/ does not know the CLI); its exit code. */
export type OwnerExecute = (
  request: OwnerCliRequest,
  sink: OwnerSink,
  signal: AbortSignal,
) => Promise<number>;

export interface OwnerRoutesOptions {
  /** The token of the owner file; requests carry it as `Authorization: Bearer <token>`. */
  token: string;
  /** The real paths of the project folders whose warehouses this process owns. */
  roots: readonly string[];
  execute: OwnerExecute;
  /** Told of each command carried out: a promise that settles once its answer has been sent. */
  onCommand?: (answered: Promise<void>) => void;
}

/**
 * `POST /api/owner/cli`: the CLI of another shell has this process carry out a command on a
 * warehouse it owns. Loopback requests with the owner file's token only (not STRATA_SERVE_TOKEN:
 * mount this before that middleware). The answer streams as NDJSON — `{"stdout": "..."}`,
 * `{"stderr": "..."}`, and last `{"exit": code}`; a client that goes away aborts the command's
 * stop signal. Refusals are the app's usual `{ error: { code, message, hint } }`.
 */
export function mountOwnerRoutes(app: Hono, options: OwnerRoutesOptions): void {
  const matches = secretMatcher(options.token);
  app.post(OWNER_CLI_PATH, async (c) => {
    if (!isLoopback(remoteAddress(c))) {
      throw new StrataError('OWNER_REFUSED', 'commands are taken from this machine only', {
        hint: 'Run the command on the machine where strata serve runs.',
      });
    }
    if (!matches(bearer(c))) {
      throw new StrataError('SERVE_UNAUTHORIZED', 'this endpoint needs the token of the owner file', {
        hint: 'The CLI reads it from <project>/.strata/owner.json; run the command from a shell of the user who started the server.',
      });
    }
    const request = parseRequest(await c.req.json().catch(() => undefined));
    const project = await realpath(request.project).catch(() => request.project);
    if (!options.roots.includes(project)) {
      throw new StrataError(
        'OWNER_REFUSED',
        `this process does not own the warehouse of ${request.project}`,
        {
          hint: 'Open that project directly, or run the command in the shell where its warehouse is free.',
        },
      );
    }
    const controller = new AbortController();
    const abort = () => controller.abort();
    c.req.raw.signal.addEventListener('abort', abort, { once: true });
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    c.header('Cache-Control', 'no-store');
    return stream(c, async (out) => {
      out.onAbort(abort);
      const sink = new NdjsonSink(out, controller.signal);
      const answered = (async () => {
        let code: number;
        try {
          code = await options.execute({ ...request, project }, sink, controller.signal);
        } catch (error) {
          // execute reports a command's own errors; this is the endpoint's failure.
          sink.write(
            'stderr',
            `error[INTERNAL]: ${error instanceof Error ? error.message : String(error)}\n`,
          );
          code = 1;
        }
        await sink.end(code);
      })();
      // On node, answered means the last line has left for the client: stopping the server after
      // it cannot cut off the exit code.
      const sent = responseSent(c);
      options.onCommand?.(sent ? answered.then(() => sent) : answered);
      await answered;
    });
  });
}

/** Chunks become NDJSON lines, written in order; a backlog past HIGH_WATER asks the writer to wait. */
class NdjsonSink implements OwnerSink {
  private static readonly HIGH_WATER = 1 << 20;
  private pending = 0;
  private chain: Promise<void> = Promise.resolve();
  private waiting: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly out: StreamingApi,
    signal: AbortSignal,
  ) {
    // A client that went away reads nothing more: writes are dropped and no writer waits.
    signal.addEventListener('abort', () => this.close(), { once: true });
  }

  write(kind: 'stdout' | 'stderr', text: string): boolean {
    if (this.closed || text === '') return true;
    this.send(`${JSON.stringify({ [kind]: text })}\n`);
    return this.pending < NdjsonSink.HIGH_WATER;
  }

  onceDrained(listener: () => void): void {
    if (this.closed || this.pending < NdjsonSink.HIGH_WATER) listener();
    else this.waiting.push(listener);
  }

  async end(code: number): Promise<void> {
    if (!this.closed) this.send(`${JSON.stringify({ exit: code })}\n`);
    await this.chain;
  }

  private send(line: string): void {
    this.pending += line.length;
    this.chain = this.chain
      .then(() => (this.closed ? undefined : this.out.write(line)))
      .then(
        () => {
          this.pending -= line.length;
          if (this.pending < NdjsonSink.HIGH_WATER) this.wake();
        },
        () => this.close(),
      );
  }

  private close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const listener of waiting) listener();
  }
}

function parseRequest(body: unknown): OwnerCliRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { argv, cwd, project, command, columns } = b;
  const bad = (message: string) =>
    new StrataError('OWNER_BAD_REQUEST', message, {
      hint: 'The body is { argv: string[], cwd: string, project: string, command: string, columns?: number }.',
    });
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string'))
    throw bad('argv must be a list of strings');
  if (typeof cwd !== 'string' || !isAbsolute(cwd)) throw bad('cwd must be an absolute path');
  if (typeof project !== 'string' || !isAbsolute(project)) throw bad('project must be an absolute path');
  if (typeof command !== 'string' || !OWNER_COMMANDS.includes(command) || !argv.includes(command)) {
    throw new StrataError(
      'OWNER_BAD_REQUEST',
      `the owner of the warehouse does not carry out "${String(command)}"`,
      {
        hint: `It carries out ${OWNER_COMMANDS.join(', ')}; run other commands after stopping the server.`,
      },
    );
  }
  if (columns !== undefined && !(Number.isSafeInteger(columns) && (columns as number) > 0)) {
    throw bad('columns must be a whole number of at least 1');
  }
  return {
    argv: argv as string[],
    cwd,
    project,
    command,
    ...(columns !== undefined ? { columns: columns as number } : {}),
  };
}

/** The peer's address on @hono/node-server (`c.env.incoming`); undefined without a socket. */
function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/** Settles when @hono/node-server's response has been handed to the OS (or its connection closed). */
function responseSent(c: Context): Promise<void> | undefined {
  const env = c.env as
    { outgoing?: { once(event: 'finish' | 'close', listener: () => void): unknown } } | undefined;
  const outgoing = env?.outgoing;
  if (!outgoing) return undefined;
  return new Promise((resolve) => {
    outgoing.once('finish', resolve);
    outgoing.once('close', resolve);
  });
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address);
}
