import { hostname } from 'node:os';

/**
 * Whether the process a record names (runs, backfills, owner files keep pid and host) still runs:
 * `elsewhere` when it ran on another host, which this one cannot ask.
 */
export function processState(pid: number, host: string | null): 'alive' | 'gone' | 'elsewhere' {
  if (host !== hostname()) return 'elsewhere';
  try {
    // Signal 0 only asks whether the process exists.
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'gone';
  }
}
