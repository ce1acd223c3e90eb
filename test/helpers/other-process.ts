import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HOLD_SCRIPT = fileURLToPath(new URL('./hold-project.mts', import.meta.url));
const RUN_SCRIPT = fileURLToPath(new URL('./run-project.mts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface OtherProcess {
  /** The pid of the node process that opened the warehouse (not of npx). */
  pid: number;
  /** The line it printed that was waited for. */
  match: RegExpExecArray;
  /** Settles when the process (npx and all) has exited: its exit code, or null when killed. */
  exited: Promise<number | null>;
  /** Ends it early: signals its whole process group, which this helper started. */
  stop(signal?: NodeJS.Signals): void;
}

/** Starts another process (`npx tsx`) that opens the project's warehouse and holds it for `holdMs`. */
export function holdProject(
  projectDir: string,
  holdMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<OtherProcess> {
  return startScript([HOLD_SCRIPT, projectDir, String(holdMs)], /holding (\d+)/, env);
}

/**
 * Starts a run of the project in another process; resolves once it prints a line matching
 * `until` (run-project.mts prints "started RUN_ID PID", then "building TASK" as tasks start).
 */
export function runProjectElsewhere(
  projectDir: string,
  until: RegExp,
  env: NodeJS.ProcessEnv = process.env,
  options: { fullRefresh?: boolean } = {},
): Promise<OtherProcess> {
  return startScript(
    [RUN_SCRIPT, projectDir, ...(options.fullRefresh ? ['--full-refresh'] : [])],
    until,
    env,
  );
}

/** `env`: the process's environment (a TestProject's `env` selects its PostgreSQL database). */
function startScript(
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv,
  startTimeoutMs = 30_000,
): Promise<OtherProcess> {
  const child: ChildProcess = spawn('npx', ['tsx', ...args], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let pid: number | undefined;
    const timer = setTimeout(() => {
      stop('SIGKILL');
      reject(new Error(`${args[0]} did not get going within ${startTimeoutMs} ms: ${stdout}${stderr}`));
    }, startTimeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      pid ??= Number(/(?:holding|started \S+) (\d+)/.exec(stdout)?.[1]) || undefined;
      const match = ready.exec(stdout);
      if (match && pid !== undefined) {
        clearTimeout(timer);
        resolve({ pid, match, exited, stop });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited (${code}) before it got going: ${stdout}${stderr}`));
    });
  });
}
