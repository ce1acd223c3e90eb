import { Cron } from 'croner';
import type { ScheduleConfig } from '../config/schedule-schema.ts';
import { addDays } from '../time/dates.ts';

/** A schedule of the config, ready to answer when it fires. */
export interface CompiledSchedule {
  name: string;
  config: ScheduleConfig;
  cron: Cron;
}

/** Fires enumerated at most per question: a minutely cron over a year's window stays bounded. */
export const MAX_FIRES = 100_000;

/** The config's schedules, by name in name order; the config has validated every expression. */
export function compileSchedules(schedules: Record<string, ScheduleConfig>): CompiledSchedule[] {
  return Object.keys(schedules)
    .sort()
    .map((name) => {
      const config = schedules[name] as ScheduleConfig;
      // paused: croner only computes times here; the scheduler loop decides when to wake.
      return { name, config, cron: new Cron(config.cron, { paused: true, timezone: config.timezone }) };
    });
}

/** The first fire strictly after `after`, or null when the expression never fires again. */
export function nextFire(schedule: CompiledSchedule, after: Date): Date | null {
  return schedule.cron.nextRun(after);
}

/** The last fire at or before `at`, or null when it never fired before. */
export function latestFire(schedule: CompiledSchedule, at: Date): Date | null {
  return schedule.cron.previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}

/** The fires in the half-open interval (after, until], oldest first (at most MAX_FIRES). */
export function firesBetween(schedule: CompiledSchedule, after: Date, until: Date): Date[] {
  const fires: Date[] = [];
  for (
    let at = nextFire(schedule, after);
    at && at <= until && fires.length < MAX_FIRES;
    at = nextFire(schedule, at)
  ) {
    fires.push(at);
  }
  return fires;
}

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function dayIn(at: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The load date a fire runs: its day in the schedule's time zone, moved by loadDateOffsetDays. */
export function loadDateOf(schedule: CompiledSchedule, fire: Date): string {
  return addDays(dayIn(fire, schedule.config.timezone), schedule.config.loadDateOffsetDays);
}
