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
  /** Aborted when a long-running command (`serve`) should stop: SIGTERM for the process. */
  stop?: AbortSignal;
}

/** Writes a chunk and, when the stream asks for it, waits until its buffer has drained. */
export async function writeChunk(stream: OutputStream, chunk: string): Promise<void> {
  if (stream.write(chunk) || !stream.once) return;
  await new Promise<void>((resolve) => stream.once?.('drain', resolve));
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    command: strataCommand(process.env),
    stop: terminationSignal(),
  };
}

function terminationSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGTERM', () => controller.abort());
  return controller.signal;
}

/** Resolves when `signal` is aborted; never without one. */
export function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}
