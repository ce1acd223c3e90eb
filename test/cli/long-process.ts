import { type ChildProcess, spawn } from 'node:child_process';
import { BIN } from './strata-process.ts';

/** A `node bin/strata.js ...` that keeps running (`serve`, a long `run`): its output so far, and its end. */
export interface LongProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout or stderr, as soon as it is written. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpExecArray>;
  /** Settles when the process has exited: its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Whether it has exited yet. */
  done(): boolean;
}

/** Starts strata like strata-process.ts's `strata()` (CI mode, the project's STRATA_DATABASE_URL) without waiting. */
export function startStrata(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): LongProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: {
      ...process.env,
      CI: 'true',
      NO_COLOR: '1',
      STRATA_DATABASE_URL: options.env?.STRATA_DATABASE_URL ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const text = { stdout: '', stderr: '' };
  const waiters: { pattern: RegExp; stream?: 'stdout' | 'stderr'; resolve: (m: RegExpExecArray) => void }[] =
    [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(
        waiter.stream ? text[waiter.stream] : `${text.stdout}\n${text.stderr}`,
      );
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text.stdout += chunk;
    check();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text.stderr += chunk;
    check();
  });
  let finished = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      finished = true;
      resolve(code);
    }),
  );
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    waitFor: (pattern, stream) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, ...(stream ? { stream } : {}), resolve });
        check();
        void exited.then((code) =>
          reject(
            new Error(
              `strata ${args.join(' ')} exited (${code}) before printing ${pattern}:\n${text.stdout}\n${text.stderr}`,
            ),
          ),
        );
      }),
    exited,
    done: () => finished,
  };
}
