import type { Clock } from '../../src/schedule/clock.ts';

/**
 * A clock for scheduler tests: sleeping jumps to the instant asked for at once, so a week of fires
 * takes as long as its runs. Asked to sleep past `until`, it stops there and aborts `stop` (the
 * scheduler then returns). `advance` moves it while a run is going on (a long run).
 */
export class JumpClock implements Clock {
  private current: number;

  constructor(
    start: string,
    private readonly options: { until?: string; stop?: AbortController } = {},
  ) {
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }

  async sleepUntil(at: Date, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const until = this.options.until ? Date.parse(this.options.until) : Infinity;
    if (at.getTime() > until) {
      this.current = Math.max(this.current, until);
      this.options.stop?.abort();
      // A clock that cannot stop its scheduler would leave it sleeping for ever: say so.
      if (!this.options.stop)
        throw new Error(`JumpClock asked to sleep past ${this.options.until} with nothing to stop`);
      return;
    }
    this.current = Math.max(this.current, at.getTime());
    // Let other work in the process (a test's checks) run between fires.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
