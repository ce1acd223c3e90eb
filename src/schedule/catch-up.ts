import { type CompiledSchedule, firesBetween, latestFire, loadDateOf } from './fire-times.ts';

const DAY_MS = 86_400_000;

/** Where a schedule's catch-up window starts and which load dates it expects by `now`. */
export interface ExpectedDates {
  /** Fires after this instant count (exclusive). */
  windowStart: Date;
  /** The load dates of the fires in (windowStart, now], oldest first, each once. */
  dates: string[];
}

/**
 * The load dates a schedule should have run by `now`. The window is (start, now] with start the
 * later of the moment a scheduler first saw the schedule (`firstSeenAt`: a new schedule does not
 * backfill history, that is `strata backfill`'s job) and `now - catchupDays`. The latest fire
 * always counts, so `catchupDays: false` (or 0) expects exactly the latest fire's date. Several
 * fires with one load date (an hourly cron) expect it once.
 */
export function expectedDates(
  schedule: CompiledSchedule,
  firstSeenAt: Date | null,
  now: Date,
): ExpectedDates {
  if (!firstSeenAt || firstSeenAt >= now) return { windowStart: now, dates: [] };
  const { catchupDays } = schedule.config;
  const latest = latestFire(schedule, now);
  const latestStart = latest && latest > firstSeenAt ? new Date(latest.getTime() - 1) : now;
  const catchupStart = catchupDays === false ? latestStart : new Date(now.getTime() - catchupDays * DAY_MS);
  const candidates = [firstSeenAt, catchupStart < latestStart ? catchupStart : latestStart];
  const windowStart = new Date(Math.max(...candidates.map((d) => d.getTime())));
  const dates = firesBetween(schedule, windowStart, now).map((fire) => loadDateOf(schedule, fire));
  return { windowStart, dates: [...new Set(dates)].sort() };
}

/** Expected minus done, oldest first: what a catch-up runs, in this order. */
export function missingDates(expected: readonly string[], done: ReadonlySet<string>): string[] {
  return expected.filter((date) => !done.has(date));
}
