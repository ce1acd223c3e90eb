import { describe, expect, it } from 'vitest';
import { type ScheduleConfigInput, scheduleSchema } from '../config/schedule-schema.ts';
import { expectedDates, missingDates } from './catch-up.ts';
import { compileSchedules, dayIn, firesBetween, latestFire, loadDateOf, nextFire } from './fire-times.ts';

function compiled(input: ScheduleConfigInput, name = 's') {
  const [schedule] = compileSchedules({ [name]: scheduleSchema.parse(input) });
  if (!schedule) throw new Error('no schedule');
  return schedule;
}

const at = (iso: string) => new Date(iso);

describe('fire times and load dates', () => {
  it('a daily 02:00 UTC cron: next, latest and the fires of a half-open interval', () => {
    const daily = compiled({ cron: '0 2 * * *' });
    expect(nextFire(daily, at('2026-03-01T02:00:00Z'))?.toISOString()).toBe('2026-03-02T02:00:00.000Z');
    expect(latestFire(daily, at('2026-03-01T02:00:00Z'))?.toISOString()).toBe('2026-03-01T02:00:00.000Z');
    expect(latestFire(daily, at('2026-03-01T01:59:59Z'))?.toISOString()).toBe('2026-02-28T02:00:00.000Z');
    expect(
      firesBetween(daily, at('2026-03-01T02:00:00Z'), at('2026-03-03T02:00:00Z')).map((d) => d.toISOString()),
    ).toEqual(['2026-03-02T02:00:00.000Z', '2026-03-03T02:00:00.000Z']);
  });

  it('the load date is the day before the fire, in the schedule’s time zone', () => {
    const berlin = compiled({ cron: '30 0 * * *', timezone: 'Europe/Berlin' });
    const fire = nextFire(berlin, at('2026-07-01T00:00:00Z'));
    // 00:30 in Berlin (summer time) is 22:30 UTC the day before.
    expect(fire?.toISOString()).toBe('2026-07-01T22:30:00.000Z');
    expect(dayIn(fire as Date, 'Europe/Berlin')).toBe('2026-07-02');
    expect(loadDateOf(berlin, fire as Date)).toBe('2026-07-01');
    const sameDay = compiled({ cron: '0 2 * * *', loadDateOffsetDays: 0 });
    expect(loadDateOf(sameDay, at('2026-03-01T02:00:00Z'))).toBe('2026-03-01');
  });
});

describe('expected and missing dates', () => {
  const daily = compiled({ cron: '0 2 * * *' });

  it('a schedule seen for the first time expects nothing before that moment', () => {
    expect(expectedDates(daily, null, at('2026-03-10T12:00:00Z')).dates).toEqual([]);
    expect(expectedDates(daily, at('2026-03-10T12:00:00Z'), at('2026-03-10T12:00:00Z')).dates).toEqual([]);
    expect(expectedDates(daily, at('2026-03-08T12:00:00Z'), at('2026-03-10T12:00:00Z')).dates).toEqual([
      '2026-03-08',
      '2026-03-09',
    ]);
  });

  it('catchupDays bounds the window; the latest fire always counts; false expects only it', () => {
    const seen = at('2026-01-01T00:00:00Z');
    const now = at('2026-03-11T12:00:00Z');
    expect(expectedDates(daily, seen, now).dates).toEqual([
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
    ]);
    expect(expectedDates(compiled({ cron: '0 2 * * *', catchupDays: 2 }), seen, now).dates).toEqual([
      '2026-03-09',
      '2026-03-10',
    ]);
    expect(expectedDates(compiled({ cron: '0 2 * * *', catchupDays: false }), seen, now).dates).toEqual([
      '2026-03-10',
    ]);
    expect(expectedDates(compiled({ cron: '0 2 * * *', catchupDays: 0 }), seen, now).dates).toEqual([
      '2026-03-10',
    ]);
  });

  it('an hourly cron expects each load date once; a weekly one its own dates', () => {
    const hourly = compiled({ cron: '0 * * * *', catchupDays: 1 });
    expect(expectedDates(hourly, at('2026-03-01T00:00:00Z'), at('2026-03-03T05:00:00Z')).dates).toEqual([
      '2026-03-01',
      '2026-03-02',
    ]);
    const weekly = compiled({ cron: '0 2 * * 1', catchupDays: 30 });
    // Mondays 2026-03-02, 09, 16: the Sundays before.
    expect(expectedDates(weekly, at('2026-02-25T00:00:00Z'), at('2026-03-17T00:00:00Z')).dates).toEqual([
      '2026-03-01',
      '2026-03-08',
      '2026-03-15',
    ]);
  });

  it('missing is expected minus done, oldest first', () => {
    expect(missingDates(['2026-03-01', '2026-03-02', '2026-03-03'], new Set(['2026-03-02']))).toEqual([
      '2026-03-01',
      '2026-03-03',
    ]);
  });
});

describe('the schedule config', () => {
  it('fills the defaults', () => {
    expect(scheduleSchema.parse({ cron: '0 2 * * *' })).toEqual({
      cron: '0 2 * * *',
      timezone: 'UTC',
      loadDateOffsetDays: -1,
      catchupDays: 7,
    });
  });

  it('a bad cron or time zone is a problem of its key, with croner’s reason', () => {
    const bad = scheduleSchema.safeParse({ cron: '61 2 * * *' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['cron']);
    expect(bad.error?.issues[0]?.message).toMatch(
      /"61 2 \* \* \*" is not a cron expression croner accepts: .*minute/,
    );
    const zone = scheduleSchema.safeParse({ cron: '0 2 * * *', timezone: 'Mars/Olympus' });
    expect(zone.error?.issues[0]?.path).toEqual(['timezone']);
    expect(zone.error?.issues[0]?.message).toMatch(/unknown time zone "Mars\/Olympus"/);
  });
});
