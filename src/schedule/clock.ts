import { StrataError } from '../errors/strata-error.ts';

/**
 * What the scheduler reads the time from and waits on. Injected, so tests jump a week in no time
 * and the CLI can rehearse downtime on a virtual clock (STRATA_CLOCK_START).
 */
export interface Clock {
  now(): Date;
  /** Resolves at `at` (at once when it has passed), or as soon as `signal` is aborted. */
  sleepUntil(at: Date, signal: AbortSignal): Promise<void>;
}

/** Timers fire late or early after a laptop sleeps: a long wait is cut into pieces that re-read the clock. */
const MAX_TIMER_MS = 60_000;

/** Real time, or virtual time that started at `start` and runs `rate` virtual seconds per real second. */
export function createClock(options: { start?: Date; rate?: number } = {}): Clock {
  const realStart = Date.now();
  const rate = options.rate ?? 1;
  const virtualStart = options.start?.getTime() ?? realStart;
  const now = () => new Date(virtualStart + (Date.now() - realStart) * rate);
  return {
    now,
    async sleepUntil(at, signal) {
      while (!signal.aborted) {
        const virtualMs = at.getTime() - now().getTime();
        if (virtualMs <= 0) return;
        await realDelay(Math.min(Math.ceil(virtualMs / rate), MAX_TIMER_MS), signal);
      }
    },
  };
}

function realDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The rehearsal clock's variables: for tests and rehearsals of downtime, never for production. */
export const CLOCK_START_ENV = 'STRATA_CLOCK_START';
export const CLOCK_RATE_ENV = 'STRATA_CLOCK_RATE';

/**
 * The clock the environment asks for: real time, or with STRATA_CLOCK_START=<ISO instant> a
 * virtual clock starting there (STRATA_CLOCK_RATE virtual seconds per real second, default 1).
 * Its state is not kept: starting again with a later start simulates the downtime between.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const startText = env[CLOCK_START_ENV];
  const rateText = env[CLOCK_RATE_ENV];
  if (!startText) {
    if (rateText) {
      throw new StrataError('SCHEDULE_CLOCK_INVALID', `${CLOCK_RATE_ENV} is set without ${CLOCK_START_ENV}`, {
        hint: `Set ${CLOCK_START_ENV} to an ISO instant (e.g. 2026-01-01T00:00:00Z) too, or unset ${CLOCK_RATE_ENV}.`,
      });
    }
    return createClock();
  }
  const start = new Date(startText);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(startText) || Number.isNaN(start.getTime())) {
    throw new StrataError('SCHEDULE_CLOCK_INVALID', `${CLOCK_START_ENV}=${startText} is not an ISO instant`, {
      hint: 'Write it like 2026-01-01T00:00:00Z.',
    });
  }
  const rate = rateText === undefined || rateText === '' ? 1 : Number(rateText);
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new StrataError(
      'SCHEDULE_CLOCK_INVALID',
      `${CLOCK_RATE_ENV}=${rateText} is not a positive number`,
      {
        hint: 'It is virtual seconds per real second, e.g. 3600 for an hour a second.',
      },
    );
  }
  return createClock({ start, rate });
}
