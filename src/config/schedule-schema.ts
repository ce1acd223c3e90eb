import { Cron } from 'croner';
import { z } from 'zod';

/** Whether `name` is a time zone this runtime knows (IANA names such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Why croner refuses a cron expression, or null when it accepts it. */
export function cronProblem(expression: string, timezone: string): string | null {
  try {
    // paused: the object only parses; it never schedules a timer.
    new Cron(expression, { paused: true, timezone });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * One entry of `schedules` in strata.config.ts: when a scheduled run fires (a cron expression in
 * a time zone), what it builds, and which load date it runs. `strata schedule` and
 * `strata serve --schedule` run them; the catch-up window decides which missed dates run after
 * downtime (see the README, section Schedules).
 */
export const scheduleSchema = z
  .strictObject({
    /** Five fields (minute hour day-of-month month day-of-week), or six with seconds first; parsed by croner. */
    cron: z.string().min(1),
    /** The time zone the cron expression and the load date are read in (IANA name). */
    timezone: z.string().min(1).default('UTC'),
    /** What to build, in `strata run --select`'s syntax; everything when left out. */
    select: z.array(z.string().min(1)).min(1).optional(),
    /** Left out of the selection, in the same syntax (`strata run --exclude`). */
    exclude: z.array(z.string().min(1)).min(1).optional(),
    /** The load date a fire runs, in days from the fire's calendar day in `timezone` (-1: the day before). */
    loadDateOffsetDays: z.number().int().min(-366).max(366).default(-1),
    /**
     * How many days back missed fires are caught up after downtime, oldest first; false: only the
     * latest fire's date (0 behaves the same).
     */
    catchupDays: z.union([z.number().int().min(0).max(366), z.literal(false)]).default(7),
    description: z.string().optional(),
  })
  .superRefine((schedule, ctx) => {
    if (!isTimeZone(schedule.timezone)) {
      ctx.addIssue({
        code: 'custom',
        path: ['timezone'],
        message: `unknown time zone "${schedule.timezone}" (use an IANA name such as "Europe/Berlin", or "UTC")`,
      });
      return;
    }
    const problem = cronProblem(schedule.cron, schedule.timezone);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        message: `"${schedule.cron}" is not a cron expression croner accepts: ${problem}`,
      });
    }
  });

const scheduleName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a SQL identifier (letters, digits, underscores)');

/** `schedules`: by name. */
export const schedulesSchema = z.record(scheduleName, scheduleSchema);

export type ScheduleConfigInput = z.input<typeof scheduleSchema>;
export type ScheduleConfig = z.output<typeof scheduleSchema>;
