import { strataCommand } from './invocation.ts';

/** Where the CLI writes and what it knows about its surroundings; tests pass their own. */
export interface OutputStream {
  write(chunk: string): boolean;
  once?(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** How the user runs strata here (`strata` or `npx strata`), for the commands we suggest. */
  command: string;
  /**
   * Aborted when the command should stop gracefully: the process's first SIGINT or SIGTERM, for the
   * commands cli/main.ts lists (run, backfill, demo, serve, schedule). Its reason is the signal's
   * name (`'SIGTERM'`).
   */
  stop?: AbortSignal;
}

/** Writes a chunk and, when the stream asks for it, waits until its buffer has drained. */
export async function writeChunk(stream: OutputStream, chunk: string): Promise<void> {
  if (stream.write(chunk) || !stream.once) return;
  await new Promise<void>((resolve) => stream.once?.('drain', resolve));
}

/** The process's streams and surroundings; `stop` is aborted by cli/main.ts on a signal. */
export function processIo(stop: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    command: strataCommand(process.env),
    stop,
  };
}

/** Resolves when `signal` is aborted; never without one. */
export function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}
